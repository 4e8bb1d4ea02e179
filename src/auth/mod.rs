//! Who is asking, and what they may do. The extractors here are the only way a handler learns
//! who the caller is, so a handler cannot forget to check.

mod hs256;
pub mod password;
pub mod proxy;
pub mod throttle;
pub mod token;
pub mod visibility;

pub use visibility::NeedAudience;

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use diesel::prelude::*;

use crate::db::schema::{organizations, revoked_tokens, users};
use crate::db::DbConn;
use crate::domain::{OrgKind, OrgStatus, Role, UserStatus};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "pb_session";
/// The session cookie's name when the site is served over https (the `__Host-` prefix makes the
/// browser refuse it unless it is `Secure`, host-only and for `/`).
pub const SECURE_SESSION_COOKIE: &str = "__Host-pb_session";

/// The signed-in caller, as loaded from the database on this request.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: i64,
    pub role: Role,
    pub organization_id: Option<i64>,
    pub org_kind: Option<OrgKind>,
    pub org_status: Option<OrgStatus>,
    /// A park admin's park.
    pub park_id: Option<i64>,
}

impl Actor {
    pub fn is_admin(&self) -> bool {
        self.role.is_admin()
    }

    pub fn is_platform_admin(&self) -> bool {
        self.role == Role::PlatformAdmin
    }

    /// Whether this admin moderates things of `park_id` (platform admins moderate everything).
    pub fn moderates_park(&self, park_id: Option<i64>) -> bool {
        match self.role {
            Role::PlatformAdmin => true,
            Role::ParkAdmin => park_id.is_some() && park_id == self.park_id,
            _ => false,
        }
    }

    pub fn owns_org(&self, organization_id: i64) -> bool {
        self.organization_id == Some(organization_id)
    }

    pub fn refuse(&self, why: &'static str) -> AppError {
        tracing::warn!(user_id = self.user_id, role = %self.role, why, "authorisation refused");
        AppError::Forbidden(why)
    }
}

/// Marks a request that the router gave to a page (set by the pages' middleware): only forms
/// of pages, which carry a CSRF token, may change things with the session cookie alone.
#[derive(Clone, Copy)]
pub struct PageRequest;

/// The value of cookie `name` exactly as sent. Names are compared byte for byte and values
/// are not percent-decoded, so `__Host%2Dpb_session` (which a sibling site may set, since the
/// browser does not read it as `__Host-`) is not `__Host-pb_session`.
pub fn cookie_value(req: &HttpRequest, name: &str) -> Option<String> {
    req.headers()
        .get_all(actix_web::http::header::COOKIE)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().trim_matches('"').to_string())
}

/// The session cookie's name on this site: only `__Host-pb_session` over https (a cookie
/// without the prefix could have been set by a sibling domain), only `pb_session` otherwise.
pub fn session_cookie_name(state: &AppState) -> &'static str {
    if state.secure_cookies() {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// The session cookie's value, whatever the request is for.
pub fn session_from_cookie(req: &HttpRequest, state: &AppState) -> Option<String> {
    cookie_value(req, session_cookie_name(state)).filter(|v| !v.is_empty() && v.len() <= 4096)
}

fn bearer_token(req: &HttpRequest, state: &AppState) -> Option<String> {
    if let Some(v) = req.headers().get(actix_web::http::header::AUTHORIZATION) {
        let v = v.to_str().ok()?;
        let (scheme, token) = v.trim().split_once(' ')?;
        return scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| token.trim().to_string());
    }
    // The session cookie signs in the pages. The JSON API takes it only for reads (a CSV
    // download from the statistics page, say): anything else needs the Authorization header,
    // so a cookie alone can never change anything through it, whatever a foreign page sends.
    // The rule is decided on where the router sent the request, not on how its path was
    // spelled (`/%61pi/…` is routed to the API too).
    let api = req.match_pattern().is_none_or(|p| p.starts_with("/api/"));
    let page_form = req.extensions().get::<PageRequest>().is_some() && !api;
    if !req.method().is_safe() && !page_form {
        return None;
    }
    session_from_cookie(req, state)
}

/// Loads the caller of a request that carries a token. `Ok(None)` means no token was sent.
pub(crate) async fn load_actor(req: &HttpRequest) -> Result<Option<Actor>, AppError> {
    // A page that takes two extractors (a permission and the page's chrome) loads it once.
    if let Some(actor) = req.extensions().get::<Actor>() {
        return Ok(Some(actor.clone()));
    }
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| AppError::internal("application state missing"))?
        .clone();
    let Some(token) = bearer_token(req, &state) else {
        return Ok(None);
    };
    let Some(session) = state.keys.verify(&token, state.clock.now()) else {
        tracing::info!("refused an invalid or expired token");
        return Err(AppError::Unauthorized);
    };
    if let Some(actor) = state.actors.get(&session) {
        req.extensions_mut().insert(actor.clone());
        req.extensions_mut().insert(session);
        return Ok(Some(actor));
    }
    let epoch = state.actors.epoch();
    let (user_id, jti) = (session.user_id, session.jti.clone());
    let found = state
        .db(move |conn| {
            let revoked: i64 = revoked_tokens::table
                .filter(revoked_tokens::jti.eq(&jti))
                .count()
                .get_result(conn)?;
            if revoked > 0 {
                return Ok(None);
            }
            actor_of(conn, user_id)
        })
        .await?;
    let Some((actor, _)) = found.filter(|(_, v)| *v == session.version) else {
        tracing::info!(user_id, "refused a revoked token or a suspended user");
        return Err(AppError::Unauthorized);
    };
    state.actors.put(&session, epoch, actor.clone());
    req.extensions_mut().insert(actor.clone());
    req.extensions_mut().insert(session);
    Ok(Some(actor))
}

/// The active user `user_id` as a caller, with their current token version; `None` when there
/// is no such user or they are suspended. Background work (digests, mail) decides what a user
/// may read with the same `Actor` as their requests.
pub fn actor_of(conn: &mut DbConn, user_id: i64) -> AppResult<Option<(Actor, i32)>> {
    let row = users::table
        .left_join(organizations::table)
        .filter(users::id.eq(user_id))
        .select((
            users::role,
            users::organization_id,
            users::park_id,
            users::token_version,
            users::status,
            organizations::kind.nullable(),
            organizations::status.nullable(),
        ))
        .first::<(
            String,
            Option<i64>,
            Option<i64>,
            i32,
            String,
            Option<String>,
            Option<String>,
        )>(conn)
        .optional()?;
    let Some((role, organization_id, park_id, token_version, status, org_kind, org_status)) = row
    else {
        return Ok(None);
    };
    if UserStatus::from_db(&status) != UserStatus::Active {
        return Ok(None);
    }
    let actor = Actor {
        user_id,
        role: Role::from_db(&role),
        organization_id,
        org_kind: org_kind.as_deref().map(OrgKind::from_db),
        org_status: org_status.as_deref().map(OrgStatus::from_db),
        park_id,
    };
    Ok(Some((actor, token_version)))
}

/// The session token the caller was signed in with on this request (after `load_actor`).
pub fn presented_token(req: &HttpRequest) -> Option<token::SessionToken> {
    req.extensions().get::<token::SessionToken>().cloned()
}

type LocalBoxFuture<T> = Pin<Box<dyn Future<Output = T>>>;

/// Any signed-in user: 401 without a valid token.
pub struct AuthUser(pub Actor);

impl FromRequest for AuthUser {
    type Error = AppError;
    type Future = LocalBoxFuture<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            load_actor(&req)
                .await?
                .map(AuthUser)
                .ok_or(AppError::Unauthorized)
        })
    }
}

/// The caller if a token was sent; a bad token is still a 401.
pub struct MaybeUser(pub Option<Actor>);

impl FromRequest for MaybeUser {
    type Error = AppError;
    type Future = LocalBoxFuture<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Ok(MaybeUser(load_actor(&req).await?)) })
    }
}

/// A rule on the caller's role, checked by `Require<P>`.
pub trait Policy {
    const WHAT: &'static str;
    fn allows(role: Role) -> bool;
}

macro_rules! policy {
    ($name:ident, $what:literal, $($role:path)|+) => {
        pub struct $name;
        impl Policy for $name {
            const WHAT: &'static str = $what;
            fn allows(role: Role) -> bool {
                matches!(role, $($role)|+)
            }
        }
    };
}

policy!(SmeOnly, "only SME users may do this", Role::Sme);
policy!(
    ProviderOnly,
    "only platform-company users may do this",
    Role::Provider
);
policy!(
    AdminOnly,
    "only administrators may do this",
    Role::ParkAdmin | Role::PlatformAdmin
);
policy!(
    PlatformAdminOnly,
    "only platform administrators may do this",
    Role::PlatformAdmin
);

/// A signed-in user whose role the policy allows: 401 without a token, 403 for another role.
pub struct Require<P: Policy>(pub Actor, pub PhantomData<P>);

impl<P: Policy> FromRequest for Require<P> {
    type Error = AppError;
    type Future = LocalBoxFuture<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let actor = load_actor(&req).await?.ok_or(AppError::Unauthorized)?;
            if !P::allows(actor.role) {
                return Err(actor.refuse(P::WHAT));
            }
            Ok(Require(actor, PhantomData))
        })
    }
}

/// The client's address for throttling: the TCP peer's, or what a trusted proxy says it is.
pub fn client_address(req: &HttpRequest) -> String {
    let peer = req.peer_addr().map(|a| a.ip());
    let client = match req.app_data::<web::Data<AppState>>() {
        Some(state) => state.proxies.client(peer, req.headers()),
        None => peer,
    };
    client.map_or_else(|| "unknown".into(), |ip| ip.to_string())
}

/// The client's address as an extractor (see `client_address`).
pub struct ClientAddr(pub String);

impl FromRequest for ClientAddr {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(Ok(ClientAddr(client_address(req))))
    }
}
