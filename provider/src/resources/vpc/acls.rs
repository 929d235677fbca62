//! Network ACLs: one per tier, and the default one left with no rule that allows anything.
//!
//! Security groups decide who may reach what; the network ACLs are the subnet boundary
//! under them. The isolated tier takes traffic from inside the VPC only. The private tier
//! also takes the internet's answers to its own connections (through the NAT gateways, to
//! Linux's ephemeral ports) and ICMP "fragmentation needed" (path MTU discovery). The public
//! tier takes HTTPS and HTTP (load balancers) and the answers to the NAT gateways' and its
//! own connections (ports 1024 to 65535, the range NAT gateways use), less RDP (3389), which
//! rules ahead of that range deny from anywhere, as the CIS AWS Foundations Benchmark asks of
//! remote administration ports (SSH, 22, is below the range). The price: a NAT gateway
//! connection that happens to draw 3389 as its source port (one in about 64,000) gets no
//! answer, and the client's retry draws another port. ACLs are stateless, so the public and
//! private tiers send anywhere; the isolated tier only inside the VPC.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use aws_sdk_ec2::error::ProvideErrorMetadata;
use aws_sdk_ec2::types::{IcmpTypeCode, NetworkAcl, PortRange, ResourceType, RuleAction};

use super::inventory::{self, PART_TAG, tags_of};
use super::layout::Tier;
use super::network::Job;
use crate::aws::lag::{NEW_EC2_OBJECT, settle};
use crate::aws::token::after_gone;
use crate::aws::wait::{self, Backoff, Poll, when_free};
use crate::error::{Error, Result};

/// AWS's catch-all rule, in every ACL, which cannot be changed.
pub const CATCH_ALL: i32 = 32767;
const ANYWHERE: &str = "0.0.0.0/0";
const ALL: &str = "-1";
const TCP: &str = "6";
const UDP: &str = "17";
const ICMP: &str = "1";

pub fn part(tier: Tier) -> String {
    format!("acl/{}", tier.name())
}

/// One rule of an ACL.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    pub egress: bool,
    pub number: i32,
    pub protocol: String,
    pub allow: bool,
    pub cidr: String,
    pub ports: Option<(i32, i32)>,
    pub icmp: Option<(i32, i32)>,
}

/// A network ACL of the VPC as EC2 reports it (AWS's catch-all rules left out).
#[derive(Debug, Clone, Default)]
pub struct AclView {
    pub id: String,
    pub part: Option<String>,
    pub default: bool,
    pub entries: Vec<Entry>,
    /// Subnet id to association id.
    pub associations: BTreeMap<String, String>,
}

pub fn view(a: &NetworkAcl) -> AclView {
    AclView {
        id: a.network_acl_id().unwrap_or_default().to_string(),
        part: tags_of(a.tags()).get(PART_TAG).cloned(),
        default: a.is_default().unwrap_or(false),
        entries: a
            .entries()
            .iter()
            .filter(|e| e.rule_number() != Some(CATCH_ALL))
            .map(|e| Entry {
                egress: e.egress().unwrap_or(false),
                number: e.rule_number().unwrap_or_default(),
                protocol: e.protocol().unwrap_or(ALL).to_string(),
                allow: e.rule_action() == Some(&RuleAction::Allow),
                cidr: e
                    .cidr_block()
                    .or(e.ipv6_cidr_block())
                    .unwrap_or_default()
                    .to_string(),
                ports: e
                    .port_range()
                    .map(|p| (p.from().unwrap_or_default(), p.to().unwrap_or_default())),
                icmp: e
                    .icmp_type_code()
                    .map(|i| (i.r#type().unwrap_or_default(), i.code().unwrap_or_default())),
            })
            .collect(),
        associations: a
            .associations()
            .iter()
            .filter_map(|s| {
                Some((
                    s.subnet_id()?.to_string(),
                    s.network_acl_association_id()?.to_string(),
                ))
            })
            .collect(),
    }
}

fn rule(egress: bool, number: i32, protocol: &str, cidr: &str) -> Entry {
    Entry {
        egress,
        number,
        protocol: protocol.to_string(),
        allow: true,
        cidr: cidr.to_string(),
        ports: None,
        icmp: None,
    }
}

fn ports(number: i32, protocol: &str, from: i32, to: i32) -> Entry {
    Entry {
        ports: Some((from, to)),
        ..rule(false, number, protocol, ANYWHERE)
    }
}

/// RDP, the remote administration port inside the range the public tier takes answers on.
const RDP: i32 = 3389;

/// An ingress rule denying one port from anywhere.
fn deny(number: i32, protocol: &str, port: i32) -> Entry {
    Entry {
        allow: false,
        ..ports(number, protocol, port, port)
    }
}

/// The rules of a tier's ACL in a VPC of `vpc_cidr`.
pub fn wanted(tier: Tier, vpc_cidr: &str) -> Vec<Entry> {
    let inside = rule(false, 100, ALL, vpc_cidr);
    let mtu = Entry {
        icmp: Some((3, 4)),
        ..rule(false, 110, ICMP, ANYWHERE)
    };
    let mut out = match tier {
        Tier::Isolated => vec![inside, rule(true, 100, ALL, vpc_cidr)],
        Tier::Private => vec![
            inside,
            mtu,
            ports(120, TCP, 32768, 65535),
            ports(130, UDP, 32768, 65535),
            rule(true, 100, ALL, ANYWHERE),
        ],
        Tier::Public => vec![
            inside,
            mtu,
            ports(120, TCP, 443, 443),
            ports(130, TCP, 80, 80),
            deny(135, TCP, RDP),
            ports(140, TCP, 1024, 65535),
            deny(145, UDP, RDP),
            ports(150, UDP, 1024, 65535),
            rule(true, 100, ALL, ANYWHERE),
        ],
    };
    out.sort();
    out
}

/// What is wrong with the ACLs, as drift lines: a tier without its ACL or with other
/// rules, a subnet of a tier on another ACL, the default ACL still allowing traffic.
pub fn drift(acls: &[AclView], vpc_cidr: &str, tiers: &BTreeMap<Tier, Vec<String>>) -> Vec<String> {
    let mut out = Vec::new();
    for (tier, subnets) in tiers {
        let Some(acl) = acls
            .iter()
            .find(|a| a.part.as_deref() == Some(&part(*tier)))
        else {
            out.push(format!(
                "the {} subnets have no network ACL of their own",
                tier.name()
            ));
            continue;
        };
        let mut have = acl.entries.clone();
        have.sort();
        if have != wanted(*tier, vpc_cidr) {
            out.push(format!(
                "the network ACL of the {} subnets has other rules",
                tier.name()
            ));
        }
        for s in subnets
            .iter()
            .filter(|s| !acl.associations.contains_key(*s))
        {
            out.push(format!(
                "subnet {s} is not on the {} network ACL",
                tier.name()
            ));
        }
    }
    if let Some(d) = acls.iter().find(|a| a.default)
        && d.entries.iter().any(|e| e.allow)
        && d.associations.is_empty()
    {
        out.push("the default network ACL allows traffic".into());
    }
    out
}

/// Brings each tier's ACL to its rules and subnets, then empties the default ACL once no
/// subnet uses it.
pub async fn converge(
    job: &Job<'_>,
    acls: &[AclView],
    vpc_cidr: &str,
    tiers: &BTreeMap<Tier, Vec<String>>,
) -> Result<()> {
    let mut on = BTreeMap::new();
    for (tier, subnets) in tiers {
        let have = acls
            .iter()
            .find(|a| a.part.as_deref() == Some(&part(*tier)));
        let (id, entries) = match have {
            Some(a) => (a.id.clone(), a.entries.clone()),
            None => (create(job, *tier).await?, Vec::new()),
        };
        sync(job, &id, &entries, &wanted(*tier, vpc_cidr)).await?;
        for s in subnets {
            on.insert(s.clone(), id.clone());
        }
    }
    let acls = associated(job, &on).await?;
    for acl in &acls {
        for (subnet, association) in &acl.associations {
            let Some(want) = on.get(subnet).filter(|w| **w != acl.id) else {
                continue;
            };
            job.ec2(&format!("the network ACL of subnet {subnet}"), || async {
                job.cx
                    .ec2()
                    .replace_network_acl_association()
                    .association_id(association)
                    .network_acl_id(want)
                    .send()
                    .await
                    .map_err(|e| Error::aws("ec2:ReplaceNetworkAclAssociation", e))
            })
            .await?;
        }
    }
    close_default(job, &acls, &on).await
}

async fn create(job: &Job<'_>, tier: Tier) -> Result<String> {
    let part = part(tier);
    job.ctx
        .status(format!(
            "creating the network ACL of the {} subnets",
            tier.name()
        ))
        .await;
    // AWS answers a token it has seen with the ACL that request made, for a day or more,
    // even once that ACL is deleted. The token is the same in every operation (a retry
    // whose answer was lost must get the ACL the first send made), so an ACL deleted
    // outside Pulumi comes back as the answer: one that stays unknown past EC2's lag is
    // such an ACL, and the tier's ACL is then made with a token that names it.
    let mut gone: Vec<String> = Vec::new();
    loop {
        let token = after_gone(
            &[&job.vpc_id, &part, job.ctx.urn()],
            gone.iter().map(String::as_str),
        );
        let id = send_create(job, &part, &token).await?;
        if known(job, &id).await? {
            job.record(&id);
            return Ok(id);
        }
        if gone.len() >= GONE_ANSWERS {
            return Err(Error::Failed {
                what: format!("the network ACL of the {} subnets", tier.name()),
                reason: format!(
                    "EC2 answered CreateNetworkAcl with ACLs it then did not know ({}, {id})",
                    gone.join(", ")
                ),
            });
        }
        job.ctx
            .info(format!(
                "network ACL {id}, the {} subnets' ACL, was deleted outside Pulumi; making it anew",
                tier.name()
            ))
            .await;
        gone.push(id);
    }
}

/// How many deleted ACLs AWS may answer a tier's token with before the create gives up.
const GONE_ANSWERS: usize = 3;

/// How long an ACL that CreateNetworkAcl answered may stay unknown to EC2 before it counts
/// as deleted: EC2's lag for a new object is seconds.
const ACL_SHOWS: Duration = Duration::from_secs(60);

async fn send_create(job: &Job<'_>, part: &str, token: &str) -> Result<String> {
    let made = job
        .ec2(&format!("network ACL {part}"), || async {
            job.cx
                .ec2()
                .create_network_acl()
                .vpc_id(&job.vpc_id)
                .client_token(token)
                .tag_specifications(job.spec(ResourceType::NetworkAcl, part, &[]))
                .send()
                .await
                .map_err(|e| Error::aws("ec2:CreateNetworkAcl", e))
        })
        .await?;
    made.network_acl()
        .and_then(|a| a.network_acl_id())
        .map(String::from)
        .ok_or(Error::Incomplete {
            operation: "ec2:CreateNetworkAcl",
            missing: "the network ACL's id",
        })
}

/// True once EC2 knows ACL `id` by its id; false when it is still unknown after
/// [`ACL_SHOWS`], as an ACL deleted since it was made stays.
async fn known(job: &Job<'_>, id: &str) -> Result<bool> {
    let lag = NEW_EC2_OBJECT.for_at_most(ACL_SHOWS);
    let read = settle(job.ctx, &format!("network ACL {id}"), &[&lag], || async {
        job.cx
            .ec2()
            .describe_network_acls()
            .network_acl_ids(id)
            .send()
            .await
            .map_err(|e| Error::aws("ec2:DescribeNetworkAcls", e))
    })
    .await;
    match read {
        Ok(found) => Ok(found
            .network_acls()
            .iter()
            .any(|a| a.network_acl_id() == Some(id))),
        Err(e) if matches!(&e, Error::Aws { code, .. } if code == "InvalidNetworkAclID.NotFound") => {
            Ok(false)
        }
        Err(e) => Err(e),
    }
}

/// Creates, replaces and deletes rules until the ACL holds exactly `want`.
async fn sync(job: &Job<'_>, id: &str, have: &[Entry], want: &[Entry]) -> Result<()> {
    let slot = |e: &Entry| (e.egress, e.number);
    let had: BTreeMap<_, _> = have.iter().map(|e| (slot(e), e)).collect();
    let wanted: BTreeSet<_> = want.iter().map(slot).collect();
    for e in want {
        match had.get(&slot(e)) {
            Some(h) if *h == e => {}
            Some(_) => put(job, id, e, true).await?,
            None => put(job, id, e, false).await?,
        }
    }
    for e in have.iter().filter(|e| !wanted.contains(&slot(e))) {
        job.ec2(&format!("network ACL {id}"), || async {
            match job
                .cx
                .ec2()
                .delete_network_acl_entry()
                .network_acl_id(id)
                .rule_number(e.number)
                .egress(e.egress)
                .send()
                .await
            {
                Ok(_) => Ok(()),
                Err(err) if err.code() == Some("InvalidNetworkAclEntry.NotFound") => Ok(()),
                Err(err) => Err(Error::aws("ec2:DeleteNetworkAclEntry", err)),
            }
        })
        .await?;
    }
    Ok(())
}

async fn put(job: &Job<'_>, id: &str, e: &Entry, replace: bool) -> Result<()> {
    let action = if e.allow {
        RuleAction::Allow
    } else {
        RuleAction::Deny
    };
    let range = e
        .ports
        .map(|(f, t)| PortRange::builder().from(f).to(t).build());
    let icmp = e
        .icmp
        .map(|(t, c)| IcmpTypeCode::builder().r#type(t).code(c).build());
    let ec2 = job.cx.ec2();
    job.ec2(&format!("network ACL {id}"), || async {
        if replace {
            ec2.replace_network_acl_entry()
                .network_acl_id(id)
                .rule_number(e.number)
                .egress(e.egress)
                .protocol(&e.protocol)
                .rule_action(action.clone())
                .cidr_block(&e.cidr)
                .set_port_range(range.clone())
                .set_icmp_type_code(icmp.clone())
                .send()
                .await
                .map(|_| ())
                .map_err(|err| Error::aws("ec2:ReplaceNetworkAclEntry", err))
        } else {
            match ec2
                .create_network_acl_entry()
                .network_acl_id(id)
                .rule_number(e.number)
                .egress(e.egress)
                .protocol(&e.protocol)
                .rule_action(action.clone())
                .cidr_block(&e.cidr)
                .set_port_range(range.clone())
                .set_icmp_type_code(icmp.clone())
                .send()
                .await
            {
                Ok(_) => Ok(()),
                // A retry whose first answer was lost: the rule is there.
                Err(err) if err.code() == Some("NetworkAclEntryAlreadyExists") => Ok(()),
                Err(err) => Err(Error::aws("ec2:CreateNetworkAclEntry", err)),
            }
        }
    })
    .await
}

/// The VPC's ACLs once every subnet in `on` is listed with an association (a subnet a
/// moment old may not be yet).
async fn associated(job: &Job<'_>, on: &BTreeMap<String, String>) -> Result<Vec<AclView>> {
    wait::until(
        job.ctx,
        "the subnets' network ACL associations",
        Backoff::default(),
        || async {
            let acls = list(job).await?;
            let missing: Vec<&String> = on
                .keys()
                .filter(|s| !acls.iter().any(|a| a.associations.contains_key(*s)))
                .collect();
            Ok(if missing.is_empty() {
                Poll::Ready(acls)
            } else {
                Poll::Unseen(Error::Vanished {
                    what: format!(
                        "the network ACL association of {}",
                        missing
                            .iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    when: "is still not listed by EC2",
                })
            })
        },
    )
    .await
}

pub async fn list(job: &Job<'_>) -> Result<Vec<AclView>> {
    let found = job
        .cx
        .ec2()
        .describe_network_acls()
        .filters(inventory::filter("vpc-id", &job.vpc_id))
        .send()
        .await
        .map_err(|e| Error::aws("ec2:DescribeNetworkAcls", e))?;
    Ok(found.network_acls().iter().map(view).collect())
}

/// Deletes the default ACL's rules (AWS's catch-all deny stays) once none of the VPC's
/// subnets is on it; a subnet someone else made there keeps it as it is, and says so.
async fn close_default(
    job: &Job<'_>,
    acls: &[AclView],
    on: &BTreeMap<String, String>,
) -> Result<()> {
    let Some(d) = acls.iter().find(|a| a.default) else {
        return Ok(());
    };
    let strangers: Vec<&String> = d
        .associations
        .keys()
        .filter(|s| !on.contains_key(*s))
        .collect();
    if !strangers.is_empty() {
        job.ctx
            .warn(format!(
                "the default network ACL keeps its rules: subnet(s) {} of this VPC, not made by this resource, use it",
                strangers
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .await;
        return Ok(());
    }
    sync(job, &d.id, &d.entries, &[]).await
}

/// Deletes this VPC's ACLs of `parts` (their subnets gone or moved; an association still
/// going away is waited out).
pub async fn delete(job: &Job<'_>, acls: &[AclView], parts: &[String]) -> Result<()> {
    for acl in acls
        .iter()
        .filter(|a| !a.default && a.part.as_ref().is_some_and(|p| parts.contains(p)))
    {
        when_free(job.ctx, &format!("network ACL {}", acl.id), || async {
            match job
                .cx
                .ec2()
                .delete_network_acl()
                .network_acl_id(&acl.id)
                .send()
                .await
            {
                Ok(_) => Ok(()),
                Err(e) if e.code() == Some("InvalidNetworkAclID.NotFound") => Ok(()),
                Err(e) => Err(Error::aws("ec2:DeleteNetworkAcl", e)),
            }
        })
        .await?;
    }
    Ok(())
}

#[cfg(test)]
#[path = "acls_tests.rs"]
mod tests;
