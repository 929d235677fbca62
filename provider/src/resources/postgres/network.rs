//! Where the database lives: its DB subnet group (never the default one) and its security
//! group (the port, from the allowed sources, nothing else); and RDS tagging.

use std::collections::BTreeMap;

use aws_sdk_rds::types::Tag;
use pulumi_provider::Ctx;

use super::args::PostgresArgs;
use crate::aws::AwsContext;
use crate::aws::firewall::GroupView;
use crate::aws::placement;
use crate::aws::tags::may_take;
use crate::aws::wait::when_free;
use crate::error::{Error, Result, found};

/// A DB subnet group as AWS reports it.
#[derive(Debug, Clone, Default)]
pub struct SubnetGroupView {
    pub arn: String,
    pub vpc_id: String,
    pub subnets: Vec<String>,
    pub tags: BTreeMap<String, String>,
}

/// The security group's name: one per database, named after it.
pub fn security_group_name(id: &str) -> String {
    format!("{id}-postgres")
}

pub fn rds_tags(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

pub fn tag_map(tags: &[Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .map(|t| {
            (
                t.key().unwrap_or_default().to_string(),
                t.value().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

pub async fn list_tags(cx: &AwsContext, arn: &str) -> Result<BTreeMap<String, String>> {
    if arn.is_empty() {
        return Ok(BTreeMap::new());
    }
    let listed = cx
        .rds()
        .list_tags_for_resource()
        .resource_name(arn)
        .send()
        .await
        .map_err(|e| Error::aws("rds:ListTagsForResource", e))?;
    Ok(tag_map(listed.tag_list()))
}

/// Brings an RDS object's tags from `have` to `want`.
pub async fn retag(
    cx: &AwsContext,
    arn: &str,
    have: &BTreeMap<String, String>,
    want: &BTreeMap<String, String>,
) -> Result<()> {
    let (stale, changed) = crate::aws::tags::delta(have, want);
    if !stale.is_empty() {
        cx.rds()
            .remove_tags_from_resource()
            .resource_name(arn)
            .set_tag_keys(Some(stale))
            .send()
            .await
            .map_err(|e| Error::aws("rds:RemoveTagsFromResource", e))?;
    }
    if !changed.is_empty() {
        cx.rds()
            .add_tags_to_resource()
            .resource_name(arn)
            .set_tags(Some(rds_tags(&changed)))
            .send()
            .await
            .map_err(|e| Error::aws("rds:AddTagsToResource", e))?;
    }
    Ok(())
}

pub async fn describe_subnet_group(cx: &AwsContext, name: &str) -> Result<Option<SubnetGroupView>> {
    let got = found(
        "rds:DescribeDBSubnetGroups",
        cx.rds()
            .describe_db_subnet_groups()
            .db_subnet_group_name(name)
            .send()
            .await,
        |e| e.is_db_subnet_group_not_found_fault(),
    )?;
    let Some(g) = got.and_then(|g| g.db_subnet_groups.and_then(|mut v| v.pop())) else {
        return Ok(None);
    };
    let arn = g.db_subnet_group_arn().unwrap_or_default().to_string();
    let mut subnets: Vec<String> = g
        .subnets()
        .iter()
        .filter_map(|s| s.subnet_identifier().map(String::from))
        .collect();
    subnets.sort();
    Ok(Some(SubnetGroupView {
        tags: list_tags(cx, &arn).await?,
        arn,
        vpc_id: g.vpc_id().unwrap_or_default().to_string(),
        subnets,
    }))
}

/// Makes the subnet group (named after the database) hold exactly `a.subnetIds`.
pub async fn ensure_subnet_group(
    cx: &AwsContext,
    ctx: &Ctx,
    a: &PostgresArgs,
    tags: &BTreeMap<String, String>,
) -> Result<SubnetGroupView> {
    let name = a.id();
    match describe_subnet_group(cx, name).await? {
        None => {
            cx.rds()
                .create_db_subnet_group()
                .db_subnet_group_name(name)
                .db_subnet_group_description(format!(
                    "Subnets of the HIPAA PostgreSQL {name} (managed by Pulumi)"
                ))
                .set_subnet_ids(Some(a.subnet_ids.clone()))
                .set_tags(Some(rds_tags(tags)))
                .send()
                .await
                .map_err(|e| Error::aws("rds:CreateDBSubnetGroup", e))?;
        }
        Some(g) if !may_take(ctx, g.tags.iter().map(|(k, v)| (k.as_str(), v.as_str()))) => {
            return Err(Error::NotOwned {
                property: "identifier",
                what: format!("a DB subnet group named {name}"),
            });
        }
        Some(g) => {
            if g.subnets != a.subnet_ids {
                cx.rds()
                    .modify_db_subnet_group()
                    .db_subnet_group_name(name)
                    .set_subnet_ids(Some(a.subnet_ids.clone()))
                    .send()
                    .await
                    .map_err(|e| Error::aws("rds:ModifyDBSubnetGroup", e))?;
            }
            retag(cx, &g.arn, &g.tags, tags).await?;
        }
    }
    describe_subnet_group(cx, name).await?.ok_or_else(|| {
        Error::Unexpected(format!(
            "DB subnet group {name} vanished right after it was made"
        ))
    })
}

/// Deletes the subnet group once nothing uses it. Already gone is fine.
pub async fn delete_subnet_group(cx: &AwsContext, ctx: &Ctx, name: &str) -> Result<()> {
    when_free(ctx, &format!("DB subnet group {name}"), || async {
        match cx
            .rds()
            .delete_db_subnet_group()
            .db_subnet_group_name(name)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_db_subnet_group_not_found_fault()) =>
            {
                Ok(())
            }
            Err(e) => Err(Error::aws("rds:DeleteDBSubnetGroup", e)),
        }
    })
    .await
}

/// The database's security group, created if needed, with its rules and tags converged.
pub async fn ensure_security_group(
    cx: &AwsContext,
    ctx: &Ctx,
    a: &PostgresArgs,
    tags: &BTreeMap<String, String>,
) -> Result<GroupView> {
    let firewall = placement::Firewall {
        vpc_id: &a.vpc_id,
        name: security_group_name(a.id()),
        description: format!(
            "HIPAA PostgreSQL {}: port {} from allowed sources only",
            a.id(),
            a.port()
        ),
        port: a.port(),
        sources: placement::sources(&a.allowed_security_group_ids, &a.allowed_cidr_blocks),
        property: "identifier",
    };
    placement::ensure_security_group(cx, ctx, &firewall, tags).await
}
