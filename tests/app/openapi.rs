//! The API document covers every route, and the readable page is made from it.

use std::collections::BTreeSet;

use crate::helpers::*;

/// (method, path) of every `.route("…", method().to(…))` in a routing source file, with
/// `prefix` before the path.
fn routes_in(source: &str, prefix: &str) -> Vec<(String, String)> {
    let compact: String = source.chars().filter(|c| !c.is_whitespace()).collect();
    let mut out = Vec::new();
    for piece in compact.split(".route(\"").skip(1) {
        let (path, rest) = piece.split_once('"').expect("a quoted path");
        let rest = rest.strip_prefix(',').expect("a method after the path");
        let method = rest.split('(').next().unwrap().trim_start_matches("web::");
        out.push((method.to_string(), format!("{prefix}{path}")));
    }
    out
}

#[test]
fn the_route_reader_reads_the_route_tables() {
    let api = routes_in(include_str!("../../src/web/api/mod.rs"), "/api/v1");
    assert!(api.len() >= 50, "{}", api.len());
    assert!(api.contains(&("delete".into(), "/api/v1/me/saved-searches/{id}".into())));
    assert!(api.contains(&("patch".into(), "/api/v1/needs/{id}".into())));
}

#[tokio::test]
async fn every_registered_route_is_in_the_document() {
    let app = TestApp::spawn().await;
    let (s, doc) = app.get("/api/openapi.json", None).await;
    assert_eq!(s, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .map(move |m| (m.clone(), path.clone()))
        })
        .collect();
    let mut registered = routes_in(include_str!("../../src/web/api/mod.rs"), "/api/v1");
    registered.extend(routes_in(include_str!("../../src/web/mod.rs"), ""));
    registered.extend(routes_in(include_str!("../../src/web/unsubscribe.rs"), ""));
    let missing: Vec<_> = registered
        .iter()
        .filter(|r| !documented.contains(*r))
        .collect();
    assert!(
        missing.is_empty(),
        "routes missing from the document: {missing:?}"
    );
    assert!(documented.len() >= registered.len());

    // Bearer auth where it is needed, and the error shape on the errors.
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    let me = &doc["paths"]["/api/v1/me"]["get"];
    assert_eq!(me["security"][0]["bearer"], serde_json::json!([]));
    assert_eq!(
        me["responses"]["401"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/ErrorBody"
    );
    let need = &doc["components"]["schemas"]["NeedBody"];
    let required: Vec<&str> = need["required"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert_eq!(required, ["category", "title", "description"]);
}

#[tokio::test]
async fn the_api_page_lists_operations_and_works_offline() {
    let app = TestApp::spawn().await;
    let res = app
        .client
        .get(format!("{}/api/docs", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = res.text().await.unwrap();
    for expected in [
        "/api/v1/auth/register",
        "/api/v1/needs/{id}/respond",
        "/api/v1/admin/organizations/{id}/verify",
        "Register an organisation and its first user",
        "href=\"/api/openapi.json\"",
        "href=\"/api/docs.css\"",
        "id=\"schema-ErrorBody\"",
    ] {
        assert!(html.contains(expected), "{expected} missing from the page");
    }
    assert!(!html.contains("<script"));
    assert!(!html.contains("<style"));
    assert!(!html.contains("style="));
    assert!(!html.contains("http://") && !html.contains("https://"));

    let res = app
        .client
        .get(format!("{}/api/docs.css", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    assert!(res.text().await.unwrap().contains(".method-get"));
}
