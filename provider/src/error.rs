//! The provider crate's one error type.

use aws_sdk_kinesis::error::{DisplayErrorContext, ProvideErrorMetadata};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An AWS call failed; `throttled` and `denied` say what kind of failure it was.
    #[error("AWS {operation} failed: {message}")]
    Aws {
        operation: &'static str,
        message: String,
        /// The service's error code, when it gave one.
        code: String,
        throttled: bool,
        denied: bool,
    },
    /// The provider is configured wrongly.
    #[error("provider configuration: {0}")]
    Config(String),
    /// The AWS credentials were refused.
    #[error("{0}")]
    Credentials(String),
    /// An AWS object this resource would make under a name (`property` says which input
    /// gives it) already exists and belongs to something else.
    #[error(
        "{property}: {what} already exists and belongs to something else (it does not carry this \
         resource's pulumi:urn tag); choose another {property}, or bring the existing one under \
         Pulumi with `pulumi import`"
    )]
    NotOwned {
        property: &'static str,
        what: String,
    },
    /// An AWS object this resource would make under a name derived from an AWS-assigned id
    /// (so no input can change it) already exists and belongs to something else.
    #[error(
        "{what} already exists and belongs to something else (it does not carry this \
         resource's pulumi:urn tag); remove it, or bring it under Pulumi with `pulumi import`"
    )]
    Taken { what: String },
    /// An input names something AWS does not have, or has in a form the rules refuse; found
    /// when the resource is made, before anything is.
    #[error("{property}: {reason}")]
    Input { property: String, reason: String },
    /// AWS reports that an object it was asked to make could not be made.
    #[error("{what} could not be made: {reason}")]
    Failed { what: String, reason: String },
    /// Deletion protection is on, so delete stopped before removing any part of the
    /// resource; `owner` is where the setting is (the resource, or the component holding it).
    #[error(
        "{what} has deletion protection on, so neither it nor any of its parts was deleted. \
         To delete it, set `deletionProtection: false` on {owner} and run `pulumi up`, \
         then run `pulumi destroy` again."
    )]
    Protected { what: String, owner: String },
    /// A document AWS returned, or one this provider writes, is not the JSON it should be.
    #[error("{what} is not valid JSON: {source}")]
    Json {
        what: &'static str,
        source: serde_json::Error,
    },
    /// An SDK request could not be built from the values given (a required field missing).
    #[error("an AWS request could not be built: {0}")]
    Request(#[from] aws_smithy_types::error::operation::BuildError),
    /// An AWS object the operation made or waits on is gone (deleted outside Pulumi, or
    /// dropped by AWS); `what` names it, `when` says at which point.
    #[error("{what} {when}; run `pulumi refresh`, then `pulumi up` again")]
    Vanished { what: String, when: &'static str },
    /// AWS answered a call without what the call is for.
    #[error("AWS {operation} answered without {missing}")]
    Incomplete {
        operation: &'static str,
        missing: &'static str,
    },
    /// AWS reports something the provider cannot work with.
    #[error("{0}")]
    Unexpected(String),
    #[error(transparent)]
    Framework(#[from] pulumi_provider::Error),
}

impl Error {
    /// True when a name the resource would use is someone else's: reporting the resource as
    /// half-made under it would have the engine record, and one day delete, what is not
    /// its own.
    pub fn is_contest(&self) -> bool {
        matches!(self, Error::NotOwned { .. } | Error::Taken { .. })
    }

    /// Classifies an SDK error by its metadata (the service's error code), never its text.
    pub fn aws<E>(operation: &'static str, err: SdkError<E, HttpResponse>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let code = err.code().unwrap_or_default().to_string();
        let throttled = matches!(
            code.as_str(),
            "Throttling"
                | "ThrottlingException"
                | "ThrottledException"
                | "RequestThrottled"
                | "RequestThrottledException"
                | "RequestLimitExceeded"
                | "LimitExceededException"
                | "TooManyRequestsException"
        );
        let denied = matches!(
            code.as_str(),
            "AccessDenied" | "AccessDeniedException" | "UnauthorizedOperation"
        );
        Error::Aws {
            operation,
            message: describe(&err),
            code: code.clone(),
            throttled,
            denied,
        }
    }
}

/// A short account of an SDK failure: the service's code and message when it gave them,
/// never the raw response body.
fn describe<E>(err: &SdkError<E, HttpResponse>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match err {
        SdkError::ServiceError(service) => match (service.err().code(), service.err().message()) {
            (Some(code), Some(message)) => format!("{code}: {message}"),
            (Some(code), None) => code.to_string(),
            _ => format!(
                "HTTP {} with an answer that could not be understood",
                service.raw().status().as_u16()
            ),
        },
        SdkError::TimeoutError(_) => "the request timed out".to_string(),
        SdkError::DispatchFailure(_) => {
            format!("AWS could not be reached: {}", DisplayErrorContext(err))
        }
        _ => DisplayErrorContext(err).to_string(),
    }
}

impl From<Error> for pulumi_provider::Error {
    fn from(e: Error) -> Self {
        match e {
            Error::Framework(inner) => inner,
            Error::Config(m) => pulumi_provider::Error::InvalidInput(m),
            Error::Credentials(m) => pulumi_provider::Error::Unauthenticated(m),
            e @ Error::Input { .. } => pulumi_provider::Error::InvalidInput(e.to_string()),
            other => pulumi_provider::Error::Upstream(other.to_string()),
        }
    }
}

/// Turns a "not found" answer into `None`: absence is a result, not an error.
pub fn found<T, E>(
    operation: &'static str,
    result: std::result::Result<T, SdkError<E, HttpResponse>>,
    is_not_found: impl Fn(&E) -> bool,
) -> Result<Option<T>>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match result {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.as_service_error().is_some_and(&is_not_found) => Ok(None),
        Err(e) => Err(Error::aws(operation, e)),
    }
}
