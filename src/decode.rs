//! Typed decoding of property values with failures that name the property's path and never
//! repeat its value: an input or a configuration key may be a secret, and a failure message
//! reaches the user's terminal and CI logs.

use serde::de::DeserializeOwned;
use serde_json::Value as J;
use serde_path_to_error::{Path, Segment};

/// Why a value did not decode: where, and what was expected.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Undecodable {
    /// The property path, e.g. `subnetIds[1]` or `tags.team`; empty for the whole object.
    pub path: String,
    /// What was wrong, without the value.
    pub reason: String,
}

/// Decodes `json` into `T`.
pub(crate) fn decode<T: DeserializeOwned>(json: J) -> Result<T, Undecodable> {
    let copy = json.clone();
    serde_path_to_error::deserialize(json).map_err(|e| {
        let got = at(&copy, e.path()).map(kind);
        Undecodable {
            path: path_of(e.path()),
            reason: reason(&e.inner().to_string(), got),
        }
    })
}

fn path_of(path: &Path) -> String {
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Unknown => {}
        }
    }
    out
}

/// The value at `path`, if the path leads to one.
fn at<'a>(json: &'a J, path: &Path) -> Option<&'a J> {
    path.iter().try_fold(json, |here, segment| match segment {
        Segment::Seq { index } => here.get(*index),
        Segment::Map { key } => here.get(key.as_str()),
        Segment::Enum { .. } | Segment::Unknown => Some(here),
    })
}

/// The JSON kind of a value, in words.
pub(crate) fn kind(value: &J) -> &'static str {
    match value {
        J::Null => "null",
        J::Bool(_) => "a boolean",
        J::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        J::Number(_) => "a number",
        J::String(_) => "a string",
        J::Array(_) => "a list",
        J::Object(_) => "an object",
    }
}

/// serde's message with the offending value left out. serde writes type and value errors
/// as "invalid type: <the value>, expected <what>"; the expectation is kept, in the
/// schema's words where serde uses Rust's.
fn reason(message: &str, got: Option<&str>) -> String {
    let got = got.map(|g| format!(", got {g}")).unwrap_or_default();
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let expected = rest.split_once(", expected ").map_or("", |(_, e)| e);
        return format!("expected {}{got}", in_schema_words(expected));
    }
    if let Some(rest) = message.strip_prefix("invalid value: ") {
        let expected = rest.split_once(", expected ").map_or("", |(_, e)| e);
        return format!("not a valid value: expected {}", in_schema_words(expected));
    }
    if message.starts_with("unknown variant ") {
        let expected = message.split_once(", expected ").map_or("", |(_, e)| e);
        return format!("not one of the allowed values: expected {expected}");
    }
    message.to_string()
}

fn in_schema_words(expected: &str) -> &str {
    match expected {
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" | "isize" => {
            "an integer"
        }
        "f32" | "f64" => "a number",
        "a sequence" => "a list",
        "a map" => "an object",
        e if e.starts_with("struct ") => "an object",
        e => e,
    }
}

#[cfg(test)]
#[path = "decode_tests.rs"]
mod tests;
