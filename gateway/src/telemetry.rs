//! Logging: human-readable or JSON lines on stderr, filtered by `RUST_LOG` or the log_level setting.
//! Lines are written by a thread of their own (tracing-appender's non-blocking writer, lossless,
//! over a buffered stderr flushed whenever the queue is empty): a request's access log line costs
//! its worker no syscall and no contended stderr lock.

use std::io::{BufWriter, Stderr};

use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::EnvFilter;

use crate::settings::LogFormat;

/// The log's writer thread: dropping it writes out what is still queued.
#[must_use = "the log is flushed when this guard is dropped: keep it until the program ends"]
pub struct LogGuard {
    _worker: WorkerGuard,
}

/// Installs the global subscriber. Call once, before anything logs; keep the guard.
pub fn init(format: LogFormat, level: &str) -> LogGuard {
    let (writer, worker) = NonBlockingBuilder::default()
        .lossy(false)
        .thread_name("log-writer")
        .finish(BufWriter::<Stderr>::new(std::io::stderr()));
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(ansi);
    let _ = match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init(),
        LogFormat::Text => builder.compact().try_init(),
    };
    LogGuard { _worker: worker }
}

/// Sends panics to the log as well as to stderr's default report.
pub fn log_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        tracing::error!(panic = %info, "panic");
        default(info);
    }));
}
