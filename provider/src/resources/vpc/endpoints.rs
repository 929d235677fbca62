//! VPC endpoints: gateway endpoints on the private and isolated route tables, interface
//! endpoints in the private subnets behind a security group open to the VPC on 443 only.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::{IpPermission, IpRange, ResourceType, VpcEndpointType};
use serde_json::Value;

use super::args::{EndpointArgs, EndpointPolicy, GATEWAY_SERVICES, VpcArgs};
use super::endpoint_policy;
use super::inventory::{EndpointView, Inventory};
use super::network::Job;
use crate::aws::AwsContext;
use crate::aws::token;
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
    let gateway = wanted.gateway.clone().unwrap_or_default();
    let interface = wanted.interface.clone().unwrap_or_default();
    let ec2 = &job.cx.ec2();
    let group = if interface.is_empty() {
        None
    } else {
        Some(ensure_group(job, inv).await?)
    };
    let mut ids = BTreeMap::new();
    let all: Vec<String> = gateway.iter().chain(interface.iter()).cloned().collect();
    let policies = policies(job.cx, &wanted, &all, &gateway).await?;
    for service in &all {
        let is_gateway = GATEWAY_SERVICES.contains(&service.as_str()) && gateway.contains(service);
        let policy = policies.get(service).cloned().flatten();
        let id = match inv.endpoint(service) {
            Some(e) => {
                reattach(job, e, is_gateway, tables, private_subnets).await?;
                repolicy(job, e, policy.as_ref()).await?;
                e.id.clone()
            }
            None => {
                let at = Placement {
                    is_gateway,
                    tables,
                    private_subnets,
                    group: group.clone(),
                };
                // EC2 answers a token it has seen with that request's endpoint, even once
                // deleted: an endpoint of this service removed before (EC2 lists it for a
                // while) is in the token, so the new one is made.
                let gone: Vec<&str> = inv
                    .gone_endpoints
                    .iter()
                    .filter(|e| &e.service == service)
                    .map(|e| e.id.as_str())
                    .collect();
                create(job, service, &at, policy.as_ref(), &gone).await?
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

/// Which of `services` take an endpoint policy, as EC2 describes them. A name EC2 does not
/// list (or an answer without the flag) counts as taking none, so no policy is ever sent
/// where AWS would refuse it.
pub async fn policy_support(
    cx: &AwsContext,
    services: &[String],
) -> Result<BTreeMap<String, bool>> {
    let mut out: BTreeMap<String, bool> = services.iter().map(|s| (s.clone(), false)).collect();
    if services.is_empty() {
        return Ok(out);
    }
    let prefix = format!("com.amazonaws.{}.", cx.region);
    let names: Vec<String> = services.iter().map(|s| format!("{prefix}{s}")).collect();
    let mut token = None;
    loop {
        let page = cx
            .ec2()
            .describe_vpc_endpoint_services()
            .set_service_names(Some(names.clone()))
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| Error::aws("ec2:DescribeVpcEndpointServices", e))?;
        for d in page.service_details() {
            let name = d
                .service_name()
                .unwrap_or_default()
                .trim_start_matches(&prefix);
            if let Some(supported) = out.get_mut(name) {
                *supported |= d.vpc_endpoint_policy_supported().unwrap_or(false);
            }
        }
        token = page.next_token().map(String::from);
        if token.is_none() {
            return Ok(out);
        }
    }
}

/// The wanted policy of each service's endpoint (`None`: AWS's default).
async fn policies(
    cx: &AwsContext,
    wanted: &EndpointArgs,
    services: &[String],
    gateway: &[String],
) -> Result<BTreeMap<String, Option<Value>>> {
    if services.is_empty() {
        return Ok(BTreeMap::new());
    }
    let support = policy_support(cx, services).await?;
    let account = cx.account().await?;
    Ok(services
        .iter()
        .map(|s| {
            let is_gateway = GATEWAY_SERVICES.contains(&s.as_str()) && gateway.contains(s);
            let supported = support.get(s).copied().unwrap_or(false);
            let policy = endpoint_policy::wanted(
                wanted,
                s,
                is_gateway,
                supported,
                account,
                &cx.partition,
                &cx.region,
            );
            (s.clone(), policy)
        })
        .collect())
}

/// Puts the wanted policy on an existing endpoint (AWS's default back, when none is wanted
/// and another is there).
async fn repolicy(job: &Job<'_>, e: &EndpointView, want: Option<&Value>) -> Result<()> {
    if endpoint_policy::holds(e.policy.as_deref(), want) {
        return Ok(());
    }
    let document = want
        .cloned()
        .unwrap_or_else(endpoint_policy::aws_default)
        .to_string();
    let ec2 = &job.cx.ec2();
    job.ctx
        .info(format!(
            "setting the policy of the {} endpoint {} (it had another)",
            e.service, e.id
        ))
        .await;
    job.ec2(&format!("VPC endpoint {}", e.id), || async {
        ec2.modify_vpc_endpoint()
            .vpc_endpoint_id(&e.id)
            .policy_document(&document)
            .send()
            .await
            .map_err(|e| Error::aws("ec2:ModifyVpcEndpoint", e))
    })
    .await?;
    Ok(())
}

/// The endpoints (of this VPC's, made by the provider) whose policy is not the wanted one.
pub async fn policy_drift(cx: &AwsContext, a: &VpcArgs, inv: &Inventory) -> Result<Vec<String>> {
    let wanted = a.endpoints.clone().unwrap_or_default();
    let ours: Vec<&EndpointView> = inv.endpoints.iter().filter(|e| e.part.is_some()).collect();
    let services: Vec<String> = ours.iter().map(|e| e.service.clone()).collect();
    let gateway: Vec<String> = ours
        .iter()
        .filter(|e| !e.route_table_ids.is_empty())
        .map(|e| e.service.clone())
        .collect();
    let policies = policies(cx, &wanted, &services, &gateway).await?;
    Ok(ours
        .iter()
        .filter(|e| {
            let want = policies.get(&e.service).cloned().flatten();
            !endpoint_policy::holds(e.policy.as_deref(), want.as_ref())
        })
        .map(|e| match wanted.policy.unwrap_or_default() {
            EndpointPolicy::Account => format!(
                "the {} endpoint's policy is not limited to this account's principals",
                e.service
            ),
            EndpointPolicy::AwsDefault => {
                format!("the {} endpoint's policy is not AWS's default", e.service)
            }
        })
        .collect())
}

/// Where a new endpoint goes.
struct Placement<'a> {
    is_gateway: bool,
    tables: &'a [String],
    private_subnets: &'a [String],
    group: Option<String>,
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
/// private subnets behind the endpoints' security group, with `policy` when one is wanted.
/// Returns its id.
async fn create(
    job: &Job<'_>,
    service: &str,
    at: &Placement<'_>,
    policy: Option<&Value>,
    gone: &[&str],
) -> Result<String> {
    let ec2 = &job.cx.ec2();
    let name = format!("com.amazonaws.{}.{service}", job.cx.region);
    let part = format!("endpoint/{service}");
    // Tables, subnets and group may be a moment old; the token makes a retry whose first
    // answer was lost return the endpoint the first try made.
    let token = token::after_gone(&[&job.vpc_id, &part, job.ctx.urn()], gone.iter().copied());
    let document = policy.map(Value::to_string);
    let made = job
        .ec2(&format!("VPC endpoint {service}"), || async {
            let req = ec2
                .create_vpc_endpoint()
                .vpc_id(&job.vpc_id)
                .service_name(&name)
                .client_token(&token)
                .set_policy_document(document.clone())
                .tag_specifications(job.spec(ResourceType::VpcEndpoint, &part, &[]));
            let req = if at.is_gateway {
                req.vpc_endpoint_type(VpcEndpointType::Gateway)
                    .set_route_table_ids(Some(at.tables.to_vec()))
            } else {
                req.vpc_endpoint_type(VpcEndpointType::Interface)
                    .set_subnet_ids(Some(at.private_subnets.to_vec()))
                    .set_security_group_ids(at.group.clone().map(|g| vec![g]))
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
