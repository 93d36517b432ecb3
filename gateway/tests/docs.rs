//! README.md and .env.example stay true: every gateway setting and every site setting is
//! listed, with its default.
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

use gateway::settings::SETTINGS;

fn read(name: &str) -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap();
    std::fs::read_to_string(root.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn every_setting_is_documented_with_its_default() {
    let env_example = read(".env.example");
    let readme = read("README.md");
    for setting in SETTINGS {
        let var = format!("TECHNO_SCRAPER_{}", setting.name.to_ascii_uppercase());
        let line = format!("{var}={}", setting.default);
        assert!(
            env_example.lines().any(|l| l == line),
            ".env.example lacks the line {line}"
        );
        assert!(
            readme.contains(&format!("`{var}`")),
            "README.md lacks {var}"
        );
    }
    for reg in scraper_core::registered().unwrap() {
        for setting in reg.site.settings {
            let var = reg.site.setting_env_var(setting.name);
            let line = format!("{var}={}", setting.default.unwrap_or(""));
            assert!(
                env_example.lines().any(|l| l == line),
                ".env.example lacks the line {line}"
            );
            assert!(
                readme.contains(&format!("`{var}`")),
                "README.md lacks {var}"
            );
        }
    }
}

#[test]
fn nothing_undocumented_is_listed() {
    let env_example = read(".env.example");
    let sites: Vec<String> = scraper_core::registered()
        .unwrap()
        .iter()
        .flat_map(|r| {
            r.site
                .settings
                .iter()
                .map(|s| r.site.setting_env_var(s.name))
        })
        .collect();
    for line in env_example
        .lines()
        .filter(|l| l.starts_with("TECHNO_SCRAPER_"))
    {
        let var = line.split('=').next().unwrap();
        let general = SETTINGS
            .iter()
            .any(|s| format!("TECHNO_SCRAPER_{}", s.name.to_ascii_uppercase()) == var);
        assert!(
            general || sites.iter().any(|s| s == var),
            ".env.example lists {var}, which is not a setting"
        );
    }
}
