//! A second look at a failed scrape: when an action fails with `upstream_changed`, the page it
//! could not read may not be the page it asked for. The engine hands the error here with the
//! scrape's last upstream body; a login wall (the shared marks, or the site's own
//! [`login_markers`](crate::SiteDescription::login_markers)) makes it `login_required`, a bot
//! challenge or a captcha where the content is missing makes it `blocked`. Every site gets this
//! for free: its parser only has to fail.

use crate::context::Context;
use crate::error::ScrapeError;
use crate::walls;

/// `error`, or what the scrape's last page shows instead of the content when it is a wall.
pub(crate) fn reconsider(context: &Context, error: ScrapeError) -> ScrapeError {
    if !matches!(error, ScrapeError::UpstreamChanged(_)) {
        return error;
    }
    let Some(page) = context.last_page() else {
        return error;
    };
    let site = context.site();
    // The detectors read the page's head as bytes: no UTF-8 check, no copy.
    let page: &[u8] = &page;
    if let Some(vendor) = walls::detect_bot_challenge(page) {
        return ScrapeError::blocked(format!(
            "{} answered a {vendor} bot challenge instead of the page",
            site.name
        ));
    }
    let walled = if site.login_form_everywhere {
        walls::has_login_marker(page, site.login_markers)
    } else {
        walls::detect_login_wall(page, site.login_markers)
    };
    if walled {
        return ScrapeError::LoginRequired(format!(
            "{} answered a login wall instead of the page",
            site.name
        ));
    }
    if let Some(vendor) = walls::detect_captcha(page) {
        return ScrapeError::blocked(format!(
            "{} answered a {vendor} captcha instead of the page",
            site.name
        ));
    }
    error
}
