//! The state of a SecureVpc as AWS reports it: outputs, drift, compliance, and the inputs
//! that would make it (for refresh and import).

use std::collections::BTreeMap;

use super::args::{
    EndpointArgs, FlowLogArgs, GATEWAY_SERVICES, NatStrategy, SubnetInfo, VpcArgs, VpcState,
};
use super::flowlogs;
use super::groups::APP_GROUP;
use super::inventory::{self, FlowLogView, Inventory};
use super::layout::Tier;
use super::nat::nat_zones;
use super::network::{ISOLATED_TABLE, PUBLIC_TABLE, private_table_part};
use crate::aws::tags::user_tags;
use crate::aws::{AwsContext, kms, logs};
use crate::compliance::{
    Compliance, DEFAULT_SG_CLOSED, LOG_GROUP_ENCRYPTED, LOG_RETENTION, NO_PUBLIC_IP, VPC_FLOW_LOGS,
};
use crate::error::Result;

/// The outputs for `args` (AZs resolved) from what the VPC holds.
pub async fn from_inventory(
    cx: &AwsContext,
    args: VpcArgs,
    inv: &Inventory,
    given: Option<&VpcArgs>,
) -> Result<VpcState> {
    let zones = args.availability_zones.clone().unwrap_or_default();
    let subnet_map = subnet_map(inv);
    let ids = |tier: Tier| -> Vec<String> {
        zones
            .iter()
            .filter_map(|az| {
                subnet_map
                    .get(&format!("{}/{az}", tier.name()))
                    .map(|s| s.id.clone())
            })
            .collect()
    };
    let (nat_gateway_ids, elastic_ip_allocation_ids) = nats_by_zone(inv);
    let flow = inv.flow_logs.iter().find(|f| f.traffic == "ALL");
    let group = match flow {
        Some(f) => logs::describe(cx, &f.log_group).await?,
        None => None,
    };
    let (key, key_managed) = kms::observe(
        cx,
        group.as_ref().and_then(|g| g.kms_key_id.as_deref()),
        &flowlogs::key_alias(&inv.vpc_id),
    )
    .await?;
    // Drift is measured against what was asked for, not against what AWS now suggests.
    let wanted = VpcArgs {
        nat_gateways: given.and_then(|g| g.nat_gateways).or(args.nat_gateways),
        ..args.clone()
    };
    let mut drift = drift(&wanted, inv, &nat_gateway_ids);
    let tiers: BTreeMap<Tier, Vec<String>> = Tier::ALL
        .into_iter()
        .map(|t| (t, ids(t)))
        .filter(|(_, s)| !s.is_empty())
        .collect();
    drift.extend(super::acls::drift(&inv.acls, &inv.cidr, &tiers));
    drift.extend(super::endpoints::policy_drift(cx, &wanted, inv).await?);
    if let (Some(f), Some(g)) = (flow, &group)
        && g.kms_key_id.is_none()
    {
        drift.push(format!(
            "the flow log group {} is not encrypted with KMS",
            f.log_group
        ));
    }
    let retention = group.as_ref().and_then(|g| g.retention_days);
    let compliance = compliance(inv, flow, key.as_ref(), retention);
    let public_table = inv.route_table(PUBLIC_TABLE).map(|t| t.id.clone());
    let mut out = VpcState {
        vpc_id: inv.vpc_id.clone(),
        public_subnet_ids: ids(Tier::Public),
        private_subnet_ids: ids(Tier::Private),
        isolated_subnet_ids: ids(Tier::Isolated),
        subnet_map,
        internet_gateway_id: inv.igw.clone(),
        nat_gateway_ids,
        elastic_ip_allocation_ids,
        public_route_table_id: public_table,
        private_route_table_ids: zones
            .iter()
            .filter_map(|az| {
                Some((
                    az.clone(),
                    inv.route_table(&private_table_part(az))?.id.clone(),
                ))
            })
            .collect(),
        isolated_route_table_id: inv.route_table(ISOLATED_TABLE).map(|t| t.id.clone()),
        flow_log_id: flow.map(|f| f.id.clone()),
        flow_log_group_name: flow.map(|f| f.log_group.clone()),
        flow_log_role_arn: flow.and_then(|f| f.role_arn.clone()),
        kms_key_arn: key.map(|k| k.arn),
        kms_key_managed: key_managed,
        endpoint_ids: inv
            .endpoints
            .iter()
            .map(|e| (e.service.clone(), e.id.clone()))
            .collect(),
        endpoint_security_group_id: inv
            .group(super::endpoints::GROUP_PART)
            .map(|g| g.id.clone()),
        application_security_group_id: inv
            .group(APP_GROUP)
            .map(|g| g.id.clone())
            .unwrap_or_default(),
        drift,
        compliance: Some(compliance),
        args,
    };
    out.args.tags = tags_out(cx, inv, given);
    out.args.flow_logs = Some(FlowLogArgs {
        enabled: Some(flow.is_some()),
        retention_days: retention.or(given.and_then(|g| g.flow_logs.as_ref()?.retention_days)),
        log_group_name: given.and_then(|g| g.flow_logs.as_ref()?.log_group_name.clone()),
        // AWS cannot say: the program's choice (absent is false, and stays absent so that
        // stacks made before the input existed preview no change).
        retain_on_delete: given.and_then(|g| g.flow_logs.as_ref()?.retain_on_delete),
    });
    Ok(out)
}

/// The flow log, default group, public IP, log encryption and retention controls.
fn compliance(
    inv: &Inventory,
    flow: Option<&FlowLogView>,
    key: Option<&kms::Key>,
    retention: Option<i32>,
) -> Compliance {
    let default_rules = inv
        .default_group()
        .map(|g| g.ingress + g.egress)
        .unwrap_or(0);
    let public_ip = inv
        .subnets
        .iter()
        .filter(|s| s.public_ip_on_launch && s.tier != Some(Tier::Public))
        .count();
    Compliance::new(vec![
        VPC_FLOW_LOGS.control(
            flow.is_some(),
            flow.map(|f| format!("flow log {} of ALL traffic to {}", f.id, f.log_group))
                .unwrap_or_else(|| "no flow log of ALL traffic".into()),
        ),
        DEFAULT_SG_CLOSED.control(
            default_rules == 0,
            format!("the default security group has {default_rules} rules"),
        ),
        NO_PUBLIC_IP.control(
            public_ip == 0,
            format!("{public_ip} private or isolated subnets assign public IPs"),
        ),
        LOG_GROUP_ENCRYPTED.control(
            key.is_some(),
            key.map(|k| format!("flow log group encrypted with {}", k.arn))
                .unwrap_or_else(|| "flow log group not encrypted with KMS".into()),
        ),
        LOG_RETENTION.control(
            retention.is_some_and(|d| d >= 90),
            format!(
                "flow logs kept {} days",
                retention
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "forever or no".into())
            ),
        ),
    ])
}

/// Every tiered subnet, keyed `<tier>/<az>`, with its route table.
fn subnet_map(inv: &Inventory) -> BTreeMap<String, SubnetInfo> {
    let table_of = |subnet: &str| {
        inv.route_tables
            .iter()
            .find(|t| t.associations.contains_key(subnet))
            .map(|t| t.id.clone())
            .unwrap_or_default()
    };
    inv.subnets
        .iter()
        .filter(|s| s.tier.is_some())
        .map(|s| {
            let tier = s.tier.map(Tier::name).unwrap_or_default();
            let info = SubnetInfo {
                id: s.id.clone(),
                tier: tier.into(),
                availability_zone: s.az.clone(),
                cidr_block: s.cidr.clone(),
                route_table_id: table_of(&s.id),
            };
            (format!("{tier}/{}", s.az), info)
        })
        .collect()
}

/// The NAT gateways and their Elastic IP allocations, keyed by the AZ of their subnet.
fn nats_by_zone(inv: &Inventory) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let nat_az = |subnet: &str| {
        inv.subnets
            .iter()
            .find(|s| s.id == subnet)
            .map(|s| s.az.clone())
            .unwrap_or_default()
    };
    let gateways = inv
        .nats
        .iter()
        .map(|n| (nat_az(&n.subnet_id), n.id.clone()))
        .collect();
    let allocations = inv
        .nats
        .iter()
        .filter_map(|n| Some((nat_az(&n.subnet_id), n.allocation_id.clone()?)))
        .collect();
    (gateways, allocations)
}

fn tags_out(
    cx: &AwsContext,
    inv: &Inventory,
    given: Option<&VpcArgs>,
) -> Option<BTreeMap<String, String>> {
    let mut user = user_tags(&inv.vpc_tags, &cx.default_tags);
    user.remove(inventory::PART_TAG);
    user.remove("Name");
    user.remove(inventory::COMPLETE_TAG);
    if user.is_empty() && given.is_none_or(|g| g.tags.is_none()) {
        None
    } else {
        Some(user)
    }
}

/// What differs from what the resource made.
fn drift(args: &VpcArgs, inv: &Inventory, nats: &BTreeMap<String, String>) -> Vec<String> {
    let zones = args.availability_zones.clone().unwrap_or_default();
    let strategy = args.nat_gateways.unwrap_or_default();
    let mut out = Vec::new();
    for az in nat_zones(strategy, &zones) {
        if !nats.contains_key(&az) {
            out.push(format!("the NAT gateway in {az} is gone"));
        }
    }
    for az in &zones {
        if let Some(t) = inv.route_table(&private_table_part(az))
            && strategy != NatStrategy::None
            && !t.routes.contains_key("0.0.0.0/0")
        {
            out.push(format!(
                "the private route table in {az} has no route to a NAT gateway"
            ));
        }
    }
    if !inv.flow_logs.iter().any(|f| f.traffic == "ALL") {
        out.push("flow logs are off".into());
    }
    if let Some(g) = inv.default_group().filter(|g| g.ingress + g.egress > 0) {
        out.push(format!(
            "the default security group has {} rules",
            g.ingress + g.egress
        ));
    }
    match inv.group(APP_GROUP) {
        None => out.push("the application security group is missing".into()),
        Some(g) if g.ingress + g.egress > 0 => out.push(format!(
            "the application security group has {} rules; it should have none",
            g.ingress + g.egress
        )),
        Some(_) => {}
    }
    out
}

/// Reads a VPC by id. `given` holds the inputs as last written, kept where AWS has no say.
pub async fn read(
    cx: &AwsContext,
    vpc_id: &str,
    given: Option<&VpcArgs>,
    kept_zones: Option<Vec<String>>,
) -> Result<Option<(VpcState, VpcArgs)>> {
    cx.validate().await?;
    let Some(inv) = inventory::gather(cx, vpc_id).await? else {
        return Ok(None);
    };
    let mut zones: Vec<String> = inv
        .subnets
        .iter()
        .filter(|s| s.tier.is_some())
        .map(|s| s.az.clone())
        .collect();
    zones.sort();
    zones.dedup();
    let zones = kept_zones
        .filter(|k| k.iter().all(|z| zones.contains(z)) && k.len() == zones.len())
        .unwrap_or(zones);
    let nat_count = inv.nats.len();
    let inferred_nat = match nat_count {
        0 => NatStrategy::None,
        1 if zones.len() > 1 => NatStrategy::Single,
        _ => NatStrategy::PerAz,
    };
    let mut inputs = given.cloned().unwrap_or_default();
    inputs.cidr_block = Some(inv.cidr.clone());
    inputs.nat_gateways = Some(inferred_nat);
    if given.is_none_or(|g| g.availability_zones.is_some()) {
        inputs.availability_zones = Some(zones.clone());
        inputs.availability_zone_count = None;
    } else if inputs.availability_zone_count.is_none() {
        inputs.availability_zone_count = Some(zones.len() as u8);
    }
    if given.is_none() {
        let gateway: Vec<String> = inv
            .endpoints
            .iter()
            .filter(|e| {
                GATEWAY_SERVICES.contains(&e.service.as_str()) && !e.route_table_ids.is_empty()
            })
            .map(|e| e.service.clone())
            .collect();
        let interface: Vec<String> = inv
            .endpoints
            .iter()
            .filter(|e| !e.subnet_ids.is_empty())
            .map(|e| e.service.clone())
            .collect();
        if !gateway.is_empty() || !interface.is_empty() {
            inputs.endpoints = Some(EndpointArgs {
                gateway: Some(gateway).filter(|g| !g.is_empty()),
                interface: Some(interface).filter(|i| !i.is_empty()),
                ..Default::default()
            });
        }
    }
    let resolved = VpcArgs {
        availability_zones: Some(zones),
        ..inputs.clone()
    };
    let state = from_inventory(cx, resolved, &inv, given).await?;
    inputs.tags = state.args.tags.clone();
    inputs.flow_logs = state.args.flow_logs.clone();
    if let Some(f) = inputs.flow_logs.as_mut() {
        f.enabled = Some(f.enabled.unwrap_or(true));
    }
    Ok(Some((state, inputs)))
}
