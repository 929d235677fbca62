//! A create AWS refused as "already exists", for the objects of the AWS layer (roles, log
//! groups, secrets): the object of that name is this resource's when the ownership rule
//! (`tags::may_take`) says so: a send whose answer was lost, or a lookup before the create
//! that lagged, left it. Anything else is someone else's and is refused.

use std::collections::BTreeMap;
use std::future::Future;

use pulumi_provider::Ctx;

use super::tags::may_take;
use super::wait::{self, Backoff, Poll};
use crate::error::{Error, Result};

/// What [`create_or_take`] ended with: the object it made, or the one of that name it took.
#[derive(Debug)]
pub enum Made<M, T> {
    Created(M),
    Taken(T),
}

/// Creates an object that AWS keys by name, or takes the one of that name when this resource
/// may take it (by its `tags`, or the saved state recording it as one of `known_as`);
/// otherwise the error `refused()`.
///
/// `create` answers `None` when AWS refused the create as existing; `read` finds the object
/// of the name. A refusal that the read cannot confirm is AWS's lag, either way round: the
/// read lags an object made a moment ago (a send whose answer was lost), or AWS still holds
/// the name of an object deleted a moment ago (a replacement that keeps its name). Both are
/// tried again until one answers, for `wait::UNSEEN_GRACE`. A name is one object, so
/// creating again can never make a second one.
pub async fn create_or_take<M, T, C, CFut, R, RFut>(
    ctx: &Ctx,
    what: &str,
    create: C,
    read: R,
    tags: impl Fn(&T) -> BTreeMap<String, String>,
    known_as: impl Fn(&T) -> Vec<String>,
    refused: impl FnOnce() -> Error,
) -> Result<Made<M, T>>
where
    C: Fn() -> CFut,
    CFut: Future<Output = Result<Option<M>>>,
    R: Fn() -> RFut,
    RFut: Future<Output = Result<Option<T>>>,
{
    let label = format!("{what}, refused as existing, to be listed or made");
    let (create, read) = (&create, &read);
    let outcome = wait::until(ctx, &label, Backoff::default(), move || async move {
        if let Some(made) = create().await? {
            return Ok(Poll::Ready(Made::Created(made)));
        }
        Ok(match read().await? {
            Some(found) => Poll::Ready(Made::Taken(found)),
            None => Poll::Unseen(Error::Vanished {
                what: what.to_string(),
                when: "was refused as existing, then not found",
            }),
        })
    })
    .await?;
    let Made::Taken(found) = outcome else {
        return Ok(outcome);
    };
    let tags = tags(&found);
    let names = known_as(&found);
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    if may_take(
        ctx,
        &names,
        tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    ) {
        Ok(Made::Taken(found))
    } else {
        Err(refused())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;
    use crate::aws::tags::URN_TAG;

    fn ctx() -> Ctx {
        Ctx::new(
            "urn:me",
            pulumi_provider::CancellationToken::new(),
            Default::default(),
        )
    }

    fn tagged(urn: &str) -> BTreeMap<String, String> {
        BTreeMap::from([(URN_TAG.to_string(), urn.to_string())])
    }

    fn taken() -> Error {
        Error::Taken {
            what: "the thing".into(),
        }
    }

    async fn refused_as_existing() -> Result<Option<()>> {
        Ok(None)
    }

    #[tokio::test]
    async fn a_create_that_answers_is_the_object_made() {
        let got = create_or_take(
            &ctx(),
            "thing",
            || async { Ok(Some("made")) },
            || async { Ok(Some(tagged("urn:other"))) },
            Clone::clone,
            |_| Vec::new(),
            taken,
        )
        .await;
        assert!(matches!(got, Ok(Made::Created("made"))));
    }

    #[tokio::test]
    async fn an_object_carrying_this_urn_is_taken() {
        let got = create_or_take(
            &ctx(),
            "thing",
            refused_as_existing,
            || async { Ok(Some(tagged("urn:me"))) },
            Clone::clone,
            |_| Vec::new(),
            taken,
        )
        .await;
        assert!(matches!(got, Ok(Made::Taken(_))));
    }

    #[tokio::test]
    async fn someone_elses_object_is_refused() {
        let got = create_or_take(
            &ctx(),
            "thing",
            refused_as_existing,
            || async { Ok(Some(tagged("urn:other"))) },
            Clone::clone,
            |_| Vec::new(),
            taken,
        )
        .await;
        assert!(matches!(got, Err(Error::Taken { .. })));
    }

    #[tokio::test]
    async fn an_object_not_listed_at_first_is_read_again() {
        let reads = AtomicU32::new(0);
        let got = create_or_take(
            &ctx(),
            "thing",
            refused_as_existing,
            || {
                let n = reads.fetch_add(1, Ordering::SeqCst);
                async move { Ok((n > 0).then(|| tagged("urn:me"))) }
            },
            Clone::clone,
            |_| Vec::new(),
            taken,
        )
        .await;
        assert!(matches!(got, Ok(Made::Taken(_))));
        assert_eq!(reads.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_name_held_a_moment_after_its_delete_is_created_again() {
        // AWS refuses the name twice (the old object is still being deleted) while reads
        // already say it is gone; the third create makes the new object.
        let creates = AtomicU32::new(0);
        let got = create_or_take(
            &ctx(),
            "thing",
            || {
                let n = creates.fetch_add(1, Ordering::SeqCst);
                async move { Ok((n >= 2).then_some("made")) }
            },
            || async { Ok(None::<BTreeMap<String, String>>) },
            Clone::clone,
            |_| Vec::new(),
            taken,
        )
        .await;
        assert!(matches!(got, Ok(Made::Created("made"))));
        assert_eq!(creates.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn a_create_error_ends_at_once() {
        let got = create_or_take(
            &ctx(),
            "thing",
            || async { Err::<Option<()>, _>(taken()) },
            || async { Ok(Some(tagged("urn:me"))) },
            Clone::clone,
            |_| Vec::new(),
            taken,
        )
        .await;
        assert!(matches!(got, Err(Error::Taken { .. })));
    }
}
