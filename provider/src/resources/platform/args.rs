//! Platform inputs and outputs.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::resources::baseline::{AccessRoleArgs, AdoptArgs, BackupArgs, DefaultVpcMode, LockMode};
use crate::resources::fargate::args::{
    ContainerHealthCheck, LogDeliveryMode, PolicyStatement, ServiceAutoscaling,
};
use crate::resources::postgres::args::Engine;
use crate::resources::vpc::args::{EndpointArgs, NatStrategy};

/// The longest name prefix: every AWS name made from it (IAM roles of the services above
/// all, `<prefix>-services-<suffix>-<service>-exec`) stays within AWS's limits.
pub const MAX_PREFIX: usize = 24;

/// One service of the platform's Fargate cluster. The platform wires it: it runs in the
/// VPC's private subnets carrying the application security group (which lets it into the
/// database and the cache), reads the database's and the cache's secrets, and may assume
/// the stream's producer role.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "PlatformService")]
pub struct PlatformServiceArgs {
    /// The container image, e.g. `123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2`.
    pub image: String,
    /// CPU units of the task (256, 512, 1024, 2048, 4096, 8192 or 16384; default 256).
    pub cpu: Option<i32>,
    /// Memory of the task in MiB (default 512).
    pub memory: Option<i32>,
    /// The port the container listens on. Without `allowedCidrBlocks` or `allowedSecurityGroupIds`, only the VPC may connect to it.
    pub container_port: Option<i32>,
    /// The container's command, overriding the image's.
    pub command: Option<Vec<String>>,
    /// Plain environment variables, besides the ones the platform sets (`DATABASE_HOST`, `DATABASE_PORT`, `DATABASE_NAME`, `REDIS_HOST`, `REDIS_PORT`, `KINESIS_STREAM_NAME`, `KINESIS_PRODUCER_ROLE_ARN`).
    pub environment: Option<BTreeMap<String, String>>,
    /// Secrets Manager secrets as environment variables, besides the ones the platform sets (`DATABASE_USERNAME`, `DATABASE_PASSWORD`, `REDIS_AUTH_TOKEN`).
    pub secrets: Option<BTreeMap<String, String>>,
    /// A health check run inside the container.
    pub health_check: Option<ContainerHealthCheck>,
    /// Security groups whose members may connect on `containerPort`.
    pub allowed_security_group_ids: Option<Vec<String>>,
    /// CIDR blocks that may connect on `containerPort` (default: the VPC's own block).
    pub allowed_cidr_blocks: Option<Vec<String>>,
    /// Tasks to run (default 2).
    pub desired_count: Option<i32>,
    /// Target tracking of the task count (2 to 10 tasks on 70% CPU by default).
    pub autoscaling: Option<ServiceAutoscaling>,
    /// Allow `aws ecs execute-command` sessions (default false); encrypted and logged.
    pub enable_execute_command: Option<bool>,
    /// The task role's own permissions, besides assuming the stream's producer role.
    pub task_policy_statements: Option<Vec<PolicyStatement>>,
    /// `non-blocking` (default) or `blocking`, as a FargateCluster service's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_delivery_mode: Option<LogDeliveryMode>,
    /// The buffer of `non-blocking` delivery (default `25m`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_buffer_size: Option<String>,
}

/// Inputs of a Platform.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlatformArgs {
    /// The start of every part's name (`<prefix>-network`, `-events`, `-cache`, `-db`, `-services`), and so of every AWS object's: letters, digits and hyphens, 24 at most, starting with a letter. Defaults to the component's name. Changing it replaces every part.
    pub name_prefix: Option<String>,
    /// The VPC's IPv4 block (default `10.0.0.0/16`).
    pub cidr_block: Option<String>,
    /// Availability zones to spread over (default 2).
    pub availability_zone_count: Option<u8>,
    /// How private subnets reach the internet: `none`, `single` or `perAz` (default).
    pub nat_gateways: Option<NatStrategy>,
    /// VPC endpoints, so traffic to AWS services stays off the internet (none by default).
    pub endpoints: Option<EndpointArgs>,
    /// `postgres` (default; RDS, Multi-AZ) or `aurora-postgresql`.
    pub database_engine: Option<Engine>,
    /// The DB instance class (default `db.t4g.medium`; Aurora Serverless v2 when capacities are given).
    pub database_instance_class: Option<String>,
    /// Aurora Serverless v2: the fewest capacity units (0.5 to 256).
    pub database_min_capacity: Option<f64>,
    /// Aurora Serverless v2: the most capacity units.
    pub database_max_capacity: Option<f64>,
    /// The database created on the server (default `healthcare`).
    pub database_name: Option<String>,
    /// Deletion protection of the database (default true): `pulumi destroy` is refused until it is set false and applied.
    pub deletion_protection: Option<bool>,
    /// Delete the database and the cache without final snapshots (default false: each leaves a final snapshot, and the key encrypting it, when deleted).
    pub skip_final_snapshot: Option<bool>,
    /// The cache's node type (default `cache.t4g.medium`).
    pub cache_node_type: Option<String>,
    /// Read replicas of the cache (default 1, for Multi-AZ failover).
    pub cache_replicas: Option<i32>,
    /// Shards of the stream (default 1).
    pub stream_shard_count: Option<i64>,
    /// How long the stream keeps records, in hours (default 168).
    pub stream_retention_hours: Option<i64>,
    /// Services of the Fargate cluster, by name; no cluster is made without one.
    pub services: Option<BTreeMap<String, PlatformServiceArgs>>,
    /// Also make the account's audit controls, an AccountBaseline child (`<prefix>-baseline`), with these settings. Off when absent: an account has one baseline and may hold many platforms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_baseline: Option<PlatformBaselineArgs>,
    /// Tags for every part; merged over the provider's default tags.
    pub tags: Option<BTreeMap<String, String>>,
}

/// The settings of the platform's AccountBaseline, as that resource's inputs of the same names.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "PlatformBaseline")]
pub struct PlatformBaselineArgs {
    /// E-mail addresses notified of security alarms.
    pub alarm_emails: Option<Vec<String>>,
    /// Record S3 object-level events too (default false).
    pub s3_data_events: Option<bool>,
    /// Security Hub standards to enable, as paths.
    pub security_hub_standards: Option<Vec<String>>,
    /// Object Lock of the trail bucket (default `GOVERNANCE`).
    pub object_lock_mode: Option<LockMode>,
    /// Keep the trail's buckets, log group and key at delete (default true).
    pub retain_logs: Option<bool>,
    /// The region's default VPC: `LOCK_DOWN` (default) or `LEAVE`.
    pub default_vpc: Option<DefaultVpcMode>,
    /// An `AWSSupportAccess` role, when given.
    pub support_role: Option<AccessRoleArgs>,
    /// A `SecurityAudit` role, when given.
    pub audit_role: Option<AccessRoleArgs>,
    /// Parts the account already has that the baseline may take over.
    pub adopt: Option<AdoptArgs>,
    /// AWS Backup of the account's databases (on by default).
    pub backup: Option<BackupArgs>,
}

/// One control of one part of the platform.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlatformControl {
    /// The part (`network`, `events`, `cache`, `database`, `services`, `baseline`).
    pub resource: String,
    /// The AWS Config rule name.
    pub rule: String,
    /// The HIPAA safeguard (45 CFR 164.312) the rule serves.
    pub safeguard: String,
    /// Whether the setting AWS reports satisfies the rule.
    pub satisfied: bool,
    /// What was found.
    pub detail: String,
}

/// Every control of every part, as AWS reports them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlatformCompliance {
    /// True when every control of every part is satisfied.
    pub compliant: bool,
    /// Each control, with the part it belongs to.
    pub controls: Vec<PlatformControl>,
}

/// Outputs of a Platform.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlatformOutputs {
    /// The VPC.
    pub vpc_id: String,
    /// Subnets with a route to the internet gateway, one per AZ (for load balancers).
    pub public_subnet_ids: Vec<String>,
    /// Subnets for services, one per AZ.
    pub private_subnet_ids: Vec<String>,
    /// Subnets with no route out, holding the database and the cache.
    pub isolated_subnet_ids: Vec<String>,
    /// The security group the services carry, and the only source the database and cache allow.
    pub application_security_group_id: String,
    /// The stream's name.
    pub stream_name: String,
    /// The stream's ARN.
    pub stream_arn: String,
    /// The role producers assume (the services may).
    pub producer_role_arn: String,
    /// The role consumers assume.
    pub consumer_role_arn: String,
    /// The database's writer endpoint.
    pub database_endpoint: String,
    /// Aurora: the reader endpoint (empty for `postgres`).
    pub database_reader_endpoint: String,
    /// The port the database listens on.
    pub database_port: i32,
    /// The secret holding the database's master credentials.
    pub database_secret_arn: String,
    /// The cache's primary endpoint.
    pub cache_endpoint: String,
    /// The cache's reader endpoint, spreading reads over the replicas.
    pub cache_reader_endpoint: String,
    /// The port the cache listens on (TLS).
    pub cache_port: i32,
    /// The secret holding the cache's AUTH token.
    pub cache_secret_arn: String,
    /// The ECS cluster (absent without services).
    pub cluster_name: Option<String>,
    /// Each service's ARN, by name.
    pub service_arns: BTreeMap<String, String>,
    /// The account baseline's trail (absent without `accountBaseline`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_baseline_trail_arn: Option<String>,
    /// Every part's HIPAA controls, as AWS reports them.
    pub compliance: PlatformCompliance,
}
