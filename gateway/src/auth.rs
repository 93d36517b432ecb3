//! API keys: where they come from (settings, a file, or generated for a loopback bind), and the
//! middleware that checks them on `/v1/*` in constant time without ever logging them.

use std::net::SocketAddr;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, web};
use scraper_core::ScrapeError;
use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;

use crate::problem::{problem_response, request_id_of};
use crate::settings::Settings;
use crate::state::AppState;

/// The set of valid API keys.
#[derive(Clone)]
pub struct ApiKeys(Vec<SecretString>);

impl std::fmt::Debug for ApiKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ApiKeys({} keys)", self.0.len())
    }
}

/// Keys, and the one generated for this run when none was configured.
#[derive(Debug)]
pub struct KeySetup {
    /// The valid keys.
    pub keys: ApiKeys,
    /// A key generated because none was configured on a loopback bind; print it once.
    pub generated: Option<SecretString>,
}

impl ApiKeys {
    /// Keys from the settings and the keys file. With none on a loopback bind, one is generated;
    /// with none on any other bind, the service refuses to start.
    pub fn setup(settings: &Settings) -> anyhow::Result<KeySetup> {
        // TECHNO_SCRAPER_API_KEYS_FILE is read into api_keys by the settings loader.
        let keys: Vec<SecretString> = settings
            .api_keys
            .iter()
            .map(|k| k.expose().trim())
            .filter(|k| !k.is_empty())
            .map(SecretString::from)
            .collect();
        if !keys.is_empty() {
            return Ok(KeySetup {
                keys: ApiKeys(keys),
                generated: None,
            });
        }
        anyhow::ensure!(
            is_loopback_bind(&settings.bind),
            "no API key is configured and {} is not a loopback address: set TECHNO_SCRAPER_API_KEYS \
             (comma-separated) or TECHNO_SCRAPER_API_KEYS_FILE before serving on a reachable address",
            settings.bind
        );
        let mut bytes = [0u8; 24];
        getrandom::fill(&mut bytes)
            .map_err(|e| anyhow::anyhow!("could not generate an API key: {e}"))?;
        let key: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let key = SecretString::from(format!("ts_{key}"));
        Ok(KeySetup {
            keys: ApiKeys(vec![key.clone()]),
            generated: Some(key),
        })
    }

    /// Keys given directly (tests).
    pub fn new(keys: Vec<SecretString>) -> Self {
        Self(keys)
    }

    /// Whether `presented` is one of the keys. Compares against every key, in constant time per key.
    pub fn verify(&self, presented: &str) -> bool {
        let presented = presented.as_bytes();
        let mut found = subtle::Choice::from(0);
        for key in &self.0 {
            found |= key.expose_secret().as_bytes().ct_eq(presented);
        }
        bool::from(found) && !presented.is_empty()
    }
}

/// Whether `bind` names a loopback address (127.0.0.0/8, ::1 or localhost).
pub fn is_loopback_bind(bind: &str) -> bool {
    if let Ok(addr) = bind.parse::<SocketAddr>() {
        return addr.ip().is_loopback();
    }
    bind.rsplit_once(':')
        .is_some_and(|(host, _)| host.eq_ignore_ascii_case("localhost"))
}

/// The key a request presents: `X-API-Key`, or `Authorization: Bearer <key>`.
fn presented_key(req: &ServiceRequest) -> Option<&str> {
    let headers = req.headers();
    if let Some(key) = headers.get("x-api-key").and_then(|v| v.to_str().ok()) {
        return Some(key.trim());
    }
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok())?;
    let (scheme, token) = auth.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Middleware on `/v1`: 401 `unauthorized` unless a valid key is presented.
pub async fn require_api_key(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::BoxBody>, Error> {
    let valid = req
        .app_data::<web::Data<AppState>>()
        .is_some_and(|state| presented_key(&req).is_some_and(|key| state.keys.verify(key)));
    if !valid {
        let request_id = request_id_of(req.request());
        let mut response = problem_response(&ScrapeError::Unauthorized, None, None, &request_id);
        response.headers_mut().insert(
            actix_web::http::header::WWW_AUTHENTICATE,
            actix_web::http::header::HeaderValue::from_static("Bearer realm=\"techno-scraper\""),
        );
        return Ok(req.into_response(response));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper_core::Secret;

    #[test]
    fn verifies_any_of_several_keys() {
        let keys = ApiKeys::new(vec!["first-key".into(), "second-key".into()]);
        assert!(keys.verify("first-key"));
        assert!(keys.verify("second-key"));
        assert!(!keys.verify("second-ke"));
        assert!(!keys.verify("second-keyy"));
        assert!(!keys.verify(""));
        assert!(!ApiKeys::new(vec![]).verify(""));
    }

    #[test]
    fn generates_a_key_only_on_loopback() {
        let setup = ApiKeys::setup(&Settings::default()).unwrap();
        let generated = setup.generated.unwrap();
        assert!(
            generated.expose_secret().starts_with("ts_") && generated.expose_secret().len() == 51
        );
        assert!(setup.keys.verify(generated.expose_secret()));
        let err = ApiKeys::setup(&Settings {
            bind: "0.0.0.0:8000".into(),
            ..Settings::default()
        })
        .unwrap_err();
        assert!(err.to_string().contains("TECHNO_SCRAPER_API_KEYS"), "{err}");
        let configured = Settings {
            bind: "0.0.0.0:8000".into(),
            api_keys: vec![Secret::new(" k "), Secret::new("")],
            ..Settings::default()
        };
        let setup = ApiKeys::setup(&configured).unwrap();
        assert!(setup.generated.is_none());
        assert!(setup.keys.verify("k"));
    }

    #[test]
    fn loopback_binds() {
        for bind in [
            "127.0.0.1:8000",
            "127.1.2.3:1",
            "[::1]:8000",
            "localhost:8000",
        ] {
            assert!(is_loopback_bind(bind), "{bind}");
        }
        for bind in [
            "0.0.0.0:8000",
            "[::]:8000",
            "192.168.1.2:80",
            "example.com:80",
        ] {
            assert!(!is_loopback_bind(bind), "{bind}");
        }
    }
}
