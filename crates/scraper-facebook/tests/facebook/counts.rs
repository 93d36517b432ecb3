//! The count texts Facebook prints, in the languages it serves, read into numbers: the number
//! forms alone ([`parse_count`]) and counts found in running text ([`find_counts`]).

use scraper_facebook::parse::counts::{CountKind, find_counts, parse_count};

#[test]
fn number_forms() {
    let table: &[(&str, Option<u64>)] = &[
        ("3.7K", Some(3_700)),
        ("3,7K", Some(3_700)),
        ("3,7 k", Some(3_700)),
        ("3.78K", Some(3_780)),
        ("25K", Some(25_000)),
        ("1.2M", Some(1_200_000)),
        ("1,25M", Some(1_250_000)),
        ("1.5B", Some(1_500_000_000)),
        ("3,783", Some(3_783)),
        ("3.783", Some(3_783)),
        ("3\u{a0}783", Some(3_783)),
        ("3\u{202f}783", Some(3_783)),
        ("3 783", Some(3_783)),
        ("3’783", Some(3_783)),
        ("1,234,567", Some(1_234_567)),
        ("1.234.567", Some(1_234_567)),
        ("12,34,567", Some(1_234_567)),
        ("66", Some(66)),
        ("0", Some(0)),
        ("3,7 mil", Some(3_700)),
        ("3,7 Tsd.", Some(3_700)),
        ("1,2 Mio.", Some(1_200_000)),
        ("3,7 mila", Some(3_700)),
        ("2,5 mln", Some(2_500_000)),
        ("1,2 mi", Some(1_200_000)),
        ("3,7 tys.", Some(3_700)),
        ("3,7 rb", Some(3_700)),
        ("3,7 тыс.", Some(3_700)),
        ("10万", Some(100_000)),
        ("  3.7K  ", Some(3_700)),
        ("", None),
        ("K", None),
        ("likes", None),
        ("3.7X", None),
        ("1,2,3", None),
        ("3.7K likes", None),
        ("99999999999999999999999", None),
        ("18446744073709551616", None),
        ("99999999999999999B", None),
    ];
    let wrong: Vec<String> = table
        .iter()
        .filter(|(text, want)| parse_count(text) != *want)
        .map(|(text, want)| format!("{text:?}: got {:?}, wanted {want:?}", parse_count(text)))
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Likes and followers, the first of each.
type Read = (Option<u64>, Option<u64>);

/// (likes, followers) read from `text`, the first of each.
fn read(text: &str) -> Read {
    let found = find_counts(text);
    let first = |kind| found.iter().find(|c| c.kind == kind).map(|c| c.value);
    (first(CountKind::Likes), first(CountKind::Followers))
}

#[test]
fn counts_in_many_languages() {
    let table: &[(&str, Read)] = &[
        // English, the 2023 header and the description
        ("3.7K likes · 3.7K followers", (Some(3_700), Some(3_700))),
        ("3.7K likes • 3.7K followers", (Some(3_700), Some(3_700))),
        (
            "Meedan. 3,783 likes · 65 were here. Make sense of the global web.",
            (Some(3_783), None),
        ),
        ("483 followers", (None, Some(483))),
        ("1.2M followers", (None, Some(1_200_000))),
        ("1 like · 1 follower", (Some(1), Some(1))),
        ("3,783 people like this", (Some(3_783), None)),
        ("3,900 people follow this", (None, Some(3_900))),
        ("1 person likes this", (Some(1), None)),
        // German
        (
            "3.700 „Gefällt mir“-Angaben · 3.800 Follower",
            (Some(3_700), Some(3_800)),
        ),
        (
            "3,7 Tsd. „Gefällt mir“-Angaben • 1,2 Mio. Follower",
            (Some(3_700), Some(1_200_000)),
        ),
        (
            "Meedan. Gefällt 3.783 Mal · 65 Personen sprechen darüber.",
            (Some(3_783), None),
        ),
        ("3.783 Personen gefällt das", (Some(3_783), None)),
        ("3.800 Personen folgen diesem Objekt", (None, Some(3_800))),
        // French
        ("3,7 k J’aime · 3,7 k followers", (Some(3_700), Some(3_700))),
        (
            "3,7 k mentions J’aime • 3,8 k abonnés",
            (Some(3_700), Some(3_800)),
        ),
        ("3\u{202f}783 J’aime · 65 en parlent", (Some(3_783), None)),
        ("12\u{a0}345 personnes aiment ça", (Some(12_345), None)),
        // Spanish
        (
            "3,7 mil Me gusta · 3,7 mil seguidores",
            (Some(3_700), Some(3_700)),
        ),
        ("A 3.783 personas les gusta esto", (Some(3_783), None)),
        ("1,2 M seguidores", (None, Some(1_200_000))),
        ("1,2 M de seguidores", (None, Some(1_200_000))),
        // Portuguese
        (
            "3,7 mil curtidas · 3,8 mil seguidores",
            (Some(3_700), Some(3_800)),
        ),
        ("1,2 mi seguidores", (None, Some(1_200_000))),
        ("3.783 gostos", (Some(3_783), None)),
        // Italian
        ("3783 Mi piace · 3,8K follower", (Some(3_783), Some(3_800))),
        ("3,7 mila Mi piace", (Some(3_700), None)),
        ("Piace a 3783 persone", (Some(3_783), None)),
        // Dutch
        (
            "3,7K vind-ik-leuks · 3,8K volgers",
            (Some(3_700), Some(3_800)),
        ),
        ("3.783 vind-ik-leuks", (Some(3_783), None)),
        // Polish, Turkish, Indonesian, Russian
        (
            "3,7 tys. polubień · 3,8 tys. obserwujących",
            (Some(3_700), Some(3_800)),
        ),
        ("3,7 B beğenme · 3,8 B takipçi", (Some(3_700), Some(3_800))),
        ("3,7 rb suka · 3,8 rb pengikut", (Some(3_700), Some(3_800))),
        (
            "3,7 тыс. отметок «Нравится» · 3,8 тыс. подписчиков",
            (Some(3_700), Some(3_800)),
        ),
        // Not counts
        ("65 were here · 3 talking about this", (None, None)),
        ("15 following", (None, None)),
        ("Techno since 2009 like no other", (None, None)),
        ("H6#23 likes", (None, None)),
        ("Open 24 hours, 7 days", (None, None)),
        ("the likes of 3.7K", (None, None)),
    ];
    let wrong: Vec<String> = table
        .iter()
        .filter(|(text, want)| read(text) != *want)
        .map(|(text, want)| format!("{text:?}: got {:?}, wanted {want:?}", read(text)))
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn exact_and_abbreviated_counts_are_told_apart() {
    let found = find_counts("3,783 likes · 3.7K followers");
    assert!(found[0].exact && !found[1].exact);
}
