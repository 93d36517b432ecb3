//! URLs as they may appear in logs: credentials dropped, secret query values masked.

use url::Url;

/// Query parameters masked in every site's log lines.
const ALWAYS_SECRET: &[&str] = &[
    "client_id",
    "client_secret",
    "access_token",
    "token",
    "key",
    "api_key",
    "apikey",
    "secret",
    "signature",
    "sig",
    "password",
    "session",
    "oauth_token",
];

/// `url` with userinfo removed and the values of secret query parameters replaced.
pub fn redact_url(url: &Url, site_secrets: &[&str]) -> String {
    let mut clean = url.clone();
    let _ = clean.set_username("");
    let _ = clean.set_password(None);
    if clean.query().is_some() {
        let pairs: Vec<(String, String)> = clean
            .query_pairs()
            .map(|(k, v)| {
                let secret = ALWAYS_SECRET
                    .iter()
                    .chain(site_secrets)
                    .any(|s| k.eq_ignore_ascii_case(s));
                (
                    k.into_owned(),
                    if secret {
                        "REDACTED".to_owned()
                    } else {
                        v.into_owned()
                    },
                )
            })
            .collect();
        clean.query_pairs_mut().clear().extend_pairs(pairs);
    }
    clean.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_secrets_and_keeps_the_rest() {
        let url = Url::parse(
            "https://u:p@api-v2.soundcloud.com/resolve?url=x&client_id=abc&Access_Token=t&q=a+b",
        )
        .unwrap();
        assert_eq!(
            redact_url(&url, &[]),
            "https://api-v2.soundcloud.com/resolve?url=x&client_id=REDACTED&Access_Token=REDACTED&q=a+b"
        );
        let url = Url::parse("https://x.example/p?auth=1").unwrap();
        assert_eq!(
            redact_url(&url, &["auth"]),
            "https://x.example/p?auth=REDACTED"
        );
        let url = Url::parse("https://x.example/p").unwrap();
        assert_eq!(redact_url(&url, &[]), "https://x.example/p");
    }
}
