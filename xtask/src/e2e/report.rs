//! The e2e summary: one line per check that passed, with its time, printed at the end.

use std::time::{Duration, Instant};

/// Checks that passed, in order.
pub(crate) struct Report {
    started: Instant,
    lap: Instant,
    lines: Vec<(String, Duration)>,
}

impl Report {
    pub(crate) fn new() -> Self {
        let now = Instant::now();
        Self {
            started: now,
            lap: now,
            lines: Vec::new(),
        }
    }

    /// Announces a phase.
    pub(crate) fn phase(&mut self, what: &str) {
        self.lap = Instant::now();
        println!("\n=== e2e: {what}");
    }

    /// Records a passed check, timed since the last phase or check.
    pub(crate) fn ok(&mut self, what: impl Into<String>) {
        let what = what.into();
        println!("  ✓ {what}");
        self.lines.push((what, self.lap.elapsed()));
        self.lap = Instant::now();
    }

    /// Prints the summary.
    pub(crate) fn print(&self, title: &str) {
        println!("\n{title}: {} checks passed", self.lines.len());
        for (what, took) in &self.lines {
            println!("  ✓ {:>5.1} s  {what}", took.as_secs_f64());
        }
        println!("  total {:.0} s", self.started.elapsed().as_secs_f64());
    }
}
