//! The `user` parameter as a table: what is read into which handle, and what is refused (as
//! `invalid_params` naming `user`) before anything could be fetched.

use scraper_core::ErrorCode;
use scraper_instagram::input::parse_user;

#[test]
fn accepted_forms() {
    let accepted = [
        ("nasa", "nasa"),
        ("@nasa", "nasa"),
        ("  nasa  ", "nasa"),
        (" @nasa\t", "nasa"),
        ("NASA", "nasa"),
        ("anasaiaofficial", "anasaiaofficial"),
        ("robert.downey_jr", "robert.downey_jr"),
        ("instagram", "instagram"),
        ("instagram.comics", "instagram.comics"),
        ("_under_", "_under_"),
        ("a", "a"),
        (
            "a23456789012345678901234567890",
            "a23456789012345678901234567890",
        ),
        ("https://www.instagram.com/nasa/", "nasa"),
        ("https://www.instagram.com/nasa", "nasa"),
        ("https://instagram.com/nasa/", "nasa"),
        ("https://m.instagram.com/nasa/", "nasa"),
        ("http://www.instagram.com/nasa/", "nasa"),
        ("www.instagram.com/nasa/", "nasa"),
        ("instagram.com/nasa", "nasa"),
        ("https://www.instagram.com/nasa/reels/", "nasa"),
        ("https://www.instagram.com/nasa/tagged/", "nasa"),
        ("https://www.instagram.com/nasa/?hl=en", "nasa"),
        (
            "https://www.instagram.com/nasa?igsh=MWQ1ZGUxMzBkMA%3D%3D&utm_source=qr",
            "nasa",
        ),
        ("https://www.instagram.com/nasa/#posts", "nasa"),
        ("https://WWW.Instagram.COM/NASA/", "nasa"),
        ("https://www.instagram.com./nasa/", "nasa"),
        ("https://www.instagram.com//nasa//", "nasa"),
        ("https://www.instagram.com/_u/nasa", "nasa"),
        (
            "  https://www.instagram.com/robertdowneyjr/  ",
            "robertdowneyjr",
        ),
    ];
    for (input, handle) in accepted {
        let parsed = parse_user(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        assert_eq!(parsed.as_str(), handle, "{input:?}");
    }
}

#[test]
fn refused_forms() {
    let refused = [
        "",
        "   ",
        "@",
        "@@nasa",
        "nasa!",
        "na sa",
        "nasa-x",
        ".nasa",
        "nasa.",
        "na..sa",
        "a234567890123456789012345678901",
        "nåsa",
        "na\nsa",
        "nasa%20",
        "nasa@evil.example",
        "https://evil.example/nasa/",
        "https://instagram.com.evil.example/nasa/",
        "https://evilinstagram.com/nasa/",
        "https://www.instagram.com@evil.example/nasa/",
        "https://user:pass@www.instagram.com/nasa/",
        "https://www.instagram.com:8443/nasa/",
        "https://business.instagram.com/nasa/",
        "https://l.instagram.com/?u=https%3A%2F%2Fevil.example",
        "ftp://www.instagram.com/nasa/",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "http://127.0.0.1/nasa/",
        "http://[::1]/nasa/",
        "//evil.example/nasa",
        "https://www.instagram.com/",
        "instagram.com",
        "www.instagram.com",
        "M.Instagram.com",
        "www.instagram.com?hl=en",
        "www.instagram.com.",
        "https://www.instagram.com",
        "https://www.instagram.com/?hl=en",
        "https://www.instagram.com/p/CygtX9ivC0U/",
        "https://www.instagram.com/reel/C3d2Y7dvr61/",
        "https://www.instagram.com/reels/C3d2Y7dvr61/",
        "https://www.instagram.com/tv/CdgUcJGFxkp/",
        "https://www.instagram.com/explore/tags/techno/",
        "https://www.instagram.com/accounts/login/",
        "https://www.instagram.com/stories/nasa/3215769692664507668/",
        "https://www.instagram.com/direct/inbox/",
        "https://www.instagram.com/P/CygtX9ivC0U/",
        "https://www.instagram.com/_u/",
        "https://www.instagram.com/na%73a/",
        "https://www.instagram.com/../accounts/",
        "https://www.instagram.com/nasa..x/",
        "https://www.instagram.com/.nasa/",
        "https://www.instagram.com/%2e%2e/accounts/",
    ];
    for input in refused {
        let err = parse_user(input).expect_err(input);
        assert_eq!(err.code(), ErrorCode::InvalidParams, "{input:?}");
        assert_eq!(err.param(), Some("user"), "{input:?}");
        assert!(err.to_string().contains("'user'"), "{input:?}: {err}");
    }
}

#[test]
fn huge_and_odd_values_are_refused_quickly() {
    for input in [
        "a".repeat(1_000_000),
        format!("https://www.instagram.com/{}/", "a".repeat(100_000)),
        "/".repeat(100_000),
        "@".repeat(100_000),
        "\u{0}".into(),
        "é".repeat(10_000),
    ] {
        let err = parse_user(&input).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidParams);
    }
}
