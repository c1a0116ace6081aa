//! `field-app`: naper's tablet app. Without a command it opens the window; the headless
//! commands (`field-app --help`) are what scripts and end-to-end tests use.

use std::process::ExitCode;

use clap::Parser;
use field_app::cli::{Cli, DEFAULT_COMMAND_DATA_DIR, run};

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    // Usage errors exit with 1 like every other error (clap's default would be 2).
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let Some(command) = cli.command else {
        #[cfg(not(feature = "gui"))]
        {
            eprintln!(
                "error: this field-app was built without its window (feature `gui`); run one of the headless commands, see `field-app --help`"
            );
            return ExitCode::FAILURE;
        }
        #[cfg(feature = "gui")]
        let data_dir = cli
            .data_dir
            .unwrap_or_else(field_app::gui::default_data_dir);
        #[cfg(feature = "gui")]
        let gpsd = cli
            .gpsd
            .unwrap_or_else(|| field_app::position::DEFAULT_GPSD.to_string());
        #[cfg(feature = "gui")]
        return match field_app::gui::run_window(data_dir, cli.screenshot, gpsd) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!(
                    "error: the window cannot open ({e}); the headless commands work without a display, see `field-app --help`"
                );
                ExitCode::FAILURE
            }
        };
    };
    let data_dir = cli
        .data_dir
        .unwrap_or_else(|| DEFAULT_COMMAND_DATA_DIR.into());
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: the async runtime cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(&data_dir, cli.gpsd.as_deref(), command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
