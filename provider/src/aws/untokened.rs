//! Creates AWS gives no idempotency token (EC2 CreateVpc, CreateInternetGateway,
//! AllocateAddress). A send whose answer was lost (no answer, or a 5xx) may have made the
//! object, and sending it again, as the SDK's own retry would, then makes a second one. So
//! such a create goes without the SDK's retry: when its answer is lost, the object it may
//! have made is looked for by the tags the create gave it, for longer than EC2's filtered
//! reads lag behind a create, and only when none shows is the create sent again.

use std::future::Future;
use std::time::{Duration, Instant};

use aws_config::retry::RetryConfig;
use pulumi_provider::Ctx;

use super::lag::settle;
use crate::error::{Error, Result};

/// How long the object a lost create may have made is looked for before the create is sent
/// again: EC2's tag-filtered reads list a new object within seconds.
pub const LOST_ANSWER_WINDOW: Duration = Duration::from_secs(20);

/// How often it is looked for meanwhile.
const LOOK_EVERY: Duration = Duration::from_secs(2);

/// How many times the create is sent in all.
const SENDS: u32 = 3;

/// The EC2 client's settings for one send of such a create: no retry by the SDK.
pub fn ec2_once() -> aws_sdk_ec2::config::Builder {
    aws_sdk_ec2::config::Builder::default().retry_config(RetryConfig::disabled())
}

/// True when AWS may have acted on a call whose answer says nothing of what it did: no
/// answer at all (a timeout, a dropped connection) or a server-side failure.
pub fn answer_lost(e: &Error) -> bool {
    match e {
        Error::Aws {
            code,
            throttled: false,
            ..
        } => matches!(
            code.as_str(),
            "" | "InternalError"
                | "InternalFailure"
                | "InternalServerError"
                | "ServiceUnavailable"
                | "Unavailable"
                | "RequestTimeout"
                | "RequestTimeoutException"
        ),
        _ => false,
    }
}

/// Makes one object with a create that has no token: `send` (built without the SDK's retry)
/// returns the new id; `look` finds an object the create made under its tags, if any.
/// Throttling is waited out; anything else the create answers is its error.
pub async fn create<F, Fut, L, LFut>(ctx: &Ctx, what: &str, send: F, look: L) -> Result<String>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<String>>,
    L: FnMut() -> LFut,
    LFut: Future<Output = Result<Option<String>>>,
{
    create_within(ctx, what, LOST_ANSWER_WINDOW, LOOK_EVERY, send, look).await
}

async fn create_within<F, Fut, L, LFut>(
    ctx: &Ctx,
    what: &str,
    window: Duration,
    every: Duration,
    mut send: F,
    mut look: L,
) -> Result<String>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<String>>,
    L: FnMut() -> LFut,
    LFut: Future<Output = Result<Option<String>>>,
{
    let mut sent = 0;
    loop {
        sent += 1;
        let lost = match settle(ctx, what, &[], &mut send).await {
            Ok(id) => return Ok(id),
            Err(e) if answer_lost(&e) => e,
            Err(e) => return Err(e),
        };
        tracing::debug!(what, error = %lost, "create answer lost; looking for what it made");
        let started = Instant::now();
        loop {
            if let Some(id) = look().await? {
                ctx.info(format!(
                    "{what}: the answer to its create was lost; found {id}, which it made"
                ))
                .await;
                return Ok(id);
            }
            if started.elapsed() >= window {
                break;
            }
            let waited = started.elapsed().as_secs();
            ctx.status(format!(
                "{what}: the answer to its create was lost ({lost}); looking for what it made, {waited}s"
            ))
            .await;
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = ctx.cancellation().cancelled() => return Err(pulumi_provider::Error::Cancelled.into()),
            }
        }
        if sent >= SENDS {
            return Err(lost);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aws(code: &str, throttled: bool) -> Error {
        Error::Aws {
            operation: "ec2:CreateVpc",
            message: code.into(),
            code: code.into(),
            throttled,
            denied: false,
        }
    }

    #[test]
    fn lost_answers_are_silence_and_server_failures() {
        assert!(answer_lost(&aws("", false)));
        assert!(answer_lost(&aws("InternalError", false)));
        assert!(answer_lost(&aws("ServiceUnavailable", false)));
        assert!(!answer_lost(&aws("VpcLimitExceeded", false)));
        assert!(!answer_lost(&aws("InvalidParameterValue", false)));
        assert!(!answer_lost(&aws("RequestLimitExceeded", true)));
    }

    fn ctx() -> Ctx {
        Ctx::new(
            "urn",
            pulumi_provider::CancellationToken::new(),
            Default::default(),
        )
    }

    const SHORT: Duration = Duration::from_millis(60);
    const EVERY: Duration = Duration::from_millis(10);

    #[tokio::test]
    async fn a_lost_answer_whose_object_shows_is_not_sent_again() {
        let ctx = ctx();
        let (mut sends, mut looks) = (0, 0);
        let id = create_within(
            &ctx,
            "VPC",
            SHORT,
            EVERY,
            || {
                sends += 1;
                async { Err::<String, _>(aws("", false)) }
            },
            || {
                looks += 1;
                let n = looks;
                // The filtered read lags: the object shows on the third look.
                async move { Ok((n >= 3).then(|| "vpc-1".to_string())) }
            },
        )
        .await;
        assert_eq!(id.ok().as_deref(), Some("vpc-1"));
        assert_eq!(sends, 1);
    }

    #[tokio::test]
    async fn a_lost_answer_with_nothing_made_is_sent_again_after_the_window() {
        let ctx = ctx();
        let mut sends = 0;
        let id = create_within(
            &ctx,
            "VPC",
            SHORT,
            EVERY,
            || {
                sends += 1;
                let n = sends;
                async move {
                    if n == 1 {
                        Err(aws("InternalError", false))
                    } else {
                        Ok("vpc-2".to_string())
                    }
                }
            },
            || async { Ok(None) },
        )
        .await;
        assert_eq!(id.ok().as_deref(), Some("vpc-2"));
        assert_eq!(sends, 2);
    }

    #[tokio::test]
    async fn a_refusal_is_the_error_at_once_and_lost_answers_end_after_three_sends() {
        let ctx = ctx();
        let mut sends = 0;
        let refused = create_within(
            &ctx,
            "VPC",
            SHORT,
            EVERY,
            || {
                sends += 1;
                async { Err::<String, _>(aws("VpcLimitExceeded", false)) }
            },
            || async { Ok(None) },
        )
        .await;
        assert!(matches!(refused, Err(Error::Aws { ref code, .. }) if code == "VpcLimitExceeded"));
        assert_eq!(sends, 1);
        let mut sends = 0;
        let lost = create_within(
            &ctx,
            "VPC",
            SHORT,
            EVERY,
            || {
                sends += 1;
                async { Err::<String, _>(aws("", false)) }
            },
            || async { Ok(None) },
        )
        .await;
        assert!(lost.is_err());
        assert_eq!(sends, 3);
    }
}
