//! The HIPAA compliance report of a Pulumi stack that uses the healthcare provider.
//!
//! It reads `pulumi stack export` (the state alone; no AWS call, no Pulumi service) and
//! writes a self-contained HTML page and a Markdown version: the stack and provider, when
//! the state was written, controls satisfied per safeguard of 45 CFR 164.308 and 164.312 with the ones
//! not satisfied first, each resource's controls with their evidence, drift, and a diagram
//! of how the resources are wired. Secret values are removed as the state is read
//! ([`secrets`]), so no later step can render one.
//!
//! The command runs as `pulumi-healthcare-report` (this crate's binary, built in seconds)
//! and as `pulumi-resource-healthcare report` (the plugin links this library).

pub mod anchors;
pub mod cli;
mod csp;
mod diagram;
pub mod error;
mod escape;
pub mod html;
mod layout;
pub mod markdown;
pub mod model;
mod route;
pub mod safeguards;
pub mod secrets;
mod sentences;
pub mod state;
pub mod summary;
mod time;
pub mod wiring;
mod words;

pub use error::{Error, Result};
pub use model::Report;
