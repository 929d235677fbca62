//! AWS Backup of the account's databases (45 CFR 164.308(a)(7)(ii)(A), data backup plan): a
//! plan whose one rule copies every database a HipaaPostgres makes into a vault encrypted with
//! the baseline's key, on a schedule, kept for the days set. The databases are chosen by the
//! `pulumi:urn` tag this provider puts on them, so one made after the baseline is covered at
//! once, and nothing else in the account is.
//!
//! Names: the vault `<baselineName>-backups`, the plan and its selection
//! `<baselineName>-databases`, the role AWS Backup assumes `<baselineName>-backup`.

use std::collections::BTreeMap;

use aws_sdk_backup::error::ProvideErrorMetadata;
use aws_sdk_backup::types::{
    BackupPlanInput, BackupRuleInput, BackupSelection, ConditionParameter, Conditions, Lifecycle,
};
use pulumi_provider::Ctx;
use serde_json::json;

use super::args::{BackupArgs, BaselineArgs, Names};
use super::backup_vault::{self, ensure_vault, hash_map, list_tags, not_found, retag};
use super::reports;
use crate::aws::AwsContext;
use crate::aws::iam::{self, RoleSpec};
use crate::aws::lag::{IN_USE, NEW_ROLE, SELECTIONS_LEFT, resend, settle};
use crate::aws::tags::{claim, may_take};
use crate::aws::token;
use crate::error::{Error, Result, found};
use crate::resources::postgres::settling;

/// Days each backup is kept unless set.
pub const DEFAULT_RETENTION_DAYS: i32 = 35;
/// When backups start unless set: daily at 05:00 UTC.
pub const DEFAULT_SCHEDULE: &str = "cron(0 5 ? * * *)";
/// The plan's one rule.
const RULE: &str = "scheduled";
/// A backup that has not started within an hour of its time, or finished within a day, fails
/// (and the next one runs as scheduled).
const START_WINDOW_MINUTES: i64 = 60;
const COMPLETION_WINDOW_MINUTES: i64 = 24 * 60;
/// The role's inline policy: the vault's key.
pub const POLICY: &str = "use-baseline-key";
/// The AWS managed policies AWS Backup documents for its role: to back up, and to restore.
const MANAGED: [&str; 2] = [
    "service-role/AWSBackupServiceRolePolicyForBackup",
    "service-role/AWSBackupServiceRolePolicyForRestores",
];
/// The databases: every resource whose `pulumi:urn` tag names a HipaaPostgres (alone or as a
/// Platform's child).
pub const SELECTION_KEY: &str = "aws:ResourceTag/pulumi:urn";
pub const SELECTION_VALUE: &str = "*healthcare:index:HipaaPostgres::*";

/// The settings a plan is brought to.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub schedule: String,
    pub retention_days: i32,
    pub vault: String,
}

impl Rule {
    pub fn wanted(b: Option<&BackupArgs>, names: &Names) -> Rule {
        Rule {
            schedule: b
                .and_then(|b| b.schedule.clone())
                .unwrap_or_else(|| DEFAULT_SCHEDULE.to_string()),
            retention_days: b
                .and_then(|b| b.retention_days)
                .unwrap_or(DEFAULT_RETENTION_DAYS),
            vault: names.backup_vault.clone(),
        }
    }

    fn input(&self, plan: &str) -> Result<BackupPlanInput> {
        let rule = BackupRuleInput::builder()
            .rule_name(RULE)
            .target_backup_vault_name(&self.vault)
            .schedule_expression(&self.schedule)
            .start_window_minutes(START_WINDOW_MINUTES)
            .completion_window_minutes(COMPLETION_WINDOW_MINUTES)
            .lifecycle(
                Lifecycle::builder()
                    .delete_after_days(i64::from(self.retention_days))
                    .build(),
            )
            .build()?;
        Ok(BackupPlanInput::builder()
            .backup_plan_name(plan)
            .rules(rule)
            .build()?)
    }
}

/// The plan as AWS Backup has it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    pub id: String,
    pub arn: String,
    pub rule: Option<Rule>,
    /// The selection of this plan named as the baseline names it, and whether it selects the
    /// databases with the baseline's role.
    pub selection: Option<(String, bool)>,
}

/// The account's plans named `name`: (id, ARN) of the one not deleted, and the ids of those
/// deleted (AWS Backup lists a deleted plan with its deletion date).
async fn plans_named(
    cx: &AwsContext,
    name: &str,
) -> Result<(Option<(String, String)>, Vec<String>)> {
    let mut live = None;
    let mut gone = Vec::new();
    let mut pages = cx
        .backup()
        .list_backup_plans()
        .include_deleted(true)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| Error::aws("backup:ListBackupPlans", e))?;
        for p in page.backup_plans_list.unwrap_or_default() {
            if p.backup_plan_name.as_deref() != Some(name) {
                continue;
            }
            let id = p.backup_plan_id.unwrap_or_default();
            if p.deletion_date.is_some() {
                gone.push(id);
            } else {
                live = Some((id, p.backup_plan_arn.unwrap_or_default()));
            }
        }
    }
    Ok((live, gone))
}

/// The plan, its rule and its selection, when the plan exists.
pub async fn observe(cx: &AwsContext, names: &Names) -> Result<Option<Plan>> {
    let Some((id, arn)) = plans_named(cx, &names.backup_plan).await?.0 else {
        return Ok(None);
    };
    let Some(got) = found(
        "backup:GetBackupPlan",
        cx.backup()
            .get_backup_plan()
            .backup_plan_id(&id)
            .send()
            .await,
        not_found,
    )?
    else {
        return Ok(None);
    };
    let rule = got.backup_plan.as_ref().and_then(|p| {
        p.rules()
            .iter()
            .find(|r| r.rule_name() == RULE)
            .map(|r| Rule {
                schedule: r.schedule_expression().unwrap_or_default().to_string(),
                retention_days: r
                    .lifecycle()
                    .and_then(|l| l.delete_after_days())
                    .and_then(|d| i32::try_from(d).ok())
                    .unwrap_or(0),
                vault: r.target_backup_vault_name().to_string(),
            })
    });
    let selection = selection(cx, &id, &names.backup_plan).await?;
    let role_arn = format!(
        "arn:{}:iam::{}:role/{}",
        cx.partition,
        cx.account().await?,
        names.backup_role
    );
    let selection = match selection {
        Some(selection_id) => {
            let s = found(
                "backup:GetBackupSelection",
                cx.backup()
                    .get_backup_selection()
                    .backup_plan_id(&id)
                    .selection_id(&selection_id)
                    .send()
                    .await,
                not_found,
            )?
            .and_then(|s| s.backup_selection);
            s.map(|s| (selection_id, selects_databases(&s, &role_arn)))
        }
        None => None,
    };
    Ok(Some(Plan {
        id,
        arn,
        rule,
        selection,
    }))
}

/// The id of the plan's selection named `name`.
async fn selection(cx: &AwsContext, plan_id: &str, name: &str) -> Result<Option<String>> {
    let mut pages = cx
        .backup()
        .list_backup_selections()
        .backup_plan_id(plan_id)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = match page {
            Ok(page) => page,
            Err(e) if e.as_service_error().is_some_and(not_found) => return Ok(None),
            Err(e) => return Err(Error::aws("backup:ListBackupSelections", e)),
        };
        if let Some(s) = page
            .backup_selections_list
            .unwrap_or_default()
            .into_iter()
            .find(|s| s.selection_name.as_deref() == Some(name))
        {
            return Ok(s.selection_id);
        }
    }
    Ok(None)
}

/// The baseline's selection, named `name`: every resource tagged as a HipaaPostgres's, backed
/// up through the role `role_arn`.
fn the_databases(
    name: &str,
    role_arn: &str,
) -> aws_sdk_backup::types::builders::BackupSelectionBuilder {
    BackupSelection::builder()
        .selection_name(name)
        .iam_role_arn(role_arn)
        .resources("*")
        .conditions(
            Conditions::builder()
                .string_like(
                    ConditionParameter::builder()
                        .condition_key(SELECTION_KEY)
                        .condition_value(SELECTION_VALUE)
                        .build(),
                )
                .build(),
        )
}

/// The selection is the baseline's: every resource, of those tagged as a HipaaPostgres's,
/// with the baseline's role.
fn selects_databases(s: &BackupSelection, role_arn: &str) -> bool {
    let like = s
        .conditions
        .as_ref()
        .and_then(|c| c.string_like.as_ref())
        .map(|l| {
            l.iter()
                .map(|c| {
                    (
                        c.condition_key.as_deref().unwrap_or_default(),
                        c.condition_value.as_deref().unwrap_or_default(),
                    )
                })
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    s.iam_role_arn == role_arn
        && s.resources.as_deref() == Some(&["*".to_string()][..])
        && s.not_resources.as_deref().unwrap_or_default().is_empty()
        && s.list_of_tags.as_deref().unwrap_or_default().is_empty()
        && like == [(SELECTION_KEY, SELECTION_VALUE)]
}

/// The plan's vault, role, plan and selection, made or brought to `a`'s settings.
pub async fn ensure(
    cx: &AwsContext,
    ctx: &Ctx,
    a: &BaselineArgs,
    names: &Names,
    key_arn: &str,
    tags: &BTreeMap<String, String>,
) -> Result<()> {
    let role_arn = ensure_role(cx, ctx, names, key_arn, tags).await?;
    ensure_vault(cx, ctx, &names.backup_vault, key_arn, tags).await?;
    let rule = Rule::wanted(a.backup.as_ref(), names);
    let (plan_id, plan_arn) = ensure_plan(cx, ctx, names, &rule, tags).await?;
    retag(cx, ctx, &plan_arn, &names.backup_plan, tags).await?;
    ensure_selection(cx, ctx, names, &plan_id, &role_arn).await?;
    reports::ensure(cx, ctx, names, tags).await
}

async fn ensure_role(
    cx: &AwsContext,
    ctx: &Ctx,
    names: &Names,
    key_arn: &str,
    tags: &BTreeMap<String, String>,
) -> Result<String> {
    let arn = iam::ensure_role(
        cx,
        ctx,
        &RoleSpec {
            name: &names.backup_role,
            property: Some("baselineName"),
            description: "AWS Backup backs up the account's databases (account baseline)",
            principals: &["backup.amazonaws.com".to_string()],
            policy_name: POLICY,
            policy: json!({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow",
                "Action": ["kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey",
                           "kms:CreateGrant"],
                "Resource": key_arn,
                "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}},
            }, {
                "Effect": "Allow",
                "Action": ["kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"],
                "Resource": key_arn,
                "Condition": {"StringLike": {"kms:ViaService": "backup.*.amazonaws.com"}},
            }]}),
            tags,
        },
    )
    .await?;
    for policy in MANAGED {
        iam::attach(
            cx,
            ctx,
            &names.backup_role,
            &format!("arn:{}:iam::aws:policy/{policy}", cx.partition),
        )
        .await?;
    }
    Ok(arn)
}

/// The plan's (id, ARN), made or brought to `rule`.
async fn ensure_plan(
    cx: &AwsContext,
    ctx: &Ctx,
    names: &Names,
    rule: &Rule,
    tags: &BTreeMap<String, String>,
) -> Result<(String, String)> {
    let name = &names.backup_plan;
    let (live, gone) = plans_named(cx, name).await?;
    if let Some((id, arn)) = live {
        let have = list_tags(cx, &arn).await?;
        claim(ctx, &[name, &arn], &have, "baselineName", || {
            format!("an AWS Backup plan named {name}")
        })?;
        let current = observe(cx, names).await?.and_then(|p| p.rule);
        if current.as_ref() != Some(rule) {
            ctx.status(format!("setting AWS Backup plan {name}")).await;
            cx.backup()
                .update_backup_plan()
                .backup_plan_id(&id)
                .backup_plan(rule.input(name)?)
                .send()
                .await
                .map_err(|e| Error::aws("backup:UpdateBackupPlan", e))?;
        }
        return Ok((id, arn));
    }
    ctx.status(format!("making AWS Backup plan {name}")).await;
    // The same token for every attempt until a plan of this name is deleted: a create whose
    // answer was lost is answered with its plan, and a plan deleted is made anew.
    let request_id = token::after_gone(&[ctx.urn(), name], gone.iter().map(String::as_str));
    let made = cx
        .backup()
        .create_backup_plan()
        .backup_plan(rule.input(name)?)
        .set_backup_plan_tags(Some(hash_map(tags)))
        .creator_request_id(request_id)
        .send()
        .await;
    match made {
        Ok(out) => Ok((
            out.backup_plan_id.unwrap_or_default(),
            out.backup_plan_arn.unwrap_or_default(),
        )),
        Err(e) if e.code() == Some("AlreadyExistsException") => {
            // The same plan, made by a request the list did not show yet.
            let what = format!("AWS Backup plan {name}");
            let (id, arn) = settling::until_seen(
                ctx,
                &what,
                || settling::vanished(&what, "refused as existing, then not listed"),
                || async { Ok(plans_named(cx, name).await?.0) },
            )
            .await?;
            let have = list_tags(cx, &arn).await?;
            claim(ctx, &[name, &arn], &have, "baselineName", || {
                format!("an AWS Backup plan named {name}")
            })?;
            Ok((id, arn))
        }
        Err(e) => Err(Error::aws("backup:CreateBackupPlan", e)),
    }
}

/// The plan's one selection, made, or made anew when it selects something else (a selection
/// cannot be changed).
async fn ensure_selection(
    cx: &AwsContext,
    ctx: &Ctx,
    names: &Names,
    plan_id: &str,
    role_arn: &str,
) -> Result<()> {
    let name = &names.backup_plan;
    if let Some(plan) = observe(cx, names).await?.filter(|p| p.id == plan_id) {
        match plan.selection {
            Some((_, true)) => return Ok(()),
            Some((id, false)) => delete_selection(cx, ctx, plan_id, &id).await?,
            None => {}
        }
    }
    ctx.status(format!("making AWS Backup selection {name}"))
        .await;
    let selection = the_databases(name, role_arn).build()?;
    let req = cx
        .backup()
        .create_backup_selection()
        .backup_plan_id(plan_id)
        .backup_selection(selection)
        .creator_request_id(token::fresh(&[ctx.urn(), plan_id, name]));
    // AWS Backup checks it may assume the role, which IAM may not have spread yet.
    settle(
        ctx,
        &format!("AWS Backup selection {name}"),
        &[&NEW_ROLE],
        resend!(req, "backup:CreateBackupSelection"),
    )
    .await?;
    Ok(())
}

async fn delete_selection(cx: &AwsContext, ctx: &Ctx, plan_id: &str, id: &str) -> Result<()> {
    ctx.status(format!("deleting AWS Backup selection {id}"))
        .await;
    found(
        "backup:DeleteBackupSelection",
        cx.backup()
            .delete_backup_selection()
            .backup_plan_id(plan_id)
            .selection_id(id)
            .send()
            .await,
        not_found,
    )?;
    Ok(())
}

/// Deletes the baseline's report plan, selection, plan, role and vault, where they are this
/// baseline's; answers the vault's name when it holds backups and is kept, for the log.
pub async fn delete(cx: &AwsContext, ctx: &Ctx, names: &Names) -> Result<Option<String>> {
    reports::delete(cx, ctx, names).await?;
    let name = &names.backup_plan;
    if let Some((id, arn)) = plans_named(cx, name).await?.0 {
        let have = list_tags(cx, &arn).await?;
        if may_take(
            ctx,
            &[name, &arn],
            have.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        ) {
            if let Some(selection) = selection(cx, &id, name).await? {
                delete_selection(cx, ctx, &id, &selection).await?;
            }
            ctx.status(format!("deleting AWS Backup plan {name}")).await;
            // AWS Backup refuses while its list of the plan's selections still holds the one
            // deleted a moment ago.
            settle(
                ctx,
                &format!("AWS Backup plan {name}"),
                &[&IN_USE, &SELECTIONS_LEFT],
                || async {
                    found(
                        "backup:DeleteBackupPlan",
                        cx.backup()
                            .delete_backup_plan()
                            .backup_plan_id(&id)
                            .send()
                            .await,
                        not_found,
                    )
                },
            )
            .await?;
        }
    }
    if let Some(tags) = iam::role_tags(cx, &names.backup_role).await?
        && may_take(
            ctx,
            &[&names.backup_role],
            tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        )
    {
        iam::delete_role(cx, ctx, &names.backup_role, POLICY).await?;
    }
    backup_vault::delete(cx, ctx, names).await
}

#[cfg(test)]
#[path = "backup_tests.rs"]
mod tests;
