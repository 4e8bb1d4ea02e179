//! Builds the application: used by `main` and by the tests (on port 0).

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::{from_fn, DefaultHeaders, ErrorHandlers};
use actix_web::{web, App, HttpServer};
use chrono::Duration;

use crate::auth::password::HashGate;
use crate::auth::proxy::TrustedProxies;
use crate::auth::token::{load_secret, TokenKeys};
use crate::config::Settings;
use crate::db::{self, DbUrl};
use crate::search::SearchIndex;
use crate::state::{AppState, Clock};

pub struct Application {
    pub port: u16,
    pub state: web::Data<AppState>,
    server: Server,
}

/// Opens the database (applying migrations) and makes the shared state.
/// Opens the database and applies pending migrations.
pub fn open_database(settings: &Settings) -> anyhow::Result<db::Pool> {
    open_database_with(settings, 1)
}

/// The same for one-shot commands: no idle connection is kept open in the background.
pub fn open_database_for_tool(settings: &Settings) -> anyhow::Result<db::Pool> {
    open_database_with(settings, 0)
}

fn open_database_with(settings: &Settings, min_idle: u32) -> anyhow::Result<db::Pool> {
    let url = DbUrl::parse(&settings.database_url)?;
    let pool = db::connect_with_busy(
        &url,
        settings.db_pool,
        min_idle,
        settings.sqlite_busy_timeout_ms,
    )?;
    let mut conn = pool.get()?;
    let applied = db::migrate(&mut conn)?;
    if applied > 0 {
        tracing::info!(applied, "database migrations applied");
    }
    Ok(pool)
}

/// Everything `serve` needs: settings are checked first (a bad secret fails before anything
/// is opened), then the database, the search index and the mailer.
pub fn build_state(settings: Settings, clock: Clock) -> anyhow::Result<AppState> {
    let secret = load_secret(settings.jwt_secret.as_deref(), &settings.data_dir)?;
    let keys = TokenKeys::new(&secret, Duration::hours(settings.token_hours))?;
    let proxies =
        TrustedProxies::parse(settings.trusted_proxies.as_deref(), &settings.proxy_header)?;
    let hashing = HashGate::new(
        settings
            .hash_concurrency
            .unwrap_or_else(HashGate::default_size),
    );
    let pool = open_database(&settings)?;
    let (search, needs_build) = SearchIndex::open(&settings.index_dir)?;
    if !needs_build {
        // Catch up before serving, so a restarted instance answers with fresh results.
        let mut conn = pool.get()?;
        let applied = crate::search::indexer::catch_up(&search, &mut conn)?;
        if applied > 0 {
            tracing::info!(applied, "search index caught up with the change feed");
        }
    }
    // The admins' synonyms are in force from the first search; `serve` then polls for changes.
    search.set_vocabulary(crate::service::synonyms::load(&mut *pool.get()?)?);
    let mailer = crate::notify::mailer::Mailer::from_settings(&settings)?;
    Ok(AppState {
        pool,
        search: Arc::new(search),
        keys,
        settings,
        clock,
        proxies,
        hashing,
        mailer,
        actors: Default::default(),
    })
}

impl Application {
    pub fn build(settings: Settings, clock: Clock) -> anyhow::Result<Application> {
        let listener = TcpListener::bind(&settings.bind)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let workers = settings.workers;
        let state = web::Data::new(build_state(settings, clock)?);
        let shared = state.clone();
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(shared.clone())
                .wrap(ErrorHandlers::new().default_handler(crate::web::errors::normalise))
                .wrap(from_fn(crate::web::errors::error_language))
                .wrap(from_fn(crate::web::observe::middleware))
                .wrap(
                    DefaultHeaders::new()
                        .add(("X-Content-Type-Options", "nosniff"))
                        .add(("Referrer-Policy", "strict-origin-when-cross-origin"))
                        .add(("X-Frame-Options", "DENY"))
                        .add(("Content-Security-Policy", crate::web::html::CSP)),
                )
                .configure(crate::web::routes)
                .default_service(actix_web::web::to(crate::web::html::fallback))
        })
        .listen(listener)?;
        if let Some(w) = workers {
            server = server.workers(w.max(1));
        }
        let server = server.run();
        Ok(Application {
            port,
            state,
            server,
        })
    }

    /// A handle to stop the server gracefully.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until stopped, running the background work beside the server: the first index
    /// build if one is needed, the change-feed indexer and the periodic jobs.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let state = Arc::new(self.state.clone());
        let _background = AbortOnDrop(vec![
            tokio::spawn(crate::jobs::run_periodic(state.clone())),
            tokio::spawn(crate::jobs::run_indexer(state.clone())),
            tokio::spawn(crate::jobs::run_matcher(state.clone())),
            tokio::spawn(crate::service::synonyms::run_refresher(state.clone())),
            tokio::spawn(crate::notify::worker::run(state)),
        ]);
        self.server.await
    }
}

/// Stops background tasks when the server's future ends or is dropped.
struct AbortOnDrop(Vec<tokio::task::JoinHandle<()>>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        for task in &self.0 {
            task.abort();
        }
    }
}
