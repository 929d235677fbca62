//! VPC flow logs of ALL traffic into a KMS-encrypted log group, with the role delivery needs.

use aws_sdk_ec2::types::{FlowLogsResourceType, LogDestinationType, ResourceType, TrafficType};
use serde_json::json;

use super::args::VpcArgs;
use super::inventory::Inventory;
use super::network::Job;
use crate::aws::iam::{self, RoleSpec};
use crate::aws::{AwsContext, kms, logs};
use crate::error::{Error, Result};

pub const POLICY: &str = "flow-log-delivery";

/// What the flow logs are made of.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FlowLogs {
    pub id: String,
    pub group: String,
    pub role_arn: String,
    pub key_arn: Option<String>,
    pub key_managed: bool,
}

pub fn group_name(vpc_id: &str) -> String {
    format!("/healthcare/vpc/{vpc_id}/flow-logs")
}

pub fn role_name(vpc_id: &str) -> String {
    format!("healthcare-flow-logs-{vpc_id}")
}

pub fn key_alias(vpc_id: &str) -> String {
    format!("alias/healthcare/vpc/{vpc_id}")
}

pub async fn ensure(job: &Job<'_>, inv: &Inventory, a: &VpcArgs) -> Result<FlowLogs> {
    let cx = job.cx;
    let flow = a.flow_logs.clone().unwrap_or_default();
    let retention = flow
        .retention_days
        .unwrap_or(super::args::DEFAULT_RETENTION_DAYS);
    let account = cx.account().await?.to_string();
    let (group, key_arn, key_managed) = match &flow.log_group_name {
        Some(given) => (given.clone(), None, false),
        None => {
            let (group, key_arn, managed) = owned_group(job, a, &account, retention).await?;
            (group, Some(key_arn), managed)
        }
    };
    let group_arn = logs::group_arn(cx, &account, &group);
    let role_arn = iam::ensure_role(cx, job.ctx, &RoleSpec {
        property: None,
        name: &role_name(&job.vpc_id),
        description: &format!("Delivers the flow logs of VPC {}", job.vpc_id),
        principals: &["vpc-flow-logs.amazonaws.com".to_string()],
        policy_name: POLICY,
        policy: json!({"Version": "2012-10-17", "Statement": [{"Sid": "DeliverFlowLogs", "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
            "Resource": [group_arn.clone(), format!("{group_arn}:*")]}]}),
        tags: &job.tags,
    })
    .await?;
    let existing = inv
        .flow_logs
        .iter()
        .find(|f| f.log_group == group && f.traffic == "ALL");
    let id = match existing {
        Some(f) => f.id.clone(),
        None => {
            let made = cx
                .ec2()
                .create_flow_logs()
                .resource_ids(&job.vpc_id)
                .resource_type(FlowLogsResourceType::Vpc)
                .traffic_type(TrafficType::All)
                .log_destination_type(LogDestinationType::CloudWatchLogs)
                .log_group_name(&group)
                .deliver_logs_permission_arn(&role_arn)
                .tag_specifications(job.spec(ResourceType::VpcFlowLog, "flow-log", &[]))
                .send()
                .await
                .map_err(|e| Error::aws("ec2:CreateFlowLogs", e))?;
            if let Some(failure) = made.unsuccessful().first() {
                let why = failure
                    .error()
                    .and_then(|e| e.message())
                    .unwrap_or("unknown reason");
                return Err(Error::Failed {
                    what: "the VPC's flow logs".into(),
                    reason: why.into(),
                });
            }
            made.flow_log_ids().first().cloned().unwrap_or_default()
        }
    };
    Ok(FlowLogs {
        id,
        group,
        role_arn,
        key_arn,
        key_managed,
    })
}

/// The flow log group this resource makes, encrypted with the given key or one it owns, kept
/// `retention` days: its name, the key's ARN and whether the key is the resource's own.
async fn owned_group(
    job: &Job<'_>,
    a: &VpcArgs,
    account: &str,
    retention: i32,
) -> Result<(String, String, bool)> {
    let cx = job.cx;
    let group = group_name(&job.vpc_id);
    let (key_arn, managed) = match kms::given(cx, a.kms_key_id.as_deref(), "kmsKeyId").await? {
        Some(key) => (key.arn, false),
        None => {
            let description = format!(
                "Encrypts the flow logs of VPC {} (managed by Pulumi)",
                job.vpc_id
            );
            let policy =
                logs::key_policy(cx, account, &logs::group_arn(cx, account, &group)).to_string();
            (
                kms::ensure_owned_key(
                    cx,
                    job.ctx,
                    &key_alias(&job.vpc_id),
                    &description,
                    Some(policy),
                    &job.tags,
                )
                .await?
                .arn,
                true,
            )
        }
    };
    logs::ensure(cx, &group, &key_arn, retention, &job.tags).await?;
    Ok((group, key_arn, managed))
}

/// Deletes the flow logs, and the group, role and key the resource made for them.
pub async fn delete(
    cx: &AwsContext,
    ctx: &pulumi_provider::Ctx,
    inv: &Inventory,
    managed_group: bool,
    key: Option<&str>,
) -> Result<()> {
    let ids: Vec<String> = inv.flow_logs.iter().map(|f| f.id.clone()).collect();
    if !ids.is_empty() {
        cx.ec2()
            .delete_flow_logs()
            .set_flow_log_ids(Some(ids))
            .send()
            .await
            .map_err(|e| Error::aws("ec2:DeleteFlowLogs", e))?;
    }
    if managed_group {
        logs::delete(cx, &group_name(&inv.vpc_id)).await?;
    }
    iam::delete_role(cx, &role_name(&inv.vpc_id), POLICY).await?;
    if let Some(arn) = key {
        kms::retire(cx, &key_alias(&inv.vpc_id), arn).await?;
        ctx.info(format!("scheduled deletion of KMS key {arn} (30 days)"))
            .await;
    }
    Ok(())
}
