//! `pulumi-language-rust`: a Pulumi language host that runs Rust plugins from their source.
//!
//! The engine starts a plugin from source when the plugin's directory holds a
//! `PulumiPlugin.yaml` instead of a binary: it reads `runtime: rust` there, starts this host
//! (`pulumi-language-rust`, found on PATH or in the plugin cache) and asks it to
//! `InstallDependencies` (a `cargo build`) and to `RunPlugin` (build if stale, then run the
//! binary with the engine's arguments and environment, streaming its output). Which package,
//! binary and profile to build come from the file's `runtime.options` (see [`options`]).
//!
//! The build and the plugin get different environments. `cargo build` gets only what cargo
//! and a Rust build need of the host's environment ([`build_env`]: `PATH`, `HOME`,
//! `TMPDIR`, `CARGO_*`, `RUSTUP_*`, `RUSTC*`, `RUSTFLAGS`, the locale, the proxy variables,
//! `SSL_CERT_*`, the C toolchain's), never a credential: cargo shows its environment to
//! every dependency's build script and proc macro, and the engine's environment holds the
//! cloud's credentials (`AWS_*`, `AZURE_*`, `ARM_*`, `GOOGLE_*`, `PULUMI_ACCESS_TOKEN`).
//! Names ending in `_TOKEN`, `_SECRET` or `_PASSWORD` are left out even under a passed prefix
//! (`CARGO_REGISTRY_TOKEN`: cargo reads it from `credentials.toml` or a credential provider).
//! The plugin, when it runs, gets the engine's environment in full: it needs the credentials.

pub mod build_env;
pub mod cargo;
pub mod error;
pub mod options;
pub mod process;
pub mod proto;
pub mod serve;
pub mod service;
#[cfg(test)]
mod test_support;
