//! Diff: which inputs changed, and whether a change forces replacement.

use std::collections::BTreeMap;

use serde_json::{Map, Value as J};

use crate::schema::ObjectInfo;

/// How one property changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Add,
    Update,
    Delete,
}

/// One changed property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyChange {
    pub kind: ChangeKind,
    pub replace: bool,
    /// Whether the change is in the inputs (shown against the old inputs) or in an output
    /// (shown against the old outputs: drift the inputs cannot express).
    pub input: bool,
}

/// The answer of a diff, keyed by property path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DiffResult {
    pub changes: BTreeMap<String, PropertyChange>,
    pub delete_before_replace: bool,
}

impl DiffResult {
    pub fn replaces(&self) -> Vec<String> {
        self.changes
            .iter()
            .filter(|(_, c)| c.replace)
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// Marks a property as changed, with or without replacement.
    pub fn set(&mut self, path: impl Into<String>, kind: ChangeKind, replace: bool) {
        self.changes.insert(
            path.into(),
            PropertyChange {
                kind,
                replace,
                input: true,
            },
        );
    }

    /// Marks an output as changing without any input changing (drift an update repairs).
    pub fn set_output(&mut self, path: impl Into<String>, kind: ChangeKind) {
        self.changes.insert(
            path.into(),
            PropertyChange {
                kind,
                replace: false,
                input: false,
            },
        );
    }
}

/// Compares old and new inputs property by property. `unknown` names new inputs whose
/// value is not known yet: they count as changed.
pub(crate) fn diff_inputs(
    old: &Map<String, J>,
    new: &Map<String, J>,
    unknown: &std::collections::BTreeSet<String>,
    ignore: &[String],
    info: &ObjectInfo,
) -> DiffResult {
    let mut result = DiffResult::default();
    let keys: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for key in keys {
        if key == crate::typed::DEFAULTS_KEY || ignore.iter().any(|i| i == key) {
            continue;
        }
        let before = old.get(key).filter(|v| !v.is_null());
        let after = new.get(key).filter(|v| !v.is_null());
        let kind = match (before, after) {
            _ if unknown.contains(key) => Some(ChangeKind::Update),
            (None, Some(_)) => Some(ChangeKind::Add),
            (Some(_), None) => Some(ChangeKind::Delete),
            (Some(a), Some(b)) if !same(a, b) => Some(ChangeKind::Update),
            _ => None,
        };
        if let Some(kind) = kind {
            let replace = info.prop(key).is_some_and(|p| p.replace);
            result.set(key.clone(), kind, replace);
        }
    }
    result
}

/// Equality that treats 3 and 3.0 alike, since numbers travel as doubles.
fn same(a: &J, b: &J) -> bool {
    match (a, b) {
        (J::Number(x), J::Number(y)) => x.as_f64() == y.as_f64(),
        (J::Array(x), J::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (J::Object(x), J::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
#[path = "diff_tests.rs"]
mod tests;
