//! One account per company: the owner invites colleagues by mail, they join with their own
//! password, the owner sees and removes them; the company keeps its one owner.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::*;

/// The token in the last invitation mail to `email`.
fn invitation_token(app: &TestApp, email: &str) -> String {
    let (_, payload) = app
        .outbox_of("invitation")
        .into_iter()
        .rfind(|(to, _)| to == email)
        .unwrap_or_else(|| panic!("no invitation mail to {email}"));
    let url = payload["accept_url"].as_str().unwrap();
    assert!(url.contains("/invitation?token="), "{url}");
    url.rsplit_once("token=").unwrap().1.to_string()
}

async fn accept(app: &TestApp, token: &str, name: &str) -> (StatusCode, Value) {
    app.post(
        "/api/v1/invitations/accept",
        None,
        json!({"token": token, "display_name": name, "password": PASSWORD}),
    )
    .await
}

fn actions(log: &Value) -> Vec<String> {
    log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_owner_invites_a_colleague_who_joins_and_is_removed() {
    let app = TestApp::spawn().await;
    let admin = app.platform_admin().await;
    let (owner, org) = app.verified_sme(&admin, 1).await;
    let colleague = format!("colleague{}@example.cn", unique());

    let (s, me) = app.get("/api/v1/me", Some(&owner)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["user"]["org_role"], "owner");

    let (s, inv) = app
        .post(
            "/api/v1/organizations/me/invitations",
            Some(&owner),
            json!({"email": colleague.to_uppercase()}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{inv}");
    assert_eq!(inv["email"], colleague);
    let token = invitation_token(&app, &colleague);
    // Only the hash is stored.
    {
        use diesel::prelude::*;
        use parkbridge::db::schema::invitations;
        let mut conn = app.state.pool.get().unwrap();
        let stored: String = invitations::table
            .select(invitations::token_hash)
            .first(&mut conn)
            .unwrap();
        assert_ne!(stored, token);
        assert_eq!(stored.len(), 64);
    }
    let (s, list) = app
        .get("/api/v1/organizations/me/members", Some(&owner))
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    assert_eq!(list["total"], 1);
    assert_eq!(list["you_are_owner"], true);
    assert_eq!(list["invitations"][0]["email"], colleague);

    // The link names the organisation; accepting it makes a member of the same organisation.
    let (s, info) = app
        .get(&format!("/api/v1/invitations?token={token}"), None)
        .await;
    assert_eq!(s, StatusCode::OK, "{info}");
    assert!(info["organization_name"]
        .as_str()
        .unwrap()
        .contains("精密机械"));
    let (s, joined) = accept(&app, &token, "王芳").await;
    assert_eq!(s, StatusCode::CREATED, "{joined}");
    assert_eq!(joined["user"]["role"], "sme");
    assert_eq!(joined["user"]["organization_id"], org);
    assert_eq!(joined["user"]["org_role"], "member");
    assert_eq!(joined["user"]["email_confirmed"], true);
    let member_token = joined["token"].as_str().unwrap().to_string();
    let member_id = joined["user"]["id"].as_i64().unwrap();
    // The link works once.
    let (s, again) = accept(&app, &token, "王芳").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{again}");
    assert!(again["error"]["fields"]["token"].is_string(), "{again}");

    // The colleague signs in with their own password and works for the organisation.
    let signed_in = app.login(&colleague, PASSWORD).await;
    let (s, need) = app
        .post("/api/v1/needs", Some(&signed_in), financing_need())
        .await;
    assert_eq!(s, StatusCode::CREATED, "{need}");
    assert_eq!(need["organization"]["id"], org);
    // …sees the members, but neither invites nor removes.
    let (_, list) = app
        .get("/api/v1/organizations/me/members", Some(&member_token))
        .await;
    assert_eq!(list["total"], 2);
    assert_eq!(list["you_are_owner"], false);
    assert_eq!(list["items"][0]["org_role"], "owner");
    assert_eq!(list["items"][1]["display_name"], "王芳");
    let (s, _) = app
        .post(
            "/api/v1/organizations/me/invitations",
            Some(&member_token),
            json!({"email": "x@example.cn"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (owner_id, _) = {
        let (_, me) = app.get("/api/v1/me", Some(&owner)).await;
        (me["user"]["id"].as_i64().unwrap(), ())
    };
    let (s, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/organizations/me/members/{owner_id}"),
            Some(&member_token),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The owner cannot remove itself: the company keeps its one owner.
    let (s, body) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/organizations/me/members/{owner_id}"),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    // Someone of another organisation is not found.
    let (other, _) = app.register("sme", Some(1)).await;
    let (_, other_me) = app.get("/api/v1/me", Some(&other)).await;
    let (s, _) = app
        .call(
            Method::DELETE,
            &format!(
                "/api/v1/organizations/me/members/{}",
                other_me["user"]["id"]
            ),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    let (s, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/organizations/me/members/{member_id}"),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = app.get("/api/v1/me", Some(&member_token)).await;
    assert_eq!(
        s,
        StatusCode::UNAUTHORIZED,
        "the removed member's tokens end"
    );
    let (s, _) = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": colleague, "password": PASSWORD}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, list) = app
        .get("/api/v1/organizations/me/members", Some(&owner))
        .await;
    assert_eq!(list["total"], 1);
    // Nor does a platform admin bring a removed member back.
    let (s, _) = app
        .post(
            &format!("/api/v1/admin/users/{member_id}/reactivate"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);

    let (_, log) = app.get("/api/v1/admin/audit-log", Some(&admin)).await;
    let done = actions(&log);
    for a in [
        "organization.invite",
        "organization.member_joined",
        "organization.member_removed",
    ] {
        assert!(done.iter().any(|d| d == a), "{a} in {done:?}");
    }
    // The audit log does not keep the invited address in clear.
    assert!(!log.to_string().contains(&colleague));
}

#[tokio::test]
async fn invitations_are_bounded_checked_and_expire() {
    let app = TestApp::spawn().await;
    let admin = app.platform_admin().await;
    let (owner, reg) = app.register("provider", None).await;
    let owner_email = reg["user"]["email"].as_str().unwrap().to_string();

    let (s, body) = app
        .post(
            "/api/v1/organizations/me/invitations",
            Some(&owner),
            json!({"email": "not an address"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["fields"]["email"].is_string());
    // An address with an account already is refused, by name.
    let (_, me) = app.get("/api/v1/me", Some(&admin)).await;
    let (s, body) = app
        .post(
            "/api/v1/organizations/me/invitations",
            Some(&owner),
            json!({"email": me["user"]["email"]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // Admins have no colleagues here.
    let (s, _) = app
        .get("/api/v1/organizations/me/members", Some(&admin))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app.get("/api/v1/organizations/me/members", None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    // A second invitation to the same address replaces the first link.
    let n = unique();
    let first_to = format!("first{n}@example.cn");
    app.post(
        "/api/v1/organizations/me/invitations",
        Some(&owner),
        json!({"email": first_to}),
    )
    .await;
    let first = invitation_token(&app, &first_to);
    app.post(
        "/api/v1/organizations/me/invitations",
        Some(&owner),
        json!({"email": first_to}),
    )
    .await;
    let second = invitation_token(&app, &first_to);
    assert_ne!(first, second);
    let (s, _) = app
        .get(&format!("/api/v1/invitations?token={first}"), None)
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    // At most 20 a day per organisation (the two above count).
    for i in 2..20 {
        let (s, body) = app
            .post(
                "/api/v1/organizations/me/invitations",
                Some(&owner),
                json!({"email": format!("c{i}.{n}@example.cn")}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{i}: {body}");
    }
    let res = app
        .client
        .post(format!("{}/api/v1/organizations/me/invitations", app.base))
        .bearer_auth(&owner)
        .json(&json!({"email": format!("late{n}@example.cn")}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().get("retry-after").is_some());

    // A link is good for 7 days.
    app.clock.advance(chrono::Duration::days(8));
    let (s, body) = accept(&app, &second, "赵强").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // A day later the organisation may invite again.
    let owner = app.login(&owner_email, PASSWORD).await;
    let (s, body) = app
        .post(
            "/api/v1/organizations/me/invitations",
            Some(&owner),
            json!({"email": format!("late{n}@example.cn")}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    // A made-up link and a weak password are refused before anything is created.
    let (s, body) = accept(&app, "deadbeef", "赵强").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fresh = invitation_token(&app, &format!("late{n}@example.cn"));
    let (s, body) = app
        .post(
            "/api/v1/invitations/accept",
            None,
            json!({"token": fresh, "display_name": "赵强", "password": "short"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["fields"]["password"].is_string());
    let (s, joined) = accept(&app, &fresh, "赵强").await;
    assert_eq!(s, StatusCode::CREATED, "{joined}");
    assert_eq!(joined["user"]["role"], "provider");
}

#[tokio::test]
async fn only_the_owner_changes_the_organisation_profile() {
    let app = TestApp::spawn().await;
    let admin = app.platform_admin().await;
    let (owner, _) = app.verified_sme(&admin, 1).await;
    let colleague = format!("colleague{}@example.cn", unique());
    let (s, inv) = app
        .post(
            "/api/v1/organizations/me/invitations",
            Some(&owner),
            json!({"email": colleague}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{inv}");
    let (s, joined) = accept(&app, &invitation_token(&app, &colleague), "王芳").await;
    assert_eq!(s, StatusCode::CREATED, "{joined}");
    let member = joined["token"].as_str().unwrap().to_string();

    // A member reads the profile but changes nothing, in words that say who can.
    let (s, before) = app.get("/api/v1/organizations/me", Some(&member)).await;
    assert_eq!(s, StatusCode::OK, "{before}");
    let (s, b) = app
        .patch(
            "/api/v1/organizations/me",
            Some(&member),
            json!({"employees": 81}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .contains("机构负责人"),
        "{b}"
    );
    let (_, after) = app.get("/api/v1/organizations/me", Some(&owner)).await;
    assert_eq!(after["employees"], before["employees"]);
    let mut page = crate::pages::Page::new(&app);
    page.use_token(&member);
    let p = page.get("/organization").await;
    assert!(p.body.contains("只有机构负责人"), "{}", p.body);
    assert!(!p.body.contains("action=\"/organization\""), "{}", p.body);

    // The owner can.
    let (s, b) = app
        .patch(
            "/api/v1/organizations/me",
            Some(&owner),
            json!({"employees": 81}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["employees"], 81);
    let mut page = crate::pages::Page::new(&app);
    page.use_token(&owner);
    let p = page.get("/organization").await;
    assert!(p.body.contains("action=\"/organization\""), "{}", p.body);
}
