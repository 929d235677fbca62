//! The state of an AccountBaseline as AWS reports it: outputs, the inputs that would
//! produce it, and the compliance of each control with the evidence AWS gave.

use std::collections::BTreeMap;

use super::args::{
    ADOPTED, BackupArgs, BaselineArgs, BaselineState, LockMode, Names, Part, PasswordPolicyArgs,
};
use super::default_vpc::{self, DefaultVpc};
use super::events::EVENTS;
use super::policies::Arns;
use super::{
    access_roles, account, alarms, backup, backup_vault, ec2_account, guards, rds_events, recorder,
    reports, trail,
};
use crate::aws::tags::user_tags;
use crate::aws::{AwsContext, kms, logs, s3, s3control};
use crate::compliance::{
    AUDIT_ROLE, BACKUP_PLAN, CMK_ROTATION, CONFIG_ENABLED, Compliance, Control, DEFAULT_SG_CLOSED,
    EBS_DEFAULT_ENCRYPTION, GUARDDUTY_ENABLED, IMAGE_BLOCK_PUBLIC, IMDSV2_DEFAULT,
    LOG_GROUP_ENCRYPTED, LOG_RETENTION, NACL_NO_OPEN_INGRESS, NO_PUBLIC_IP, PASSWORD_POLICY,
    RDS_EVENTS, S3_ACCOUNT_PUBLIC_ACCESS, S3_DEFAULT_LOCK, S3_ENCRYPTED, S3_LOGGING,
    S3_PUBLIC_ACCESS, S3_SSL_ONLY, S3_VERSIONING, SECURITY_ALARMS, SECURITYHUB_ENABLED,
    SNAPSHOT_BLOCK_PUBLIC, SNS_ENCRYPTED, SUPPORT_ROLE, TRAIL_CLOUDWATCH, TRAIL_ENCRYPTED,
    TRAIL_MULTI_REGION, TRAIL_VALIDATION, VPC_FLOW_LOGS,
};
use crate::error::Result;

/// Reads the baseline back. `given` is the inputs as the program wrote them; `parts` says
/// which one-per-region parts it made and which it took over (the saved state's word: AWS
/// does not record it).
pub async fn read(
    cx: &AwsContext,
    name: &str,
    given: Option<&BaselineArgs>,
    parts: &BTreeMap<String, String>,
) -> Result<Option<BaselineState>> {
    cx.validate().await?;
    let account = cx.account().await?.to_string();
    let names = Names::new(name, &account, &cx.region);
    let Some(t) = trail::describe(cx, &names.trail).await? else {
        return Ok(None);
    };
    let topic_arn = alarms::topic_arn(cx, &account, &names);
    let (
        bucket,
        access,
        group,
        key,
        topic,
        watched,
        rec,
        det,
        hub,
        ebs,
        pw,
        pab,
        rds,
        ec2,
        vpc,
        roles,
        plan,
        vault,
        report,
    ) = futures::join!(
        s3::observe(cx, &names.bucket),
        s3::observe(cx, &names.access_bucket),
        logs::describe(cx, &names.log_group),
        kms::observe(cx, t.kms_key.as_deref(), &names.key_alias),
        alarms::topic(cx, &topic_arn),
        alarms::observe(cx, &names),
        recorder::find(cx),
        guards::detector(cx),
        guards::hub(cx),
        account::ebs_encrypted(cx),
        account::password_policy(cx),
        s3control::public_access_block(cx),
        rds_events::observe(cx, &names),
        ec2_account::read(cx),
        default_vpc::find(cx),
        access_roles::observe(cx, &names),
        backup::observe(cx, &names),
        backup_vault::vault(cx, &names.backup_vault),
        reports::observe(cx, &names),
    );
    let (plan, vault, report) = (plan?, vault?, report?);
    let (bucket, access, group, (key, _), topic) = (bucket?, access?, group?, key?, topic?);
    let ((alarm_actions, filters), rec, det, hub, ebs, pw, pab, rds, ec2, vpc, roles) = (
        watched?, rec?, det?, hub?, ebs?, pw?, pab?, rds?, ec2?, vpc?, roles?,
    );
    let standards = match &hub {
        Some(_) => guards::enabled_standards(cx).await?,
        None => BTreeMap::new(),
    };
    let key_arn = key.as_ref().map(|k| k.arn.clone()).unwrap_or_default();
    let default = BaselineArgs::default();
    let given = given.unwrap_or(&default);

    let enabled_paths: Vec<String> = standards.keys().map(|a| guards::standard_path(a)).collect();
    let security_hub_standards = Some(match &given.security_hub_standards {
        Some(wanted) => wanted
            .iter()
            .filter(|p| enabled_paths.contains(p))
            .cloned()
            .collect(),
        None => enabled_paths.clone(),
    });
    let (lock_mode, lock_days) = match bucket.as_ref().and_then(|b| b.lock) {
        Some(l) if l.compliance => (LockMode::Compliance, Some(l.days)),
        Some(l) => (LockMode::Governance, Some(l.days)),
        None => (LockMode::None, None),
    };
    let emails = topic.as_ref().map(|t| t.emails.clone()).unwrap_or_default();
    let password_policy = pw.as_ref().map(|p| PasswordPolicyArgs {
        minimum_length: p.minimum_password_length,
        max_age_days: Some(p.max_password_age.unwrap_or(0)),
        reuse_prevention: p.password_reuse_prevention,
    });
    let user = user_tags(&t.tags, &cx.default_tags);
    let args = BaselineArgs {
        baseline_name: Some(name.to_string()),
        log_retention_days: group.as_ref().and_then(|g| g.retention_days),
        object_lock_mode: Some(lock_mode),
        object_lock_days: lock_days,
        s3_data_events: Some(t.s3_data),
        alarm_emails: if emails.is_empty() && given.alarm_emails.is_none() {
            None
        } else {
            Some(emails)
        },
        security_hub_standards,
        password_policy: password_policy.or(given.password_policy.clone()),
        default_vpc: Some(given.default_vpc.unwrap_or_default()),
        // A role's terms are the program's; a role gone since shows as not asked for.
        support_role: given
            .support_role
            .clone()
            .filter(|_| roles.contains_key("supportRole")),
        audit_role: given
            .audit_role
            .clone()
            .filter(|_| roles.contains_key("auditRole")),
        backup: backup_args(plan.as_ref(), given),
        adopt: given.adopt.clone(),
        retain_logs: Some(given.retain()),
        tags: if user.is_empty() && given.tags.is_none() {
            None
        } else {
            Some(user)
        },
    };

    let mut parts = parts.clone();
    for part in Part::ALL.into_iter().filter(|p| given.wants(*p)) {
        // A baseline read without its saved state (an import) takes nothing for its own.
        parts
            .entry(part.key().to_string())
            .or_insert_with(|| ADOPTED.to_string());
    }
    let alarm_names: Vec<String> = EVENTS.iter().map(|e| names.alarm(e.name)).collect();
    let alarms_ok = alarm_names.iter().all(|n| {
        alarm_actions.get(n).is_some_and(|a| a.contains(&topic_arn)) && filters.contains_key(n)
    });
    let lock_ok = lock_mode != LockMode::None && lock_days.unwrap_or(0) >= 1;
    let tls_only = |b: &Option<s3::Bucket>| {
        b.as_ref()
            .and_then(|b| b.policy.as_ref())
            .is_some_and(|p| p.to_string().contains("\"aws:SecureTransport\":\"false\""))
    };
    let (rotation, rotation_evidence) = kms::Key::rotation_evidence(key.as_ref());
    let mut controls: Vec<Control> = vec![
        TRAIL_MULTI_REGION.control(
            t.multi_region && t.global_events && t.logging && t.management,
            format!(
                "trail {}: multi-region {}, global service events {}, logging {}, management events read and write {}",
                t.arn, t.multi_region, t.global_events, t.logging, t.management
            ),
        ),
        TRAIL_VALIDATION.control(t.validation, format!("log file validation {}", t.validation)),
        TRAIL_ENCRYPTED.control(
            t.kms_key.is_some(),
            format!("trail key {}", t.kms_key.clone().unwrap_or_else(|| "none".into())),
        ),
        TRAIL_CLOUDWATCH.control(
            t.log_group_arn.is_some(),
            format!("delivers to {}", t.log_group_arn.clone().unwrap_or_else(|| "no log group".into())),
        ),
        CMK_ROTATION.control(rotation, rotation_evidence),
        LOG_GROUP_ENCRYPTED.control(
            group.as_ref().is_some_and(|g| g.kms_key_id.is_some()),
            format!("log group {} encrypted with {}", names.log_group, shown(group.as_ref().and_then(|g| g.kms_key_id.clone()))),
        ),
        LOG_RETENTION.control(
            group.as_ref().and_then(|g| g.retention_days).is_some_and(|d| d >= 365),
            format!("log group kept {} days", shown(group.as_ref().and_then(|g| g.retention_days))),
        ),
        S3_PUBLIC_ACCESS.control(
            [&bucket, &access].iter().all(|b| b.as_ref().is_some_and(|b| b.public_blocked)),
            "public access block on both buckets",
        ),
        S3_SSL_ONLY.control(tls_only(&bucket) && tls_only(&access), "both bucket policies deny requests without TLS"),
        S3_ENCRYPTED.control(
            bucket.as_ref().and_then(|b| b.sse.clone()).is_some_and(|(alg, key)| alg == "aws:kms" && key.is_some()),
            match bucket.as_ref().and_then(|b| b.sse.clone()) {
                Some((alg, key)) => format!("trail bucket default encryption {alg} with {}", shown(key)),
                None => "trail bucket has no default encryption".into(),
            },
        ),
        S3_VERSIONING.control(
            [&bucket, &access].iter().all(|b| b.as_ref().is_some_and(|b| b.versioning)),
            "versioning on both buckets",
        ),
        S3_DEFAULT_LOCK.control(
            lock_ok,
            match lock_days {
                Some(days) => format!("Object Lock {} for {days} days", if lock_mode == LockMode::Compliance { "COMPLIANCE" } else { "GOVERNANCE" }),
                None => "no Object Lock default retention".into(),
            },
        ),
        S3_LOGGING.control(
            bucket.as_ref().and_then(|b| b.logging_target.clone()) == Some(names.access_bucket.clone()),
            format!("trail bucket access logs go to {}", shown(bucket.as_ref().and_then(|b| b.logging_target.clone()))),
        ),
        SNS_ENCRYPTED.control(
            topic.as_ref().and_then(|t| t.kms_key.clone()).is_some(),
            format!("alarm topic encrypted with {}", shown(topic.as_ref().and_then(|t| t.kms_key.clone()))),
        ),
        RDS_EVENTS.control(
            rds_events::SOURCES.iter().all(|s| rds.get(&s.name(&names)).is_some_and(|r| r.is(s, &topic_arn))),
            format!(
                "{} of {} RDS event subscriptions (db-instance, db-cluster, db-parameter-group, db-security-group) enabled, sending their critical events to {topic_arn}",
                rds_events::SOURCES.iter().filter(|s| rds.get(&s.name(&names)).is_some_and(|r| r.is(s, &topic_arn))).count(),
                rds_events::SOURCES.len()
            ),
        ),
        SECURITY_ALARMS.control(
            alarms_ok,
            format!(
                "{} of {} security events have a metric filter and an alarm notifying {topic_arn}",
                alarm_names.iter().filter(|n| alarm_actions.contains_key(*n) && filters.contains_key(*n)).count(),
                alarm_names.len()
            ),
        ),
        CONFIG_ENABLED.control(
            rec.as_ref().is_some_and(|r| r.recording && r.all_resources && r.channel.is_some()),
            match &rec {
                Some(r) => format!("recorder {}: recording {}, all resources {}, delivering to {}", r.name, r.recording, r.all_resources, shown(r.channel.as_ref().map(|c| c.1.clone()))),
                None => "no AWS Config recorder".into(),
            },
        ),
        GUARDDUTY_ENABLED.control(
            det.as_ref().is_some_and(|(_, on)| *on),
            match &det {
                Some((id, on)) => format!("GuardDuty detector {id}, enabled {on}"),
                None => "no GuardDuty detector".into(),
            },
        ),
        SECURITYHUB_ENABLED.control(
            hub.is_some(),
            match &hub {
                Some(arn) => format!("Security Hub {arn} with {} standards enabled", standards.len()),
                None => "Security Hub is not enabled".into(),
            },
        ),
        EBS_DEFAULT_ENCRYPTION.control(ebs, format!("EBS encryption by default {ebs}")),
        IMDSV2_DEFAULT.control(
            ec2.http_tokens.as_deref() == Some(ec2_account::TOKENS_REQUIRED),
            format!("new instances' default HttpTokens: {}", shown(ec2.http_tokens.as_deref())),
        ),
        SNAPSHOT_BLOCK_PUBLIC.control(
            ec2.snapshots == ec2_account::SNAPSHOTS_BLOCKED,
            format!("EBS snapshot block public access: {}", ec2.snapshots),
        ),
        IMAGE_BLOCK_PUBLIC.control(
            ec2.images == ec2_account::IMAGES_BLOCKED,
            format!("AMI block public access: {}", ec2.images),
        ),
        S3_ACCOUNT_PUBLIC_ACCESS.control(
            pab.as_ref().is_some_and(s3control::blocks_all),
            match &pab {
                Some(c) => format!("account S3 Block Public Access: {}", s3control::describe(c)),
                None => "the account has no S3 Block Public Access settings".into(),
            },
        ),
        PASSWORD_POLICY.control(
            pw.as_ref().is_some_and(|p| account::policy_holds(p, &given.password_policy.clone().unwrap_or_default())),
            match &pw {
                Some(p) => format!(
                    "minimum length {}, all character classes {}, reuse prevention {}, maximum age {} days",
                    shown(p.minimum_password_length),
                    p.require_symbols && p.require_numbers && p.require_uppercase_characters && p.require_lowercase_characters,
                    shown(p.password_reuse_prevention),
                    shown(p.max_password_age)
                ),
                None => "no password policy".into(),
            },
        ),
    ];
    controls.extend(default_vpc_controls(
        vpc.as_ref(),
        &Arns {
            partition: &cx.partition,
            region: &cx.region,
            account: &account,
        }
        .bucket(&names.bucket),
    ));
    for (kind, rule) in [
        (access_roles::Kind::Support, SUPPORT_ROLE),
        (access_roles::Kind::Audit, AUDIT_ROLE),
    ] {
        if kind.args(given).is_none() {
            continue;
        }
        let policy = kind.policy_arn(&cx.partition);
        controls.push(match roles.get(kind.property()) {
            Some((arn, attached)) => rule.control(
                *attached,
                format!("role {arn}: {policy} attached {attached}"),
            ),
            None => rule.control(false, format!("no role {}", kind.name(&names))),
        });
    }
    if args.backs_up() {
        controls.push(backup_control(
            plan.as_ref(),
            vault.as_ref(),
            report.as_ref(),
            &key_arn,
            &names,
        ));
    }
    let mut retained = Vec::new();
    if args.retain() {
        retained.push(format!("S3 bucket {}", names.bucket));
        retained.push(format!("S3 bucket {}", names.access_bucket));
        retained.push(format!("log group {}", names.log_group));
    } else if lock_mode != LockMode::None {
        retained.push(format!("S3 bucket {} (under Object Lock)", names.bucket));
    }
    if !retained.is_empty() && !key_arn.is_empty() {
        retained.push(format!("KMS key {key_arn}"));
    }
    // AWS Backup deletes only an empty vault; its backups expire as the plan set.
    if let Some(v) = vault.as_ref().filter(|v| v.recovery_points > 0) {
        retained.push(format!(
            "AWS Backup vault {} ({} backups)",
            names.backup_vault, v.recovery_points
        ));
    }
    for part in Part::ALL {
        if parts.get(part.key()).map(String::as_str) == Some(ADOPTED) {
            retained.push(format!("{} (adopted)", part.key()));
        }
    }
    Ok(Some(BaselineState {
        args,
        trail_arn: t.arn,
        log_bucket_name: names.bucket.clone(),
        access_log_bucket_name: names.access_bucket.clone(),
        log_group_name: names.log_group.clone(),
        kms_key_arn: key_arn,
        alarm_topic_arn: topic.map(|t| t.arn).unwrap_or_default(),
        alarm_names,
        rds_event_subscriptions: rds.into_keys().collect(),
        support_role_arn: roles
            .get("supportRole")
            .map(|r| r.0.clone())
            .unwrap_or_default(),
        audit_role_arn: roles
            .get("auditRole")
            .map(|r| r.0.clone())
            .unwrap_or_default(),
        backup_plan_arn: plan.as_ref().map(|p| p.arn.clone()).unwrap_or_default(),
        backup_report_plan_arn: report.map(|r| r.arn).unwrap_or_default(),
        backup_vault_name: vault
            .as_ref()
            .map(|_| names.backup_vault.clone())
            .unwrap_or_default(),
        config_recorder_name: rec.map(|r| r.name).unwrap_or_default(),
        guard_duty_detector_id: det.map(|d| d.0).unwrap_or_default(),
        security_hub_arn: hub.unwrap_or_default(),
        parts,
        retained_on_delete: retained,
        compliance: Some(Compliance::new(controls)),
    }))
}

/// The backup inputs that would give what AWS has: the plan's rule when there is a plan,
/// off when the program turned it off (or never named it, in a baseline from before it).
fn backup_args(plan: Option<&backup::Plan>, given: &BaselineArgs) -> Option<BackupArgs> {
    match plan.and_then(|p| p.rule.as_ref()) {
        Some(rule) => Some(BackupArgs {
            enabled: Some(true),
            retention_days: Some(rule.retention_days),
            schedule: Some(rule.schedule.clone()),
        }),
        None if plan.is_some() => given.backup.clone(),
        None => given.backup.as_ref().map(|b| BackupArgs {
            enabled: Some(false),
            ..b.clone()
        }),
    }
}

/// The plan, its selection of the databases, and its vault encrypted with the baseline's key.
fn backup_control(
    plan: Option<&backup::Plan>,
    vault: Option<&backup_vault::Vault>,
    report: Option<&reports::Report>,
    key_arn: &str,
    names: &Names,
) -> Control {
    let Some(p) = plan else {
        return BACKUP_PLAN.control(false, format!("no AWS Backup plan {}", names.backup_plan));
    };
    let rule = p.rule.as_ref();
    let selected = p.selection.as_ref().is_some_and(|(_, ok)| *ok);
    let encrypted =
        vault.and_then(|v| v.key_arn.as_deref()) == Some(key_arn) && !key_arn.is_empty();
    let holds = rule.is_some_and(|r| r.retention_days >= 7 && r.vault == names.backup_vault);
    let reported = report.is_some_and(|r| r.is_the_baselines(names));
    BACKUP_PLAN.control(
        holds && selected && encrypted && reported,
        format!(
            "plan {}: {}; selection {}; vault {} encrypted with {}; {}",
            p.arn,
            rule.map_or_else(
                || "no rule".to_string(),
                |r| format!(
                    "{} to {}, kept {} days",
                    r.schedule, r.vault, r.retention_days
                )
            ),
            match &p.selection {
                Some((id, true)) => format!(
                    "{id}: resources tagged {} like {}",
                    backup::SELECTION_KEY,
                    backup::SELECTION_VALUE
                ),
                Some((id, false)) => format!("{id} selects something else"),
                None => "none".to_string(),
            },
            names.backup_vault,
            shown(vault.and_then(|v| v.key_arn.clone())),
            match report {
                Some(r) => format!(
                    "report plan {} delivers {} as {} to s3://{}/{}",
                    r.arn,
                    r.template,
                    r.formats.join(" and "),
                    r.bucket,
                    r.prefix
                ),
                None => format!("no report plan {}", names.report_plan),
            }
        ),
    )
}

/// A value AWS gave, or "none".
fn shown<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map_or_else(|| "none".to_string(), |v| v.to_string())
}

/// The default VPC's controls: each passes in a Region with no default VPC.
fn default_vpc_controls(vpc: Option<&DefaultVpc>, bucket_arn: &str) -> Vec<Control> {
    let Some(v) = vpc else {
        let none = "the region has no default VPC";
        return vec![
            VPC_FLOW_LOGS.control(true, none),
            DEFAULT_SG_CLOSED.control(true, none),
            NACL_NO_OPEN_INGRESS.control(true, none),
            NO_PUBLIC_IP.control(true, none),
        ];
    };
    let flow = match v.flow_logs.as_slice() {
        [] => "no flow log".to_string(),
        logs => logs
            .iter()
            .map(|(id, to)| {
                let whose = if to.trim_end_matches('/') == bucket_arn {
                    " (the trail bucket)"
                } else {
                    ""
                };
                format!("flow log {id} to {to}{whose}")
            })
            .collect::<Vec<_>>()
            .join(", "),
    };
    let (group_id, rules) = v
        .group
        .as_ref()
        .map_or(("none".to_string(), 0), |(id, i, o)| {
            (id.clone(), i.len() + o.len())
        });
    let (acl_id, open) = v.acl.as_ref().map_or(("none".to_string(), 0), |(id, e)| {
        (
            id.clone(),
            e.iter()
                .filter(|e| {
                    e.egress() == Some(false)
                        && e.rule_action() == Some(&aws_sdk_ec2::types::RuleAction::Allow)
                })
                .count(),
        )
    });
    let public = v.public_subnets().len();
    vec![
        VPC_FLOW_LOGS.control(
            !v.flow_logs.is_empty(),
            format!("default VPC {}: {flow}", v.id),
        ),
        DEFAULT_SG_CLOSED.control(
            v.group_closed(),
            format!(
                "default VPC {}: its default security group {group_id} has {rules} rules",
                v.id
            ),
        ),
        NACL_NO_OPEN_INGRESS.control(
            v.acl_closed(),
            format!(
                "default VPC {}: its default network ACL {acl_id} has {open} inbound allow entries",
                v.id
            ),
        ),
        NO_PUBLIC_IP.control(
            public == 0,
            format!(
                "default VPC {}: {public} of {} subnets give public IPs by default",
                v.id,
                v.subnets.len()
            ),
        ),
    ]
}
