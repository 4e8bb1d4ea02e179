//! Posting and editing needs and offers. An edit is parsed by the same rules as a new posting:
//! the patch is merged over the posting as a request body, then read as a `Draft`.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::{json, Map, Value};

use super::read::view;
use super::review::{authorize, transition};
use super::{event, load, load_of_kind, load_org};
use crate::auth::Actor;
use crate::db::models::{NewPosting, Posting, PostingContent};
use crate::db::schema::postings;
use crate::db::DbConn;
use crate::domain::posting::{Draft, DEFAULT_LIFETIME_DAYS};
use crate::domain::transitions::PostingMove;
use crate::domain::{OrgStatus, PostingAction, PostingKind, PostingStatus};
use crate::error::{AppError, AppResult, FieldErrors, Problem};
use crate::service::views::PostingView;

fn to_naive(t: DateTime<Utc>) -> NaiveDateTime {
    t.naive_utc()
}

fn list_json<T: AsRef<str>>(items: impl Iterator<Item = T>) -> String {
    Value::Array(
        items
            .map(|s| Value::String(s.as_ref().to_string()))
            .collect(),
    )
    .to_string()
}

/// Posts a need (SME) or offer (provider) for the caller's organisation.
pub fn create(
    conn: &mut DbConn,
    actor: &Actor,
    draft: Draft,
    now: DateTime<Utc>,
) -> AppResult<PostingView> {
    let org_id = actor
        .organization_id
        .ok_or_else(|| actor.refuse("only users of an organisation may post"))?;
    let org = load_org(conn, org_id)?;
    if OrgStatus::from_db(&org.status) == OrgStatus::Rejected {
        return Err(AppError::conflict(
            "企业认证未通过，暂不能发布。请联系园区管理员",
            "your organisation was not verified, so it cannot post: contact your park administrator",
        ));
    }
    let park = match org.park_id {
        Some(id) => crate::service::parks::find(conn, id)?,
        None => None,
    };
    let n = to_naive(now);
    let status = if draft.submit {
        PostingStatus::PendingReview
    } else {
        PostingStatus::Draft
    };
    let details = draft.details.to_json().to_string();
    let (amount, amount_min, amount_max) = draft.details.amounts();
    let expires = draft
        .expires_at
        .unwrap_or(now + Duration::days(DEFAULT_LIFETIME_DAYS));
    let p: Posting = diesel::insert_into(postings::table)
        .values(NewPosting {
            kind: draft.kind.as_str(),
            organization_id: org.id,
            park_id: park.as_ref().map(|p| p.id),
            city_code: park.as_ref().map(|p| p.city_code.as_str()),
            category: draft.category.as_str(),
            title: &draft.title,
            description: &draft.description,
            details: &details,
            regions: &list_json(draft.audience.regions.iter().map(|c| c.as_str())),
            industries: &list_json(draft.audience.industries.iter().map(|i| i.as_str())),
            sizes: &list_json(draft.audience.sizes.iter().map(|s| s.as_str())),
            amount_yuan: amount,
            amount_min_yuan: amount_min,
            amount_max_yuan: amount_max,
            status: status.as_str(),
            expires_at: to_naive(expires),
            submitted_at: draft.submit.then_some(n),
            published_at: None,
            created_by: actor.user_id,
            created_at: n,
            updated_at: n,
        })
        .returning(postings::all_columns)
        .get_result(conn)?;
    event(
        conn,
        p.id,
        Some(actor),
        PostingAction::Created,
        PostingStatus::Draft,
        None,
        None,
        n,
    )?;
    if draft.submit {
        event(
            conn,
            p.id,
            Some(actor),
            PostingAction::Submitted,
            status,
            None,
            None,
            n,
        )?;
    }
    view(conn, &p, true)
}

/// The posting as a request body, so an edit can be parsed by the same rules as a new posting.
fn as_body(p: &Posting) -> Value {
    let mut body = json!({
        "category": p.category,
        "title": p.title,
        "description": p.description,
        "expires_at": p.expires_at.and_utc().to_rfc3339(),
    });
    body[p.category.as_str()] = serde_json::from_str(&p.details).unwrap_or(Value::Null);
    if p.kind == "offer" {
        for (key, raw) in [
            ("regions", &p.regions),
            ("industries", &p.industries),
            ("sizes", &p.sizes),
        ] {
            body[key] = serde_json::from_str(raw).unwrap_or(Value::Array(vec![]));
        }
    }
    body
}

/// Applies a partial update: top-level keys replace, the details object merges key by key.
fn merge_patch(p: &Posting, patch: &Map<String, Value>) -> AppResult<(Value, bool)> {
    let mut body = as_body(p);
    let mut errs = FieldErrors::new();
    let mut submit = false;
    for (key, value) in patch {
        match key.as_str() {
            "category" => {
                if value.as_str() != Some(p.category.as_str()) {
                    errs.add(
                        "category",
                        Problem::Custom {
                            zh: "类别不能修改，请关闭后重新发布".into(),
                            en: "the category cannot change: close this posting and post a new one"
                                .into(),
                        },
                    );
                }
            }
            "submit" => match value {
                Value::Bool(b) => submit = *b,
                Value::Null => {}
                _ => errs.add(
                    "submit",
                    Problem::WrongType {
                        expected: "boolean".into(),
                    },
                ),
            },
            k if k == p.category => match (body.get_mut(k), value) {
                (Some(Value::Object(current)), Value::Object(changes)) => {
                    for (ck, cv) in changes {
                        current.insert(ck.clone(), cv.clone());
                    }
                }
                _ => body[k] = value.clone(),
            },
            "expires_at" if value.is_null() => {}
            _ => body[key.as_str()] = value.clone(),
        }
    }
    errs.into_result()?;
    Ok((body, submit))
}

/// A partial update of a posting as `PATCH` sends it: top-level keys replace, the category's
/// details object merges key by key.
pub struct PostingPatch(Map<String, Value>);

impl PostingPatch {
    pub fn parse(body: Value) -> AppResult<PostingPatch> {
        match body {
            Value::Object(map) => Ok(PostingPatch(map)),
            _ => Err(AppError::BadRequest(
                "the body must be a JSON object / 请求体必须是 JSON 对象".into(),
            )),
        }
    }
}

/// `patch` is the parsed body, looked at only once the caller may change the posting.
pub fn update(
    conn: &mut DbConn,
    actor: &Actor,
    kind: PostingKind,
    id: i64,
    patch: AppResult<PostingPatch>,
    now: DateTime<Utc>,
) -> AppResult<PostingView> {
    let p = load_of_kind(conn, kind, id)?;
    authorize(actor, &p, PostingMove::Edit)?;
    let PostingPatch(patch) = patch?;
    if PostingMove::Edit
        .from(PostingStatus::from_db(&p.status))
        .is_none()
    {
        let (zh, en) = PostingMove::Edit.refusal();
        return Err(AppError::conflict(zh, en));
    }
    let (body, submit) = merge_patch(&p, &patch)?;
    let draft = Draft::parse(kind, &body, now)?;
    let n = to_naive(now);
    let details = draft.details.to_json().to_string();
    let (amount, amount_min, amount_max) = draft.details.amounts();
    diesel::update(postings::table.find(id))
        .set((
            PostingContent {
                title: &draft.title,
                description: &draft.description,
                details: &details,
                regions: &list_json(draft.audience.regions.iter().map(|c| c.as_str())),
                industries: &list_json(draft.audience.industries.iter().map(|i| i.as_str())),
                sizes: &list_json(draft.audience.sizes.iter().map(|s| s.as_str())),
                amount_yuan: amount,
                amount_min_yuan: amount_min,
                amount_max_yuan: amount_max,
                expires_at: to_naive(
                    draft
                        .expires_at
                        .unwrap_or(now + Duration::days(DEFAULT_LIFETIME_DAYS)),
                ),
            },
            postings::updated_at.eq(n),
        ))
        .execute(conn)?;
    let mv = if submit {
        PostingMove::EditAndSubmit
    } else {
        PostingMove::Edit
    };
    transition(conn, Some(actor), &p, mv, None, n)?;
    let p = load(conn, id)?;
    view(conn, &p, true)
}
