//! Scheduled rotation of the AUTH token: a Lambda function of the cache's own that Secrets
//! Manager runs every `authTokenRotationDays` days (rotator.py: ROTATE, the secret, SET),
//! under a role allowed exactly that, invocable by Secrets Manager for this secret only.

use std::collections::BTreeMap;
use std::io::Write;
use std::time::{Duration, Instant};

use pulumi_provider::Ctx;
use serde_json::json;

use crate::aws::iam::{self, RoleSpec};
use crate::aws::lambda::{self, FunctionSpec};
use crate::aws::wait::{self, Backoff, Poll};
use crate::aws::{AwsContext, secrets};
use crate::error::{Error, Result};

/// The function's code: one Python module, run by Lambda's Python runtime with the AWS SDK
/// for Python it carries.
const SOURCE: &str = include_str!("rotator.py");
const RUNTIME: &str = "python3.13";
const HANDLER: &str = "index.handler";
/// Lambda's longest: an ElastiCache token change can take minutes to apply.
const TIMEOUT_SECONDS: i32 = 900;
const POLICY_NAME: &str = "rotate-auth-token";
const INVOKE_SID: &str = "SecretsManagerRotatesTheAuthToken";
const SECRETS_MANAGER: &str = "secretsmanager.amazonaws.com";

/// The function's name, and its role's.
pub fn function_name(id: &str) -> String {
    format!("{id}-auth-rotation")
}

/// The ARN the function's role has (made or not yet).
pub fn role_arn(partition: &str, account: &str, id: &str) -> String {
    format!("arn:{partition}:iam::{account}:role/{}", function_name(id))
}

/// The deployment package: `index.py` in a zip with fixed times, so the same code gives the
/// same package (and Lambda's `CodeSha256`) on every run.
pub fn package() -> Result<Vec<u8>> {
    let zipped = |e: zip::result::ZipError| {
        Error::Unexpected(format!("the rotation function's package: {e}"))
    };
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    w.start_file("index.py", options).map_err(zipped)?;
    w.write_all(SOURCE.as_bytes())
        .map_err(|e| Error::Unexpected(format!("the rotation function's package: {e}")))?;
    Ok(w.finish().map_err(zipped)?.into_inner())
}

/// What the function may do: read and stage versions of this secret, use the key for it
/// through Secrets Manager only, and change the token of this replication group.
pub fn policy(secret_arn: &str, key_arn: &str, group_arn: &str, region: &str) -> serde_json::Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "StageNewTokens",
                "Effect": "Allow",
                "Action": [
                    "secretsmanager:DescribeSecret",
                    "secretsmanager:GetSecretValue",
                    "secretsmanager:PutSecretValue",
                    "secretsmanager:UpdateSecretVersionStage"
                ],
                "Resource": secret_arn
            },
            {
                "Sid": "UseTheKeyForTheSecret",
                "Effect": "Allow",
                "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                "Resource": key_arn,
                "Condition": {"StringEquals": {
                    "kms:ViaService": format!("secretsmanager.{region}.amazonaws.com")
                }}
            },
            {
                "Sid": "ChangeTheToken",
                "Effect": "Allow",
                "Action": [
                    "elasticache:DescribeReplicationGroups",
                    "elasticache:ModifyReplicationGroup"
                ],
                "Resource": group_arn
            }
        ]
    })
}

/// The parts rotation needs, and the secret's schedule: made or brought to `days`.
pub struct Rotation<'a> {
    pub id: &'a str,
    pub secret: &'a secrets::SecretView,
    pub key_arn: &'a str,
    pub group_arn: &'a str,
    pub days: i64,
    pub tags: &'a BTreeMap<String, String>,
}

/// Makes the role and the function, lets Secrets Manager invoke it for this secret, and
/// sets the secret's schedule (without rotating now: the token was just made).
pub async fn ensure(cx: &AwsContext, ctx: &Ctx, r: &Rotation<'_>) -> Result<()> {
    let name = function_name(r.id);
    let account = cx.account().await?.to_string();
    let role = iam::ensure_role(
        cx,
        ctx,
        &RoleSpec {
            name: &name,
            property: Some("replicationGroupId"),
            description: &format!(
                "Rotates the AUTH token of the encrypted Redis {} (managed by Pulumi)",
                r.id
            ),
            principals: &["lambda.amazonaws.com".to_string()],
            policy_name: POLICY_NAME,
            policy: policy(&r.secret.arn, r.key_arn, r.group_arn, &cx.region),
            tags: r.tags,
        },
    )
    .await?;
    let package = package()?;
    let function = lambda::ensure(
        cx,
        ctx,
        &FunctionSpec {
            name: &name,
            property: "replicationGroupId",
            description: &format!(
                "Rotates the AUTH token of the encrypted Redis {} (managed by Pulumi)",
                r.id
            ),
            role_arn: &role,
            handler: HANDLER,
            runtime: RUNTIME,
            package: &package,
            environment: BTreeMap::from([("REPLICATION_GROUP_ID".to_string(), r.id.to_string())]),
            timeout_seconds: TIMEOUT_SECONDS,
            tags: r.tags,
        },
    )
    .await?;
    lambda::allow_invoke(
        cx,
        ctx,
        &name,
        INVOKE_SID,
        SECRETS_MANAGER,
        &r.secret.arn,
        &account,
    )
    .await?;
    let scheduled = r.secret.rotation_days == Some(r.days)
        && r.secret.rotation_lambda.as_deref() == Some(function.as_str());
    // A secret the function never rotated is rotated now, and waited for: a rotation that
    // cannot work fails this `pulumi up`, not silently on its first schedule.
    let first = !r.secret.rotated;
    if scheduled && !first {
        return Ok(());
    }
    ctx.status(match first {
        true => format!(
            "rotating the AUTH token a first time, then every {} days",
            r.days
        ),
        false => format!("rotating the AUTH token every {} days", r.days),
    })
    .await;
    secrets::rotate_with(cx, ctx, &r.secret.arn, &function, r.days, first).await?;
    if first {
        first_rotation(cx, ctx, &r.secret.arn).await?;
    }
    Ok(())
}

/// The longest the first rotation is waited for: the function's timeout, a retry by Secrets
/// Manager, and ElastiCache applying two token changes.
const FIRST_ROTATION: Duration = Duration::from_secs(30 * 60);

/// Waits until Secrets Manager records the rotation as done (`LastRotatedDate`, and no
/// version left AWSPENDING alone).
async fn first_rotation(cx: &AwsContext, ctx: &Ctx, arn: &str) -> Result<()> {
    let started = Instant::now();
    let what = format!("the first rotation of the AUTH token in {arn}");
    wait::until(ctx, &what, Backoff::default(), || async {
        let s = secrets::describe(cx, arn).await?;
        let done = s.as_ref().is_some_and(|s| s.rotated && !s.rotating);
        if done {
            return Ok(Poll::Ready(()));
        }
        if started.elapsed() > FIRST_ROTATION {
            return Err(Error::Failed {
                what: what.clone(),
                reason: format!(
                    "Secrets Manager did not finish it within {} minutes; its RotationFailed event in CloudTrail, and the function's metrics, say why",
                    FIRST_ROTATION.as_secs() / 60
                ),
            });
        }
        Ok(Poll::Pending("rotating".into()))
    })
    .await
}

/// Deletes the function and its role (each gone already is fine).
pub async fn delete(cx: &AwsContext, ctx: &Ctx, id: &str) -> Result<()> {
    let name = function_name(id);
    lambda::delete(cx, ctx, &name).await?;
    iam::delete_role(cx, ctx, &name, POLICY_NAME).await
}

/// Days between the secret's rotations when this cache's function rotates it; `None` when
/// rotation is off or another function does it.
pub fn days(secret: &secrets::SecretView, id: &str) -> Option<i64> {
    let suffix = format!(":function:{}", function_name(id));
    let ours = secret
        .rotation_lambda
        .as_deref()
        .is_some_and(|arn| arn.ends_with(&suffix));
    secret.rotation_days.filter(|_| ours)
}

#[cfg(test)]
#[path = "rotation_tests.rs"]
mod tests;
