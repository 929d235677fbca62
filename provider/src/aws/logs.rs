//! CloudWatch Logs groups a resource owns: encrypted with a KMS key, kept a set number of
//! days, tagged; and the key policy that lets CloudWatch Logs use a key for them.

use std::collections::BTreeMap;

use serde_json::json;

use pulumi_provider::Ctx;

use super::AwsContext;
use super::exists::{Made, create_or_take};
use super::lag::{BUSY, NEW_KEY_ELSEWHERE, NEW_NAMED, resend, settle};
use super::tags::may_take;
use super::wait::{self, Backoff, Poll};
use crate::error::{Error, Result, found};

/// A log group as CloudWatch Logs reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub kms_key_id: Option<String>,
    pub retention_days: Option<i32>,
    /// Its ARN (without the `:*` of its streams), for its tags.
    pub arn: Option<String>,
}

/// The ARN of a log group, or of a pattern of them (`.../prefix/*`).
pub fn group_arn(cx: &AwsContext, account: &str, name: &str) -> String {
    format!(
        "arn:{}:logs:{}:{account}:log-group:{name}",
        cx.partition, cx.region
    )
}

pub async fn describe(cx: &AwsContext, name: &str) -> Result<Option<Group>> {
    let out = cx
        .logs()
        .describe_log_groups()
        .log_group_name_prefix(name)
        .send()
        .await
        .map_err(|e| Error::aws("logs:DescribeLogGroups", e))?;
    Ok(out
        .log_groups()
        .iter()
        .find(|g| g.log_group_name() == Some(name))
        .map(|g| Group {
            kms_key_id: g.kms_key_id().map(String::from),
            retention_days: g.retention_in_days(),
            arn: g
                .log_group_arn()
                .or_else(|| g.arn().map(|a| a.trim_end_matches(":*")))
                .map(String::from),
        }))
}

/// A group's tags (none when CloudWatch Logs gives no ARN to ask them by), or `None` when
/// the tag read does not know the group the describe listed (one just made, or gone since).
async fn tags_if_known(cx: &AwsContext, g: &Group) -> Result<Option<BTreeMap<String, String>>> {
    let Some(arn) = &g.arn else {
        return Ok(Some(BTreeMap::new()));
    };
    let listed = found(
        "logs:ListTagsForResource",
        cx.logs()
            .list_tags_for_resource()
            .resource_arn(arn)
            .send()
            .await,
        |e| e.is_resource_not_found_exception(),
    )?;
    Ok(listed.map(|l| {
        l.tags()
            .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default()
    }))
}

/// The group `name` with its tags, as [`describe`] lists it.
async fn describe_tagged(
    cx: &AwsContext,
    name: &str,
) -> Result<Option<(Group, BTreeMap<String, String>)>> {
    let Some(g) = describe(cx, name).await? else {
        return Ok(None);
    };
    // Not known to the tag read yet (a group a lost answer made a moment ago): not listed.
    Ok(tags_if_known(cx, &g).await?.map(|tags| (g, tags)))
}

fn not_ours(name: &str) -> Error {
    Error::Taken {
        what: format!("the log group {name}"),
    }
}

/// The policy of a key that log groups use: the account administers it, and CloudWatch Logs
/// may use it for the log groups matching `groups` (an ARN, or a pattern ending in `*`).
pub fn key_policy(cx: &AwsContext, account: &str, groups: &str) -> serde_json::Value {
    json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "AccountAdministers", "Effect": "Allow", "Principal": {"AWS": format!("arn:{}:iam::{account}:root", cx.partition)},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "LogsUseForTheseGroups", "Effect": "Allow", "Principal": {"Service": format!("logs.{}.amazonaws.com", cx.region)},
         "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"], "Resource": "*",
         "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": groups}}}
    ]})
}

/// Makes the group encrypted with `key_arn` and kept `retention` days, or puts an existing
/// one's key and retention right. A group found under the name is taken only by the ownership rule
/// (`tags::may_take`): one the saved state records, or one carrying this URN.
pub async fn ensure(
    cx: &AwsContext,
    ctx: &Ctx,
    name: &str,
    key_arn: &str,
    retention: i32,
    tags: &BTreeMap<String, String>,
) -> Result<()> {
    // A group the tag read does not know yet counts as not listed: the create that follows
    // is refused as existing, and the claim reads it again until it is known.
    let existing = match describe_tagged(cx, name).await? {
        Some((g, tags)) => {
            let arn = g.arn.clone().unwrap_or_default();
            if !may_take(
                ctx,
                &[name, &arn],
                tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            ) {
                return Err(not_ours(name));
            }
            Some(g)
        }
        None => create(cx, ctx, name, key_arn, tags).await?,
    };
    match existing {
        None => {
            set_retention(cx, ctx, name, retention).await?;
            // The prefix search lags the create: the state read that follows would not list
            // the group.
            let label = format!("log group {name} to be listed");
            wait::until(ctx, &label, Backoff::default(), || async {
                Ok(match describe(cx, name).await? {
                    Some(_) => Poll::Ready(()),
                    None => Poll::Unseen(Error::Vanished {
                        what: format!("log group {name}"),
                        when: "vanished right after it was made",
                    }),
                })
            })
            .await
        }
        Some(g) => {
            if g.kms_key_id.as_deref() != Some(key_arn) {
                associate_key(cx, ctx, name, key_arn, g.kms_key_id.as_deref()).await?;
            }
            if g.retention_days != Some(retention) {
                set_retention(cx, ctx, name, retention).await?;
            }
            Ok(())
        }
    }
}

/// Creates the group; `None` when it made it, or the group found under its name when
/// CloudWatch Logs answered that it exists (a send whose answer was lost, or a
/// DescribeLogGroups that lagged) and it carries this URN.
async fn create(
    cx: &AwsContext,
    ctx: &Ctx,
    name: &str,
    key_arn: &str,
    tags: &BTreeMap<String, String>,
) -> Result<Option<Group>> {
    // A key made a moment ago may not be usable by CloudWatch Logs yet, and a group of
    // this name deleted a moment ago may still be going (`OperationAbortedException`).
    let what = format!("log group {name}");
    let made = create_or_take(
        ctx,
        &what,
        || {
            settle(ctx, &what, &[&NEW_KEY_ELSEWHERE, &BUSY], || async {
                found(
                    "logs:CreateLogGroup",
                    cx.logs()
                        .create_log_group()
                        .log_group_name(name)
                        .kms_key_id(key_arn)
                        .set_tags(Some(tags.clone().into_iter().collect()))
                        .send()
                        .await,
                    |e| e.is_resource_already_exists_exception(),
                )
            })
        },
        || describe_tagged(cx, name),
        |(_, tags)| tags.clone(),
        |(g, _)| {
            std::iter::once(name.to_string())
                .chain(g.arn.clone())
                .collect()
        },
        || not_ours(name),
    )
    .await?;
    Ok(match made {
        Made::Created(_) => None,
        Made::Taken((g, _)) => Some(g),
    })
}

/// Encrypts a group taken over (one the saved state records, or an earlier attempt's) with
/// the key it must have: its key was taken off or changed outside Pulumi. Data already in
/// the group stays under the key it was written with; what arrives from now on is under
/// `key_arn`. A key made a moment ago may not be usable by CloudWatch Logs yet.
async fn associate_key(
    cx: &AwsContext,
    ctx: &Ctx,
    name: &str,
    key_arn: &str,
    had: Option<&str>,
) -> Result<()> {
    ctx.info(format!(
        "log group {name}: encrypting with {key_arn} again (it had {})",
        had.unwrap_or("no key")
    ))
    .await;
    let req = cx
        .logs()
        .associate_kms_key()
        .log_group_name(name)
        .kms_key_id(key_arn);
    settle(
        ctx,
        &format!("the key of log group {name}"),
        &[&NEW_KEY_ELSEWHERE],
        resend!(req, "logs:AssociateKmsKey"),
    )
    .await?;
    Ok(())
}

/// Sets the retention of a group that exists: CloudWatch Logs may not know one made a moment
/// ago (a minute), and refuses concurrent changes (`OperationAbortedException`).
async fn set_retention(cx: &AwsContext, ctx: &Ctx, name: &str, days: i32) -> Result<()> {
    settle(
        ctx,
        &format!("retention of log group {name}"),
        &[&NEW_NAMED, &BUSY],
        resend!(
            cx.logs()
                .put_retention_policy()
                .log_group_name(name)
                .retention_in_days(days),
            "logs:PutRetentionPolicy"
        ),
    )
    .await?;
    Ok(())
}

/// Deletes the group; one already gone is success.
/// CloudWatch Logs refuses it while another change of the group runs
/// (`OperationAbortedException`): waited out as BUSY.
pub async fn delete(cx: &AwsContext, ctx: &Ctx, name: &str) -> Result<()> {
    settle(
        ctx,
        &format!("deleting log group {name}"),
        &[&BUSY],
        || async {
            found(
                "logs:DeleteLogGroup",
                cx.logs()
                    .delete_log_group()
                    .log_group_name(name)
                    .send()
                    .await,
                |e| e.is_resource_not_found_exception(),
            )
        },
    )
    .await?;
    Ok(())
}
