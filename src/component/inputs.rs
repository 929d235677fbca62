//! [`Inputs`]: a component's inputs, typed for decisions and raw for passing on.

use std::collections::{BTreeMap, BTreeSet};

use serde::de::DeserializeOwned;

use crate::check::CheckFailure;
use crate::component::out::Out;
use crate::error::{Error, Result};
use crate::schema::ObjectInfo;
use crate::typed::Decoded;
use crate::value::{PropertyMap, Value};

/// A component's inputs as the program gave them.
pub struct Inputs<A> {
    args: A,
    raw: PropertyMap,
    deps: BTreeMap<String, BTreeSet<String>>,
}

/// The raw inputs of a Construct request with each input's dependencies.
pub(crate) struct RawInputs {
    pub values: PropertyMap,
    pub deps: BTreeMap<String, BTreeSet<String>>,
}

impl<A: DeserializeOwned> Inputs<A> {
    /// Decodes the inputs; a value of the wrong type is refused naming its path.
    pub(crate) fn decode(raw: &RawInputs, info: &ObjectInfo) -> Result<Self> {
        let mut values = PropertyMap::new();
        let mut deps = raw.deps.clone();
        for (key, value) in &raw.values {
            let mut found = BTreeSet::new();
            let value = settle(value.clone(), &mut found);
            if !found.is_empty() {
                deps.entry(key.clone()).or_default().extend(found);
            }
            values.insert(key.clone(), value);
        }
        let decoded = Decoded::new(values.clone(), info);
        let args = decoded.typed("inputs")?;
        Ok(Inputs {
            args,
            raw: values,
            deps,
        })
    }
}

impl<A> Inputs<A> {
    /// The typed inputs; an input unknown in a preview holds a stand-in value here.
    pub fn args(&self) -> &A {
        &self.args
    }

    /// Input `key` as given (unknown, secret), with the resources it depends on.
    pub fn get(&self, key: &str) -> Out {
        Out {
            value: self.raw.get(key).cloned().unwrap_or(Value::Null),
            deps: self.deps.get(key).cloned().unwrap_or_default(),
        }
    }

    /// True when input `key` is known (absent counts as known).
    pub fn is_known(&self, key: &str) -> bool {
        self.raw.get(key).is_none_or(|v| !v.contains_unknowns())
    }
}

/// Output values (which carry their dependencies) become plain, secret or unknown values,
/// their dependencies collected in `deps`.
pub(crate) fn settle(value: Value, deps: &mut BTreeSet<String>) -> Value {
    match value {
        Value::Output {
            value,
            secret,
            dependencies,
        } => {
            deps.extend(dependencies);
            let inner = value.map_or(Value::Unknown, |v| settle(*v, deps));
            if secret { inner.into_secret() } else { inner }
        }
        Value::Secret(inner) => settle(*inner, deps).into_secret(),
        Value::Array(items) => Value::Array(items.into_iter().map(|v| settle(v, deps)).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, settle(v, deps))).collect())
        }
        Value::ResourceRef { ref urn, .. } => {
            deps.insert(urn.clone());
            value
        }
        other => other,
    }
}

/// The error for inputs a component's check refused: every failure, each naming its input.
pub(crate) fn refused(token: &str, failures: &[CheckFailure]) -> Error {
    let reasons: Vec<String> = failures
        .iter()
        .map(|f| {
            let (property, reason) = f.as_reported();
            if property.is_empty() {
                reason
            } else {
                format!("{property}: {reason}")
            }
        })
        .collect();
    Error::InvalidInput(format!("invalid {token} inputs: {}", reasons.join("; ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_output_value_settles_to_its_value_and_gives_up_its_dependencies() {
        let mut deps = BTreeSet::new();
        let v = settle(
            Value::Output {
                value: Some(Box::new(Value::String("x".into()))),
                secret: true,
                dependencies: vec!["urn:a".into()],
            },
            &mut deps,
        );
        assert_eq!(v, Value::Secret(Box::new(Value::String("x".into()))));
        assert!(deps.contains("urn:a"));
        let unknown = settle(
            Value::Output {
                value: None,
                secret: false,
                dependencies: vec![],
            },
            &mut deps,
        );
        assert_eq!(unknown, Value::Unknown);
    }
}
