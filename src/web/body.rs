//! The request body as JSON, read up to 64 KiB. Reading and parsing are separate steps so a
//! handler checks who is asking before it looks at what they sent.

use actix_web::{dev::Payload, web::BytesMut, FromRequest, HttpRequest};
use futures_util::StreamExt;
use serde_json::Value;

use crate::error::AppError;

pub const MAX_BODY_BYTES: usize = 64 * 1024;

pub struct RawBody(BytesMut);

impl RawBody {
    /// The body as JSON: a syntax error is a 400.
    pub fn json(&self) -> Result<Value, AppError> {
        crate::domain::input::parse_json(&self.0)
    }

    /// The bytes as they came.
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }

    /// For actions whose body is optional: no body is an empty object.
    pub fn json_or_empty(&self) -> Result<Value, AppError> {
        if self.0.iter().all(|b| b.is_ascii_whitespace()) {
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
            Ok(RawBody(buf))
        })
    }
}
