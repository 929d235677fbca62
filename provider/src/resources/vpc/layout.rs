//! Where each subnet goes. Deterministic and stable: a subnet's default CIDR depends only
//! on the VPC CIDR, its tier, the tier's prefix length and its AZ's letter (us-east-1c is
//! slot 2), never on list positions, so adding an AZ adds subnets and moves none.
//!
//! The default layout of a /N VPC: private subnets /N+4 in the first half; public and
//! isolated subnets /N+6 in the fifth and sixth eighths; the rest is left free.

use ipnet::Ipv4Net;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    Public,
    Private,
    Isolated,
}

impl Tier {
    pub const ALL: [Tier; 3] = [Tier::Public, Tier::Private, Tier::Isolated];

    pub fn name(self) -> &'static str {
        match self {
            Tier::Public => "public",
            Tier::Private => "private",
            Tier::Isolated => "isolated",
        }
    }

    /// The prefix length a tier's subnets get by default in a VPC of `vpc_prefix`.
    pub fn default_prefix(self, vpc_prefix: u8) -> u8 {
        match self {
            Tier::Private => vpc_prefix + 4,
            Tier::Public | Tier::Isolated => vpc_prefix + 6,
        }
    }

    /// The block of the VPC that holds this tier's subnets.
    pub fn block(self, vpc: Ipv4Net) -> Option<Ipv4Net> {
        let p = vpc.prefix_len();
        match self {
            Tier::Private => vpc.subnets(p + 1).ok()?.next(),
            Tier::Public => vpc.subnets(p + 3).ok()?.nth(4),
            Tier::Isolated => vpc.subnets(p + 3).ok()?.nth(5),
        }
    }
}

/// The slot of an AZ: the position of its final letter (us-east-1a is 0). Local Zones and
/// names not ending in a letter a..h have none.
pub fn slot(az: &str) -> Option<u8> {
    let last = az.chars().last()?;
    ('a'..='h').contains(&last).then(|| last as u8 - b'a')
}

/// The default CIDR of a subnet, or why there is none.
pub fn default_cidr(vpc: Ipv4Net, tier: Tier, prefix: u8, az: &str) -> Result<Ipv4Net, String> {
    let slot = slot(az).ok_or_else(|| {
        format!("{az} has no slot (its name must end in a letter a to h); give its CIDR explicitly")
    })?;
    let block = tier.block(vpc).ok_or_else(|| {
        format!(
            "a /{} VPC is too small for the default layout",
            vpc.prefix_len()
        )
    })?;
    if prefix < block.prefix_len() + 3 || prefix > 28 {
        return Err(format!(
            "a /{prefix} {} subnet does not leave room for 8 AZ slots in its block {block}; use /{} to /28",
            tier.name(),
            block.prefix_len() + 3
        ));
    }
    block
        .subnets(prefix)
        .map_err(|e| e.to_string())?
        .nth(usize::from(slot))
        .ok_or_else(|| format!("no room for slot {slot} in {block}"))
}

#[cfg(test)]
#[path = "layout_tests.rs"]
mod tests;
