//! Between wire property maps and typed values: secrets are remembered per property so
//! they stay secret in the outputs, and unknowns (preview only) are stood in for by a
//! value of the right type so the rest of the inputs can still be checked.

use std::collections::BTreeSet;

use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Map, Value as J};

use crate::decode::decode;
use crate::error::{Error, Result};
use crate::schema::ObjectInfo;
use crate::value::{PropertyMap, Value};

/// The key under which Check records which inputs the provider chose itself.
pub const DEFAULTS_KEY: &str = "__defaults";
/// The key under which a resource's state records the shape it was written in
/// ([`crate::Resource::STATE_VERSION`]); a state without it is version 0.
pub const STATE_VERSION_KEY: &str = "__stateVersion";

/// A decoded property map.
#[derive(Debug, Default)]
pub(crate) struct Decoded {
    pub json: Map<String, J>,
    pub secret: BTreeSet<String>,
    pub unknown: BTreeSet<String>,
    /// The full path of every unknown value, nested ones included (`services.api.vpcId`).
    pub unknown_paths: Vec<String>,
    /// The full path of every secret value, nested ones included.
    pub secret_paths: Vec<String>,
    pub original: PropertyMap,
    /// The provider-chosen properties recorded by an earlier Check.
    pub defaults: Vec<String>,
    /// The state version recorded with a state, if any.
    pub version: Option<u64>,
}

impl Decoded {
    pub fn new(map: PropertyMap, info: &ObjectInfo) -> Self {
        let mut out = Decoded::default();
        for (key, value) in &map {
            if key == DEFAULTS_KEY {
                if let Some(J::Array(items)) = value.to_plain_json() {
                    out.defaults = items
                        .iter()
                        .filter_map(|i| i.as_str().map(String::from))
                        .collect();
                }
                continue;
            }
            if key == STATE_VERSION_KEY {
                out.version = value.to_plain_json().and_then(|v| v.as_u64());
                continue;
            }
            if value.contains_secrets() {
                out.secret.insert(key.clone());
                value.secret_paths(key, &mut out.secret_paths);
            }
            let schema = info.prop(key).map(|p| p.schema.clone()).unwrap_or(J::Null);
            if value.contains_unknowns() {
                out.unknown.insert(key.clone());
                value.unknown_paths(key, &mut out.unknown_paths);
            }
            out.json
                .insert(key.clone(), known_or_zero(value, &schema, info));
        }
        out.original = map;
        out
    }

    pub fn has_unknowns(&self) -> bool {
        !self.unknown.is_empty()
    }

    /// True when the value at `property` (a path) is not wholly known: it is unknown, lies
    /// inside a value that is, or holds one.
    pub fn is_unknown_at(&self, property: &str) -> bool {
        let under = |path: &str, root: &str| {
            path.strip_prefix(root)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
        };
        self.unknown_paths
            .iter()
            .any(|u| under(property, u) || (!property.is_empty() && under(u, property)))
    }

    /// The typed view; a failure names the property's path, never its value.
    pub fn typed<T: DeserializeOwned>(&self, what: &str) -> Result<T> {
        typed_json(J::Object(self.json.clone()), what)
    }
}

/// A typed value from JSON; a failure names the property's path, never its value.
pub(crate) fn typed_json<T: DeserializeOwned>(json: J, what: &str) -> Result<T> {
    decode(json).map_err(|u| Error::Undecodable {
        what: what.to_string(),
        path: u.path,
        reason: u.reason,
    })
}

/// Plain JSON of a value, with each unknown replaced by a value of its schema's type.
fn known_or_zero(value: &Value, schema: &J, info: &ObjectInfo) -> J {
    let schema = info.resolve(schema);
    match value {
        Value::Unknown | Value::Output { value: None, .. } => info.zero(schema),
        Value::Secret(inner) => known_or_zero(inner, schema, info),
        Value::Output {
            value: Some(inner), ..
        } => known_or_zero(inner, schema, info),
        Value::Array(items) => J::Array(
            items
                .iter()
                .map(|i| known_or_zero(i, &schema["items"], info))
                .collect(),
        ),
        Value::Object(map) => J::Object(
            map.iter()
                .map(|(k, v)| {
                    let sub = schema["properties"]
                        .get(k)
                        .or_else(|| schema.get("additionalProperties"))
                        .cloned()
                        .unwrap_or(J::Null);
                    (k.clone(), known_or_zero(v, &sub, info))
                })
                .collect(),
        ),
        Value::ResourceRef { id: Some(id), .. } if id.contains_unknowns() => info.zero(schema),
        other => other.to_plain_json().unwrap_or(J::Null),
    }
}

/// Encodes a typed value as a property map. Top-level properties named in `secret`, and
/// those the schema marks secret, are wrapped as secrets. Nulls are left out.
pub(crate) fn encode<T: Serialize>(
    value: &T,
    secret: &BTreeSet<String>,
    info: &ObjectInfo,
) -> Result<PropertyMap> {
    let json =
        serde_json::to_value(value).map_err(|e| Error::Internal(format!("encoding: {e}")))?;
    Ok(encode_json(json, secret, info))
}

pub(crate) fn encode_json(json: J, secret: &BTreeSet<String>, info: &ObjectInfo) -> PropertyMap {
    let J::Object(map) = json else {
        return PropertyMap::new();
    };
    map.into_iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| {
            let value = Value::from_json(&v);
            let is_secret = secret.contains(&k) || info.prop(&k).is_some_and(|p| p.secret);
            (
                k,
                if is_secret {
                    value.into_secret()
                } else {
                    value
                },
            )
        })
        .collect()
}

/// Puts back the original (unknown) value of each property that was unknown.
pub(crate) fn restore_unknowns(map: &mut PropertyMap, decoded: &Decoded) {
    for key in &decoded.unknown {
        if let Some(original) = decoded.original.get(key) {
            map.insert(key.clone(), original.clone());
        }
    }
}

#[cfg(test)]
#[path = "typed_tests.rs"]
mod tests;
