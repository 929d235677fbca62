//! AccountBaseline inputs and outputs, and the names of its parts.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::compliance::Compliance;

/// CloudWatch Logs retention of the trail's log group unless set: a year, as HIPAA reviews
/// of information system activity look back at least that far.
pub const DEFAULT_RETENTION_DAYS: i32 = 365;
/// Object Lock retention of the trail's objects unless set: six years, as 45 CFR
/// 164.316(b)(2) keeps documentation.
pub const DEFAULT_LOCK_DAYS: i32 = 2190;
/// Security Hub standards enabled unless others are named.
pub const DEFAULT_STANDARDS: [&str; 2] = [
    "aws-foundational-security-best-practices/v/1.0.0",
    "cis-aws-foundations-benchmark/v/1.4.0",
];

/// How the trail bucket's objects are locked (S3 Object Lock).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[schemars(rename = "ObjectLockMode")]
pub enum LockMode {
    /// Nobody can shorten or remove a lock without the `s3:BypassGovernanceRetention` permission.
    #[default]
    Governance,
    /// Nobody, the root user included, can remove an object before its retention ends.
    Compliance,
    /// No Object Lock: versions are kept, but may be deleted.
    None,
}

/// The IAM password policy of the account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "BaselinePasswordPolicy")]
pub struct PasswordPolicyArgs {
    /// Shortest password accepted: 14 (the default) or more.
    pub minimum_length: Option<i32>,
    /// Days a password lasts (1 to 1095, default 90); 0 means passwords never expire.
    pub max_age_days: Option<i32>,
    /// Earlier passwords a user may not reuse: 24 (the default and the most IAM allows).
    pub reuse_prevention: Option<i32>,
}

/// Which of the account's one-per-region parts may be taken over when the account already
/// has them. A part taken over is set to the baseline's settings and left in place at delete.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "BaselineAdopt")]
pub struct AdoptArgs {
    /// Take over the region's AWS Config recorder and delivery channel.
    pub config_recorder: Option<bool>,
    /// Take over the region's GuardDuty detector.
    pub guard_duty: Option<bool>,
    /// Take over Security Hub, already enabled in the region.
    pub security_hub: Option<bool>,
    /// Replace the account's IAM password policy.
    pub password_policy: Option<bool>,
    /// Turn on every S3 Block Public Access setting of the account when some are off (settings that are all on already are simply left on).
    pub s3_public_access_block: Option<bool>,
    /// Make IMDSv2 the Region's default for new instances when the account prefers IMDSv1 (no preference is simply replaced).
    pub imds_defaults: Option<bool>,
    /// Block all public sharing of EBS snapshots when the Region blocks only new sharing (off is simply turned on).
    pub snapshot_block_public_access: Option<bool>,
    /// Lock down a default VPC that is in use or changed since AWS made it (it stays locked down at delete).
    pub default_vpc: Option<bool>,
}

/// A role people assume for one job in the account: who may, and on what terms.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "BaselineAccessRole")]
pub struct AccessRoleArgs {
    /// Who may assume the role: account IDs or IAM ARNs (role, user, root). Default: this account.
    pub trusted_principals: Option<Vec<String>>,
    /// The external ID a third party must give (`sts:ExternalId`).
    pub external_id: Option<String>,
    /// Require MFA to assume the role (default true).
    pub require_mfa: Option<bool>,
}

/// AWS Backup of the account's HipaaPostgres databases: a plan, its vault and the selection.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "BaselineBackup")]
pub struct BackupArgs {
    /// Back up every database a HipaaPostgres of this provider makes in the account and Region (default true); false deletes this baseline's plan (a vault holding backups is kept).
    pub enabled: Option<bool>,
    /// Days each backup is kept: 7 to 36500 (default 35).
    pub retention_days: Option<i32>,
    /// When backups start, an AWS Backup cron expression in UTC (default `cron(0 5 ? * * *)`, daily at 05:00).
    pub schedule: Option<String>,
}

/// What the baseline does with the Region's default VPC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[schemars(rename = "DefaultVpcMode")]
pub enum DefaultVpcMode {
    /// Flow logs on; its default security group and network ACL closed; no public IPs by default.
    #[default]
    LockDown,
    /// Leave it as it is.
    Leave,
}

/// Inputs of an AccountBaseline.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BaselineArgs {
    /// Names the trail and every part (lowercase letters, digits and hyphens). Generated from the resource name when not given; changing it replaces the baseline.
    #[schemars(extend("replaceOnChanges" = true))]
    pub baseline_name: Option<String>,
    /// Days the trail's CloudWatch Logs group keeps events: 365 (the default) or more, one of the values CloudWatch Logs offers.
    pub log_retention_days: Option<i32>,
    /// S3 Object Lock on the trail bucket: `GOVERNANCE` (default), `COMPLIANCE` or `NONE`.
    pub object_lock_mode: Option<LockMode>,
    /// Days each trail object is locked (default 2190, six years).
    pub object_lock_days: Option<i32>,
    /// Also record S3 object-level reads and writes of every bucket (CloudTrail data events; billed per event). Default false.
    pub s3_data_events: Option<bool>,
    /// E-mail addresses notified of security alarms (each must confirm its subscription).
    pub alarm_emails: Option<Vec<String>>,
    /// Security Hub standards to enable, as paths (`nist-800-53/v/5.0.0`). Default: AWS Foundational Security Best Practices and CIS 1.4.0.
    pub security_hub_standards: Option<Vec<String>>,
    /// The IAM password policy (every character class is always required).
    pub password_policy: Option<PasswordPolicyArgs>,
    /// The region's default VPC: `LOCK_DOWN` (default) or `LEAVE` as it is.
    pub default_vpc: Option<DefaultVpcMode>,
    /// Make `<baselineName>-support` with `AWSSupportAccess`, for AWS Support cases (`{}`: defaults).
    pub support_role: Option<AccessRoleArgs>,
    /// Make `<baselineName>-security-audit` with `SecurityAudit`, for auditors (`{}`: defaults).
    pub audit_role: Option<AccessRoleArgs>,
    /// AWS Backup of the account's HipaaPostgres databases into a vault encrypted with the baseline's key (on by default).
    pub backup: Option<BackupArgs>,
    /// Parts the account may already have that this baseline may take over; otherwise finding one fails the create, naming it.
    pub adopt: Option<AdoptArgs>,
    /// At delete, keep the trail's buckets, log group and key (default true): they are audit evidence. A bucket under Object Lock is always kept.
    pub retain_logs: Option<bool>,
    /// Tags for every part that takes tags; merged over the provider's default tags.
    pub tags: Option<BTreeMap<String, String>>,
}

/// Outputs of an AccountBaseline.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BaselineState {
    /// The inputs, with every default filled in.
    #[serde(flatten)]
    pub args: BaselineArgs,
    /// The trail's ARN.
    pub trail_arn: String,
    /// The bucket the trail and AWS Config deliver to.
    pub log_bucket_name: String,
    /// The bucket holding the trail bucket's access logs.
    pub access_log_bucket_name: String,
    /// The CloudWatch Logs group the trail delivers to.
    pub log_group_name: String,
    /// The key encrypting the trail, its bucket, log group and alarm topic.
    pub kms_key_arn: String,
    /// The SNS topic security alarms notify.
    pub alarm_topic_arn: String,
    /// The security alarms, one per metric filter on the trail's log group.
    pub alarm_names: Vec<String>,
    /// The RDS event subscriptions sending RDS's failure, maintenance and configuration-change events of databases, clusters, parameter groups and DB security groups to the alarm topic.
    #[serde(default)]
    pub rds_event_subscriptions: Vec<String>,
    /// The support role, when asked for.
    #[serde(default)]
    pub support_role_arn: String,
    /// The auditors' role, when asked for.
    #[serde(default)]
    pub audit_role_arn: String,
    /// The AWS Backup plan of the account's databases (empty when `backup.enabled` is false).
    #[serde(default)]
    pub backup_plan_arn: String,
    /// The AWS Backup Audit Manager report plan delivering a report of every backup job to the log bucket.
    #[serde(default)]
    pub backup_report_plan_arn: String,
    /// The AWS Backup vault the plan's backups go to.
    #[serde(default)]
    pub backup_vault_name: String,
    /// The region's AWS Config recorder.
    pub config_recorder_name: String,
    /// The region's GuardDuty detector.
    pub guard_duty_detector_id: String,
    /// The Security Hub of the account and region.
    pub security_hub_arn: String,
    /// For each one-per-region part (its key in `adopt`, and `ebsEncryption`, `imageBlockPublicAccess`): `created` (undone at delete) or `adopted` (left in place).
    #[serde(default)]
    pub parts: BTreeMap<String, String>,
    /// What delete keeps, by name.
    #[serde(default)]
    pub retained_on_delete: Vec<String>,
    /// The HIPAA controls this baseline satisfies, as AWS reports them.
    pub compliance: Option<Compliance>,
}

impl BaselineArgs {
    pub fn name(&self) -> &str {
        self.baseline_name.as_deref().unwrap_or_default()
    }

    pub fn tags(&self) -> BTreeMap<String, String> {
        self.tags.clone().unwrap_or_default()
    }

    pub fn lock(&self) -> LockMode {
        self.object_lock_mode.unwrap_or_default()
    }

    /// Whether the baseline makes its AWS Backup plan (a baseline recorded before the input
    /// existed gets it at its next update).
    pub fn backs_up(&self) -> bool {
        self.backup.as_ref().and_then(|b| b.enabled).unwrap_or(true)
    }

    pub fn retain(&self) -> bool {
        self.retain_logs.unwrap_or(true)
    }

    /// Whether the baseline looks after `part` at all.
    pub fn wants(&self, part: Part) -> bool {
        part != Part::DefaultVpc || self.default_vpc.unwrap_or_default() == DefaultVpcMode::LockDown
    }

    pub fn adopts(&self, part: Part) -> bool {
        let a = self.adopt.clone().unwrap_or_default();
        match part {
            Part::ConfigRecorder => a.config_recorder,
            Part::GuardDuty => a.guard_duty,
            Part::SecurityHub => a.security_hub,
            Part::PasswordPolicy => a.password_policy,
            Part::EbsEncryption => Some(true),
            Part::S3PublicAccessBlock => a.s3_public_access_block,
            Part::ImdsDefaults => a.imds_defaults,
            Part::SnapshotBlockPublicAccess => a.snapshot_block_public_access,
            Part::ImageBlockPublicAccess => Some(true),
            Part::DefaultVpc => a.default_vpc,
        }
        .unwrap_or(false)
    }
}

/// The account's one-per-region (or per-account) parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    ConfigRecorder,
    GuardDuty,
    SecurityHub,
    PasswordPolicy,
    EbsEncryption,
    S3PublicAccessBlock,
    ImdsDefaults,
    SnapshotBlockPublicAccess,
    ImageBlockPublicAccess,
    DefaultVpc,
}

impl Part {
    pub const ALL: [Part; 10] = [
        Part::ConfigRecorder,
        Part::GuardDuty,
        Part::SecurityHub,
        Part::PasswordPolicy,
        Part::EbsEncryption,
        Part::S3PublicAccessBlock,
        Part::ImdsDefaults,
        Part::SnapshotBlockPublicAccess,
        Part::ImageBlockPublicAccess,
        Part::DefaultVpc,
    ];

    /// The part's key in `parts` and in `adopt`.
    pub fn key(self) -> &'static str {
        match self {
            Part::ConfigRecorder => "configRecorder",
            Part::GuardDuty => "guardDuty",
            Part::SecurityHub => "securityHub",
            Part::PasswordPolicy => "passwordPolicy",
            Part::EbsEncryption => "ebsEncryption",
            Part::S3PublicAccessBlock => "s3PublicAccessBlock",
            Part::ImdsDefaults => "imdsDefaults",
            Part::SnapshotBlockPublicAccess => "snapshotBlockPublicAccess",
            Part::ImageBlockPublicAccess => "imageBlockPublicAccess",
            Part::DefaultVpc => "defaultVpc",
        }
    }
}

/// Whether a part was made by this baseline or taken over.
pub const CREATED: &str = "created";
pub const ADOPTED: &str = "adopted";

impl BaselineState {
    /// True when this baseline made `part` (and so removes it at delete).
    pub fn created(&self, part: Part) -> bool {
        self.parts.get(part.key()).map(String::as_str) == Some(CREATED)
    }
}

/// The names of every part, derived from the baseline's name, account and region.
#[derive(Debug, Clone)]
pub struct Names {
    pub trail: String,
    pub bucket: String,
    pub access_bucket: String,
    pub log_group: String,
    pub topic: String,
    pub logs_role: String,
    pub support_role: String,
    pub audit_role: String,
    pub backup_role: String,
    pub backup_vault: String,
    pub backup_plan: String,
    pub report_plan: String,
    pub key_alias: String,
    pub namespace: String,
    pub recorder: String,
}

impl Names {
    pub fn new(name: &str, account: &str, region: &str) -> Names {
        let stem = format!("{name}-{account}-{region}");
        Names {
            trail: name.to_string(),
            bucket: format!("{stem}-trail"),
            access_bucket: format!("{stem}-access"),
            log_group: format!("/healthcare/baseline/{name}/cloudtrail"),
            topic: format!("{name}-security-alarms"),
            logs_role: format!("{name}-cloudtrail-logs"),
            support_role: format!("{name}-support"),
            audit_role: format!("{name}-security-audit"),
            backup_role: format!("{name}-backup"),
            backup_vault: format!("{name}-backups"),
            backup_plan: format!("{name}-databases"),
            // AWS Backup Audit Manager names: a letter first, then letters, digits and `_`.
            report_plan: format!("healthcare_{}_backup_jobs", name.replace('-', "_")),
            key_alias: format!("alias/healthcare/baseline/{name}"),
            namespace: format!("Healthcare/Baseline/{name}"),
            recorder: name.to_string(),
        }
    }

    /// A security event's metric filter and alarm name.
    pub fn alarm(&self, event: &str) -> String {
        format!("{}-{event}", self.trail)
    }
}
