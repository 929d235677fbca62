//! How the resources are wired, read from their outputs and dependencies: which VPC and
//! subnets each runs in, which security groups and CIDRs it lets in on which port, which
//! secrets it keeps or reads. The diagram and the wiring list are drawn from this.

use serde_json::Value;

use crate::state::StateResource;

const VPC_TYPE: &str = "healthcare:network:SecureVpc";
const FARGATE_TYPE: &str = "healthcare:compute:FargateCluster";

/// The wiring of a stack's healthcare resources.
#[derive(Debug, Clone, Default)]
pub struct Wiring {
    pub networks: Vec<Network>,
    pub nodes: Vec<Node>,
    pub secrets: Vec<Secret>,
    pub links: Vec<Link>,
}

/// A VPC: a SecureVpc of the stack, or one its resources name that the stack does not hold.
#[derive(Debug, Clone, Default)]
pub struct Network {
    /// The resource name, or the VPC id for a VPC outside the stack.
    pub name: String,
    pub vpc_id: String,
    pub cidr: Option<String>,
    pub in_stack: bool,
    /// Subnet tiers in the order public, private, isolated, then others by name.
    pub tiers: Vec<Tier>,
    pub application_security_group: Option<String>,
    pub endpoint_security_group: Option<String>,
}

/// The subnets of one tier.
#[derive(Debug, Clone, Default)]
pub struct Tier {
    pub name: String,
    pub subnets: Vec<Subnet>,
}

#[derive(Debug, Clone, Default)]
pub struct Subnet {
    pub id: String,
    pub zone: String,
    pub cidr: String,
}

/// Something that runs: a cache, a database, a Fargate service, a stream.
#[derive(Debug, Clone, Default)]
pub struct Node {
    /// `sessionCache`, or `clinicalServices/app` for a service of a cluster.
    pub label: String,
    /// The resource it belongs to.
    pub resource: String,
    /// `EncryptedRedis`, `Fargate service`, ...
    pub kind: String,
    pub vpc_id: Option<String>,
    pub subnets: Vec<String>,
    /// Security groups its network interfaces carry.
    pub security_groups: Vec<String>,
    pub port: Option<i64>,
    pub allowed_groups: Vec<String>,
    pub allowed_cidrs: Vec<String>,
    /// Short facts shown in its box (roles, endpoints).
    pub facts: Vec<String>,
}

/// A Secrets Manager secret, by ARN (without any `:key::` suffix).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Secret {
    pub arn: String,
    /// The secret's name, the ARN's last part.
    pub name: String,
}

/// What a link stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// `from` may connect to `to` (a security group rule).
    Network,
    /// `from` reads the secret `to` (a service's `secrets`).
    Reads,
    /// `from` keeps a credential in the secret `to`.
    Keeps,
    /// `from` uses outputs of `to`, in a way the report has no other name for.
    Uses,
}

/// Where a link starts or ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Node(usize),
    Secret(usize),
}

/// One arrow of the diagram, with the sentence the wiring list says for it.
#[derive(Debug, Clone)]
pub struct Link {
    pub from: End,
    pub to: End,
    pub kind: LinkKind,
    /// A few words on the arrow: `tcp/6379`, `reads DB_PASSWORD`.
    pub label: String,
}

/// Credentials a resource keeps in Secrets Manager: `(output, what the secret holds)`.
const KEPT_SECRETS: [(&str, &str); 2] = [
    ("authSecretArn", "AUTH token"),
    ("masterUserSecretArn", "master password"),
];

/// Reads the wiring of the given (healthcare) resources.
pub fn build(resources: &[&StateResource]) -> Wiring {
    let mut wiring = Wiring::default();
    let mut owners: Vec<(String, Vec<End>)> = Vec::new();
    for resource in resources {
        let first_node = wiring.nodes.len();
        match resource.kind.as_str() {
            VPC_TYPE => wiring.networks.push(network(resource)),
            FARGATE_TYPE => wiring.nodes.extend(services(resource)),
            _ => wiring.nodes.push(node(resource)),
        }
        let ends = (first_node..wiring.nodes.len()).map(End::Node).collect();
        owners.push((resource.urn.clone(), ends));
        for (output, what) in KEPT_SECRETS {
            if let Some(arn) = resource.output_str(output).filter(|a| !a.is_empty()) {
                let secret = wiring.secret(arn);
                for node in first_node..wiring.nodes.len() {
                    wiring.link(
                        End::Node(node),
                        secret,
                        LinkKind::Keeps,
                        format!("keeps {what}"),
                    );
                }
            }
        }
    }
    add_outside_networks(&mut wiring);
    add_ingress_links(&mut wiring);
    add_secret_reads(&mut wiring, resources);
    add_uses_links(&mut wiring, resources, &owners);
    wiring
}

impl Wiring {
    /// The secret with this ARN (a `:key::` suffix ignored), added when new.
    fn secret(&mut self, reference: &str) -> End {
        let arn = secret_arn(reference);
        if let Some(index) = self.secrets.iter().position(|s| s.arn == arn) {
            return End::Secret(index);
        }
        let name = arn.rsplit(':').next().unwrap_or(&arn).to_string();
        self.secrets.push(Secret { arn, name });
        End::Secret(self.secrets.len() - 1)
    }

    fn link(&mut self, from: End, to: End, kind: LinkKind, label: String) {
        self.links.push(Link {
            from,
            to,
            kind,
            label,
        });
    }

    /// The network a node runs in, by VPC id.
    pub fn network_of(&self, node: &Node) -> Option<usize> {
        let vpc = node.vpc_id.as_deref()?;
        self.networks.iter().position(|n| n.vpc_id == vpc)
    }

    /// The tier of `network` holding most of the node's subnets.
    pub fn tier_of(&self, network: usize, node: &Node) -> Option<usize> {
        let tiers = &self.networks.get(network)?.tiers;
        (0..tiers.len())
            .map(|t| {
                let held = tiers[t]
                    .subnets
                    .iter()
                    .filter(|s| node.subnets.contains(&s.id))
                    .count();
                (held, t)
            })
            .filter(|(held, _)| *held > 0)
            .max_by_key(|(held, t)| (*held, std::cmp::Reverse(*t)))
            .map(|(_, t)| t)
    }

    /// The label of an end.
    pub fn label(&self, end: End) -> &str {
        match end {
            End::Node(i) => &self.nodes[i].label,
            End::Secret(i) => &self.secrets[i].name,
        }
    }
}

/// The secret's ARN without a `:json-key:version-stage:version-id` suffix.
pub fn secret_arn(reference: &str) -> String {
    reference.split(':').take(7).collect::<Vec<_>>().join(":")
}

fn network(resource: &StateResource) -> Network {
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
        vpc_id: text(resource, "vpcId").unwrap_or_default(),
        cidr: text(resource, "cidrBlock"),
        in_stack: true,
        tiers,
        application_security_group: text(resource, "applicationSecurityGroupId"),
        endpoint_security_group: text(resource, "endpointSecurityGroupId"),
    }
}

fn node(resource: &StateResource) -> Node {
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
        resource: resource.name().to_string(),
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
fn services(resource: &StateResource) -> Vec<Node> {
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
                resource: resource.name().to_string(),
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

/// A network for each VPC a node names that no SecureVpc of the stack is.
fn add_outside_networks(wiring: &mut Wiring) {
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
fn add_ingress_links(wiring: &mut Wiring) {
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
fn add_secret_reads(wiring: &mut Wiring, resources: &[&StateResource]) {
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
fn add_uses_links(
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

/// An output, else the input of that name (outputs hold every input with defaults filled).
fn field<'a>(resource: &'a StateResource, key: &str) -> Option<&'a Value> {
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

fn texts(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}
