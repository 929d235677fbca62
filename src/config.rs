//! Provider configuration as the engine sends it: values may be JSON-encoded strings
//! (default providers) or typed (explicit providers), and may be secret.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value as J};

use crate::check::CheckFailure;
use crate::decode::{self, kind};
use crate::schema::ObjectInfo;
use crate::value::{PropertyMap, Value};

/// Keys the engine adds to every provider's inputs; never a failure.
const ENGINE_KEYS: [&str; 2] = ["version", "pluginDownloadURL"];

/// Decodes configuration into its typed form, with one failure per bad key. The typed
/// form holds the well-typed keys even when others failed, so semantic checks still run.
pub(crate) fn decode<T: DeserializeOwned>(
    map: &PropertyMap,
    info: &ObjectInfo,
) -> (Option<T>, Vec<CheckFailure>) {
    let mut json = Map::new();
    let mut failures = Vec::new();
    for (key, value) in map {
        if ENGINE_KEYS.contains(&key.as_str()) {
            continue;
        }
        let Some(prop) = info.prop(key) else {
            failures.push(CheckFailure::new(
                key,
                format!(
                    "unknown configuration key {key:?}; known keys: {}",
                    known(info)
                ),
            ));
            continue;
        };
        let Some(plain) = value.to_plain_json() else {
            continue;
        };
        let expected = expected_type(info, &prop.schema);
        let plain = match (plain, expected) {
            (J::String(s), Some(t)) if t != "string" => {
                serde_json::from_str(&s).unwrap_or(J::String(s))
            }
            (other, _) => other,
        };
        if let Some(t) = expected.filter(|t| !matches_type(&plain, t)) {
            failures.push(CheckFailure::new(
                key,
                format!("expected a value of type {t}, got {}", kind(&plain)),
            ));
            continue;
        }
        json.insert(key.clone(), plain);
    }
    match decode::decode(J::Object(json)) {
        Ok(config) => (Some(config), failures),
        Err(u) => {
            failures.push(CheckFailure::new(u.path, u.reason));
            (None, failures)
        }
    }
}

/// Config keys arrive as `<package>:config:<key>` in the legacy variables map.
pub(crate) fn from_variables(
    package: &str,
    vars: &std::collections::HashMap<String, String>,
) -> PropertyMap {
    let prefix = format!("{package}:config:");
    vars.iter()
        .map(|(k, v)| {
            (
                k.strip_prefix(&prefix).unwrap_or(k).to_string(),
                Value::String(v.clone()),
            )
        })
        .collect()
}

fn known(info: &ObjectInfo) -> String {
    info.props
        .iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn expected_type<'a>(info: &'a ObjectInfo, schema: &'a J) -> Option<&'a str> {
    crate::schema::type_name(info.resolve(schema))
}

fn matches_type(value: &J, t: &str) -> bool {
    match t {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
