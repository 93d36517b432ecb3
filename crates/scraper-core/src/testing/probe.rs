//! A site's probe ([`SiteDescription::probe`]) run against a mock upstream: the building block
//! of the fault-matrix suite (`tests/faults`), which runs every registered site's probe against
//! every upstream fault, a login wall among them.

use crate::engine::{Engine, Failure, Success};
use crate::site::{Probe, SiteDescription};

/// A login page as sites show it to logged-out visitors: a login title, a login form, a
/// password field — and none of any site's content.
pub const LOGIN_WALL: &str = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Log in</title></head>\
<body><div class=\"login\"><h1>Log in to continue</h1><form id=\"login_form\" action=\"/login/\" method=\"post\">\
<input type=\"text\" name=\"email\" placeholder=\"Email or phone\"><input type=\"password\" name=\"pass\" placeholder=\"Password\">\
<button type=\"submit\">Log in</button></form><a href=\"/signup/\">Create new account</a></div></body></html>";

/// The probe `site` declares; panics when it declares none.
pub fn of(site: &SiteDescription) -> Probe {
    site.probe
        .unwrap_or_else(|| panic!("site '{}' declares no probe", site.slug))
}

/// An engine holding `site` with its probe's settings, talking to `upstream` (test settings).
pub fn engine(site: &SiteDescription, upstream: &str) -> Engine {
    super::engine(site.slug, upstream, of(site).settings)
}

/// Runs `site`'s probe on `engine`.
pub async fn run(engine: &Engine, site: &SiteDescription) -> Result<Success, Failure> {
    let probe = of(site);
    super::call(engine, site.slug, probe.action, probe.params).await
}
