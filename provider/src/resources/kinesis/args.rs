//! KinesisPipeline inputs and outputs.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::compliance::Compliance;

/// Every shard-level metric Kinesis offers.
pub const ALL_METRICS: [&str; 7] = [
    "IncomingBytes",
    "IncomingRecords",
    "IteratorAgeMilliseconds",
    "OutgoingBytes",
    "OutgoingRecords",
    "ReadProvisionedThroughputExceeded",
    "WriteProvisionedThroughputExceeded",
];
pub const DEFAULT_RETENTION_HOURS: i64 = 168;

/// The stream's capacity mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StreamMode {
    /// A fixed number of shards, set by `shardCount`.
    #[default]
    Provisioned,
    /// Capacity follows traffic; no shard count.
    OnDemand,
}

/// Server-side encryption of the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EncryptionType {
    /// SSE with a KMS key (required).
    #[default]
    Kms,
    /// No encryption; always refused (kinesis-stream-encrypted).
    None,
}

/// Inputs of a KinesisPipeline.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PipelineArgs {
    /// The stream's name. Generated from the resource name when not given; changing it replaces the stream.
    #[schemars(extend("replaceOnChanges" = true))]
    pub stream_name: Option<String>,
    /// `PROVISIONED` (default) or `ON_DEMAND`.
    pub stream_mode: Option<StreamMode>,
    /// Shards of a provisioned stream (default 1). Not used on demand.
    pub shard_count: Option<i64>,
    /// How long records are kept, in hours: 24 to 8760. Defaults to 168 (7 days), so a consumer outage of a week loses nothing.
    pub retention_hours: Option<i64>,
    /// Shard-level CloudWatch metrics to enable. Defaults to all of them.
    pub shard_level_metrics: Option<Vec<String>>,
    /// Must be `KMS` (the default): HIPAA requires encryption at rest.
    pub encryption_type: Option<EncryptionType>,
    /// A KMS key (id, ARN or alias) to encrypt with. When absent, the resource creates a customer-managed key with rotation on, and owns it.
    pub kms_key_id: Option<String>,
    /// IAM principals (role/user ARNs, account ids, or service principals such as `firehose.amazonaws.com`) allowed to assume the producer role. Defaults to this account. Never a wildcard (`*`), which would open the stream to every AWS account.
    pub producer_principals: Option<Vec<String>>,
    /// IAM principals allowed to assume the consumer role, as `producerPrincipals`. Defaults to this account. Never a wildcard.
    pub consumer_principals: Option<Vec<String>>,
    /// Tags for the stream, key and roles; merged over the provider's default tags.
    pub tags: Option<BTreeMap<String, String>>,
}

/// Outputs of a KinesisPipeline.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PipelineState {
    /// The inputs, with every default filled in.
    #[serde(flatten)]
    pub args: PipelineArgs,
    /// The stream's ARN.
    pub stream_arn: String,
    /// The ARN of the key encrypting the stream.
    pub kms_key_arn: String,
    /// True when this resource created the key and will schedule its deletion.
    pub kms_key_managed: bool,
    /// The role producers assume: put records, nothing else.
    pub producer_role_arn: String,
    /// The producer role's name, `<streamName>-producer`.
    pub producer_role_name: String,
    /// The role consumers assume: read records, nothing else.
    pub consumer_role_arn: String,
    /// The consumer role's name, `<streamName>-consumer`.
    pub consumer_role_name: String,
    /// Open shards as AWS reports them.
    pub open_shard_count: i64,
    /// The HIPAA controls this stream satisfies, as AWS reports them.
    pub compliance: Option<Compliance>,
}

impl PipelineArgs {
    pub fn name(&self) -> &str {
        self.stream_name.as_deref().unwrap_or_default()
    }

    pub fn mode(&self) -> StreamMode {
        self.stream_mode.unwrap_or_default()
    }

    pub fn tags(&self) -> BTreeMap<String, String> {
        self.tags.clone().unwrap_or_default()
    }

    pub fn metrics(&self) -> Vec<String> {
        self.shard_level_metrics.clone().unwrap_or_default()
    }
}

/// The alias of the key the resource makes for itself, named from the stream.
pub fn key_alias(stream: &str) -> String {
    format!("alias/healthcare/kinesis/{stream}")
}
