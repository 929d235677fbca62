//! HIPAA rules (see HIPAA.md): how a violation reads in a check failure, and the
//! `compliance` output every resource reports from what AWS says.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One rule: its AWS Config name and the HIPAA safeguard it serves.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub name: &'static str,
    pub safeguard: &'static str,
}

pub const KINESIS_STREAM_ENCRYPTED: Rule = Rule {
    name: "kinesis-stream-encrypted",
    safeguard: "164.312(a)(2)(iv) encryption at rest",
};
pub const CMK_ROTATION: Rule = Rule {
    name: "cmk-backing-key-rotation-enabled",
    safeguard: "164.312(a)(2)(iv) encryption at rest",
};
pub const VPC_FLOW_LOGS: Rule = Rule {
    name: "vpc-flow-logs-enabled",
    safeguard: "164.312(b) audit controls",
};
pub const LOG_RETENTION: Rule = Rule {
    name: "cw-loggroup-retention-period-check",
    safeguard: "164.312(b) audit controls",
};
pub const LOG_GROUP_ENCRYPTED: Rule = Rule {
    name: "cloudwatch-log-group-encrypted",
    safeguard: "164.312(a)(2)(iv) encryption at rest",
};
pub const DEFAULT_SG_CLOSED: Rule = Rule {
    name: "vpc-default-security-group-closed",
    safeguard: "164.312(a)(1) access control",
};
pub const NO_PUBLIC_IP: Rule = Rule {
    name: "subnet-auto-assign-public-ip-disabled",
    safeguard: "164.312(a)(1) access control",
};
pub const NACL_NO_OPEN_INGRESS: Rule = Rule {
    name: "nacl-no-unrestricted-ssh-rdp",
    safeguard: "164.312(a)(1) access control",
};
pub const SUPPORT_ROLE: Rule = Rule {
    name: "iam-support-role-created",
    safeguard: "164.308(a)(6) security incidents",
};
pub const AUDIT_ROLE: Rule = Rule {
    name: "iam-security-audit-role-created",
    safeguard: "164.308(a)(1)(ii)(D) activity review",
};
pub const LEAST_PRIVILEGE: Rule = Rule {
    name: "iam-policy-no-statements-with-admin-access",
    safeguard: "164.312(a)(1) access control",
};

pub const ECS_CONTAINER_INSIGHTS: Rule = Rule {
    name: "ecs-container-insights-enabled",
    safeguard: "164.312(b) audit controls",
};
pub const ECS_LOG_CONFIGURATION: Rule = Rule {
    name: "ecs-task-definition-log-configuration",
    safeguard: "164.312(b) audit controls",
};
pub const ECS_READONLY_ROOT: Rule = Rule {
    name: "ecs-containers-readonly-access",
    safeguard: "164.312(c)(1) integrity",
};
pub const ECS_NONPRIVILEGED: Rule = Rule {
    name: "ecs-containers-nonprivileged",
    safeguard: "164.312(c)(1) integrity",
};
pub const ECS_NO_ENVIRONMENT_SECRETS: Rule = Rule {
    name: "ecs-no-environment-secrets",
    safeguard: "164.312(d) person or entity authentication",
};
pub const ECS_NO_PUBLIC_IP: Rule = Rule {
    name: "ecs-task-definition-no-public-ip",
    safeguard: "164.312(a)(1) access control",
};
pub const ECS_EXEC_LOGGING: Rule = Rule {
    name: "ecs-exec-session-logging",
    safeguard: "164.312(b) audit controls",
};

pub const SG_AUTHORIZED_PORTS: Rule = Rule {
    name: "vpc-sg-open-only-to-authorized-ports",
    safeguard: "164.312(a)(1) access control",
};
pub const REDIS_SUBNET_GROUP: Rule = Rule {
    name: "elasticache-subnet-group-check",
    safeguard: "164.312(a)(1) access control",
};
pub const REDIS_BACKUP: Rule = Rule {
    name: "elasticache-redis-cluster-automatic-backup-check",
    safeguard: "164.312(a)(2)(ii) emergency access",
};
pub const REDIS_AUTO_FAILOVER: Rule = Rule {
    name: "elasticache-repl-grp-auto-failover-enabled",
    safeguard: "164.312(a)(2)(ii) emergency access",
};
pub const REDIS_ENCRYPTED_AT_REST: Rule = Rule {
    name: "elasticache-repl-grp-encrypted-at-rest",
    safeguard: "164.312(a)(2)(iv) encryption at rest",
};
pub const SECRET_CMK: Rule = Rule {
    name: "secretsmanager-using-cmk",
    safeguard: "164.312(a)(2)(iv) encryption at rest",
};
pub const REDIS_AUTH: Rule = Rule {
    name: "elasticache-repl-grp-redis-auth-enabled",
    safeguard: "164.312(d) person or entity authentication",
};
pub const REDIS_ENCRYPTED_IN_TRANSIT: Rule = Rule {
    name: "elasticache-repl-grp-encrypted-in-transit",
    safeguard: "164.312(e)(1) transmission security",
};
pub const RDS_PUBLIC_ACCESS: Rule = Rule {
    name: "rds-instance-public-access-check",
    safeguard: "164.312(a)(1) access control",
};
pub const RDS_MULTI_AZ: Rule = Rule {
    name: "rds-multi-az-support",
    safeguard: "164.312(a)(2)(ii) emergency access",
};
pub const RDS_BACKUP: Rule = Rule {
    name: "db-instance-backup-enabled",
    safeguard: "164.312(a)(2)(ii) emergency access",
};
pub const RDS_STORAGE_ENCRYPTED: Rule = Rule {
    name: "rds-storage-encrypted",
    safeguard: "164.312(a)(2)(iv) encryption at rest",
};
pub const RDS_LOGGING: Rule = Rule {
    name: "rds-logging-enabled",
    safeguard: "164.312(b) audit controls",
};
pub const RDS_DELETION_PROTECTION: Rule = Rule {
    name: "rds-instance-deletion-protection-enabled",
    safeguard: "164.312(c)(1) integrity",
};
pub const SECRET_ROTATION: Rule = Rule {
    name: "secretsmanager-rotation-enabled-check",
    safeguard: "164.312(d) person or entity authentication",
};
pub const RDS_IN_TRANSIT: Rule = Rule {
    name: "rds-postgres-instance-encrypted-in-transit",
    safeguard: "164.312(e)(1) transmission security",
};

// The account baseline's controls.
pub const TRAIL_MULTI_REGION: Rule = Rule {
    name: "multi-region-cloudtrail-enabled",
    safeguard: "164.312(b) audit controls",
};
pub const TRAIL_VALIDATION: Rule = Rule {
    name: "cloud-trail-log-file-validation-enabled",
    safeguard: "164.312(c)(1) integrity",
};
pub const TRAIL_ENCRYPTED: Rule = Rule {
    name: "cloud-trail-encryption-enabled",
    safeguard: "164.312(a)(2)(iv) encryption at rest",
};
pub const TRAIL_CLOUDWATCH: Rule = Rule {
    name: "cloud-trail-cloud-watch-logs-enabled",
    safeguard: "164.312(b) audit controls",
};
pub const S3_PUBLIC_ACCESS: Rule = Rule {
    name: "s3-bucket-level-public-access-prohibited",
    safeguard: "164.312(a)(1) access control",
};
pub const S3_SSL_ONLY: Rule = Rule {
    name: "s3-bucket-ssl-requests-only",
    safeguard: "164.312(e)(1) transmission security",
};
pub const S3_ENCRYPTED: Rule = Rule {
    name: "s3-default-encryption-kms",
    safeguard: "164.312(a)(2)(iv) encryption at rest",
};
pub const S3_VERSIONING: Rule = Rule {
    name: "s3-bucket-versioning-enabled",
    safeguard: "164.312(c)(1) integrity",
};
pub const S3_DEFAULT_LOCK: Rule = Rule {
    name: "s3-bucket-default-lock-enabled",
    safeguard: "164.312(c)(1) integrity",
};
pub const S3_LOGGING: Rule = Rule {
    name: "s3-bucket-logging-enabled",
    safeguard: "164.312(b) audit controls",
};
pub const SNS_ENCRYPTED: Rule = Rule {
    name: "sns-encrypted-kms",
    safeguard: "164.312(a)(2)(iv) encryption at rest",
};
pub const SECURITY_ALARMS: Rule = Rule {
    name: "cloudwatch-alarm-action-check",
    safeguard: "164.308(a)(1)(ii)(D) information system activity review",
};
pub const CONFIG_ENABLED: Rule = Rule {
    name: "config-recorder-enabled",
    safeguard: "164.308(a)(1)(ii)(D) information system activity review",
};
pub const RDS_EVENTS: Rule = Rule {
    name: "rds-critical-event-subscriptions",
    safeguard: "164.308(a)(6) security incident procedures",
};
pub const BACKUP_PLAN: Rule = Rule {
    name: "backup-plan-min-frequency-and-min-retention-check",
    safeguard: "164.308(a)(7)(ii)(A) data backup plan",
};
pub const GUARDDUTY_ENABLED: Rule = Rule {
    name: "guardduty-enabled-centralized",
    safeguard: "164.308(a)(6) security incident procedures",
};
pub const SECURITYHUB_ENABLED: Rule = Rule {
    name: "securityhub-enabled",
    safeguard: "164.308(a)(1)(ii)(D) information system activity review",
};
pub const S3_ACCOUNT_PUBLIC_ACCESS: Rule = Rule {
    name: "s3-account-level-public-access-blocks-periodic",
    safeguard: "164.312(a)(1) access control",
};
pub const IMDSV2_DEFAULT: Rule = Rule {
    name: "ec2-account-imdsv2-default",
    safeguard: "164.312(a)(1) access control",
};
pub const SNAPSHOT_BLOCK_PUBLIC: Rule = Rule {
    name: "ebs-snapshot-block-public-access",
    safeguard: "164.312(a)(1) access control",
};
pub const IMAGE_BLOCK_PUBLIC: Rule = Rule {
    name: "ec2-image-block-public-access",
    safeguard: "164.312(a)(1) access control",
};
pub const EBS_DEFAULT_ENCRYPTION: Rule = Rule {
    name: "ec2-ebs-encryption-by-default",
    safeguard: "164.312(a)(2)(iv) encryption at rest",
};
pub const PASSWORD_POLICY: Rule = Rule {
    name: "iam-password-policy",
    safeguard: "164.308(a)(5)(ii)(D) password management",
};

impl Rule {
    /// The reason of a check failure for this rule.
    pub fn violation(&self, why: impl std::fmt::Display) -> String {
        format!(
            "{why} (violates HIPAA rule {}, 45 CFR {})",
            self.name, self.safeguard
        )
    }

    pub fn control(&self, satisfied: bool, detail: impl Into<String>) -> Control {
        Control {
            rule: self.name.to_string(),
            safeguard: self.safeguard.to_string(),
            satisfied,
            detail: detail.into(),
        }
    }
}

/// One control and whether AWS reports it satisfied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Control {
    /// The AWS Config rule name.
    pub rule: String,
    /// The HIPAA safeguard (45 CFR 164.312) the rule serves.
    pub safeguard: String,
    /// Whether the setting AWS reports satisfies the rule.
    pub satisfied: bool,
    /// What was found.
    pub detail: String,
}

/// The HIPAA controls a resource enforces, checked against what AWS reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Compliance {
    /// True when every control is satisfied.
    pub compliant: bool,
    /// Each control, with what AWS reported for it.
    pub controls: Vec<Control>,
}

impl Compliance {
    pub fn new(controls: Vec<Control>) -> Self {
        Compliance {
            compliant: controls.iter().all(|c| c.satisfied),
            controls,
        }
    }
}
