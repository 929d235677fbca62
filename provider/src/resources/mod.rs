//! One module per resource.

pub mod kinesis;
pub mod vpc;
