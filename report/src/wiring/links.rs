//! The links between nodes and secrets: security group sources, secrets read, dependencies.

use serde_json::Value;

use super::extract::field;
use super::{End, FARGATE_TYPE, LinkKind, Network, Subnet, Tier, Wiring};
use crate::state::StateResource;

/// A network for each VPC a node names that no SecureVpc of the stack is.
pub(super) fn add_outside_networks(wiring: &mut Wiring) {
    for index in 0..wiring.nodes.len() {
        let Some(vpc) = wiring.nodes[index].vpc_id.clone() else {
            continue;
        };
        if wiring.networks.iter().all(|n| n.vpc_id != vpc) {
            wiring.networks.push(Network {
                name: vpc.clone(),
                vpc_id: vpc,
                tiers: vec![Tier {
                    name: "subnets".into(),
                    subnets: Vec::new(),
                }],
                ..Network::default()
            });
        }
        let node = &wiring.nodes[index];
        if let Some(network) = wiring.network_of(node)
            && !wiring.networks[network].in_stack
        {
            let tier = &mut wiring.networks[network].tiers[0];
            for id in &node.subnets {
                if tier.subnets.iter().all(|s| &s.id != id) {
                    tier.subnets.push(Subnet {
                        id: id.clone(),
                        ..Subnet::default()
                    });
                }
            }
        }
    }
}

/// A network link from every node carrying an allowed group to the node allowing it.
pub(super) fn add_ingress_links(wiring: &mut Wiring) {
    for target in 0..wiring.nodes.len() {
        let port = wiring.nodes[target].port;
        let label = port.map_or("any port".to_string(), |p| format!("tcp/{p}"));
        for group in wiring.nodes[target].allowed_groups.clone() {
            for source in 0..wiring.nodes.len() {
                if source != target && wiring.nodes[source].security_groups.contains(&group) {
                    wiring.link(
                        End::Node(source),
                        End::Node(target),
                        LinkKind::Network,
                        label.clone(),
                    );
                }
            }
        }
    }
}

/// A link from each Fargate service to each secret it reads, named by its variable.
pub(super) fn add_secret_reads(wiring: &mut Wiring, resources: &[&StateResource]) {
    for resource in resources.iter().filter(|r| r.kind == FARGATE_TYPE) {
        let Some(services) = field(resource, "services").and_then(Value::as_object) else {
            continue;
        };
        for (name, args) in services {
            let label = format!("{}/{name}", resource.name());
            let Some(node) = wiring.nodes.iter().position(|n| n.label == label) else {
                continue;
            };
            let Some(secrets) = args.get("secrets").and_then(Value::as_object) else {
                continue;
            };
            for (variable, reference) in secrets {
                if let Some(reference) = reference.as_str() {
                    let secret = wiring.secret(reference);
                    let text = format!("reads {variable}");
                    wiring.link(End::Node(node), secret, LinkKind::Reads, text);
                }
            }
        }
    }
}

/// A `Uses` link for each dependency between two resources' nodes that no other link shows.
pub(super) fn add_uses_links(
    wiring: &mut Wiring,
    resources: &[&StateResource],
    owners: &[(String, Vec<End>)],
) {
    let ends_of = |urn: &str| {
        owners
            .iter()
            .find(|(u, _)| u == urn)
            .map(|(_, ends)| ends.clone())
            .unwrap_or_default()
    };
    for resource in resources {
        let mut by_target: Vec<(String, Vec<String>)> = Vec::new();
        for (property, urns) in &resource.property_dependencies {
            for urn in urns {
                match by_target.iter_mut().find(|(u, _)| u == urn) {
                    Some((_, props)) => props.push(property.clone()),
                    None => by_target.push((urn.clone(), vec![property.clone()])),
                }
            }
        }
        let from = ends_of(&resource.urn);
        for (urn, properties) in by_target {
            let to = ends_of(&urn);
            let (Some(&first_from), Some(&first_to)) = (from.first(), to.first()) else {
                continue;
            };
            let kept: Vec<End> = wiring
                .links
                .iter()
                .filter(|l| l.kind == LinkKind::Keeps && to.contains(&l.from))
                .map(|l| l.to)
                .collect();
            let shown = wiring.links.iter().any(|l| {
                (from.contains(&l.from) && (to.contains(&l.to) || kept.contains(&l.to)))
                    || (to.contains(&l.from) && from.contains(&l.to))
            });
            if !shown {
                let label = format!("uses {}", properties.join(", "));
                wiring.link(first_from, first_to, LinkKind::Uses, label);
            }
        }
    }
}
