use clap::Parser;

use parkbridge::config::{Cli, Command};
use parkbridge::startup::{open_database_for_tool, Application};
use parkbridge::state::Clock;

fn main() -> anyhow::Result<()> {
    limit_malloc_arenas();
    let cli = Cli::parse();
    // A benchmark logs warnings only, unless told otherwise: a line per request would be timed too.
    let bench = matches!(cli.command, Some(Command::Bench { .. }));
    let explicit_log = std::env::args().any(|a| a.starts_with("--log"))
        || std::env::var_os("PARKBRIDGE_LOG").is_some();
    // The abuse bench logs errors only: every one of its failed sign-ins is a warning.
    let abuse = matches!(
        cli.command,
        Some(Command::Bench {
            what: parkbridge::config::BenchCommand::Abuse { .. }
        })
    );
    parkbridge::logging::init(if abuse && !explicit_log {
        "error"
    } else if bench && !explicit_log {
        "warn"
    } else {
        &cli.settings.log
    });
    let settings = cli.settings;
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Serve { demo } => {
            tracing::info!(settings = ?settings, "starting");
            if demo {
                let pool = open_database_for_tool(&settings)?;
                let mut conn = pool.get()?;
                if parkbridge::seed::is_empty(&mut conn)? {
                    let report = parkbridge::seed::seed_demo(&mut conn, 40, 42)?;
                    let queued = parkbridge::service::matches::enqueue_published_needs(
                        &mut conn,
                        chrono::Utc::now().naive_utc(),
                    )
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                    tracing::info!(%report, queued, "demo data added; its needs are being matched");
                } else {
                    tracing::info!("the database has data already: no demo data added");
                }
            }
            actix_web::rt::System::new().block_on(async move {
                let app = Application::build(settings, Clock::default())?;
                tracing::info!(port = app.port, "serving");
                app.run_until_stopped().await?;
                Ok::<_, anyhow::Error>(())
            })
        }
        Command::Migrate => {
            open_database_for_tool(&settings)?;
            println!("migrations applied");
            Ok(())
        }
        Command::CreateAdmin {
            email,
            password,
            role,
            park_id,
            display_name,
        } => {
            let pool = open_database_for_tool(&settings)?;
            let mut conn = pool.get()?;
            let user = parkbridge::service::accounts::create_admin_cli(
                &mut conn,
                &email,
                &password,
                &role,
                park_id,
                &display_name,
            )
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("created {} {} (id {})", user.role, user.email, user.id);
            Ok(())
        }
        Command::Reindex => reindex(settings),
        Command::Bench { what } => match what {
            parkbridge::config::BenchCommand::Search {
                scale,
                seed,
                rounds,
                queries,
                connections,
                seconds,
                no_baseline,
                dir,
            } => parkbridge::bench::search(
                scale,
                seed,
                parkbridge::bench::SearchOptions {
                    rounds,
                    queries,
                    connections,
                    seconds,
                    baseline: !no_baseline,
                },
                dir.as_deref(),
            ),
            parkbridge::config::BenchCommand::Matching {
                scale,
                seed,
                samples,
                dir,
            } => parkbridge::bench::matching(scale, seed, samples, dir.as_deref()),
            parkbridge::config::BenchCommand::Load {
                postings,
                connections,
                seconds,
                target_seconds,
                seed,
                dir,
            } => parkbridge::bench::load::run(
                settings,
                parkbridge::bench::load::Options {
                    postings,
                    connections,
                    seconds,
                    target_seconds,
                    seed,
                    dir,
                },
            ),
            parkbridge::config::BenchCommand::Abuse {
                connections,
                seconds,
                seed,
                one_address,
                dir,
            } => parkbridge::bench::abuse::run(
                settings,
                parkbridge::bench::abuse::Options {
                    connections,
                    seconds,
                    seed,
                    one_address,
                    dir,
                },
            ),
            parkbridge::config::BenchCommand::Mail { count, smtp, dir } => {
                parkbridge::bench::mail(count, smtp, dir.as_deref())
            }
        },
        Command::Check => check(settings),
        Command::SeedDemo { scale, seed } => {
            let pool = open_database_for_tool(&settings)?;
            let mut conn = pool.get()?;
            let started = std::time::Instant::now();
            let report = parkbridge::seed::seed_demo(&mut conn, scale, seed)?;
            println!("{report}");
            println!("took {:.1} s", started.elapsed().as_secs_f64());
            Ok(())
        }
    }
}

fn reindex(settings: parkbridge::config::Settings) -> anyhow::Result<()> {
    use indicatif::{ProgressBar, ProgressStyle};
    let pool = open_database_for_tool(&settings)?;
    let (index, _) = parkbridge::search::SearchIndex::open(&settings.index_dir)?;
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} postings  {per_sec}  eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let started = std::time::Instant::now();
    let n = parkbridge::search::indexer::build_all(&index, &mut *pool.get()?, |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })?;
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "indexed {n} published postings in {secs:.2} s ({:.0} docs/s) into {}",
        n as f64 / secs.max(1e-9),
        settings.index_dir.display()
    );
    Ok(())
}

fn check(settings: parkbridge::config::Settings) -> anyhow::Result<()> {
    let pool = open_database_for_tool(&settings)?;
    let (reader, mark) = parkbridge::search::open_reader(&settings.index_dir)?;
    let drift = parkbridge::search::indexer::compare(&reader, &mut *pool.get()?)?;
    drop(pool);
    let mut clean = true;
    for d in &drift {
        println!(
            "{}s: database {} published, index {}",
            d.kind, d.database_count, d.index_count
        );
        if !d.missing_from_index.is_empty() {
            clean = false;
            println!("  missing from the index: {:?}", d.missing_from_index);
        }
        if !d.not_in_database.is_empty() {
            clean = false;
            println!("  in the index but not published: {:?}", d.not_in_database);
        }
    }
    println!("index watermark: change {}", mark.last_change_id);
    if clean {
        println!("index and database agree");
        Ok(())
    } else {
        println!("drift found: a running server catches up by itself; otherwise run `parkbridge reindex`");
        std::process::exit(1)
    }
}

/// glibc gives every thread that allocates its own arena (up to 8 per core) and keeps freed
/// memory in each; with the blocking pool's many threads that is most of the resident memory.
/// A few arenas are plenty for this server (glibc's own `MALLOC_ARENA_MAX` still wins).
///
/// glibc also raises its mmap threshold to the size of the largest block freed (up to 32 MiB),
/// after which argon2's 19 MiB working memory comes from the arenas and stays there: a burst of
/// sign-ins left ~450 MB resident for good (`bench abuse`). A fixed threshold keeps blocks of
/// 4 MiB and more in their own mappings, returned to the system when freed
/// (`MALLOC_MMAP_THRESHOLD_` still wins).
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
            // SAFETY: mallopt only sets an allocator parameter; it runs before any other thread.
            unsafe {
                libc::mallopt(libc::M_ARENA_MAX, 4);
            }
        }
        if std::env::var_os("MALLOC_MMAP_THRESHOLD_").is_none() {
            // SAFETY: as above.
            unsafe {
                libc::mallopt(libc::M_MMAP_THRESHOLD, 4 << 20);
            }
        }
    }
}
