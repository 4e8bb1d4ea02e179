//! The other side's answer to a reported outcome, from its posting page: confirm it, or dispute
//! it with a note (the reporting side then corrects it).

use actix_web::{web, HttpResponse};

use super::form::Form;
use super::{see_other, Routes, SignedIn};
use crate::domain::decisions::Dispute;
use crate::error::{AppError, AppResult};
use crate::service::matches;
use crate::state::AppState;

pub fn routes(r: &mut Routes) {
    r.post("/matches/{id}/outcome/{action}", answer);
}

async fn answer(
    state: web::Data<AppState>,
    SignedIn(a, c): SignedIn,
    path: web::Path<(i64, String)>,
    form: Form,
) -> AppResult<HttpResponse> {
    let (id, action) = path.into_inner();
    let back = super::local_target(form.value("_back"), "/dashboard");
    let (now, lang) = (state.clock.now(), c.lang);
    let body = form.to_json(&[]);
    let notice = match action.as_str() {
        "confirm" => "outcome_confirmed",
        "dispute" => "outcome_disputed",
        _ => return Err(AppError::NotFound),
    };
    state
        .tx(move |conn| match action.as_str() {
            "confirm" => matches::confirm_outcome(conn, &a, id, now, lang),
            _ => matches::dispute_outcome(conn, &a, id, Dispute::parse(&body), now, lang),
        })
        .await?;
    Ok(see_other(&back, Some(notice)))
}
