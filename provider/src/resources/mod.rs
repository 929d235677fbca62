//! One module per resource.

pub mod kinesis;
