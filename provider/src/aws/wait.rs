//! Waiting for AWS: poll with capped exponential backoff and jitter, show progress as the
//! resource's status line, stop at once when the operation is cancelled or times out.

use std::future::Future;
use std::time::Duration;

use pulumi_provider::Ctx;
use rand::Rng;

use crate::error::{Error, Result};

/// What one poll found.
pub enum Poll<T> {
    Ready(T),
    /// Not yet; the state AWS reports, for the progress line.
    Pending(String),
}

/// Backoff settings.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub first: Duration,
    pub cap: Duration,
}

/// Starts short: many objects (subnets, route tables, a stream's first poll after a small
/// change) are ready within a second, and each wait overshoots by at most one delay.
impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            first: Duration::from_millis(200),
            cap: Duration::from_secs(30),
        }
    }
}

impl Backoff {
    /// The delay before poll `attempt` (0-based), with ±20% jitter.
    pub fn delay(&self, attempt: u32) -> Duration {
        let base = self
            .first
            .saturating_mul(2u32.saturating_pow(attempt.min(16)))
            .min(self.cap);
        let jitter = rand::rng().random_range(0.8..1.2);
        base.mul_f64(jitter)
    }
}

/// Polls until `poll` is ready. `what` reads as "Kinesis stream events-1a2b to be ACTIVE".
/// Throttling answers count as "not yet" rather than failures.
pub async fn until<T, F, Fut>(ctx: &Ctx, what: &str, backoff: Backoff, mut poll: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Poll<T>>>,
{
    let started = std::time::Instant::now();
    let mut attempt = 0;
    loop {
        let state = match poll().await {
            Ok(Poll::Ready(v)) => return Ok(v),
            Ok(Poll::Pending(state)) => state,
            Err(Error::Aws {
                throttled: true, ..
            }) => "throttled, backing off".to_string(),
            Err(e) => return Err(e),
        };
        let waited = started.elapsed().as_secs();
        ctx.status(format!(
            "waiting for {what} ({state}), {}m{:02}s",
            waited / 60,
            waited % 60
        ))
        .await;
        tokio::select! {
            _ = tokio::time::sleep(backoff.delay(attempt)) => {}
            _ = ctx.cancellation().cancelled() => return Err(pulumi_provider::Error::Cancelled.into()),
        }
        attempt += 1;
    }
}

/// Error codes with which AWS refuses a delete while dependents are still going away.
const STILL_IN_USE: [&str; 4] = [
    "DependencyViolation",
    "CacheSubnetGroupInUse",
    "InvalidDBSubnetGroupStateFault",
    "InvalidDBParameterGroupState",
];

/// Retries a delete that AWS refuses while dependents are still going away.
pub async fn when_free<F, Fut>(ctx: &Ctx, what: &str, mut attempt: F) -> Result<()>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<()>>,
{
    let label = format!("{what} to be deletable");
    until(ctx, &label, Backoff::default(), || {
        let next = attempt();
        async move {
            match next.await {
                Ok(()) => Ok(Poll::Ready(())),
                Err(Error::Aws { code, .. }) if STILL_IN_USE.contains(&code.as_str()) => {
                    Ok(Poll::Pending("dependencies still present".into()))
                }
                Err(e) => Err(e),
            }
        }
    })
    .await
}

#[cfg(test)]
#[path = "wait_tests.rs"]
mod tests;
