//! The wiring said in sentences: the diagram's text form, in the HTML under the diagram and
//! in the Markdown report in its place.

use crate::wiring::{End, LinkKind, Node, Wiring};

/// One sentence per fact of the wiring, in the order of the nodes, then of the links.
pub fn describe(wiring: &Wiring) -> Vec<String> {
    let mut out = Vec::new();
    for node in &wiring.nodes {
        let mut first = placement(wiring, node);
        if !node.facts.is_empty() {
            first.pop();
            first.push_str(&format!("; {}.", node.facts.join("; ")));
        }
        out.push(first);
        out.extend(ingress(wiring, node));
    }
    for link in &wiring.links {
        let from = wiring.label(link.from);
        let to = wiring.label(link.to);
        let arn = match link.to {
            End::Secret(i) => wiring.secrets[i].arn.as_str(),
            End::Node(_) => "",
        };
        match link.kind {
            LinkKind::Reads => {
                let variable = link.label.trim_start_matches("reads ");
                out.push(format!("{from} reads secret {to} ({arn}) as {variable}."));
            }
            LinkKind::Keeps => {
                let what = link.label.trim_start_matches("keeps ");
                out.push(format!("{from} keeps its {what} in secret {to} ({arn})."));
            }
            LinkKind::Uses => {
                let properties = link.label.trim_start_matches("uses ");
                out.push(format!("{from} uses outputs of {to} (in {properties})."));
            }
            LinkKind::Network => {}
        }
    }
    out
}

fn placement(wiring: &Wiring, node: &Node) -> String {
    let who = format!("{} ({})", node.label, node.kind);
    let Some(network) = wiring.network_of(node) else {
        return format!("{who} is a regional service, outside any VPC.");
    };
    let net = &wiring.networks[network];
    let vpc = if net.in_stack {
        format!("VPC {} ({})", net.name, net.vpc_id)
    } else {
        format!("VPC {} (not in this stack)", net.vpc_id)
    };
    match wiring.tier_of(network, node) {
        Some(tier) if net.in_stack => {
            let tier = &net.tiers[tier];
            let subnets: Vec<String> = tier
                .subnets
                .iter()
                .filter(|s| node.subnets.contains(&s.id))
                .map(|s| format!("{} ({}, {})", s.id, s.zone, s.cidr))
                .collect();
            format!(
                "{who} runs in the {} subnets of {vpc}: {}.",
                tier.name,
                subnets.join(", ")
            )
        }
        _ if !node.subnets.is_empty() => {
            format!("{who} runs in {vpc}, subnets {}.", node.subnets.join(", "))
        }
        _ => format!("{who} runs in {vpc}."),
    }
}

fn ingress(wiring: &Wiring, node: &Node) -> Vec<String> {
    let port = node
        .port
        .map_or("connections".to_string(), |p| format!("tcp/{p}"));
    let mut out = Vec::new();
    for group in &node.allowed_groups {
        let carriers: Vec<&str> = wiring
            .nodes
            .iter()
            .filter(|n| n.label != node.label && n.security_groups.contains(group))
            .map(|n| n.label.as_str())
            .collect();
        let role = wiring
            .networks
            .iter()
            .find_map(|n| {
                if n.application_security_group.as_deref() == Some(group) {
                    Some(format!(" (the application security group of {})", n.name))
                } else if n.endpoint_security_group.as_deref() == Some(group) {
                    Some(format!(" (the endpoint security group of {})", n.name))
                } else {
                    None
                }
            })
            .unwrap_or_default();
        let carried = if carriers.is_empty() {
            "; no resource of this stack carries it".to_string()
        } else {
            format!(", carried by {}", carriers.join(", "))
        };
        out.push(format!(
            "{} accepts {port} from security group {group}{role}{carried}.",
            node.label
        ));
    }
    for cidr in &node.allowed_cidrs {
        out.push(format!("{} accepts {port} from {cidr}.", node.label));
    }
    if node.allowed_groups.is_empty()
        && node.allowed_cidrs.is_empty()
        && !node.security_groups.is_empty()
    {
        out.push(format!("{} accepts no inbound connections.", node.label));
    }
    out
}
