//! NAT gateways and their Elastic IPs: made at once for every AZ that needs one, waited
//! for together, and retired (gateway first, then its address) when no longer wanted.

use aws_sdk_ec2::error::ProvideErrorMetadata;
use std::collections::BTreeMap;

use aws_sdk_ec2::types::{DomainType, ResourceType};
use futures::future::try_join_all;

use super::args::NatStrategy;
use super::inventory::{self, Inventory, VPC_TAG};
use super::layout::Tier;
use super::network::{Job, subnet_part};
use crate::aws::token;
use crate::aws::untokened;
use crate::aws::wait::{self, Backoff, Poll, when_free};
use crate::error::{Error, Result};

/// A NAT gateway and its address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nat {
    pub id: String,
    pub allocation_id: String,
}

/// The AZs that get a NAT gateway.
pub fn nat_zones(strategy: NatStrategy, zones: &[String]) -> Vec<String> {
    match strategy {
        NatStrategy::None => Vec::new(),
        NatStrategy::Single => zones.iter().take(1).cloned().collect(),
        NatStrategy::PerAz => zones.to_vec(),
    }
}

/// The NAT gateway a private subnet in `az` routes through.
pub fn nat_for<'a>(
    strategy: NatStrategy,
    zones: &[String],
    nats: &'a BTreeMap<String, Nat>,
    az: &str,
) -> Option<&'a Nat> {
    match strategy {
        NatStrategy::None => None,
        NatStrategy::Single => zones.first().and_then(|z| nats.get(z)),
        NatStrategy::PerAz => nats.get(az),
    }
}

/// Ensures a NAT gateway in each AZ of `wanted`, in that AZ's public subnet.
pub async fn ensure(
    job: &Job<'_>,
    inv: &Inventory,
    wanted: &[String],
    subnets: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, Nat>> {
    let nats = try_join_all(wanted.iter().map(|az| async move {
        let part = format!("nat/{az}");
        if let Some(n) = inv.nat(&part) {
            return Ok::<_, Error>((
                az.clone(),
                Nat {
                    id: n.id.clone(),
                    allocation_id: n.allocation_id.clone().unwrap_or_default(),
                },
            ));
        }
        let eip_part = format!("eip/{az}");
        let allocation_id = match inv.eips.get(&eip_part) {
            Some(id) => id.clone(),
            None => {
                let spec = job.spec(
                    ResourceType::ElasticIp,
                    &eip_part,
                    &[(VPC_TAG, &job.vpc_id)],
                );
                let id = untokened::create(
                    job.ctx,
                    &format!("Elastic IP {eip_part}"),
                    || async {
                        let made = job
                            .cx
                            .ec2()
                            .allocate_address()
                            .domain(DomainType::Vpc)
                            .tag_specifications(spec.clone())
                            .customize()
                            .config_override(untokened::ec2_once())
                            .send()
                            .await
                            .map_err(|e| Error::aws("ec2:AllocateAddress", e))?;
                        made.allocation_id()
                            .map(String::from)
                            .ok_or(Error::Incomplete {
                                operation: "ec2:AllocateAddress",
                                missing: "the allocation id",
                            })
                    },
                    || inventory::tagged_part(job.cx, &job.vpc_id, &eip_part),
                )
                .await?;
                job.record(&id);
                id
            }
        };
        let subnet = subnets
            .get(&subnet_part(Tier::Public, az))
            .ok_or_else(|| Error::Failed {
                what: format!("the NAT gateway of {az}"),
                reason: format!("no public subnet in {az} to put it in"),
            })?;
        // The subnet and the address may be a moment old. The token (same subnet, same
        // address, same token) makes a retry whose first answer was lost return the gateway
        // the first try made, never a second one. A gateway of this part that failed or was
        // deleted (outside Pulumi) is in the token too: AWS would answer the same token
        // with that gateway, not make a new one.
        let gone = inv
            .gone_nats
            .iter()
            .filter(|n| n.part.as_deref() == Some(part.as_str()))
            .map(|n| n.id.as_str());
        let token = token::after_gone(&[&job.vpc_id, &part, subnet, &allocation_id], gone);
        let made = job
            .ec2(&format!("NAT gateway {part}"), || async {
                job.cx
                    .ec2()
                    .create_nat_gateway()
                    .subnet_id(subnet)
                    .allocation_id(&allocation_id)
                    .client_token(&token)
                    .tag_specifications(job.spec(ResourceType::Natgateway, &part, &[]))
                    .send()
                    .await
                    .map_err(|e| Error::aws("ec2:CreateNatGateway", e))
            })
            .await?;
        let id = made
            .nat_gateway()
            .and_then(|n| n.nat_gateway_id())
            .unwrap_or_default()
            .to_string();
        job.record(&id);
        Ok((az.clone(), Nat { id, allocation_id }))
    }))
    .await?;
    let nats: BTreeMap<String, Nat> = nats.into_iter().collect();
    try_join_all(nats.values().map(|n| wait_state(job, &n.id, "available"))).await?;
    Ok(nats)
}

/// Waits for a NAT gateway to be `target`. One made a moment ago may be unknown to EC2's
/// reads for a while (not yet, rather than deleted); one that failed ends the wait with
/// AWS's reason.
async fn wait_state(job: &Job<'_>, id: &str, target: &str) -> Result<()> {
    let what = format!("NAT gateway {id} to be {target}");
    let unseen = || Error::Vanished {
        what: format!("NAT gateway {id}"),
        when: "was made but EC2 still does not know it",
    };
    wait::until(job.ctx, &what, Backoff::default(), || async {
        let out = job
            .cx
            .ec2()
            .describe_nat_gateways()
            .nat_gateway_ids(id)
            .send()
            .await;
        let (state, failure) = match out {
            Ok(o) => o
                .nat_gateways()
                .first()
                .map(|n| {
                    (
                        n.state().map(|s| s.as_str().to_string()),
                        n.failure_message().map(String::from),
                    )
                })
                .unwrap_or((None, None)),
            Err(e) if e.code() == Some("NatGatewayNotFound") => (None, None),
            Err(e) => return Err(Error::aws("ec2:DescribeNatGateways", e)),
        };
        Ok(match state {
            Some(s) if s == target => Poll::Ready(()),
            Some(s) if s == "failed" && target == "available" => {
                return Err(Error::Failed {
                    what: format!("NAT gateway {id}"),
                    reason: failure.unwrap_or_else(|| "AWS reports it failed".into()),
                });
            }
            Some(s) => Poll::Pending(s),
            None if target == "deleted" => Poll::Ready(()),
            None => Poll::Unseen(unseen()),
        })
    })
    .await
}

/// Deletes NAT gateways (and then their addresses) outside `keep`; waits for each to go.
pub async fn retire(job: &Job<'_>, inv: &Inventory, keep: &BTreeMap<String, Nat>) -> Result<()> {
    let kept_ids: Vec<&String> = keep.values().map(|n| &n.id).collect();
    let doomed: Vec<_> = inv
        .nats
        .iter()
        .filter(|n| {
            n.part.as_deref().is_some_and(|p| p.starts_with("nat/")) && !kept_ids.contains(&&n.id)
        })
        .collect();
    try_join_all(doomed.iter().map(|n| async move {
        job.cx
            .ec2()
            .delete_nat_gateway()
            .nat_gateway_id(&n.id)
            .send()
            .await
            .map_err(|e| Error::aws("ec2:DeleteNatGateway", e))?;
        wait_state(job, &n.id, "deleted").await
    }))
    .await?;
    let kept_allocations: Vec<&String> = keep.values().map(|n| &n.allocation_id).collect();
    for (part, allocation) in inv
        .eips
        .iter()
        .filter(|(p, a)| p.starts_with("eip/") && !kept_allocations.contains(a))
    {
        // The address stays in use while its deleted NAT gateway lets go of it.
        when_free(job.ctx, &format!("Elastic IP {allocation}"), || async {
            match job
                .cx
                .ec2()
                .release_address()
                .allocation_id(allocation)
                .send()
                .await
            {
                Ok(_) => Ok(()),
                Err(e) if e.code() == Some("InvalidAllocationID.NotFound") => Ok(()),
                Err(e) => Err(Error::aws("ec2:ReleaseAddress", e)),
            }
        })
        .await?;
        job.ctx
            .debug(format!("released Elastic IP {allocation} ({part})"))
            .await;
    }
    Ok(())
}
