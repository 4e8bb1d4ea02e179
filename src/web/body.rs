//! The request body as JSON, read up to 64 KiB. Reading and parsing are separate steps so a
//! handler checks who is asking before it looks at what they sent. A body is read as JSON
//! only when it says it is (`Content-Type: application/json`): anything else is a 415, so no
//! form or `text/plain` post of a foreign page ever reaches a service.

use actix_web::{dev::Payload, web::BytesMut, FromRequest, HttpRequest};
use futures_util::StreamExt;
use serde_json::Value;

use crate::error::AppError;

pub const MAX_BODY_BYTES: usize = 64 * 1024;

pub struct RawBody(BytesMut, bool);

/// Whether a `Content-Type` header names JSON (`application/json`, any parameters).
pub fn is_json(content_type: Option<&str>) -> bool {
    content_type
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
}

impl RawBody {
    /// The body as JSON: another content type is a 415, a syntax error a 400.
    pub fn json(&self) -> Result<Value, AppError> {
        if !self.is_blank() && !self.1 {
            return Err(AppError::UnsupportedMediaType);
        }
        crate::domain::input::parse_json(&self.0)
    }

    fn is_blank(&self) -> bool {
        self.0.iter().all(|b| b.is_ascii_whitespace())
    }

    /// The bytes as they came.
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }

    /// For actions whose body is optional: no body is an empty object.
    pub fn json_or_empty(&self) -> Result<Value, AppError> {
        if self.is_blank() {
            Ok(Value::Object(Default::default()))
        } else {
            self.json()
        }
    }
}

impl FromRequest for RawBody {
    type Error = AppError;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let declared = req
            .headers()
            .get(actix_web::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let json = is_json(
            req.headers()
                .get(actix_web::http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok()),
        );
        let mut payload = payload.take();
        Box::pin(async move {
            if declared.is_some_and(|n| n > MAX_BODY_BYTES) {
                return Err(AppError::PayloadTooLarge);
            }
            let mut buf = BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|e| AppError::BadRequest(e.to_string()))?;
                if buf.len() + chunk.len() > MAX_BODY_BYTES {
                    return Err(AppError::PayloadTooLarge);
                }
                buf.extend_from_slice(&chunk);
            }
            Ok(RawBody(buf, json))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::is_json;

    #[test]
    fn only_json_is_json() {
        assert!(is_json(Some("application/json")));
        assert!(is_json(Some("Application/JSON; charset=utf-8")));
        for other in [
            None,
            Some(""),
            Some("text/plain"),
            Some("application/x-www-form-urlencoded"),
            Some("multipart/form-data; boundary=x"),
            Some("application/jsonx"),
            Some("text/json"),
        ] {
            assert!(!is_json(other), "{other:?}");
        }
    }
}
