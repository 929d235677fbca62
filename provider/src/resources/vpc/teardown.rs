//! Removing parts: what an update no longer wants (an AZ dropped, a tier turned off), and
//! everything on delete, in reverse dependency order, waiting where AWS needs time.

use aws_sdk_ec2::error::ProvideErrorMetadata;
use std::collections::BTreeMap;

use pulumi_provider::Ctx;

use super::args::{VpcArgs, VpcState};
use super::check::{SubnetPlan, keyed, tier_enabled};
use super::inventory::{self, Inventory, RouteTableView};
use super::layout::Tier;
use super::network::{ISOLATED_TABLE, Job, PUBLIC_TABLE, private_table_part};
use super::{acls, flowlogs, nat};
use crate::aws::wait::{self, Backoff, Poll, when_free};
use crate::aws::{AwsContext, firewall};
use crate::error::{Error, Result};

async fn delete_subnet(cx: &AwsContext, ctx: &Ctx, id: &str) -> Result<()> {
    when_free(ctx, &format!("subnet {id}"), || async {
        match cx.ec2().delete_subnet().subnet_id(id).send().await {
            Ok(_) => Ok(()),
            Err(e) if e.code() == Some("InvalidSubnetID.NotFound") => Ok(()),
            Err(e) => Err(Error::aws("ec2:DeleteSubnet", e)),
        }
    })
    .await
}

/// Deletes a route table after taking it off its subnets (AWS refuses while an association
/// is still going away, which is waited out).
async fn delete_table(cx: &AwsContext, ctx: &Ctx, table: &RouteTableView) -> Result<()> {
    for association in table.associations.values() {
        match cx
            .ec2()
            .disassociate_route_table()
            .association_id(association)
            .send()
            .await
        {
            Ok(_) => {}
            Err(e) if e.code() == Some("InvalidAssociationID.NotFound") => {}
            Err(e) => return Err(Error::aws("ec2:DisassociateRouteTable", e)),
        }
    }
    when_free(ctx, &format!("route table {}", table.id), || async {
        match cx
            .ec2()
            .delete_route_table()
            .route_table_id(&table.id)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.code() == Some("InvalidRouteTableID.NotFound") => Ok(()),
            Err(e) => Err(Error::aws("ec2:DeleteRouteTable", e)),
        }
    })
    .await
}

/// Removes the parts the plan no longer has.
pub async fn prune(job: &Job<'_>, inv: &Inventory, plan: &[SubnetPlan], a: &VpcArgs) -> Result<()> {
    let wanted = keyed(plan);
    let zones: Vec<&str> = plan.iter().map(|p| p.az.as_str()).collect();
    for s in inv.subnets.iter().filter(|s| s.part.is_some()) {
        let key = s
            .part
            .as_deref()
            .unwrap_or_default()
            .trim_start_matches("subnet/");
        if !wanted.contains_key(key) {
            job.ctx
                .status(format!("removing subnet {} ({key})", s.id))
                .await;
            delete_subnet(job.cx, job.ctx, &s.id).await?;
        }
    }
    for t in inv.route_tables.iter().filter(|t| !t.main) {
        let Some(part) = t.part.as_deref() else {
            continue;
        };
        let keep = match part {
            PUBLIC_TABLE => tier_enabled(a, Tier::Public),
            ISOLATED_TABLE => tier_enabled(a, Tier::Isolated),
            p => {
                tier_enabled(a, Tier::Private) && zones.iter().any(|az| private_table_part(az) == p)
            }
        };
        if !keep {
            delete_table(job.cx, job.ctx, t).await?;
        }
    }
    if !tier_enabled(a, Tier::Public)
        && let Some(igw) = &inv.igw
    {
        delete_igw(job.cx, job.ctx, &job.vpc_id, igw, inv.igw_attached).await?;
    }
    let unwanted: Vec<String> = Tier::ALL
        .into_iter()
        .filter(|t| !tier_enabled(a, *t))
        .map(acls::part)
        .collect();
    acls::delete(job, &inv.acls, &unwanted).await
}

/// Detaches and deletes the internet gateway. AWS refuses the detach while addresses in
/// the VPC are still mapped (a NAT gateway's Elastic IP being released), which is waited out.
async fn delete_igw(
    cx: &AwsContext,
    ctx: &Ctx,
    vpc_id: &str,
    igw: &str,
    attached: bool,
) -> Result<()> {
    let what = format!("internet gateway {igw}");
    if attached {
        when_free(ctx, &what, || async {
            match cx
                .ec2()
                .detach_internet_gateway()
                .internet_gateway_id(igw)
                .vpc_id(vpc_id)
                .send()
                .await
            {
                Ok(_) => Ok(()),
                Err(e)
                    if matches!(
                        e.code(),
                        Some("Gateway.NotAttached" | "InvalidInternetGatewayID.NotFound")
                    ) =>
                {
                    Ok(())
                }
                Err(e) => Err(Error::aws("ec2:DetachInternetGateway", e)),
            }
        })
        .await?;
    }
    when_free(ctx, &what, || async {
        match cx
            .ec2()
            .delete_internet_gateway()
            .internet_gateway_id(igw)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.code() == Some("InvalidInternetGatewayID.NotFound") => Ok(()),
            Err(e) => Err(Error::aws("ec2:DeleteInternetGateway", e)),
        }
    })
    .await
}

/// Deletes the whole VPC: endpoints, NAT gateways and their addresses, flow logs (with the
/// group, role and key made for them), subnets, route tables, gateway, groups, the VPC.
pub async fn delete(cx: &AwsContext, ctx: &Ctx, state: &VpcState) -> Result<()> {
    cx.validate().await?;
    let Some(inv) = inventory::gather(cx, &state.vpc_id).await? else {
        return Ok(());
    };
    let job = Job::new(cx, ctx, BTreeMap::new(), state.vpc_id.clone());
    let endpoint_ids: Vec<String> = inv.endpoints.iter().map(|e| e.id.clone()).collect();
    if !endpoint_ids.is_empty() {
        cx.ec2()
            .delete_vpc_endpoints()
            .set_vpc_endpoint_ids(Some(endpoint_ids.clone()))
            .send()
            .await
            .map_err(|e| Error::aws("ec2:DeleteVpcEndpoints", e))?;
        wait::until(
            ctx,
            "VPC endpoints to be deleted",
            Backoff::default(),
            || async {
                let left = cx
                    .ec2()
                    .describe_vpc_endpoints()
                    .filters(inventory::filter("vpc-id", &state.vpc_id))
                    .send()
                    .await
                    .map_err(|e| Error::aws("ec2:DescribeVpcEndpoints", e))?;
                let busy = left
                    .vpc_endpoints()
                    .iter()
                    .filter(|e| !matches!(e.state().map(|s| s.as_str()), Some("deleted")))
                    .count();
                Ok(if busy == 0 {
                    Poll::Ready(())
                } else {
                    Poll::Pending(format!("{busy} left"))
                })
            },
        )
        .await?;
    }
    nat::retire(&job, &inv, &BTreeMap::new()).await?;
    let managed_group =
        state.flow_log_group_name.as_deref() == Some(flowlogs::group_name(&state.vpc_id).as_str());
    let key = state
        .kms_key_managed
        .then_some(state.kms_key_arn.as_deref())
        .flatten();
    let retain = state
        .args
        .flow_logs
        .as_ref()
        .and_then(|f| f.retain_on_delete)
        .unwrap_or(false);
    flowlogs::delete(cx, ctx, &inv, managed_group, key, retain).await?;
    for s in inv.subnets.iter().filter(|s| s.part.is_some()) {
        delete_subnet(cx, ctx, &s.id).await?;
    }
    for t in inv
        .route_tables
        .iter()
        .filter(|t| !t.main && t.part.is_some())
    {
        delete_table(cx, ctx, t).await?;
    }
    if let Some(igw) = &inv.igw {
        delete_igw(cx, ctx, &state.vpc_id, igw, inv.igw_attached).await?;
    }
    let every: Vec<String> = Tier::ALL.into_iter().map(acls::part).collect();
    acls::delete(&job, &inv.acls, &every).await?;
    for g in inv.groups.iter().filter(|g| g.part.is_some()) {
        firewall::delete(cx, ctx, &g.id).await?;
    }
    when_free(ctx, &format!("VPC {}", state.vpc_id), || async {
        match cx.ec2().delete_vpc().vpc_id(&state.vpc_id).send().await {
            Ok(_) => Ok(()),
            Err(e) if e.code() == Some("InvalidVpcID.NotFound") => Ok(()),
            Err(e) => Err(Error::aws("ec2:DeleteVpc", e)),
        }
    })
    .await
}
