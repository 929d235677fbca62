//! CloudWatch Logs groups a resource owns: encrypted with a KMS key, kept a set number of
//! days, tagged; and the key policy that lets CloudWatch Logs use a key for them.

use std::collections::BTreeMap;

use serde_json::json;

use pulumi_provider::Ctx;

use super::AwsContext;
use super::lag::{NEW_KEY_ELSEWHERE, settle};
use crate::error::{Error, Result, found};

/// A log group as CloudWatch Logs reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub kms_key_id: Option<String>,
    pub retention_days: Option<i32>,
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
        }))
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
/// one's retention right.
pub async fn ensure(
    cx: &AwsContext,
    ctx: &Ctx,
    name: &str,
    key_arn: &str,
    retention: i32,
    tags: &BTreeMap<String, String>,
) -> Result<()> {
    match describe(cx, name).await? {
        None => {
            // A key made a moment ago may not be usable by CloudWatch Logs yet.
            let what = format!("log group {name}");
            settle(ctx, &what, &[&NEW_KEY_ELSEWHERE], || async {
                cx.logs()
                    .create_log_group()
                    .log_group_name(name)
                    .kms_key_id(key_arn)
                    .set_tags(Some(tags.clone().into_iter().collect()))
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| Error::aws("logs:CreateLogGroup", e))
            })
            .await?;
            set_retention(cx, name, retention).await
        }
        Some(g) if g.retention_days != Some(retention) => set_retention(cx, name, retention).await,
        Some(_) => Ok(()),
    }
}

async fn set_retention(cx: &AwsContext, name: &str, days: i32) -> Result<()> {
    cx.logs()
        .put_retention_policy()
        .log_group_name(name)
        .retention_in_days(days)
        .send()
        .await
        .map_err(|e| Error::aws("logs:PutRetentionPolicy", e))?;
    Ok(())
}

/// Deletes the group; one already gone is success.
pub async fn delete(cx: &AwsContext, name: &str) -> Result<()> {
    found(
        "logs:DeleteLogGroup",
        cx.logs()
            .delete_log_group()
            .log_group_name(name)
            .send()
            .await,
        |e| e.is_resource_not_found_exception(),
    )?;
    Ok(())
}
