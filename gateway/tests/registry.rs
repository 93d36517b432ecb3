//! The shipped binary's registry holds exactly the expected sites: a site crate that is not
//! linked (inventory's linker trap) or a test-only site that leaks in would both fail here.

use std::process::Command;

#[test]
fn the_shipped_binary_registers_exactly_the_expected_sites() {
    let output = Command::new(env!("CARGO_BIN_EXE_techno-scraper"))
        .args(["sites", "--json"])
        .env_remove("TECHNO_SCRAPER_CONFIG")
        .output()
        .expect("run techno-scraper sites --json");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let catalogue: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("JSON catalogue");
    let slugs: Vec<&str> = catalogue
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, gateway::plugins::EXPECTED_SITES);
    let mut sorted = slugs.clone();
    sorted.sort_unstable();
    assert_eq!(slugs, sorted, "sites are listed sorted by slug");
}

#[test]
fn every_shipped_action_has_a_valid_example_described_params_and_schemas() {
    // The registry refuses malformed sites at startup; this makes it a test failure too.
    let regs = scraper_core::registered().expect("a valid registry");
    for reg in regs {
        let spec = scraper_core::registry::spec(reg.site).expect("a readable site");
        for action in &spec.actions {
            let name = format!("{}/{}", reg.site.slug, action.description.name);
            assert!(!action.description.summary.is_empty(), "{name}");
            for param in &action.rules.fields {
                assert!(!param.description.is_empty(), "{name}: {}", param.name);
            }
            assert_eq!(action.input_schema()["type"], "object", "{name}");
            let data = action.data_schema();
            assert!(
                data.get("$ref").is_some() || data.get("type").is_some(),
                "{name}: {data}"
            );
        }
    }
}
