//! The signed-in organisation's to-do list.

use actix_web::{web, HttpResponse};

use super::ok;
use crate::auth::AuthUser;
use crate::error::AppResult;
use crate::service::todo;
use crate::state::AppState;

#[utoipa::path(
    get,
    path = "/api/v1/me/todo",
    tag = "me",
    summary = "What waits for the caller's organisation",
    description = "`answer_interest` (the other side is interested), `confirm_outcome`, `correct_outcome` (a report of yours was disputed), `report_outcome` (connected, no outcome yet), `fix_posting` (sent back by the moderator), `review_matches` (with `count` suggestions), `close_need` (a need with a fully successful outcome); most urgent first. Empty for administrators; matches count only while the organisation is verified.",
    security(("bearer" = [])),
    responses((status = 200, body = crate::service::todo::Todo), (status = 401))
)]
pub async fn get(state: web::Data<AppState>, AuthUser(a): AuthUser) -> AppResult<HttpResponse> {
    Ok(ok(state.db(move |c| todo::todo(c, &a)).await?))
}
