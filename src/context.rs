//! The context a handler runs in: who it works for, cancellation, and the engine's log.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Instant;

use tokio_util::sync::CancellationToken;

use crate::engine::{EngineLog, Severity};

/// What the engine asked of the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Operation {
    /// Configure, or anything outside a resource operation.
    #[default]
    Other,
    Create,
    Read,
    Update,
    Delete,
}

/// Passed by reference to every create, read, update and delete.
#[derive(Clone)]
pub struct Ctx {
    pub(crate) urn: String,
    pub(crate) operation: Operation,
    pub(crate) cancel: CancellationToken,
    pub(crate) log: EngineLog,
    pub(crate) started: Instant,
    /// Set once a status line was shown, so it can be cleared when the operation ends.
    pub(crate) status_shown: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// A create that replaces a resource the engine still holds under the same URN.
    pub(crate) replacing: bool,
    /// Every plain string of the state the engine saved for the resource (update, read and
    /// delete): the names, ids and ARNs of what it made.
    pub(crate) held: Arc<BTreeSet<String>>,
}

impl Ctx {
    pub fn new(urn: impl Into<String>, cancel: CancellationToken, log: EngineLog) -> Self {
        Ctx {
            urn: urn.into(),
            operation: Operation::Other,
            cancel,
            log,
            started: Instant::now(),
            status_shown: Default::default(),
            replacing: false,
            held: Default::default(),
        }
    }

    /// The same context, holding `state`'s plain strings (secrets left out) as what the
    /// saved state records.
    pub fn holding(mut self, state: &crate::value::PropertyMap) -> Self {
        let mut held = BTreeSet::new();
        for value in state.values() {
            strings(value, &mut held);
        }
        self.held = Arc::new(held);
        self
    }

    /// True when the saved state records `name` (a name, id or ARN): as it is, or as the last
    /// part of an ARN the state holds (`.../name`, `...:name`, `...:name:*`). Such an object
    /// was made by this resource (or imported into it), whatever tags it carries now.
    pub fn holds(&self, name: &str) -> bool {
        !name.is_empty()
            && (self.held.contains(name)
                || self
                    .held
                    .iter()
                    .any(|h| h.starts_with("arn:") && arn_names(h, name)))
    }

    pub fn urn(&self) -> &str {
        &self.urn
    }

    /// The same context, for `operation`.
    pub fn for_operation(mut self, operation: Operation) -> Self {
        self.operation = operation;
        self
    }

    /// The operation this context serves.
    pub fn operation(&self) -> Operation {
        self.operation
    }

    /// True when the engine already holds the resource's id: every operation but a create.
    /// What a known resource's id names is its own, whatever its URN has become since.
    pub fn is_known(&self) -> bool {
        !matches!(self.operation, Operation::Create | Operation::Other)
    }

    /// True for a create that replaces a resource the engine still holds under this URN
    /// (its Diff asked for a replacement): AWS objects tagged with the URN are the old
    /// resource's, not an earlier attempt of this create to adopt.
    pub fn is_replacing(&self) -> bool {
        self.replacing
    }

    /// The resource's logical name, the last part of its URN.
    pub fn name(&self) -> &str {
        self.urn.rsplit("::").next().unwrap_or(&self.urn)
    }

    /// Cancelled when the engine cancels or the operation's timeout elapses.
    pub fn cancellation(&self) -> &CancellationToken {
        &self.cancel
    }

    /// How long the operation has been running.
    pub fn elapsed(&self) -> std::time::Duration {
        self.started.elapsed()
    }

    pub async fn info(&self, message: impl AsRef<str>) {
        self.log
            .log(Severity::Info, &self.urn, message.as_ref(), false)
            .await;
    }

    pub async fn warn(&self, message: impl AsRef<str>) {
        self.log
            .log(Severity::Warning, &self.urn, message.as_ref(), false)
            .await;
    }

    pub async fn debug(&self, message: impl AsRef<str>) {
        self.log
            .log(Severity::Debug, &self.urn, message.as_ref(), false)
            .await;
    }

    /// Shows a live status line next to the resource (not kept in the log).
    pub async fn status(&self, message: impl AsRef<str>) {
        self.status_shown
            .store(true, std::sync::atomic::Ordering::SeqCst);
        self.log
            .log(Severity::Info, &self.urn, message.as_ref(), true)
            .await;
    }

    /// Clears the status line, if one was shown.
    pub(crate) async fn clear_status(&self) {
        if self
            .status_shown
            .swap(false, std::sync::atomic::Ordering::SeqCst)
        {
            self.log.log(Severity::Info, &self.urn, "", true).await;
        }
    }
}

/// True when `arn` ends with `name` as its last part (after a `/` or `:`, before an optional
/// `:*`).
fn arn_names(arn: &str, name: &str) -> bool {
    let arn = arn.strip_suffix(":*").unwrap_or(arn);
    arn.strip_suffix(name)
        .is_some_and(|head| head.ends_with(['/', ':']))
}

/// The plain strings of a value, secrets and unknowns left out.
fn strings(value: &crate::value::Value, into: &mut BTreeSet<String>) {
    use crate::value::Value;
    match value {
        Value::String(s) => {
            into.insert(s.clone());
        }
        Value::Array(items) => items.iter().for_each(|v| strings(v, into)),
        Value::Object(map) => map.values().for_each(|v| strings(v, into)),
        Value::Output {
            value: Some(v),
            secret: false,
            ..
        } => strings(v, into),
        _ => {}
    }
}

#[cfg(test)]
#[path = "context_tests.rs"]
mod tests;
