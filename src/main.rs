use clap::Parser;
use tracing_subscriber::EnvFilter;

use parkbridge::config::{Cli, Command};
use parkbridge::startup::{build_state, Application};
use parkbridge::state::Clock;

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_new(&cli.settings.log).unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_target(false)
        .init();
    let settings = cli.settings;
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Serve { demo } => {
            tracing::info!(settings = ?settings, "starting");
            if demo {
                let state = build_state(settings.clone(), Clock::default())?;
                let mut conn = state.pool.get()?;
                if parkbridge::seed::is_empty(&mut conn)? {
                    let report = parkbridge::seed::seed_demo(&mut conn, 40, 42)?;
                    tracing::info!(?report, "demo data added");
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
            let state = build_state(settings, Clock::default())?;
            drop(state);
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
            let state = build_state(settings, Clock::default())?;
            let mut conn = state.pool.get()?;
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
        Command::SeedDemo { scale, seed } => {
            let state = build_state(settings, Clock::default())?;
            let mut conn = state.pool.get()?;
            let started = std::time::Instant::now();
            let report = parkbridge::seed::seed_demo(&mut conn, scale, seed)?;
            println!("{report}");
            println!("took {:.1} s", started.elapsed().as_secs_f64());
            Ok(())
        }
    }
}
