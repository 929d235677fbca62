//! AWS Backup Audit Manager: a report of every backup job (what was backed up, when, and
//! whether it worked), delivered each day to the log bucket under `backup-reports/`, where it
//! is encrypted with the baseline's key and kept under the bucket's Object Lock like the trail.
//!
//! AWS Backup writes the reports through its service-linked role
//! `AWSServiceRoleForBackupReports`, which the log bucket's policy and the key's policy name;
//! the role is made before either (it is the account's, and stays).

use std::collections::BTreeMap;

use aws_sdk_backup::error::ProvideErrorMetadata;
use aws_sdk_backup::types::{ReportDeliveryChannel, ReportSetting};
use pulumi_provider::Ctx;

use super::args::Names;
use super::backup_vault::{hash_map, list_tags, retag};
use crate::aws::AwsContext;
use crate::aws::lag::{NEW_GRANTS, NEW_ROLE, resend, settle};
use crate::aws::tags::{claim, may_take};
use crate::aws::token;
use crate::error::{Error, Result, found};
use crate::resources::postgres::settling;

/// The service whose linked role delivers the reports.
pub const SERVICE: &str = "reports.backup.amazonaws.com";
/// The linked role's name, as AWS fixes it.
const LINKED_ROLE: &str = "AWSServiceRoleForBackupReports";
/// Where the reports go in the log bucket.
pub const PREFIX: &str = "backup-reports";
/// Every backup job of the account and region.
pub const TEMPLATE: &str = "BACKUP_JOB_REPORT";
const FORMATS: [&str; 2] = ["CSV", "JSON"];

/// The linked role's ARN (its path is AWS's for the service).
pub fn linked_role_arn(partition: &str, account: &str) -> String {
    format!("arn:{partition}:iam::{account}:role/aws-service-role/{SERVICE}/{LINKED_ROLE}")
}

/// The report plan as AWS Backup has it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub arn: String,
    pub bucket: String,
    pub prefix: String,
    pub template: String,
    /// Sorted.
    pub formats: Vec<String>,
}

impl Report {
    /// It delivers the backup-job report to the log bucket, as the baseline sets it.
    pub fn is_the_baselines(&self, names: &Names) -> bool {
        self.bucket == names.bucket
            && self.prefix == PREFIX
            && self.template == TEMPLATE
            && self.formats == FORMATS
    }
}

fn not_found<E: ProvideErrorMetadata>(e: &E) -> bool {
    matches!(e.code(), Some("ResourceNotFoundException"))
}

/// The report plan, when it exists.
pub async fn observe(cx: &AwsContext, names: &Names) -> Result<Option<Report>> {
    let answer = found(
        "backup:DescribeReportPlan",
        cx.backup()
            .describe_report_plan()
            .report_plan_name(&names.report_plan)
            .send()
            .await,
        not_found,
    )?;
    Ok(answer.and_then(|a| a.report_plan).map(|p| {
        let channel = p.report_delivery_channel();
        let mut formats = channel.map(|c| c.formats().to_vec()).unwrap_or_default();
        formats.sort();
        Report {
            arn: p.report_plan_arn().unwrap_or_default().to_string(),
            bucket: channel
                .map(|c| c.s3_bucket_name().to_string())
                .unwrap_or_default(),
            prefix: channel
                .and_then(|c| c.s3_key_prefix())
                .unwrap_or_default()
                .to_string(),
            template: p
                .report_setting()
                .map(|s| s.report_template().to_string())
                .unwrap_or_default(),
            formats,
        }
    }))
}

fn channel(names: &Names) -> Result<ReportDeliveryChannel> {
    Ok(ReportDeliveryChannel::builder()
        .s3_bucket_name(&names.bucket)
        .s3_key_prefix(PREFIX)
        .set_formats(Some(FORMATS.iter().map(|f| f.to_string()).collect()))
        .build()?)
}

fn setting() -> Result<ReportSetting> {
    Ok(ReportSetting::builder().report_template(TEMPLATE).build()?)
}

const DESCRIPTION: &str =
    "Every backup job of the account's databases, for audit (account baseline)";

/// Makes the report plan, or brings the one this baseline owns to its settings and tags.
pub async fn ensure(
    cx: &AwsContext,
    ctx: &Ctx,
    names: &Names,
    tags: &BTreeMap<String, String>,
) -> Result<()> {
    let name = &names.report_plan;
    let what = format!("AWS Backup report plan {name}");
    let current = match observe(cx, names).await? {
        Some(current) => current,
        None => {
            ctx.status(format!("making {what}")).await;
            let req = cx
                .backup()
                .create_report_plan()
                .report_plan_name(name)
                .report_plan_description(DESCRIPTION)
                .report_delivery_channel(channel(names)?)
                .report_setting(setting()?)
                .set_report_plan_tags(Some(hash_map(tags)))
                .idempotency_token(token::fresh(&[ctx.urn(), name]));
            // AWS Backup may not yet see its linked role, or the bucket policy naming it.
            let made = settle(
                ctx,
                &what,
                &[&NEW_ROLE, &NEW_GRANTS],
                resend!(req, "backup:CreateReportPlan"),
            )
            .await;
            match made {
                Ok(_) => return Ok(()),
                // An earlier attempt's, not seen a moment ago, or someone else's: its tags
                // say which.
                Err(Error::Aws { code, .. }) if code == "AlreadyExistsException" => {
                    settling::until_seen(
                        ctx,
                        &what,
                        || settling::vanished(&what, "refused as existing, then not found"),
                        || observe(cx, names),
                    )
                    .await?
                }
                Err(e) => return Err(e),
            }
        }
    };
    let have = list_tags(cx, &current.arn).await?;
    claim(ctx, &[name, &current.arn], &have, "baselineName", || {
        format!("an AWS Backup report plan named {name}")
    })?;
    if !current.is_the_baselines(names) {
        ctx.status(format!("setting {what}")).await;
        let req = cx
            .backup()
            .update_report_plan()
            .report_plan_name(name)
            .report_plan_description(DESCRIPTION)
            .report_delivery_channel(channel(names)?)
            .report_setting(setting()?)
            .idempotency_token(token::fresh(&[ctx.urn(), name, "update"]));
        settle(
            ctx,
            &what,
            &[&NEW_GRANTS],
            resend!(req, "backup:UpdateReportPlan"),
        )
        .await?;
    }
    retag(cx, ctx, &current.arn, name, tags).await
}

/// Deletes the report plan when it is this baseline's (one already gone is fine).
pub async fn delete(cx: &AwsContext, ctx: &Ctx, names: &Names) -> Result<()> {
    let Some(current) = observe(cx, names).await? else {
        return Ok(());
    };
    let name = &names.report_plan;
    let have = list_tags(cx, &current.arn).await?;
    if !may_take(
        ctx,
        &[name, &current.arn],
        have.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    ) {
        return Ok(());
    }
    ctx.status(format!("deleting AWS Backup report plan {name}"))
        .await;
    found(
        "backup:DeleteReportPlan",
        cx.backup()
            .delete_report_plan()
            .report_plan_name(name)
            .send()
            .await,
        not_found,
    )?;
    Ok(())
}

#[cfg(test)]
#[path = "reports_tests.rs"]
mod tests;
