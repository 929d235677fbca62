//! Waiting for AWS: poll with capped exponential backoff and jitter, show progress as the
//! resource's status line, stop at once when the operation is cancelled or times out.

use std::future::Future;
use std::time::Duration;

use pulumi_provider::Ctx;
use rand::Rng;

use super::lag::{IN_USE, settle};
use crate::error::{Error, Result};

/// What one poll found.
#[derive(Debug)]
pub enum Poll<T> {
    Ready(T),
    /// Not yet; the state AWS reports, for the progress line.
    Pending(String),
    /// AWS does not know the object. Right after a create that is AWS's lag, so it counts as
    /// "not yet" for [`UNSEEN_GRACE`]; after that the wait ends with this error.
    Unseen(Error),
}

/// How long an object this provider just made may stay unknown to AWS's reads before a
/// wait calls it gone (EC2, RDS, ElastiCache, Kinesis and ECS reads lag their creates by
/// seconds; two minutes is far past what AWS documents).
pub const UNSEEN_GRACE: Duration = Duration::from_secs(120);

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
            Ok(Poll::Unseen(gone)) if started.elapsed() >= UNSEEN_GRACE => return Err(gone),
            Ok(Poll::Unseen(_)) => "not visible yet".to_string(),
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

/// Retries a delete that AWS refuses while dependents are still going away
/// ([`IN_USE`]), for at most that lag's limit.
pub async fn when_free<F, Fut>(ctx: &Ctx, what: &str, attempt: F) -> Result<()>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<()>>,
{
    settle(ctx, &format!("deleting {what}"), &[&IN_USE], attempt).await
}

#[cfg(test)]
#[path = "wait_tests.rs"]
mod tests;
