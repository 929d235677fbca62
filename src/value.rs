//! Pulumi property values and their lossless mapping to `google.protobuf.Struct`.
//!
//! Special values travel inside a Struct as objects carrying the signature key; unknowns
//! travel as one of seven sentinel strings. [`Value`] names each kind explicitly so the
//! rest of the framework never has to look for magic strings again.

use std::collections::BTreeMap;

use prost_types::{ListValue, Struct, value::Kind};

/// The key whose presence marks an object as a special value.
pub const SIG_KEY: &str = "4dabf18193072939515e22adb298388d";
pub const SIG_SECRET: &str = "1b47061264138c4ac30d75fd1eb44270";
pub const SIG_RESOURCE_REF: &str = "5cf8f73096256a8f31e491e813e4eb8e";
pub const SIG_OUTPUT: &str = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
pub const SIG_ASSET: &str = "c44067f5952c0a294b673a41bacd8c17";
pub const SIG_ARCHIVE: &str = "0def7320c3a5731c473e5ecbe6d01bc7";

/// The unknown sentinel this framework writes.
pub const UNKNOWN: &str = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/// Every sentinel string that means "unknown" on the wire.
pub const UNKNOWN_SENTINELS: [&str; 7] = [
    UNKNOWN,
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
];

/// A map of property names to values, ordered so encodings are deterministic.
pub type PropertyMap = BTreeMap<String, Value>;

/// One Pulumi property value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Value>),
    Object(PropertyMap),
    /// A value whose plaintext must never be shown.
    Secret(Box<Value>),
    /// A value not known until the resource it comes from is created.
    Unknown,
    /// An output value: possibly unknown, possibly secret, with its dependencies.
    Output {
        value: Option<Box<Value>>,
        secret: bool,
        dependencies: Vec<String>,
    },
    /// A reference to another resource; an id (if known) stands in where a string is wanted.
    ResourceRef {
        urn: String,
        id: Option<Box<Value>>,
        package_version: String,
    },
    /// An asset or archive, kept as its raw object (signature included) for a lossless trip.
    Asset(PropertyMap),
    Archive(PropertyMap),
}

impl Value {
    /// True when the value or anything inside it is unknown.
    pub fn contains_unknowns(&self) -> bool {
        match self {
            Value::Unknown => true,
            Value::Output { value: None, .. } => true,
            Value::Output { value: Some(v), .. } | Value::Secret(v) => v.contains_unknowns(),
            Value::ResourceRef { id: Some(v), .. } => v.contains_unknowns(),
            Value::Array(items) => items.iter().any(Value::contains_unknowns),
            Value::Object(map) => map.values().any(Value::contains_unknowns),
            _ => false,
        }
    }

    /// The paths (`a.b[0].c`, under `at`) of every unknown inside the value.
    pub fn unknown_paths(&self, at: &str, out: &mut Vec<String>) {
        match self {
            Value::Unknown | Value::Output { value: None, .. } => out.push(at.to_string()),
            Value::Output { value: Some(v), .. } | Value::Secret(v) => v.unknown_paths(at, out),
            Value::ResourceRef { id: Some(v), .. } if v.contains_unknowns() => {
                out.push(at.to_string())
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    item.unknown_paths(&format!("{at}[{i}]"), out);
                }
            }
            Value::Object(map) => {
                for (k, v) in map {
                    v.unknown_paths(&format!("{at}.{k}"), out);
                }
            }
            _ => {}
        }
    }

    /// The paths (`a.b[0].c`, under `at`) of every secret inside the value: a secret
    /// object's or list's own path, not each of its members.
    pub fn secret_paths(&self, at: &str, out: &mut Vec<String>) {
        match self {
            Value::Secret(_) | Value::Output { secret: true, .. } => out.push(at.to_string()),
            Value::Output { value: Some(v), .. } => v.secret_paths(at, out),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    item.secret_paths(&format!("{at}[{i}]"), out);
                }
            }
            Value::Object(map) => {
                for (k, v) in map {
                    v.secret_paths(&format!("{at}.{k}"), out);
                }
            }
            _ => {}
        }
    }

    /// True when the value or anything inside it is secret.
    pub fn contains_secrets(&self) -> bool {
        match self {
            Value::Secret(_) | Value::Output { secret: true, .. } => true,
            Value::Output { value: Some(v), .. } => v.contains_secrets(),
            Value::Array(items) => items.iter().any(Value::contains_secrets),
            Value::Object(map) => map.values().any(Value::contains_secrets),
            _ => false,
        }
    }

    /// Wraps the value as a secret unless it already is one.
    pub fn into_secret(self) -> Value {
        match self {
            Value::Secret(_) => self,
            other => Value::Secret(Box::new(other)),
        }
    }

    /// The plain JSON view of a value with no unknowns: secrets and outputs are unwrapped,
    /// a resource reference becomes its id (or its URN when it has no id).
    /// Returns `None` where an unknown is met.
    pub fn to_plain_json(&self) -> Option<serde_json::Value> {
        use serde_json::Value as J;
        Some(match self {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => number_to_json(*n),
            Value::String(s) => J::String(s.clone()),
            Value::Array(items) => J::Array(
                items
                    .iter()
                    .map(Value::to_plain_json)
                    .collect::<Option<_>>()?,
            ),
            Value::Object(map) => J::Object(plain_object(map)?),
            Value::Secret(v) => v.to_plain_json()?,
            Value::Unknown | Value::Output { value: None, .. } => return None,
            Value::Output { value: Some(v), .. } => v.to_plain_json()?,
            Value::ResourceRef { urn, id, .. } => match id.as_deref() {
                Some(id) => id.to_plain_json()?,
                None => J::String(urn.clone()),
            },
            Value::Asset(map) | Value::Archive(map) => J::Object(plain_object(map)?),
        })
    }

    /// Builds a plain value from JSON.
    pub fn from_json(json: &serde_json::Value) -> Value {
        use serde_json::Value as J;
        match json {
            J::Null => Value::Null,
            J::Bool(b) => Value::Bool(*b),
            J::Number(n) => Value::Number(n.as_f64().unwrap_or(f64::NAN)),
            J::String(s) => Value::String(s.clone()),
            J::Array(items) => Value::Array(items.iter().map(Value::from_json).collect()),
            J::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), Value::from_json(v)))
                    .collect(),
            ),
        }
    }
}

fn plain_object(map: &PropertyMap) -> Option<serde_json::Map<String, serde_json::Value>> {
    map.iter()
        .map(|(k, v)| Some((k.clone(), v.to_plain_json()?)))
        .collect()
}

/// Numbers arrive as doubles; whole numbers become JSON integers so typed fields accept them.
fn number_to_json(n: f64) -> serde_json::Value {
    if n.fract() == 0.0 && n.abs() < 9.007_199_254_740_992e15 {
        serde_json::Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null)
    }
}

/// Decodes a wire Struct into a property map.
pub fn from_struct(s: &Struct) -> PropertyMap {
    s.fields
        .iter()
        .map(|(k, v)| (k.clone(), from_proto(v)))
        .collect()
}

/// Encodes a property map as a wire Struct.
pub fn to_struct(map: &PropertyMap) -> Struct {
    Struct {
        fields: map.iter().map(|(k, v)| (k.clone(), to_proto(v))).collect(),
    }
}

/// Decodes one wire value.
pub fn from_proto(v: &prost_types::Value) -> Value {
    match &v.kind {
        None | Some(Kind::NullValue(_)) => Value::Null,
        Some(Kind::BoolValue(b)) => Value::Bool(*b),
        Some(Kind::NumberValue(n)) => Value::Number(*n),
        Some(Kind::StringValue(s)) if UNKNOWN_SENTINELS.contains(&s.as_str()) => Value::Unknown,
        Some(Kind::StringValue(s)) => Value::String(s.clone()),
        Some(Kind::ListValue(l)) => Value::Array(l.values.iter().map(from_proto).collect()),
        Some(Kind::StructValue(s)) => from_object(from_struct(s)),
    }
}

fn from_object(mut map: PropertyMap) -> Value {
    let sig = match map.get(SIG_KEY) {
        Some(Value::String(sig)) => sig.clone(),
        _ => return Value::Object(map),
    };
    match sig.as_str() {
        SIG_SECRET => Value::Secret(Box::new(map.remove("value").unwrap_or(Value::Null))),
        SIG_OUTPUT => Value::Output {
            value: map.remove("value").map(Box::new),
            secret: matches!(map.get("secret"), Some(Value::Bool(true))),
            dependencies: match map.remove("dependencies") {
                Some(Value::Array(deps)) => deps
                    .into_iter()
                    .filter_map(|d| match d {
                        Value::String(s) => Some(s),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            },
        },
        SIG_RESOURCE_REF => Value::ResourceRef {
            urn: string_field(&map, "urn"),
            id: map.remove("id").map(Box::new),
            package_version: string_field(&map, "packageVersion"),
        },
        SIG_ASSET => Value::Asset(map),
        SIG_ARCHIVE => Value::Archive(map),
        _ => Value::Object(map),
    }
}

fn string_field(map: &PropertyMap, key: &str) -> String {
    match map.get(key) {
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    }
}

fn sig(kind: &str) -> (String, prost_types::Value) {
    (SIG_KEY.to_string(), string(kind))
}

fn string(s: &str) -> prost_types::Value {
    prost_types::Value {
        kind: Some(Kind::StringValue(s.to_string())),
    }
}

fn object(fields: impl IntoIterator<Item = (String, prost_types::Value)>) -> prost_types::Value {
    prost_types::Value {
        kind: Some(Kind::StructValue(Struct {
            fields: fields.into_iter().collect(),
        })),
    }
}

/// Encodes one value for the wire.
pub fn to_proto(v: &Value) -> prost_types::Value {
    let kind = match v {
        Value::Null => Kind::NullValue(0),
        Value::Bool(b) => Kind::BoolValue(*b),
        Value::Number(n) => Kind::NumberValue(*n),
        Value::String(s) => Kind::StringValue(s.clone()),
        Value::Unknown => Kind::StringValue(UNKNOWN.to_string()),
        Value::Array(items) => Kind::ListValue(ListValue {
            values: items.iter().map(to_proto).collect(),
        }),
        Value::Object(map) | Value::Asset(map) | Value::Archive(map) => {
            Kind::StructValue(to_struct(map))
        }
        Value::Secret(inner) => {
            return object([sig(SIG_SECRET), ("value".to_string(), to_proto(inner))]);
        }
        Value::Output {
            value,
            secret,
            dependencies,
        } => {
            let mut fields = vec![sig(SIG_OUTPUT)];
            if let Some(value) = value {
                fields.push(("value".to_string(), to_proto(value)));
            }
            if *secret {
                fields.push(("secret".to_string(), to_proto(&Value::Bool(true))));
            }
            if !dependencies.is_empty() {
                let deps = dependencies.iter().map(|d| string(d)).collect();
                fields.push((
                    "dependencies".to_string(),
                    prost_types::Value {
                        kind: Some(Kind::ListValue(ListValue { values: deps })),
                    },
                ));
            }
            return object(fields);
        }
        Value::ResourceRef {
            urn,
            id,
            package_version,
        } => {
            let mut fields = vec![sig(SIG_RESOURCE_REF), ("urn".to_string(), string(urn))];
            if let Some(id) = id {
                fields.push(("id".to_string(), to_proto(id)));
            }
            if !package_version.is_empty() {
                fields.push(("packageVersion".to_string(), string(package_version)));
            }
            return object(fields);
        }
    };
    prost_types::Value { kind: Some(kind) }
}

#[cfg(test)]
#[path = "value_tests.rs"]
mod tests;
