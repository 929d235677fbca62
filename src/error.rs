//! The framework's one error type.

use tonic::Code;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can go wrong while serving a request; each variant says whose fault it is.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The program gave input the provider cannot accept.
    #[error("{0}")]
    InvalidInput(String),
    /// A property map (`what`: inputs, state) did not decode into the resource's types: the
    /// property's path and what was expected, never the value itself.
    #[error("{what}: {}{reason}", at(.path))]
    Undecodable {
        what: String,
        path: String,
        reason: String,
    },
    /// The cloud or another service the provider called refused or failed.
    #[error("{0}")]
    Upstream(String),
    /// The credentials the provider was given were refused.
    #[error("{0}")]
    Unauthenticated(String),
    /// Something exists but the operation could not finish; the engine must record `id` and
    /// `state` (the next `pulumi up` carries on from them).
    #[error("{id} is not finished: {}", reasons.join("; "))]
    PartialFailure {
        id: String,
        state: PartialState,
        reasons: Vec<String>,
    },
    /// The engine cancelled the operation.
    #[error("the operation was cancelled")]
    Cancelled,
    /// The operation's timeout elapsed.
    #[error("the operation timed out after {0:.0}s; raise it with the resource's customTimeouts")]
    Timeout(f64),
    /// A bug in the provider: a panic, or a value it produced that cannot be encoded.
    #[error("internal provider error: {0}")]
    Internal(String),
    /// The engine called out of order: before Configure, or an update of a resource it holds
    /// no state for.
    #[error("{0}")]
    OutOfOrder(String),
    /// The request named a resource type this provider does not have.
    #[error("unknown resource type {0}")]
    UnknownType(String),
    #[error("serving gRPC failed: {0}")]
    Transport(#[from] tonic::transport::Error),
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
}

impl Error {
    /// A partial failure carrying typed state.
    pub fn partial<S: serde::Serialize>(
        id: impl Into<String>,
        state: &S,
        reason: impl ToString,
    ) -> Self {
        match serde_json::to_value(state) {
            Ok(state) => Error::PartialFailure {
                id: id.into(),
                state: PartialState(state),
                reasons: vec![reason.to_string()],
            },
            Err(e) => Error::Internal(format!("cannot encode partial state: {e}")),
        }
    }

    pub(crate) fn code(&self) -> Code {
        match self {
            Error::InvalidInput(_) | Error::Undecodable { .. } => Code::InvalidArgument,
            Error::Upstream(_) | Error::PartialFailure { .. } => Code::Unknown,
            Error::Unauthenticated(_) => Code::Unauthenticated,
            Error::Cancelled => Code::Cancelled,
            Error::Timeout(_) => Code::DeadlineExceeded,
            Error::Internal(_) | Error::Transport(_) | Error::Io(_) => Code::Internal,
            Error::UnknownType(_) => Code::InvalidArgument,
            Error::OutOfOrder(_) => Code::FailedPrecondition,
        }
    }
}

/// The state carried by a partial failure. Its `Debug` shows only which fields it has, as
/// a state may hold secrets.
pub struct PartialState(pub serde_json::Value);

impl std::fmt::Debug for PartialState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let fields: Vec<&str> = match &self.0 {
            serde_json::Value::Object(map) => map.keys().map(String::as_str).collect(),
            _ => Vec::new(),
        };
        write!(f, "PartialState {{ fields: {fields:?} }}")
    }
}

fn at(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("{path}: ")
    }
}
