//! Secrets Manager secrets a resource owns: encrypted with a customer-managed key
//! (secretsmanager-using-cmk), found again by name, never logged.

use std::collections::BTreeMap;

use aws_sdk_secretsmanager::types::Tag;

use pulumi_provider::Ctx;

use super::AwsContext;
use super::exists::{Made, create_or_take};
use super::lag::{
    NAME_FREEING, NEW_INVOKE_GRANT, NEW_KEY_ELSEWHERE, NEW_NAMED, ROTATION_IN_PROGRESS, settle,
};
use crate::error::{Error, Result, found};

/// A secret as AWS describes it (never its value).
#[derive(Debug, Clone, Default)]
pub struct SecretView {
    pub arn: String,
    pub kms_key_id: Option<String>,
    pub tags: BTreeMap<String, String>,
    /// True when the secret is scheduled for deletion (it can still be restored).
    pub pending_deletion: bool,
    /// Days between automatic rotations, when rotation is on.
    pub rotation_days: Option<i64>,
    /// The function that rotates it, when one does.
    pub rotation_lambda: Option<String>,
    /// True once a rotation has completed (`LastRotatedDate`).
    pub rotated: bool,
    /// True while a rotation is under way: a version is AWSPENDING and not AWSCURRENT.
    pub rotating: bool,
}

/// The secret with this name or ARN, including one pending deletion.
pub async fn describe(cx: &AwsContext, id: &str) -> Result<Option<SecretView>> {
    let found = found(
        "secretsmanager:DescribeSecret",
        cx.secrets().describe_secret().secret_id(id).send().await,
        |e| e.is_resource_not_found_exception(),
    )?;
    Ok(found.map(|d| SecretView {
        arn: d.arn().unwrap_or_default().to_string(),
        kms_key_id: d.kms_key_id().map(String::from),
        tags: d
            .tags()
            .iter()
            .map(|t| {
                (
                    t.key().unwrap_or_default().to_string(),
                    t.value().unwrap_or_default().to_string(),
                )
            })
            .collect(),
        pending_deletion: d.deleted_date().is_some(),
        rotation_days: d
            .rotation_enabled()
            .unwrap_or(false)
            .then(|| {
                d.rotation_rules()
                    .and_then(|r| r.automatically_after_days())
            })
            .flatten(),
        rotation_lambda: d.rotation_lambda_arn().map(String::from),
        rotated: d.last_rotated_date().is_some(),
        rotating: d.version_ids_to_stages().is_some_and(|v| {
            v.values().any(|stages| {
                stages.iter().any(|s| s == "AWSPENDING")
                    && !stages.iter().any(|s| s == "AWSCURRENT")
            })
        }),
    }))
}

/// Sets the schedule of a secret whose rotation the owning service manages (an RDS master
/// secret, which may be a moment old and still in its first rotation), without rotating it
/// now.
pub async fn schedule_rotation(cx: &AwsContext, ctx: &Ctx, arn: &str, days: i64) -> Result<()> {
    let req = cx
        .secrets()
        .rotate_secret()
        .secret_id(arn)
        .rotation_rules(
            aws_sdk_secretsmanager::types::RotationRulesType::builder()
                .automatically_after_days(days)
                .build(),
        )
        .rotate_immediately(false);
    settle(
        ctx,
        &format!("rotation schedule of {arn}"),
        &[&NEW_NAMED, &ROTATION_IN_PROGRESS],
        super::lag::resend!(req, "secretsmanager:RotateSecret"),
    )
    .await?;
    Ok(())
}

/// Has `function` rotate the secret every `days` days, and rotate it now when `now` (else
/// Secrets Manager runs only the function's test step). A function just allowed to be
/// invoked may be refused for a moment ([`NEW_INVOKE_GRANT`]).
pub async fn rotate_with(
    cx: &AwsContext,
    ctx: &Ctx,
    arn: &str,
    function: &str,
    days: i64,
    now: bool,
) -> Result<()> {
    let req = cx
        .secrets()
        .rotate_secret()
        .secret_id(arn)
        .rotation_lambda_arn(function)
        .rotation_rules(
            aws_sdk_secretsmanager::types::RotationRulesType::builder()
                .automatically_after_days(days)
                .build(),
        )
        .rotate_immediately(now);
    settle(
        ctx,
        &format!("rotation schedule of {arn}"),
        &[&NEW_NAMED, &ROTATION_IN_PROGRESS, &NEW_INVOKE_GRANT],
        super::lag::resend!(req, "secretsmanager:RotateSecret"),
    )
    .await?;
    Ok(())
}

/// The secret `arn`, which must exist (made by this resource or by RDS a moment ago):
/// a not-found is waited out for a while ([`NEW_NAMED`]) rather than read as absent.
pub async fn describe_existing(cx: &AwsContext, ctx: &Ctx, arn: &str) -> Result<SecretView> {
    let what = format!("secret {arn}");
    settle(ctx, &what, &[&NEW_NAMED], || async {
        describe(cx, arn).await?.ok_or_else(|| Error::Aws {
            operation: "secretsmanager:DescribeSecret",
            message: format!("Secrets Manager can't find the secret {arn}"),
            code: "ResourceNotFoundException".into(),
            throttled: false,
            denied: false,
        })
    })
    .await
}

/// The current value of a secret that must exist (see [`describe_existing`]).
pub async fn value_of_existing(cx: &AwsContext, ctx: &Ctx, arn: &str) -> Result<Option<String>> {
    let req = cx.secrets().get_secret_value().secret_id(arn);
    let got = settle(
        ctx,
        &format!("value of secret {arn}"),
        &[&NEW_NAMED],
        super::lag::resend!(req, "secretsmanager:GetSecretValue"),
    )
    .await?;
    Ok(got.secret_string().map(String::from))
}

/// The current value of the secret, if it has one.
pub async fn value(cx: &AwsContext, arn: &str) -> Result<Option<String>> {
    let got = found(
        "secretsmanager:GetSecretValue",
        cx.secrets().get_secret_value().secret_id(arn).send().await,
        |e| e.is_resource_not_found_exception(),
    )?;
    Ok(got.and_then(|g| g.secret_string().map(String::from)))
}

fn sm_tags(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

/// Creates the secret with its first value; returns its ARN. A key made a moment ago may
/// not be usable by Secrets Manager yet; the refusal makes no secret, so trying again
/// cannot make two.
///
/// `ResourceExistsException` (a send whose answer was lost, or a DescribeSecret before the
/// create that lagged a secret made a moment ago) takes the secret of that name when it
/// carries this URN, and stores `value` in it: the caller holds that value.
pub async fn create(
    cx: &AwsContext,
    ctx: &Ctx,
    name: &str,
    description: &str,
    kms_key: &str,
    value: &str,
    tags: &BTreeMap<String, String>,
) -> Result<String> {
    let what = format!("secret {name}");
    // A secret of this name deleted a moment ago (a replacement that keeps its name) holds
    // the name until Secrets Manager has finished deleting it.
    let made = create_or_take(
        ctx,
        &what,
        || {
            settle(ctx, &what, &[&NEW_KEY_ELSEWHERE, &NAME_FREEING], || async {
                found(
                    "secretsmanager:CreateSecret",
                    cx.secrets()
                        .create_secret()
                        .name(name)
                        .description(description)
                        .kms_key_id(kms_key)
                        .secret_string(value)
                        .set_tags(Some(sm_tags(tags)))
                        .send()
                        .await,
                    |e| e.is_resource_exists_exception(),
                )
            })
        },
        || describe(cx, name),
        |s| s.tags.clone(),
        |s| vec![name.to_string(), s.arn.clone()],
        || Error::Taken {
            what: format!("the secret {name}"),
        },
    )
    .await?;
    let held = match made {
        Made::Created(made) => return Ok(made.arn().unwrap_or_default().to_string()),
        Made::Taken(held) => held,
    };
    // The secret was just listed: a not-found answer is Secrets Manager's lag.
    settle(ctx, &what, &[&NEW_NAMED], || put(cx, &held.arn, value)).await?;
    Ok(held.arn)
}

/// Stores a new current value (the old one stays readable as AWSPREVIOUS).
pub async fn put(cx: &AwsContext, arn: &str, value: &str) -> Result<()> {
    cx.secrets()
        .put_secret_value()
        .secret_id(arn)
        .secret_string(value)
        .send()
        .await
        .map_err(|e| Error::aws("secretsmanager:PutSecretValue", e))?;
    Ok(())
}

/// Encrypts the secret with `key_arn` from now on and stores `value` as its new current
/// value (a secret restored from deletion may be bound to a key that is itself pending
/// deletion, which can encrypt nothing).
pub async fn rebind(
    cx: &AwsContext,
    ctx: &Ctx,
    arn: &str,
    key_arn: &str,
    value: &str,
) -> Result<()> {
    let req = cx
        .secrets()
        .update_secret()
        .secret_id(arn)
        .kms_key_id(key_arn)
        .secret_string(value);
    settle(
        ctx,
        &format!("secret {arn}"),
        &[&NEW_NAMED, &NEW_KEY_ELSEWHERE, &ROTATION_IN_PROGRESS],
        super::lag::resend!(req, "secretsmanager:UpdateSecret"),
    )
    .await?;
    Ok(())
}

/// The secret's resource policy, when it has one.
pub async fn resource_policy(cx: &AwsContext, arn: &str) -> Result<Option<String>> {
    let got = cx
        .secrets()
        .get_resource_policy()
        .secret_id(arn)
        .send()
        .await
        .map_err(|e| Error::aws("secretsmanager:GetResourcePolicy", e))?;
    Ok(got
        .resource_policy()
        .filter(|p| !p.trim().is_empty())
        .map(String::from))
}

/// [`resource_policy`] of a secret that may be a moment old.
pub async fn resource_policy_settled(
    cx: &AwsContext,
    ctx: &Ctx,
    arn: &str,
) -> Result<Option<String>> {
    settle(
        ctx,
        &format!("policy of secret {arn}"),
        &[&NEW_NAMED],
        || resource_policy(cx, arn),
    )
    .await
}

/// Puts `policy` on the secret (the secret may be a moment old). Secrets Manager refuses a
/// policy that would open the secret to other accounts (`BlockPublicPolicy`).
pub async fn put_resource_policy(
    cx: &AwsContext,
    ctx: &Ctx,
    arn: &str,
    policy: &str,
) -> Result<()> {
    let req = cx
        .secrets()
        .put_resource_policy()
        .secret_id(arn)
        .resource_policy(policy)
        .block_public_policy(true);
    settle(
        ctx,
        &format!("policy of secret {arn}"),
        &[&NEW_NAMED],
        super::lag::resend!(req, "secretsmanager:PutResourcePolicy"),
    )
    .await?;
    Ok(())
}

/// Removes the secret's resource policy.
pub async fn delete_resource_policy(cx: &AwsContext, arn: &str) -> Result<()> {
    cx.secrets()
        .delete_resource_policy()
        .secret_id(arn)
        .send()
        .await
        .map_err(|e| Error::aws("secretsmanager:DeleteResourcePolicy", e))?;
    Ok(())
}

/// Cancels a scheduled deletion.
pub async fn restore(cx: &AwsContext, arn: &str) -> Result<()> {
    cx.secrets()
        .restore_secret()
        .secret_id(arn)
        .send()
        .await
        .map_err(|e| Error::aws("secretsmanager:RestoreSecret", e))?;
    Ok(())
}

/// Brings the secret's tags to `want` (the secret may be a moment old).
pub async fn retag(
    cx: &AwsContext,
    ctx: &Ctx,
    s: &SecretView,
    want: &BTreeMap<String, String>,
) -> Result<()> {
    super::tagging::retag_settled(ctx, cx.secrets(), &s.arn, &s.tags, want).await
}

/// [`put`] to a secret that may be a moment old, or in a rotation.
pub async fn put_settled(cx: &AwsContext, ctx: &Ctx, arn: &str, value: &str) -> Result<()> {
    settle(
        ctx,
        &format!("value of secret {arn}"),
        &[&NEW_NAMED, &ROTATION_IN_PROGRESS],
        || put(cx, arn, value),
    )
    .await
}

/// Deletes the secret: after `recovery_days` (7 to 30) during which it can be restored, or
/// at once when `recovery_days` is 0. A secret already gone is fine.
pub async fn delete(cx: &AwsContext, arn: &str, recovery_days: i64) -> Result<()> {
    let req = cx.secrets().delete_secret().secret_id(arn);
    let req = if recovery_days == 0 {
        req.force_delete_without_recovery(true)
    } else {
        req.recovery_window_in_days(recovery_days)
    };
    match req.send().await {
        Ok(_) => Ok(()),
        Err(e)
            if e.as_service_error().is_some_and(|s| {
                s.is_resource_not_found_exception() || s.is_invalid_request_exception()
            }) =>
        {
            // InvalidRequest: the secret is already scheduled for deletion.
            Ok(())
        }
        Err(e) => Err(Error::aws("secretsmanager:DeleteSecret", e)),
    }
}
