use pulumi_provider::CheckCtx;

use super::*;

fn checked(a: BaselineArgs) -> (BaselineArgs, Vec<String>) {
    let mut ctx = CheckCtx::default();
    let (a, failures) = check(&mut ctx, a, None);
    (a, failures.into_iter().map(|f| f.property).collect())
}

#[test]
fn defaults_fill_every_setting() {
    let (a, failures) = checked(BaselineArgs {
        baseline_name: Some("audit".into()),
        ..BaselineArgs::default()
    });
    assert!(failures.is_empty(), "{failures:?}");
    assert_eq!(a.log_retention_days, Some(365));
    assert_eq!(a.object_lock_mode, Some(LockMode::Governance));
    assert_eq!(a.object_lock_days, Some(DEFAULT_LOCK_DAYS));
    assert_eq!(a.retain_logs, Some(true));
    assert_eq!(a.security_hub_standards.map(|s| s.len()), Some(2));
    let p = a.password_policy.unwrap_or_default();
    assert_eq!(
        (p.minimum_length, p.max_age_days, p.reuse_prevention),
        (Some(14), Some(90), Some(24))
    );
}

#[test]
fn unsafe_or_malformed_settings_fail_naming_the_property() {
    let (_, failures) = checked(BaselineArgs {
        baseline_name: Some("Audit".into()),
        log_retention_days: Some(90),
        object_lock_days: Some(0),
        alarm_emails: Some(vec!["not-an-address".into()]),
        security_hub_standards: Some(vec!["arn:aws:securityhub:::ruleset/x".into()]),
        password_policy: Some(PasswordPolicyArgs {
            minimum_length: Some(8),
            max_age_days: Some(2000),
            reuse_prevention: Some(5),
        }),
        ..BaselineArgs::default()
    });
    assert_eq!(
        failures,
        [
            "baselineName",
            "logRetentionDays",
            "objectLockDays",
            "alarmEmails[0]",
            "securityHubStandards[0]",
            "passwordPolicy.minimumLength",
            "passwordPolicy.maxAgeDays",
            "passwordPolicy.reusePrevention",
        ]
    );
}

#[test]
fn lock_days_without_a_lock_are_refused() {
    let (_, failures) = checked(BaselineArgs {
        baseline_name: Some("audit".into()),
        object_lock_mode: Some(LockMode::None),
        object_lock_days: Some(30),
        ..BaselineArgs::default()
    });
    assert_eq!(failures, ["objectLockDays"]);
}

#[test]
fn access_roles_name_each_principal_that_is_not_one() {
    let role = |principals: &[&str], external_id: Option<&str>| {
        Some(AccessRoleArgs {
            trusted_principals: Some(principals.iter().map(|p| p.to_string()).collect()),
            external_id: external_id.map(String::from),
            require_mfa: None,
        })
    };
    let (a, failures) = checked(BaselineArgs {
        baseline_name: Some("audit".into()),
        support_role: role(
            &["123456789012", "arn:aws:iam::210987654321:role/oncall"],
            None,
        ),
        audit_role: role(
            &[
                "arn:aws:iam::123456789012:root",
                "auditors",
                "arn:aws:s3:::bucket",
            ],
            Some("no spaces allowed"),
        ),
        ..BaselineArgs::default()
    });
    assert_eq!(
        failures,
        [
            "auditRole.trustedPrincipals[1]",
            "auditRole.trustedPrincipals[2]",
            "auditRole.externalId",
        ]
    );
    assert_eq!(a.support_role.and_then(|r| r.require_mfa), Some(true));
}

#[test]
fn backup_is_on_by_default_and_its_settings_are_checked() {
    let (a, failures) = checked(BaselineArgs {
        baseline_name: Some("audit".into()),
        ..BaselineArgs::default()
    });
    assert!(failures.is_empty(), "{failures:?}");
    assert_eq!(
        a.backup,
        Some(BackupArgs {
            enabled: Some(true),
            retention_days: Some(35),
            schedule: Some("cron(0 5 ? * * *)".into()),
        })
    );
    for (days, schedule) in [
        (6, "cron(0 5 ? * * *)"),
        (35, "rate(1 day)"),
        (35, "cron(0 5 * *)"),
    ] {
        let (_, failures) = checked(BaselineArgs {
            baseline_name: Some("audit".into()),
            backup: Some(BackupArgs {
                enabled: None,
                retention_days: Some(days),
                schedule: Some(schedule.into()),
            }),
            ..BaselineArgs::default()
        });
        let want = if days < 7 {
            "backup.retentionDays"
        } else {
            "backup.schedule"
        };
        assert_eq!(failures, [want], "{days} {schedule}");
    }
}

#[test]
fn a_baseline_saved_before_backup_existed_plans_no_change_for_it() {
    let mut ctx = CheckCtx::default();
    let old = BaselineArgs {
        baseline_name: Some("audit".into()),
        ..BaselineArgs::default()
    };
    let (a, failures) = check(&mut ctx, old.clone(), Some(&old));
    assert!(failures.is_empty(), "{failures:?}");
    assert_eq!(a.backup, None);
    // Named by the program, it is filled in and checked as for a new baseline.
    let news = BaselineArgs {
        backup: Some(BackupArgs::default()),
        ..old.clone()
    };
    let (a, _) = check(&mut ctx, news, Some(&old));
    assert_eq!(a.backup.and_then(|b| b.retention_days), Some(35));
}
