//! An outbox row → a `lettre::Message`: the row read back into a [`Mail`], then subject, plain
//! text and HTML from the askama templates in `templates/email/<kind>/`, in Chinese unless the
//! recipient chose English.
//!
//! A row that cannot be rendered at all (unknown kind, a payload of the wrong shape, a malformed
//! address) is a permanent failure: retrying would not help.

use askama::Template;
use chrono::{DateTime, Utc};
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{Address, Message};

use super::mail::*;
use crate::auth::token::TokenKeys;
use crate::config::Settings;
use crate::db::models::OutboxRow;
use crate::domain::{Category, PostingKind};
use crate::i18n::beijing;

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    Mail(#[from] MailError),
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
// What the templates ask of the mails' data.

/// A kind inside a sentence: 需求 / 服务 in Chinese, "need" / "offer" in English.
fn kind_zh(kind: PostingKind) -> &'static str {
    kind.zh()
}

fn kind_en(kind: PostingKind) -> &'static str {
    kind.as_str()
}

impl OrganizationRejectedMail {
    pub fn reason_zh(&self) -> &'static str {
        self.reason_code.zh()
    }
    pub fn reason_en(&self) -> &'static str {
        self.reason_code.reason_en()
    }
}

impl PostingMail {
    pub fn kind_zh(&self) -> &'static str {
        kind_zh(self.kind)
    }
    pub fn kind_en(&self) -> &'static str {
        kind_en(self.kind)
    }
    pub fn counterpart_zh(&self) -> &'static str {
        kind_zh(self.kind.counterpart())
    }
    pub fn counterpart_en(&self) -> &'static str {
        kind_en(self.kind.counterpart())
    }
    pub fn path(&self) -> &'static str {
        self.kind.plural()
    }
}

impl PostingRejectedMail {
    pub fn reason_zh(&self) -> &'static str {
        self.reason_code.zh()
    }
    pub fn reason_en(&self) -> &'static str {
        self.reason_code.reason_en()
    }
    pub fn kind_zh(&self) -> &'static str {
        kind_zh(self.kind)
    }
    pub fn kind_en(&self) -> &'static str {
        kind_en(self.kind)
    }
    pub fn path(&self) -> &'static str {
        self.kind.plural()
    }
}

impl NewMatchesMail {
    pub fn kind_zh(&self) -> &'static str {
        kind_zh(self.kind)
    }
    pub fn kind_en(&self) -> &'static str {
        kind_en(self.kind)
    }
    pub fn counterpart_zh(&self) -> &'static str {
        kind_zh(self.kind.counterpart())
    }
    pub fn counterpart_en(&self) -> &'static str {
        kind_en(self.kind.counterpart())
    }
    pub fn path(&self) -> &'static str {
        self.kind.plural()
    }
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
        self.counterpart_kind.plural()
    }
}

impl EscalationMail {
    /// The publication date (`YYYY-MM-DD`, Beijing time) or a dash.
    pub fn published_date(&self) -> String {
        self.published_at
            .map(|t| t.with_timezone(&beijing()).format("%Y-%m-%d").to_string())
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

impl OutcomeReportedMail {
    pub fn grade_zh(&self) -> &'static str {
        self.grade.zh()
    }
    pub fn grade_en(&self) -> &'static str {
        self.grade.en()
    }
    /// The page of the recipient's own posting, where the outcome is confirmed.
    pub fn path(&self) -> String {
        let id = match self.recipient_kind {
            PostingKind::Need => self.need_id,
            PostingKind::Offer => self.offer_id,
        };
        format!("/{}/{id}#matches", self.recipient_kind.plural())
    }
    /// 放款 300 万元（申请 500 万元）, 录用 6 人（需求 10 人）; empty for a failure without figures.
    pub fn figure_zh(&self) -> String {
        let Some(got) = self.achieved else {
            return String::new();
        };
        match self.category {
            Category::Financing => match self.asked {
                Some(a) => format!("放款 {} 万元（申请 {} 万元）", wan(got), wan(a)),
                None => format!("放款 {} 万元", wan(got)),
            },
            c => {
                let verb = if c == Category::Recruiting {
                    "录用"
                } else {
                    "培训"
                };
                match self.asked {
                    Some(a) => format!("{verb} {got} 人（需求 {a} 人）"),
                    None => format!("{verb} {got} 人"),
                }
            }
        }
    }
    pub fn figure_en(&self) -> String {
        let Some(got) = self.achieved else {
            return String::new();
        };
        let (what, unit) = match self.category {
            Category::Financing => ("lent", "yuan"),
            Category::Recruiting => ("hired", "people"),
            Category::Training => ("trained", "people"),
        };
        match self.asked {
            Some(a) => format!("{got} {unit} {what} (of {a} asked for)"),
            None => format!("{got} {unit} {what}"),
        }
    }
}

/// Yuan as 万元 with up to four decimals: 1505000 → "150.5".
fn wan(yuan: i64) -> String {
    let (whole, frac) = (yuan / 10_000, (yuan % 10_000).abs());
    if frac == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{}", format!("{frac:04}").trim_end_matches('0'))
    }
}

impl DigestItem {
    pub fn kind_zh(&self) -> &'static str {
        kind_zh(self.kind)
    }
    pub fn kind_en(&self) -> &'static str {
        kind_en(self.kind)
    }
    pub fn path(&self) -> &'static str {
        self.kind.plural()
    }
}

// ---------------------------------------------------------------------------------------------
// One module per kind: its three templates and how to render them.

macro_rules! templates {
    ($( $variant:ident => $module:ident($data:ty) [$subject:literal, $text:literal, $html:literal] ),* $(,)?) => {
        $(
            mod $module {
                use super::*;

                #[derive(Template)]
                #[template(path = $subject)]
                pub struct Subject<'a> {
                    pub c: &'a Common,
                    #[allow(dead_code)] // some subjects are the same whatever the data
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

                pub fn render(c: &Common, d: &$data) -> Result<Parts, RenderError> {
                    Ok(Parts {
                        subject: Subject { c, d }.render()?,
                        text: Text { c, d }.render()?,
                        html: Html { c, d }.render()?,
                    })
                }
            }
        )*

        /// The templates of a mail; a kind without templates does not compile.
        fn render_mail(mail: &Mail, c: &Common) -> Result<Parts, RenderError> {
            match mail {
                $( Mail::$variant(d) => $module::render(c, d), )*
            }
        }
    };
}

templates! {
    OrganizationVerified => organization_verified(OrganizationMail)
        ["email/organization_verified/subject.txt", "email/organization_verified/body.txt", "email/organization_verified/body.html"],
    OrganizationRejected => organization_rejected(OrganizationRejectedMail)
        ["email/organization_rejected/subject.txt", "email/organization_rejected/body.txt", "email/organization_rejected/body.html"],
    PostingApproved => posting_approved(PostingMail)
        ["email/posting_approved/subject.txt", "email/posting_approved/body.txt", "email/posting_approved/body.html"],
    PostingRejected => posting_rejected(PostingRejectedMail)
        ["email/posting_rejected/subject.txt", "email/posting_rejected/body.txt", "email/posting_rejected/body.html"],
    NewMatches => new_matches(NewMatchesMail)
        ["email/new_matches/subject.txt", "email/new_matches/body.txt", "email/new_matches/body.html"],
    MatchInterest => match_interest(MatchInterestMail)
        ["email/match_interest/subject.txt", "email/match_interest/body.txt", "email/match_interest/body.html"],
    MatchConnected => match_connected(MatchConnectedMail)
        ["email/match_connected/subject.txt", "email/match_connected/body.txt", "email/match_connected/body.html"],
    Escalation => escalation(EscalationMail)
        ["email/escalation/subject.txt", "email/escalation/body.txt", "email/escalation/body.html"],
    SavedSearchDigest => saved_search_digest(SavedSearchDigestMail)
        ["email/saved_search_digest/subject.txt", "email/saved_search_digest/body.txt", "email/saved_search_digest/body.html"],
    PasswordReset => password_reset(PasswordResetMail)
        ["email/password_reset/subject.txt", "email/password_reset/body.txt", "email/password_reset/body.html"],
    EmailConfirmation => email_confirmation(EmailConfirmationMail)
        ["email/email_confirmation/subject.txt", "email/email_confirmation/body.txt", "email/email_confirmation/body.html"],
    Invitation => invitation(InvitationMail)
        ["email/invitation/subject.txt", "email/invitation/body.txt", "email/invitation/body.html"],
    OutcomeReported => outcome_reported(OutcomeReportedMail)
        ["email/outcome_reported/subject.txt", "email/outcome_reported/body.txt", "email/outcome_reported/body.html"],
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

/// Fills the templates of `mail`.
pub fn render_parts(mail: &Mail, common: &Common) -> Result<Parts, RenderError> {
    let mut parts = render_mail(mail, common)?;
    parts.subject = clean_subject(&parts.subject);
    Ok(parts)
}

/// The one-click unsubscribe link of non-essential mail to a user.
pub fn unsubscribe_url(
    mail: &Mail,
    recipient_user_id: Option<i64>,
    english: bool,
    base: &str,
    keys: &TokenKeys,
    now: DateTime<Utc>,
) -> Option<String> {
    let topic = mail.topic()?;
    let user_id = recipient_user_id?;
    let token = keys.issue_unsubscribe(user_id, &topic.as_string(), now);
    let lang = if english { "&lang=en" } else { "" };
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
    let mail = Mail::from_row(&row.kind, &row.payload)?;
    let base = settings.public_url.trim().trim_end_matches('/').to_string();
    let en = is_english(&row.lang);
    let unsubscribe = unsubscribe_url(&mail, row.recipient_user_id, en, &base, keys, now);
    let common = Common {
        en,
        base,
        unsubscribe_url: unsubscribe.clone(),
    };
    let parts = render_parts(&mail, &common)?;
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
mod tests;
