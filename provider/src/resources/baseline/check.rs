//! Validation and defaults of AccountBaseline inputs.

use pulumi_provider::{CheckCtx, CheckFailure, NameRules};

use super::args::{
    AccessRoleArgs, BackupArgs, BaselineArgs, DEFAULT_LOCK_DAYS, DEFAULT_RETENTION_DAYS,
    DEFAULT_STANDARDS, LockMode, PasswordPolicyArgs,
};
use super::backup::{DEFAULT_RETENTION_DAYS as DEFAULT_BACKUP_DAYS, DEFAULT_SCHEDULE};
use crate::compliance::{BACKUP_PLAN, LOG_RETENTION, PASSWORD_POLICY, S3_DEFAULT_LOCK};
use crate::resources::inputs;

/// Bucket names derive from the name (`<name>-<account>-<region>-access`), and S3 allows 63
/// characters: 28 leave room for the longest region.
const NAME_RULES: NameRules = NameRules {
    max_len: 28,
    allowed: |c| c.is_ascii_alphanumeric() || c == '-',
};

/// Retention values CloudWatch Logs accepts, from a year up.
const RETENTIONS: [i32; 11] = [365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

pub fn check(
    ctx: &mut CheckCtx,
    mut a: BaselineArgs,
    olds: Option<&BaselineArgs>,
) -> (BaselineArgs, Vec<CheckFailure>) {
    let mut failures = Vec::new();
    let given = a.baseline_name.is_some();
    let previous = olds.and_then(|o| o.baseline_name.as_deref());
    match ctx.physical_name("baselineName", a.baseline_name.take(), previous, NAME_RULES) {
        Ok(name) => {
            let name = if given {
                name
            } else {
                name.to_ascii_lowercase()
            };
            if name.starts_with('-')
                || name.ends_with('-')
                || name.chars().any(|c| c.is_ascii_uppercase())
            {
                failures.push(CheckFailure::new(
                    "baselineName",
                    "must be lowercase letters, digits and hyphens, starting and ending with a letter or digit (it names S3 buckets)",
                ));
            }
            a.baseline_name = Some(name);
        }
        Err(f) => failures.push(f),
    }
    let days = *a.log_retention_days.get_or_insert(DEFAULT_RETENTION_DAYS);
    if !RETENTIONS.contains(&days) {
        failures.push(CheckFailure::new(
            "logRetentionDays",
            LOG_RETENTION.violation(format!(
                "{days} days is not one of the retention periods CloudWatch Logs offers from a year up: {RETENTIONS:?}"
            )),
        ));
    }
    let mode = *a.object_lock_mode.get_or_insert(LockMode::default());
    match (mode, a.object_lock_days) {
        (LockMode::None, Some(_)) => failures.push(CheckFailure::new(
            "objectLockDays",
            "objectLockMode is NONE, so nothing is locked; leave objectLockDays unset",
        )),
        (LockMode::None, None) => {}
        (_, None) => a.object_lock_days = Some(DEFAULT_LOCK_DAYS),
        (_, Some(d)) if !(1..=36500).contains(&d) => failures.push(CheckFailure::new(
            "objectLockDays",
            S3_DEFAULT_LOCK.violation(format!("must be 1 to 36500 days, got {d}")),
        )),
        _ => {}
    }
    a.s3_data_events.get_or_insert(false);
    let adopt = a.adopt.get_or_insert_with(Default::default);
    for flag in [
        &mut adopt.config_recorder,
        &mut adopt.guard_duty,
        &mut adopt.security_hub,
        &mut adopt.password_policy,
        &mut adopt.s3_public_access_block,
        &mut adopt.imds_defaults,
        &mut adopt.snapshot_block_public_access,
        &mut adopt.default_vpc,
    ] {
        flag.get_or_insert(false);
    }
    a.retain_logs.get_or_insert(true);
    a.default_vpc.get_or_insert_with(Default::default);
    // A baseline recorded before `backup` existed plans no change for it on upgrade; its
    // next update makes the plan with the defaults.
    if a.backup.is_some() || olds.is_none_or(|o| o.backup.is_some()) {
        backup(a.backup.get_or_insert_with(Default::default), &mut failures);
    }
    access_role("supportRole", a.support_role.as_mut(), &mut failures);
    access_role("auditRole", a.audit_role.as_mut(), &mut failures);
    emails(&mut a.alarm_emails, &mut failures);
    standards(&mut a.security_hub_standards, &mut failures);
    password_policy(
        a.password_policy.get_or_insert_with(Default::default),
        &mut failures,
    );
    inputs::tags(a.tags.iter().flat_map(|t| t.keys()), &mut failures);
    (a, failures)
}

/// The backup plan's settings, with their defaults.
fn backup(b: &mut BackupArgs, failures: &mut Vec<CheckFailure>) {
    b.enabled.get_or_insert(true);
    let days = *b.retention_days.get_or_insert(DEFAULT_BACKUP_DAYS);
    if !(7..=36500).contains(&days) {
        failures.push(CheckFailure::new(
            "backup.retentionDays",
            BACKUP_PLAN.violation(format!("must be 7 to 36500 days, got {days}")),
        ));
    }
    let schedule = b
        .schedule
        .get_or_insert_with(|| DEFAULT_SCHEDULE.to_string());
    let fields = schedule
        .strip_prefix("cron(")
        .and_then(|s| s.strip_suffix(')'))
        .map(|s| s.split_whitespace().count());
    if fields != Some(6) {
        failures.push(CheckFailure::new(
            "backup.schedule",
            format!(
                "must be an AWS Backup cron expression of six fields in UTC, such as `{DEFAULT_SCHEDULE}` (daily at 05:00), got `{schedule}`"
            ),
        ));
    }
}

/// Who may assume a role: account IDs or IAM ARNs; an external ID as STS takes it.
fn access_role(
    property: &str,
    role: Option<&mut AccessRoleArgs>,
    failures: &mut Vec<CheckFailure>,
) {
    let Some(role) = role else { return };
    role.require_mfa.get_or_insert(true);
    if let Some(list) = &mut role.trusted_principals {
        for (i, p) in list.iter().enumerate() {
            let account = p.len() == 12 && p.chars().all(|c| c.is_ascii_digit());
            let arn = p.split(':').collect::<Vec<_>>();
            let iam_arn = arn.len() == 6
                && arn[0] == "arn"
                && arn[2] == "iam"
                && arn[4].len() == 12
                && arn[4].chars().all(|c| c.is_ascii_digit())
                && (arn[5] == "root" || arn[5].starts_with("role/") || arn[5].starts_with("user/"));
            if !account && !iam_arn {
                failures.push(CheckFailure::new(
                    format!("{property}.trustedPrincipals[{i}]"),
                    format!(
                        "{p:?} is neither an AWS account ID (12 digits) nor the ARN of an IAM role, user or account root"
                    ),
                ));
            }
        }
        list.sort();
        list.dedup();
    }
    if let Some(id) = &role.external_id {
        let allowed = |c: char| c.is_ascii_alphanumeric() || "+=,.@:/-_".contains(c);
        if !(2..=1224).contains(&id.len()) || !id.chars().all(allowed) {
            failures.push(CheckFailure::new(
                format!("{property}.externalId"),
                "must be 2 to 1224 letters, digits or the characters +=,.@:/-_ (as STS takes it)",
            ));
        }
    }
}

fn emails(given: &mut Option<Vec<String>>, failures: &mut Vec<CheckFailure>) {
    let Some(list) = given else { return };
    for (i, e) in list.iter().enumerate() {
        let well_formed = e.split_once('@').is_some_and(|(user, domain)| {
            !user.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }) && !e.chars().any(|c| c.is_whitespace() || c == ',');
        if !well_formed {
            failures.push(CheckFailure::new(
                format!("alarmEmails[{i}]"),
                format!("{e:?} is not an e-mail address"),
            ));
        }
    }
    list.sort();
    list.dedup();
}

fn standards(given: &mut Option<Vec<String>>, failures: &mut Vec<CheckFailure>) {
    let list =
        given.get_or_insert_with(|| DEFAULT_STANDARDS.iter().map(|s| s.to_string()).collect());
    for (i, s) in list.iter().enumerate() {
        let parts: Vec<&str> = s.split('/').collect();
        let well_formed = parts.len() == 3
            && parts[1] == "v"
            && !parts[0].is_empty()
            && !parts[2].is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | '.'));
        if !well_formed {
            failures.push(CheckFailure::new(
                format!("securityHubStandards[{i}]"),
                format!(
                    "{s:?} is not a standard's path such as `nist-800-53/v/5.0.0` (the part of its ARN after `standards/`)"
                ),
            ));
        }
    }
    list.sort();
    list.dedup();
}

fn password_policy(p: &mut PasswordPolicyArgs, failures: &mut Vec<CheckFailure>) {
    let length = *p.minimum_length.get_or_insert(14);
    if !(14..=128).contains(&length) {
        failures.push(CheckFailure::new(
            "passwordPolicy.minimumLength",
            PASSWORD_POLICY.violation(format!("must be 14 to 128 characters, got {length}")),
        ));
    }
    let age = *p.max_age_days.get_or_insert(90);
    if !(0..=1095).contains(&age) {
        failures.push(CheckFailure::new(
            "passwordPolicy.maxAgeDays",
            format!("must be 1 to 1095 days, or 0 for passwords that never expire; got {age}"),
        ));
    }
    let reuse = *p.reuse_prevention.get_or_insert(24);
    if reuse != 24 {
        failures.push(CheckFailure::new(
            "passwordPolicy.reusePrevention",
            PASSWORD_POLICY.violation(format!(
                "must be 24, the most IAM allows, so no recent password comes back; got {reuse}"
            )),
        ));
    }
}

#[cfg(test)]
#[path = "check_tests.rs"]
mod tests;
