//! Where the cache lives: its subnet group (never the default one) and its security group
//! (the port, from the allowed sources, nothing else).

use std::collections::BTreeMap;

use pulumi_provider::Ctx;

use super::args::RedisArgs;
use super::group;
use crate::aws::AwsContext;
use crate::aws::firewall::{GroupView, Source};
use crate::aws::placement;
use crate::aws::tags::may_take;
use crate::aws::wait::when_free;
use crate::error::{Error, Result, found};

/// A cache subnet group as AWS reports it.
#[derive(Debug, Clone, Default)]
pub struct SubnetGroupView {
    pub arn: String,
    pub vpc_id: String,
    pub subnets: Vec<String>,
    pub tags: BTreeMap<String, String>,
}

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
pub async fn check_subnets(cx: &AwsContext, a: &RedisArgs) -> Result<()> {
    let zones = if a.replicas() > 0 { 2 } else { 1 };
    placement::check_subnets(cx, &a.vpc_id, &a.subnet_ids, zones, "Multi-AZ failover").await
}

pub async fn describe_subnet_group(cx: &AwsContext, name: &str) -> Result<Option<SubnetGroupView>> {
    let got = found(
        "elasticache:DescribeCacheSubnetGroups",
        cx.elasticache()
            .describe_cache_subnet_groups()
            .cache_subnet_group_name(name)
            .send()
            .await,
        |e| e.is_cache_subnet_group_not_found_fault(),
    )?;
    let Some(g) = got.and_then(|g| g.cache_subnet_groups.and_then(|mut v| v.pop())) else {
        return Ok(None);
    };
    let arn = g.arn().unwrap_or_default().to_string();
    let mut subnets: Vec<String> = g
        .subnets()
        .iter()
        .filter_map(|s| s.subnet_identifier().map(String::from))
        .collect();
    subnets.sort();
    Ok(Some(SubnetGroupView {
        tags: group::list_tags(cx, &arn).await?,
        arn,
        vpc_id: g.vpc_id().unwrap_or_default().to_string(),
        subnets,
    }))
}

/// Makes the subnet group hold exactly `a.subnetIds`, creating it if needed.
pub async fn ensure_subnet_group(
    cx: &AwsContext,
    ctx: &Ctx,
    a: &RedisArgs,
    tags: &BTreeMap<String, String>,
) -> Result<SubnetGroupView> {
    let name = a.id();
    let description = format!("Subnets of the encrypted Redis {name} (managed by Pulumi)");
    match describe_subnet_group(cx, name).await? {
        None => {
            cx.elasticache()
                .create_cache_subnet_group()
                .cache_subnet_group_name(name)
                .cache_subnet_group_description(&description)
                .set_subnet_ids(Some(a.subnet_ids.clone()))
                .set_tags(Some(group::tags(tags)))
                .send()
                .await
                .map_err(|e| Error::aws("elasticache:CreateCacheSubnetGroup", e))?;
        }
        Some(g) if !may_take(ctx, g.tags.iter().map(|(k, v)| (k.as_str(), v.as_str()))) => {
            return Err(Error::NotOwned {
                property: "replicationGroupId",
                what: format!("a cache subnet group named {name}"),
            });
        }
        Some(g) => {
            if g.subnets != a.subnet_ids {
                cx.elasticache()
                    .modify_cache_subnet_group()
                    .cache_subnet_group_name(name)
                    .set_subnet_ids(Some(a.subnet_ids.clone()))
                    .send()
                    .await
                    .map_err(|e| Error::aws("elasticache:ModifyCacheSubnetGroup", e))?;
            }
            group::retag(cx, &g.arn, &g.tags, tags).await?;
        }
    }
    describe_subnet_group(cx, name).await?.ok_or_else(|| {
        Error::Unexpected(format!(
            "cache subnet group {name} vanished right after it was made"
        ))
    })
}

/// Deletes the subnet group once no cluster uses it. Already gone is fine.
pub async fn delete_subnet_group(cx: &AwsContext, ctx: &Ctx, name: &str) -> Result<()> {
    when_free(ctx, &format!("cache subnet group {name}"), || async {
        match cx
            .elasticache()
            .delete_cache_subnet_group()
            .cache_subnet_group_name(name)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_cache_subnet_group_not_found_fault()) =>
            {
                Ok(())
            }
            Err(e) => Err(Error::aws("elasticache:DeleteCacheSubnetGroup", e)),
        }
    })
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
    };
    placement::ensure_security_group(cx, ctx, &firewall, tags).await
}
