//! The AWS layer: clients built once from the provider config, waiting, tags, keys, roles.

pub mod context;
pub mod iam;
pub mod kms;
pub mod tags;
pub mod wait;

pub use context::AwsContext;
