use super::*;

const ROLE: &str = "arn:aws:iam::123456789012:role/audit-backup";

fn the_baselines() -> aws_sdk_backup::types::builders::BackupSelectionBuilder {
    the_databases("audit-databases", ROLE)
}

#[test]
fn only_the_baselines_own_selection_counts_as_selecting_the_databases() {
    let own = the_baselines().build().unwrap();
    assert!(selects_databases(&own, ROLE));
    // Another role, more resources, no condition, or a resource left out: made anew.
    assert!(!selects_databases(
        &own,
        "arn:aws:iam::123456789012:role/other"
    ));
    let more = the_baselines()
        .resources("arn:aws:rds:*:*:db:*")
        .build()
        .unwrap();
    assert!(!selects_databases(&more, ROLE));
    let all = BackupSelection::builder()
        .selection_name("audit-databases")
        .iam_role_arn(ROLE)
        .resources("*")
        .build()
        .unwrap();
    assert!(!selects_databases(&all, ROLE));
    let except = the_baselines().not_resources("arn:aws:rds:us-east-1:123456789012:db:x");
    assert!(!selects_databases(&except.build().unwrap(), ROLE));
}

#[test]
fn the_rule_takes_the_inputs_or_the_defaults() {
    let names = Names::new("audit", "123456789012", "us-east-1");
    let rule = Rule::wanted(None, &names);
    assert_eq!(
        rule,
        Rule {
            schedule: DEFAULT_SCHEDULE.into(),
            retention_days: DEFAULT_RETENTION_DAYS,
            vault: "audit-backups".into(),
        }
    );
    let given = BackupArgs {
        enabled: Some(true),
        retention_days: Some(90),
        schedule: Some("cron(30 2 ? * SUN *)".into()),
    };
    let rule = Rule::wanted(Some(&given), &names);
    assert_eq!(
        (rule.retention_days, rule.schedule.as_str()),
        (90, "cron(30 2 ? * SUN *)")
    );
    let input = rule.input(&names.backup_plan).unwrap();
    assert_eq!(input.backup_plan_name(), "audit-databases");
    let [r] = input.rules() else {
        panic!("one rule: {:?}", input.rules())
    };
    assert_eq!(
        (
            r.target_backup_vault_name(),
            r.lifecycle().and_then(|l| l.delete_after_days())
        ),
        ("audit-backups", Some(90))
    );
}
