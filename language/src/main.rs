//! `pulumi-language-rust`: started by the Pulumi engine with its address as the last
//! argument (after optional `--logtostderr`, `-v=N` and `--tracing X`).

use pulumi_language_rust::cargo::Cargo;
use pulumi_language_rust::serve::serve;
use pulumi_language_rust::service::LanguageHost;
use tokio_util::sync::CancellationToken;
use tracing_subscriber::EnvFilter;

/// The engine shows a language host's stderr to the user: only warnings by default, more
/// with the engine's own `-v`.
fn log_level(args: &[String]) -> &'static str {
    let verbosity = args
        .iter()
        .filter_map(|a| a.strip_prefix("-v=").or_else(|| a.strip_prefix("--v=")))
        .filter_map(|v| v.parse::<u8>().ok())
        .max()
        .unwrap_or(0);
    match verbosity {
        0..=2 => "warn",
        3..=6 => "warn,pulumi_language_rust=info",
        _ => "warn,pulumi_language_rust=debug",
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            EnvFilter::try_from_env("PULUMI_LANGUAGE_RUST_LOG")
                .unwrap_or_else(|_| EnvFilter::new(log_level(&args))),
        )
        .init();
    let shutdown = CancellationToken::new();
    let host = LanguageHost::new(Cargo::from_env(), shutdown.clone());
    match serve(host, shutdown).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pulumi-language-rust: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
