//! Input checks shared by the resources that live in a VPC: where they run, who may connect,
//! windows, versions, identifiers and tags.

use ipnet::IpNet;
use pulumi_provider::{CheckCtx, CheckFailure, NameRules};

use crate::compliance::SG_AUTHORIZED_PORTS;

/// The physical name in `value` (property `property`): auto-named from the resource name
/// when absent, kept from `previous` on update, lowercased; `service` names who stores it.
pub fn identifier(
    ctx: &mut CheckCtx,
    property: &str,
    value: &mut Option<String>,
    previous: Option<&str>,
    rules: NameRules,
    service: &str,
    failures: &mut Vec<CheckFailure>,
) {
    let given = value.is_some();
    match ctx.physical_name(property, value.take(), previous, rules) {
        Ok(name) => match lowercase_id(name, given, service) {
            Ok(name) => *value = Some(name),
            Err(why) => failures.push(CheckFailure::new(property, why)),
        },
        Err(f) => failures.push(f),
    }
}

/// Where a VPC resource runs and who may reach it (`what`, "the cache"): ids checked with
/// the program's indices, then the lists sorted and deduplicated.
pub fn network(
    ctx: &mut CheckCtx,
    vpc_id: &str,
    subnet_ids: &mut Vec<String>,
    groups: &mut Option<Vec<String>>,
    cidrs: &mut Option<Vec<String>>,
    what: &str,
    failures: &mut Vec<CheckFailure>,
) {
    let scope = Scope {
        prefix: "",
        what: Some(what),
    };
    network_at(ctx, scope, vpc_id, subnet_ids, groups, cidrs, failures);
}

/// Where the properties of a network check sit and what the allowed sources reach.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    /// Put before every property named: "" at the top, "services.app." in a nested object.
    pub prefix: &'a str,
    /// What the sources connect to ("the cache"); `None` when nothing listens, so that no
    /// warning says nothing can connect.
    pub what: Option<&'a str>,
}

/// [`network`] for properties nested under `scope.prefix`: the failures name
/// `<prefix>vpcId`, `<prefix>subnetIds[i]`, `<prefix>allowedCidrBlocks[i]`...
pub fn network_at(
    ctx: &mut CheckCtx,
    scope: Scope,
    vpc_id: &str,
    subnet_ids: &mut Vec<String>,
    groups: &mut Option<Vec<String>>,
    cidrs: &mut Option<Vec<String>>,
    failures: &mut Vec<CheckFailure>,
) {
    placement(scope.prefix, vpc_id, subnet_ids, failures);
    sources(ctx, scope, groups, cidrs, failures);
    canonical([Some(subnet_ids), groups.as_mut(), cidrs.as_mut()]);
}

/// `vpcId` and `subnetIds`: ids of the right kinds, at least one subnet.
fn placement(prefix: &str, vpc_id: &str, subnet_ids: &[String], failures: &mut Vec<CheckFailure>) {
    if !vpc_id.starts_with("vpc-") {
        failures.push(CheckFailure::new(
            format!("{prefix}vpcId"),
            format!("{vpc_id:?} is not a VPC id (vpc-...)"),
        ));
    }
    if subnet_ids.is_empty() {
        failures.push(CheckFailure::new(
            format!("{prefix}subnetIds"),
            "at least one private or isolated subnet is required",
        ));
    }
    for (i, s) in subnet_ids.iter().enumerate() {
        if !s.starts_with("subnet-") {
            failures.push(CheckFailure::new(
                format!("{prefix}subnetIds[{i}]"),
                format!("{s:?} is not a subnet id (subnet-...)"),
            ));
        }
    }
}

/// The allowed sources: security group ids and CIDRs, never the whole internet.
/// `scope.what` names the thing they connect to ("the cache").
fn sources(
    ctx: &mut CheckCtx,
    scope: Scope,
    groups: &Option<Vec<String>>,
    cidrs: &Option<Vec<String>>,
    failures: &mut Vec<CheckFailure>,
) {
    let prefix = scope.prefix;
    for (i, g) in groups.iter().flatten().enumerate() {
        if !g.starts_with("sg-") {
            failures.push(CheckFailure::new(
                format!("{prefix}allowedSecurityGroupIds[{i}]"),
                format!("{g:?} is not a security group id (sg-...)"),
            ));
        }
    }
    let target = scope.what.unwrap_or("it");
    for (i, c) in cidrs.iter().flatten().enumerate() {
        let property = format!("{prefix}allowedCidrBlocks[{i}]");
        match c.parse::<IpNet>() {
            Err(e) => failures.push(CheckFailure::new(
                property,
                format!("{c:?} is not a CIDR block: {e}"),
            )),
            Ok(net) if net.prefix_len() == 0 => failures.push(CheckFailure::new(
                property,
                SG_AUTHORIZED_PORTS.violation(format!(
                    "{c} opens {target} to the whole internet; name the networks that need it"
                )),
            )),
            Ok(net) if too_wide(&net) => failures.push(CheckFailure::new(
                property,
                SG_AUTHORIZED_PORTS.violation(format!(
                    "{c} opens {target} to a wide part of the internet; name the networks that \
                     need it: private ranges of any size, public blocks of /16 (IPv6 /48) or \
                     narrower"
                )),
            )),
            Ok(net) if net.trunc() != net => failures.push(CheckFailure::new(
                property,
                format!("{c} has host bits set; did you mean {}?", net.trunc()),
            )),
            Ok(_) => {}
        }
    }
    let none = |v: &Option<Vec<String>>| v.as_ref().is_none_or(|v| v.is_empty());
    if let Some(what) = scope.what
        && none(groups)
        && none(cidrs)
    {
        ctx.warn(format!(
            "neither {prefix}allowedSecurityGroupIds nor {prefix}allowedCidrBlocks is set: nothing can connect to {what}"
        ));
    }
}

/// A block holding public addresses wider than a /16 (IPv6: /48): several of them (as
/// `0.0.0.0/1` and `128.0.0.0/1`) can open the same range as `0.0.0.0/0`. Private ranges
/// (RFC 1918, shared address space, IPv6 unique local) may be of any size.
fn too_wide(net: &IpNet) -> bool {
    const PRIVATE: [&str; 5] = [
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",
        "fc00::/7",
    ];
    let private = PRIVATE
        .iter()
        .filter_map(|p| p.parse::<IpNet>().ok())
        .any(|p| p.contains(net));
    let widest = match net {
        IpNet::V4(_) => 16,
        IpNet::V6(_) => 48,
    };
    !private && net.prefix_len() < widest
}

/// Sorts and deduplicates id lists once their failures (which carry the program's
/// indices) are recorded.
fn canonical(lists: [Option<&mut Vec<String>>; 3]) {
    for list in lists.into_iter().flatten() {
        list.sort();
        list.dedup();
    }
}

/// Lowercases an auto-name; refuses a given name AWS would change or reject. `service`
/// names who stores it in lowercase ("ElastiCache").
fn lowercase_id(name: String, given: bool, service: &str) -> Result<String, String> {
    if given && name.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(format!(
            "{name:?}: use lowercase; {service} stores ids in lowercase"
        ));
    }
    let name = name.to_ascii_lowercase();
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err(format!("{name:?} must start with a letter"));
    }
    if name.ends_with('-') || name.contains("--") {
        return Err(format!(
            "{name:?} may not end with a hyphen or contain two hyphens in a row"
        ));
    }
    Ok(name)
}

/// `major.minor[.patch]`, as a comparable pair.
pub fn parse_version(v: &str) -> Option<(u32, u32)> {
    let mut parts = v.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = match parts.next() {
        Some(m) => m.parse().ok()?,
        None => 0,
    };
    parts
        .all(|p| p.parse::<u32>().is_ok() || p == "x")
        .then_some((major, minor))
}

/// `hh24:mi-hh24:mi`, or with `weekly` `ddd:hh24:mi-ddd:hh24:mi`.
pub fn window(w: &str, weekly: bool) -> bool {
    const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let time = |t: &str| {
        let (h, m) = t.split_once(':').unwrap_or(("", ""));
        h.len() == 2
            && m.len() == 2
            && h.parse::<u32>().is_ok_and(|h| h < 24)
            && m.parse::<u32>().is_ok_and(|m| m < 60)
    };
    let point = |p: &str| {
        if weekly {
            p.split_once(':')
                .is_some_and(|(d, t)| DAYS.contains(&d.to_ascii_lowercase().as_str()) && time(t))
        } else {
            time(p)
        }
    };
    w.split_once('-')
        .is_some_and(|(from, to)| point(from) && point(to))
}

/// The backup and maintenance windows, when given.
pub fn windows(
    daily: (&str, &Option<String>),
    weekly: (&str, &Option<String>),
    failures: &mut Vec<CheckFailure>,
) {
    if let Some(w) = daily.1
        && !window(w, false)
    {
        failures.push(CheckFailure::new(
            daily.0,
            format!("{w:?} is not a daily UTC window such as 05:00-06:00"),
        ));
    }
    if let Some(w) = weekly.1
        && !window(w, true)
    {
        failures.push(CheckFailure::new(
            weekly.0,
            format!("{w:?} is not a weekly UTC window such as sun:06:00-sun:07:00"),
        ));
    }
}

/// A snapshot name AWS accepts, when given.
pub fn snapshot_name(property: &str, name: &Option<String>, failures: &mut Vec<CheckFailure>) {
    if let Some(name) = name
        && (name.is_empty()
            || name.len() > 255
            || !name.starts_with(|c: char| c.is_ascii_alphabetic())
            || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
    {
        failures.push(CheckFailure::new(
            property,
            "must be 1 to 255 letters, digits and hyphens, starting with a letter",
        ));
    }
}

/// Tag keys AWS accepts from users.
pub fn tags<'a>(keys: impl Iterator<Item = &'a String>, failures: &mut Vec<CheckFailure>) {
    for key in keys {
        if key.to_ascii_lowercase().starts_with("aws:") || key.is_empty() || key.len() > 128 {
            failures.push(CheckFailure::new(
                format!("tags.{key}"),
                "tag keys are 1 to 128 characters and may not start with aws:",
            ));
        }
    }
}

/// Roles and users named for a resource policy's `aws:PrincipalArn`: a role name (IAM's
/// characters, 64 at most) or a role or user ARN, never a wildcard, each once.
pub fn iam_principals(
    property: &str,
    given: &mut Option<Vec<String>>,
    failures: &mut Vec<CheckFailure>,
) {
    let Some(list) = given else {
        return;
    };
    for (i, p) in list.iter().enumerate() {
        if let Err(why) = iam_principal(p) {
            failures.push(CheckFailure::new(
                format!("{property}[{i}]"),
                format!("{p:?} {why}"),
            ));
        }
    }
    list.sort();
    list.dedup();
}

fn iam_principal(p: &str) -> Result<(), &'static str> {
    if p.contains(['*', '?']) {
        return Err("holds a wildcard; name each role or user exactly");
    }
    if let Some(rest) = p.strip_prefix("arn:") {
        let parts: Vec<&str> = rest.splitn(5, ':').collect();
        let [_partition, service, region, account, resource] = parts.as_slice() else {
            return Err("is not an ARN");
        };
        let kind_ok = resource.starts_with("role/") || resource.starts_with("user/");
        if *service != "iam"
            || !region.is_empty()
            || account.len() != 12
            || !account.bytes().all(|b| b.is_ascii_digit())
            || !kind_ok
        {
            return Err(
                "is not the ARN of an IAM role or user (arn:aws:iam::<account>:role/<name>)",
            );
        }
        return Ok(());
    }
    let name_ok = |c: char| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c);
    if p.is_empty() || p.len() > 64 || !p.chars().all(name_ok) {
        return Err(
            "is neither a role name (letters, digits and +=,.@_-, 64 at most) nor a role or user ARN",
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_blocks_wider_than_a_slash_16_are_too_wide_and_private_ranges_never() {
        let wide = |c: &str| c.parse::<IpNet>().map(|n| too_wide(&n)).unwrap_or(false);
        for c in [
            "0.0.0.0/1",
            "128.0.0.0/1",
            "11.0.0.0/8",
            "52.0.0.0/15",
            "2001:db8::/32",
        ] {
            assert!(wide(c), "{c}");
        }
        for c in [
            "10.0.0.0/8",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "100.64.0.0/10",
            "10.40.0.0/16",
            "203.0.113.0/24",
            "52.95.0.0/16",
            "fd00::/8",
            "2001:db8:1::/48",
        ] {
            assert!(!wide(c), "{c}");
        }
    }
}
