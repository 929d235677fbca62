//! VPC flow logs of ALL traffic into a KMS-encrypted log group, with the role delivery needs.

use aws_sdk_ec2::error::ProvideErrorMetadata;
use aws_sdk_ec2::types::{
    Filter, FlowLogsResourceType, LogDestinationType, ResourceType, TrafficType,
};
use serde_json::json;

use super::args::VpcArgs;
use super::inventory::Inventory;
use super::network::Job;
use crate::aws::iam::{self, RoleSpec};
use crate::aws::lag::{NEW_EC2_OBJECT, NEW_ROLE, settle};
use crate::aws::wait::{self, Backoff, Poll};
use crate::aws::{AwsContext, kms, logs, token};
use crate::error::{Error, Result, found};

pub const POLICY: &str = "flow-log-delivery";

/// EC2's refusal of a second flow log of the same resource and destination.
pub const ALREADY_EXISTS: &str = "FlowLogAlreadyExists";

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
            let id = create(job, &group, &role_arn).await?;
            job.record(&id);
            id
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

/// Creates the flow log. EC2 refuses a delivery role made a moment ago until IAM has
/// propagated it ("Unable to assume given IAM role"), either as an error or as an
/// unsuccessful item of a successful answer; both are waited out ([`NEW_ROLE`]). The VPC
/// may also be a moment old ([`NEW_EC2_OBJECT`]). A refusal makes no flow log, and the
/// client token makes a resend whose first answer was lost return the one the first send
/// made. EC2 keeps one flow log per VPC and log group (`FlowLogAlreadyExists`): that refusal
/// means an earlier attempt made it, and DescribeFlowLogs, which may lag it, finds it.
async fn create(job: &Job<'_>, group: &str, role_arn: &str) -> Result<String> {
    let token = token::fresh(&[&job.vpc_id, group, role_arn]);
    let what = format!("flow logs of VPC {}", job.vpc_id);
    wait::until(
        job.ctx,
        &format!("{what}, refused as existing, to be listed"),
        Backoff::default(),
        || async {
            if let Some(id) = send(job, &what, group, role_arn, &token).await? {
                return Ok(Poll::Ready(id));
            }
            Ok(match listed(job, group).await? {
                Some(id) => Poll::Ready(id),
                None => Poll::Unseen(Error::Vanished {
                    what: what.clone(),
                    when: "was refused as existing, then not found",
                }),
            })
        },
    )
    .await
}

/// One CreateFlowLogs, its lags waited out; `None` when EC2 answers that the flow log exists.
async fn send(
    job: &Job<'_>,
    what: &str,
    group: &str,
    role_arn: &str,
    token: &str,
) -> Result<Option<String>> {
    settle(job.ctx, what, &[&NEW_ROLE, &NEW_EC2_OBJECT], || async {
        let made = found(
            "ec2:CreateFlowLogs",
            job.cx
                .ec2()
                .create_flow_logs()
                .resource_ids(&job.vpc_id)
                .resource_type(FlowLogsResourceType::Vpc)
                .traffic_type(TrafficType::All)
                .log_destination_type(LogDestinationType::CloudWatchLogs)
                .log_group_name(group)
                .deliver_logs_permission_arn(role_arn)
                .client_token(token)
                .tag_specifications(job.spec(ResourceType::VpcFlowLog, "flow-log", &[]))
                .send()
                .await,
            |e| e.code() == Some(ALREADY_EXISTS),
        )?;
        let Some(made) = made else {
            return Ok(None);
        };
        if let Some(failure) = made.unsuccessful().first() {
            let error = failure.error();
            let code = error.and_then(|e| e.code()).unwrap_or_default();
            if code == ALREADY_EXISTS {
                return Ok(None);
            }
            return Err(Error::Aws {
                operation: "ec2:CreateFlowLogs",
                message: error
                    .and_then(|e| e.message())
                    .unwrap_or("the flow log could not be made (no reason given)")
                    .to_string(),
                // The item's code is an HTTP status; AWS gives the same refusal as an
                // InvalidParameter error elsewhere.
                code: if code.chars().all(|c| c.is_ascii_digit()) {
                    "InvalidParameter".into()
                } else {
                    code.to_string()
                },
                throttled: false,
                denied: false,
            });
        }
        made.flow_log_ids()
            .first()
            .cloned()
            .map(Some)
            .ok_or(Error::Incomplete {
                operation: "ec2:CreateFlowLogs",
                missing: "the flow log id",
            })
    })
    .await
}

/// The id of the VPC's flow log into `group`, if DescribeFlowLogs lists it.
async fn listed(job: &Job<'_>, group: &str) -> Result<Option<String>> {
    let listed = job
        .cx
        .ec2()
        .describe_flow_logs()
        .filter(
            Filter::builder()
                .name("resource-id")
                .values(&job.vpc_id)
                .build(),
        )
        .filter(
            Filter::builder()
                .name("log-group-name")
                .values(group)
                .build(),
        )
        .send()
        .await
        .map_err(|e| Error::aws("ec2:DescribeFlowLogs", e))?;
    Ok(listed
        .flow_logs()
        .iter()
        .find_map(|f| f.flow_log_id().map(String::from)))
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
    let (key_arn, managed) =
        match kms::given(cx, job.ctx, a.kms_key_id.as_deref(), "kmsKeyId").await? {
            Some(key) => (key.arn, false),
            None => {
                let description = format!(
                    "Encrypts the flow logs of VPC {} (managed by Pulumi)",
                    job.vpc_id
                );
                let policy = logs::key_policy(cx, account, &logs::group_arn(cx, account, &group))
                    .to_string();
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
    logs::ensure(cx, job.ctx, &group, &key_arn, retention, &job.tags).await?;
    Ok((group, key_arn, managed))
}

/// Deletes the flow logs, and the group, role and key the resource made for them; with
/// `retain`, the group and its key stay (the logs are evidence), and the engine log says so.
pub async fn delete(
    cx: &AwsContext,
    ctx: &pulumi_provider::Ctx,
    inv: &Inventory,
    managed_group: bool,
    key: Option<&str>,
    retain: bool,
) -> Result<()> {
    let ids: Vec<String> = inv.flow_logs.iter().map(|f| f.id.clone()).collect();
    if !ids.is_empty() {
        let out = cx
            .ec2()
            .delete_flow_logs()
            .set_flow_log_ids(Some(ids))
            .send()
            .await
            .map_err(|e| Error::aws("ec2:DeleteFlowLogs", e))?;
        // EC2 answers per id, with a 200: a flow log it could not delete is named there.
        if let Some(reason) = refused_items(out.unsuccessful()) {
            return Err(Error::Failed {
                what: format!("deleting the flow logs of {}", inv.vpc_id),
                reason,
            });
        }
    }
    if retain && managed_group {
        ctx.info(format!(
            "kept the flow-log group {} (flowLogs.retainOnDelete){}; delete them yourself once \
             the logs are no longer needed",
            group_name(&inv.vpc_id),
            key.map(|k| format!(" and the KMS key {k} that decrypts it"))
                .unwrap_or_default()
        ))
        .await;
    } else if managed_group {
        logs::delete(cx, ctx, &group_name(&inv.vpc_id)).await?;
    }
    iam::delete_role(cx, ctx, &role_name(&inv.vpc_id), POLICY).await?;
    if let Some(arn) = key.filter(|_| !(retain && managed_group)) {
        kms::retire(cx, &key_alias(&inv.vpc_id), arn).await?;
        ctx.info(format!("scheduled deletion of KMS key {arn} (30 days)"))
            .await;
    }
    kms::sweep_orphans(cx, ctx).await;
    Ok(())
}

/// The flow logs EC2 refused to delete, with its reasons; one already gone is deleted.
fn refused_items(items: &[aws_sdk_ec2::types::UnsuccessfulItem]) -> Option<String> {
    let refused: Vec<String> = items
        .iter()
        .filter_map(|item| {
            let error = item.error()?;
            let code = error.code().unwrap_or_default();
            (code != "InvalidFlowLogId.NotFound").then(|| {
                format!(
                    "{}: {code}: {}",
                    item.resource_id().unwrap_or("?"),
                    error.message().unwrap_or_default()
                )
            })
        })
        .collect();
    (!refused.is_empty()).then(|| refused.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::types::{UnsuccessfulItem, UnsuccessfulItemError};

    fn item(id: &str, code: &str) -> UnsuccessfulItem {
        UnsuccessfulItem::builder()
            .resource_id(id)
            .error(
                UnsuccessfulItemError::builder()
                    .code(code)
                    .message("no")
                    .build(),
            )
            .build()
    }

    #[test]
    fn a_flow_log_ec2_would_not_delete_is_an_error_and_one_already_gone_is_not() {
        assert_eq!(refused_items(&[]), None);
        assert_eq!(
            refused_items(&[item("fl-1", "InvalidFlowLogId.NotFound")]),
            None
        );
        let reason = refused_items(&[
            item("fl-1", "InvalidFlowLogId.NotFound"),
            item("fl-2", "UnauthorizedOperation"),
        ]);
        assert_eq!(reason.as_deref(), Some("fl-2: UnauthorizedOperation: no"));
    }
}
