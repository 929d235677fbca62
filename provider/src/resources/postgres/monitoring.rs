//! The Enhanced Monitoring role: RDS's monitoring service may assume it to write OS metrics
//! to the `RDSOSMetrics` log group, and nothing else.

use std::collections::BTreeMap;
use std::future::Future;
use std::time::Duration;

use pulumi_provider::Ctx;
use serde_json::json;

use crate::aws::AwsContext;
use crate::aws::iam::{self, RoleSpec};
use crate::error::{Error, Result};

const POLICY_NAME: &str = "enhanced-monitoring";
const PRINCIPAL: &str = "monitoring.rds.amazonaws.com";

pub fn role_name(id: &str) -> String {
    format!("{id}-rds-monitoring")
}

/// Creates or converges the role; returns its ARN.
pub async fn ensure(
    cx: &AwsContext,
    ctx: &Ctx,
    id: &str,
    tags: &BTreeMap<String, String>,
) -> Result<String> {
    let name = role_name(id);
    let logs = |resource: &str| format!("arn:{}:logs:*:*:log-group:{resource}", cx.partition);
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "CreateTheMetricsLogGroup",
                "Effect": "Allow",
                "Action": ["logs:CreateLogGroup", "logs:PutRetentionPolicy"],
                "Resource": [logs("RDS*")]
            },
            {
                "Sid": "WriteOsMetrics",
                "Effect": "Allow",
                "Action": [
                    "logs:CreateLogStream",
                    "logs:PutLogEvents",
                    "logs:DescribeLogStreams",
                    "logs:GetLogEvents"
                ],
                "Resource": [logs("RDS*:log-stream:*")]
            }
        ]
    });
    iam::ensure_role(
        cx,
        ctx,
        &RoleSpec {
            name: &name,
            property: Some("identifier"),
            description: &format!(
                "Enhanced Monitoring of the HIPAA PostgreSQL {id} (managed by Pulumi)"
            ),
            principals: &[PRINCIPAL.to_string()],
            policy_name: POLICY_NAME,
            policy,
            tags,
        },
    )
    .await
}

/// The role's ARN, when it exists.
pub async fn find(cx: &AwsContext, id: &str) -> Result<Option<String>> {
    Ok(iam::read_role(cx, &role_name(id), POLICY_NAME)
        .await?
        .map(|r| r.arn))
}

pub async fn delete(cx: &AwsContext, id: &str) -> Result<()> {
    iam::delete_role(cx, &role_name(id), POLICY_NAME).await
}

/// Runs `call`, retrying while RDS does not yet see a role IAM has just made: AWS answers
/// InvalidParameterValue for a monitoring role that has not propagated, for up to a
/// minute or two. Only retried when `fresh` (the role was made moments ago).
pub async fn while_role_propagates<F, Fut, T>(ctx: &Ctx, fresh: bool, mut call: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let mut attempt = 0u32;
    loop {
        match call().await {
            Err(Error::Aws { code, .. })
                if fresh && code == "InvalidParameterValue" && attempt < 8 =>
            {
                attempt += 1;
                ctx.status(format!(
                    "waiting for the new monitoring role to reach RDS (attempt {attempt})"
                ))
                .await;
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(5 * u64::from(attempt))) => {}
                    _ = ctx.cancellation().cancelled() => return Err(pulumi_provider::Error::Cancelled.into()),
                }
            }
            other => return other,
        }
    }
}
