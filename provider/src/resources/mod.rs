//! One module per resource.

mod inputs;
pub mod kinesis;
pub mod postgres;
pub mod redis;
pub mod vpc;
