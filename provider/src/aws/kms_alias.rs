//! A new key's alias: how a key is found again in one list, so it must not be lost (see
//! `finish_key`).

use aws_sdk_kms::types::{KeyMetadata, KeyState};
use pulumi_provider::Ctx;

use super::{GIVEN_KEY, owned};
use crate::aws::AwsContext;
use crate::aws::lag::{NEW_KEY, resend, settle};
use crate::error::{Error, Result, found};

/// What to do when CreateAlias answers that the alias exists, naming the key `held`.
#[derive(Debug, PartialEq)]
pub(super) enum AliasTaken {
    /// It names the new key: an earlier send of this CreateAlias whose answer was lost.
    Ours,
    /// A key this resource owns, pending deletion: the alias is pointed at the new key.
    Repoint,
    /// A live key this resource owns, missed by the lookup before the create: kept.
    KeepHeld,
    /// Someone else's.
    Refused,
}

pub(super) fn alias_taken(new: &str, held: &str, held_pending: bool, may_take: bool) -> AliasTaken {
    if held == new {
        AliasTaken::Ours
    } else if !may_take {
        AliasTaken::Refused
    } else if held_pending {
        AliasTaken::Repoint
    } else {
        AliasTaken::KeepHeld
    }
}

pub(super) fn pending_deletion(meta: &KeyMetadata) -> bool {
    matches!(
        meta.key_state(),
        Some(KeyState::PendingDeletion) | Some(KeyState::PendingReplicaDeletion)
    )
}

/// Creates `alias` for the key `arn` (KMS may not know a key made a moment ago: waited out);
/// returns the ARN of the key the alias names at the end, by [`alias_taken`] when the alias
/// already exists.
pub(super) async fn give(cx: &AwsContext, ctx: &Ctx, arn: &str, alias: &str) -> Result<String> {
    let what = format!("KMS alias {alias}");
    let made = settle(ctx, &what, &[&NEW_KEY], || async {
        found(
            "kms:CreateAlias",
            cx.kms()
                .create_alias()
                .alias_name(alias)
                .target_key_id(arn)
                .send()
                .await,
            |e| e.is_already_exists_exception(),
        )
    })
    .await?;
    if made.is_some() {
        return Ok(arn.to_string());
    }
    // The alias exists, so a not-found answer naming it is KMS's lag.
    let described = settle(
        ctx,
        &what,
        &[&GIVEN_KEY],
        resend!(cx.kms().describe_key().key_id(alias), "kms:DescribeKey"),
    )
    .await?;
    let meta = described.key_metadata().ok_or(Error::Incomplete {
        operation: "kms:DescribeKey",
        missing: "the key metadata",
    })?;
    let held = meta.arn().unwrap_or_default().to_string();
    let may_take =
        held == arn || (ctx.is_known() && ctx.holds(&held)) || owned(cx, &held, ctx.urn()).await?;
    match alias_taken(arn, &held, pending_deletion(meta), may_take) {
        AliasTaken::Ours => Ok(held),
        AliasTaken::KeepHeld => {
            ctx.info(format!(
                "carrying on with KMS key {held}, already behind {alias} (made by an earlier attempt)"
            ))
            .await;
            Ok(held)
        }
        AliasTaken::Repoint => {
            settle(
                ctx,
                &what,
                &[&NEW_KEY],
                resend!(
                    cx.kms().update_alias().alias_name(alias).target_key_id(arn),
                    "kms:UpdateAlias"
                ),
            )
            .await?;
            Ok(arn.to_string())
        }
        AliasTaken::Refused => Err(Error::Taken {
            what: format!("the KMS alias {alias} (and the key it names)"),
        }),
    }
}

/// Schedules the deletion of a key this attempt made and will not use (7 days, the shortest
/// window), saying `why` on the engine log; a failure to schedule it is a warning naming the
/// key, so that it is not left unknown.
pub(super) async fn drop_key(cx: &AwsContext, ctx: &Ctx, arn: &str, why: &str) {
    let scheduled = settle(
        ctx,
        &format!("KMS key {arn}"),
        &[&GIVEN_KEY],
        resend!(
            cx.kms()
                .schedule_key_deletion()
                .key_id(arn)
                .pending_window_in_days(7),
            "kms:ScheduleKeyDeletion"
        ),
    )
    .await;
    match scheduled {
        Ok(_) => {
            ctx.info(format!(
                "scheduled deletion of KMS key {arn} (7 days), made by this attempt: {why}"
            ))
            .await
        }
        Err(e) => {
            ctx.warn(format!(
                "KMS key {arn} was made by this attempt and is not used ({why}), but its \
                 deletion could not be scheduled ({e}); schedule it"
            ))
            .await
        }
    }
}
