//! HipaaPostgres inputs and outputs.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::compliance::Compliance;

pub const DEFAULT_PORT: i32 = 5432;
pub const DEFAULT_VERSION: &str = "16.4";
pub const DEFAULT_CLASS: &str = "db.t4g.medium";
pub const SERVERLESS_CLASS: &str = "db.serverless";
pub const DEFAULT_STORAGE: i32 = 20;
pub const DEFAULT_MAX_STORAGE: i32 = 100;
pub const DEFAULT_DATABASE: &str = "healthcare";
pub const DEFAULT_MASTER: &str = "healthcare_admin";
pub const DEFAULT_ROTATION_DAYS: i64 = 30;
pub const DEFAULT_BACKUP_DAYS: i32 = 30;
pub const MIN_BACKUP_DAYS: i32 = 7;
pub const DEFAULT_PI_DAYS: i32 = 7;
pub const DEFAULT_MONITORING: i32 = 60;
/// The parameter that makes the server refuse connections without TLS.
pub const FORCE_SSL: &str = "rds.force_ssl";

/// The database engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "DatabaseEngine")]
pub enum Engine {
    /// RDS for PostgreSQL: one DB instance (Multi-AZ by default).
    #[default]
    #[serde(rename = "postgres")]
    Postgres,
    /// Aurora PostgreSQL: a cluster with a writer and `readers`, provisioned or Serverless v2.
    #[serde(rename = "aurora-postgresql")]
    AuroraPostgresql,
}

impl Engine {
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Postgres => "postgres",
            Engine::AuroraPostgresql => "aurora-postgresql",
        }
    }

    pub fn aurora(self) -> bool {
        self == Engine::AuroraPostgresql
    }

    /// The parameter group family of a major version, e.g. `postgres16`.
    pub fn family(self, major: u32) -> String {
        format!("{}{major}", self.as_str())
    }
}

/// Inputs of a HipaaPostgres.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PostgresArgs {
    /// The DB instance (or Aurora cluster) identifier: letters, digits and hyphens, 48 at most, starting with a letter. Generated from the resource name when not given; changing it replaces the database.
    #[schemars(extend("replaceOnChanges" = true))]
    pub identifier: Option<String>,
    /// The VPC the database lives in (a SecureVpc's `vpcId`). Moving to another VPC replaces the database.
    #[schemars(extend("replaceOnChanges" = true))]
    pub vpc_id: String,
    /// Private or isolated subnets of that VPC (a SecureVpc's `isolatedSubnetIds`), in at least two AZs. Changing them within the VPC updates the subnet group in place.
    pub subnet_ids: Vec<String>,
    /// Security groups whose members may connect, on `port` only.
    pub allowed_security_group_ids: Option<Vec<String>>,
    /// CIDR blocks that may connect, on `port` only. Never 0.0.0.0/0 or ::/0.
    pub allowed_cidr_blocks: Option<Vec<String>>,
    /// The port the database listens on: 1150 to 65535, default 5432. A change applies in place and at once (RDS restarts the database to listen on it, whatever `applyImmediately` says), with the security group's rule moved to the new port.
    pub port: Option<i32>,
    /// `postgres` (an RDS instance, default) or `aurora-postgresql` (a cluster). Changing it replaces the database.
    #[schemars(extend("replaceOnChanges" = true))]
    pub engine: Option<Engine>,
    /// The engine version (default 16.4). Minor upgrades apply in place; a major upgrade needs `allowMajorVersionUpgrade`. RDS cannot downgrade, so a lower version (major or minor) is refused: going back means restoring a snapshot into a new database.
    pub engine_version: Option<String>,
    /// Allow an in-place major version upgrade (default false).
    pub allow_major_version_upgrade: Option<bool>,
    /// The instance class (default `db.t4g.medium`; `db.serverless` for Aurora Serverless v2). Changes apply in place.
    pub instance_class: Option<String>,
    /// Gigabytes of gp3 storage for `postgres` (default 20, at least 20). It can only grow.
    pub allocated_storage: Option<i32>,
    /// The ceiling for storage autoscaling in gigabytes (default 100; 0 turns autoscaling off).
    pub max_allocated_storage: Option<i32>,
    /// Aurora only: reader instances besides the writer (default 1, 0 to 15).
    pub readers: Option<i32>,
    /// Aurora Serverless v2: the minimum capacity in ACUs (0 to 256). Setting it (with `maxCapacity`) makes every instance `db.serverless`.
    pub min_capacity: Option<f64>,
    /// Aurora Serverless v2: the maximum capacity in ACUs (1 to 256).
    pub max_capacity: Option<f64>,
    /// The database created at launch (default `healthcare`). Changing it replaces the database.
    #[schemars(extend("replaceOnChanges" = true))]
    pub database_name: Option<String>,
    /// The master user (default `healthcare_admin`). Its password is never an input: RDS generates it and keeps it in Secrets Manager, encrypted with the resource's key. Changing it replaces the database.
    #[schemars(extend("replaceOnChanges" = true))]
    pub master_username: Option<String>,
    /// Days between rotations of the master password (default 30, 1 to 365).
    pub password_rotation_days: Option<i64>,
    /// A standby in another AZ (default true; for Aurora, true needs `readers` of at least 1). False is allowed with a warning (rds-multi-az-support).
    pub multi_az: Option<bool>,
    /// Days of automated backups kept: 7 to 35, default 30 (db-instance-backup-enabled).
    pub backup_retention_days: Option<i32>,
    /// Daily backup window, UTC, `hh24:mi-hh24:mi` (at least 30 minutes). AWS picks one when absent.
    pub backup_window: Option<String>,
    /// Weekly maintenance window, UTC, `ddd:hh24:mi-ddd:hh24:mi` (at least 30 minutes). AWS picks one when absent.
    pub maintenance_window: Option<String>,
    /// Refuse deletion (default true). Turn it off with `pulumi up` before `pulumi destroy`.
    pub deletion_protection: Option<bool>,
    /// Skip the final snapshot on delete (default false: a snapshot named `finalSnapshotName` is taken).
    pub skip_final_snapshot: Option<bool>,
    /// The final snapshot's name. Defaults to `<identifier>-final-<unix seconds>`.
    pub final_snapshot_name: Option<String>,
    /// Logs exported to CloudWatch Logs: default `postgresql` and `upgrade` (`postgresql` for Aurora). `postgresql` is required (rds-logging-enabled).
    pub log_exports: Option<Vec<String>>,
    /// Performance Insights, encrypted with the resource's key (default true).
    pub performance_insights: Option<bool>,
    /// Days Performance Insights data is kept: 7 (default, the free tier), or a multiple of 31 up to 731.
    pub performance_insights_retention_days: Option<i32>,
    /// Seconds between Enhanced Monitoring samples: 0 (off), 1, 5, 10, 15, 30 or 60 (default). The monitoring role is created for it.
    pub enhanced_monitoring_interval: Option<i32>,
    /// IAM database authentication (default true).
    pub iam_authentication: Option<bool>,
    /// A KMS key (id, ARN or alias) for storage, snapshots, Performance Insights and the master secret. When absent, the resource creates a customer-managed key with rotation on. Changing it replaces the database.
    #[schemars(extend("replaceOnChanges" = true))]
    pub kms_key_id: Option<String>,
    /// Extra parameters for the database's parameter group (the cluster parameter group for Aurora). `rds.force_ssl` is always 1 and cannot be set here. Static parameters apply at the next reboot, and `pendingReboot` says so.
    pub parameters: Option<BTreeMap<String, String>>,
    /// Apply changes that would otherwise wait for the maintenance window (instance class, storage, Multi-AZ, engine version) at once (default false; `pendingModifications` lists what waits).
    pub apply_immediately: Option<bool>,
    /// Must be false (the default): the database is never reachable from the internet (rds-instance-public-access-check).
    pub publicly_accessible: Option<bool>,
    /// Must be true (the default): storage is encrypted with a customer-managed key (rds-storage-encrypted).
    pub storage_encrypted: Option<bool>,
    /// Tags for the database and everything made with it; merged over the provider's default tags.
    pub tags: Option<BTreeMap<String, String>>,
}

/// Outputs of a HipaaPostgres.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PostgresState {
    /// The inputs, with every default filled in.
    #[serde(flatten)]
    pub args: PostgresArgs,
    /// The writer endpoint's host name.
    pub endpoint: String,
    /// Aurora: the reader endpoint, spreading connections over the readers (empty for `postgres`).
    pub reader_endpoint: String,
    /// The DB instance's or cluster's ARN.
    pub arn: String,
    /// The Secrets Manager secret RDS keeps the master user's credentials in. The password is never read by the provider.
    pub master_user_secret_arn: String,
    /// The security group of the database: `port` from the allowed sources, nothing else.
    pub security_group_id: String,
    /// The DB subnet group, named after the identifier.
    pub subnet_group_name: String,
    /// The parameter group (cluster parameter group for Aurora) with `rds.force_ssl = 1`.
    pub parameter_group_name: String,
    /// The ARN of the key encrypting storage, snapshots, Performance Insights and the master secret.
    pub kms_key_arn: String,
    /// True when this resource created the key.
    pub kms_key_managed: bool,
    /// The Enhanced Monitoring role (empty when monitoring is off).
    pub monitoring_role_arn: String,
    /// Changes AWS holds for the maintenance window, by input name (e.g. `instanceClass`).
    pub pending_modifications: BTreeMap<String, String>,
    /// True when a parameter change waits for a reboot.
    pub pending_reboot: bool,
    /// Aurora: the cluster's instances, writer first.
    pub instances: Vec<String>,
    /// The engine version AWS reports.
    pub engine_version_actual: String,
    /// The status AWS reports.
    pub status: String,
    /// Ways AWS differs from the safe form that the inputs cannot express (a rule opened on
    /// another port, a foreign security group); the next update puts them right.
    pub drift: Vec<String>,
    /// The HIPAA controls this database satisfies, as AWS reports them.
    pub compliance: Option<Compliance>,
}

impl PostgresArgs {
    pub fn id(&self) -> &str {
        self.identifier.as_deref().unwrap_or_default()
    }

    pub fn engine(&self) -> Engine {
        self.engine.unwrap_or_default()
    }

    pub fn port(&self) -> i32 {
        self.port.unwrap_or(DEFAULT_PORT)
    }

    pub fn serverless(&self) -> bool {
        self.engine().aurora() && (self.min_capacity.is_some() || self.max_capacity.is_some())
    }

    pub fn instance_class(&self) -> &str {
        self.instance_class.as_deref().unwrap_or_default()
    }

    pub fn readers(&self) -> i32 {
        self.readers.unwrap_or(0)
    }

    pub fn monitoring(&self) -> i32 {
        self.enhanced_monitoring_interval.unwrap_or(0)
    }

    pub fn tags(&self) -> BTreeMap<String, String> {
        self.tags.clone().unwrap_or_default()
    }
}

/// The alias of the key the resource makes for itself, named from its id.
pub fn key_alias(id: &str) -> String {
    format!("alias/healthcare/postgres/{id}")
}
