//! A framework for Pulumi resource providers in Rust.
//!
//! Implement [`Provider`] for the configuration and one [`Resource`] per resource type;
//! register them on a [`ProviderServer`] and hand it to [`serve`]. The framework speaks
//! the gRPC protocol and handles secrets, unknowns, preview, auto-naming, timeouts,
//! cancellation, panics, partial failures, engine logging and the package schema.

mod check;
pub mod component;
mod config;
mod context;
mod decode;
mod diff;
mod engine;
mod error;
mod handler;
mod package;
pub mod proto;
mod resource;
mod rpc;
pub mod schema;
mod secret;
mod serve;
mod server;
mod typed;
pub mod value;

pub use async_trait::async_trait;
pub use check::{Autonaming, CheckCtx, CheckFailure, NameRules};
pub use component::{Component, Inputs, Out, Scope};
pub use context::{Ctx, Operation};
pub use diff::{ChangeKind, DiffResult, PropertyChange};
pub use engine::{EngineLog, Severity};
pub use error::{Error, Result};
pub use resource::{PackageInfo, Provider, ReadOutcome, Resource, Timeouts};
pub use secret::Secret;
pub use serve::{Launch, serve};
pub use server::ProviderServer;
pub use tokio_util::sync::CancellationToken;
