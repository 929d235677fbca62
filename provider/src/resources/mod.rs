//! One module per resource.

pub mod baseline;
pub mod fargate;
mod inputs;
pub mod kinesis;
pub mod platform;
pub mod postgres;
pub mod redis;
pub mod vpc;
