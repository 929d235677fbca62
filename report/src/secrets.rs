//! Secrets are taken out of the state as it is read, before anything can render it.
//!
//! Pulumi writes a secret as an object carrying the signature key with the secret signature
//! and either `ciphertext` or, in `pulumi stack export --show-secrets`, `plaintext`. Every
//! such object is replaced by `null` and its property path recorded, so the rest of the crate
//! can name a secret but never holds its value. Other signature objects (assets, archives,
//! resource references, output values) are dropped the same way; an output value marked
//! secret is recorded as a secret.

use serde_json::Value;

/// The key every special Pulumi value carries.
pub const SIGNATURE_KEY: &str = "4dabf18193072939515e22adb298388d";
/// The signature of a secret.
pub const SECRET_SIGNATURE: &str = "1b47061264138c4ac30d75fd1eb44270";
/// The signature of an output value (which may be marked secret).
const OUTPUT_SIGNATURE: &str = "d0e6a833031e9bbcd3f4e8bde6ca49a4";

/// Replaces every signature object under `value` with `null`, and returns the paths of those
/// that were secrets (`authToken`, `services.app.secrets`), each path starting with `prefix`.
pub fn redact(value: &mut Value, prefix: &str) -> Vec<String> {
    let mut found = Vec::new();
    walk(value, prefix, &mut found);
    found
}

fn walk(value: &mut Value, path: &str, found: &mut Vec<String>) {
    if let Some(signature) = signature_of(value) {
        let is_secret = signature == SECRET_SIGNATURE
            || (signature == OUTPUT_SIGNATURE
                && value.get("secret").and_then(Value::as_bool) == Some(true));
        if is_secret {
            found.push(path.to_string());
        }
        *value = Value::Null;
        return;
    }
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                walk(child, &join(path, key), found);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter_mut().enumerate() {
                walk(child, &format!("{path}[{index}]"), found);
            }
        }
        _ => {}
    }
}

/// The signature of a special value, if `value` is one.
fn signature_of(value: &Value) -> Option<String> {
    let signature = value.as_object()?.get(SIGNATURE_KEY)?;
    Some(signature.as_str().unwrap_or_default().to_string())
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn secret_plaintext(text: &str) -> Value {
        json!({ SIGNATURE_KEY: SECRET_SIGNATURE, "plaintext": format!("\"{text}\"") })
    }

    #[test]
    fn a_plaintext_secret_is_replaced_by_null_and_named() {
        let mut outputs = json!({ "authToken": secret_plaintext("hunter2"), "port": 6379 });
        let found = redact(&mut outputs, "");
        assert_eq!(found, vec!["authToken".to_string()]);
        assert_eq!(outputs, json!({ "authToken": null, "port": 6379 }));
    }

    #[test]
    fn a_ciphertext_secret_deep_in_a_map_is_named_by_its_path() {
        let mut inputs = json!({ "services": { "app": { "secrets": {
            SIGNATURE_KEY: SECRET_SIGNATURE, "ciphertext": "v1:abc" } } } });
        let found = redact(&mut inputs, "inputs");
        assert_eq!(found, vec!["inputs.services.app.secrets".to_string()]);
        assert!(!inputs.to_string().contains("v1:abc"));
    }

    #[test]
    fn secrets_inside_lists_are_named_with_their_index() {
        let mut value = json!({ "list": [1, secret_plaintext("x")] });
        assert_eq!(redact(&mut value, ""), vec!["list[1]".to_string()]);
    }

    #[test]
    fn an_output_value_marked_secret_is_a_secret_and_others_are_only_dropped() {
        let mut value = json!({
            "a": { SIGNATURE_KEY: OUTPUT_SIGNATURE, "secret": true, "value": "s3cr3t" },
            "b": { SIGNATURE_KEY: OUTPUT_SIGNATURE, "value": "plain" },
        });
        assert_eq!(redact(&mut value, ""), vec!["a".to_string()]);
        assert_eq!(value, json!({ "a": null, "b": null }));
    }

    #[test]
    fn values_without_a_signature_are_left_alone() {
        let original = json!({ "a": [1, "two", { "three": false }] });
        let mut value = original.clone();
        assert!(redact(&mut value, "").is_empty());
        assert_eq!(value, original);
    }
}
