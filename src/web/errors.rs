//! Gives every error response the contract's shape, including those actix makes by itself
//! (unknown route, wrong method), in the reader's language.

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::{ErrorHandlerResponse, Next};
use actix_web::HttpResponse;
use serde_json::json;

use crate::error::AppError;
use crate::i18n::Lang;

/// Marks a response as a finished page, so the JSON error handlers leave its body alone.
#[derive(Clone, Copy)]
pub struct RenderedPage;

pub fn not_found() -> HttpResponse {
    actix_web::ResponseError::error_response(&AppError::NotFound)
}

/// For error responses that did not come from an `AppError`.
pub fn normalise<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let ext = res.response().extensions();
    let finished = ext.get::<AppError>().is_some() || ext.get::<RenderedPage>().is_some();
    drop(ext);
    if finished {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let lang = Lang::of_request(res.request());
    let err = match status {
        StatusCode::NOT_FOUND => Some(AppError::NotFound),
        StatusCode::PAYLOAD_TOO_LARGE => Some(AppError::PayloadTooLarge),
        StatusCode::UNAUTHORIZED => Some(AppError::Unauthorized),
        StatusCode::SERVICE_UNAVAILABLE => Some(AppError::Unavailable),
        s if s.is_server_error() => Some(AppError::Internal(format!("status {s}"))),
        _ => None,
    };
    let body = match err {
        Some(e) => e.body(lang),
        None => {
            let (code, zh, en) = match status {
                StatusCode::METHOD_NOT_ALLOWED => (
                    "method_not_allowed",
                    "此地址不支持该请求方法",
                    "this method is not allowed here",
                ),
                _ => (
                    "bad_request",
                    "请求无法处理",
                    "the request cannot be handled",
                ),
            };
            let message = if lang == Lang::Zh { zh } else { en };
            json!({"error": {"code": code, "message": message}})
        }
    };
    let (req, res) = res.into_parts();
    let mut builder = HttpResponse::build(status);
    for (k, v) in res.headers() {
        if k != header::CONTENT_TYPE && k != header::CONTENT_LENGTH {
            builder.insert_header((k.clone(), v.clone()));
        }
    }
    let new = builder.json(body);
    let res: ServiceResponse<EitherBody<B, BoxBody>> =
        ServiceResponse::new(req, new).map_into_right_body();
    Ok(ErrorHandlerResponse::Response(res))
}

/// Renders error bodies again in English when the request asks for English.
pub async fn error_language(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let lang = Lang::of_request(req.request());
    let res = next.call(req).await?.map_into_boxed_body();
    if lang == Lang::Zh {
        return Ok(res);
    }
    let ext = res.response().extensions();
    let page = ext.get::<RenderedPage>().is_some();
    let err = ext.get::<AppError>().cloned().filter(|_| !page);
    drop(ext);
    match err {
        Some(err) => Ok(res.map_body(|_, _| BoxBody::new(err.body(lang).to_string()))),
        None => Ok(res),
    }
}
