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

use crate::db::schema::{organizations, users};
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

fn bearer_token(req: &HttpRequest) -> Option<String> {
    if let Some(v) = req.headers().get(actix_web::http::header::AUTHORIZATION) {
        let v = v.to_str().ok()?;
        let (scheme, token) = v.trim().split_once(' ')?;
        return scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| token.trim().to_string());
    }
    // The session cookie signs in the pages. The JSON API takes it only for reads (a CSV
    // download from the statistics page, say): its writes need the Authorization header, so a
    // cookie alone can never change anything through it, whatever a foreign page sends.
    let api_write = req.path().starts_with("/api/") && !req.method().is_safe();
    if api_write {
        return None;
    }
    [SECURE_SESSION_COOKIE, SESSION_COOKIE]
        .iter()
        .find_map(|name| req.cookie(name))
        .map(|c| c.value().to_string())
}

/// Loads the caller of a request that carries a token. `Ok(None)` means no token was sent.
pub(crate) async fn load_actor(req: &HttpRequest) -> Result<Option<Actor>, AppError> {
    // A page that takes two extractors (a permission and the page's chrome) loads it once.
    if let Some(actor) = req.extensions().get::<Actor>() {
        return Ok(Some(actor.clone()));
    }
    let Some(token) = bearer_token(req) else {
        return Ok(None);
    };
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| AppError::internal("application state missing"))?
        .clone();
    let Some((user_id, version)) = state.keys.verify(&token, state.clock.now()) else {
        tracing::info!("refused an invalid or expired token");
        return Err(AppError::Unauthorized);
    };
    if let Some(actor) = state.actors.get(user_id, version) {
        req.extensions_mut().insert(actor.clone());
        return Ok(Some(actor));
    }
    let epoch = state.actors.epoch();
    let found = state.db(move |conn| actor_of(conn, user_id)).await?;
    let Some((actor, _)) = found.filter(|(_, v)| *v == version) else {
        tracing::info!(user_id, "refused a revoked token or a suspended user");
        return Err(AppError::Unauthorized);
    };
    state.actors.put(user_id, version, epoch, actor.clone());
    req.extensions_mut().insert(actor.clone());
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
