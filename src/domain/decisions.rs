//! What a moderator or a side of a match decides, parsed from a request body: a rejection with
//! its coded reason, an answer to a posting, a decline, an outcome. Each `parse` reports every
//! bad field at once; the services take these values, never the body.

use serde_json::Value;

use super::input::{FieldType, FormFields, Obj};
use super::{
    parse_count, parse_text, DeclineCode, MatchStatus, OrgRejectCode, PostingKind, RejectCode, Yuan,
};
use crate::error::{AppError, AppResult, FieldErrors, Problem};

/// `{reason_code, note?}`: why a posting or an organisation is rejected.
pub struct Rejection {
    pub code: RejectCode,
    pub note: Option<String>,
}

impl Rejection {
    /// Every field is text.
    pub const FORM_FIELDS: FormFields = &[];

    pub fn parse(body: &Value) -> AppResult<Rejection> {
        let o = Obj::root(body)?;
        let mut errs = FieldErrors::new();
        let code = o.parse_str("reason_code", &mut errs, RejectCode::parse);
        let note = o.parse_opt_str("note", &mut errs, |s| parse_text(s, 1000));
        match (code, note) {
            (Some(code), Some(note)) => Ok(Rejection { code, note }),
            _ => Err(AppError::Validation(errs)),
        }
    }
}

/// `{reason_code, note?}`: why an organisation is not verified; a note is required with
/// `other`, as the code alone says nothing the organisation can act on.
pub struct OrgRejection {
    pub code: OrgRejectCode,
    pub note: Option<String>,
}

impl OrgRejection {
    /// Every field is text.
    pub const FORM_FIELDS: FormFields = &[];

    pub fn parse(body: &Value) -> AppResult<OrgRejection> {
        let o = Obj::root(body)?;
        let mut errs = FieldErrors::new();
        let code = o.parse_str("reason_code", &mut errs, OrgRejectCode::parse);
        let note = o.parse_opt_str("note", &mut errs, |s| parse_text(s, 1000));
        if code == Some(OrgRejectCode::Other) && matches!(note, Some(None)) {
            errs.add(
                "note",
                Problem::Custom {
                    zh: "选择“其他”时请说明原因".into(),
                    en: "say why when the reason is \"other\"".into(),
                },
            );
        }
        match (code, note) {
            (Some(code), Some(note)) if errs.0.is_empty() => Ok(OrgRejection { code, note }),
            _ => Err(AppError::Validation(errs)),
        }
    }
}

/// `respond` (`{offer_id, note?}`, a provider answers a need) or `apply` (`{need_id, note?}`, an
/// SME answers an offer): the answering side's own posting.
pub struct Answer {
    /// The posting answered with: an offer for a need, a need for an offer.
    pub own_id: i64,
    pub note: Option<String>,
}

impl Answer {
    /// The posting answered with is named by its id, a number.
    pub const FORM_FIELDS: FormFields =
        &[("offer_id", FieldType::Int), ("need_id", FieldType::Int)];

    /// The field that names the answering posting when answering a posting of `target` kind.
    pub fn own_key(target: PostingKind) -> &'static str {
        match target {
            PostingKind::Need => "offer_id",
            PostingKind::Offer => "need_id",
        }
    }

    pub fn parse(target: PostingKind, body: &Value) -> AppResult<Answer> {
        let o = Obj::root(body)?;
        let mut errs = FieldErrors::new();
        let own_id = o.int(Self::own_key(target), &mut errs);
        let note = o.parse_opt_str("note", &mut errs, |s| parse_text(s, 1000));
        errs.into_result()?;
        // A missing or malformed id was recorded above; an id that names nothing is a 404 later.
        let own_id = own_id.ok_or(AppError::NotFound)?;
        Ok(Answer {
            own_id,
            note: note.flatten(),
        })
    }
}

/// `{reason_code, note?}`: why a side declines a match.
pub struct Decline {
    pub code: DeclineCode,
    pub note: Option<String>,
}

impl Decline {
    /// Every field is text.
    pub const FORM_FIELDS: FormFields = &[];

    pub fn parse(body: &Value) -> AppResult<Decline> {
        let o = Obj::root(body)?;
        let mut errs = FieldErrors::new();
        let code = o.parse_str("reason_code", &mut errs, DeclineCode::parse);
        let note = o.parse_opt_str("note", &mut errs, |s| parse_text(s, 1000));
        match (code, note) {
            (Some(code), Some(note)) => Ok(Decline { code, note }),
            _ => Err(AppError::Validation(errs)),
        }
    }
}

/// `{note?}`: a side's note with its interest (shown to the other side), or why it disputes a
/// reported outcome.
pub struct Remark {
    pub note: Option<String>,
}

/// `POST /matches/{id}/outcome/dispute`.
pub type Dispute = Remark;
/// `POST /matches/{id}/interest`.
pub type Interest = Remark;

impl Remark {
    pub fn parse(body: &Value) -> AppResult<Remark> {
        let o = Obj::root(body)?;
        let mut errs = FieldErrors::new();
        let note = o.parse_opt_str("note", &mut errs, |s| parse_text(s, 1000));
        errs.into_result()?;
        Ok(Remark {
            note: note.flatten(),
        })
    }
}

/// `{result, amount_yuan?, hires?, trainees?}`: how a connected match ended. Which figure a
/// success needs depends on the need's category, which the service checks.
pub struct Outcome {
    /// `Succeeded` or `Failed`.
    pub result: MatchStatus,
    pub amount_yuan: Option<i64>,
    pub hires: Option<i32>,
    pub trainees: Option<i32>,
}

impl Outcome {
    /// The amount lent is typed in 万元 on the pages.
    pub const FORM_FIELDS: FormFields = &[
        ("amount_yuan", FieldType::Wan),
        ("hires", FieldType::Int),
        ("trainees", FieldType::Int),
    ];

    pub fn parse(body: &Value) -> AppResult<Outcome> {
        let o = Obj::root(body)?;
        let mut errs = FieldErrors::new();
        // `partial` is a success short of what was asked; the service grades every success
        // against the need's figure anyway.
        let result = o.parse_str("result", &mut errs, |s| match s {
            "succeeded" | "partial" => Ok(MatchStatus::Succeeded),
            "failed" => Ok(MatchStatus::Failed),
            _ => Err(Problem::NotOneOf {
                allowed: &["succeeded", "partial", "failed"],
            }),
        });
        let amount = o.parse_opt_int("amount_yuan", &mut errs, |v| {
            Yuan::parse(v).map(|y| y.get())
        });
        let hires = o.parse_opt_int("hires", &mut errs, |v| parse_count(v, 0, 100_000));
        let trainees = o.parse_opt_int("trainees", &mut errs, |v| parse_count(v, 0, 100_000));
        match (result, amount, hires, trainees) {
            (Some(result), Some(amount_yuan), Some(hires), Some(trainees)) => Ok(Outcome {
                result,
                amount_yuan,
                hires,
                trainees,
            }),
            _ => Err(AppError::Validation(errs)),
        }
    }
}
