//! Create, update and delete of an AccountBaseline, built on one idempotent `converge`:
//! each part is found by its name and brought to its settings, or made.

use std::collections::BTreeMap;

use pulumi_provider::Ctx;
use serde_json::json;

use super::args::{BaselineArgs, BaselineState, CREATED, LockMode, Names, Part};
use super::policies::{self, ACCESS_PREFIX, Arns};
use super::survey::{Found, decide, survey};
use super::{
    access_roles, account, alarms, backup, default_vpc, ec2_account, guards, rds_events, recorder,
    reports, state, trail,
};
use crate::aws::iam::{self, RoleSpec};
use crate::aws::lag::{NEW_KEY, NEW_ROLE, settle};
use crate::aws::s3::{self, Encryption, Lock};
use crate::aws::tags::{claim, may_take, tags_for};
use crate::aws::{AwsContext, kms, logs, partial, s3control};
use crate::error::{Error, Result};
use crate::resources::postgres::settling;

/// The inline policy of the role CloudTrail delivers to CloudWatch Logs with.
pub const LOGS_POLICY: &str = "deliver-to-log-group";

/// The auto-name an earlier, interrupted attempt of this create drew: its key is made first,
/// and is found by its alias and its URN tag.
pub async fn abandoned(cx: &AwsContext, ctx: &Ctx, a: &BaselineArgs) -> Result<Option<String>> {
    cx.validate().await?;
    crate::aws::abandoned::by_key_alias(cx, ctx.urn(), a.name(), KEY_ALIAS_PREFIX).await
}

/// Where every baseline's key alias starts (`Names::key_alias`).
const KEY_ALIAS_PREFIX: &str = "alias/healthcare/baseline/";
/// The key's tag recording, before a one-per-region part is made, that this baseline makes
/// it: a create interrupted after making it tells its retry so (`parts` is in no state yet).
const MADE_TAG: &str = "healthcare:baseline:";

/// The parts an earlier attempt of this create recorded on its key as its own to make.
pub(super) async fn recorded_on_key(
    cx: &AwsContext,
    ctx: &Ctx,
    names: &Names,
) -> Result<BTreeMap<String, String>> {
    let Some(key) = kms::describe(cx, &names.key_alias).await? else {
        return Ok(BTreeMap::new());
    };
    let tags = kms::tags_of(cx, &key.arn).await?;
    // A key kept by an earlier baseline's delete records what that baseline made and removed.
    if tags.contains_key(kms::KEPT_TAG)
        || !crate::aws::tags::owned_by(
            tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            ctx.urn(),
        )
    {
        return Ok(BTreeMap::new());
    }
    Ok(tags
        .into_iter()
        .filter_map(|(k, v)| k.strip_prefix(MADE_TAG).map(|part| (part.to_string(), v)))
        .filter(|(_, v)| v == CREATED)
        .collect())
}

/// Makes AWS match `a`.
pub async fn converge(
    cx: &AwsContext,
    ctx: &Ctx,
    a: &BaselineArgs,
    previous: Option<&BaselineState>,
) -> Result<BaselineState> {
    cx.validate().await?;
    let account = cx.account().await?.to_string();
    let names = Names::new(a.name(), &account, &cx.region);
    let found = survey(cx).await?;
    let known = match previous {
        Some(p) => p.parts.clone(),
        None => recorded_on_key(cx, ctx, &names).await?,
    };
    // The check before this create said what the account has (`preflight`); it may have
    // changed since, so the create decides again before it makes anything.
    let parts = decide(a, &names, &found, &known)?;
    // A default VPC this baseline locked down and the inputs now leave alone is put back.
    let put_back = !a.wants(Part::DefaultVpc)
        && known.get(Part::DefaultVpc.key()).map(String::as_str) == Some(CREATED);
    let tags = tags_for(ctx.urn(), &cx.default_tags, &a.tags());
    // The key records which one-per-region parts this baseline makes, from its create on.
    let mut key_tags = tags.clone();
    key_tags.extend(
        parts
            .iter()
            .filter(|(_, whose)| whose.as_str() == CREATED)
            .map(|(part, whose)| (format!("{MADE_TAG}{part}"), whose.clone())),
    );
    let arns = Arns {
        partition: &cx.partition,
        region: &cx.region,
        account: &account,
    };
    // AWS Backup's reports are written through its service-linked role, which the key's and
    // the log bucket's policies name: it must exist before either.
    if a.backs_up() {
        iam::ensure_linked_role(
            cx,
            ctx,
            reports::SERVICE,
            "AWS Backup's service-linked role for reports",
        )
        .await?;
    }
    let policy = policies::key(&arns, &names, a.backs_up()).to_string();
    let description = format!(
        "Encrypts the account baseline {} (managed by Pulumi)",
        a.name()
    );
    let key = kms::ensure_owned_key(
        cx,
        ctx,
        &names.key_alias,
        &description,
        Some(policy.clone()),
        &key_tags,
    )
    .await?;
    let result = async {
        settle(
            ctx,
            &format!("KMS key {}", key.arn),
            &[&NEW_KEY, &NEW_ROLE],
            || async {
                cx.kms()
                    .put_key_policy()
                    .key_id(&key.arn)
                    .policy_name("default")
                    .policy(&policy)
                    .send()
                    .await
                    .map_err(|e| Error::aws("kms:PutKeyPolicy", e))
            },
        )
        .await?;
        finish(cx, ctx, a, &names, &arns, &key.arn, &found, &parts, &tags).await?;
        if put_back {
            default_vpc::restore(cx, ctx, &arns.bucket(&names.bucket)).await?;
        }
        Ok(())
    }
    .await;
    if let Err(cause) = result {
        let mut parts = parts.clone();
        if put_back {
            // Not put back yet, or not wholly: the next attempt does it again.
            parts.insert(Part::DefaultVpc.key().to_string(), CREATED.to_string());
        }
        let known = BaselineState {
            args: a.clone(),
            kms_key_arn: key.arn.clone(),
            parts: parts.clone(),
            ..BaselineState::default()
        };
        return Err(partial::report(
            ctx,
            a.name(),
            cause,
            known,
            state::read(cx, a.name(), Some(a), &parts),
        )
        .await);
    }
    // The trail's reads may lag its create for a moment: not found is waited out. So may
    // GuardDuty's list of detectors and AWS Config's of recorders: a state without the
    // detector or recorder this baseline made would leave it behind at the delete.
    let what = format!("CloudTrail trail {}", a.name());
    let made = |p: Part| parts.get(p.key()).map(String::as_str) == Some(CREATED);
    let (made_detector, made_recorder) = (made(Part::GuardDuty), made(Part::ConfigRecorder));
    settling::until_seen(
        ctx,
        &what,
        || settling::vanished(&what, "was not found right after it was made"),
        || async {
            let read = state::read(cx, a.name(), Some(a), &parts).await?;
            Ok(read.filter(|s| {
                (!made_detector || !s.guard_duty_detector_id.is_empty())
                    && (!made_recorder || !s.config_recorder_name.is_empty())
            }))
        },
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn finish(
    cx: &AwsContext,
    ctx: &Ctx,
    a: &BaselineArgs,
    names: &Names,
    arns: &Arns<'_>,
    key_arn: &str,
    found: &Found,
    parts: &BTreeMap<String, String>,
    tags: &BTreeMap<String, String>,
) -> Result<()> {
    let mine = |p: Part| parts.get(p.key()).map(String::as_str) == Some(CREATED);
    ensure_bucket(cx, ctx, &names.access_bucket, false).await?;
    s3::configure(
        cx,
        ctx,
        &names.access_bucket,
        &Encryption::S3,
        &policies::access_bucket(arns, names),
        None,
        None,
        tags,
    )
    .await?;
    let lock = match a.lock() {
        LockMode::None => None,
        mode => Some(Lock {
            compliance: mode == LockMode::Compliance,
            days: a.object_lock_days.unwrap_or(super::args::DEFAULT_LOCK_DAYS),
        }),
    };
    ensure_bucket(cx, ctx, &names.bucket, lock.is_some()).await?;
    s3::configure(
        cx,
        ctx,
        &names.bucket,
        &Encryption::Kms(key_arn.to_string()),
        &policies::log_bucket(arns, names, a.backs_up()),
        lock,
        Some((&names.access_bucket, ACCESS_PREFIX)),
        tags,
    )
    .await?;
    let retention = a
        .log_retention_days
        .unwrap_or(super::args::DEFAULT_RETENTION_DAYS);
    logs::ensure(cx, ctx, &names.log_group, key_arn, retention, tags).await?;
    let group_arn = arns.log_group(names);
    let role_arn = iam::ensure_role(
        cx,
        ctx,
        &RoleSpec {
            name: &names.logs_role,
            property: Some("baselineName"),
            description: "CloudTrail delivers the account baseline's trail to its log group",
            principals: &["cloudtrail.amazonaws.com".to_string()],
            policy_name: LOGS_POLICY,
            policy: json!({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": format!("{group_arn}:log-stream:*"),
            }]}),
            tags,
        },
    )
    .await?;
    let delivery = trail::Delivery {
        key_arn,
        log_group_arn: &group_arn,
        role_arn: &role_arn,
    };
    trail::ensure(cx, ctx, a, names, &delivery, tags).await?;
    let existing_recorder = found
        .recorder
        .as_ref()
        .filter(|r| !mine(Part::ConfigRecorder) || r.name == names.recorder);
    recorder::ensure(cx, ctx, names, existing_recorder, key_arn).await?;
    guards::ensure_detector(
        cx,
        ctx,
        found.detector.as_ref().map(|(id, _)| id.as_str()),
        tags,
    )
    .await?;
    guards::ensure_hub(
        cx,
        ctx,
        found.hub.is_some(),
        a.security_hub_standards.as_deref().unwrap_or_default(),
        mine(Part::SecurityHub),
        tags,
    )
    .await?;
    if !found.ebs {
        account::set_ebs_encryption(cx, true).await?;
    }
    if found.ec2.http_tokens.as_deref() != Some(ec2_account::TOKENS_REQUIRED) {
        ec2_account::set_imds_v2(cx, ctx, true).await?;
    }
    if found.ec2.snapshots != ec2_account::SNAPSHOTS_BLOCKED {
        ec2_account::block_snapshots(cx, ctx, true).await?;
    }
    if found.ec2.images != ec2_account::IMAGES_BLOCKED {
        ec2_account::block_images(cx, ctx, true).await?;
    }
    if a.wants(Part::DefaultVpc)
        && let Some(vpc) = &found.default_vpc
    {
        default_vpc::lock(cx, ctx, vpc, &arns.bucket(&names.bucket), tags).await?;
    }
    if !found
        .public_access
        .as_ref()
        .is_some_and(s3control::blocks_all)
    {
        s3control::block_all(cx, ctx).await?;
        // The account's settings reach every region (and its reads) a moment later.
        let what = "S3 Block Public Access for the account";
        settling::until_seen(
            ctx,
            what,
            || settling::vanished(what, "was not in effect right after it was set"),
            || async {
                Ok(s3control::public_access_block(cx)
                    .await?
                    .filter(s3control::blocks_all))
            },
        )
        .await?;
    }
    let want = a.password_policy.clone().unwrap_or_default();
    let current = account::password_policy(cx).await?;
    if !current
        .as_ref()
        .is_some_and(|p| account::policy_holds(p, &want) && exact_policy(p, &want))
    {
        account::put_password_policy(cx, ctx, &want).await?;
        // IAM's reads lag its writes: read until the policy shows, for the state read.
        let what = "the IAM password policy";
        settling::until_seen(
            ctx,
            what,
            || settling::vanished(what, "was not found right after it was set"),
            || async {
                Ok(account::password_policy(cx)
                    .await?
                    .filter(|p| account::policy_holds(p, &want) && exact_policy(p, &want)))
            },
        )
        .await?;
    }
    let topic = alarms::ensure_topic(
        cx,
        ctx,
        names,
        key_arn,
        a.alarm_emails.as_deref().unwrap_or_default(),
        tags,
    )
    .await?;
    alarms::ensure_alarms(cx, ctx, names, &topic, tags).await?;
    rds_events::ensure(cx, ctx, names, &topic, tags).await?;
    access_roles::ensure(cx, ctx, a, names, tags).await?;
    if a.backs_up() {
        backup::ensure(cx, ctx, a, names, key_arn, tags).await?;
    } else if let Some(kept) = backup::delete(cx, ctx, names).await? {
        ctx.info(format!(
            "kept {kept}: backups are deleted as the plan kept them"
        ))
        .await;
    }
    Ok(())
}

/// The policy is exactly the baseline's (so an in-place change of an input is applied).
fn exact_policy(
    p: &aws_sdk_iam::types::PasswordPolicy,
    want: &super::args::PasswordPolicyArgs,
) -> bool {
    let age = want.max_age_days.unwrap_or(90);
    p.minimum_password_length == want.minimum_length
        && p.password_reuse_prevention == want.reuse_prevention
        && p.max_password_age.unwrap_or(0) == age
        && p.allow_users_to_change_password
}

/// Makes the bucket, or takes the one found under its name by the ownership rule. A bucket
/// with no tag at all and no object is the one an interrupted attempt of this baseline made
/// before it could tag it (CreateBucket takes no tags): the name is derived from this
/// baseline's own, whose key carries this URN, and S3 names are global.
async fn ensure_bucket(cx: &AwsContext, ctx: &Ctx, name: &str, lock: bool) -> Result<()> {
    match s3::tags(cx, name).await? {
        Some(found) if found.is_empty() && s3::is_empty(cx, name).await? => {
            ctx.info(format!(
                "carrying on with S3 bucket {name}, made by an earlier attempt that was \
                 interrupted before it was tagged"
            ))
            .await;
            Ok(())
        }
        Some(found) => {
            // Tags an attempt a moment ago wrote may not show yet.
            let found = if found.is_empty() && !may_take(ctx, &[name], std::iter::empty()) {
                s3::tags_once_shown(cx, ctx, name).await?
            } else {
                found
            };
            claim(ctx, &[name], &found, "baselineName", || {
                format!("an S3 bucket named {name}")
            })
        }
        None => s3::create(cx, ctx, name, lock).await,
    }
}

/// Deletes what the baseline made; what is audit evidence is kept unless `retainLogs` is
/// false (and a bucket under Object Lock always), and the engine log names what is kept.
pub async fn delete(cx: &AwsContext, ctx: &Ctx, state: &BaselineState) -> Result<()> {
    cx.validate().await?;
    let a = &state.args;
    let account = cx.account().await?.to_string();
    let names = Names::new(a.name(), &account, &cx.region);
    rds_events::delete(cx, ctx, &names).await?;
    alarms::delete(cx, ctx, &names).await?;
    trail::delete(cx, ctx, &names.trail).await?;
    if state.created(Part::ConfigRecorder) && !state.config_recorder_name.is_empty() {
        recorder::delete(cx, ctx, &state.config_recorder_name).await?;
    }
    if state.created(Part::GuardDuty) && !state.guard_duty_detector_id.is_empty() {
        guards::delete_detector(cx, ctx, &state.guard_duty_detector_id).await?;
    }
    if state.created(Part::SecurityHub) {
        guards::disable_hub(cx, ctx).await?;
    }
    if state.created(Part::EbsEncryption) {
        account::set_ebs_encryption(cx, false).await?;
    }
    if state.created(Part::PasswordPolicy) {
        account::delete_password_policy(cx, ctx).await?;
    }
    if state.created(Part::ImdsDefaults) {
        ec2_account::set_imds_v2(cx, ctx, false).await?;
    }
    if state.created(Part::SnapshotBlockPublicAccess) {
        ec2_account::block_snapshots(cx, ctx, false).await?;
    }
    if state.created(Part::ImageBlockPublicAccess) {
        ec2_account::block_images(cx, ctx, false).await?;
    }
    if state.created(Part::S3PublicAccessBlock) {
        s3control::unblock(cx, ctx).await?;
    }
    let bucket_arn = Arns {
        partition: &cx.partition,
        region: &cx.region,
        account: &account,
    }
    .bucket(&names.bucket);
    let bucket_goes = !a.retain() && a.lock() == LockMode::None;
    if state.created(Part::DefaultVpc) {
        default_vpc::restore(cx, ctx, &bucket_arn).await?;
    } else if bucket_goes && let Some(vpc) = default_vpc::find(cx).await? {
        // A default VPC taken over stays locked down; its flow logs cannot outlive their bucket.
        default_vpc::stop_flow_logs(cx, &vpc, &bucket_arn).await?;
    }
    access_roles::delete(cx, ctx, &names).await?;
    // A vault holding backups stays, and so does the key its backups are encrypted with.
    let vault_kept = backup::delete(cx, ctx, &names).await?;
    iam::delete_role(cx, ctx, &names.logs_role, LOGS_POLICY).await?;
    if !a.retain() {
        logs::delete(cx, ctx, &names.log_group).await?;
        s3::empty_and_delete(cx, ctx, &names.access_bucket).await?;
        if a.lock() == LockMode::None {
            s3::empty_and_delete(cx, ctx, &names.bucket).await?;
            if !state.kms_key_arn.is_empty() && vault_kept.is_none() {
                kms::retire(cx, &names.key_alias, &state.kms_key_arn).await?;
                ctx.info(format!(
                    "scheduled deletion of KMS key {} (30 days)",
                    state.kms_key_arn
                ))
                .await;
            }
        }
    }
    let key_kept = a.retain() || a.lock() != LockMode::None || vault_kept.is_some();
    if key_kept && !state.kms_key_arn.is_empty() {
        kms::mark_kept(cx, &state.kms_key_arn).await?;
    }
    let vault_named = |k: &&String| !(vault_kept.is_some() && k.starts_with("AWS Backup vault"));
    for kept in state
        .retained_on_delete
        .iter()
        .filter(vault_named)
        .chain(vault_kept.iter())
    {
        ctx.info(format!("kept {kept}")).await;
    }
    kms::sweep_orphans(cx, ctx).await;
    Ok(())
}
