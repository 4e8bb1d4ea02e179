//! Long lists: a page counts its list only up to the cap (`total_capped` says there are more),
//! and below the cap the count is exact; deep pages still page. Search facets of a huge match
//! set are estimated, and said to be.

use diesel::connection::SimpleConnection;
use reqwest::StatusCode;

use crate::helpers::{financing_offer, TestApp};

#[tokio::test]
async fn a_list_longer_than_the_cap_says_its_total_is_capped_and_still_pages() {
    let app = TestApp::spawn().await;
    let admin = app.platform_admin().await;
    let (provider, org) = app.verified_provider(&admin).await;
    // One offer through the API (its shape is the real one), then 10,004 copies in SQL.
    let id = app
        .published(&provider, &admin, "offer", financing_offer())
        .await;
    {
        let mut conn = app.state.pool.get().unwrap();
        conn.batch_execute(&format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10004)
             INSERT INTO postings (kind, organization_id, park_id, city_code, category, title,
                 description, details, regions, industries, sizes, amount_yuan, amount_min_yuan,
                 amount_max_yuan, status, expires_at, published_at, created_by, created_at,
                 updated_at)
             SELECT p.kind, p.organization_id, p.park_id, p.city_code, 'training', p.title,
                 p.description, p.details, p.regions, p.industries, p.sizes, p.amount_yuan,
                 p.amount_min_yuan, p.amount_max_yuan, p.status, p.expires_at, p.published_at,
                 p.created_by, p.created_at, p.updated_at
             FROM postings p, n WHERE p.id = {id}"
        ))
        .unwrap();
    }
    let (s, b) = app.get("/api/v1/offers?per_page=20", None).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["total"], 10_000, "{}", b["total"]);
    assert_eq!(b["total_capped"], true);
    assert_eq!(b["items"].as_array().unwrap().len(), 20);
    // Below the cap the count is exact.
    let (s, b) = app
        .get("/api/v1/offers?category=financing&per_page=20", None)
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["total"], 1);
    assert_eq!(b["total_capped"], false);
    assert_eq!(b["items"][0]["id"], id);
    // A page past the cap is still served, in the same order.
    let (s, b) = app.get("/api/v1/offers?page=501&per_page=20", None).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(
        b["items"].as_array().unwrap().len(),
        5,
        "10,005 offers: 5 on page 501"
    );
    assert_eq!(b["total_capped"], true);
    let (s, b) = app
        .get(
            &format!("/api/v1/offers?organization_id={org}&page=1"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["total_capped"], true);
}
