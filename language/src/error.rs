//! The language host's one error type.

use std::path::PathBuf;

use tonic::{Code, Status};

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can go wrong while building or running a plugin; each variant says whose fault it is.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The engine named no directory to build the plugin in.
    #[error("the request names no plugin directory (ProgramInfo.program_directory is empty)")]
    NoDirectory,
    /// The plugin's directory is not a cargo package or workspace.
    #[error(
        "no Cargo.toml in {0}: a Rust plugin's PulumiPlugin.yaml sits beside the Cargo.toml that builds it"
    )]
    NoManifest(PathBuf),
    /// A `runtime.options` entry of PulumiPlugin.yaml is wrong.
    #[error("PulumiPlugin.yaml runtime option `{key}`: {reason}")]
    InvalidOption { key: String, reason: String },
    /// No cargo to build with.
    #[error(
        "cannot build the plugin: `{program}` was not found; install Rust (cargo) or set CARGO to the cargo binary"
    )]
    CargoMissing { program: String },
    /// cargo ran and failed; `output` is the end of what it printed (the compiler's errors).
    #[error("`cargo build` of {package} failed ({status}):\n{output}")]
    BuildFailed {
        package: String,
        status: String,
        output: String,
    },
    /// cargo succeeded but built no binary of that name.
    #[error(
        "cargo built {package} but no binary named `{binary}`; name it with the `binary` runtime option in PulumiPlugin.yaml"
    )]
    NoBinary { package: String, binary: String },
    /// A program (cargo or the plugin) could not be started.
    #[error("cannot start {program}: {source}")]
    Spawn {
        program: String,
        source: std::io::Error,
    },
    /// The engine ended the call or sent Cancel, or the host is shutting down.
    #[error("the build was cancelled")]
    Cancelled,
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    #[error("serving gRPC failed: {0}")]
    Transport(#[from] tonic::transport::Error),
}

impl Error {
    fn code(&self) -> Code {
        match self {
            Error::NoDirectory | Error::NoManifest(_) | Error::InvalidOption { .. } => {
                Code::InvalidArgument
            }
            Error::CargoMissing { .. } | Error::BuildFailed { .. } | Error::NoBinary { .. } => {
                Code::FailedPrecondition
            }
            Error::Cancelled => Code::Cancelled,
            Error::Spawn { .. } | Error::Io(_) | Error::Transport(_) => Code::Internal,
        }
    }
}

impl From<Error> for Status {
    fn from(error: Error) -> Status {
        Status::new(error.code(), error.to_string())
    }
}
