//! An outbox row → a `lettre::Message`: subject, plain text and HTML from the askama templates
//! in `templates/email/<kind>/`, in Chinese unless the recipient chose English.
//!
//! The payloads are written by the services; a missing optional field renders as a default,
//! never as an error. A row that cannot be rendered at all (unknown kind, a payload of the wrong
//! shape, a malformed address) is a permanent failure: retrying would not help.

use askama::Template;
use chrono::{DateTime, Utc};
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{Address, Message};
use serde::Deserialize;
use serde_json::Value;

use super::Topic;
use crate::auth::token::TokenKeys;
use crate::config::Settings;
use crate::db::models::OutboxRow;
use crate::domain::{PostingKind, RejectCode};

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("no template for mail kind {0:?}")]
    UnknownKind(String),
    #[error("payload does not fit the {kind} template: {detail}")]
    Payload { kind: String, detail: String },
    #[error("template error: {0}")]
    Template(#[from] askama::Error),
    #[error("bad address: {0}")]
    Address(String),
    #[error("cannot build the message: {0}")]
    Build(String),
}

/// What every template sees besides the kind's own data.
pub struct Common {
    /// English (the recipient's `lang` starts with "en"); Chinese otherwise.
    pub en: bool,
    /// `PARKBRIDGE_PUBLIC_URL` without a trailing slash.
    pub base: String,
    /// The one-click unsubscribe link of non-essential mail.
    pub unsubscribe_url: Option<String>,
}

/// A rendered mail before it becomes a `Message`.
#[derive(Debug, Clone)]
pub struct Parts {
    pub subject: String,
    pub text: String,
    pub html: String,
}

// ---------------------------------------------------------------------------------------------
// The payloads, each field defaulted so that a missing one renders as empty, zero or absent.

/// The label of a moderation reason code; an unknown code reads as "other".
pub fn reason_label(code: &str, en: bool) -> &'static str {
    let code = RejectCode::parse(code).unwrap_or(RejectCode::Other);
    if en {
        code.reason_en()
    } else {
        code.zh()
    }
}

/// A stored kind; anything but `offer` reads as a need.
fn kind_of(kind: &str) -> PostingKind {
    PostingKind::parse(kind).unwrap_or(PostingKind::Need)
}

fn kind_zh(kind: &str) -> &'static str {
    kind_of(kind).zh()
}

/// A kind inside an English sentence: "need", "offer".
fn kind_en(kind: &str) -> &'static str {
    kind_of(kind).as_str()
}

fn kind_path(kind: &str) -> &'static str {
    kind_of(kind).plural()
}

/// What a posting of `kind` is matched with.
fn counterpart(kind: &str) -> &'static str {
    kind_of(kind).counterpart().as_str()
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OrganizationMail {
    pub organization_id: i64,
    pub name: String,
    pub reason_code: String,
    pub note: Option<String>,
}

impl OrganizationMail {
    pub fn reason_zh(&self) -> &'static str {
        reason_label(&self.reason_code, false)
    }
    pub fn reason_en(&self) -> &'static str {
        reason_label(&self.reason_code, true)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PostingMail {
    pub posting_id: i64,
    pub kind: String,
    pub title: String,
    pub reason_code: String,
    pub note: Option<String>,
}

impl PostingMail {
    pub fn reason_zh(&self) -> &'static str {
        reason_label(&self.reason_code, false)
    }
    pub fn reason_en(&self) -> &'static str {
        reason_label(&self.reason_code, true)
    }
    pub fn kind_zh(&self) -> &'static str {
        kind_zh(&self.kind)
    }
    pub fn kind_en(&self) -> &'static str {
        kind_en(&self.kind)
    }
    pub fn counterpart_zh(&self) -> &'static str {
        kind_zh(counterpart(&self.kind))
    }
    pub fn counterpart_en(&self) -> &'static str {
        kind_en(counterpart(&self.kind))
    }
    pub fn path(&self) -> &'static str {
        kind_path(&self.kind)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewMatchesMail {
    pub posting_id: i64,
    pub kind: String,
    pub title: String,
    /// Collected into the daily digest rather than sent at once.
    pub digest: bool,
    pub matches: Vec<MatchItem>,
}

impl NewMatchesMail {
    pub fn kind_zh(&self) -> &'static str {
        kind_zh(&self.kind)
    }
    pub fn kind_en(&self) -> &'static str {
        kind_en(&self.kind)
    }
    pub fn counterpart_zh(&self) -> &'static str {
        kind_zh(counterpart(&self.kind))
    }
    pub fn counterpart_en(&self) -> &'static str {
        kind_en(counterpart(&self.kind))
    }
    pub fn path(&self) -> &'static str {
        kind_path(&self.kind)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MatchItem {
    pub match_id: i64,
    pub counterpart_kind: String,
    pub counterpart_id: i64,
    pub counterpart_title: String,
    pub organization_name: String,
    pub score: f64,
    pub reasons_zh: Vec<String>,
    pub reasons_en: Vec<String>,
}

impl MatchItem {
    /// The score as a whole percentage, 0–100.
    pub fn score_pct(&self) -> i64 {
        if self.score.is_finite() {
            (self.score.clamp(0.0, 1.0) * 100.0).round() as i64
        } else {
            0
        }
    }
    pub fn reasons_zh_joined(&self) -> String {
        self.reasons_zh.join("；")
    }
    pub fn reasons_en_joined(&self) -> String {
        self.reasons_en.join("; ")
    }
    pub fn path(&self) -> &'static str {
        kind_path(&self.counterpart_kind)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MatchInterestMail {
    pub match_id: i64,
    pub need_id: i64,
    pub need_title: String,
    pub offer_id: i64,
    pub offer_title: String,
    pub from_organization: String,
    /// The note sent with `respond` / `apply`, if any.
    pub note: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MatchConnectedMail {
    pub match_id: i64,
    pub need_title: String,
    pub offer_title: String,
    pub counterpart: Counterpart,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Counterpart {
    pub organization_name: String,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EscalationMail {
    pub posting_id: i64,
    pub title: String,
    pub park_name: Option<String>,
    pub organization_name: String,
    pub published_at: Option<String>,
    pub days: i64,
}

impl EscalationMail {
    /// The publication date (`YYYY-MM-DD`, Beijing time) or a dash.
    pub fn published_date(&self) -> String {
        self.published_at
            .as_deref()
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .map(|t| {
                (t.with_timezone(&Utc) + chrono::Duration::hours(8))
                    .format("%Y-%m-%d")
                    .to_string()
            })
            .unwrap_or_else(|| "—".to_string())
    }
    pub fn park_zh(&self) -> String {
        self.park_name.clone().unwrap_or_else(|| "园区".to_string())
    }
    pub fn park_en(&self) -> String {
        self.park_name
            .clone()
            .unwrap_or_else(|| "your park".to_string())
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SavedSearchDigestMail {
    pub saved_search_id: i64,
    pub name: String,
    pub items: Vec<DigestItem>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DigestItem {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: i64,
    pub title: String,
    pub organization_name: String,
}

impl DigestItem {
    pub fn kind_zh(&self) -> &'static str {
        kind_zh(&self.kind)
    }
    pub fn kind_en(&self) -> &'static str {
        kind_en(&self.kind)
    }
    pub fn path(&self) -> &'static str {
        kind_path(&self.kind)
    }
}

#[derive(Debug, Deserialize)]
#[serde(default)]
pub struct PasswordResetMail {
    pub reset_url: String,
    pub expires_minutes: i64,
}

impl Default for PasswordResetMail {
    fn default() -> Self {
        PasswordResetMail {
            reset_url: String::new(),
            expires_minutes: 60,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EmailConfirmationMail {
    pub confirm_url: String,
}

// ---------------------------------------------------------------------------------------------
// One module per kind: its three templates and how to render them.

macro_rules! mail_kinds {
    ($( $kind:literal => $module:ident($data:ty) [$subject:literal, $text:literal, $html:literal] ),* $(,)?) => {
        $(
            mod $module {
                use super::*;

                #[derive(Template)]
                #[template(path = $subject)]
                pub struct Subject<'a> {
                    pub c: &'a Common,
                    #[allow(dead_code)] // some subjects are the same whatever the payload
                    pub d: &'a $data,
                }

                #[derive(Template)]
                #[template(path = $text)]
                pub struct Text<'a> {
                    pub c: &'a Common,
                    pub d: &'a $data,
                }

                #[derive(Template)]
                #[template(path = $html)]
                pub struct Html<'a> {
                    pub c: &'a Common,
                    pub d: &'a $data,
                }

                pub fn render(c: &Common, payload: Value) -> Result<Parts, RenderError> {
                    let d: $data = serde_json::from_value(payload).map_err(|e| RenderError::Payload {
                        kind: $kind.to_string(),
                        detail: e.to_string(),
                    })?;
                    Ok(Parts {
                        subject: Subject { c, d: &d }.render()?,
                        text: Text { c, d: &d }.render()?,
                        html: Html { c, d: &d }.render()?,
                    })
                }
            }
        )*

        /// Every kind of mail there is a template for.
        pub const KINDS: &[&str] = &[$($kind),*];

        fn render_kind(kind: &str, c: &Common, payload: Value) -> Result<Parts, RenderError> {
            match kind {
                $( $kind => $module::render(c, payload), )*
                other => Err(RenderError::UnknownKind(other.to_string())),
            }
        }
    };
}

mail_kinds! {
    "organization_verified" => organization_verified(OrganizationMail)
        ["email/organization_verified/subject.txt", "email/organization_verified/body.txt", "email/organization_verified/body.html"],
    "organization_rejected" => organization_rejected(OrganizationMail)
        ["email/organization_rejected/subject.txt", "email/organization_rejected/body.txt", "email/organization_rejected/body.html"],
    "posting_approved" => posting_approved(PostingMail)
        ["email/posting_approved/subject.txt", "email/posting_approved/body.txt", "email/posting_approved/body.html"],
    "posting_rejected" => posting_rejected(PostingMail)
        ["email/posting_rejected/subject.txt", "email/posting_rejected/body.txt", "email/posting_rejected/body.html"],
    "new_matches" => new_matches(NewMatchesMail)
        ["email/new_matches/subject.txt", "email/new_matches/body.txt", "email/new_matches/body.html"],
    "match_interest" => match_interest(MatchInterestMail)
        ["email/match_interest/subject.txt", "email/match_interest/body.txt", "email/match_interest/body.html"],
    "match_connected" => match_connected(MatchConnectedMail)
        ["email/match_connected/subject.txt", "email/match_connected/body.txt", "email/match_connected/body.html"],
    "escalation" => escalation(EscalationMail)
        ["email/escalation/subject.txt", "email/escalation/body.txt", "email/escalation/body.html"],
    "saved_search_digest" => saved_search_digest(SavedSearchDigestMail)
        ["email/saved_search_digest/subject.txt", "email/saved_search_digest/body.txt", "email/saved_search_digest/body.html"],
    "password_reset" => password_reset(PasswordResetMail)
        ["email/password_reset/subject.txt", "email/password_reset/body.txt", "email/password_reset/body.html"],
    "email_confirmation" => email_confirmation(EmailConfirmationMail)
        ["email/email_confirmation/subject.txt", "email/email_confirmation/body.txt", "email/email_confirmation/body.html"],
}

/// `null` means "not given": dropping such keys lets `#[serde(default)]` fill them in.
fn strip_nulls(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.retain(|_, x| !x.is_null());
            map.values_mut().for_each(strip_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

/// One line, no control characters, not absurdly long.
fn clean_subject(s: &str) -> String {
    let one_line: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let words: Vec<&str> = one_line.split_whitespace().collect();
    let joined = words.join(" ");
    if joined.chars().count() > 200 {
        let cut: String = joined.chars().take(199).collect();
        format!("{cut}…")
    } else {
        joined
    }
}

/// Renders the templates of `kind` (the payload as written by the services).
pub fn render_parts(kind: &str, payload: &str, common: &Common) -> Result<Parts, RenderError> {
    let mut value: Value = serde_json::from_str(payload).map_err(|e| RenderError::Payload {
        kind: kind.to_string(),
        detail: e.to_string(),
    })?;
    strip_nulls(&mut value);
    if !value.is_object() {
        return Err(RenderError::Payload {
            kind: kind.to_string(),
            detail: "the payload is not a JSON object".into(),
        });
    }
    let mut parts = render_kind(kind, common, value)?;
    parts.subject = clean_subject(&parts.subject);
    Ok(parts)
}

/// The one-click unsubscribe link of a row, for non-essential kinds.
pub fn unsubscribe_url(
    row: &OutboxRow,
    base: &str,
    keys: &TokenKeys,
    now: DateTime<Utc>,
) -> Option<String> {
    let saved_search_id = serde_json::from_str::<Value>(&row.payload)
        .ok()
        .and_then(|v| v["saved_search_id"].as_i64());
    let topic = Topic::of_kind(&row.kind, saved_search_id)?;
    let user_id = row.recipient_user_id?;
    let token = keys.issue_unsubscribe(user_id, &topic.as_string(), now);
    let lang = if is_english(&row.lang) {
        "&lang=en"
    } else {
        ""
    };
    Some(format!("{base}/unsubscribe?token={token}{lang}"))
}

fn is_english(lang: &str) -> bool {
    lang.trim().to_ascii_lowercase().starts_with("en")
}

/// `List-Unsubscribe: <https://…>` (RFC 2369).
#[derive(Debug, Clone)]
pub struct ListUnsubscribe(pub String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(s.trim().to_string()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058).
#[derive(Debug, Clone)]
pub struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        if s.trim() == "List-Unsubscribe=One-Click" {
            Ok(ListUnsubscribePost)
        } else {
            Err("expected List-Unsubscribe=One-Click".into())
        }
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_string())
    }
}

/// `Auto-Submitted: auto-generated` (RFC 3834), so that out-of-office replies stay away.
#[derive(Debug, Clone)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_string())
    }
}

/// The message of an outbox row: From `mail_from`, To the recipient, the row's stable
/// Message-ID, text and HTML alternatives, and for non-essential kinds a signed one-click
/// unsubscribe link in the body and in `List-Unsubscribe`/`List-Unsubscribe-Post`.
pub fn render(
    row: &OutboxRow,
    settings: &Settings,
    keys: &TokenKeys,
    now: DateTime<Utc>,
) -> Result<Message, RenderError> {
    let base = settings.public_url.trim().trim_end_matches('/').to_string();
    let unsubscribe = unsubscribe_url(row, &base, keys, now);
    let common = Common {
        en: is_english(&row.lang),
        base,
        unsubscribe_url: unsubscribe.clone(),
    };
    let parts = render_parts(&row.kind, &row.payload, &common)?;
    let from: Mailbox = settings
        .mail_from
        .parse()
        .map_err(|e| RenderError::Address(format!("PARKBRIDGE_MAIL_FROM: {e}")))?;
    let to: Address = row
        .recipient_email
        .trim()
        .parse()
        .map_err(|e| RenderError::Address(format!("recipient: {e}")))?;
    let mut builder = Message::builder()
        .from(from)
        .to(Mailbox::new(None, to))
        .subject(parts.subject)
        .message_id(Some(row.message_id.clone()))
        .header(AutoSubmitted);
    if let Some(url) = unsubscribe {
        builder = builder
            .header(ListUnsubscribe(format!("<{url}>")))
            .header(ListUnsubscribePost);
    }
    builder
        .multipart(MultiPart::alternative_plain_html(parts.text, parts.html))
        .map_err(|e| RenderError::Build(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;
    use serde_json::json;

    fn sample(kind: &str) -> Value {
        match kind {
            "organization_verified" => {
                json!({"organization_id": 3, "name": "绵阳精密机械有限公司"})
            }
            "organization_rejected" => {
                json!({"organization_id": 3, "name": "绵阳精密机械有限公司", "reason_code": "incomplete", "note": "请上传营业执照"})
            }
            "posting_approved" => {
                json!({"posting_id": 7, "kind": "need", "title": "设备更新贷款 500万"})
            }
            "posting_rejected" => {
                json!({"posting_id": 7, "kind": "offer", "title": "设备贷", "reason_code": "duplicate", "note": null})
            }
            "new_matches" => {
                json!({"posting_id": 7, "kind": "need", "title": "设备更新贷款 500万", "matches": [
                {"match_id": 1, "counterpart_kind": "offer", "counterpart_id": 9, "counterpart_title": "科技型中小企业设备贷",
                 "organization_name": "四川省中小企业融资担保公司", "score": 0.873,
                 "reasons_zh": ["金额 500万 在产品额度 100万–2000万 之内", "服务区域包含 成都"],
                 "reasons_en": ["the amount 5M is within 1M–20M", "serves Chengdu"]}]})
            }
            "match_interest" => {
                json!({"match_id": 1, "need_id": 7, "need_title": "设备更新贷款", "offer_id": 9,
                                        "offer_title": "设备贷", "from_organization": "四川省中小企业融资担保公司"})
            }
            "match_connected" => {
                json!({"match_id": 1, "need_title": "设备更新贷款", "offer_title": "设备贷",
                                         "counterpart": {"organization_name": "担保公司", "contact_name": "李娜",
                                                         "contact_phone": "028-88888888", "contact_email": null}})
            }
            "escalation" => {
                json!({"posting_id": 7, "title": "招聘数控车工 10 名", "park_name": "成都高新技术产业开发区",
                                    "organization_name": "绵阳精密机械有限公司", "published_at": "2026-11-01T02:00:00Z", "days": 6})
            }
            "saved_search_digest" => json!({"saved_search_id": 4, "name": "设备贷款", "items": [
                {"type": "offer", "id": 9, "title": "科技型中小企业设备贷", "organization_name": "担保公司"}]}),
            "password_reset" => {
                json!({"reset_url": "https://pb.example/reset-password?token=abc", "expires_minutes": 60})
            }
            "email_confirmation" => {
                json!({"confirm_url": "https://pb.example/confirm-email?token=abc"})
            }
            other => panic!("no sample for {other}"),
        }
    }

    fn row(kind: &str, lang: &str, payload: &Value) -> OutboxRow {
        let now = Utc::now().naive_utc();
        OutboxRow {
            id: 1,
            kind: kind.into(),
            recipient_user_id: Some(5),
            recipient_email: "zhang.wei@example.cn".into(),
            lang: lang.into(),
            dedupe_key: format!("{kind}:x"),
            payload: payload.to_string(),
            status: "pending".into(),
            attempts: 0,
            next_attempt_at: now,
            lease_until: None,
            last_error: None,
            message_id: "<k.1@parkbridge>".into(),
            created_at: now,
            sent_at: None,
        }
    }

    fn settings() -> Settings {
        let mut s = Settings::for_paths("sqlite://x", std::path::Path::new("/tmp"));
        s.public_url = "https://pb.example/".into();
        s
    }

    fn keys() -> TokenKeys {
        TokenKeys::new(&[7u8; 32], Duration::hours(1)).unwrap()
    }

    #[test]
    fn every_kind_renders_in_both_languages() {
        for kind in KINDS {
            for lang in ["zh-CN", "en"] {
                let r = row(kind, lang, &sample(kind));
                let c = Common {
                    en: lang == "en",
                    base: "https://pb.example".into(),
                    unsubscribe_url: unsubscribe_url(&r, "https://pb.example", &keys(), Utc::now()),
                };
                let p = render_parts(kind, &r.payload, &c).unwrap();
                assert!(!p.subject.is_empty() && !p.subject.contains('\n'), "{kind}");
                for body in [&p.text, &p.html] {
                    assert!(
                        !body.contains("{{") && !body.contains("{%"),
                        "{kind}: {body}"
                    );
                }
                let han = p
                    .subject
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
                if lang == "en" {
                    assert!(
                        p.subject.starts_with("[parkbridge]"),
                        "{kind}: {}",
                        p.subject
                    );
                    assert!(p.text.contains("Hello"), "{kind}");
                } else {
                    assert!(
                        han && p.subject.starts_with("【园企通】"),
                        "{kind}: {}",
                        p.subject
                    );
                    assert!(p.text.contains("您好"), "{kind}");
                }
                assert!(p.html.contains("<html"), "{kind}");
                let unsubscribable = matches!(
                    *kind,
                    "new_matches" | "match_interest" | "saved_search_digest"
                );
                assert_eq!(
                    p.text.contains("/unsubscribe?token="),
                    unsubscribable,
                    "{kind}"
                );
                assert_eq!(
                    p.html.contains("/unsubscribe?token="),
                    unsubscribable,
                    "{kind}"
                );
            }
        }
    }

    #[test]
    fn content_is_what_the_payload_says() {
        let r = row("new_matches", "zh-CN", &sample("new_matches"));
        let c = Common {
            en: false,
            base: "https://pb.example".into(),
            unsubscribe_url: None,
        };
        let p = render_parts("new_matches", &r.payload, &c).unwrap();
        assert!(p.text.contains("匹配度 87%"), "{}", p.text);
        assert!(p
            .text
            .contains("金额 500万 在产品额度 100万–2000万 之内；服务区域包含 成都"));
        assert!(p.text.contains("https://pb.example/offers/9"));
        assert!(p.text.contains("https://pb.example/needs/7"));
        let r = row("posting_rejected", "zh-CN", &sample("posting_rejected"));
        let p = render_parts("posting_rejected", &r.payload, &c).unwrap();
        assert!(p.text.contains("原因：重复发布"), "{}", p.text);
        assert!(!p.text.contains("说明"));
        let r = row(
            "organization_rejected",
            "en",
            &sample("organization_rejected"),
        );
        let c_en = Common {
            en: true,
            base: "https://pb.example".into(),
            unsubscribe_url: None,
        };
        let p = render_parts("organization_rejected", &r.payload, &c_en).unwrap();
        assert!(p.text.contains("Reason: the information is incomplete"));
        assert!(p.text.contains("Note: 请上传营业执照"));
        let p = render_parts("escalation", &sample("escalation").to_string(), &c).unwrap();
        assert!(
            p.text.contains("2026-11-01") && p.text.contains("6 天"),
            "{}",
            p.text
        );
    }

    #[test]
    fn html_escapes_payload_text() {
        let payload = json!({"organization_id": 1, "name": "<script>alert(1)</script> & Co"});
        let c = Common {
            en: false,
            base: "https://pb.example".into(),
            unsubscribe_url: None,
        };
        let p = render_parts("organization_verified", &payload.to_string(), &c).unwrap();
        assert!(!p.html.contains("<script>"));
        assert!(
            p.html.contains("&#60;script&#62;") || p.html.contains("&lt;script&gt;"),
            "{}",
            p.html
        );
        // Plain text is not HTML: it keeps the characters as they are.
        assert!(p.text.contains("<script>alert(1)</script> & Co"));
    }

    #[test]
    fn missing_optional_fields_render_with_defaults() {
        let c = Common {
            en: false,
            base: "https://pb.example".into(),
            unsubscribe_url: None,
        };
        for kind in KINDS {
            render_parts(kind, "{}", &c).unwrap_or_else(|e| panic!("{kind}: {e}"));
        }
        assert!(matches!(
            render_parts("nope", "{}", &c),
            Err(RenderError::UnknownKind(_))
        ));
        assert!(matches!(
            render_parts("new_matches", "[]", &c),
            Err(RenderError::Payload { .. })
        ));
        assert!(matches!(
            render_parts("new_matches", r#"{"matches": "many"}"#, &c),
            Err(RenderError::Payload { .. })
        ));
    }

    #[test]
    fn messages_carry_the_row_message_id_and_unsubscribe_headers() {
        let r = row("new_matches", "en", &sample("new_matches"));
        let msg = render(&r, &settings(), &keys(), Utc::now()).unwrap();
        let raw = String::from_utf8(msg.formatted()).unwrap();
        assert!(raw.contains("Message-ID: <k.1@parkbridge>"), "{raw}");
        assert!(
            raw.contains("List-Unsubscribe: <https://pb.example/unsubscribe?token="),
            "{raw}"
        );
        assert!(raw.contains("&lang=en>"), "{raw}");
        assert!(raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
        assert!(raw.contains("multipart/alternative"));
        assert!(raw.contains("To: zhang.wei@example.cn"));
        let r = row("posting_approved", "zh-CN", &sample("posting_approved"));
        let raw = String::from_utf8(
            render(&r, &settings(), &keys(), Utc::now())
                .unwrap()
                .formatted(),
        )
        .unwrap();
        assert!(!raw.contains("List-Unsubscribe"));
        let mut bad = row("posting_approved", "zh-CN", &sample("posting_approved"));
        bad.recipient_email = "not an address".into();
        assert!(matches!(
            render(&bad, &settings(), &keys(), Utc::now()),
            Err(RenderError::Address(_))
        ));
    }

    #[test]
    fn the_unsubscribe_link_names_the_topic() {
        let r = row(
            "saved_search_digest",
            "zh-CN",
            &sample("saved_search_digest"),
        );
        let url = unsubscribe_url(&r, "https://pb.example", &keys(), Utc::now()).unwrap();
        let token = url.split("token=").nth(1).unwrap();
        assert_eq!(
            keys().verify_unsubscribe(token, Utc::now()),
            Some((5, "saved_search:4".to_string()))
        );
        let r = row("password_reset", "zh-CN", &sample("password_reset"));
        assert_eq!(
            unsubscribe_url(&r, "https://pb.example", &keys(), Utc::now()),
            None
        );
    }
}
