//! Reading the nodes and networks out of each resource's outputs (inputs where an output
//! is absent).

use serde_json::Value;

use super::{Network, Node, Subnet, Tier};
use crate::state::{StateResource, strings as texts};

pub(super) fn network(resource: &StateResource) -> Network {
    let mut tiers: Vec<Tier> = Vec::new();
    if let Some(map) = field(resource, "subnetMap").and_then(Value::as_object) {
        for info in map.values() {
            let text = |key: &str| info.get(key).and_then(Value::as_str).unwrap_or("");
            let subnet = Subnet {
                id: text("id").to_string(),
                zone: text("availabilityZone").to_string(),
                cidr: text("cidrBlock").to_string(),
            };
            let tier = text("tier");
            match tiers.iter_mut().find(|t| t.name == tier) {
                Some(existing) => existing.subnets.push(subnet),
                None => tiers.push(Tier {
                    name: tier.to_string(),
                    subnets: vec![subnet],
                }),
            }
        }
    }
    let rank = |name: &str| match name {
        "public" => 0,
        "private" => 1,
        "isolated" => 2,
        _ => 3,
    };
    tiers.sort_by(|a, b| (rank(&a.name), &a.name).cmp(&(rank(&b.name), &b.name)));
    for tier in &mut tiers {
        tier.subnets.sort_by(|a, b| a.zone.cmp(&b.zone));
    }
    Network {
        name: resource.name().to_string(),
        urn: resource.urn.clone(),
        vpc_id: text(resource, "vpcId").unwrap_or_default(),
        cidr: text(resource, "cidrBlock"),
        in_stack: true,
        tiers,
        application_security_group: text(resource, "applicationSecurityGroupId"),
        endpoint_security_group: text(resource, "endpointSecurityGroupId"),
    }
}

pub(super) fn node(resource: &StateResource) -> Node {
    let mut facts = Vec::new();
    for (key, what) in [
        ("producerRoleArn", "producers"),
        ("consumerRoleArn", "consumers"),
    ] {
        if let Some(arn) = text(resource, key) {
            let role = arn.rsplit('/').next().unwrap_or(&arn).to_string();
            facts.push(format!("{what}: role {role}"));
        }
    }
    let own_group = text(resource, "securityGroupId");
    Node {
        label: resource.name().to_string(),
        resource: resource.urn.clone(),
        kind: resource.kind.rsplit(':').next().unwrap_or("").to_string(),
        vpc_id: text(resource, "vpcId"),
        subnets: texts(field(resource, "subnetIds")),
        security_groups: own_group.into_iter().collect(),
        port: field(resource, "port").and_then(Value::as_i64),
        allowed_groups: texts(field(resource, "allowedSecurityGroupIds")),
        allowed_cidrs: texts(field(resource, "allowedCidrBlocks")),
        facts,
    }
}

/// One node per service of a FargateCluster (the cluster itself when it has none).
pub(super) fn services(resource: &StateResource) -> Vec<Node> {
    let Some(services) = field(resource, "services").and_then(Value::as_object) else {
        return vec![node(resource)];
    };
    if services.is_empty() {
        return vec![node(resource)];
    }
    let outputs = field(resource, "serviceOutputs").and_then(Value::as_object);
    services
        .iter()
        .map(|(name, args)| {
            let own = outputs
                .and_then(|o| o.get(name))
                .and_then(|o| o.get("securityGroupId"))
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty());
            let mut groups: Vec<String> = own.map(str::to_string).into_iter().collect();
            groups.extend(texts(args.get("securityGroupIds")));
            let image = args.get("image").and_then(Value::as_str);
            Node {
                label: format!("{}/{name}", resource.name()),
                resource: resource.urn.clone(),
                kind: "Fargate service".to_string(),
                vpc_id: args
                    .get("vpcId")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                subnets: texts(args.get("subnetIds")),
                security_groups: groups,
                port: args.get("containerPort").and_then(Value::as_i64),
                allowed_groups: texts(args.get("allowedSecurityGroupIds")),
                allowed_cidrs: texts(args.get("allowedCidrBlocks")),
                facts: image.map(|i| format!("image {i}")).into_iter().collect(),
            }
        })
        .collect()
}

/// An output, else the input of that name (outputs hold every input with defaults filled).
pub(super) fn field<'a>(resource: &'a StateResource, key: &str) -> Option<&'a Value> {
    resource
        .outputs
        .get(key)
        .filter(|v| !v.is_null())
        .or_else(|| resource.inputs.get(key).filter(|v| !v.is_null()))
}

fn text(resource: &StateResource, key: &str) -> Option<String> {
    field(resource, key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}
