//! The one error type of the HTTP layer and the services, and its table of codes → statuses.
//!
//! Which layer uses what: queries return `diesel::QueryResult`; services and handlers return
//! `AppError` (diesel errors convert into it); background jobs and the command line use
//! `anyhow`. An `AppError` renders as the contract's
//! `{"error": {"code", "message", "fields"}}` in Chinese, or English when the request asks for it
//! (the `lang` middleware re-renders the body, because `ResponseError` cannot see the request).

use std::fmt;

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde_json::json;

use crate::i18n::Lang;

/// One problem with one field of a request body, rendered in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Required,
    TooLong { max: usize },
    TooShort { min: usize },
    OutOfRange { min: i64, max: i64 },
    NotOneOf { allowed: &'static [&'static str] },
    InvalidEmail,
    InvalidUscc,
    UsccChecksum,
    UnknownCity,
    UnknownIndustry,
    UnknownPark,
    CommonPassword,
    WrongType { expected: String },
    MinAboveMax,
    MustBeFuture,
    InvalidDate,
    Duplicate,
    NotAllowed,
    WrongPassword,
    Custom { zh: String, en: String },
}

/// The reason of a refusal in the reader's language: each `Actor::refuse` reason has its
/// Chinese here; a reason written in both (`… / …`) is split.
const REFUSALS_ZH: &[(&str, &str)] = &[
    ("only the posting's own organisation may change it", "只有发布方机构可以修改此发布"),
    ("only the posting's organisation may edit it", "只有发布方机构可以修改此发布"),
    ("offers are moderated by platform administrators", "服务由省平台管理员审核"),
    (
        "an organisation's matches are shown only while it is verified",
        "机构通过认证后才能查看匹配结果",
    ),
    ("your organisation must be verified first", "贵机构通过认证后才能进行此操作"),
    (
        "park administrators verify the SMEs of their own park; platform administrators verify providers",
        "园区管理员认证本园区的企业，服务机构由省平台管理员认证",
    ),
    ("park administrators see their own park's statistics", "园区管理员只能查看本园区的统计"),
    ("park administrators moderate the needs of their own park", "园区管理员审核本园区企业的需求"),
    ("only users of an organisation may post", "只有企业或服务机构的用户可以发布"),
    ("only the system makes this change", "此变更由系统自动完成"),
    (
        "only the posting's owner and administrators see its matches",
        "只有发布方和管理员可以查看匹配结果",
    ),
    ("only the other side may answer a posting", "只有对方（企业或服务机构）可以响应此发布"),
    (
        "only the need's and the offer's organisations take part in a match",
        "只有需求方和服务方可以处理此匹配",
    ),
    (
        "only administrators may list unpublished postings of others",
        "只有管理员可以查看其他机构未发布的内容",
    ),
    ("administrators have no postings of their own", "管理员没有自己的发布"),
];

fn forbidden_message(why: &str, zh: bool) -> String {
    if let Some((en, zh_text)) = why.split_once(" / ") {
        return if zh { zh_text } else { en }.to_string();
    }
    if !zh {
        return if why.is_empty() {
            "you may not do this".to_string()
        } else {
            format!("you may not do this: {why}")
        };
    }
    match REFUSALS_ZH.iter().find(|(en, _)| *en == why) {
        Some((_, zh_text)) => format!("无权进行此操作：{zh_text}"),
        None => "无权进行此操作".to_string(),
    }
}

impl Problem {
    pub fn render(&self, lang: Lang) -> String {
        use Problem::*;
        let zh = lang == Lang::Zh;
        match self {
            Required => pick(zh, "必填", "is required"),
            TooLong { max } => {
                if zh {
                    format!("不能超过 {max} 个字符")
                } else {
                    format!("must be at most {max} characters")
                }
            }
            TooShort { min } => {
                if zh {
                    format!("至少需要 {min} 个字符")
                } else {
                    format!("must be at least {min} characters")
                }
            }
            OutOfRange { min, max } => {
                if zh {
                    format!("必须在 {min} 到 {max} 之间")
                } else {
                    format!("must be between {min} and {max}")
                }
            }
            NotOneOf { allowed } => {
                let list = allowed.join(", ");
                if zh {
                    format!("必须是以下之一：{list}")
                } else {
                    format!("must be one of: {list}")
                }
            }
            InvalidEmail => pick(zh, "邮箱地址格式不正确", "is not a valid email address"),
            InvalidUscc => pick(
                zh,
                "统一社会信用代码应为 18 位数字或大写字母（不含 I、O、Z、S、V）",
                "a unified social credit code is 18 digits or capital letters (no I, O, Z, S, V)",
            ),
            UsccChecksum => pick(
                zh,
                "统一社会信用代码校验位不正确，请核对营业执照",
                "the check character of this unified social credit code is wrong: compare it with the business licence",
            ),
            UnknownCity => pick(
                zh,
                "不是四川省的地级行政区划代码（GB/T 2260）",
                "is not the GB/T 2260 code of a prefecture of Sichuan",
            ),
            UnknownIndustry => pick(
                zh,
                "不是国民经济行业分类（GB/T 4754）门类代码 A–T",
                "is not a GB/T 4754 industry section letter A–T",
            ),
            UnknownPark => pick(zh, "园区不存在", "no park has this id"),
            CommonPassword => pick(
                zh,
                "密码过于常见，请换一个更难猜的密码",
                "this password is too common: choose one that is harder to guess",
            ),
            WrongType { expected } => {
                if zh {
                    format!("类型错误，应为 {expected}")
                } else {
                    format!("has the wrong type: expected {expected}")
                }
            }
            MinAboveMax => pick(zh, "最小值不能大于最大值", "the minimum is above the maximum"),
            MustBeFuture => pick(zh, "必须是将来的时间", "must be in the future"),
            InvalidDate => pick(
                zh,
                "日期时间格式不正确（RFC 3339，例如 2026-12-31T00:00:00Z）",
                "is not an RFC 3339 time such as 2026-12-31T00:00:00Z",
            ),
            Duplicate => pick(zh, "已被使用", "is already taken"),
            NotAllowed => pick(zh, "不允许填写此项", "is not allowed here"),
            WrongPassword => pick(zh, "当前密码不正确", "the current password is wrong"),
            Custom { zh: z, en } => {
                if zh {
                    z.clone()
                } else {
                    en.clone()
                }
            }
        }
    }
}

fn pick(zh: bool, z: &str, en: &str) -> String {
    if zh { z } else { en }.to_string()
}

/// Field problems collected while parsing a request, keyed by dotted path (`organization.uscc`).
#[derive(Debug, Clone, Default)]
pub struct FieldErrors(pub Vec<(String, Problem)>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn add(&mut self, field: impl Into<String>, problem: Problem) {
        let field = field.into();
        if !self.0.iter().any(|(f, _)| *f == field) {
            self.0.push((field, problem));
        }
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Keeps a parsed value, or records its problem and returns `None`.
    pub fn take<T>(&mut self, field: &str, r: Result<T, Problem>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(p) => {
                self.add(field, p);
                None
            }
        }
    }
    pub fn into_result(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self))
        }
    }
}

#[derive(Debug, Clone)]
pub enum AppError {
    BadRequest(String),
    Unauthorized,
    InvalidCredentials,
    Forbidden(&'static str),
    NotFound,
    Conflict(Msg),
    PayloadTooLarge,
    UnsupportedMediaType,
    Validation(FieldErrors),
    RateLimited {
        retry_after_secs: u64,
    },
    Unavailable,
    /// Too much password hashing at once: a deliberate 503 that asks to come back in a second.
    Busy,
    Internal(String),
}

/// A bilingual message for errors whose text depends on the case (conflicts).
#[derive(Debug, Clone)]
pub struct Msg {
    pub zh: String,
    pub en: String,
}

impl AppError {
    pub fn conflict(zh: &str, en: &str) -> Self {
        AppError::Conflict(Msg {
            zh: zh.into(),
            en: en.into(),
        })
    }

    pub fn field(field: &str, problem: Problem) -> Self {
        let mut f = FieldErrors::new();
        f.add(field, problem);
        AppError::Validation(f)
    }

    pub fn internal(e: impl fmt::Display) -> Self {
        AppError::Internal(e.to_string())
    }

    /// The `Retry-After` of a 429 or a 503, in seconds.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            AppError::RateLimited { retry_after_secs } => Some(*retry_after_secs),
            AppError::Unavailable => Some(5),
            AppError::Busy => Some(2),
            _ => None,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::BadRequest(_) => "bad_request",
            AppError::Unauthorized => "unauthorized",
            AppError::InvalidCredentials => "invalid_credentials",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Conflict(_) => "conflict",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::UnsupportedMediaType => "unsupported_media_type",
            AppError::Validation(_) => "validation_failed",
            AppError::RateLimited { .. } => "rate_limited",
            AppError::Unavailable | AppError::Busy => "service_unavailable",
            AppError::Internal(_) => "internal",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized | AppError::InvalidCredentials => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable | AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            AppError::BadRequest(detail) => {
                if zh {
                    format!("请求格式不正确：{detail}")
                } else {
                    format!("the request is malformed: {detail}")
                }
            }
            AppError::Unauthorized => pick(
                zh,
                "请先登录（Authorization: Bearer <token>），或登录已过期",
                "sign in first (Authorization: Bearer <token>), or your session has expired",
            ),
            AppError::InvalidCredentials => {
                pick(zh, "邮箱或密码不正确", "the email or the password is wrong")
            }
            AppError::Forbidden(why) => forbidden_message(why, zh),
            AppError::NotFound => pick(zh, "找不到该资源", "nothing was found here"),
            AppError::Conflict(m) => pick(zh, &m.zh, &m.en),
            AppError::PayloadTooLarge => pick(
                zh,
                "请求体过大（上限 64 KiB）",
                "the request body is too large (64 KiB at most)",
            ),
            AppError::UnsupportedMediaType => pick(
                zh,
                "请求体须为 JSON（Content-Type: application/json）",
                "the body must be JSON, sent with Content-Type: application/json",
            ),
            AppError::Validation(_) => pick(
                zh,
                "部分字段有误，请按 fields 中的提示修改",
                "some fields are invalid: see fields",
            ),
            AppError::RateLimited { retry_after_secs } => {
                if zh {
                    format!("尝试次数过多，请 {retry_after_secs} 秒后再试")
                } else {
                    format!("too many attempts: try again in {retry_after_secs} seconds")
                }
            }
            AppError::Unavailable => pick(
                zh,
                "服务暂时不可用，请稍后再试",
                "the service is temporarily unavailable: try again shortly",
            ),
            AppError::Busy => pick(
                zh,
                "服务繁忙，请稍候几秒再试",
                "the server is busy: try again in a few seconds",
            ),
            AppError::Internal(_) => pick(
                zh,
                "服务器内部错误，请稍后再试",
                "something went wrong on our side: try again later",
            ),
        }
    }

    pub fn body(&self, lang: Lang) -> serde_json::Value {
        let mut error = json!({ "code": self.code(), "message": self.message(lang) });
        if let AppError::Validation(fields) = self {
            let map: serde_json::Map<String, serde_json::Value> = fields
                .0
                .iter()
                .map(|(f, p)| (f.clone(), serde_json::Value::String(p.render(lang))))
                .collect();
            error["fields"] = serde_json::Value::Object(map);
        }
        json!({ "error": error })
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppError::Internal(detail) => write!(f, "internal: {detail}"),
            AppError::Validation(fields) => {
                write!(f, "validation_failed:")?;
                for (field, problem) in &fields.0 {
                    write!(f, " {field}: {};", problem.render(Lang::En))?;
                }
                Ok(())
            }
            other => write!(f, "{}: {}", other.code(), other.message(Lang::En)),
        }
    }
}

impl std::error::Error for AppError {}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    fn error_response(&self) -> HttpResponse {
        if let AppError::Internal(detail) = self {
            tracing::error!(error = %detail, "internal error");
        }
        let mut res = HttpResponse::build(self.status());
        if let Some(secs) = self.retry_after_secs() {
            res.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        let mut res = res.json(self.body(Lang::Zh));
        // Kept so the language middleware can render the body again in English.
        res.extensions_mut().insert(self.clone());
        res
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => AppError::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                AppError::conflict("记录已存在（重复）", "this already exists (duplicate)")
            }
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                AppError::Unavailable
            }
            // The database went away under a pooled connection (a restart, a failover): the
            // pool replaces the connection, and the client is told to come back shortly.
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                tracing::warn!(error = %info.message(), "database connection lost");
                AppError::Unavailable
            }
            Error::DatabaseError(DatabaseErrorKind::Unknown, info)
                if is_connection_loss(info.message()) =>
            {
                tracing::warn!(error = %info.message(), "database connection lost");
                AppError::Unavailable
            }
            // SQLite's write lock still held by another writer after the busy timeout: the
            // request may succeed in a moment, so it is a 503 with Retry-After, never a 500.
            Error::DatabaseError(DatabaseErrorKind::Unknown, info) if is_busy(info.message()) => {
                tracing::warn!(error = %info.message(), "database busy");
                AppError::Busy
            }
            Error::BrokenTransactionManager => AppError::Unavailable,
            other => AppError::Internal(other.to_string()),
        }
    }
}

/// SQLite's words for a lock it could not get within the busy timeout (SQLITE_BUSY,
/// SQLITE_LOCKED), and PostgreSQL's for a lock or statement timeout.
fn is_busy(message: &str) -> bool {
    const SIGNS: &[&str] = &[
        "database is locked",
        "database is busy",
        "database table is locked",
        "canceling statement due to lock timeout",
        "canceling statement due to statement timeout",
    ];
    SIGNS.iter().any(|s| message.contains(s))
}

/// PostgreSQL's words for a connection that is gone or going (an administrator shutdown, a
/// crash, a restart): the request may succeed when tried again.
fn is_connection_loss(message: &str) -> bool {
    const SIGNS: &[&str] = &[
        "terminating connection",
        "server closed the connection",
        "connection to server",
        "no connection to the server",
        "the database system is shutting down",
        "the database system is starting up",
        "could not receive data from server",
        "could not send data to server",
    ];
    SIGNS.iter().any(|s| message.contains(s))
}

impl From<r2d2::Error> for AppError {
    fn from(e: r2d2::Error) -> Self {
        tracing::error!(error = %e, "database pool unavailable");
        AppError::Unavailable
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::Internal(e.to_string())
    }
}

pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_error_has_the_contract_shape() {
        let mut f = FieldErrors::new();
        f.add("organization.uscc", Problem::UsccChecksum);
        f.add("email", Problem::InvalidEmail);
        let body = AppError::Validation(f).body(Lang::En);
        assert_eq!(body["error"]["code"], "validation_failed");
        assert!(body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("fields"));
        assert_eq!(
            body["error"]["fields"]["email"],
            "is not a valid email address"
        );
        assert!(body["error"]["fields"]["organization.uscc"]
            .as_str()
            .unwrap()
            .contains("check character"));
    }

    #[test]
    fn non_validation_errors_carry_no_fields_and_chinese_by_default() {
        let body = AppError::NotFound.body(Lang::Zh);
        assert_eq!(body["error"]["code"], "not_found");
        assert!(body["error"].get("fields").is_none());
        assert_eq!(body["error"]["message"], "找不到该资源");
    }

    #[test]
    fn a_busy_database_is_a_503_with_retry_after_not_a_500() {
        use diesel::result::{DatabaseErrorKind, Error};
        for message in ["database is locked", "database is busy"] {
            let e: AppError =
                Error::DatabaseError(DatabaseErrorKind::Unknown, Box::new(message.to_string()))
                    .into();
            assert_eq!(e.status(), StatusCode::SERVICE_UNAVAILABLE, "{message}");
            assert_eq!(e.code(), "service_unavailable");
            assert!(e.retry_after_secs().is_some());
        }
        let other: AppError = Error::DatabaseError(
            DatabaseErrorKind::Unknown,
            Box::new("no such table: x".to_string()),
        )
        .into();
        assert_eq!(other.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn internal_errors_do_not_leak_details() {
        let body = AppError::Internal("secret sql text".into()).body(Lang::En);
        assert!(!body.to_string().contains("secret"));
        assert_eq!(AppError::Internal("x".into()).status(), 500);
    }
}
