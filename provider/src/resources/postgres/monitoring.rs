//! The Enhanced Monitoring role: RDS's monitoring service may assume it to write OS metrics
//! to the `RDSOSMetrics` log group, and nothing else.

use std::collections::BTreeMap;

use pulumi_provider::Ctx;
use serde_json::json;

use crate::aws::AwsContext;
use crate::aws::iam::{self, RoleSpec};
use crate::error::Result;

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

pub async fn delete(cx: &AwsContext, ctx: &Ctx, id: &str) -> Result<()> {
    iam::delete_role(cx, ctx, &role_name(id), POLICY_NAME).await
}
