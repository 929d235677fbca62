//! `pulumi-resource-healthcare`: the plugin binary.
//!
//! Started by the Pulumi engine with its address as the last argument. Also:
//! `pulumi-resource-healthcare schema` prints the package schema, and
//! `pulumi-resource-healthcare report ...` writes the HIPAA compliance report of an exported
//! stack (the `pulumi-healthcare-report` library, linked in; see docs/report.md).

mod aws;
mod compliance;
mod config;
mod error;
#[cfg(test)]
mod garbage_tests;
mod provider;
mod resources;

use pulumi_provider::Launch;
use tracing_subscriber::EnvFilter;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("report") {
        return healthcare_report::cli::main(&args[1..], "pulumi-resource-healthcare report");
    }
    if args.first().map(String::as_str) == Some("schema") {
        return match serde_json::to_string_pretty(&provider::server().schema()) {
            Ok(text) => {
                println!("{text}");
                std::process::ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("cannot render the schema: {e}");
                std::process::ExitCode::FAILURE
            }
        };
    }
    let launch = Launch::parse(args);
    // Only this project's crates log above warnings: the SDK and HTTP stacks at trace
    // level would print request bodies, and those may carry secrets.
    let level = match launch.verbosity {
        0..=2 => "warn",
        3..=6 => "warn,pulumi_provider=info,pulumi_resource_healthcare=info",
        _ => "warn,pulumi_provider=debug,pulumi_resource_healthcare=debug",
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            EnvFilter::try_from_env("HEALTHCARE_LOG").unwrap_or_else(|_| EnvFilter::new(level)),
        )
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(pulumi_provider::serve(provider::server(), launch)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pulumi-resource-healthcare: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
