//! `pulumi-resource-healthcare`: the plugin binary.
//!
//! Started by the Pulumi engine with its address as the last argument (see `cli.rs` for
//! every form). Also `--help` and `--version`, and:
//! `pulumi-resource-healthcare schema` prints the package schema, and
//! `pulumi-resource-healthcare report ...` writes the HIPAA compliance report of an exported
//! stack (the `pulumi-healthcare-report` library, linked in; see docs/report.md).

mod aws;
mod cli;
mod compliance;
mod config;
mod error;
#[cfg(test)]
mod garbage_tests;
mod provider;
mod resources;

use tracing_subscriber::EnvFilter;

fn main() -> std::process::ExitCode {
    let launch = match cli::parse(std::env::args().skip(1).collect()) {
        cli::Command::Serve(launch) => launch,
        cli::Command::Help => {
            print!("{}", cli::usage());
            return std::process::ExitCode::SUCCESS;
        }
        cli::Command::Version => {
            println!("{} {}", cli::NAME, env!("CARGO_PKG_VERSION"));
            return std::process::ExitCode::SUCCESS;
        }
        cli::Command::Refuse(why) => {
            eprintln!("{}: {why}\n\n{}", cli::NAME, cli::usage());
            return std::process::ExitCode::from(2);
        }
        cli::Command::Report(args) => {
            return healthcare_report::cli::main(&args, "pulumi-resource-healthcare report");
        }
        cli::Command::Schema => {
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
    };
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
