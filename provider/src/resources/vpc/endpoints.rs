//! VPC endpoints: gateway endpoints on the private and isolated route tables, interface
//! endpoints in the private subnets behind a security group open to the VPC on 443 only.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::{IpPermission, IpRange, ResourceType, VpcEndpointType};

use super::args::{GATEWAY_SERVICES, VpcArgs};
use super::inventory::{EndpointView, Inventory};
use super::network::Job;
use crate::aws::token::client_token;
use crate::error::{Error, Result};

pub const GROUP_PART: &str = "sg/endpoints";

/// Brings the endpoints to `a.endpoints`. Returns service to endpoint id, and the
/// interface endpoints' security group.
pub async fn converge(
    job: &Job<'_>,
    inv: &Inventory,
    a: &VpcArgs,
    tables: &[String],
    private_subnets: &[String],
) -> Result<(BTreeMap<String, String>, Option<String>)> {
    let wanted = a.endpoints.clone().unwrap_or_default();
    let gateway = wanted.gateway.unwrap_or_default();
    let interface = wanted.interface.unwrap_or_default();
    let ec2 = &job.cx.ec2();
    let group = if interface.is_empty() {
        None
    } else {
        Some(ensure_group(job, inv).await?)
    };
    let mut ids = BTreeMap::new();
    for service in gateway.iter().chain(interface.iter()) {
        let is_gateway = GATEWAY_SERVICES.contains(&service.as_str()) && gateway.contains(service);
        let id = match inv.endpoint(service) {
            Some(e) => {
                reattach(job, e, is_gateway, tables, private_subnets).await?;
                e.id.clone()
            }
            None => {
                create(
                    job,
                    service,
                    is_gateway,
                    tables,
                    private_subnets,
                    group.clone(),
                )
                .await?
            }
        };
        ids.insert(service.clone(), id);
    }
    let stale: Vec<String> = inv
        .endpoints
        .iter()
        .filter(|e| e.part.is_some() && !ids.contains_key(&e.service))
        .map(|e| e.id.clone())
        .collect();
    if !stale.is_empty() {
        ec2.delete_vpc_endpoints()
            .set_vpc_endpoint_ids(Some(stale))
            .send()
            .await
            .map_err(|e| Error::aws("ec2:DeleteVpcEndpoints", e))?;
    }
    if group.is_none()
        && let Some(g) = inv.group(GROUP_PART)
        && inv
            .endpoints
            .iter()
            .all(|e| e.part.is_none() || ids.contains_key(&e.service))
    {
        // The endpoints just deleted release their interfaces in the group over seconds.
        crate::aws::firewall::delete(job.cx, job.ctx, &g.id).await?;
    }
    Ok((ids, group))
}

/// Brings an existing endpoint's route tables (gateway) or subnets (interface) to the
/// wanted ones.
async fn reattach(
    job: &Job<'_>,
    e: &EndpointView,
    is_gateway: bool,
    tables: &[String],
    private_subnets: &[String],
) -> Result<()> {
    let ec2 = &job.cx.ec2();
    let (add_tables, remove_tables) = if is_gateway {
        delta(tables, &e.route_table_ids)
    } else {
        Default::default()
    };
    let (add_subnets, remove_subnets) = if is_gateway {
        Default::default()
    } else {
        delta(private_subnets, &e.subnet_ids)
    };
    if [&add_tables, &remove_tables, &add_subnets, &remove_subnets]
        .iter()
        .any(|v| !v.is_empty())
    {
        job.ec2(&format!("VPC endpoint {}", e.id), || async {
            ec2.modify_vpc_endpoint()
                .vpc_endpoint_id(&e.id)
                .set_add_route_table_ids(Some(add_tables.clone()).filter(|v| !v.is_empty()))
                .set_remove_route_table_ids(Some(remove_tables.clone()).filter(|v| !v.is_empty()))
                .set_add_subnet_ids(Some(add_subnets.clone()).filter(|v| !v.is_empty()))
                .set_remove_subnet_ids(Some(remove_subnets.clone()).filter(|v| !v.is_empty()))
                .send()
                .await
                .map_err(|e| Error::aws("ec2:ModifyVpcEndpoint", e))
        })
        .await?;
    }
    Ok(())
}

/// Creates the endpoint of `service`: a gateway on the route tables, or an interface in the
/// private subnets behind the endpoints' security group. Returns its id.
async fn create(
    job: &Job<'_>,
    service: &str,
    is_gateway: bool,
    tables: &[String],
    private_subnets: &[String],
    group: Option<String>,
) -> Result<String> {
    let ec2 = &job.cx.ec2();
    let name = format!("com.amazonaws.{}.{service}", job.cx.region);
    let part = format!("endpoint/{service}");
    // Tables, subnets and group may be a moment old; the token makes a retry whose first
    // answer was lost return the endpoint the first try made.
    let token = client_token(&[&job.vpc_id, &part, job.ctx.urn()]);
    let made = job
        .ec2(&format!("VPC endpoint {service}"), || async {
            let req = ec2
                .create_vpc_endpoint()
                .vpc_id(&job.vpc_id)
                .service_name(&name)
                .client_token(&token)
                .tag_specifications(job.spec(ResourceType::VpcEndpoint, &part, &[]));
            let req = if is_gateway {
                req.vpc_endpoint_type(VpcEndpointType::Gateway)
                    .set_route_table_ids(Some(tables.to_vec()))
            } else {
                req.vpc_endpoint_type(VpcEndpointType::Interface)
                    .set_subnet_ids(Some(private_subnets.to_vec()))
                    .set_security_group_ids(group.clone().map(|g| vec![g]))
                    .private_dns_enabled(true)
            };
            req.send()
                .await
                .map_err(|e| Error::aws("ec2:CreateVpcEndpoint", e))
        })
        .await?;
    let id = made
        .vpc_endpoint()
        .and_then(|e| e.vpc_endpoint_id())
        .unwrap_or_default()
        .to_string();
    job.record(&id);
    Ok(id)
}

/// What to add to and remove from `have` to make it `want`.
fn delta(want: &[String], have: &[String]) -> (Vec<String>, Vec<String>) {
    let add = want.iter().filter(|w| !have.contains(w)).cloned().collect();
    let remove = have.iter().filter(|h| !want.contains(h)).cloned().collect();
    (add, remove)
}

async fn ensure_group(job: &Job<'_>, inv: &Inventory) -> Result<String> {
    if let Some(g) = inv.group(GROUP_PART) {
        return Ok(g.id.clone());
    }
    let ec2 = &job.cx.ec2();
    let what = "the endpoints' security group";
    let made = job
        .ec2(what, || async {
            ec2.create_security_group()
                .group_name(format!("{}-endpoints", job.vpc_id))
                .description("Interface endpoints: HTTPS from inside the VPC only")
                .vpc_id(&job.vpc_id)
                .tag_specifications(job.spec(ResourceType::SecurityGroup, GROUP_PART, &[]))
                .send()
                .await
                .map_err(|e| Error::aws("ec2:CreateSecurityGroup", e))
        })
        .await?;
    let id = made.group_id().unwrap_or_default().to_string();
    job.record(&id);
    let https = IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(443)
        .to_port(443)
        .ip_ranges(
            IpRange::builder()
                .cidr_ip(&inv.cidr)
                .description("HTTPS from the VPC")
                .build(),
        )
        .build();
    job.ec2(what, || async {
        ec2.authorize_security_group_ingress()
            .group_id(&id)
            .ip_permissions(https.clone())
            .send()
            .await
            .map_err(|e| Error::aws("ec2:AuthorizeSecurityGroupIngress", e))
    })
    .await?;
    Ok(id)
}
