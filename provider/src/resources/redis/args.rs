//! EncryptedRedis inputs and outputs.

use std::collections::BTreeMap;

use pulumi_provider::Secret;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::compliance::Compliance;

pub const DEFAULT_PORT: i32 = 6379;
pub const DEFAULT_REPLICAS: i32 = 1;
pub const DEFAULT_SHARDS: i32 = 2;
pub const DEFAULT_NODE_TYPE: &str = "cache.t4g.medium";
pub const DEFAULT_SNAPSHOT_DAYS: i32 = 15;
pub const DEFAULT_SECRET_RECOVERY_DAYS: i64 = 30;
pub const DEFAULT_ROTATION_DAYS: i64 = 30;

/// The cache engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[schemars(rename = "CacheEngine")]
pub enum Engine {
    /// Redis OSS.
    #[default]
    Redis,
    /// Valkey, the Redis-compatible engine AWS also offers.
    Valkey,
}

impl Engine {
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Redis => "redis",
            Engine::Valkey => "valkey",
        }
    }

    pub fn default_version(self) -> &'static str {
        match self {
            Engine::Redis => "7.1",
            Engine::Valkey => "8.0",
        }
    }
}

/// Inputs of an EncryptedRedis.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RedisArgs {
    /// The replication group's id: lowercase letters, digits and hyphens, 40 at most, starting with a letter. Generated from the resource name when not given; changing it replaces the cache.
    #[schemars(extend("replaceOnChanges" = true))]
    pub replication_group_id: Option<String>,
    /// The VPC the cache lives in (a SecureVpc's `vpcId`). Moving to another VPC replaces the cache.
    #[schemars(extend("replaceOnChanges" = true))]
    pub vpc_id: String,
    /// Private or isolated subnets of that VPC (a SecureVpc's `isolatedSubnetIds`), in at least two AZs when there are replicas. Changing them within the VPC updates the subnet group in place.
    pub subnet_ids: Vec<String>,
    /// Security groups whose members may connect, on `port` only.
    pub allowed_security_group_ids: Option<Vec<String>>,
    /// CIDR blocks that may connect, on `port` only. Never 0.0.0.0/0 or ::/0.
    pub allowed_cidr_blocks: Option<Vec<String>>,
    /// The port the cache listens on (default 6379). Changing it replaces the cache.
    #[schemars(extend("replaceOnChanges" = true))]
    pub port: Option<i32>,
    /// `redis` (default) or `valkey`. Redis to Valkey applies in place (ElastiCache's cross-engine upgrade: same endpoints and data, the version becomes a Valkey one, 8.0 unless `engineVersion` says); Valkey back to Redis is refused, since ElastiCache cannot do it.
    pub engine: Option<Engine>,
    /// The engine version: 7.1 for redis and 8.0 for valkey by default. Upgrades apply in place; AWS cannot downgrade.
    pub engine_version: Option<String>,
    /// The node type (default `cache.t4g.medium`). Changes apply in place.
    pub node_type: Option<String>,
    /// Read replicas per shard: 0 to 5, default 1 (two nodes, with Multi-AZ automatic failover). 0 leaves a single node with no failover, with a warning.
    pub replicas: Option<i32>,
    /// Cluster mode (sharding). Off by default; changing it replaces the cache (ElastiCache turns cluster mode on in place only through a `compatible` stage during which every client moves to cluster mode, a migration a deployment cannot time; off again is never in place).
    #[schemars(extend("replaceOnChanges" = true))]
    pub cluster_mode: Option<bool>,
    /// Shards when `clusterMode` is on (1 to 500, default 2). A change applies in place by online resharding: shards are added, or the highest-numbered ones removed, and slots move while the cache serves.
    pub shards: Option<i32>,
    /// Must be true (the default): TLS with transit encryption mode `required` (elasticache-repl-grp-encrypted-in-transit).
    pub transit_encryption: Option<bool>,
    /// Must be true (the default): at-rest encryption with a customer-managed key (elasticache-repl-grp-encrypted-at-rest).
    pub at_rest_encryption: Option<bool>,
    /// A KMS key (id, ARN or alias) for data at rest and the AUTH secret. When absent, the resource creates a customer-managed key with rotation on. Changing it replaces the cache.
    #[schemars(extend("replaceOnChanges" = true))]
    pub kms_key_id: Option<String>,
    /// Days of automatic snapshots kept: 1 to 35, default 15.
    pub snapshot_retention_days: Option<i32>,
    /// Daily snapshot window, UTC, `hh24:mi-hh24:mi` (at least an hour). AWS picks one when absent.
    pub snapshot_window: Option<String>,
    /// Weekly maintenance window, UTC, `ddd:hh24:mi-ddd:hh24:mi` (at least an hour). AWS picks one when absent.
    pub maintenance_window: Option<String>,
    /// A cache parameter group of the engine's family. The engine default when absent.
    pub parameter_group_name: Option<String>,
    /// Skip the final snapshot on delete. Defaults to false: a snapshot named `finalSnapshotName` is taken, and the key it is encrypted with is kept.
    pub skip_final_snapshot: Option<bool>,
    /// The final snapshot's name. Defaults to `<replicationGroupId>-final-<unix seconds>`.
    pub final_snapshot_name: Option<String>,
    /// Days the AUTH secret can be restored after delete: 7 to 30, default 30. 0 deletes it at once, with no recovery window.
    pub secret_recovery_days: Option<i64>,
    /// Any value; changing it rotates the AUTH token in place (ROTATE, then the secret, then SET). The cache is never replaced for it.
    pub auth_token_rotation: Option<String>,
    /// Days between rotations of the AUTH token by Secrets Manager: 1 to 365, default 30. A Lambda function of the cache's own (`<replicationGroupId>-auth-rotation`, with a role of that name allowed only this) does ROTATE, the secret, then SET. A cache made by a release without this property gets the schedule at its next update; a refresh reads 0 when a recorded schedule is gone.
    pub auth_token_rotation_days: Option<i64>,
    /// Who may read the AUTH secret: role names in this account (e.g. a FargateCluster service's `<clusterName>-<service>-exec`, made or not yet) or role and user ARNs. When given, a resource policy denies every Secrets Manager action on the secret to every other principal but `authSecretAdministrators` and the identity running `pulumi`. Absent: IAM policies alone decide.
    pub auth_secret_readers: Option<Vec<String>>,
    /// With `authSecretReaders`: more principals keeping every right on the secret (break-glass roles, every identity that runs `pulumi up` here); any other is denied it.
    pub auth_secret_administrators: Option<Vec<String>>,
    /// Tags for the cache and everything made with it; merged over the provider's default tags.
    pub tags: Option<BTreeMap<String, String>>,
}

/// Outputs of an EncryptedRedis.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RedisState {
    /// The inputs, with every default filled in.
    #[serde(flatten)]
    pub args: RedisArgs,
    /// The primary endpoint (the configuration endpoint in cluster mode).
    pub primary_endpoint: String,
    /// The reader endpoint, spreading reads over the replicas (empty in cluster mode).
    pub reader_endpoint: String,
    /// The replication group's ARN.
    pub arn: String,
    /// The security group of the cache: `port` from the allowed sources, nothing else.
    pub security_group_id: String,
    /// The cache subnet group, named after the replication group.
    pub subnet_group_name: String,
    /// The Secrets Manager secret holding `{"host", "port", "tls", "authToken"}` as JSON.
    pub auth_secret_arn: String,
    /// The AUTH token clients present. Always secret.
    #[schemars(extend("secret" = true))]
    pub auth_token: Secret,
    /// The Lambda function that rotates the AUTH token on its schedule.
    pub auth_rotation_function_arn: String,
    /// That function's role.
    pub auth_rotation_role_arn: String,
    /// The ARN of the key encrypting the cache, its snapshots and the secret.
    pub kms_key_arn: String,
    /// True when this resource created the key.
    pub kms_key_managed: bool,
    /// The cache clusters (nodes) of the group.
    pub member_clusters: Vec<String>,
    /// The engine version AWS reports.
    pub engine_version_actual: String,
    /// The group's status as AWS reports it.
    pub status: String,
    /// Ways AWS differs from the safe form that the inputs cannot express (failover off, a
    /// rule opened on another port); the next update puts them right.
    pub drift: Vec<String>,
    /// The HIPAA controls this cache satisfies, as AWS reports them.
    pub compliance: Option<Compliance>,
}

impl RedisArgs {
    pub fn id(&self) -> &str {
        self.replication_group_id.as_deref().unwrap_or_default()
    }

    pub fn engine(&self) -> Engine {
        self.engine.unwrap_or_default()
    }

    pub fn port(&self) -> i32 {
        self.port.unwrap_or(DEFAULT_PORT)
    }

    pub fn replicas(&self) -> i32 {
        self.replicas.unwrap_or(DEFAULT_REPLICAS)
    }

    pub fn cluster(&self) -> bool {
        self.cluster_mode.unwrap_or(false)
    }

    pub fn shards(&self) -> i32 {
        if self.cluster() {
            self.shards.unwrap_or(DEFAULT_SHARDS)
        } else {
            1
        }
    }

    pub fn tags(&self) -> BTreeMap<String, String> {
        self.tags.clone().unwrap_or_default()
    }

    pub fn rotation_days(&self) -> i64 {
        self.auth_token_rotation_days
            .unwrap_or(DEFAULT_ROTATION_DAYS)
    }
}

/// The alias of the key the resource makes for itself, named from its id.
pub fn key_alias(id: &str) -> String {
    format!("alias/healthcare/redis/{id}")
}
