//! A security group that opens one TCP port to named security groups and CIDR blocks and
//! nothing else (vpc-sg-open-only-to-authorized-ports): no other port, and no egress but
//! what the resource names (none for a database or cache).

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_ec2::error::ProvideErrorMetadata;
use aws_sdk_ec2::types::{
    Filter, IpPermission, IpRange, Ipv6Range, PrefixListId, ResourceType, Tag, TagSpecification,
    UserIdGroupPair,
};
use pulumi_provider::Ctx;

use super::AwsContext;
use super::lag::{NEW_EC2_OBJECT, settle};
use super::wait::when_free;
use crate::error::{Error, Result};

/// Where traffic may come from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    Group(String),
    Cidr(String),
    /// A managed prefix list (`pl-...`): no input names one, so a rule with one is drift.
    PrefixList(String),
}

/// One opening of a security group: a protocol, a port range and a source.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Opening {
    /// `tcp`, `udp`, `icmp` or `-1` (everything).
    pub protocol: String,
    pub from: i32,
    pub to: i32,
    pub source: Source,
}

impl Opening {
    pub fn port(port: i32, source: Source) -> Self {
        Opening {
            protocol: "tcp".into(),
            from: port,
            to: port,
            source,
        }
    }

    /// True when this is exactly `port` over TCP.
    pub fn is_port(&self, port: i32) -> bool {
        self.protocol == "tcp" && self.from == port && self.to == port
    }

    fn permission(&self) -> IpPermission {
        let b = IpPermission::builder()
            .ip_protocol(&self.protocol)
            .from_port(self.from)
            .to_port(self.to);
        match &self.source {
            Source::Group(id) => {
                b.user_id_group_pairs(UserIdGroupPair::builder().group_id(id).build())
            }
            Source::Cidr(c) if c.contains(':') => {
                b.ipv6_ranges(Ipv6Range::builder().cidr_ipv6(c).build())
            }
            Source::Cidr(c) => b.ip_ranges(IpRange::builder().cidr_ip(c).build()),
            Source::PrefixList(id) => {
                b.prefix_list_ids(PrefixListId::builder().prefix_list_id(id).build())
            }
        }
        .build()
    }
}

impl std::fmt::Display for Opening {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.protocol.as_str() {
            "-1" => "all traffic".to_string(),
            p if self.from == self.to => format!("{p} port {}", self.from),
            p => format!("{p} ports {}-{}", self.from, self.to),
        };
        let from = match &self.source {
            Source::Group(g) => g.as_str(),
            Source::Cidr(c) => c.as_str(),
            Source::PrefixList(id) => id.as_str(),
        };
        write!(f, "{what} from {from}")
    }
}

/// A security group as AWS reports it.
#[derive(Debug, Clone, Default)]
pub struct GroupView {
    pub id: String,
    pub tags: BTreeMap<String, String>,
    pub ingress: BTreeSet<Opening>,
    pub egress: BTreeSet<Opening>,
}

fn openings(perms: &[IpPermission]) -> BTreeSet<Opening> {
    let mut out = BTreeSet::new();
    for p in perms {
        let protocol = p.ip_protocol().unwrap_or("-1").to_string();
        let (from, to) = match protocol.as_str() {
            "-1" => (0, 65535),
            _ => (p.from_port().unwrap_or(0), p.to_port().unwrap_or(65535)),
        };
        let sources = p
            .user_id_group_pairs()
            .iter()
            .filter_map(|g| g.group_id().map(|g| Source::Group(g.into())))
            .chain(
                p.ip_ranges()
                    .iter()
                    .filter_map(|r| r.cidr_ip().map(|c| Source::Cidr(c.into()))),
            )
            .chain(
                p.ipv6_ranges()
                    .iter()
                    .filter_map(|r| r.cidr_ipv6().map(|c| Source::Cidr(c.into()))),
            )
            .chain(
                p.prefix_list_ids()
                    .iter()
                    .filter_map(|l| l.prefix_list_id().map(|id| Source::PrefixList(id.into()))),
            );
        for source in sources {
            out.insert(Opening {
                protocol: protocol.clone(),
                from,
                to,
                source,
            });
        }
    }
    out
}

fn view(g: &aws_sdk_ec2::types::SecurityGroup) -> GroupView {
    GroupView {
        id: g.group_id().unwrap_or_default().to_string(),
        tags: g
            .tags()
            .iter()
            .map(|t| {
                (
                    t.key().unwrap_or_default().to_string(),
                    t.value().unwrap_or_default().to_string(),
                )
            })
            .collect(),
        ingress: openings(g.ip_permissions()),
        egress: openings(g.ip_permissions_egress()),
    }
}

async fn first(cx: &AwsContext, filters: Vec<Filter>) -> Result<Option<GroupView>> {
    let found = cx
        .ec2()
        .describe_security_groups()
        .set_filters(Some(filters))
        .send()
        .await
        .map_err(|e| Error::aws("ec2:DescribeSecurityGroups", e))?;
    Ok(found.security_groups().first().map(view))
}

/// The group with this name in this VPC.
pub async fn find(cx: &AwsContext, vpc_id: &str, name: &str) -> Result<Option<GroupView>> {
    first(
        cx,
        vec![
            Filter::builder().name("vpc-id").values(vpc_id).build(),
            Filter::builder().name("group-name").values(name).build(),
        ],
    )
    .await
}

/// The group with this id, if it still exists.
pub async fn describe(cx: &AwsContext, id: &str) -> Result<Option<GroupView>> {
    first(
        cx,
        vec![Filter::builder().name("group-id").values(id).build()],
    )
    .await
}

/// Creates the group (no rules yet) and returns it as AWS reports it, read by its id: a
/// filtered read may not list a group made a moment ago, and a VPC made a moment ago may
/// not be known to the create yet.
pub async fn create(
    cx: &AwsContext,
    ctx: &Ctx,
    vpc_id: &str,
    name: &str,
    description: &str,
    tags: &BTreeMap<String, String>,
) -> Result<GroupView> {
    let spec = TagSpecification::builder()
        .resource_type(ResourceType::SecurityGroup)
        .set_tags(Some(ec2_tags(tags)))
        .build();
    let what = format!("security group {name}");
    let made = settle(ctx, &what, &[&NEW_EC2_OBJECT], || async {
        cx.ec2()
            .create_security_group()
            .group_name(name)
            .description(description)
            .vpc_id(vpc_id)
            .tag_specifications(spec.clone())
            .send()
            .await
            .map_err(|e| Error::aws("ec2:CreateSecurityGroup", e))
    })
    .await?;
    let id = made.group_id().unwrap_or_default();
    let found = settle(ctx, &what, &[&NEW_EC2_OBJECT], || async {
        cx.ec2()
            .describe_security_groups()
            .group_ids(id)
            .send()
            .await
            .map_err(|e| Error::aws("ec2:DescribeSecurityGroups", e))
    })
    .await?;
    found
        .security_groups()
        .first()
        .map(view)
        .ok_or_else(|| Error::Vanished {
            what: format!("security group {id}"),
            when: "vanished right after it was made",
        })
}

fn ec2_tags(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

/// Makes the group's rules exactly `port` from each source, and exactly `egress` out: what
/// is missing is authorized, everything else (other ports, other sources, other egress) is
/// revoked. Returns the ingress openings it revoked.
///
/// Each call goes through EC2's lag: the group, or a source group, may have been made a
/// moment ago.
pub async fn converge_rules(
    cx: &AwsContext,
    ctx: &Ctx,
    g: &GroupView,
    port: i32,
    sources: &[Source],
    egress: &BTreeSet<Opening>,
) -> Result<Vec<Opening>> {
    let wanted: BTreeSet<Opening> = sources
        .iter()
        .map(|s| Opening::port(port, s.clone()))
        .collect();
    let what = format!("security group {}", g.id);
    let extra: Vec<Opening> = g.ingress.difference(&wanted).cloned().collect();
    let revoked: Vec<IpPermission> = extra.iter().map(Opening::permission).collect();
    let missing: Vec<IpPermission> = wanted
        .difference(&g.ingress)
        .map(Opening::permission)
        .collect();
    if !extra.is_empty() {
        settle(ctx, &what, &[&NEW_EC2_OBJECT], || async {
            cx.ec2()
                .revoke_security_group_ingress()
                .group_id(&g.id)
                .set_ip_permissions(Some(revoked.clone()))
                .send()
                .await
                .map_err(|e| Error::aws("ec2:RevokeSecurityGroupIngress", e))
        })
        .await?;
    }
    if !missing.is_empty() {
        settle(ctx, &what, &[&NEW_EC2_OBJECT], || async {
            cx.ec2()
                .authorize_security_group_ingress()
                .group_id(&g.id)
                .set_ip_permissions(Some(missing.clone()))
                .send()
                .await
                .map_err(|e| Error::aws("ec2:AuthorizeSecurityGroupIngress", e))
        })
        .await?;
    }
    let stale: Vec<IpPermission> = g
        .egress
        .difference(egress)
        .map(Opening::permission)
        .collect();
    if !stale.is_empty() {
        settle(ctx, &what, &[&NEW_EC2_OBJECT], || async {
            cx.ec2()
                .revoke_security_group_egress()
                .group_id(&g.id)
                .set_ip_permissions(Some(stale.clone()))
                .send()
                .await
                .map_err(|e| Error::aws("ec2:RevokeSecurityGroupEgress", e))
        })
        .await?;
    }
    let wanted_out: Vec<IpPermission> = egress
        .difference(&g.egress)
        .map(Opening::permission)
        .collect();
    if !wanted_out.is_empty() {
        settle(ctx, &what, &[&NEW_EC2_OBJECT], || async {
            cx.ec2()
                .authorize_security_group_egress()
                .group_id(&g.id)
                .set_ip_permissions(Some(wanted_out.clone()))
                .send()
                .await
                .map_err(|e| Error::aws("ec2:AuthorizeSecurityGroupEgress", e))
        })
        .await?;
    }
    Ok(extra)
}

/// Brings the group's tags to `want` (AWS's own `aws:` tags are left alone).
pub async fn retag(cx: &AwsContext, g: &GroupView, want: &BTreeMap<String, String>) -> Result<()> {
    super::tagging::retag(cx.ec2(), &g.id, &g.tags, want).await
}

/// Deletes the group, waiting while network interfaces that use it drain. A group already
/// gone is fine.
pub async fn delete(cx: &AwsContext, ctx: &Ctx, id: &str) -> Result<()> {
    when_free(ctx, &format!("security group {id}"), || async {
        match cx.ec2().delete_security_group().group_id(id).send().await {
            Ok(_) => Ok(()),
            Err(e) if e.code() == Some("InvalidGroup.NotFound") => Ok(()),
            Err(e) => Err(Error::aws("ec2:DeleteSecurityGroup", e)),
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::placement::{control, observe};

    #[test]
    fn a_rule_from_a_prefix_list_is_read_and_is_drift() {
        let permission = IpPermission::builder()
            .ip_protocol("tcp")
            .from_port(5432)
            .to_port(5432)
            .prefix_list_ids(PrefixListId::builder().prefix_list_id("pl-1234").build())
            .build();
        let found = openings(std::slice::from_ref(&permission));
        let only = Opening::port(5432, Source::PrefixList("pl-1234".into()));
        assert_eq!(found, BTreeSet::from([only.clone()]));
        // What is read can be revoked: the same permission is built back.
        assert_eq!(only.permission(), permission);
        let group = GroupView {
            id: "sg-1".into(),
            ingress: found,
            ..GroupView::default()
        };
        let seen = observe(Some(&group), "db", 5432, &["sg-1".into()], &BTreeSet::new());
        assert!(seen.cidrs.is_empty() && seen.groups.is_empty());
        assert_eq!(
            seen.drift,
            ["the security group allows tcp port 5432 from pl-1234, a prefix list no input names"]
        );
        assert!(!control(Some(&group), 5432).satisfied);
    }
}
