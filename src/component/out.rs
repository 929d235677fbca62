//! [`Out`]: a value on its way from one resource to another inside a component.

use std::collections::BTreeSet;

use crate::value::{PropertyMap, Value};

/// A value passed between the resources of a component: the value itself (unknown in a
/// preview until the resource it comes from exists, secret if it came secret) and the URNs
/// of the resources it came from, which become the receiving resource's dependencies.
#[derive(Debug, Clone, PartialEq)]
pub struct Out {
    pub value: Value,
    pub deps: BTreeSet<String>,
}

impl Out {
    /// A value that depends on nothing.
    pub fn known(value: Value) -> Out {
        Out {
            value,
            deps: BTreeSet::new(),
        }
    }

    /// A string that depends on nothing.
    pub fn string(s: impl Into<String>) -> Out {
        Out::known(Value::String(s.into()))
    }

    /// True when no part of the value is unknown.
    pub fn is_known(&self) -> bool {
        !self.value.contains_unknowns()
    }

    /// True when the value is absent (null).
    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// The value as plain JSON, or `None` while any part of it is unknown.
    pub fn plain(&self) -> Option<serde_json::Value> {
        self.value.to_plain_json()
    }

    /// An object built from fields; it depends on what each field depends on. Null fields
    /// are left out.
    pub fn object(fields: impl IntoIterator<Item = (String, Out)>) -> Out {
        let mut map = PropertyMap::new();
        let mut deps = BTreeSet::new();
        for (key, out) in fields {
            deps.extend(out.deps);
            if !matches!(out.value, Value::Null) {
                map.insert(key, out.value);
            }
        }
        Out {
            value: Value::Object(map),
            deps,
        }
    }

    /// A list built from items; it depends on what each item depends on.
    pub fn list(items: impl IntoIterator<Item = Out>) -> Out {
        let mut values = Vec::new();
        let mut deps = BTreeSet::new();
        for out in items {
            deps.extend(out.deps);
            values.push(out.value);
        }
        Out {
            value: Value::Array(values),
            deps,
        }
    }

    /// The field `key` of an object value: unknown when the object is, null when absent.
    /// A field of a secret object stays secret.
    pub fn get(&self, key: &str) -> Out {
        Out {
            value: field(&self.value, key),
            deps: self.deps.clone(),
        }
    }

    /// The object with field `key` set to `out` (created when the value is null). An
    /// unknown object stays unknown: the field cannot be placed in what is not known yet.
    pub fn with(mut self, key: &str, out: Out) -> Out {
        self.deps.extend(out.deps);
        self.value = with_field(self.value, key, out.value);
        self
    }

    /// Every value of a map (an object value) with its key, each carrying the map's
    /// dependencies; `None` while the map itself is unknown.
    pub fn entries(&self) -> Option<Vec<(String, Out)>> {
        match &self.value {
            Value::Null => Some(Vec::new()),
            Value::Object(map) => Some(
                map.iter()
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            Out {
                                value: v.clone(),
                                deps: self.deps.clone(),
                            },
                        )
                    })
                    .collect(),
            ),
            Value::Secret(inner) => Out::known((**inner).clone()).entries().map(|entries| {
                entries
                    .into_iter()
                    .map(|(k, v)| {
                        let value = v.value.into_secret();
                        (
                            k,
                            Out {
                                value,
                                deps: self.deps.clone(),
                            },
                        )
                    })
                    .collect()
            }),
            _ => None,
        }
    }

    /// Applies `f` to the plain value once it is known; unknown stays unknown. The result
    /// is secret when this value was.
    pub fn map(&self, f: impl FnOnce(serde_json::Value) -> Value) -> Out {
        let value = match self.plain() {
            Some(plain) => {
                let mapped = f(plain);
                if self.value.contains_secrets() {
                    mapped.into_secret()
                } else {
                    mapped
                }
            }
            None => Value::Unknown,
        };
        Out {
            value,
            deps: self.deps.clone(),
        }
    }
}

fn with_field(value: Value, key: &str, field: Value) -> Value {
    match value {
        Value::Null => Value::Object(PropertyMap::from([(key.to_string(), field)])),
        Value::Object(mut map) => {
            map.insert(key.to_string(), field);
            Value::Object(map)
        }
        Value::Secret(inner) => Value::Secret(Box::new(with_field(*inner, key, field))),
        other => other,
    }
}

fn field(value: &Value, key: &str) -> Value {
    match value {
        Value::Object(map) => map.get(key).cloned().unwrap_or(Value::Null),
        Value::Secret(inner) => match field(inner, key) {
            Value::Null => Value::Null,
            v => v.into_secret(),
        },
        Value::Output {
            value: Some(inner), ..
        } => field(inner, key),
        Value::Unknown | Value::Output { value: None, .. } => Value::Unknown,
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dep(urn: &str, value: Value) -> Out {
        Out {
            value,
            deps: BTreeSet::from([urn.to_string()]),
        }
    }

    #[test]
    fn an_object_depends_on_every_field_and_leaves_nulls_out() {
        let o = Out::object([
            ("a".to_string(), dep("urn:a", Value::String("x".into()))),
            ("b".to_string(), dep("urn:b", Value::Null)),
        ]);
        assert_eq!(o.deps, BTreeSet::from(["urn:a".into(), "urn:b".into()]));
        let Value::Object(map) = &o.value else {
            panic!("not an object")
        };
        assert!(map.contains_key("a") && !map.contains_key("b"));
    }

    #[test]
    fn a_field_of_an_unknown_object_is_unknown_and_of_a_secret_one_secret() {
        assert_eq!(Out::known(Value::Unknown).get("x").value, Value::Unknown);
        let secret = Out::known(Value::Secret(Box::new(Value::Object(PropertyMap::from([
            ("k".to_string(), Value::String("v".into())),
        ])))));
        assert_eq!(
            secret.get("k").value,
            Value::Secret(Box::new(Value::String("v".into())))
        );
        assert_eq!(secret.get("missing").value, Value::Null);
    }

    #[test]
    fn setting_a_field_adds_its_dependencies_and_leaves_an_unknown_object_unknown() {
        let o = Out::known(Value::Null).with("vpcId", dep("urn:vpc", Value::String("v".into())));
        assert!(o.deps.contains("urn:vpc"));
        assert_eq!(o.get("vpcId").value, Value::String("v".into()));
        let unknown = Out::known(Value::Unknown).with("vpcId", Out::string("v"));
        assert_eq!(unknown.value, Value::Unknown);
    }

    #[test]
    fn entries_of_an_unknown_map_are_not_known_and_of_null_are_none() {
        assert!(Out::known(Value::Unknown).entries().is_none());
        assert_eq!(Out::known(Value::Null).entries(), Some(Vec::new()));
    }

    #[test]
    fn map_keeps_secrecy_and_unknowns() {
        let secret = Out::known(Value::Secret(Box::new(Value::String("a".into()))));
        let mapped = secret.map(|j| Value::String(format!("{}:x", j.as_str().unwrap_or(""))));
        assert_eq!(
            mapped.value,
            Value::Secret(Box::new(Value::String("a:x".into())))
        );
        assert_eq!(
            Out::known(Value::Unknown).map(|_| Value::Null).value,
            Value::Unknown
        );
    }
}
