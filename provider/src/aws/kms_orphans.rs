//! Keys left by an attempt killed between CreateKey and CreateAlias.
//!
//! KMS gives CreateKey no idempotency token, and such a key is found again only through the
//! Resource Groups Tagging API, whose index can lag a re-run by minutes: the re-run may then
//! make a second key and leave the first one live, tagged with the URN and without an alias.
//! Each resource's key is always behind its alias once the create finishes, so at the
//! resource's delete, when the index has long caught up, every key tagged with its URN that
//! has no alias, is not pending deletion and was not kept on purpose is such a key, and its
//! deletion is scheduled.

use pulumi_provider::Ctx;

use super::{KEPT_TAG, aliases_of, describe, tags_of};
use crate::aws::AwsContext;
use crate::aws::abandoned;
use crate::error::{Error, Result};

/// True when the key `arn`, tagged with this URN, is an orphan: live, not kept on purpose,
/// and behind no alias.
async fn is_orphan(cx: &AwsContext, ctx: &Ctx, arn: &str) -> Result<bool> {
    if describe(cx, arn).await?.is_none() {
        return Ok(false);
    }
    if tags_of(cx, arn).await?.contains_key(KEPT_TAG) {
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
    let found = match abandoned::tagged(cx, ctx.urn(), "kms:key").await {
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
