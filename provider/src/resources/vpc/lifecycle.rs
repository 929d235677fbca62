//! Create and update of a SecureVpc: one idempotent converge from whatever exists (found by
//! its tags) to what the inputs ask for. A failure once the VPC exists is a partial failure,
//! so the engine keeps the VPC's id and the next `pulumi up` carries on from there.

use std::collections::BTreeMap;

use pulumi_provider::Ctx;

use super::args::{self, VpcArgs, VpcState};
use super::check::{self, SubnetPlan, tier_enabled};
use super::inventory::{self, Inventory};
use super::layout::Tier;
use super::network::{self, Job, private_table_part, subnet_part};
use super::{acls, endpoints, flowlogs, groups, nat, state, teardown};
use crate::aws::lag::NEW_EC2_OBJECT;
use crate::aws::tags::tags_for;
use crate::aws::wait::{self, Backoff, Poll};
use crate::aws::{AwsContext, partial};
use crate::error::{Error, Result};

pub async fn converge(
    cx: &AwsContext,
    ctx: &Ctx,
    a: &VpcArgs,
    previous: Option<&VpcState>,
) -> Result<VpcState> {
    cx.validate().await?;
    let tags = tags_for(
        ctx.urn(),
        &cx.default_tags,
        &a.tags.clone().unwrap_or_default(),
    );
    let cidr = a
        .cidr_block
        .clone()
        .unwrap_or_else(|| args::DEFAULT_CIDR.to_string());
    let (vpc_id, made) = match previous
        .map(|p| p.vpc_id.clone())
        .filter(|id| !id.is_empty())
    {
        Some(id) => (id, false),
        None => {
            ctx.status(format!("creating VPC {cidr}")).await;
            (network::ensure_vpc(cx, ctx, &cidr, &tags).await?, true)
        }
    };
    let job = Job::new(cx, ctx, tags, vpc_id.clone());
    if made {
        job.record(&vpc_id);
    }
    // From here on the VPC exists: a failure, or a cancel while it becomes available, is
    // reported with its id.
    let built = async {
        if made {
            network::wait_available(cx, ctx, &vpc_id).await?;
        }
        build(&job, a, previous).await
    };
    match built.await {
        Ok(state) => Ok(state),
        Err(cause) => {
            let known = VpcState {
                args: a.clone(),
                vpc_id: vpc_id.clone(),
                ..VpcState::default()
            };
            let read = async {
                match inventory::gather(cx, &vpc_id).await? {
                    Some(inv) => state::from_inventory(cx, a.clone(), &inv, Some(a))
                        .await
                        .map(Some),
                    None => Ok(None),
                }
            };
            Err(partial::report(ctx, &vpc_id, cause, known, read).await)
        }
    }
}

/// The VPC's contents, once EC2's filtered reads list everything this converge made: they
/// lag the creates by seconds, and a part missing from them would be missing from the
/// outputs (or made again by the next step). What is still unlisted after
/// `wait::UNSEEN_GRACE` is reported by id.
async fn current(job: &Job<'_>) -> Result<Inventory> {
    let made = job.made_ids();
    let what = format!("EC2 to list the parts of VPC {}", job.vpc_id);
    wait::until(job.ctx, &what, Backoff::default(), || async {
        // The VPC is this resource's own: made by this operation, or by an earlier one that
        // may have ended moments ago (a create cancelled or failed, carried on by this
        // update). A read that does not know it yet (the VPC's attributes, or the VPC
        // itself) is EC2's lag for `wait::UNSEEN_GRACE`; a VPC deleted outside Pulumi is
        // reported after that.
        let gathered = match inventory::gather(job.cx, &job.vpc_id).await {
            Err(e) if NEW_EC2_OBJECT.matches(&e) => return Ok(Poll::Unseen(e)),
            other => other?,
        };
        let Some(inv) = gathered else {
            return Ok(Poll::Unseen(Error::Vanished {
                what: format!("VPC {}", job.vpc_id),
                when: "was gone when its parts were read",
            }));
        };
        let unlisted: Vec<&String> = made.iter().filter(|id| !inv.lists(id)).collect();
        Ok(match unlisted.as_slice() {
            [] => Poll::Ready(inv),
            ids => Poll::Unseen(Error::Vanished {
                what: ids
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                when: "were made by this update but are still not listed by EC2",
            }),
        })
    })
    .await
}

async fn build(job: &Job<'_>, a: &VpcArgs, previous: Option<&VpcState>) -> Result<VpcState> {
    let inv = current(job).await?;
    network::ensure_dns(job, &inv).await?;
    let kept: Vec<String> = match previous.and_then(|p| p.args.availability_zones.clone()) {
        Some(z) => z,
        None => {
            let mut z: Vec<String> = inv
                .subnets
                .iter()
                .filter(|s| s.part.is_some())
                .map(|s| s.az.clone())
                .collect();
            z.sort();
            z.dedup();
            z
        }
    };
    let offered = if a.availability_zones.is_some() {
        Vec::new()
    } else {
        network::offered_zones(job.cx).await?
    };
    let zones = check::zones(a, &kept, &offered);
    let plan = check::plan(a, &zones).map_err(|f| Error::Input {
        property: f.property,
        reason: f.reason,
    })?;

    job.ctx
        .status(format!("creating subnets in {}", zones.join(", ")))
        .await;
    // What depends only on the VPC is made alongside the network: the flow logs (key, log
    // group, role), closing the default security group and the application group. Every branch runs to its end
    // (nothing is dropped half-made); then the first failure, in this order, is reported.
    let flow = async {
        job.ctx.status("turning on flow logs").await;
        flowlogs::ensure(job, &inv, a).await
    };
    let (network, flow, closed, app) = futures::join!(
        network_and_nat(job, &inv, a, &zones, &plan),
        flow,
        groups::close_default_group(job),
        groups::ensure_app_group(job, &inv),
    );
    let (subnets, tables) = network?;
    let flow = flow?;
    closed?;
    app?;
    let ids = |tier: Tier| -> Vec<String> {
        zones
            .iter()
            .filter_map(|az| subnets.get(&subnet_part(tier, az)).cloned())
            .collect()
    };
    endpoints::converge(job, &inv, a, &tables, &ids(Tier::Private)).await?;
    let tiers: BTreeMap<Tier, Vec<String>> = Tier::ALL
        .into_iter()
        .filter(|t| tier_enabled(a, *t))
        .map(|t| (t, ids(t)))
        .filter(|(_, s)| !s.is_empty())
        .collect();
    job.ctx.status("setting the subnets' network ACLs").await;
    acls::converge(job, &inv.acls, &inv.cidr, &tiers).await?;
    teardown::prune(job, &inv, &plan, a).await?;

    network::converge_tags(job, &current(job).await?).await?;
    let settled = current(job).await?;
    let resolved = VpcArgs {
        availability_zones: Some(zones),
        ..a.clone()
    };
    let mut out = state::from_inventory(job.cx, resolved, &settled, Some(a)).await?;
    out.flow_log_role_arn = Some(flow.role_arn);
    Ok(out)
}

/// Subnets, route tables, the internet gateway and the NAT gateways, with the default
/// routes through them: the subnet ids by part, and the private and isolated route tables.
async fn network_and_nat(
    job: &Job<'_>,
    inv: &Inventory,
    a: &VpcArgs,
    zones: &[String],
    plan: &[SubnetPlan],
) -> Result<(BTreeMap<String, String>, Vec<String>)> {
    let igw = async {
        if tier_enabled(a, Tier::Public) {
            network::ensure_igw(job, inv).await.map(Some)
        } else {
            Ok(None)
        }
    };
    let (igw, subnets) = futures::join!(igw, network::ensure_subnets(job, inv, plan));
    let (igw, subnets) = (igw?, subnets?);
    let ids = |tier: Tier| -> Vec<String> {
        zones
            .iter()
            .filter_map(|az| subnets.get(&subnet_part(tier, az)).cloned())
            .collect()
    };
    let public = async {
        if let Some(igw) = &igw {
            let table =
                network::ensure_table(job, inv, network::PUBLIC_TABLE, &ids(Tier::Public)).await?;
            network::default_route(job, inv, &table, Some((igw, false))).await?;
        }
        Ok(())
    };
    let private = async {
        if !tier_enabled(a, Tier::Private) {
            return Ok(Vec::new());
        }
        let tables = zones.iter().map(|az| async {
            let subnet: Vec<String> = subnets
                .get(&subnet_part(Tier::Private, az))
                .cloned()
                .into_iter()
                .collect();
            let table = network::ensure_table(job, inv, &private_table_part(az), &subnet).await?;
            Ok::<_, Error>((az.clone(), table))
        });
        futures::future::join_all(tables)
            .await
            .into_iter()
            .collect()
    };
    let isolated = async {
        if tier_enabled(a, Tier::Isolated) {
            network::ensure_table(job, inv, network::ISOLATED_TABLE, &ids(Tier::Isolated))
                .await
                .map(Some)
        } else {
            Ok(None)
        }
    };
    let strategy = a.nat_gateways.unwrap_or_default();
    let wanted = nat::nat_zones(strategy, zones);
    let nats = async {
        if !wanted.is_empty() {
            job.ctx
                .status(format!("creating NAT gateways in {}", wanted.join(", ")))
                .await;
        }
        nat::ensure(job, inv, &wanted, &subnets).await
    };
    let (public, private, isolated, nats): (Result<()>, Result<Vec<_>>, _, _) =
        futures::join!(public, private, isolated, nats);
    public?;
    let (private_tables, isolated_table, nats) = (private?, isolated?, nats?);
    let routes = private_tables.iter().map(|(az, table)| {
        let target = nat::nat_for(strategy, zones, &nats, az).map(|n| (n.id.as_str(), true));
        network::default_route(job, inv, table, target)
    });
    for routed in futures::future::join_all(routes).await {
        routed?;
    }
    nat::retire(job, inv, &nats).await?;
    let mut tables: Vec<String> = private_tables.into_iter().map(|(_, t)| t).collect();
    tables.extend(isolated_table);
    Ok((subnets, tables))
}
