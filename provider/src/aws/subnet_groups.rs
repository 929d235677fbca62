//! Subnet groups (RDS and ElastiCache place a database or a cache with one), once for both
//! services: [`SubnetGroups`] is the four calls each service spells its own way, and
//! [`ensure`], [`describe`] and [`delete`] are the rest.

use std::collections::BTreeMap;
use std::future::Future;

use pulumi_provider::Ctx;

use super::lag::NEW_NAMED;
use super::tagging::{self, Tagging};
use super::tags::claim;
use super::wait::when_free;
use crate::error::{Error, Result, found};
use crate::resources::postgres::settling;

/// A subnet group as AWS reports it.
#[derive(Debug, Clone, Default)]
pub struct SubnetGroupView {
    pub arn: String,
    pub vpc_id: String,
    /// Sorted.
    pub subnets: Vec<String>,
    pub tags: BTreeMap<String, String>,
}

/// One service's subnet group calls.
pub trait SubnetGroups: Tagging + Sync {
    /// What the service calls the object, for messages.
    const KIND: &'static str;
    /// The service's error code for a create refused because the name is taken.
    const EXISTS: &'static str;
    /// The group without its tags, or `None`.
    fn find(&self, name: &str) -> impl Future<Output = Result<Option<SubnetGroupView>>> + Send;
    fn list_tags(&self, arn: &str)
    -> impl Future<Output = Result<BTreeMap<String, String>>> + Send;
    fn create(
        &self,
        name: &str,
        description: &str,
        subnets: &[String],
        tags: &BTreeMap<String, String>,
    ) -> impl Future<Output = Result<()>> + Send;
    fn modify(&self, name: &str, subnets: &[String]) -> impl Future<Output = Result<()>> + Send;
    /// Deletes the group; one already gone is fine.
    fn delete_group(&self, name: &str) -> impl Future<Output = Result<()>> + Send;
}

/// The group and its tags, or `None` (also when the tag read no longer, or not yet, finds
/// the group the describe found).
pub async fn describe<S: SubnetGroups>(svc: &S, name: &str) -> Result<Option<SubnetGroupView>> {
    let Some(mut g) = svc.find(name).await? else {
        return Ok(None);
    };
    g.subnets.sort();
    if !g.arn.is_empty() {
        g.tags = match svc.list_tags(&g.arn).await {
            Ok(tags) => tags,
            Err(e) if NEW_NAMED.matches(&e) => return Ok(None),
            Err(e) => return Err(e),
        };
    }
    Ok(Some(g))
}

/// Makes the group `name` hold exactly `subnets`, creating it if needed, and tags it. A group
/// found under the name is taken over by the ownership rule (`tags::may_take`); `property`
/// names the input that gives the name when it is refused.
///
/// The service's reads lag its creates: a group not listed a moment ago whose create is
/// refused as existing (a send whose answer was lost, or a read that lagged an earlier
/// create) is read until listed and then claimed by the same rule; the read after the
/// create waits until the group is listed (`wait::UNSEEN_GRACE`) rather than calling it
/// vanished.
pub async fn ensure<S: SubnetGroups>(
    svc: &S,
    ctx: &Ctx,
    name: &str,
    description: &str,
    subnets: &[String],
    tags: &BTreeMap<String, String>,
    property: &'static str,
) -> Result<SubnetGroupView> {
    let what = format!("{} {name}", S::KIND);
    let found = match describe(svc, name).await? {
        Some(g) => Some(g),
        None => match svc.create(name, description, subnets, tags).await {
            Ok(()) => None,
            Err(Error::Aws { code, .. }) if code == S::EXISTS => Some(
                settling::until_seen(
                    ctx,
                    &what,
                    || settling::vanished(&what, "was refused as existing, then not found"),
                    || describe(svc, name),
                )
                .await?,
            ),
            Err(e) => return Err(e),
        },
    };
    if let Some(g) = found {
        claim(ctx, &[name, &g.arn], &g.tags, property, || {
            format!("a {} named {name}", S::KIND)
        })?;
        if g.subnets != subnets {
            svc.modify(name, subnets).await?;
        }
        tagging::retag_settled(ctx, svc, &g.arn, &g.tags, tags).await?;
    }
    settling::until_seen(
        ctx,
        &what,
        || settling::vanished(&what, "vanished right after it was made"),
        || describe(svc, name),
    )
    .await
}

/// Deletes the group once nothing uses it. Already gone is fine.
pub async fn delete<S: SubnetGroups>(svc: &S, ctx: &Ctx, name: &str) -> Result<()> {
    when_free(ctx, &format!("{} {name}", S::KIND), || {
        svc.delete_group(name)
    })
    .await
}

fn identifiers<'a>(ids: impl Iterator<Item = Option<&'a str>>) -> Vec<String> {
    ids.flatten().map(String::from).collect()
}

impl SubnetGroups for aws_sdk_rds::Client {
    const KIND: &'static str = "DB subnet group";
    const EXISTS: &'static str = "DBSubnetGroupAlreadyExists";

    async fn find(&self, name: &str) -> Result<Option<SubnetGroupView>> {
        let got = found(
            "rds:DescribeDBSubnetGroups",
            self.describe_db_subnet_groups()
                .db_subnet_group_name(name)
                .send()
                .await,
            |e| e.is_db_subnet_group_not_found_fault(),
        )?;
        Ok(got
            .and_then(|g| g.db_subnet_groups.and_then(|mut v| v.pop()))
            .map(|g| SubnetGroupView {
                arn: g.db_subnet_group_arn().unwrap_or_default().to_string(),
                vpc_id: g.vpc_id().unwrap_or_default().to_string(),
                subnets: identifiers(g.subnets().iter().map(|s| s.subnet_identifier())),
                tags: BTreeMap::new(),
            }))
    }

    async fn list_tags(&self, arn: &str) -> Result<BTreeMap<String, String>> {
        tagging::list_rds(self, arn).await
    }

    async fn create(
        &self,
        name: &str,
        description: &str,
        subnets: &[String],
        tags: &BTreeMap<String, String>,
    ) -> Result<()> {
        self.create_db_subnet_group()
            .db_subnet_group_name(name)
            .db_subnet_group_description(description)
            .set_subnet_ids(Some(subnets.to_vec()))
            .set_tags(Some(tagging::rds(tags)))
            .send()
            .await
            .map_err(|e| Error::aws("rds:CreateDBSubnetGroup", e))?;
        Ok(())
    }

    async fn modify(&self, name: &str, subnets: &[String]) -> Result<()> {
        self.modify_db_subnet_group()
            .db_subnet_group_name(name)
            .set_subnet_ids(Some(subnets.to_vec()))
            .send()
            .await
            .map_err(|e| Error::aws("rds:ModifyDBSubnetGroup", e))?;
        Ok(())
    }

    async fn delete_group(&self, name: &str) -> Result<()> {
        match self
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
    }
}

impl SubnetGroups for aws_sdk_elasticache::Client {
    const KIND: &'static str = "cache subnet group";
    const EXISTS: &'static str = "CacheSubnetGroupAlreadyExists";

    async fn find(&self, name: &str) -> Result<Option<SubnetGroupView>> {
        let got = found(
            "elasticache:DescribeCacheSubnetGroups",
            self.describe_cache_subnet_groups()
                .cache_subnet_group_name(name)
                .send()
                .await,
            |e| e.is_cache_subnet_group_not_found_fault(),
        )?;
        Ok(got
            .and_then(|g| g.cache_subnet_groups.and_then(|mut v| v.pop()))
            .map(|g| SubnetGroupView {
                arn: g.arn().unwrap_or_default().to_string(),
                vpc_id: g.vpc_id().unwrap_or_default().to_string(),
                subnets: identifiers(g.subnets().iter().map(|s| s.subnet_identifier())),
                tags: BTreeMap::new(),
            }))
    }

    async fn list_tags(&self, arn: &str) -> Result<BTreeMap<String, String>> {
        tagging::list_elasticache(self, arn).await
    }

    async fn create(
        &self,
        name: &str,
        description: &str,
        subnets: &[String],
        tags: &BTreeMap<String, String>,
    ) -> Result<()> {
        self.create_cache_subnet_group()
            .cache_subnet_group_name(name)
            .cache_subnet_group_description(description)
            .set_subnet_ids(Some(subnets.to_vec()))
            .set_tags(Some(tagging::elasticache(tags)))
            .send()
            .await
            .map_err(|e| Error::aws("elasticache:CreateCacheSubnetGroup", e))?;
        Ok(())
    }

    async fn modify(&self, name: &str, subnets: &[String]) -> Result<()> {
        self.modify_cache_subnet_group()
            .cache_subnet_group_name(name)
            .set_subnet_ids(Some(subnets.to_vec()))
            .send()
            .await
            .map_err(|e| Error::aws("elasticache:ModifyCacheSubnetGroup", e))?;
        Ok(())
    }

    async fn delete_group(&self, name: &str) -> Result<()> {
        match self
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
    }
}

#[cfg(test)]
#[path = "subnet_groups_tests.rs"]
mod tests;
