//! What an earlier attempt of a create left, when the engine never heard its end (the plugin
//! or the CLI was killed while it ran): the auto-name that attempt had drawn, so the next
//! attempt carries on with it instead of leaving its objects behind under a name nothing
//! knows. Each resource makes one object first, its anchor, tagged with the URN at creation;
//! everything else it makes is named after the anchor's name.

use aws_sdk_ec2::types::Filter;

use super::AwsContext;
use super::tags::{URN_TAG, urn_value};
use crate::error::{Error, Result};

/// True when `candidate` is another draw of the auto-name `name`: the same stem and a random
/// suffix of the same length and alphabet (`events-k2j4h1x` for `events-a9b8c7d`).
pub fn is_sibling(name: &str, candidate: &str) -> bool {
    let Some((stem, suffix)) = name.rsplit_once('-') else {
        return false;
    };
    candidate != name
        && candidate
            .strip_prefix(stem)
            .and_then(|rest| rest.strip_prefix('-'))
            .is_some_and(|s| {
                s.len() == suffix.len()
                    && s.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            })
}

/// The first of `found` (in name order) that is a sibling of `name`.
pub fn first_sibling(name: &str, found: impl IntoIterator<Item = String>) -> Option<String> {
    let mut siblings: Vec<String> = found.into_iter().filter(|c| is_sibling(name, c)).collect();
    siblings.sort();
    siblings.into_iter().next()
}

/// The auto-name behind a security group tagged with `urn` and named `{auto-name}{suffix}`:
/// the anchor of a resource that lives in a VPC.
pub async fn by_security_group(
    cx: &AwsContext,
    urn: &str,
    name: &str,
    suffix: &str,
) -> Result<Option<String>> {
    let found = cx
        .ec2()
        .describe_security_groups()
        .filters(
            Filter::builder()
                .name(format!("tag:{URN_TAG}"))
                .values(urn_value(urn))
                .build(),
        )
        .send()
        .await
        .map_err(|e| Error::aws("ec2:DescribeSecurityGroups", e))?;
    let names = found
        .security_groups()
        .iter()
        .filter_map(|g| g.group_name()?.strip_suffix(suffix).map(String::from));
    Ok(first_sibling(name, names))
}

/// The auto-name behind a key tagged with `urn` whose alias is `{prefix}{auto-name}`: the
/// anchor of a resource whose first object is its key. Found through KMS's own ListAliases
/// and the key's tags, not the Resource Groups Tagging API, whose index lags by minutes: a key made and
/// aliased by an attempt killed a moment ago is missed only for KMS's seconds. A key its
/// resource's delete kept (`kms::KEPT_TAG`) is no attempt's.
pub async fn by_key_alias(
    cx: &AwsContext,
    urn: &str,
    name: &str,
    prefix: &str,
) -> Result<Option<String>> {
    let mut candidates: Vec<(String, String)> = super::kms::every_alias(cx)
        .await?
        .into_iter()
        .filter_map(|(alias, key)| {
            let named = alias.strip_prefix(prefix)?;
            is_sibling(name, named).then(|| (named.to_string(), key))
        })
        .collect();
    candidates.sort();
    for (named, key) in candidates {
        let tags = super::kms::tags_of(cx, &key).await?;
        let owned = super::tags::owned_by(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), urn);
        // A key the resource's delete kept is evidence left on purpose, not an attempt's.
        if owned && !tags.contains_key(super::kms::KEPT_TAG) {
            return Ok(Some(named));
        }
    }
    Ok(None)
}

/// The auto-name behind an ECS cluster tagged with `urn` and named another draw of `name`,
/// found through ECS itself (ListClusters, then the tags of the siblings), not the tagging
/// API, whose index lags by minutes. A cluster ECS lists as INACTIVE is a deleted one.
pub async fn by_cluster_name(cx: &AwsContext, urn: &str, name: &str) -> Result<Option<String>> {
    let mut siblings = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = cx
            .ecs()
            .list_clusters()
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| Error::aws("ecs:ListClusters", e))?;
        siblings.extend(
            page.cluster_arns()
                .iter()
                .filter_map(|arn| arn.rsplit_once("cluster/").map(|(_, n)| n.to_string()))
                .filter(|n| is_sibling(name, n)),
        );
        match page.next_token() {
            Some(next) if !next.is_empty() => token = Some(next.to_string()),
            _ => break,
        }
    }
    siblings.sort();
    // DescribeClusters takes at most 100 names a call.
    for batch in siblings.chunks(100) {
        let found = cx
            .ecs()
            .describe_clusters()
            .set_clusters(Some(batch.to_vec()))
            .include(aws_sdk_ecs::types::ClusterField::Tags)
            .send()
            .await
            .map_err(|e| Error::aws("ecs:DescribeClusters", e))?;
        let mut owned: Vec<String> = found
            .clusters()
            .iter()
            .filter(|c| c.status() != Some("INACTIVE"))
            .filter(|c| {
                super::tags::owned_by(
                    c.tags().iter().filter_map(|t| Some((t.key()?, t.value()?))),
                    urn,
                )
            })
            .filter_map(|c| c.cluster_name().map(String::from))
            .collect();
        owned.sort();
        if let Some(first) = owned.into_iter().next() {
            return Ok(Some(first));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_draw_of_the_same_auto_name_is_a_sibling() {
        assert!(is_sibling("events-a9b8c7d", "events-k2j4h1x"));
        assert!(is_sibling("my-events-a9b8c7d", "my-events-0000000"));
    }

    #[test]
    fn the_name_itself_and_other_names_are_not_siblings() {
        assert!(!is_sibling("events-a9b8c7d", "events-a9b8c7d"));
        assert!(!is_sibling("events-a9b8c7d", "events-a9b8c7"));
        assert!(!is_sibling("events-a9b8c7d", "events-A9B8C7D"));
        assert!(!is_sibling("events-a9b8c7d", "other-a9b8c7x"));
        assert!(!is_sibling("events-a9b8c7d", "events-a9b8c7d-redis"));
        assert!(!is_sibling("events", "events-a9b8c7d"));
    }

    #[test]
    fn the_first_sibling_by_name_is_chosen() {
        let found = ["events-zzzzzzz", "events-aaaaaaa", "unrelated"].map(String::from);
        assert_eq!(
            first_sibling("events-a9b8c7d", found).as_deref(),
            Some("events-aaaaaaa")
        );
    }
}
