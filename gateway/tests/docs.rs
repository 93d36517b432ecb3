//! README.md and .env.example stay true: their settings parts are regenerated from the code (the
//! gateway's `Settings` and every linked site's settings type) and must match the files
//! exactly. `cargo xtask docs` rewrites them.
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

fn read(name: &str) -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap();
    std::fs::read_to_string(root.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn specs() -> Vec<scraper_core::SiteSpec> {
    scraper_core::registered()
        .unwrap()
        .iter()
        .map(|r| scraper_core::registry::spec(r.site).unwrap())
        .collect()
}

#[test]
fn env_example_is_generated_from_the_code() {
    let generated = gateway::settings::env_example(&specs());
    assert!(
        read(".env.example") == generated,
        ".env.example is stale: run `cargo xtask docs`\n--- generated ---\n{generated}"
    );
}

#[test]
fn readme_settings_tables_are_generated_from_the_code() {
    let readme = read("README.md");
    let generated = gateway::settings::readme_with_tables(&readme, &specs()).unwrap();
    assert!(
        readme == generated,
        "README.md's settings tables are stale: run `cargo xtask docs`"
    );
}

#[test]
fn every_setting_appears_with_its_default() {
    let (general, per_site) = gateway::settings::setting_rows(&specs());
    let env_example = read(".env.example");
    let readme = read("README.md");
    for row in general.iter().chain(&per_site) {
        let line = format!("{}={}", row.var, row.default);
        assert!(
            env_example.lines().any(|l| l == line),
            ".env.example lacks {line}"
        );
        assert!(
            readme.contains(&format!("`{}`", row.var)),
            "README.md lacks {}",
            row.var
        );
    }
}
