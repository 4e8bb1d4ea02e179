//! The OpenAPI 3.1 document of the whole HTTP API (`GET /api/openapi.json`) and a readable page
//! made from it on the server (`GET /api/docs`), which needs nothing from the internet.
//!
//! Handlers carry their `#[utoipa::path]`; error responses are listed there by status only, and
//! `document` gives each the `ErrorBody` schema and its meaning from the error table.

use std::sync::LazyLock;

use actix_web::HttpResponse;
use askama::Template;
use serde_json::{json, Value};
use utoipa::OpenApi;

use super::{
    accounts, admin, health, matches, me, members, organizations, parks, postings, schemas, search,
    stats, synonyms, todo,
};
use crate::error::AppError;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "parkbridge API",
        version = "1",
        description = "The marketplace of Sichuan's industrial parks: SMEs post needs (financing, recruiting, training), platform companies offer services, admins moderate. JSON in UTF-8, times in RFC 3339 UTC, money in whole yuan, rates in basis points. Errors are always `{\"error\": {\"code\", \"message\", \"fields\"}}`."
    ),
    paths(
        accounts::register, accounts::login, accounts::logout, accounts::logout_all, accounts::confirm_email,
        accounts::request_password_reset, accounts::confirm_password_reset, accounts::me,
        accounts::change_password,
        me::list_saved, me::create_saved, me::delete_saved, me::get_settings, me::put_settings,
        stats::json, stats::csv,
        parks::list, parks::create, parks::organization,
        organizations::mine, organizations::update, organizations::resubmit,
        search::search,
        postings::list_needs, postings::create_need, postings::get_need, postings::update_need,
        postings::submit_need, postings::close_need,
        postings::list_offers, postings::create_offer, postings::get_offer, postings::update_offer,
        postings::submit_offer, postings::close_offer,
        matches::need_matches, matches::offer_matches, matches::respond, matches::apply,
        matches::get, matches::interest, matches::decline, matches::outcome,
        matches::confirm_outcome, matches::dispute_outcome,
        admin::create_user, admin::suspend_user, admin::reactivate_user, admin::queue,
        admin::verify_org, admin::reject_org, admin::approve_need, admin::reject_need,
        admin::approve_offer, admin::reject_offer, admin::audit_log, admin::outbox,
        synonyms::list, synonyms::add, synonyms::remove,
        members::list, members::invite, members::remove, members::lookup, members::accept,
        todo::get,
        health::healthz, health::readyz, crate::web::observe::metrics,
        crate::web::unsubscribe::unsubscribe,
        json_document, docs_page, docs_css,
    ),
    components(schemas(schemas::ErrorBody)),
    modifiers(&BearerAuth),
    tags(
        (name = "accounts", description = "Registration, sign-in, tokens, passwords"),
        (name = "me", description = "The signed-in user's saved searches and settings"),
        (name = "parks", description = "Parks and organisations"),
        (name = "postings", description = "Needs (SMEs) and offers (platform companies)"),
        (name = "search", description = "Full-text search with facets"),
        (name = "matches", description = "Need × offer matches: interest, contacts, outcomes"),
        (name = "admin", description = "Verification, moderation, statistics, audit"),
        (name = "operations", description = "Health, metrics, mail links, this document"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        if let Some(c) = doc.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .bearer_format("JWT")
                        .description(Some(
                            "`Authorization: Bearer <token>` with the token from register or login",
                        ))
                        .build(),
                ),
            );
        }
    }
}

const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

/// What an error status means here, from the error table in src/error.rs.
fn error_meaning(status: &str) -> Option<&'static str> {
    Some(match status {
        "400" => "bad_request: malformed JSON, a body that is not an object, or a bad query string",
        "401" => "unauthorized: no valid token (or invalid_credentials at sign-in)",
        "403" => "forbidden: the caller's role or organisation may not do this",
        "404" => "not_found: no such resource, or not visible to the caller",
        "409" => "conflict: a duplicate, or the resource is in the wrong state",
        "413" => "payload_too_large: the body is over 64 KiB",
        "415" => "unsupported_media_type: a body sent without `Content-Type: application/json`",
        "422" => "validation_failed: see `fields` for each field's problem",
        "429" => "rate_limited: too many attempts; see Retry-After",
        "500" => "internal: a bug on our side (no details are given)",
        "503" => "service_unavailable: the database or the search index is not available yet",
        _ => return None,
    })
}

/// The document, as served. Every 4xx/5xx response carries the error body; every operation
/// that reads the database may answer 500 and 503, and every operation with a body 415.
pub fn document() -> &'static Value {
    static DOC: LazyLock<Value> = LazyLock::new(|| {
        let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
        let error_ref = json!({"$ref": "#/components/schemas/ErrorBody"});
        if let Some(paths) = doc["paths"].as_object_mut() {
            for (path, item) in paths.iter_mut() {
                let stateful = path.starts_with("/api/v1/");
                for method in METHODS {
                    let has_body = item
                        .get(method)
                        .is_some_and(|op| op.get("requestBody").is_some());
                    let Some(responses) = item
                        .get_mut(method)
                        .and_then(|op| op.get_mut("responses"))
                        .and_then(Value::as_object_mut)
                    else {
                        continue;
                    };
                    if stateful {
                        for status in ["500", "503"] {
                            responses.entry(status).or_insert_with(|| json!({}));
                        }
                        // A body is read as JSON, and only when it says it is JSON.
                        if has_body {
                            responses.entry("415").or_insert_with(|| json!({}));
                        }
                    }
                    for (status, response) in responses.iter_mut() {
                        let Some(meaning) = error_meaning(status) else {
                            continue;
                        };
                        if response["description"].as_str().unwrap_or("").is_empty() {
                            response["description"] = json!(meaning);
                        }
                        if response.get("content").is_none() {
                            response["content"] =
                                json!({"application/json": {"schema": error_ref.clone()}});
                        }
                        if status == "429" {
                            response["headers"] = json!({"Retry-After": {
                                "description": "seconds to wait",
                                "schema": {"type": "integer"}
                            }});
                        }
                    }
                }
            }
        }
        doc
    });
    &DOC
}

#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "operations",
    summary = "This document",
    responses((status = 200, description = "OpenAPI 3.1", body = Object))
)]
pub async fn json_document() -> HttpResponse {
    static TEXT: LazyLock<String> = LazyLock::new(|| document().to_string());
    HttpResponse::Ok()
        .content_type("application/json")
        .body(TEXT.as_str())
}

#[utoipa::path(
    get,
    path = "/api/docs",
    tag = "operations",
    summary = "This document as a readable page",
    responses((status = 200, description = "HTML", content_type = "text/html; charset=utf-8", body = String))
)]
pub async fn docs_page() -> Result<HttpResponse, AppError> {
    static PAGE: LazyLock<Result<String, String>> =
        LazyLock::new(|| docs_view(document()).render().map_err(|e| e.to_string()));
    let html = PAGE.as_ref().map_err(AppError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(html.as_str()))
}

#[utoipa::path(
    get,
    path = "/api/docs.css",
    tag = "operations",
    summary = "The page's stylesheet",
    responses((status = 200, description = "CSS", content_type = "text/css; charset=utf-8", body = String))
)]
pub async fn docs_css() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(include_str!("../../../static/api-docs.css"))
}

// ---------------------------------------------------------------------------------------------
// The page

#[derive(Template)]
#[template(path = "pages/api-docs.html")]
pub struct DocsPage {
    pub title: String,
    pub version: String,
    pub description: String,
    pub groups: Vec<Group>,
    pub schemas: Vec<SchemaView>,
}

pub struct Group {
    pub tag: String,
    pub description: String,
    pub operations: Vec<Operation>,
}

pub struct Operation {
    pub anchor: String,
    pub method: String,
    pub path: String,
    pub summary: String,
    pub description: String,
    pub auth: &'static str,
    pub params: Vec<Field>,
    pub body: Option<String>,
    pub body_fields: Vec<Field>,
    pub responses: Vec<ResponseView>,
}

pub struct Field {
    pub name: String,
    pub place: String,
    pub kind: String,
    pub required: bool,
    pub description: String,
}

pub struct ResponseView {
    pub status: String,
    pub description: String,
    pub content: String,
}

pub struct SchemaView {
    pub name: String,
    pub description: String,
    pub kind: String,
    pub fields: Vec<Field>,
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or("").to_string()
}

fn ref_name(v: &Value) -> Option<&str> {
    v["$ref"].as_str().and_then(|r| r.rsplit('/').next())
}

/// A short human form of a schema: `PostingView`, `[Collateral]`, `integer 1–360`, `one of a | b`.
fn type_of(s: &Value) -> String {
    if let Some(name) = ref_name(s) {
        return name.to_string();
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(list) = s[key].as_array() {
            let parts: Vec<String> = list
                .iter()
                .filter(|v| v["type"] != "null")
                .map(type_of)
                .collect();
            return parts.join(" | ");
        }
    }
    if let Some(values) = s["enum"].as_array() {
        let names: Vec<String> = values
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect();
        return format!("one of {}", names.join(" | "));
    }
    let kind = match &s["type"] {
        Value::String(t) => t.clone(),
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .collect::<Vec<_>>()
            .join(" | "),
        _ => "any".to_string(),
    };
    let mut out = match kind.as_str() {
        "array" => format!("[{}]", type_of(&s["items"])),
        "object" if s["additionalProperties"].is_object() => {
            format!("map of {}", type_of(&s["additionalProperties"]))
        }
        _ => kind,
    };
    if let Some(f) = s["format"].as_str() {
        out = format!("{out} ({f})");
    }
    let bound = |a: &str, b: &str| match (&s[a], &s[b]) {
        (Value::Number(lo), Value::Number(hi)) => Some(format!("{lo}–{hi}")),
        (Value::Number(lo), _) => Some(format!("≥ {lo}")),
        (_, Value::Number(hi)) => Some(format!("≤ {hi}")),
        _ => None,
    };
    if let Some(r) = bound("minimum", "maximum") {
        out = format!("{out}, {r}");
    }
    if let Some(r) = bound("minLength", "maxLength") {
        out = format!("{out}, {r} chars");
    }
    if let Some(r) = bound("minItems", "maxItems") {
        out = format!("{out}, {r} items");
    }
    out
}

fn fields_of(s: &Value) -> Vec<Field> {
    let required: Vec<&str> = s["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut out = Vec::new();
    if let Some(list) = s["allOf"].as_array() {
        for part in list {
            out.extend(fields_of(part));
        }
    }
    if let Some(props) = s["properties"].as_object() {
        for (name, p) in props {
            out.push(Field {
                name: name.clone(),
                place: String::new(),
                kind: type_of(p),
                required: required.contains(&name.as_str()),
                description: text(&p["description"]),
            });
        }
    }
    out
}

fn docs_view(doc: &Value) -> DocsPage {
    let mut groups: Vec<Group> = doc["tags"]
        .as_array()
        .map(|tags| {
            tags.iter()
                .map(|t| Group {
                    tag: text(&t["name"]),
                    description: text(&t["description"]),
                    operations: Vec::new(),
                })
                .collect()
        })
        .unwrap_or_default();
    let components = &doc["components"]["schemas"];
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            for method in METHODS {
                let op = &item[method];
                if !op.is_object() {
                    continue;
                }
                let security = op["security"].as_array();
                let auth = match security {
                    None => "none",
                    Some(list)
                        if list
                            .iter()
                            .any(|s| s.as_object().is_some_and(|o| o.is_empty())) =>
                    {
                        "optional bearer token"
                    }
                    Some(_) => "bearer token",
                };
                let params = op["parameters"]
                    .as_array()
                    .map(|ps| {
                        ps.iter()
                            .map(|p| Field {
                                name: text(&p["name"]),
                                place: text(&p["in"]),
                                kind: type_of(&p["schema"]),
                                required: p["required"].as_bool().unwrap_or(false),
                                description: text(&p["description"]),
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let body_schema = &op["requestBody"]["content"]["application/json"]["schema"];
                let body = ref_name(body_schema).map(String::from);
                let body_fields = match &body {
                    Some(name) => fields_of(&components[name.as_str()]),
                    None => Vec::new(),
                };
                let responses = op["responses"]
                    .as_object()
                    .map(|rs| {
                        rs.iter()
                            .map(|(status, r)| ResponseView {
                                status: status.clone(),
                                description: text(&r["description"]),
                                content: r["content"]
                                    .as_object()
                                    .map(|c| {
                                        c.iter()
                                            .map(|(ct, m)| match m.get("schema") {
                                                Some(s) => format!("{ct}: {}", type_of(s)),
                                                None => ct.clone(),
                                            })
                                            .collect::<Vec<_>>()
                                            .join("; ")
                                    })
                                    .unwrap_or_default(),
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let tag = op["tags"][0].as_str().unwrap_or("other").to_string();
                let operation = Operation {
                    anchor: format!("{method}-{path}")
                        .chars()
                        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                        .collect(),
                    method: method.to_uppercase(),
                    path: path.clone(),
                    summary: text(&op["summary"]),
                    description: text(&op["description"]),
                    auth,
                    params,
                    body,
                    body_fields,
                    responses,
                };
                match groups.iter_mut().find(|g| g.tag == tag) {
                    Some(g) => g.operations.push(operation),
                    None => groups.push(Group {
                        tag,
                        description: String::new(),
                        operations: vec![operation],
                    }),
                }
            }
        }
    }
    let schemas = components
        .as_object()
        .map(|all| {
            all.iter()
                .map(|(name, s)| SchemaView {
                    name: name.clone(),
                    description: text(&s["description"]),
                    kind: type_of(s),
                    fields: fields_of(s),
                })
                .collect()
        })
        .unwrap_or_default();
    DocsPage {
        title: text(&doc["info"]["title"]),
        version: text(&doc["info"]["version"]),
        description: text(&doc["info"]["description"]),
        groups,
        schemas,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_status_has_the_error_body() {
        let doc = document();
        let mut checked = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in METHODS {
                let Some(responses) = item[method]["responses"].as_object() else {
                    continue;
                };
                for (status, r) in responses {
                    // The readiness probe answers in plain text, as probes expect.
                    if path != "/readyz" && (status.starts_with('4') || status.starts_with('5')) {
                        let content = &r["content"];
                        let json = content["application/json"]["schema"]["$ref"].as_str();
                        assert_eq!(
                            json,
                            Some("#/components/schemas/ErrorBody"),
                            "{method} {path} {status}"
                        );
                        assert!(!text(&r["description"]).is_empty());
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 100, "{checked}");
    }

    #[test]
    fn error_codes_in_the_document_are_those_of_the_error_table() {
        let codes: Vec<&str> = document()["components"]["schemas"]["ErrorCode"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let mut f = crate::error::FieldErrors::new();
        f.add("x", crate::error::Problem::Required);
        for e in [
            AppError::BadRequest(String::new()),
            AppError::Unauthorized,
            AppError::InvalidCredentials,
            AppError::Forbidden(""),
            AppError::NotFound,
            AppError::conflict("", ""),
            AppError::PayloadTooLarge,
            AppError::Validation(f),
            AppError::RateLimited {
                retry_after_secs: 1,
            },
            AppError::Unavailable,
            AppError::Internal(String::new()),
        ] {
            assert!(codes.contains(&e.code()), "{}", e.code());
            let status = e.status().as_u16().to_string();
            assert!(error_meaning(&status).is_some(), "{status}");
        }
    }

    #[test]
    fn decline_codes_match_the_service() {
        let documented = &document()["components"]["schemas"]["DeclineBody"]["properties"]
            ["reason_code"]["enum"];
        let expected: Vec<Value> = crate::domain::DeclineCode::NAMES
            .iter()
            .map(|c| json!(c))
            .collect();
        assert_eq!(documented, &Value::Array(expected));
    }

    #[test]
    fn the_page_renders_every_operation() {
        let page = docs_view(document());
        let n: usize = page.groups.iter().map(|g| g.operations.len()).sum();
        let html = page.render().unwrap();
        assert!(n > 55, "{n}");
        assert!(html.contains("/api/v1/needs/{id}/respond"));
        assert!(!html.contains("style="));
        assert!(!html.contains("<script"));
    }
}
