//! Where the cache lives: its subnet group (never the default one) and its security group
//! (the port, from the allowed sources, nothing else).

use std::collections::BTreeMap;

use pulumi_provider::Ctx;

use super::args::RedisArgs;
use crate::aws::AwsContext;
use crate::aws::firewall::{GroupView, Source};
use crate::aws::lag::{NEW_EC2_OBJECT, NEW_EC2_OBJECT_ELSEWHERE, settle};
use crate::aws::placement;
use crate::aws::subnet_groups;
pub use crate::aws::subnet_groups::SubnetGroupView;
use crate::error::Result;

/// The security group's name: one per cache, named after it.
pub fn security_group_name(id: &str) -> String {
    format!("{id}-redis")
}

/// The allowed sources the inputs name.
pub fn sources(a: &RedisArgs) -> Vec<Source> {
    placement::sources(&a.allowed_security_group_ids, &a.allowed_cidr_blocks)
}

/// Checks what Check cannot know: the subnets exist, lie in `vpcId`, and span two AZs when
/// the cache has replicas to fail over to.
pub async fn check_subnets(cx: &AwsContext, ctx: &Ctx, a: &RedisArgs) -> Result<()> {
    let zones = if a.replicas() > 0 { 2 } else { 1 };
    placement::check_subnets(
        cx,
        ctx,
        &a.vpc_id,
        &a.subnet_ids,
        zones,
        "Multi-AZ failover",
    )
    .await
}

/// Makes the subnet group (named after the cache) hold exactly `a.subnetIds`.
pub async fn ensure_subnet_group(
    cx: &AwsContext,
    ctx: &Ctx,
    a: &RedisArgs,
    tags: &BTreeMap<String, String>,
) -> Result<SubnetGroupView> {
    let name = a.id();
    let description = format!("Subnets of the encrypted Redis {name} (managed by Pulumi)");
    // Subnets made moments ago (by a SecureVpc in the same deployment) may be unknown to
    // ElastiCache yet; the create is refused and nothing is made (NEW_EC2_OBJECT).
    let what = format!("cache subnet group {name}");
    settle(
        ctx,
        &what,
        &[&NEW_EC2_OBJECT, &NEW_EC2_OBJECT_ELSEWHERE],
        || {
            subnet_groups::ensure(
                cx.elasticache(),
                ctx,
                name,
                &description,
                &a.subnet_ids,
                tags,
                "replicationGroupId",
            )
        },
    )
    .await
}

/// The cache's security group, created if needed, with its rules and tags converged.
pub async fn ensure_security_group(
    cx: &AwsContext,
    ctx: &Ctx,
    a: &RedisArgs,
    tags: &BTreeMap<String, String>,
) -> Result<GroupView> {
    let firewall = placement::Firewall {
        vpc_id: &a.vpc_id,
        name: security_group_name(a.id()),
        description: format!(
            "Encrypted Redis {}: port {} from allowed sources only",
            a.id(),
            a.port()
        ),
        port: a.port(),
        sources: sources(a),
        property: "replicationGroupId",
        egress: Default::default(),
    };
    placement::ensure_security_group(cx, ctx, &firewall, tags).await
}
