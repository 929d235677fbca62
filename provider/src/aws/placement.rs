//! Where a VPC resource runs and who may reach it: subnets checked against EC2, the
//! port-only security group made and converged, and what a security group found in AWS
//! says about sources, drift and compliance.

use std::collections::{BTreeMap, BTreeSet};

use pulumi_provider::Ctx;

use super::AwsContext;
use super::firewall::{self, GroupView, Opening, Source};
use super::lag::{Lag, NEW_EC2_OBJECT, settle};
use super::tags::claim;
use super::wait::{self, Backoff, Poll};
use crate::compliance::{Control, SG_AUTHORIZED_PORTS};
use crate::error::{Error, Result};

/// The allowed sources the inputs name.
pub fn sources(groups: &Option<Vec<String>>, cidrs: &Option<Vec<String>>) -> Vec<Source> {
    let groups = groups.iter().flatten().cloned().map(Source::Group);
    let cidrs = cidrs.iter().flatten().cloned().map(Source::Cidr);
    groups.chain(cidrs).collect()
}

/// Checks what Check cannot know: the subnets exist, lie in `vpc_id`, give out no public
/// IPs, and span `min_zones` AZs (`why` says what needs them).
///
/// The subnets are read by id: a subnet made a moment ago (by a SecureVpc in the same
/// update) may be missing from a filtered read, and may answer `InvalidSubnetID.NotFound`
/// for a few seconds; that is waited out for a minute before the subnet is called missing.
pub async fn check_subnets(
    cx: &AwsContext,
    ctx: &Ctx,
    vpc_id: &str,
    subnet_ids: &[String],
    min_zones: usize,
    why: &str,
) -> Result<()> {
    let found = settle(ctx, "subnetIds", &[&INPUT_SUBNETS], || async {
        cx.ec2()
            .describe_subnets()
            .set_subnet_ids(Some(subnet_ids.to_vec()))
            .send()
            .await
            .map_err(|e| Error::aws("ec2:DescribeSubnets", e))
    })
    .await;
    let found = match found {
        Ok(found) => found,
        Err(Error::Aws { code, message, .. }) if INPUT_SUBNETS.matches_code(&code) => {
            return Err(Error::Input {
                property: "subnetIds".into(),
                reason: format!("EC2 does not know every subnet named: {message}"),
            });
        }
        Err(e) => return Err(e),
    };
    let subnets = found.subnets();
    for id in subnet_ids {
        match subnets.iter().find(|s| s.subnet_id() == Some(id.as_str())) {
            None => {
                return Err(Error::Input {
                    property: "subnetIds".into(),
                    reason: format!("subnet {id} does not exist"),
                });
            }
            Some(s) if s.vpc_id() != Some(vpc_id) => {
                return Err(Error::Input {
                    property: "subnetIds".into(),
                    reason: format!(
                        "subnet {id} is in {}, not in vpcId {vpc_id}",
                        s.vpc_id().unwrap_or("another VPC"),
                    ),
                });
            }
            Some(s) if s.map_public_ip_on_launch() == Some(true) => {
                return Err(Error::Input {
                    property: "subnetIds".into(),
                    reason: format!(
                        "subnet {id} gives out public IPs; use private or isolated subnets"
                    ),
                });
            }
            Some(_) => {}
        }
    }
    let zones: BTreeSet<&str> = subnets
        .iter()
        .filter_map(|s| s.availability_zone())
        .collect();
    if zones.len() < min_zones {
        return Err(Error::Input {
            property: "subnetIds".into(),
            reason: format!(
                "{why} needs subnets in {min_zones} AZs; these are all in {}",
                zones.into_iter().collect::<Vec<_>>().join(", ")
            ),
        });
    }
    Ok(())
}

/// Subnets named by an input: made a moment ago, or never; a minute tells the two apart.
const INPUT_SUBNETS: Lag = NEW_EC2_OBJECT.for_at_most(std::time::Duration::from_secs(60));

/// The security group a resource opens to its sources.
pub struct Firewall<'a> {
    pub vpc_id: &'a str,
    pub name: String,
    pub description: String,
    pub port: i32,
    pub sources: Vec<Source>,
    /// The input whose value names the group, for the error when someone else owns it.
    pub property: &'static str,
    /// What may go out (nothing for a database or cache).
    pub egress: BTreeSet<Opening>,
}

/// The resource's security group `name` in the VPC its subnet group is in (`vpc_id`, empty
/// when the subnet group is gone).
pub async fn group_in_vpc(cx: &AwsContext, vpc_id: &str, name: &str) -> Result<Option<GroupView>> {
    if vpc_id.is_empty() {
        return Ok(None);
    }
    firewall::find(cx, vpc_id, name).await
}

/// The security group, created if needed, with its rules and tags converged. Rules that
/// were revoked are reported through the engine log.
pub async fn ensure_security_group(
    cx: &AwsContext,
    ctx: &Ctx,
    f: &Firewall<'_>,
    tags: &BTreeMap<String, String>,
) -> Result<GroupView> {
    let g = match firewall::find(cx, f.vpc_id, &f.name).await? {
        Some(g) => {
            claim(ctx, &[&g.id], &g.tags, f.property, || {
                format!("the security group {} ({}) in {}", f.name, g.id, f.vpc_id)
            })?;
            g
        }
        None => match firewall::create(cx, ctx, f.vpc_id, &f.name, &f.description, tags).await {
            // The read by name can miss a group made a moment ago (EC2's filtered reads lag
            // its creates, a lost answer's included): the one of that name is found and
            // taken only when it is this resource's.
            Err(Error::Aws { code, .. }) if code == "InvalidGroup.Duplicate" => {
                let g = group_once_listed(cx, ctx, f).await?;
                claim(ctx, &[&g.id], &g.tags, f.property, || {
                    format!("the security group {} ({}) in {}", f.name, g.id, f.vpc_id)
                })?;
                g
            }
            other => other?,
        },
    };
    let revoked = firewall::converge_rules(cx, ctx, &g, f.port, &f.sources, &f.egress).await?;
    for r in revoked {
        ctx.info(format!("security group {}: revoked {r}", g.id))
            .await;
    }
    settle(
        ctx,
        &format!("security group {}", g.id),
        &[&NEW_EC2_OBJECT],
        || firewall::retag(cx, &g, tags),
    )
    .await?;
    Ok(g)
}

/// The group `f` names, which EC2 says exists: its name-filtered read may lag for a while.
async fn group_once_listed(cx: &AwsContext, ctx: &Ctx, f: &Firewall<'_>) -> Result<GroupView> {
    let what = format!("EC2 to list security group {} in {}", f.name, f.vpc_id);
    wait::until(ctx, &what, Backoff::default(), || async {
        Ok(match firewall::find(cx, f.vpc_id, &f.name).await? {
            Some(g) => Poll::Ready(g),
            None => Poll::Unseen(Error::Vanished {
                what: format!("security group {}", f.name),
                when: "was refused as existing, then not found",
            }),
        })
    })
    .await
}

/// What a security group found in AWS says: the sources it lets in on the port, and every
/// way it or the resource's attachments differ from the safe form.
#[derive(Debug, Default)]
pub struct Observed {
    pub groups: Vec<String>,
    pub cidrs: Vec<String>,
    pub drift: Vec<String>,
}

/// Reads `sg` (the group named `name`, if found) for a resource on `port` that is attached
/// to the security groups `attached` and may send out `egress` only.
pub fn observe(
    sg: Option<&GroupView>,
    name: &str,
    port: i32,
    attached: &[String],
    egress: &BTreeSet<Opening>,
) -> Observed {
    let mut seen = Observed::default();
    for o in sg.iter().flat_map(|s| s.ingress.iter()) {
        match (&o.source, o.is_port(port)) {
            (Source::Group(id), true) => seen.groups.push(id.clone()),
            (Source::Cidr(c), true) => seen.cidrs.push(c.clone()),
            (Source::PrefixList(_), true) => seen.drift.push(format!(
                "the security group allows {o}, a prefix list no input names"
            )),
            (_, false) => seen.drift.push(format!("the security group allows {o}")),
        }
    }
    match sg {
        Some(s) => {
            let extra: Vec<String> = s.egress.difference(egress).map(|o| o.to_string()).collect();
            if !extra.is_empty() {
                seen.drift.push(format!(
                    "the security group {} has {} egress rule(s) it should not: {}",
                    s.id,
                    extra.len(),
                    extra.join(", ")
                ));
            }
            if !attached.contains(&s.id) || attached.len() > 1 {
                seen.drift.push(format!(
                    "security groups {} are attached, not only {}",
                    attached.join(", "),
                    s.id
                ));
            }
        }
        None => seen
            .drift
            .push(format!("the security group {name} is missing")),
    }
    seen
}

/// A source list as the inputs would hold it: empty and never given stays absent.
pub fn listed(found: Vec<String>, given: Option<&Option<Vec<String>>>) -> Option<Vec<String>> {
    match (found.is_empty(), given) {
        (true, Some(None)) | (true, None) => None,
        _ => Some(found),
    }
}

/// The vpc-sg-open-only-to-authorized-ports control for a group serving `port`.
pub fn control(sg: Option<&GroupView>, port: i32) -> Control {
    let open: Vec<String> = sg
        .iter()
        .flat_map(|s| s.ingress.iter())
        .filter(|o| {
            !o.is_port(port)
                || matches!(&o.source, Source::Cidr(c) if c.ends_with("/0"))
                || matches!(&o.source, Source::PrefixList(_))
        })
        .map(|o| o.to_string())
        .collect();
    SG_AUTHORIZED_PORTS.control(
        sg.is_some() && open.is_empty(),
        if sg.is_none() {
            "the security group is missing".to_string()
        } else if open.is_empty() {
            format!("only port {port} is open, and only to named sources")
        } else {
            format!("also open: {}", open.join("; "))
        },
    )
}
