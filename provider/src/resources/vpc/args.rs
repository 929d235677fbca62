//! SecureVpc inputs and outputs.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::compliance::Compliance;

pub const DEFAULT_CIDR: &str = "10.0.0.0/16";
pub const DEFAULT_AZ_COUNT: u8 = 2;
pub const MAX_AZS: usize = 6;
pub const DEFAULT_RETENTION_DAYS: i32 = 365;
pub const GATEWAY_SERVICES: [&str; 2] = ["s3", "dynamodb"];

/// How private subnets reach the internet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum NatStrategy {
    /// No NAT gateways: private subnets have no route out.
    None,
    /// One NAT gateway in the first AZ, shared by every private subnet. Cheaper; but if that
    /// AZ fails, private subnets in every AZ lose their way out.
    Single,
    /// One NAT gateway per AZ (the production choice): an AZ failure stays in that AZ.
    #[default]
    PerAz,
}

/// One subnet tier.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TierArgs {
    /// Whether the tier exists. Defaults to true.
    pub enabled: Option<bool>,
    /// Prefix length of each subnet. Defaults to VPC prefix + 4 for private, + 6 for public and isolated.
    pub prefix_length: Option<u8>,
    /// Explicit CIDRs keyed by AZ name; AZs not listed get the default layout.
    pub cidrs: Option<BTreeMap<String, String>>,
}

/// The subnet tiers. Subnets are keyed by tier and AZ, never by position.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SubnetsArgs {
    /// Subnets with a route to the internet gateway (load balancers, NAT gateways).
    pub public: Option<TierArgs>,
    /// Subnets whose only way out is a NAT gateway (services).
    pub private: Option<TierArgs>,
    /// Subnets with no route out at all (databases, caches).
    pub isolated: Option<TierArgs>,
}

/// VPC flow logs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FlowLogArgs {
    /// Flow logs of ALL traffic (required by vpc-flow-logs-enabled). Defaults to true.
    pub enabled: Option<bool>,
    /// Days to keep flow logs: at least 90; defaults to 365.
    pub retention_days: Option<i32>,
    /// An existing log group to deliver to instead of one the resource creates.
    pub log_group_name: Option<String>,
    /// Keep the flow-log group the resource made, and the KMS key that encrypts it, when the
    /// VPC is deleted. Defaults to false: the group, and with it the record of the VPC's
    /// traffic, is deleted with the VPC and the key is scheduled for deletion. Flow logs are
    /// audit evidence (45 CFR 164.312(b)); set this when they must outlive the VPC. A kept
    /// group keeps its retention, and its key stays enabled so it stays readable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retain_on_delete: Option<bool>,
}

/// Who may send requests through the VPC endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum EndpointPolicy {
    /// Principals of this account and of `trustedAccountIds` only.
    #[default]
    Account,
    /// AWS's allow-all policy.
    AwsDefault,
}

/// VPC endpoints, so traffic to AWS services stays off the internet.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EndpointArgs {
    /// Gateway endpoints (`s3`, `dynamodb`) on the private and isolated route tables.
    pub gateway: Option<Vec<String>>,
    /// Interface endpoints (e.g. `kinesis-streams`, `secretsmanager`, `kms`, `logs`, `ecr.api`, `ecr.dkr`) in the private subnets, with private DNS and their own security group open to the VPC on 443.
    pub interface: Option<Vec<String>>,
    /// `account` (default): each endpoint whose service takes a policy admits only principals of this account and `trustedAccountIds` (`aws:PrincipalAccount`), so unsigned requests (reads of public buckets) are refused; the `s3` gateway also lets ECR's own signed URLs read the region's image-layer bucket. `awsDefault`: AWS's allow-all policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<EndpointPolicy>,
    /// More account ids (12 digits) whose principals may use the endpoints under `account`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trusted_account_ids: Option<Vec<String>>,
}

/// Inputs of a SecureVpc.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VpcArgs {
    /// The VPC's IPv4 CIDR. Defaults to 10.0.0.0/16. Changing it replaces the VPC and everything in it.
    #[schemars(extend("replaceOnChanges" = true))]
    pub cidr_block: Option<String>,
    /// The AZs to use, explicitly. When absent, the first `availabilityZoneCount` AZs the region offers are chosen once and kept.
    pub availability_zones: Option<Vec<String>>,
    /// How many AZs to use when none are listed: 1 to 6, default 2.
    pub availability_zone_count: Option<u8>,
    /// The subnet tiers; all three exist by default.
    pub subnets: Option<SubnetsArgs>,
    /// `perAz` (default), `single` or `none`.
    pub nat_gateways: Option<NatStrategy>,
    /// Flow logs; on by default.
    pub flow_logs: Option<FlowLogArgs>,
    /// VPC endpoints; none by default.
    pub endpoints: Option<EndpointArgs>,
    /// A KMS key (id, ARN or alias) for the flow log group. When absent the resource creates one with rotation on, and owns it.
    pub kms_key_id: Option<String>,
    /// Tags for every object; merged over the provider's default tags.
    pub tags: Option<BTreeMap<String, String>>,
}

/// One subnet as AWS reports it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SubnetInfo {
    /// The subnet's id.
    pub id: String,
    /// `public`, `private` or `isolated`.
    pub tier: String,
    /// Its availability zone.
    pub availability_zone: String,
    /// Its IPv4 CIDR.
    pub cidr_block: String,
    /// The route table associated with it.
    pub route_table_id: String,
}

/// Outputs of a SecureVpc.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VpcState {
    /// The inputs, with every default filled in.
    #[serde(flatten)]
    pub args: VpcArgs,
    /// The VPC's id.
    pub vpc_id: String,
    /// Public subnet ids, ordered by AZ.
    pub public_subnet_ids: Vec<String>,
    /// Private subnet ids, ordered by AZ.
    pub private_subnet_ids: Vec<String>,
    /// Isolated subnet ids, ordered by AZ.
    pub isolated_subnet_ids: Vec<String>,
    /// Every subnet, keyed `tier/az`.
    pub subnet_map: BTreeMap<String, SubnetInfo>,
    /// The internet gateway's id, when there are public subnets.
    pub internet_gateway_id: Option<String>,
    /// NAT gateway ids keyed by AZ.
    pub nat_gateway_ids: BTreeMap<String, String>,
    /// Elastic IP allocation ids of the NAT gateways, keyed by AZ.
    pub elastic_ip_allocation_ids: BTreeMap<String, String>,
    /// The public route table.
    pub public_route_table_id: Option<String>,
    /// Private route tables keyed by AZ.
    pub private_route_table_ids: BTreeMap<String, String>,
    /// The isolated route table.
    pub isolated_route_table_id: Option<String>,
    /// The flow log's id.
    pub flow_log_id: Option<String>,
    /// The log group flow logs go to.
    pub flow_log_group_name: Option<String>,
    /// The role flow logs deliver with, when the resource made it.
    pub flow_log_role_arn: Option<String>,
    /// The key encrypting the flow log group.
    pub kms_key_arn: Option<String>,
    /// True when this resource created the key and will schedule its deletion.
    pub kms_key_managed: bool,
    /// VPC endpoint ids keyed by service (`s3`, `kms`, ...).
    pub endpoint_ids: BTreeMap<String, String>,
    /// The interface endpoints' security group.
    pub endpoint_security_group_id: Option<String>,
    /// A security group with no rules, for the application tasks to carry (a FargateCluster service's `securityGroupIds`): the database and cache let it in by `allowedSecurityGroupIds` without depending on the services that carry it.
    pub application_security_group_id: String,
    /// What AWS reports that differs from what the resource made (a NAT gateway gone, a route removed, a rule added to the default security group); empty when all is as made.
    pub drift: Vec<String>,
    /// The HIPAA controls this VPC satisfies, as AWS reports them.
    pub compliance: Option<Compliance>,
}
