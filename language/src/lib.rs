//! `pulumi-language-rust`: a Pulumi language host that runs Rust plugins from their source.
//!
//! The engine starts a plugin from source when the plugin's directory holds a
//! `PulumiPlugin.yaml` instead of a binary: it reads `runtime: rust` there, starts this host
//! (`pulumi-language-rust`, found on PATH or in the plugin cache) and asks it to
//! `InstallDependencies` (a `cargo build`) and to `RunPlugin` (build if stale, then run the
//! binary with the engine's arguments and environment, streaming its output). Which package,
//! binary and profile to build come from the file's `runtime.options` (see [`options`]).

pub mod cargo;
pub mod error;
pub mod options;
pub mod process;
pub mod proto;
pub mod serve;
pub mod service;
#[cfg(test)]
mod test_support;
