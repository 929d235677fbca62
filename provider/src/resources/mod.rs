//! One module per resource.

pub mod kinesis;
pub mod redis;
pub mod vpc;
