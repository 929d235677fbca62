//! Keys left by an attempt killed between CreateKey and CreateAlias.
//!
//! KMS gives CreateKey no idempotency token, and such a key has no alias to be found by. It
//! is found through KMS itself: the keys of the account and region that no alias names
//! (ListKeys less the targets of ListAliases), then the tags of each of those. Not through
//! the Resource Groups Tagging API, whose index can lag a re-run by minutes. KMS's own lists
//! lag a new key by seconds; for a re-run that comes sooner, every resource's delete also
//! schedules the deletion of every live key tagged with its URN that no alias names and that
//! was not kept on purpose: each resource's key is always behind its alias once the create
//! finishes, so such a key can only be an interrupted attempt's.

use std::collections::HashSet;

use futures::StreamExt;
use pulumi_provider::Ctx;

use super::{KEPT_TAG, aliases_of, describe, tags_of};
use crate::aws::AwsContext;
use crate::aws::tags::owned_by;
use crate::error::{Error, Result};

/// How many keys' tags are read at once.
const TAG_READS: usize = 8;

/// Every alias of this account and region that names a key: (alias name, key id), every
/// page read once.
pub async fn every_alias(cx: &AwsContext) -> Result<Vec<(String, String)>> {
    let mut aliases = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let page = cx
            .kms()
            .list_aliases()
            .set_marker(marker.take())
            .send()
            .await
            .map_err(|e| Error::aws("kms:ListAliases", e))?;
        aliases.extend(
            page.aliases().iter().filter_map(|a| {
                Some((a.alias_name()?.to_string(), a.target_key_id()?.to_string()))
            }),
        );
        match page.next_marker() {
            Some(next) if page.truncated() => marker = Some(next.to_string()),
            _ => return Ok(aliases),
        }
    }
}

/// The ARNs of the keys of this account and region that no alias names.
async fn without_alias(cx: &AwsContext) -> Result<Vec<String>> {
    let aliased: HashSet<String> = every_alias(cx)
        .await?
        .into_iter()
        .map(|(_, key)| key)
        .collect();
    let mut arns = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let page = cx
            .kms()
            .list_keys()
            .set_marker(marker.take())
            .send()
            .await
            .map_err(|e| Error::aws("kms:ListKeys", e))?;
        arns.extend(page.keys().iter().filter_map(|k| {
            let id = k.key_id()?;
            (!aliased.contains(id)).then(|| k.key_arn().unwrap_or(id).to_string())
        }));
        match page.next_marker() {
            Some(next) if page.truncated() => marker = Some(next.to_string()),
            _ => return Ok(arns),
        }
    }
}

/// The keys tagged with this URN that no alias names and that were not kept on purpose. A
/// key whose tags this caller may not read (another team's key policy), or that went in the
/// meantime, is not this resource's.
pub(super) async fn unaliased(cx: &AwsContext, urn: &str) -> Result<Vec<String>> {
    let candidates = without_alias(cx).await?;
    let read: Vec<(String, Result<_>)> = futures::stream::iter(candidates)
        .map(|arn| async move {
            let tags = tags_of(cx, &arn).await;
            (arn, tags)
        })
        .buffer_unordered(TAG_READS)
        .collect()
        .await;
    let mut owned = Vec::new();
    for (arn, tags) in read {
        match tags {
            Ok(tags) => {
                let ours = owned_by(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), urn);
                if ours && !tags.contains_key(KEPT_TAG) {
                    owned.push(arn);
                }
            }
            Err(Error::Aws { code, denied, .. })
                if denied || code == "NotFoundException" || code == "AccessDeniedException" => {}
            Err(e) => return Err(e),
        }
    }
    owned.sort();
    Ok(owned)
}

/// True when the key `arn`, tagged with this URN and not kept on purpose, is an orphan: live
/// (not pending deletion), and behind no alias when KMS is asked about it alone.
pub(super) async fn is_orphan(cx: &AwsContext, ctx: &Ctx, arn: &str) -> Result<bool> {
    if describe(cx, arn).await?.is_none() {
        return Ok(false);
    }
    Ok(aliases_of(cx, ctx, arn).await?.is_empty())
}

async fn schedule(cx: &AwsContext, arn: &str) -> Result<()> {
    cx.kms()
        .schedule_key_deletion()
        .key_id(arn)
        .pending_window_in_days(7)
        .send()
        .await
        .map_err(|e| Error::aws("kms:ScheduleKeyDeletion", e))?;
    Ok(())
}

/// Schedules the deletion (7 days) of the keys tagged with this URN that no alias names.
/// Called at the resource's delete, after its own key was dealt with. Best effort: what
/// cannot be read or scheduled is a warning naming the key, never a failed delete.
pub async fn sweep(cx: &AwsContext, ctx: &Ctx) {
    let found = match unaliased(cx, ctx.urn()).await {
        Ok(found) => found,
        Err(e) => {
            ctx.warn(format!(
                "could not look for KMS keys left by an interrupted create of this resource \
                 ({e}); keys tagged pulumi:urn={} without an alias are such keys",
                ctx.urn()
            ))
            .await;
            return;
        }
    };
    for arn in found {
        let done = match is_orphan(cx, ctx, &arn).await {
            Ok(false) => continue,
            Ok(true) => schedule(cx, &arn).await,
            Err(e) => Err(e),
        };
        match done {
            Ok(()) => {
                ctx.info(format!(
                    "scheduled deletion of KMS key {arn} (7 days): an interrupted create of \
                     this resource made it and never gave it its alias"
                ))
                .await
            }
            Err(e) => {
                ctx.warn(format!(
                    "KMS key {arn} carries this resource's URN and has no alias (an \
                     interrupted create made it), but its deletion could not be scheduled \
                     ({e}); schedule it"
                ))
                .await
            }
        }
    }
}
