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
    /// Something was made but could not be finished; the engine must record `id` and `state`.
    #[error("resource {id} was created but is not healthy: {}", reasons.join("; "))]
    PartialFailure {
        id: String,
        state: serde_json::Value,
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
                state,
                reasons: vec![reason.to_string()],
            },
            Err(e) => Error::Internal(format!("cannot encode partial state: {e}")),
        }
    }

    pub(crate) fn code(&self) -> Code {
        match self {
            Error::InvalidInput(_) | Error::Undecodable { .. } => Code::InvalidArgument,
            Error::Upstream(_) | Error::PartialFailure { .. } => Code::Unknown,
            Error::Cancelled => Code::Cancelled,
            Error::Timeout(_) => Code::DeadlineExceeded,
            Error::Internal(_) | Error::Transport(_) | Error::Io(_) => Code::Internal,
            Error::UnknownType(_) => Code::InvalidArgument,
        }
    }
}

fn at(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("{path}: ")
    }
}
