//! Customer-managed KMS keys that a resource creates and owns, found again by alias.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use aws_sdk_kms::types::Tag;
use pulumi_provider::Ctx;

use super::AwsContext;
use super::lag::{Lag, NEW_KEY, NEW_NAMED, NEW_ROLE, resend, settle};
use super::tags::owned_by;
use super::wait::{self, Backoff, Poll};
use crate::error::{Error, Result, found};

/// A key as a resource sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub arn: String,
    pub rotation: bool,
    /// Why the rotation status could not be read (the AWS error), when it could not.
    pub rotation_unread: Option<String>,
}

impl Key {
    /// Whether the key's rotation is known to be on, and the evidence for the compliance
    /// output. A status that could not be read is not satisfied, and says why.
    pub fn rotation_evidence(key: Option<&Key>) -> (bool, String) {
        match key {
            None => (false, "no customer-managed key".into()),
            Some(Key {
                rotation_unread: Some(why),
                ..
            }) => (false, format!("key rotation could not be read: {why}")),
            Some(k) if k.rotation => (true, "key rotation is on".into()),
            Some(_) => (false, "key rotation is off".into()),
        }
    }
}

/// A key named by an input: made a moment ago, or never; a minute tells the two apart.
const GIVEN_KEY: Lag = NEW_KEY.for_at_most(Duration::from_secs(60));

/// How long a rotation status that still reads off after this provider's own
/// EnableKeyRotation is read again (KMS's reads lag its writes by seconds), before the
/// operation fails saying so.
const ROTATION_READ_BACK: Duration = Duration::from_secs(60);

/// Finds the key behind `alias` that this URN owns, or creates one with rotation on.
/// A key pending deletion behind the alias is not reused.
pub async fn ensure_owned_key(
    cx: &AwsContext,
    ctx: &Ctx,
    alias: &str,
    description: &str,
    policy: Option<String>,
    tags: &BTreeMap<String, String>,
) -> Result<Key> {
    if let Some(key) = describe(cx, alias).await? {
        // The alias is named from the resource's id: the key behind it is the resource's own
        // when the saved state records it, or when it carries this URN (`tags::may_take`).
        let ours = || owned(cx, &key.arn, ctx.urn());
        if (ctx.is_known() && ctx.holds(&key.arn))
            || settle(ctx, &format!("KMS key {}", key.arn), &[&NEW_NAMED], ours).await?
        {
            if !key.rotation {
                enable_rotation(cx, ctx, &key.arn).await?;
            }
            retag(cx, ctx, &key.arn, tags).await?;
            return Ok(Key {
                rotation: true,
                rotation_unread: None,
                ..key
            });
        }
        return Err(Error::Taken {
            what: format!("the KMS alias {alias} (and the key it names)"),
        });
    }
    let what = format!("the KMS key behind {alias}");
    if let Some(arn) = orphan(cx, ctx).await? {
        ctx.info(format!(
            "carrying on with KMS key {arn}, made by an earlier attempt that was interrupted \
             before it had its alias"
        ))
        .await;
        if let Some(policy) = &policy {
            // The policy may name things after the earlier attempt's name.
            settle(ctx, &what, &[&NEW_KEY, &NEW_ROLE], || async {
                cx.kms()
                    .put_key_policy()
                    .key_id(&arn)
                    .policy_name("default")
                    .policy(policy)
                    .send()
                    .await
                    .map_err(|e| Error::aws("kms:PutKeyPolicy", e))
            })
            .await?;
        }
        return finish_key(cx, ctx, arn, alias, tags).await;
    }
    // A policy naming a role made a moment ago is refused until the role propagates; the
    // refusal makes no key, so trying again cannot make two.
    let kms_tags = kms_tags(tags)?;
    let created = settle(ctx, &what, &[&NEW_ROLE], || async {
        cx.kms()
            .create_key()
            .description(description)
            .set_policy(policy.clone())
            .set_tags(Some(kms_tags.clone()))
            .send()
            .await
            .map_err(|e| Error::aws("kms:CreateKey", e))
    })
    .await?;
    let arn = created
        .key_metadata()
        .and_then(|m| m.arn())
        .ok_or_else(|| Error::Incomplete {
            operation: "kms:CreateKey",
            missing: "the key ARN",
        })?
        .to_string();
    finish_key(cx, ctx, arn, alias, tags).await
}

/// Gives a key without an alias (made by this attempt, or by an interrupted one) its alias,
/// then turns rotation on. The alias comes first: it is how a later attempt finds the key in
/// one list (ListAliases); a key without one is found only by reading the tags of every
/// key of the account that no alias names.
///
/// The no-second-key rule: a key that cannot be given its alias is scheduled for deletion
/// before the error is returned, since nothing else would find it again in time; and when
/// the alias turns out to name another key this resource owns (the lookup before the create
/// lagged), that key is kept and the new one scheduled for deletion.
async fn finish_key(
    cx: &AwsContext,
    ctx: &Ctx,
    arn: String,
    alias: &str,
    tags: &BTreeMap<String, String>,
) -> Result<Key> {
    let arn = match alias::give(cx, ctx, &arn, alias).await {
        Ok(held) if held == arn => arn,
        Ok(held) => {
            alias::drop_key(
                cx,
                ctx,
                &arn,
                &format!("{alias} names this resource's key {held}"),
            )
            .await;
            retag(cx, ctx, &held, tags).await?;
            held
        }
        Err(cause) => {
            alias::drop_key(
                cx,
                ctx,
                &arn,
                &format!("it could not be given its alias {alias}"),
            )
            .await;
            return Err(cause);
        }
    };
    enable_rotation(cx, ctx, &arn).await?;
    Ok(Key {
        arn,
        rotation: true,
        rotation_unread: None,
    })
}

/// A key this URN owns that has no alias, is not pending deletion and was not kept on
/// purpose: made by an attempt killed between CreateKey and CreateAlias (each resource owns
/// at most one key, always behind its alias once made), found through KMS's own lists. A create that replaces the resource finds none: the keys
/// tagged with the URN are the old resource's.
async fn orphan(cx: &AwsContext, ctx: &Ctx) -> Result<Option<String>> {
    if ctx.is_replacing() {
        return Ok(None);
    }
    for arn in orphans::unaliased(cx, ctx.urn()).await? {
        if orphans::is_orphan(cx, ctx, &arn).await? {
            return Ok(Some(arn));
        }
    }
    Ok(None)
}

/// The names of the aliases of a key that exists (KMS's not-found answer, for a key made a
/// moment ago, is waited out for a minute).
async fn aliases_of(cx: &AwsContext, ctx: &Ctx, arn: &str) -> Result<Vec<String>> {
    let aliases = settle(
        ctx,
        &format!("aliases of KMS key {arn}"),
        &[&NEW_NAMED],
        resend!(cx.kms().list_aliases().key_id(arn), "kms:ListAliases"),
    )
    .await?;
    Ok(aliases
        .aliases()
        .iter()
        .filter_map(|a| a.alias_name().map(String::from))
        .collect())
}

/// The key the user named (`given`), which must exist (`property` names the input in the
/// error); `None` when the user named none. Asked before anything is made, so that a wrong
/// key makes nothing.
///
/// A key the program made a moment ago (with another provider) may not be known to KMS yet:
/// that is waited out for a minute before the key is called missing.
pub async fn given(
    cx: &AwsContext,
    ctx: &Ctx,
    given: Option<&str>,
    property: &'static str,
) -> Result<Option<Key>> {
    let Some(id) = given else {
        return Ok(None);
    };
    let known = settle(ctx, &format!("{property} {id}"), &[&GIVEN_KEY], || async {
        cx.kms()
            .describe_key()
            .key_id(id)
            .send()
            .await
            .map_err(|e| Error::aws("kms:DescribeKey", e))
    })
    .await;
    match known {
        Err(Error::Aws { code, .. }) if GIVEN_KEY.matches_code(&code) => {
            return Err(Error::Input {
                property: property.into(),
                reason: format!("the KMS key {id} does not exist"),
            });
        }
        Err(e) => return Err(e),
        Ok(_) => {}
    }
    describe(cx, id)
        .await?
        .map(Some)
        .ok_or_else(|| Error::Input {
            property: property.into(),
            reason: format!("the KMS key {id} does not exist or is pending deletion"),
        })
}

/// The key a resource encrypts with: the user's, found by [`given`], or one the resource
/// owns behind `alias`, made if need be (alongside the resource's other parts).
pub async fn or_owned(
    cx: &AwsContext,
    ctx: &Ctx,
    given: Option<Key>,
    alias: &str,
    description: &str,
    tags: &BTreeMap<String, String>,
) -> Result<Key> {
    match given {
        Some(key) => Ok(key),
        None => ensure_owned_key(cx, ctx, alias, description, None, tags).await,
    }
}

/// Turns the key's rotation on (KMS may not know a key made a moment ago: waited out), then
/// reads the status until it says on: right after EnableKeyRotation it can still read off,
/// and the state read that follows would report the key as unrotated.
async fn enable_rotation(cx: &AwsContext, ctx: &Ctx, arn: &str) -> Result<()> {
    let what = format!("rotation of KMS key {arn}");
    settle(
        ctx,
        &what,
        &[&NEW_KEY],
        resend!(
            cx.kms().enable_key_rotation().key_id(arn),
            "kms:EnableKeyRotation"
        ),
    )
    .await?;
    let enabled = Instant::now();
    wait::until(
        ctx,
        &format!("{what} to read on"),
        Backoff::default(),
        || async {
            let status = found(
                "kms:GetKeyRotationStatus",
                cx.kms().get_key_rotation_status().key_id(arn).send().await,
                |e| e.is_not_found_exception(),
            )?;
            rotation_read_back(
                arn,
                status.map(|s| s.key_rotation_enabled()),
                enabled.elapsed(),
            )
        },
    )
    .await
}

/// One read of the rotation status `on` (`None`: the key not found), `waited` after this
/// provider's EnableKeyRotation was accepted.
fn rotation_read_back(arn: &str, on: Option<bool>, waited: Duration) -> Result<Poll<()>> {
    match on {
        Some(true) => Ok(Poll::Ready(())),
        Some(false) if waited < ROTATION_READ_BACK => {
            Ok(Poll::Pending("rotation still reads off".into()))
        }
        Some(false) => Err(Error::Unexpected(format!(
            "KMS accepted EnableKeyRotation for {arn}, but its rotation still reads off {}s later",
            waited.as_secs()
        ))),
        None => Ok(Poll::Unseen(Error::Vanished {
            what: format!("KMS key {arn}"),
            when: "was not found after its rotation was turned on",
        })),
    }
}

/// The key behind an id, ARN or alias, unless it is gone or pending deletion.
pub async fn describe(cx: &AwsContext, key_id: &str) -> Result<Option<Key>> {
    let described = found(
        "kms:DescribeKey",
        cx.kms().describe_key().key_id(key_id).send().await,
        |e| e.is_not_found_exception(),
    )?;
    let Some(meta) = described.and_then(|d| d.key_metadata) else {
        return Ok(None);
    };
    if alias::pending_deletion(&meta) {
        return Ok(None);
    }
    let arn = meta.arn().unwrap_or_default().to_string();
    // A key the provider may not read the rotation of (another account's, a tight policy) is
    // still usable; only the compliance control says it could not be verified.
    let (rotation, rotation_unread) =
        match cx.kms().get_key_rotation_status().key_id(&arn).send().await {
            Ok(r) => (r.key_rotation_enabled(), None),
            Err(e) => (
                false,
                Some(Error::aws("kms:GetKeyRotationStatus", e).to_string()),
            ),
        };
    Ok(Some(Key {
        arn,
        rotation,
        rotation_unread,
    }))
}

/// A resource's key as AWS reports it, and whether the resource owns it: the key is the
/// one behind the resource's own alias (`own_alias`, named from its id), which only the
/// resource makes. This holds whatever URN the resource has now.
pub async fn observe(
    cx: &AwsContext,
    key_id: Option<&str>,
    own_alias: &str,
) -> Result<(Option<Key>, bool)> {
    let Some(id) = key_id else {
        return Ok((None, false));
    };
    let (key, own) = futures::join!(describe(cx, id), describe(cx, own_alias));
    let (key, own) = (key?, own?);
    let managed = matches!((&key, &own), (Some(k), Some(o)) if k.arn == o.arn);
    Ok((key, managed))
}

/// True when the key carries this URN's ownership tag.
pub(super) async fn owned(cx: &AwsContext, arn: &str, urn: &str) -> Result<bool> {
    Ok(owned_by(
        tags_of(cx, arn)
            .await?
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str())),
        urn,
    ))
}

/// The tag of a key its resource's delete kept on purpose (it decrypts the audit logs kept
/// with it): evidence left behind, never the key of an earlier, interrupted attempt that a
/// create of the same resource may carry on with (`abandoned::by_key_alias`).
pub const KEPT_TAG: &str = "healthcare:kept-on-delete";

/// Tags a key kept at its resource's delete with `KEPT_TAG`. A create that takes the key
/// back (a resource of the same explicit name) brings its tags to its own, without this one.
pub async fn mark_kept(cx: &AwsContext, arn: &str) -> Result<()> {
    cx.kms()
        .tag_resource()
        .key_id(arn)
        .tags(
            Tag::builder()
                .tag_key(KEPT_TAG)
                .tag_value("true")
                .build()
                .map_err(Error::from)?,
        )
        .send()
        .await
        .map_err(|e| Error::aws("kms:TagResource", e))?;
    Ok(())
}

/// The key's tags.
pub async fn tags_of(cx: &AwsContext, arn: &str) -> Result<BTreeMap<String, String>> {
    let tags = cx
        .kms()
        .list_resource_tags()
        .key_id(arn)
        .send()
        .await
        .map_err(|e| Error::aws("kms:ListResourceTags", e))?;
    Ok(tags
        .tags()
        .iter()
        .map(|t| (t.tag_key().to_string(), t.tag_value().to_string()))
        .collect())
}

/// Brings a key's tags to `want` (the current URN among them). The key exists (found by its
/// alias, or just made): KMS's not-found answers are its lag, waited out for a minute.
async fn retag(
    cx: &AwsContext,
    ctx: &Ctx,
    arn: &str,
    want: &BTreeMap<String, String>,
) -> Result<()> {
    let what = format!("tags of KMS key {arn}");
    let have = settle(ctx, &what, &[&NEW_NAMED], || tags_of(cx, arn)).await?;
    super::tagging::retag_settled(ctx, cx.kms(), arn, &have, want).await
}

fn kms_tags(tags: &BTreeMap<String, String>) -> Result<Vec<Tag>> {
    tags.iter()
        .map(|(k, v)| Tag::builder().tag_key(k).tag_value(v).build())
        .collect::<Result<_, _>>()
        .map_err(Error::from)
}

/// Deletes the alias and schedules the key's deletion (the shortest window AWS allows is
/// 7 days; 30 leaves time to notice a mistake). A key already gone or already pending
/// deletion is fine.
pub async fn retire(cx: &AwsContext, alias: &str, arn: &str) -> Result<()> {
    found(
        "kms:DeleteAlias",
        cx.kms().delete_alias().alias_name(alias).send().await,
        |e| e.is_not_found_exception(),
    )?;
    let scheduled = cx
        .kms()
        .schedule_key_deletion()
        .key_id(arn)
        .pending_window_in_days(30)
        .send()
        .await;
    match scheduled {
        Ok(_) => Ok(()),
        Err(e)
            if e.as_service_error().is_some_and(|s| {
                s.is_not_found_exception() || s.is_kms_invalid_state_exception()
            }) =>
        {
            Ok(())
        }
        Err(e) => Err(Error::aws("kms:ScheduleKeyDeletion", e)),
    }
}

/// What becomes of a resource's key once the resource is deleted: a key it made (`managed`)
/// is scheduled for deletion, unless the final snapshot `snapshot` is encrypted with it, in
/// which case it is kept and the engine log says so.
pub async fn release(
    cx: &AwsContext,
    ctx: &Ctx,
    managed: bool,
    arn: &str,
    alias: &str,
    snapshot: Option<&str>,
) -> Result<()> {
    match (managed && !arn.is_empty(), snapshot) {
        (true, Some(name)) => {
            ctx.info(format!(
                "kept KMS key {arn}: the final snapshot {name} is encrypted with it; schedule its deletion once the snapshot is no longer needed"
            ))
            .await
        }
        (true, None) => {
            retire(cx, alias, arn).await?;
            ctx.info(format!("scheduled deletion of KMS key {arn} (30 days)"))
                .await;
        }
        (false, Some(name)) => ctx.info(format!("final snapshot {name} taken")).await,
        (false, None) => {}
    }
    sweep_orphans(cx, ctx).await;
    Ok(())
}

#[path = "kms_alias.rs"]
mod alias;

#[path = "kms_orphans.rs"]
mod orphans;
pub use orphans::{every_alias, sweep as sweep_orphans};

#[cfg(test)]
#[path = "kms_tests.rs"]
mod tests;
