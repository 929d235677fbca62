//! The AWS layer: clients built once from the provider config, waiting, tags, keys, roles,
//! secrets and port-only security groups.

pub mod abandoned;
pub mod context;
pub mod exists;
pub mod firewall;
pub mod iam;
pub mod kms;
pub mod lag;
pub mod lambda;
pub mod logs;
pub mod partial;
pub mod placement;
pub mod principal;
pub mod s3;
pub mod s3control;
pub mod secrets;
pub mod snapshot;
pub mod subnet_groups;
pub mod tagging;
pub mod tags;
pub mod token;
pub mod untokened;
pub mod wait;

pub use context::AwsContext;
