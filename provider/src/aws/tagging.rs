//! Tag sync, once for every service: [`Tagging`] is implemented per service client (the
//! three calls each service spells its own way), and [`retag`] brings any object's tags to
//! what the resource wants with them.

use std::collections::BTreeMap;
use std::future::Future;
use std::time::Duration;

use pulumi_provider::Ctx;

use super::lag::{BUSY, Lag, NEW_EC2_OBJECT, NEW_NAMED, NEW_NAMED_IN_WORDS, NEW_OBJECT, settle};
use super::tags::delta;
use crate::error::{Error, Result};

/// ElastiCache objects other objects name (parameter groups among them), for the minute its
/// tag calls may not know one just made.
const NEW_OBJECT_TAGGED: Lag = NEW_OBJECT.for_at_most(Duration::from_secs(60));

/// A service's tag calls on one object (named by ARN or id, as the service names it).
pub trait Tagging {
    /// What the service's tag calls answer for an object that exists but is not settled: its
    /// not-found codes while it does not know an object made a moment ago (waited out for a
    /// minute; tag calls are made only for objects just made or just read back), and its
    /// refusals of a tag change while the object is in a transitional state.
    const LAGS: &'static [&'static Lag];

    fn add(
        &self,
        object: &str,
        tags: &BTreeMap<String, String>,
    ) -> impl Future<Output = Result<()>> + Send;
    fn remove(&self, object: &str, keys: Vec<String>) -> impl Future<Output = Result<()>> + Send;
}

/// Brings an object's tags from `have` to `want`: the keys no longer wanted removed (AWS's
/// own `aws:` tags are left alone), the changed and new ones set.
pub async fn retag<T: Tagging>(
    service: &T,
    object: &str,
    have: &BTreeMap<String, String>,
    want: &BTreeMap<String, String>,
) -> Result<()> {
    let (stale, changed) = delta(have, want);
    if !stale.is_empty() {
        service.remove(object, stale).await?;
    }
    if !changed.is_empty() {
        service.add(object, &changed).await?;
    }
    Ok(())
}

/// [`retag`] through the service's [`Tagging::LAGS`], for an object that exists (just made,
/// or just read back).
pub async fn retag_settled<T: Tagging>(
    ctx: &Ctx,
    service: &T,
    object: &str,
    have: &BTreeMap<String, String>,
    want: &BTreeMap<String, String>,
) -> Result<()> {
    let (stale, changed) = delta(have, want);
    let what = format!("tags of {object}");
    if !stale.is_empty() {
        settle(ctx, &what, T::LAGS, || {
            service.remove(object, stale.clone())
        })
        .await?;
    }
    if !changed.is_empty() {
        settle(ctx, &what, T::LAGS, || service.add(object, &changed)).await?;
    }
    Ok(())
}

/// An RDS object's tags.
pub async fn list_rds(rds: &aws_sdk_rds::Client, arn: &str) -> Result<BTreeMap<String, String>> {
    let listed = rds
        .list_tags_for_resource()
        .resource_name(arn)
        .send()
        .await
        .map_err(|e| Error::aws("rds:ListTagsForResource", e))?;
    Ok(from_rds(listed.tag_list()))
}

/// An ElastiCache object's tags.
pub async fn list_elasticache(
    elasticache: &aws_sdk_elasticache::Client,
    arn: &str,
) -> Result<BTreeMap<String, String>> {
    let listed = elasticache
        .list_tags_for_resource()
        .resource_name(arn)
        .send()
        .await
        .map_err(|e| Error::aws("elasticache:ListTagsForResource", e))?;
    Ok(from_elasticache(listed.tag_list()))
}

/// RDS tags, as RDS's create calls take them.
pub fn rds(tags: &BTreeMap<String, String>) -> Vec<aws_sdk_rds::types::Tag> {
    tags.iter()
        .map(|(k, v)| aws_sdk_rds::types::Tag::builder().key(k).value(v).build())
        .collect()
}

/// RDS tags as a map.
pub fn from_rds(tags: &[aws_sdk_rds::types::Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .map(|t| {
            let (k, v) = (t.key().unwrap_or_default(), t.value().unwrap_or_default());
            (k.to_string(), v.to_string())
        })
        .collect()
}

/// ElastiCache tags, as ElastiCache's create calls take them.
pub fn elasticache(tags: &BTreeMap<String, String>) -> Vec<aws_sdk_elasticache::types::Tag> {
    tags.iter()
        .map(|(k, v)| {
            aws_sdk_elasticache::types::Tag::builder()
                .key(k)
                .value(v)
                .build()
        })
        .collect()
}

/// ElastiCache tags as a map.
pub fn from_elasticache(tags: &[aws_sdk_elasticache::types::Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .map(|t| {
            let (k, v) = (t.key().unwrap_or_default(), t.value().unwrap_or_default());
            (k.to_string(), v.to_string())
        })
        .collect()
}

impl Tagging for aws_sdk_rds::Client {
    const LAGS: &'static [&'static Lag] = &[&NEW_NAMED];

    async fn add(&self, arn: &str, tags: &BTreeMap<String, String>) -> Result<()> {
        self.add_tags_to_resource()
            .resource_name(arn)
            .set_tags(Some(rds(tags)))
            .send()
            .await
            .map_err(|e| Error::aws("rds:AddTagsToResource", e))?;
        Ok(())
    }

    async fn remove(&self, arn: &str, keys: Vec<String>) -> Result<()> {
        self.remove_tags_from_resource()
            .resource_name(arn)
            .set_tag_keys(Some(keys))
            .send()
            .await
            .map_err(|e| Error::aws("rds:RemoveTagsFromResource", e))?;
        Ok(())
    }
}

impl Tagging for aws_sdk_elasticache::Client {
    // `InvalidReplicationGroupState` while the group is creating or modifying.
    const LAGS: &'static [&'static Lag] = &[&NEW_NAMED, &NEW_OBJECT_TAGGED, &BUSY];

    async fn add(&self, arn: &str, tags: &BTreeMap<String, String>) -> Result<()> {
        self.add_tags_to_resource()
            .resource_name(arn)
            .set_tags(Some(elasticache(tags)))
            .send()
            .await
            .map_err(|e| Error::aws("elasticache:AddTagsToResource", e))?;
        Ok(())
    }

    async fn remove(&self, arn: &str, keys: Vec<String>) -> Result<()> {
        self.remove_tags_from_resource()
            .resource_name(arn)
            .set_tag_keys(Some(keys))
            .send()
            .await
            .map_err(|e| Error::aws("elasticache:RemoveTagsFromResource", e))?;
        Ok(())
    }
}

impl Tagging for aws_sdk_secretsmanager::Client {
    const LAGS: &'static [&'static Lag] = &[&NEW_NAMED];

    async fn add(&self, arn: &str, tags: &BTreeMap<String, String>) -> Result<()> {
        let tags = tags
            .iter()
            .map(|(k, v)| {
                aws_sdk_secretsmanager::types::Tag::builder()
                    .key(k)
                    .value(v)
                    .build()
            })
            .collect();
        self.tag_resource()
            .secret_id(arn)
            .set_tags(Some(tags))
            .send()
            .await
            .map_err(|e| Error::aws("secretsmanager:TagResource", e))?;
        Ok(())
    }

    async fn remove(&self, arn: &str, keys: Vec<String>) -> Result<()> {
        self.untag_resource()
            .secret_id(arn)
            .set_tag_keys(Some(keys))
            .send()
            .await
            .map_err(|e| Error::aws("secretsmanager:UntagResource", e))?;
        Ok(())
    }
}

impl Tagging for aws_sdk_ec2::Client {
    const LAGS: &'static [&'static Lag] = &[&NEW_EC2_OBJECT];

    async fn add(&self, id: &str, tags: &BTreeMap<String, String>) -> Result<()> {
        let tags = tags
            .iter()
            .map(|(k, v)| aws_sdk_ec2::types::Tag::builder().key(k).value(v).build())
            .collect();
        self.create_tags()
            .resources(id)
            .set_tags(Some(tags))
            .send()
            .await
            .map_err(|e| Error::aws("ec2:CreateTags", e))?;
        Ok(())
    }

    async fn remove(&self, id: &str, keys: Vec<String>) -> Result<()> {
        let tags = keys
            .iter()
            .map(|k| aws_sdk_ec2::types::Tag::builder().key(k).build())
            .collect();
        self.delete_tags()
            .resources(id)
            .set_tags(Some(tags))
            .send()
            .await
            .map_err(|e| Error::aws("ec2:DeleteTags", e))?;
        Ok(())
    }
}

impl Tagging for aws_sdk_kms::Client {
    // `NotFoundException` for a key just made; not `KMSInvalidStateException`, which for a
    // key pending deletion never passes.
    const LAGS: &'static [&'static Lag] = &[&NEW_NAMED];

    async fn add(&self, arn: &str, tags: &BTreeMap<String, String>) -> Result<()> {
        let tags = tags
            .iter()
            .map(|(k, v)| {
                aws_sdk_kms::types::Tag::builder()
                    .tag_key(k)
                    .tag_value(v)
                    .build()
                    .map_err(Error::from)
            })
            .collect::<Result<Vec<_>>>()?;
        self.tag_resource()
            .key_id(arn)
            .set_tags(Some(tags))
            .send()
            .await
            .map_err(|e| Error::aws("kms:TagResource", e))?;
        Ok(())
    }

    async fn remove(&self, arn: &str, keys: Vec<String>) -> Result<()> {
        self.untag_resource()
            .key_id(arn)
            .set_tag_keys(Some(keys))
            .send()
            .await
            .map_err(|e| Error::aws("kms:UntagResource", e))?;
        Ok(())
    }
}

impl Tagging for aws_sdk_ecs::Client {
    // ECS also answers in words: `ClientException` "Unable to describe task definition" for
    // a revision just registered.
    const LAGS: &'static [&'static Lag] = &[&NEW_NAMED, &NEW_NAMED_IN_WORDS];

    async fn add(&self, arn: &str, tags: &BTreeMap<String, String>) -> Result<()> {
        self.tag_resource()
            .resource_arn(arn)
            .set_tags(Some(ecs(tags)))
            .send()
            .await
            .map_err(|e| Error::aws("ecs:TagResource", e))?;
        Ok(())
    }

    async fn remove(&self, arn: &str, keys: Vec<String>) -> Result<()> {
        self.untag_resource()
            .resource_arn(arn)
            .set_tag_keys(Some(keys))
            .send()
            .await
            .map_err(|e| Error::aws("ecs:UntagResource", e))?;
        Ok(())
    }
}

/// ECS tags, as ECS's calls take them.
pub fn ecs(tags: &BTreeMap<String, String>) -> Vec<aws_sdk_ecs::types::Tag> {
    tags.iter()
        .map(|(k, v)| aws_sdk_ecs::types::Tag::builder().key(k).value(v).build())
        .collect()
}

/// ECS tags as a map.
pub fn from_ecs(tags: &[aws_sdk_ecs::types::Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .map(|t| {
            let (k, v) = (t.key().unwrap_or_default(), t.value().unwrap_or_default());
            (k.to_string(), v.to_string())
        })
        .collect()
}

#[cfg(test)]
#[path = "tagging_tests.rs"]
mod tests;
