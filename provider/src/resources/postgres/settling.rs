//! Waiting out AWS's read lag around this provider's own writes, for every resource of
//! the crate that changes a database, a cache, a stream or a service in place (redis,
//! kinesis and fargate use it too; it belongs with `aws::wait` once that file is free).
//!
//! Two lags: a describe right after a create may not find the object yet (RDS, ElastiCache,
//! Kinesis, ECS and Secrets Manager reads are eventually consistent), and a describe right
//! after an accepted change may still show the object at rest, as it was before the change
//! (RDS documents that a modified instance "may not show the modifying status right away";
//! ElastiCache, Kinesis and ECS describe calls are eventually consistent the same way).

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use pulumi_provider::Ctx;

use crate::aws::lag::{self, Lag};
use crate::aws::tags::may_take;
use crate::aws::wait::{self, Backoff, Poll};
use crate::error::{Error, Result};

/// How long an object that never showed its change must look at rest before it is
/// believed. AWS's read lag is seconds; an object that shows no transitional state on two
/// polls across this window, and no pending change, has either finished a quick change or
/// had nothing to do.
pub const SETTLE_WINDOW: Duration = Duration::from_secs(5);

/// Polls at rest needed (with [`SETTLE_WINDOW`]) when no transitional state was seen.
const READY_POLLS: u32 = 2;

/// The decision after a change AWS accepted: when may a poll that shows the object at rest
/// be trusted to show it after the change rather than before it?
///
/// The rule: once a poll has shown the object in a transitional state (`modifying`,
/// `UPDATING`, a rollout in progress, a pending change being applied), the next poll at rest
/// is the end of the change. Until one has, a poll at rest is believed only when it is at
/// least the [`READY_POLLS`]th in a row and [`SETTLE_WINDOW`] has passed since the change
/// was accepted: a change too quick to catch in its transitional state, or one that moves
/// nothing, ends there instead of waiting forever for a state that never shows.
#[derive(Debug, Default)]
pub struct AfterChange {
    moved: bool,
    at_rest_polls: u32,
}

impl AfterChange {
    /// Records one poll: `at_rest` is whether the object looked finished, `since` the time
    /// since the change was accepted. True when the wait is over.
    pub fn observe(&mut self, at_rest: bool, since: Duration) -> bool {
        if !at_rest {
            self.moved = true;
            self.at_rest_polls = 0;
            return false;
        }
        self.at_rest_polls += 1;
        self.moved || (self.at_rest_polls >= READY_POLLS && since >= SETTLE_WINDOW)
    }
}

/// One poll of an object being changed: the value, whether it looks at rest (done with
/// every change asked for), and its state for the progress line.
pub struct Seen<T> {
    pub value: T,
    pub at_rest: bool,
    pub state: String,
}

/// The error for an object this provider made or changed that AWS does not list.
pub fn vanished(what: &str, when: &'static str) -> Error {
    Error::Vanished {
        what: what.to_string(),
        when,
    }
}

/// Waits after a change AWS accepted, by the [`AfterChange`] rule. `poll` answers
/// `None` when AWS does not list the object: that counts as pending for
/// `wait::UNSEEN_GRACE`, then the wait ends with `gone`.
pub async fn until_changed<T, F, Fut>(
    ctx: &Ctx,
    what: &str,
    backoff: Backoff,
    gone: impl Fn() -> Error,
    mut poll: F,
) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<Seen<T>>>>,
{
    let accepted = Instant::now();
    // A Mutex, not a RefCell: the handler's future must be Send. Never held across an await.
    let rule = Mutex::new(AfterChange::default());
    // The first polls come quickly, so a change is caught in its transitional state when
    // AWS shows one, rather than only trusted after the window.
    let backoff = Backoff {
        first: backoff.first.min(Duration::from_millis(500)),
        ..backoff
    };
    wait::until(ctx, what, backoff, || {
        let next = poll();
        let (rule, gone) = (&rule, &gone);
        async move {
            let Some(seen) = next.await? else {
                return Ok(Poll::Unseen(gone()));
            };
            let done = rule
                .lock()
                .map_err(|_| Error::Unexpected("a wait's state was poisoned".into()))?
                .observe(seen.at_rest, accepted.elapsed());
            Ok(if done {
                Poll::Ready(seen.value)
            } else if seen.at_rest {
                Poll::Pending(format!("{}, making sure the change has begun", seen.state))
            } else {
                Poll::Pending(seen.state)
            })
        }
    })
    .await
}

/// The states from which a database or cache never comes back by waiting (RDS's DB
/// instance and cluster status tables, ElastiCache's replication group statuses): a wait
/// that meets one ends at once, saying so, instead of running to its timeout.
const TERMINAL: [&str; 11] = [
    "failed",
    "create-failed",
    "incompatible-network",
    "incompatible-option-group",
    "incompatible-parameters",
    "incompatible-restore",
    "incompatible-credentials",
    "inaccessible-encryption-credentials",
    "inaccessible-encryption-credentials-recoverable",
    "storage-full",
    "restore-error",
];

/// The error ending a wait on `what` (e.g. "DB instance db-1") that AWS reports in
/// `status`, if that state is terminal; `events` says where AWS gives the reason.
pub fn terminal(what: &str, status: &str, events: &str) -> Option<Error> {
    TERMINAL.contains(&status).then(|| Error::Failed {
        what: what.to_string(),
        reason: format!(
            "AWS reports it `{status}`, a state it does not leave by itself; {events} say why"
        ),
    })
}

/// Reads an object this provider has just made or changed until AWS lists it: `None`
/// counts as pending for `wait::UNSEEN_GRACE`, then the wait ends with `gone`. Not for
/// `read`/refresh, where "not found" means gone at once.
pub async fn until_seen<T, F, Fut>(
    ctx: &Ctx,
    what: &str,
    gone: impl Fn() -> Error,
    mut read: F,
) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>>>,
{
    let label = format!("{what} to be listed");
    wait::until(ctx, &label, Backoff::default(), || {
        let next = read();
        let gone = &gone;
        async move {
            Ok(match next.await? {
                Some(v) => Poll::Ready(v),
                None => Poll::Unseen(gone()),
            })
        }
    })
    .await
}

/// Sends a create through `lags` (refusals that made nothing are sent again). An "already
/// exists" answer (`exists`, the service's code for it) may be a send whose answer was lost:
/// `claim` decides whether the object found is this resource's.
pub async fn create_once<T, F, Fut, C, CFut>(
    ctx: &Ctx,
    what: &str,
    lags: &[&Lag],
    exists: &str,
    send: F,
    claim: C,
) -> Result<()>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
    C: FnOnce() -> CFut,
    CFut: Future<Output = Result<()>>,
{
    match lag::settle(ctx, what, lags, send).await {
        Ok(_) => Ok(()),
        Err(Error::Aws { code, .. }) if code == exists => claim().await,
        Err(e) => Err(e),
    }
}

/// An object found under the name a create just used, after AWS refused the create as
/// "already exists": ours (a create whose answer was lost) is fine; anyone else's was made
/// at once by someone else and is refused naming `property` (`named` says what it is, and
/// `known_as` what it goes by, as the saved state would record it). The read may lag the
/// refusal, so not found is waited out for a while.
pub async fn claim_existing<T, F, Fut>(
    ctx: &Ctx,
    what: &str,
    property: &'static str,
    known_as: &[&str],
    named: String,
    read: F,
    tags: impl Fn(&T) -> &BTreeMap<String, String>,
) -> Result<()>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>>>,
{
    let found = until_seen(
        ctx,
        what,
        || vanished(what, "was refused as existing, then not found"),
        read,
    )
    .await?;
    if may_take(
        ctx,
        known_as,
        tags(&found).iter().map(|(k, v)| (k.as_str(), v.as_str())),
    ) {
        Ok(())
    } else {
        Err(Error::NotOwned {
            property,
            what: named,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOON: Duration = Duration::from_secs(1);
    const LATER: Duration = Duration::from_secs(6);

    #[test]
    fn a_state_aws_never_leaves_ends_a_wait_with_where_to_read_why() {
        for status in [
            "failed",
            "create-failed",
            "incompatible-parameters",
            "storage-full",
        ] {
            match terminal("DB instance db-1", status, "its events") {
                Some(Error::Failed { what, reason }) => {
                    assert_eq!(what, "DB instance db-1");
                    assert!(
                        reason.contains(status) && reason.contains("its events"),
                        "{reason}"
                    );
                }
                other => panic!("{status}: {other:?}"),
            }
        }
        for status in [
            "creating",
            "modifying",
            "backing-up",
            "available",
            "snapshotting",
        ] {
            assert!(
                terminal("DB instance db-1", status, "its events").is_none(),
                "{status}"
            );
        }
    }

    #[test]
    fn a_change_seen_in_its_transitional_state_ends_at_the_next_poll_at_rest() {
        let mut rule = AfterChange::default();
        assert!(!rule.observe(false, Duration::ZERO));
        assert!(rule.observe(true, SOON));
    }

    #[test]
    fn the_first_available_right_after_a_change_is_not_believed() {
        let mut rule = AfterChange::default();
        assert!(!rule.observe(true, Duration::ZERO));
        assert!(
            !rule.observe(true, SOON),
            "two polls, but inside the window"
        );
    }

    #[test]
    fn a_change_never_seen_moving_ends_after_two_polls_across_the_window() {
        let mut rule = AfterChange::default();
        assert!(!rule.observe(true, Duration::ZERO));
        assert!(rule.observe(true, LATER));
    }

    #[test]
    fn one_poll_after_the_window_is_not_enough() {
        let mut rule = AfterChange::default();
        assert!(!rule.observe(true, LATER));
        assert!(rule.observe(true, LATER + SOON));
    }

    #[test]
    fn a_late_transitional_state_is_waited_out() {
        let mut rule = AfterChange::default();
        assert!(!rule.observe(true, Duration::ZERO));
        assert!(!rule.observe(false, SOON), "modifying shows late");
        assert!(!rule.observe(false, LATER));
        assert!(rule.observe(true, LATER + SOON));
    }
}
