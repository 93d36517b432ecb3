//! The common parameter forms — a handle, a numeric id, or a URL of the site's own hosts — and
//! the URL rules that keep a client from steering our requests anywhere else (SSRF).

use url::{Host, Url};

use crate::error::ScrapeError;
use crate::site::{SiteDescription, host_matches};

/// What a `user`/`page`-style parameter designates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntityRef {
    /// A numeric id (`542134`).
    Id(u64),
    /// A handle, as it appears in the entity's URL (`dubmatix`; a leading `@` is dropped).
    Handle(String),
    /// A URL on one of the site's hosts, normalised to `https` without fragment.
    Url(Url),
}

/// Reads a handle, a numeric id or a URL of one of `site`'s hosts.
///
/// Anything else is `invalid_params` naming `param`, and nothing is fetched for it.
pub fn parse_entity_ref(
    param: &'static str,
    input: &str,
    site: &SiteDescription,
) -> Result<EntityRef, ScrapeError> {
    let input = input.trim();
    if looks_like_url(input) {
        return parse_site_url(param, input, site.url_hosts()).map(EntityRef::Url);
    }
    if !input.is_empty() && input.bytes().all(|b| b.is_ascii_digit()) {
        return input.parse().map(EntityRef::Id).map_err(|_| {
            ScrapeError::invalid_param(
                param,
                format!("parameter '{param}' is not a valid numeric id"),
            )
        });
    }
    parse_handle(param, input).map(|h| EntityRef::Handle(h.to_owned()))
}

/// Reads a handle: letters, digits, `_`, `-` and `.`, at most 100 characters, a leading `@` dropped.
pub fn parse_handle<'a>(param: &'static str, input: &'a str) -> Result<&'a str, ScrapeError> {
    let handle = input.trim().strip_prefix('@').unwrap_or(input.trim());
    let valid = !handle.is_empty()
        && handle.len() <= 100
        && handle
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        && !handle.starts_with('.');
    if valid {
        Ok(handle)
    } else {
        Err(ScrapeError::invalid_param(
            param,
            format!("parameter '{param}' must be a handle, a numeric id or a URL of the site"),
        ))
    }
}

/// Whether a parameter value should be read as a URL rather than a handle.
pub fn looks_like_url(input: &str) -> bool {
    input.contains("://")
        || input.contains('/')
        || input.contains('\\')
        || input.find('@').is_some_and(|at| at > 0)
}

/// Reads a URL and accepts it only when its host is one of `hosts` (see
/// [`SiteDescription::hosts`] for the pattern form). `http` is upgraded to `https`, the fragment
/// dropped. Refused: other schemes, credentials, IP literals in any notation, explicit ports,
/// and every other host.
pub fn parse_site_url(
    param: &'static str,
    input: &str,
    hosts: &[&str],
) -> Result<Url, ScrapeError> {
    let input = input.trim();
    let refuse =
        |why: &str| ScrapeError::invalid_param(param, format!("parameter '{param}' {why}"));
    let with_scheme;
    let text = if input.contains("://") {
        input
    } else {
        with_scheme = format!("https://{}", input.trim_start_matches('/'));
        &with_scheme
    };
    let mut url = Url::parse(text).map_err(|_| refuse("is not a valid URL"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(refuse("must be an http or https URL"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse("must not carry credentials"));
    }
    let host = match url.host() {
        Some(Host::Domain(d)) => d.trim_end_matches('.').to_ascii_lowercase(),
        Some(Host::Ipv4(_) | Host::Ipv6(_)) => {
            return Err(refuse("must name the site's host, not an IP address"));
        }
        None => return Err(refuse("is not a valid URL")),
    };
    if url.port().is_some() {
        return Err(refuse("must not name a port"));
    }
    if is_idn(&host) {
        return Err(refuse(&format!(
            "must name its host in plain ASCII: {host} is an internationalised domain name, which can imitate another"
        )));
    }
    if !host_matches(hosts, &host) {
        return Err(refuse(&format!(
            "must be a URL of {}, not of {host}",
            describe_hosts(hosts)
        )));
    }
    url.set_host(Some(&host))
        .map_err(|_| refuse("is not a valid URL"))?;
    url.set_scheme("https")
        .map_err(|()| refuse("is not a valid URL"))?;
    url.set_fragment(None);
    Ok(url)
}

/// Whether a host name (as the URL parser left it: lowercase, IDNA-encoded) is an
/// internationalised one — a label in punycode (`xn--`), however it was typed. Mixed-script
/// lookalikes (`bandcamp.cоm` with a Cyrillic `о`) are such names; a name that IDNA maps to
/// plain ASCII (fullwidth letters, say) is that ASCII name and is not.
pub fn is_idn(host: &str) -> bool {
    host.split('.').any(|label| {
        label
            .as_bytes()
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case(b"xn--"))
    })
}

fn describe_hosts(hosts: &[&str]) -> String {
    hosts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::SiteDescription;

    static SITE: SiteDescription =
        SiteDescription::new("soundcloud", "SoundCloud", "https://soundcloud.com")
            .hosts(&[
                "soundcloud.com",
                "m.soundcloud.com",
                "api-v2.soundcloud.com",
                "*.sndcdn.com",
            ])
            .param_hosts(&["soundcloud.com", "m.soundcloud.com"]);

    fn parse(input: &str) -> Result<EntityRef, ScrapeError> {
        parse_entity_ref("user", input, &SITE)
    }

    #[test]
    fn handles_ids_and_urls() {
        assert_eq!(
            parse("dubmatix").unwrap(),
            EntityRef::Handle("dubmatix".into())
        );
        assert_eq!(
            parse("@some-user_1.x").unwrap(),
            EntityRef::Handle("some-user_1.x".into())
        );
        assert_eq!(parse(" 542134 ").unwrap(), EntityRef::Id(542134));
        let EntityRef::Url(u) = parse("https://soundcloud.com/dubmatix#about").unwrap() else {
            panic!()
        };
        assert_eq!(u.as_str(), "https://soundcloud.com/dubmatix");
        let EntityRef::Url(u) = parse("http://SoundCloud.com./dubmatix?x=1").unwrap() else {
            panic!()
        };
        assert_eq!(u.as_str(), "https://soundcloud.com/dubmatix?x=1");
        let EntityRef::Url(u) = parse("soundcloud.com/dubmatix").unwrap() else {
            panic!()
        };
        assert_eq!(u.host_str(), Some("soundcloud.com"));
        let EntityRef::Url(u) = parse("https://m.soundcloud.com/dubmatix").unwrap() else {
            panic!()
        };
        assert_eq!(u.host_str(), Some("m.soundcloud.com"));
    }

    #[test]
    fn refuses_everything_that_could_reach_another_host() {
        let refused = [
            "https://example.com/dubmatix",
            "https://soundcloud.com.evil.example/dubmatix",
            "https://evilsoundcloud.com/x",
            "https://soundcloud.com@evil.example/dubmatix",
            "https://user:pass@soundcloud.com/dubmatix",
            "https://soundcloud.com:8080/dubmatix",
            "http://soundcloud.com:443/dubmatix",
            "soundcloud.com@evil.example",
            "http://169.254.169.254/latest/meta-data/",
            "http://127.0.0.1/",
            "http://2130706433/",
            "http://0x7f000001/",
            "http://0177.0.0.1/",
            "http://0x7f.1/",
            "http://127.1/",
            "http://[::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[fd00::1]/",
            "https://api-v2.soundcloud.com/users/1",
            "https://i1.sndcdn.com/x.jpg",
            "http://localhost/",
            "http://metadata.google.internal/",
            "file:///etc/passwd",
            "ftp://soundcloud.com/x",
            "gopher://soundcloud.com/x",
            "javascript:alert(1)",
            "data:text/html,hi",
            "//evil.example/x",
            "https:\\\\evil.example\\x",
            "https://soundcloud.com%2eevil.example/x",
            "https://xn--soundcloud-.com/x",
            "https://",
            "not a url/at all",
            "dub matix",
            "../../etc/passwd",
            "",
        ];
        for input in refused {
            let err = parse(input).expect_err(input);
            assert_eq!(err.code(), crate::ErrorCode::InvalidParams, "{input}");
            assert_eq!(err.param(), Some("user"), "{input}");
        }
    }

    #[test]
    fn internationalised_hosts_are_refused_however_they_are_typed() {
        let hosts = ["bandcamp.com", "*.bandcamp.com", "soundcloud.com"];
        for input in [
            "https://macbenson.bandcamp.c\u{43e}m/album/x",
            "https://s\u{43e}undcloud.com/dubmatix",
            "https://xn--mcbenson-ed4c.bandcamp.com/",
            "https://m\u{0430}cbenson.bandcamp.com/",
            "https://XN--80AK6AA92E.bandcamp.com/",
        ] {
            let err = parse_site_url("url", input, &hosts).expect_err(input);
            assert_eq!(err.param(), Some("url"), "{input}");
        }
        let err = parse_site_url("url", "https://m\u{0430}cbenson.bandcamp.com/", &hosts)
            .unwrap_err()
            .to_string();
        assert!(err.contains("plain ASCII"), "{err}");
        // Fullwidth letters are the ASCII name once mapped: that name, not a lookalike.
        let url = parse_site_url("url", "https://\u{ff53}oundcloud.com/dubmatix", &hosts).unwrap();
        assert_eq!(url.host_str(), Some("soundcloud.com"));
        assert!(!is_idn("soundcloud.com") && is_idn("a.xn--p1ai") && !is_idn("xn-"));
        // Found by the fuzzer: a label whose fourth byte is inside a character.
        assert!(!is_idn("\u{a7}\u{8b}\u{8d}=du") && !is_idn("ab\u{e9}x.com"));
    }

    #[test]
    fn wildcard_hosts_take_subdomains_only() {
        let hosts = ["bandcamp.com", "*.bandcamp.com"];
        assert!(parse_site_url("url", "https://c418.bandcamp.com/album/x", &hosts).is_ok());
        assert!(parse_site_url("url", "https://bandcamp.com/search?q=x", &hosts).is_ok());
        assert!(parse_site_url("url", "https://c418.bandcamp.com.evil.example/", &hosts).is_err());
        assert!(parse_site_url("url", "https://evilbandcamp.com/", &hosts).is_err());
    }
}
