//! `X-Request-Id` on every response: an incoming id is kept when it is sane, otherwise a new
//! UUID is made. Errors raised below are turned into responses here so they carry it too.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};

use crate::problem::transport_problem;

/// The request's id, in the request's extensions.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// The header carrying it.
pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Whether an incoming id may be echoed back: 1-128 visible ASCII characters without quotes.
fn acceptable(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')
}

/// Middleware: assign the id, and set the response header whatever happens below.
pub async fn assign(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let id = req
        .headers()
        .get(&HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| acceptable(v))
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned);
    req.extensions_mut().insert(RequestId(id.clone()));
    let value = HeaderValue::from_str(&id).ok();
    match next.call(req).await {
        Ok(mut response) => {
            if let Some(value) = value {
                response.headers_mut().insert(HEADER, value);
            }
            Ok(response.map_into_boxed_body())
        }
        Err(error) => {
            // An error raised below (an extractor, say): answer it as a problem document too.
            let status = error.as_response_error().status_code();
            let code = if status.is_client_error() {
                "invalid_request"
            } else {
                "internal"
            };
            let mut response = transport_problem(status, code, &error.to_string(), &id);
            if let Some(value) = value {
                response.headers_mut().insert(HEADER, value);
            }
            Err(InternalError::from_response(error.to_string(), response).into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sane_ids_are_echoed() {
        assert!(acceptable("abc-123_DEF.456"));
        assert!(acceptable(&"a".repeat(128)));
        for bad in ["", "a b", "x\"y", &"a".repeat(129), "é"] {
            assert!(!acceptable(bad), "{bad}");
        }
    }
}
