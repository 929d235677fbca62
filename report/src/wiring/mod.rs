//! How the resources are wired, read from their outputs and dependencies: which VPC and
//! subnets each runs in, which security groups and CIDRs it lets in on which port, which
//! secrets it keeps or reads. The diagram and the wiring list are drawn from this.

use crate::state::StateResource;

mod extract;
mod links;

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
    /// The SecureVpc's URN; empty for a VPC outside the stack.
    pub urn: String,
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
    /// The URN of the resource it belongs to (names are not unique in a stack).
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
            VPC_TYPE => wiring.networks.push(extract::network(resource)),
            FARGATE_TYPE => wiring.nodes.extend(extract::services(resource)),
            _ => wiring.nodes.push(extract::node(resource)),
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
    links::add_outside_networks(&mut wiring);
    links::add_ingress_links(&mut wiring);
    links::add_secret_reads(&mut wiring, resources);
    links::add_uses_links(&mut wiring, resources, &owners);
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
