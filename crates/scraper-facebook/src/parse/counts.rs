//! Reading the counts Facebook prints for people — "3.7K likes · 3.7K followers", "3,783 likes",
//! "Gefällt 3.783 Mal", "3,7 Tsd. „Gefällt mir“-Angaben", "3,7 k J’aime", "3,7 mil seguidores",
//! "3783 Mi piace", "3,7K vind-ik-leuks" — into numbers, in the languages Facebook serves.
//!
//! A count is a number (any grouping: `3,783`, `3.783`, `3 783`, `3’783`), an optional
//! abbreviation (`K`, `M`, `Tsd.`, `Mio.`, `mil`, `mila`, `mln`, `tys.`, ...) and a word saying what
//! is counted, after it or around it. Abbreviated numbers are decimals ("3,7 k" = 3700); plain
//! numbers use their separators for grouping only ("3,783" = "3.783" = 3783).

/// What a count counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountKind {
    /// People who like the page.
    Likes,
    /// People who follow the page.
    Followers,
}

/// One count found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    /// What is counted.
    pub kind: CountKind,
    /// The number (abbreviations expanded: "3.7K" is 3700).
    pub value: u64,
    /// Whether Facebook printed the number in full (not "3.7K"), so it is exact.
    pub exact: bool,
}

/// Words after the number that say it counts likes, lowercase, longest first where one starts
/// another. Apostrophes are normalised to `'`.
const LIKES_AFTER: &[&str] = &[
    "people like this",
    "person likes this",
    "likes",
    "like",
    "gefällt-mir-angaben",
    "gefällt mir",
    "personen gefällt das",
    "mentions j'aime",
    "j'aime",
    "personnes aiment ça",
    "personne aime ça",
    "me gusta",
    "personas les gusta esto",
    "personas les gusta",
    "persona le gusta esto",
    "pessoas curtiram isso",
    "curtidas",
    "curtida",
    "gostos",
    "gosto",
    "mi piace",
    "vind-ik-leuks",
    "vind-ik-leuk",
    "mensen vinden dit leuk",
    "personen vinden dit leuk",
    "polubień",
    "polubienia",
    "osoby lubią to",
    "osób lubi to",
    "beğenme",
    "kişi bunu beğendi",
    "lượt thích",
    "người thích",
    "suka",
    "orang menyukai ini",
    "gillamarkeringar",
    "gilla-markeringar",
    "synes godt om",
    "liker dette",
    "tykkäystä",
    "tykkää tästä",
    "отметок «нравится»",
    "отметки «нравится»",
    "отметка «нравится»",
    "de aprecieri",
    "aprecieri",
    "označení to se mi líbí",
    "lajků",
];

/// Words after the number that say it counts followers.
const FOLLOWERS_AFTER: &[&str] = &[
    "people follow this",
    "person follows this",
    "followers",
    "follower",
    "personen folgen diesem objekt",
    "personen folgen",
    "abonnés",
    "abonné",
    "personnes suivent ça",
    "seguidores",
    "seguidor",
    "personas siguen esto",
    "pessoas estão seguindo isso",
    "volgers",
    "volger",
    "mensen volgen dit",
    "personen volgen dit",
    "obserwujących",
    "obserwujący",
    "osób obserwuje to",
    "takipçi",
    "người theo dõi",
    "pengikut",
    "orang mengikuti ini",
    "följare",
    "følgere",
    "seuraajaa",
    "подписчиков",
    "подписчика",
    "подписчик",
    "de urmăritori",
    "urmăritori",
    "sledujících",
];

/// Counts with the word before the number and another after it: (before, after, kind).
const AROUND: &[(&str, &str, CountKind)] = &[
    ("gefällt", "mal", CountKind::Likes),
    ("piace a", "persone", CountKind::Likes),
];

/// Abbreviations after a number and what they multiply by, lowercase, longest first where one
/// starts another. `b` is a billion in English and a thousand (bin) in Turkish: see [`scale`].
const MULTIPLIERS: &[(&str, u64)] = &[
    ("tsd", 1_000),
    ("tys", 1_000),
    ("tis", 1_000),
    ("tūkst", 1_000),
    ("mila", 1_000),
    ("mill", 1_000_000),
    ("mil", 1_000),
    ("mio", 1_000_000),
    ("mln", 1_000_000),
    ("mld", 1_000_000_000),
    ("mrd", 1_000_000_000),
    ("milj", 1_000_000),
    ("mn", 1_000_000),
    ("mi", 1_000_000),
    ("ribu", 1_000),
    ("rb", 1_000),
    ("jt", 1_000_000),
    ("bn", 1_000_000_000),
    ("тыс", 1_000),
    ("млн", 1_000_000),
    ("k", 1_000),
    ("m", 1_000_000),
    ("b", 1_000_000_000),
    ("万", 10_000),
    ("만", 10_000),
    ("亿", 100_000_000),
    ("億", 100_000_000),
    ("千", 1_000),
    ("천", 1_000),
];

/// Reads one count as printed ("3.7K", "3,783", "1,2 Mio.", "25K", "3 783") into a number.
///
/// `None` when `text` is not a count (no digits, several numbers, an unknown abbreviation).
pub fn parse_count(text: &str) -> Option<u64> {
    let chars = normalise(text);
    let start = chars.iter().position(|c| !c.is_whitespace())?;
    let (number, end) = scan_number(&chars, start)?;
    let rest = skip_spaces(&chars, end);
    if rest == chars.len() {
        return value(&number, None);
    }
    let (multiplier, after) = multiplier_at(&chars, rest)?;
    (skip_spaces(&chars, after) == chars.len())
        .then(|| value(&number, Some(multiplier)))
        .flatten()
}

/// Every like and follower count in `text`, in order.
pub fn find_counts(text: &str) -> Vec<Count> {
    let chars = normalise(text);
    let mut found = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        let starts_number = chars[at].is_ascii_digit()
            && (at == 0 || !(chars[at - 1].is_alphanumeric() || chars[at - 1] == '#'));
        if !starts_number {
            at += 1;
            continue;
        }
        let Some((number, end)) = scan_number(&chars, at) else {
            at += 1;
            continue;
        };
        if let Some(count) = count_at(&chars, at, &number, end) {
            found.push(count);
        }
        at = end.max(at + 1);
    }
    found
}

/// The count made by the number `number` spanning `start..end` and the words around it.
fn count_at(chars: &[char], start: usize, number: &str, end: usize) -> Option<Count> {
    let after = skip_spaces_and_quotes(chars, end);
    let make = |kind, multiplier: Option<u64>| {
        value(number, multiplier).map(|value| Count {
            kind,
            value,
            exact: multiplier.is_none(),
        })
    };
    let before = words_before(chars, start);
    for (prefix, suffix, kind) in AROUND {
        if before.ends_with(prefix)
            && before[..before.len() - prefix.len()]
                .chars()
                .last()
                .is_none_or(|c| !c.is_alphanumeric())
            && word_at(chars, after, suffix).is_some()
        {
            return make(*kind, None);
        }
    }
    if let Some((kind, singular)) = keyword_at(chars, after) {
        return make(kind, None).filter(|c| !singular || c.value == 1);
    }
    let (raw, after_multiplier) = multiplier_at(chars, skip_spaces(chars, end))?;
    let mut next = skip_spaces_and_quotes(chars, after_multiplier);
    if let Some(after_de) = word_at(chars, next, "de") {
        next = skip_spaces_and_quotes(chars, after_de);
    }
    let (kind, singular) = keyword_at(chars, next)?;
    if singular {
        return None;
    }
    make(kind, Some(scale(raw, chars, next)))
}

/// `b` after a number is a thousand in Turkish ("3,7 B takipçi") and a billion elsewhere.
fn scale(multiplier: u64, chars: &[char], keyword_at: usize) -> u64 {
    if multiplier == 1_000_000_000 {
        let turkish = ["takipçi", "beğenme"]
            .iter()
            .any(|w| word_at(chars, keyword_at, w).is_some());
        if turkish {
            return 1_000;
        }
    }
    multiplier
}

/// Singular words, which count only one ("1 like"): "since 2009 like no other" is no count.
const SINGULAR: &[&str] = &["like", "person likes this", "person follows this"];

/// The likes or followers keyword starting at `at`, and whether it is a singular word.
fn keyword_at(chars: &[char], at: usize) -> Option<(CountKind, bool)> {
    let found = |words: &[&'static str]| {
        words
            .iter()
            .find(|w| word_at(chars, at, w).is_some())
            .map(|w| SINGULAR.contains(w))
    };
    if let Some(singular) = found(LIKES_AFTER) {
        return Some((CountKind::Likes, singular));
    }
    found(FOLLOWERS_AFTER).map(|singular| (CountKind::Followers, singular))
}

/// Where `word` ends when it starts at `at` and is a whole word there.
fn word_at(chars: &[char], at: usize, word: &str) -> Option<usize> {
    let mut i = at;
    for w in word.chars() {
        if chars.get(i) != Some(&w) {
            return None;
        }
        i += 1;
    }
    let whole = match chars.get(i) {
        None => true,
        Some('-') => !chars.get(i + 1).is_some_and(|c| c.is_alphanumeric()),
        Some(c) => !c.is_alphanumeric(),
    };
    whole.then_some(i)
}

/// The abbreviation at `at` (with its optional dot) and where it ends.
fn multiplier_at(chars: &[char], at: usize) -> Option<(u64, usize)> {
    MULTIPLIERS.iter().find_map(|(word, factor)| {
        let mut i = at;
        for w in word.chars() {
            if chars.get(i) != Some(&w) {
                return None;
            }
            i += 1;
        }
        if chars.get(i) == Some(&'.') {
            i += 1;
        }
        let ends = chars.get(i).is_none_or(|c| !c.is_alphanumeric());
        ends.then_some((*factor, i))
    })
}

/// The number starting at `start` (digits and grouping or decimal separators between digits),
/// as text with one `,` per separator, and where it ends.
fn scan_number(chars: &[char], start: usize) -> Option<(String, usize)> {
    let mut text = String::new();
    let mut i = start;
    loop {
        let digits_start = i;
        while chars.get(i).is_some_and(char::is_ascii_digit) {
            text.push(chars[i]);
            i += 1;
        }
        if i == digits_start {
            break;
        }
        let Some(&sep) = chars.get(i) else { break };
        let next_is_digit = chars.get(i + 1).is_some_and(char::is_ascii_digit);
        if !next_is_digit {
            break;
        }
        let grouping_space = |c: char| matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}');
        if matches!(sep, '.' | ',' | '\'') {
            text.push(if sep == '.' { '.' } else { ',' });
        } else if grouping_space(sep) {
            // A space groups only a run of exactly three digits: "3 783", not "65 3".
            let run = chars[i + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            if run != 3 {
                break;
            }
            text.push(' ');
        } else {
            break;
        }
        i += 1;
    }
    (!text.is_empty()).then_some((text, i))
}

/// The value of a scanned number, with an abbreviation's multiplier when there was one.
fn value(number: &str, multiplier: Option<u64>) -> Option<u64> {
    let groups: Vec<&str> = number.split(['.', ',', ' ']).collect();
    let separators: Vec<char> = number
        .chars()
        .filter(|c| matches!(c, '.' | ',' | ' '))
        .collect();
    let (whole, fraction) = match multiplier {
        // "3.7K", "3,7 k", "1,25 M": the last separator is the decimal point.
        Some(_) if groups.len() > 1 && groups[groups.len() - 1].len() <= 2 => {
            let (last, rest) = groups.split_last()?;
            (grouped(rest, &separators[..separators.len() - 1])?, *last)
        }
        Some(_) => (grouped(&groups, &separators)?, ""),
        // "3,783", "3.783", "3 783", "1,234,567": separators group thousands.
        None => match grouped(&groups, &separators) {
            Some(whole) => (whole, ""),
            // "3,7" without an abbreviation: a decimal, rounded.
            None if groups.len() == 2 && groups[1].len() <= 2 => (groups[0].to_owned(), groups[1]),
            None => return None,
        },
    };
    let factor = u128::from(multiplier.unwrap_or(1));
    let whole: u128 = whole.parse().ok()?;
    let mut total = whole.checked_mul(factor)?;
    if !fraction.is_empty() {
        let digits: u128 = fraction.parse().ok()?;
        let scale = 10u128.pow(u32::try_from(fraction.len()).ok()?);
        total = total.checked_add((digits * factor + scale / 2) / scale)?;
    }
    u64::try_from(total).ok()
}

/// The digits of groups separated by one kind of grouping separator, every group after the first
/// three digits long (or Indian lakh grouping: twos, then a final three).
fn grouped(groups: &[&str], separators: &[char]) -> Option<String> {
    let (first, rest) = groups.split_first()?;
    if rest.is_empty() {
        return Some((*first).to_owned());
    }
    let one_kind = separators.windows(2).all(|w| w[0] == w[1]);
    let thousands = rest.iter().all(|g| g.len() == 3);
    let (last, middle) = rest.split_last()?;
    let lakhs = last.len() == 3 && middle.iter().all(|g| g.len() == 2) && first.len() <= 2;
    (one_kind && (1..=3).contains(&first.len()) && (thousands || lakhs)).then(|| groups.concat())
}

/// Lowercase characters, typographic apostrophes made `'`, invisible marks dropped.
fn normalise(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| !super::html::is_invisible(*c))
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            '\u{2019}' | '\u{2018}' | '\u{02bc}' | '`' | '´' => '\'',
            other => other,
        })
        .collect()
}

fn skip_spaces(chars: &[char], mut at: usize) -> usize {
    while chars.get(at).is_some_and(|c| c.is_whitespace()) {
        at += 1;
    }
    at
}

/// Skips spaces and the quotes some languages put around the counted word („Gefällt mir“).
fn skip_spaces_and_quotes(chars: &[char], mut at: usize) -> usize {
    while chars
        .get(at)
        .is_some_and(|c| c.is_whitespace() || matches!(c, '„' | '“' | '”' | '"' | '«' | '»' | '‚'))
    {
        at += 1;
    }
    at
}

/// The lowercase words just before `at`, trimmed, as one string (at most 40 characters).
fn words_before(chars: &[char], at: usize) -> String {
    let from = at.saturating_sub(40);
    let text: String = chars[from..at].iter().collect();
    text.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(parse_count("3.7K"), Some(3700));
        assert_eq!(parse_count("3,783"), Some(3783));
        assert_eq!(parse_count("1,2 Mio."), Some(1_200_000));
        assert_eq!(parse_count("nothing"), None);
    }

    #[test]
    fn counts_in_text() {
        let found = find_counts("Meedan. 3,783 likes · 65 were here.");
        assert_eq!(
            found,
            [Count {
                kind: CountKind::Likes,
                value: 3783,
                exact: true
            }]
        );
    }
}
