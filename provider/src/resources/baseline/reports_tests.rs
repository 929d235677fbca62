use super::*;
use crate::resources::baseline::policies::{self, Arns};

fn names() -> Names {
    Names::new("audit-2", "123456789012", "us-east-1")
}

#[test]
fn the_report_plan_name_is_one_aws_backup_accepts() {
    let name = names().report_plan;
    assert_eq!(name, "healthcare_audit_2_backup_jobs");
    // A letter first, then letters, digits and underscores, as AWS Backup Audit Manager asks;
    // a baseline name may start with a digit.
    let digit_first = Names::new("9lives", "123456789012", "us-east-1").report_plan;
    for n in [name, digit_first] {
        assert!(n.starts_with(|c: char| c.is_ascii_alphabetic()), "{n}");
        assert!(
            n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "{n}"
        );
    }
}

#[test]
fn only_the_job_report_to_the_log_bucket_is_the_baselines() {
    let n = names();
    let own = Report {
        arn: "arn:aws:backup:us-east-1:123456789012:report-plan:x".into(),
        bucket: n.bucket.clone(),
        prefix: PREFIX.into(),
        template: TEMPLATE.into(),
        formats: vec!["CSV".into(), "JSON".into()],
    };
    assert!(own.is_the_baselines(&n));
    for other in [
        Report {
            bucket: "elsewhere".into(),
            ..own.clone()
        },
        Report {
            template: "RESTORE_JOB_REPORT".into(),
            ..own.clone()
        },
        Report {
            formats: vec!["CSV".into()],
            ..own.clone()
        },
    ] {
        assert!(!other.is_the_baselines(&n), "{other:?}");
    }
}

#[test]
fn the_key_and_the_log_bucket_let_the_reports_role_in_only_with_backups() {
    let n = names();
    let arns = Arns {
        partition: "aws",
        region: "us-east-1",
        account: "123456789012",
    };
    let role = linked_role_arn("aws", "123456789012");
    assert_eq!(
        role,
        "arn:aws:iam::123456789012:role/aws-service-role/reports.backup.amazonaws.com/AWSServiceRoleForBackupReports"
    );
    let names_role = |policy: &serde_json::Value| policy.to_string().contains(&role);
    assert!(names_role(&policies::key(&arns, &n, true)));
    assert!(names_role(&policies::log_bucket(&arns, &n, true)));
    // Without backups the role may not exist: no policy names it.
    assert!(!names_role(&policies::key(&arns, &n, false)));
    assert!(!names_role(&policies::log_bucket(&arns, &n, false)));
    let bucket = policies::log_bucket(&arns, &n, true);
    let write = bucket["Statement"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["Sid"] == "BackupReportsDeliver"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (write["Action"].as_str(), write["Resource"].as_str()),
        (
            Some("s3:PutObject"),
            Some("arn:aws:s3:::audit-2-123456789012-us-east-1-trail/backup-reports/*")
        )
    );
}
