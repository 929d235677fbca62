//! The VPC, its internet gateway, subnets, route tables and default security group.
//! Every object is created tagged with its part, so a later attempt finds and adopts it.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::sync::Mutex;

use aws_sdk_ec2::error::ProvideErrorMetadata;
use aws_sdk_ec2::types::{
    AttributeBooleanValue, ResourceType, Tag, TagSpecification, VpcState as AwsVpcState,
};
use futures::future::try_join_all;
use pulumi_provider::Ctx;

use super::check::SubnetPlan;
use super::inventory::{self, COMPLETE_TAG, Inventory, PART_TAG, VPC_TAG, filter, owned_vpc};
use super::layout::Tier;
use crate::aws::AwsContext;
use crate::aws::lag::{NEW_EC2_OBJECT, settle};
use crate::aws::token::client_token;
use crate::aws::untokened;
use crate::aws::wait::{self, Backoff, Poll};
use crate::error::{Error, Result};

/// What every step of a converge shares.
pub struct Job<'a> {
    pub cx: &'a AwsContext,
    pub ctx: &'a Ctx,
    pub tags: BTreeMap<String, String>,
    pub vpc_id: String,
    /// The ids this converge made: EC2's filtered reads may not list them for a while, so
    /// reads that must see them wait until they do (`lifecycle::current`).
    pub made: Mutex<BTreeSet<String>>,
}

impl<'a> Job<'a> {
    pub fn new(
        cx: &'a AwsContext,
        ctx: &'a Ctx,
        tags: BTreeMap<String, String>,
        vpc_id: String,
    ) -> Self {
        Job {
            cx,
            ctx,
            tags,
            vpc_id,
            made: Mutex::default(),
        }
    }

    /// Notes an id this converge made.
    pub fn record(&self, id: &str) {
        if let Ok(mut made) = self.made.lock() {
            made.insert(id.to_string());
        }
    }

    /// The ids this converge made.
    pub fn made_ids(&self) -> BTreeSet<String> {
        self.made.lock().map(|m| m.clone()).unwrap_or_default()
    }

    /// Runs one EC2 call that names objects of this VPC, some made a moment ago: EC2 may
    /// not know them yet (`*.NotFound`), which is waited out ([`NEW_EC2_OBJECT`]).
    pub async fn ec2<T, F, Fut>(&self, what: &str, call: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        settle(self.ctx, what, &[&NEW_EC2_OBJECT], call).await
    }

    /// Tags for one part: the resource's tags, the part, and a readable Name.
    pub fn spec(&self, kind: ResourceType, part: &str, extra: &[(&str, &str)]) -> TagSpecification {
        let mut tags = self.tags.clone();
        tags.insert(PART_TAG.into(), part.into());
        tags.insert(
            "Name".into(),
            format!("{}-{}", self.ctx.name(), part.replace('/', "-")),
        );
        tags.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        TagSpecification::builder()
            .resource_type(kind)
            .set_tags(Some(
                tags.into_iter()
                    .map(|(k, v)| Tag::builder().key(k).value(v).build())
                    .collect(),
            ))
            .build()
    }
}

pub fn subnet_part(tier: Tier, az: &str) -> String {
    format!("subnet/{}/{az}", tier.name())
}

/// The part key of the public subnets' route table.
pub const PUBLIC_TABLE: &str = "rt/public";
/// The part key of the isolated subnets' route table.
pub const ISOLATED_TABLE: &str = "rt/isolated";

pub fn private_table_part(az: &str) -> String {
    format!("rt/private/{az}")
}

/// The VPC this URN owns (made by an earlier attempt of this create), else a new one.
pub async fn ensure_vpc(
    cx: &AwsContext,
    ctx: &Ctx,
    cidr: &str,
    tags: &BTreeMap<String, String>,
) -> Result<String> {
    let vpc_id = match owned_vpc(cx, ctx).await? {
        Some(id) => {
            ctx.info(format!("adopting VPC {id}, made by an earlier attempt"))
                .await;
            id
        }
        None => {
            let job = Job::new(cx, ctx, tags.clone(), String::new());
            let spec = job.spec(ResourceType::Vpc, "vpc", &[]);
            // A replacement's old VPC carries the same URN: it is not what a lost create made.
            let before = if ctx.is_replacing() {
                inventory::urn_vpcs(cx, ctx).await?
            } else {
                Vec::new()
            };
            untokened::create(
                ctx,
                "VPC",
                || async {
                    let made = cx
                        .ec2()
                        .create_vpc()
                        .cidr_block(cidr)
                        .tag_specifications(spec.clone())
                        .customize()
                        .config_override(untokened::ec2_once())
                        .send()
                        .await
                        .map_err(|e| Error::aws("ec2:CreateVpc", e))?;
                    made.vpc()
                        .and_then(|v| v.vpc_id())
                        .map(String::from)
                        .ok_or(Error::Incomplete {
                            operation: "ec2:CreateVpc",
                            missing: "the VPC id",
                        })
                },
                || async {
                    let now = inventory::urn_vpcs(cx, ctx).await?;
                    Ok(now.into_iter().find(|id| !before.contains(id)))
                },
            )
            .await?
        }
    };
    Ok(vpc_id)
}

/// Waits for a VPC just made to be `available`.
pub async fn wait_available(cx: &AwsContext, ctx: &Ctx, vpc_id: &str) -> Result<()> {
    let what = format!("VPC {vpc_id} to be available");
    let unseen = || Error::Vanished {
        what: format!("VPC {vpc_id}"),
        when: "was made but EC2 still does not know it",
    };
    wait::until(ctx, &what, Backoff::default(), || async {
        let v = match cx.ec2().describe_vpcs().vpc_ids(vpc_id).send().await {
            Ok(v) => v,
            // A VPC made a moment ago may be unknown to EC2's reads for a while.
            Err(e) if e.code() == Some("InvalidVpcID.NotFound") => {
                return Ok(Poll::Unseen(unseen()));
            }
            Err(e) => return Err(Error::aws("ec2:DescribeVpcs", e)),
        };
        Ok(match v.vpcs().first().and_then(|v| v.state()) {
            Some(AwsVpcState::Available) => Poll::Ready(()),
            Some(s) => Poll::Pending(s.as_str().to_string()),
            None => Poll::Unseen(unseen()),
        })
    })
    .await
}

pub async fn ensure_dns(job: &Job<'_>, inv: &Inventory) -> Result<()> {
    let on = || AttributeBooleanValue::builder().value(true).build();
    if !inv.dns_support {
        job.ec2("DNS of the VPC", || async {
            job.cx
                .ec2()
                .modify_vpc_attribute()
                .vpc_id(&job.vpc_id)
                .enable_dns_support(on())
                .send()
                .await
                .map_err(|e| Error::aws("ec2:ModifyVpcAttribute", e))
        })
        .await?;
    }
    if !inv.dns_hostnames {
        job.ec2("DNS of the VPC", || async {
            job.cx
                .ec2()
                .modify_vpc_attribute()
                .vpc_id(&job.vpc_id)
                .enable_dns_hostnames(on())
                .send()
                .await
                .map_err(|e| Error::aws("ec2:ModifyVpcAttribute", e))
        })
        .await?;
    }
    Ok(())
}

/// The internet gateway, attached; made when missing.
pub async fn ensure_igw(job: &Job<'_>, inv: &Inventory) -> Result<String> {
    match &inv.igw {
        Some(id) if inv.igw_attached => return Ok(id.clone()),
        Some(id) => {
            attach_igw(job, id).await?;
            return Ok(id.clone());
        }
        None => {}
    }
    let spec = job.spec(
        ResourceType::InternetGateway,
        "igw",
        &[(VPC_TAG, &job.vpc_id)],
    );
    let id = untokened::create(
        job.ctx,
        "internet gateway",
        || async {
            let made = job
                .cx
                .ec2()
                .create_internet_gateway()
                .tag_specifications(spec.clone())
                .customize()
                .config_override(untokened::ec2_once())
                .send()
                .await
                .map_err(|e| Error::aws("ec2:CreateInternetGateway", e))?;
            made.internet_gateway()
                .and_then(|g| g.internet_gateway_id())
                .map(String::from)
                .ok_or(Error::Incomplete {
                    operation: "ec2:CreateInternetGateway",
                    missing: "the internet gateway id",
                })
        },
        || inventory::tagged_part(job.cx, &job.vpc_id, "igw"),
    )
    .await?;
    job.record(&id);
    attach_igw(job, &id).await?;
    Ok(id)
}

async fn attach_igw(job: &Job<'_>, id: &str) -> Result<()> {
    job.ec2(&format!("internet gateway {id}"), || async {
        job.cx
            .ec2()
            .attach_internet_gateway()
            .internet_gateway_id(id)
            .vpc_id(&job.vpc_id)
            .send()
            .await
            .map_err(|e| Error::aws("ec2:AttachInternetGateway", e))
    })
    .await?;
    Ok(())
}

/// Every planned subnet, the missing ones made at once. Returns part to subnet id.
pub async fn ensure_subnets(
    job: &Job<'_>,
    inv: &Inventory,
    plan: &[SubnetPlan],
) -> Result<BTreeMap<String, String>> {
    let made = try_join_all(
        plan.iter()
            .filter(|p| inv.subnet(&subnet_part(p.tier, &p.az)).is_none())
            .map(|p| async move {
                let part = subnet_part(p.tier, &p.az);
                // A refused create (the VPC unknown yet) makes nothing: trying again is safe.
                let out = job
                    .ec2(&format!("subnet {part}"), || async {
                        job.cx
                            .ec2()
                            .create_subnet()
                            .vpc_id(&job.vpc_id)
                            .cidr_block(p.cidr.to_string())
                            .availability_zone(&p.az)
                            .tag_specifications(job.spec(
                                ResourceType::Subnet,
                                &part,
                                &[("healthcare:tier", p.tier.name())],
                            ))
                            .send()
                            .await
                            .map_err(|e| Error::aws("ec2:CreateSubnet", e))
                    })
                    .await?;
                let id = out
                    .subnet()
                    .and_then(|s| s.subnet_id())
                    .unwrap_or_default()
                    .to_string();
                job.record(&id);
                Ok::<_, Error>((part, id))
            }),
    )
    .await?;
    let mut ids: BTreeMap<String, String> = inv
        .subnets
        .iter()
        .filter_map(|s| Some((s.part.clone()?, s.id.clone())))
        .collect();
    ids.extend(made);
    // Never hand out public IPs automatically (subnet-auto-assign-public-ip-disabled).
    for s in inv.subnets.iter().filter(|s| s.public_ip_on_launch) {
        job.ec2(&format!("subnet {}", s.id), || async {
            job.cx
                .ec2()
                .modify_subnet_attribute()
                .subnet_id(&s.id)
                .map_public_ip_on_launch(AttributeBooleanValue::builder().value(false).build())
                .send()
                .await
                .map_err(|e| Error::aws("ec2:ModifySubnetAttribute", e))
        })
        .await?;
    }
    Ok(ids)
}

/// A route table for `part`, made when missing, associated with `subnets`.
pub async fn ensure_table(
    job: &Job<'_>,
    inv: &Inventory,
    part: &str,
    subnets: &[String],
) -> Result<String> {
    let what = format!("route table {part}");
    let id = match inv.route_table(part) {
        Some(t) => t.id.clone(),
        None => {
            // One token per table, VPC and subnets: a retry whose first answer was lost gets
            // the same table back instead of a second one. EC2 answers a token it has seen
            // with that request's table even once deleted: a zone removed and added again
            // has new subnets, so its table is made anew.
            let mut subnet_ids: Vec<&str> = subnets.iter().map(String::as_str).collect();
            subnet_ids.sort_unstable();
            let mut parts = vec![job.vpc_id.as_str(), part, job.ctx.urn()];
            parts.extend(subnet_ids);
            let token = client_token(&parts);
            let id = job
                .ec2(&what, || async {
                    job.cx
                        .ec2()
                        .create_route_table()
                        .vpc_id(&job.vpc_id)
                        .client_token(&token)
                        .tag_specifications(job.spec(ResourceType::RouteTable, part, &[]))
                        .send()
                        .await
                        .map_err(|e| Error::aws("ec2:CreateRouteTable", e))
                })
                .await?
                .route_table()
                .and_then(|t| t.route_table_id())
                .unwrap_or_default()
                .to_string();
            job.record(&id);
            id
        }
    };
    for subnet in subnets {
        let current = inv.route_tables.iter().find_map(|t| {
            t.associations
                .get(subnet)
                .map(|a| (t.id.clone(), a.clone()))
        });
        match current {
            Some((table, _)) if table == id => {}
            Some((_, association)) => {
                job.ec2(&what, || async {
                    job.cx
                        .ec2()
                        .replace_route_table_association()
                        .association_id(&association)
                        .route_table_id(&id)
                        .send()
                        .await
                        .map_err(|e| Error::aws("ec2:ReplaceRouteTableAssociation", e))
                })
                .await?;
            }
            None => {
                job.ec2(&what, || async {
                    job.cx
                        .ec2()
                        .associate_route_table()
                        .route_table_id(&id)
                        .subnet_id(subnet)
                        .send()
                        .await
                        .map_err(|e| Error::aws("ec2:AssociateRouteTable", e))
                })
                .await?;
            }
        }
    }
    Ok(id)
}

/// Points `0.0.0.0/0` of a table at `target` (an internet or NAT gateway), or removes it.
/// Sends a create- or replace-route request for `0.0.0.0/0` towards an internet gateway
/// or, when `nat`, a NAT gateway (the two requests are distinct types with the same setters).
/// The table, the gateway or the NAT gateway may have been made a moment ago.
macro_rules! to_target {
    ($job:expr, $request:expr, $table:expr, $target:expr, $nat:expr, $operation:literal) => {{
        $job.ec2(&format!("route table {}", $table), || async {
            let r = $request
                .route_table_id($table)
                .destination_cidr_block("0.0.0.0/0");
            let r = if $nat {
                r.nat_gateway_id($target)
            } else {
                r.gateway_id($target)
            };
            r.send().await.map_err(|e| Error::aws($operation, e))
        })
        .await?;
        Ok(())
    }};
}

pub async fn default_route(
    job: &Job<'_>,
    inv: &Inventory,
    table: &str,
    target: Option<(&str, bool)>,
) -> Result<()> {
    const ANY: &str = "0.0.0.0/0";
    let current = inv
        .route_tables
        .iter()
        .find(|t| t.id == table)
        .and_then(|t| t.routes.get(ANY))
        .cloned();
    let ec2 = &job.cx.ec2();
    match (current, target) {
        (Some(c), Some((t, _))) if c == t => Ok(()),
        (None, None) => Ok(()),
        (Some(_), None) => {
            job.ec2(&format!("route table {table}"), || async {
                ec2.delete_route()
                    .route_table_id(table)
                    .destination_cidr_block(ANY)
                    .send()
                    .await
                    .map_err(|e| Error::aws("ec2:DeleteRoute", e))
            })
            .await?;
            Ok(())
        }
        (Some(_), Some((t, nat))) => {
            to_target!(job, ec2.replace_route(), table, t, nat, "ec2:ReplaceRoute")
        }
        (None, Some((t, nat))) => {
            to_target!(job, ec2.create_route(), table, t, nat, "ec2:CreateRoute")
        }
    }
}

/// The AZs the region offers, in its order.
pub async fn offered_zones(cx: &AwsContext) -> Result<Vec<String>> {
    let azs = cx
        .ec2()
        .describe_availability_zones()
        .filters(filter("state", "available"))
        .filters(filter("zone-type", "availability-zone"))
        .send()
        .await
        .map_err(|e| Error::aws("ec2:DescribeAvailabilityZones", e))?;
    let mut names: Vec<String> = azs
        .availability_zones()
        .iter()
        .filter_map(|z| z.zone_name().map(String::from))
        .collect();
    names.sort();
    Ok(names)
}

/// Brings the shared tags of every part to `job.tags`: adds and updates them, and removes
/// the keys the VPC carries that are no longer wanted. Part-specific tags stay as they are.
pub async fn converge_tags(job: &Job<'_>, inv: &Inventory) -> Result<()> {
    let mut ids = vec![inv.vpc_id.clone()];
    ids.extend(inv.igw.clone());
    ids.extend(
        inv.subnets
            .iter()
            .filter(|s| s.part.is_some())
            .map(|s| s.id.clone()),
    );
    ids.extend(
        inv.route_tables
            .iter()
            .filter(|t| t.part.is_some())
            .map(|t| t.id.clone()),
    );
    ids.extend(
        inv.nats
            .iter()
            .filter(|n| n.part.is_some())
            .map(|n| n.id.clone()),
    );
    ids.extend(inv.eips.values().cloned());
    ids.extend(
        inv.endpoints
            .iter()
            .filter(|e| e.part.is_some())
            .map(|e| e.id.clone()),
    );
    ids.extend(
        inv.groups
            .iter()
            .filter(|g| g.part.is_some())
            .map(|g| g.id.clone()),
    );
    let own = |k: &str| {
        k == PART_TAG || k == VPC_TAG || k == COMPLETE_TAG || k == "Name" || k == "healthcare:tier"
    };
    let stale: Vec<Tag> = inv
        .vpc_tags
        .keys()
        .filter(|k| !own(k) && !job.tags.contains_key(*k))
        .map(|k| Tag::builder().key(k).build())
        .collect();
    let changed = job.tags.iter().any(|(k, v)| inv.vpc_tags.get(k) != Some(v));
    let ec2 = &job.cx.ec2();
    if changed {
        let tags: Vec<Tag> = job
            .tags
            .iter()
            .map(|(k, v)| Tag::builder().key(k).value(v).build())
            .collect();
        job.ec2("tags of the VPC's parts", || async {
            ec2.create_tags()
                .set_resources(Some(ids.clone()))
                .set_tags(Some(tags.clone()))
                .send()
                .await
                .map_err(|e| Error::aws("ec2:CreateTags", e))
        })
        .await?;
    }
    if !stale.is_empty() {
        job.ec2("tags of the VPC's parts", || async {
            ec2.delete_tags()
                .set_resources(Some(ids.clone()))
                .set_tags(Some(stale.clone()))
                .send()
                .await
                .map_err(|e| Error::aws("ec2:DeleteTags", e))
        })
        .await?;
    }
    Ok(())
}
