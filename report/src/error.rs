//! The one error type of the report crate.
//!
//! No message carries a value read from the state: a parse error names a line and column,
//! never the text found there, so a secret in a malformed export cannot reach the terminal.

/// What can stop a report from being written.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The command line was not understood; the text says how it is used.
    #[error("{0}")]
    Usage(String),
    /// The export could not be read.
    #[error("cannot read {what}: {source}")]
    Read {
        what: String,
        source: std::io::Error,
    },
    /// A report file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    /// The input is not JSON (serde_json names the line and column, never the content).
    #[error("the stack export is not JSON: {0}")]
    NotJson(#[from] serde_json::Error),
    /// The input is JSON but not what `pulumi stack export` writes.
    #[error("not a `pulumi stack export` (version 3 deployment): {0}")]
    NotAnExport(String),
    /// The stack holds no resource of the healthcare provider: there is nothing to report.
    #[error(
        "the stack {stack} holds no healthcare resources (types healthcare:*), so there is no \
         compliance evidence to report; was the export taken from the right stack, after `pulumi up`?"
    )]
    NoHealthcareResources { stack: String },
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
