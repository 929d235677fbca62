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

/// Reads the object a create of `what` was just refused for, until AWS lists it (the read
/// may lag the refusal: not found counts as "not yet" for `wait::UNSEEN_GRACE`), and returns
/// it when this resource may take it (by its `tags`, or the saved state recording it as one of
/// `known_as`); otherwise the error `refused()`.
pub async fn take_existing<T, F, Fut>(
    ctx: &Ctx,
    what: &str,
    mut read: F,
    tags: impl Fn(&T) -> BTreeMap<String, String>,
    known_as: impl Fn(&T) -> Vec<String>,
    refused: impl FnOnce() -> Error,
) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>>>,
{
    let label = format!("{what}, refused as existing, to be listed");
    let found = wait::until(ctx, &label, Backoff::default(), || {
        let next = read();
        async move {
            Ok(match next.await? {
                Some(v) => Poll::Ready(v),
                None => Poll::Unseen(Error::Vanished {
                    what: what.to_string(),
                    when: "was refused as existing, then not found",
                }),
            })
        }
    })
    .await?;
    let tags = tags(&found);
    let names = known_as(&found);
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    if may_take(
        ctx,
        &names,
        tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    ) {
        Ok(found)
    } else {
        Err(refused())
    }
}

#[cfg(test)]
mod tests {
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

    #[tokio::test]
    async fn an_object_carrying_this_urn_is_taken() {
        let got = take_existing(
            &ctx(),
            "thing",
            || async { Ok(Some(tagged("urn:me"))) },
            Clone::clone,
            |_| Vec::new(),
            taken,
        )
        .await;
        assert!(got.is_ok());
    }

    #[tokio::test]
    async fn someone_elses_object_is_refused() {
        let got = take_existing(
            &ctx(),
            "thing",
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
        let reads = std::sync::atomic::AtomicU32::new(0);
        let got = take_existing(
            &ctx(),
            "thing",
            || {
                let n = reads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                async move { Ok((n > 0).then(|| tagged("urn:me"))) }
            },
            Clone::clone,
            |_| Vec::new(),
            taken,
        )
        .await;
        assert!(got.is_ok());
        assert_eq!(reads.load(std::sync::atomic::Ordering::SeqCst), 2);
    }
}
