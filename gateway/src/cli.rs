//! The command line: `serve` (the default), `sites`, `run <site> <action> key=value...` (one
//! scrape without a server), `mcp` (the MCP tools over stdio), `openapi`, and `healthcheck` (for
//! container health checks).

use std::io::Write as _;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use scraper_core::{Call, RawParams, ScrapeError};
use secrecy::ExposeSecret;

use crate::app::{Application, build_engine};
use crate::problem::{Problem, status_of};
use crate::settings::{self, Loaded, Settings};
use crate::{catalogue, openapi, telemetry};

/// Music websites as one clean, authenticated JSON API.
#[derive(Debug, Parser)]
#[command(name = "techno-scraper", version, about)]
pub struct Cli {
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP gateway (the default). Settings come from TECHNO_SCRAPER_* variables.
    Serve,
    /// List the registered sites, their actions and parameters.
    Sites {
        /// Print the catalogue as JSON (as GET /v1/sites answers it).
        #[arg(long)]
        json: bool,
    },
    /// Run one scrape without a server: the JSON body on stdout; on error the problem JSON on
    /// stdout and exit status 1.
    Run {
        /// The site slug (see `sites`).
        site: String,
        /// The action name.
        action: String,
        /// Parameters as key=value words.
        #[arg(value_name = "KEY=VALUE")]
        params: Vec<String>,
    },
    /// Serve every action as an MCP tool over stdio (for Claude Desktop, Cursor): JSON-RPC on
    /// stdin/stdout, scraping in this process, the log on stderr.
    Mcp,
    /// Print the OpenAPI 3.1 document.
    Openapi,
    /// Print generated documentation (used by `cargo xtask docs`).
    #[command(hide = true)]
    Docs {
        /// Which document.
        #[command(subcommand)]
        what: DocsPart,
    },
    /// Exit 0 when the gateway answers GET /health with 200 (for HEALTHCHECK).
    Healthcheck {
        /// The URL to probe (default: /health on the configured bind address).
        #[arg(long)]
        url: Option<String>,
        /// Seconds to wait for the answer.
        #[arg(long, default_value_t = 3)]
        timeout_secs: u64,
    },
}

/// The generated documents.
#[derive(Debug, Subcommand)]
pub enum DocsPart {
    /// `.env.example`, every setting with its default.
    EnvExample,
    /// README.md with its settings tables regenerated.
    Readme {
        /// The README to read.
        path: std::path::PathBuf,
    },
}

/// Runs the command line; the process exits with the returned code.
pub async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command.unwrap_or(Command::Serve)).await {
        Ok(code) => code,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "techno-scraper: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> anyhow::Result<ExitCode> {
    let regs = scraper_core::registered().map_err(anyhow::Error::msg)?;
    let specs = regs
        .iter()
        .map(|r| scraper_core::registry::spec(r.site))
        .collect::<Result<Vec<_>, _>>()
        .map_err(anyhow::Error::msg)?;
    let Loaded { settings, warnings } = Settings::load(&specs)?;
    match command {
        Command::Serve => {
            let _log = telemetry::init(settings.log_format, &settings.log_level);
            telemetry::log_panics();
            for warning in &warnings {
                tracing::warn!("{warning}");
            }
            serve(settings).await
        }
        Command::Sites { json } => {
            let _log = telemetry::init(settings.log_format, "warn");
            let engine = build_engine(&settings, &regs)?;
            let catalogue = catalogue::catalogue(&engine);
            let text = if json {
                serde_json::to_string_pretty(&catalogue)?
            } else {
                catalogue::text(&catalogue)
            };
            print_stdout(&text)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Run {
            site,
            action,
            params,
        } => {
            let _log = telemetry::init(settings.log_format, "warn");
            scrape_once(&settings, &regs, site, action, &params).await
        }
        Command::Mcp => {
            // stdout carries the protocol: the log goes to stderr (telemetry's writer).
            let _log = telemetry::init(settings.log_format, &settings.log_level);
            telemetry::log_panics();
            for warning in &warnings {
                tracing::warn!("{warning}");
            }
            let engine = std::sync::Arc::new(build_engine(&settings, &regs)?);
            crate::mcp::stdio::serve(engine, settings.public_url.as_deref()).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Openapi => {
            let engine = build_engine(&settings, &regs)?;
            print_stdout(&serde_json::to_string_pretty(&openapi::document(&engine)?)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Docs { what } => {
            let text = match what {
                DocsPart::EnvExample => settings::env_example(&specs),
                DocsPart::Readme { path } => {
                    let readme = std::fs::read_to_string(&path)
                        .with_context(|| format!("could not read {}", path.display()))?;
                    settings::readme_with_tables(&readme, &specs).map_err(anyhow::Error::msg)?
                }
            };
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(text.as_bytes())
                .context("could not write to stdout")?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Healthcheck { url, timeout_secs } => {
            healthcheck(&settings, url, timeout_secs).await
        }
    }
}

async fn serve(settings: Settings) -> anyhow::Result<ExitCode> {
    let bind = settings.bind.clone();
    let app = Application::build(settings)?;
    if let Some(key) = app.generated_key() {
        // Printed once, on the terminal only: never through the log.
        let _ = writeln!(
            std::io::stderr(),
            "\nNo API key configured: generated one for this run (loopback only).\n\n    X-API-Key: {}\n\n\
             Set TECHNO_SCRAPER_API_KEYS to choose your own.\n",
            key.expose_secret()
        );
    }
    tracing::info!(bind = %bind, port = app.port(), sites = app.engine().sites().len(), "techno-scraper listening");
    app.run_until_stopped().await?;
    tracing::info!("techno-scraper stopped");
    Ok(ExitCode::SUCCESS)
}

async fn scrape_once(
    settings: &Settings,
    regs: &[&'static scraper_core::Registration],
    site: String,
    action: String,
    words: &[String],
) -> anyhow::Result<ExitCode> {
    let request_id = uuid::Uuid::new_v4().to_string();
    let mut pairs = Vec::with_capacity(words.len());
    for word in words {
        match word.split_once('=') {
            Some((key, value)) => pairs.push((key.to_owned(), value.to_owned())),
            None => {
                let error = ScrapeError::InvalidParams {
                    param: None,
                    reason: format!("'{word}' is not a key=value parameter"),
                };
                print_stdout(&serde_json::to_string_pretty(&Problem::scrape(
                    &error,
                    Some(&site),
                    Some(&action),
                    &request_id,
                ))?)?;
                let _ = writeln!(
                    std::io::stderr(),
                    "techno-scraper: {error} (parameters are key=value words, e.g. user=dubmatix)"
                );
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    let engine = build_engine(settings, regs)?;
    let call = Call {
        site,
        action,
        params: RawParams::from_pairs(pairs),
        request_id: request_id.clone(),
        bypass_cache: true,
    };
    match engine.execute(call).await {
        Ok(success) => {
            print_stdout(&serde_json::to_string_pretty(&success.to_value(None))?)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(failure) => {
            let body = Problem::scrape(
                &failure.error,
                failure.site.as_deref(),
                failure.action.as_deref(),
                &request_id,
            );
            print_stdout(&serde_json::to_string_pretty(&body)?)?;
            let _ = writeln!(
                std::io::stderr(),
                "techno-scraper: {} ({}, HTTP {})",
                failure.error,
                failure.error.code(),
                status_of(failure.error.code()).as_u16()
            );
            Ok(ExitCode::FAILURE)
        }
    }
}

async fn healthcheck(
    settings: &Settings,
    url: Option<String>,
    timeout_secs: u64,
) -> anyhow::Result<ExitCode> {
    let url = url.unwrap_or_else(|| format!("http://{}/health", local_address(&settings.bind)));
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(timeout_secs.max(1)))
        .build()?;
    let healthy = client
        .get(&url)
        .send()
        .await
        .is_ok_and(|r| r.status().is_success());
    if !healthy {
        let _ = writeln!(std::io::stderr(), "techno-scraper: {url} is not healthy");
    }
    Ok(if healthy {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The address to reach a server bound to `bind` from the same host.
fn local_address(bind: &str) -> String {
    if let Some(port) = bind.strip_prefix("0.0.0.0:") {
        format!("127.0.0.1:{port}")
    } else if let Some(port) = bind.strip_prefix("[::]:") {
        format!("[::1]:{port}")
    } else {
        bind.to_owned()
    }
}

fn print_stdout(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{text}").context("could not write to stdout")
}
