//! The site as the registry and the catalogue see it: its actions with their one-of groups, cache
//! lifetimes and examples, its bound on requests in flight, its settings (the key a required
//! secret, the base URL checked at startup).

use std::collections::BTreeMap;
use std::time::Duration;

use scraper_core::testing::settings;
use scraper_core::{Engine, registered, registry};
use scraper_songstats::SITE;

/// An engine with only Songstats and these settings, or the reason it refused to start.
fn start(given: &[(&str, &str)]) -> Result<Engine, String> {
    let regs: Vec<_> = registered()?
        .into_iter()
        .filter(|r| r.site.slug == "songstats")
        .collect();
    let mut sites = BTreeMap::new();
    sites.insert(
        "songstats".to_owned(),
        given
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    );
    Engine::new(&regs, settings("http://127.0.0.1:9/"), &sites)
}

#[test]
fn actions_groups_and_cache_lifetimes() {
    let spec = registry::spec(&SITE).unwrap();
    let hour = Duration::from_secs(3600);
    let actions: Vec<_> = spec
        .actions
        .iter()
        .map(|a| {
            let d = a.description;
            (d.name, d.cache_ttl, d.one_of.first().map(|g| g.to_vec()))
        })
        .collect();
    let artist_ids = Some(vec![
        "songstats_artist_id",
        "spotify_artist_id",
        "apple_music_artist_id",
    ]);
    let track_ids = Some(vec!["isrc", "songstats_track_id", "spotify_track_id"]);
    assert_eq!(
        actions,
        [
            ("artist", hour * 6, artist_ids.clone()),
            ("stats", hour, artist_ids.clone()),
            ("historic_stats", hour * 3, artist_ids),
            ("search", hour * 6, None),
            ("track", hour * 6, track_ids.clone()),
            ("track_stats", hour, track_ids),
        ]
    );
    assert_eq!(SITE.max_in_flight, Some(4));
    for action in &spec.actions {
        let details = action.description.details;
        assert!(
            details.contains("TECHNO_SCRAPER_SONGSTATS_API_KEY"),
            "{details}"
        );
        assert!(details.contains("bills"), "{details}");
    }
    let source = spec
        .action("stats")
        .unwrap()
        .rules
        .fields
        .iter()
        .find(|f| f.name == "source")
        .unwrap();
    assert_eq!(source.allowed.len(), 19);
    assert_eq!(source.default, Some(serde_json::json!("all")));
}

#[test]
fn the_key_is_a_required_secret_and_the_base_url_has_a_default() {
    let spec = registry::spec(&SITE).unwrap();
    let settings: Vec<_> = spec
        .settings
        .iter()
        .map(|s| (s.name.as_str(), s.required, s.secret, s.default.clone()))
        .collect();
    assert_eq!(
        settings,
        [
            ("api_key", true, true, None),
            (
                "base_url",
                false,
                false,
                Some(serde_json::json!("https://api.songstats.com/enterprise/v1"))
            ),
        ]
    );
    assert_eq!(
        SITE.setting_env_var("api_key"),
        "TECHNO_SCRAPER_SONGSTATS_API_KEY"
    );
}

#[test]
fn settings_are_checked_at_startup_and_the_key_never_shown() {
    let engine = start(&[("api_key", "k-123")]).unwrap();
    assert!(engine.site("songstats").unwrap().is_configured());
    let shown = format!("{engine:?}");
    assert!(!shown.contains("k-123"), "{shown}");

    for base in [
        "https://api.songstats.com/enterprise/v1",
        "https://data.songstats.com",
        "https://data.songstats.com/enterprise/v1/",
    ] {
        assert!(
            start(&[("api_key", "k"), ("base_url", base)]).is_ok(),
            "{base}"
        );
    }
    for (base, says) in [
        ("http://api.songstats.com/enterprise/v1", "not https"),
        (
            "https://songstats.evil.example/enterprise/v1",
            "not a songstats.com host",
        ),
        ("https://127.0.0.1:9300/enterprise/v1", "no host name"),
        ("not a url", "not a URL"),
    ] {
        let err = start(&[("api_key", "k"), ("base_url", base)]).unwrap_err();
        assert!(
            err.starts_with("songstats could not start: TECHNO_SCRAPER_SONGSTATS_BASE_URL must be an https URL of a songstats.com host")
                && err.contains(says),
            "{base}: {err}"
        );
    }
    let err = start(&[("api_key", "two words")]).unwrap_err();
    assert_eq!(
        err,
        "songstats could not start: TECHNO_SCRAPER_SONGSTATS_API_KEY must be printable ASCII without spaces"
    );
    assert!(!err.contains("two words"));
    let err = start(&[("apikey", "k")]).unwrap_err();
    assert!(err.contains("songstats has no setting 'apikey'"), "{err}");
}
