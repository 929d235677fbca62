//! Validation and defaults of SecureVpc inputs, and the subnet plan derived from them.

use std::collections::BTreeMap;

use ipnet::Ipv4Net;
use pulumi_provider::CheckFailure;

use super::args::{
    DEFAULT_AZ_COUNT, DEFAULT_CIDR, DEFAULT_RETENTION_DAYS, EndpointArgs, EndpointPolicy,
    FlowLogArgs, GATEWAY_SERVICES, MAX_AZS, NatStrategy, SubnetsArgs, TierArgs, VpcArgs,
};
use super::layout::{Tier, default_cidr};
use crate::compliance::{LOG_RETENTION, VPC_FLOW_LOGS};

/// Retention values CloudWatch Logs accepts, at or above the 90-day floor.
const RETENTIONS: [i32; 13] = [
    90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
];

/// One subnet to have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubnetPlan {
    pub tier: Tier,
    pub az: String,
    pub cidr: Ipv4Net,
}

pub fn tier_args(subnets: &Option<SubnetsArgs>, tier: Tier) -> TierArgs {
    let s = subnets.clone().unwrap_or_default();
    match tier {
        Tier::Public => s.public,
        Tier::Private => s.private,
        Tier::Isolated => s.isolated,
    }
    .unwrap_or_default()
}

pub fn tier_enabled(a: &VpcArgs, tier: Tier) -> bool {
    tier_args(&a.subnets, tier).enabled.unwrap_or(true)
}

/// The subnets of every enabled tier in `zones`.
pub fn plan(a: &VpcArgs, zones: &[String]) -> Result<Vec<SubnetPlan>, CheckFailure> {
    let vpc: Ipv4Net = a
        .cidr_block
        .as_deref()
        .unwrap_or(DEFAULT_CIDR)
        .parse()
        .map_err(|e| CheckFailure::new("cidrBlock", format!("not an IPv4 CIDR: {e}")))?;
    let mut out = Vec::new();
    for tier in Tier::ALL.into_iter().filter(|t| tier_enabled(a, *t)) {
        let t = tier_args(&a.subnets, tier);
        let prefix = t
            .prefix_length
            .unwrap_or(tier.default_prefix(vpc.prefix_len()));
        let property = format!("subnets.{}", tier.name());
        for az in zones {
            let cidr = match t.cidrs.as_ref().and_then(|c| c.get(az)) {
                Some(given) => given.parse::<Ipv4Net>().map_err(|e| {
                    CheckFailure::new(
                        format!("{property}.cidrs.{az}"),
                        format!("not an IPv4 CIDR: {e}"),
                    )
                })?,
                None => default_cidr(vpc, tier, prefix, az)
                    .map_err(|why| CheckFailure::new(format!("{property}.prefixLength"), why))?,
            };
            if !vpc.contains(&cidr) {
                return Err(CheckFailure::new(
                    format!("{property}.cidrs.{az}"),
                    format!("{cidr} is not inside the VPC's {vpc}"),
                ));
            }
            out.push(SubnetPlan {
                tier,
                az: az.clone(),
                cidr,
            });
        }
    }
    for (i, a_) in out.iter().enumerate() {
        if let Some(b) = out[i + 1..]
            .iter()
            .find(|b| a_.cidr.contains(&b.cidr.network()) || b.cidr.contains(&a_.cidr.network()))
        {
            return Err(CheckFailure::new(
                format!("subnets.{}", b.tier.name()),
                format!(
                    "{} ({} {}) overlaps {} ({} {})",
                    b.cidr,
                    b.tier.name(),
                    b.az,
                    a_.cidr,
                    a_.tier.name(),
                    a_.az
                ),
            ));
        }
    }
    Ok(out)
}

pub fn check(mut a: VpcArgs) -> (VpcArgs, Vec<CheckFailure>) {
    let mut failures = Vec::new();
    check_cidr(&mut a, &mut failures);
    check_zones(&mut a, &mut failures);
    let nat = *a.nat_gateways.get_or_insert(NatStrategy::PerAz);
    if nat != NatStrategy::None && !tier_enabled(&a, Tier::Public) {
        failures.push(CheckFailure::new(
            "natGateways",
            "NAT gateways live in public subnets: enable subnets.public or set natGateways to none",
        ));
    }
    // The layout of explicitly listed AZs can be checked now; auto-chosen ones at create.
    if failures.is_empty() {
        let probe: Vec<String> = a.availability_zones.clone().unwrap_or_else(|| {
            (0..a.availability_zone_count.unwrap_or(2))
                .map(|i| format!("zone-1{}", (b'a' + i) as char))
                .collect()
        });
        if let Err(f) = plan(&a, &probe) {
            failures.push(f);
        }
    }
    check_flow_logs(&mut a, &mut failures);
    check_endpoints(&mut a, &mut failures);
    (a, failures)
}

/// The VPC's CIDR block: an IPv4 network, /16 to /24, without host bits.
fn check_cidr(a: &mut VpcArgs, failures: &mut Vec<CheckFailure>) {
    let cidr = a
        .cidr_block
        .get_or_insert_with(|| DEFAULT_CIDR.to_string())
        .clone();
    match cidr.parse::<Ipv4Net>() {
        Ok(net) if !(16..=24).contains(&net.prefix_len()) => {
            failures.push(CheckFailure::new(
                "cidrBlock",
                format!("{net}: the VPC prefix must be /16 to /24"),
            ));
        }
        Ok(net) if net.network() != net.addr() => {
            failures.push(CheckFailure::new(
                "cidrBlock",
                format!("{net} has host bits set; did you mean {}?", net.trunc()),
            ));
        }
        Err(e) => failures.push(CheckFailure::new(
            "cidrBlock",
            format!("{cidr:?} is not an IPv4 CIDR: {e}"),
        )),
        _ => {}
    }
}

/// The AZs, listed or counted.
fn check_zones(a: &mut VpcArgs, failures: &mut Vec<CheckFailure>) {
    match &mut a.availability_zones {
        Some(zones) => {
            let mut seen = zones.clone();
            seen.sort();
            seen.dedup();
            if zones.is_empty() || zones.len() > MAX_AZS || seen.len() != zones.len() {
                failures.push(CheckFailure::new(
                    "availabilityZones",
                    format!("give 1 to {MAX_AZS} distinct AZs"),
                ));
            }
            if a.availability_zone_count
                .is_some_and(|n| usize::from(n) != zones.len())
            {
                failures.push(CheckFailure::new(
                    "availabilityZoneCount",
                    "disagrees with availabilityZones; give one or the other",
                ));
            }
        }
        None => {
            let n = *a.availability_zone_count.get_or_insert(DEFAULT_AZ_COUNT);
            if n == 0 || usize::from(n) > MAX_AZS {
                failures.push(CheckFailure::new(
                    "availabilityZoneCount",
                    format!("must be 1 to {MAX_AZS}, got {n}"),
                ));
            }
        }
    }
}

/// Flow logs, which cannot be turned off, and their retention.
fn check_flow_logs(a: &mut VpcArgs, failures: &mut Vec<CheckFailure>) {
    let flow = a.flow_logs.get_or_insert_with(FlowLogArgs::default);
    if flow.enabled == Some(false) {
        failures.push(CheckFailure::new(
            "flowLogs.enabled",
            VPC_FLOW_LOGS.violation("VPC flow logs of ALL traffic are required"),
        ));
    }
    flow.enabled = Some(true);
    let days = *flow.retention_days.get_or_insert(DEFAULT_RETENTION_DAYS);
    if !RETENTIONS.contains(&days) {
        failures.push(CheckFailure::new(
            "flowLogs.retentionDays",
            LOG_RETENTION.violation(format!("{days} days is not one of the retention periods CloudWatch Logs offers at or above the 90-day floor: {RETENTIONS:?}")),
        ));
    }
}

/// Gateway and interface endpoints: known services, private subnets for interfaces.
fn check_endpoints(a: &mut VpcArgs, failures: &mut Vec<CheckFailure>) {
    let private_enabled = tier_enabled(a, Tier::Private);
    if let Some(endpoints) = &mut a.endpoints {
        for (i, s) in endpoints.gateway.iter().flatten().enumerate() {
            if !GATEWAY_SERVICES.contains(&s.as_str()) {
                failures.push(CheckFailure::new(format!("endpoints.gateway[{i}]"), format!("{s:?} has no gateway endpoint; only {GATEWAY_SERVICES:?} do (use endpoints.interface)")));
            }
        }
        for (i, s) in endpoints.interface.iter().flatten().enumerate() {
            if s.is_empty()
                || !s
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
            {
                failures.push(CheckFailure::new(
                    format!("endpoints.interface[{i}]"),
                    format!("{s:?} is not a service name such as kms or ecr.api"),
                ));
            }
        }
        if !endpoints.interface.as_ref().is_none_or(|v| v.is_empty()) && !private_enabled {
            failures.push(CheckFailure::new(
                "endpoints.interface",
                "interface endpoints live in the private subnets: enable subnets.private",
            ));
        }
        trusted_accounts(endpoints, failures);
        for list in [&mut endpoints.gateway, &mut endpoints.interface]
            .into_iter()
            .flatten()
        {
            list.sort();
            list.dedup();
        }
    }
}

/// `trustedAccountIds`: 12-digit ids, meaningful only under the `account` policy.
fn trusted_accounts(endpoints: &mut EndpointArgs, failures: &mut Vec<CheckFailure>) {
    let Some(ids) = &mut endpoints.trusted_account_ids else {
        return;
    };
    if endpoints.policy == Some(EndpointPolicy::AwsDefault) && !ids.is_empty() {
        failures.push(CheckFailure::new(
            "endpoints.trustedAccountIds",
            "AWS's default policy already lets every account through; trusted accounts apply only to the `account` policy",
        ));
    }
    for (i, id) in ids.iter().enumerate() {
        if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
            failures.push(CheckFailure::new(
                format!("endpoints.trustedAccountIds[{i}]"),
                format!("{id:?} is not an AWS account id (12 digits)"),
            ));
        }
    }
    ids.sort();
    ids.dedup();
}

/// The AZs to use: the explicit list, else the kept ones grown or shrunk to the count
/// from the region's offer (in its order), so existing AZs never move.
pub fn zones(a: &VpcArgs, kept: &[String], offered: &[String]) -> Vec<String> {
    if let Some(list) = &a.availability_zones {
        return list.clone();
    }
    let n = usize::from(a.availability_zone_count.unwrap_or(DEFAULT_AZ_COUNT));
    let mut zones: Vec<String> = kept.iter().take(n).cloned().collect();
    for az in offered {
        if zones.len() >= n {
            break;
        }
        if !zones.contains(az) {
            zones.push(az.clone());
        }
    }
    zones
}

/// The subnets of a plan keyed `tier/az`.
pub fn keyed(plan: &[SubnetPlan]) -> BTreeMap<String, &SubnetPlan> {
    plan.iter()
        .map(|p| (format!("{}/{}", p.tier.name(), p.az), p))
        .collect()
}

#[cfg(test)]
#[path = "check_tests.rs"]
mod tests;
