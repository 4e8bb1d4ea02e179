//! `/admin/synonyms`: platform admins list, add and remove synonym groups for search (the same
//! service as `/api/v1/admin/synonyms`).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde_json::json;

use super::form::{Form, FormState};
use super::{render_status, see_other, Chrome, Routes};
use crate::auth::{PlatformAdminOnly, Require};
use crate::error::AppResult;
use crate::service::synonyms::{self, NewGroup, SynonymList, Which};
use crate::service::Paging;
use crate::state::AppState;

pub fn routes(r: &mut Routes) {
    r.get("/admin/synonyms", page)
        .post("/admin/synonyms", add)
        .post("/admin/synonyms/{id}/remove", remove);
}

#[derive(Template)]
#[template(path = "pages/admin_synonyms.html")]
struct SynonymsPage {
    c: Chrome,
    list: SynonymList,
    form: FormState,
}

async fn list(state: &AppState) -> AppResult<SynonymList> {
    let all = Paging {
        page: 1,
        per_page: 5000,
    };
    state.db(move |c| synonyms::list(c, Which::All, all)).await
}

async fn page(
    state: web::Data<AppState>,
    Require(..): Require<PlatformAdminOnly>,
    c: Chrome,
) -> AppResult<HttpResponse> {
    let list = list(&state).await?;
    render_status(
        StatusCode::OK,
        SynonymsPage {
            c,
            list,
            form: FormState::new(),
        },
    )
}

/// The terms as typed in one box: separated by commas, 、, semicolons or new lines.
fn split(text: &str) -> Vec<String> {
    text.split([',', '，', '、', ';', '；', '\n', '\r'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(String::from)
        .collect()
}

async fn add(
    state: web::Data<AppState>,
    Require(actor, ..): Require<PlatformAdminOnly>,
    c: Chrome,
    form: Form,
) -> AppResult<HttpResponse> {
    let body = json!({
        "terms": split(form.get("terms").unwrap_or("")),
        "note": form.value("note"),
    });
    let now = state.clock.now().naive_utc();
    let result = match NewGroup::parse(&body) {
        Ok(group) => {
            state
                .tx(move |conn| synonyms::add(conn, &actor, &group, now))
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => {
            crate::web::api::synonyms::in_force_here(&state).await?;
            Ok(see_other("/admin/synonyms", Some("synonyms_added")))
        }
        Err(e) => {
            let mut shown = form.state();
            let status = shown.absorb(e, c.lang)?;
            // Errors of one term (terms.3) belong to the one box.
            let per_term: Vec<String> = shown
                .errors
                .iter()
                .filter(|(k, _)| k.starts_with("terms"))
                .map(|(_, v)| v.clone())
                .collect();
            if !per_term.is_empty() {
                shown.errors.insert("terms".into(), per_term.join("；"));
            }
            let list = list(&state).await?;
            render_status(
                status,
                SynonymsPage {
                    c,
                    list,
                    form: shown,
                },
            )
        }
    }
}

async fn remove(
    state: web::Data<AppState>,
    Require(actor, ..): Require<PlatformAdminOnly>,
    id: web::Path<i64>,
    _form: Form,
) -> AppResult<HttpResponse> {
    let (id, now) = (id.into_inner(), state.clock.now().naive_utc());
    state
        .tx(move |conn| synonyms::remove(conn, &actor, id, now))
        .await?;
    crate::web::api::synonyms::in_force_here(&state).await?;
    Ok(see_other("/admin/synonyms", Some("synonyms_removed")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn terms_are_split_the_ways_people_type_lists() {
        assert_eq!(
            super::split("稳岗返还，失业保险返还、 job retention subsidy\n稳岗资金;"),
            vec![
                "稳岗返还",
                "失业保险返还",
                "job retention subsidy",
                "稳岗资金"
            ]
        );
    }
}
