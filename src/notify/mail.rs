//! Every mail parkbridge sends, as a value. Services construct a [`Mail`]; the outbox stores its
//! kind and its data as JSON; the renderer reads the row back into a `Mail` and fills the
//! templates of its kind. Both sides name the same types, so the compiler checks that what a
//! service writes is what a template reads.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Topic;
use crate::domain::{Category, OrgRejectCode, OutcomeGrade, PostingKind, RejectCode};

/// An organisation was verified.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationMail {
    pub organization_id: i64,
    pub name: String,
}

/// An organisation was not verified, with the moderator's coded reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationRejectedMail {
    pub organization_id: i64,
    pub name: String,
    pub reason_code: OrgRejectCode,
    pub note: Option<String>,
}

/// A posting was approved and is published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostingMail {
    pub posting_id: i64,
    pub kind: PostingKind,
    pub title: String,
}

/// A posting was rejected, with the moderator's coded reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostingRejectedMail {
    pub posting_id: i64,
    pub kind: PostingKind,
    pub title: String,
    pub reason_code: RejectCode,
    pub note: Option<String>,
}

/// New matches of one of the recipient's postings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewMatchesMail {
    pub posting_id: i64,
    pub kind: PostingKind,
    pub title: String,
    /// Collected into the daily digest rather than sent at once.
    #[serde(default)]
    pub digest: bool,
    pub matches: Vec<MatchItem>,
}

/// One match in a [`NewMatchesMail`]: the counterpart and why it fits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchItem {
    pub match_id: i64,
    pub counterpart_kind: PostingKind,
    pub counterpart_id: i64,
    pub counterpart_title: String,
    pub organization_name: String,
    pub score: f64,
    pub reasons_zh: Vec<String>,
    pub reasons_en: Vec<String>,
}

/// The other side is interested in a match.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// Both sides are interested: the other side's contact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchConnectedMail {
    pub match_id: i64,
    pub need_title: String,
    pub offer_title: String,
    /// What the other side wrote with its interest.
    #[serde(default)]
    pub note: Option<String>,
    /// The recipient's posting page (`/needs/7#matches`), where the match and the contact are.
    #[serde(default)]
    pub own_path: Option<String>,
    pub counterpart: Counterpart,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Counterpart {
    pub organization_name: String,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
}

/// A published need nobody picked up within the SLA, to its park's admins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EscalationMail {
    pub posting_id: i64,
    pub title: String,
    pub park_name: Option<String>,
    pub organization_name: String,
    pub published_at: Option<DateTime<Utc>>,
    pub days: i64,
}

/// What a saved search found since its last run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedSearchDigestMail {
    pub saved_search_id: i64,
    pub name: String,
    pub items: Vec<DigestItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DigestItem {
    #[serde(rename = "type")]
    pub kind: PostingKind,
    pub id: i64,
    pub title: String,
    pub organization_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PasswordResetMail {
    pub reset_url: String,
    pub expires_minutes: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmailConfirmationMail {
    pub confirm_url: String,
}

/// A colleague is invited to join the organisation: the link sets a password and signs in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvitationMail {
    pub organization_name: String,
    pub inviter_name: String,
    pub accept_url: String,
    pub expires_days: i64,
}

/// One side reported (or corrected) the outcome of a match: the other side confirms or disputes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeReportedMail {
    pub match_id: i64,
    pub need_id: i64,
    pub need_title: String,
    pub offer_id: i64,
    pub offer_title: String,
    /// The recipient's posting kind: its page is where to confirm.
    pub recipient_kind: PostingKind,
    pub from_organization: String,
    pub category: Category,
    pub grade: OutcomeGrade,
    /// Yuan lent, or people hired or trained.
    pub achieved: Option<i64>,
    /// What the need asked for, in the same unit.
    pub asked: Option<i64>,
    pub correction: bool,
}

/// Declares [`Mail`] and [`MailKind`] from one list: kind name → variant(data).
macro_rules! mails {
    ($( $kind:literal => $variant:ident($data:ty) ),* $(,)?) => {
        /// One mail to one recipient.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Mail {
            $( $variant($data), )*
        }

        /// What kind of mail a row holds; its name is the `outbox.kind` column and the folder
        /// of its templates (`templates/email/<kind>/`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum MailKind {
            $( $variant, )*
        }

        impl MailKind {
            pub const ALL: &'static [MailKind] = &[$( MailKind::$variant ),*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $( MailKind::$variant => $kind, )*
                }
            }

            pub fn parse(s: &str) -> Option<MailKind> {
                match s {
                    $( $kind => Some(MailKind::$variant), )*
                    _ => None,
                }
            }
        }

        impl Mail {
            pub fn kind(&self) -> MailKind {
                match self {
                    $( Mail::$variant(_) => MailKind::$variant, )*
                }
            }

            /// The data as the outbox stores it (JSON).
            pub fn payload(&self) -> String {
                let json = match self {
                    $( Mail::$variant(d) => serde_json::to_string(d), )*
                };
                // Plain structs of strings, numbers and lists always serialise.
                json.unwrap_or_else(|_| "{}".to_string())
            }

            /// A stored row back into a mail.
            pub fn from_row(kind: &str, payload: &str) -> Result<Mail, MailError> {
                let kind = MailKind::parse(kind).ok_or_else(|| MailError::UnknownKind(kind.to_string()))?;
                let bad = |e: serde_json::Error| MailError::Payload {
                    kind: kind.as_str(),
                    detail: e.to_string(),
                };
                Ok(match kind {
                    $( MailKind::$variant => Mail::$variant(serde_json::from_str(payload).map_err(bad)?), )*
                })
            }
        }
    };
}

mails! {
    "organization_verified" => OrganizationVerified(OrganizationMail),
    "organization_rejected" => OrganizationRejected(OrganizationRejectedMail),
    "posting_approved" => PostingApproved(PostingMail),
    "posting_rejected" => PostingRejected(PostingRejectedMail),
    "new_matches" => NewMatches(NewMatchesMail),
    "match_interest" => MatchInterest(MatchInterestMail),
    "match_connected" => MatchConnected(MatchConnectedMail),
    "escalation" => Escalation(EscalationMail),
    "saved_search_digest" => SavedSearchDigest(SavedSearchDigestMail),
    "password_reset" => PasswordReset(PasswordResetMail),
    "email_confirmation" => EmailConfirmation(EmailConfirmationMail),
    "invitation" => Invitation(InvitationMail),
    "outcome_reported" => OutcomeReported(OutcomeReportedMail),
}

/// A row that is not a mail: retrying would not help.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("no such kind of mail: {0:?}")]
    UnknownKind(String),
    #[error("payload does not fit the {kind} mail: {detail}")]
    Payload { kind: &'static str, detail: String },
}

impl Mail {
    /// What the mail's unsubscribe link turns off; `None` for essential mail, which has none.
    pub fn topic(&self) -> Option<Topic> {
        match self {
            Mail::NewMatches(_) | Mail::MatchInterest(_) => Some(Topic::MatchEmails),
            Mail::SavedSearchDigest(d) => Some(Topic::SavedSearch(d.saved_search_id)),
            _ => None,
        }
    }
}

impl Topic {
    /// The kinds of mail a topic covers.
    pub fn kinds(&self) -> &'static [MailKind] {
        match self {
            Topic::MatchEmails => &[MailKind::NewMatches, MailKind::MatchInterest],
            Topic::SavedSearch(_) => &[MailKind::SavedSearchDigest],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mail_survives_the_outbox_row() {
        let mail = Mail::PostingRejected(PostingRejectedMail {
            posting_id: 7,
            kind: PostingKind::Offer,
            title: "设备贷".into(),
            reason_code: RejectCode::Duplicate,
            note: None,
        });
        let back = Mail::from_row(mail.kind().as_str(), &mail.payload()).unwrap();
        assert_eq!(back, mail);
        for kind in MailKind::ALL {
            assert_eq!(MailKind::parse(kind.as_str()), Some(*kind));
        }
    }

    #[test]
    fn rows_written_before_the_mail_type_still_read() {
        // The daily digest flag was left out of immediate mail.
        let m = Mail::from_row(
            "new_matches",
            r#"{"posting_id": 1, "kind": "need", "title": "x", "matches": []}"#,
        )
        .unwrap();
        assert!(matches!(
            m,
            Mail::NewMatches(NewMatchesMail { digest: false, .. })
        ));
        let m = Mail::from_row(
            "escalation",
            r#"{"posting_id": 7, "title": "t", "park_name": null, "organization_name": "o",
                "published_at": "2026-11-01T02:00:00Z", "days": 6}"#,
        )
        .unwrap();
        let Mail::Escalation(e) = m else { panic!() };
        assert_eq!(
            e.published_at.unwrap().to_rfc3339(),
            "2026-11-01T02:00:00+00:00"
        );
    }

    #[test]
    fn a_row_that_is_not_a_mail_is_refused() {
        assert!(matches!(
            Mail::from_row("nope", "{}"),
            Err(MailError::UnknownKind(_))
        ));
        assert!(matches!(
            Mail::from_row("new_matches", "[]"),
            Err(MailError::Payload { .. })
        ));
        assert!(matches!(
            Mail::from_row(
                "posting_rejected",
                r#"{"posting_id": 1, "kind": "need", "title": "x", "reason_code": "bogus"}"#
            ),
            Err(MailError::Payload { .. })
        ));
    }

    #[test]
    fn only_non_essential_mail_has_a_topic() {
        let digest = Mail::SavedSearchDigest(SavedSearchDigestMail {
            saved_search_id: 4,
            name: "n".into(),
            items: vec![],
        });
        assert_eq!(digest.topic(), Some(Topic::SavedSearch(4)));
        assert!(Topic::SavedSearch(4).kinds().contains(&digest.kind()));
        let reset = Mail::PasswordReset(PasswordResetMail {
            reset_url: "u".into(),
            expires_minutes: 60,
        });
        assert_eq!(reset.topic(), None);
    }
}
