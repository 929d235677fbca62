//! Validation and defaults of EncryptedRedis inputs.

use ipnet::IpNet;
use pulumi_provider::{CheckCtx, CheckFailure, NameRules};

use super::args::RedisArgs;
use crate::compliance::{
    REDIS_AUTO_FAILOVER, REDIS_BACKUP, REDIS_ENCRYPTED_AT_REST, REDIS_ENCRYPTED_IN_TRANSIT,
    SG_AUTHORIZED_PORTS,
};

pub const DEFAULT_PORT: i32 = 6379;
pub const DEFAULT_REPLICAS: i32 = 1;
pub const DEFAULT_SHARDS: i32 = 2;
pub const DEFAULT_NODE_TYPE: &str = "cache.t4g.medium";
pub const DEFAULT_SNAPSHOT_DAYS: i32 = 15;
pub const DEFAULT_SECRET_RECOVERY_DAYS: i64 = 30;
const MAX_REPLICAS: i32 = 5;

/// Replication group ids: 1 to 40 letters, digits and hyphens (AWS keeps them lowercase).
const NAME_RULES: NameRules = NameRules {
    max_len: 40,
    allowed: |c| c.is_ascii_alphanumeric() || c == '-',
};

pub fn check(
    ctx: &mut CheckCtx,
    mut a: RedisArgs,
    olds: Option<&RedisArgs>,
) -> (RedisArgs, Vec<CheckFailure>) {
    let mut failures = Vec::new();
    let given = a.replication_group_id.is_some();
    let previous = olds.and_then(|o| o.replication_group_id.as_deref());
    match ctx.physical_name(
        "replicationGroupId",
        a.replication_group_id.take(),
        previous,
        NAME_RULES,
    ) {
        Ok(name) => match group_id(name, given) {
            Ok(name) => a.replication_group_id = Some(name),
            Err(why) => failures.push(CheckFailure::new("replicationGroupId", why)),
        },
        Err(f) => failures.push(f),
    }
    if !a.vpc_id.starts_with("vpc-") {
        failures.push(CheckFailure::new(
            "vpcId",
            format!("{:?} is not a VPC id (vpc-...)", a.vpc_id),
        ));
    }
    if a.subnet_ids.is_empty() {
        failures.push(CheckFailure::new(
            "subnetIds",
            "at least one private or isolated subnet is required",
        ));
    }
    for (i, s) in a.subnet_ids.iter().enumerate() {
        if !s.starts_with("subnet-") {
            failures.push(CheckFailure::new(
                format!("subnetIds[{i}]"),
                format!("{s:?} is not a subnet id (subnet-...)"),
            ));
        }
    }
    sources(ctx, &a, &mut failures);
    // Failures above carry the program's indices; from here on the order is canonical.
    for list in [
        Some(&mut a.subnet_ids),
        a.allowed_security_group_ids.as_mut(),
        a.allowed_cidr_blocks.as_mut(),
    ]
    .into_iter()
    .flatten()
    {
        list.sort();
        list.dedup();
    }

    let port = *a.port.get_or_insert(DEFAULT_PORT);
    if !(1024..=65535).contains(&port) {
        failures.push(CheckFailure::new(
            "port",
            format!("must be between 1024 and 65535, got {port}"),
        ));
    }
    let engine = *a.engine.get_or_insert_default();
    let version = a
        .engine_version
        .get_or_insert_with(|| engine.default_version().to_string())
        .clone();
    match parse_version(&version) {
        None => failures.push(CheckFailure::new(
            "engineVersion",
            format!("{version:?} is not a version such as 7.1"),
        )),
        Some(v) => {
            let old = olds
                .filter(|o| o.engine() == engine)
                .and_then(|o| o.engine_version.as_deref())
                .and_then(parse_version);
            if let Some(old) = old.filter(|old| v < *old) {
                failures.push(CheckFailure::new(
                    "engineVersion",
                    format!(
                        "ElastiCache cannot downgrade {} from {}.{} to {version}; replace the cache to go back",
                        engine.as_str(),
                        old.0,
                        old.1
                    ),
                ));
            }
        }
    }
    let node_type = a
        .node_type
        .get_or_insert_with(|| DEFAULT_NODE_TYPE.to_string());
    if !node_type.starts_with("cache.") {
        failures.push(CheckFailure::new(
            "nodeType",
            format!("{node_type:?} is not a cache node type such as {DEFAULT_NODE_TYPE}"),
        ));
    }
    let replicas = *a.replicas.get_or_insert(DEFAULT_REPLICAS);
    if !(0..=MAX_REPLICAS).contains(&replicas) {
        failures.push(CheckFailure::new(
            "replicas",
            format!("must be between 0 and {MAX_REPLICAS}, got {replicas}"),
        ));
    } else if replicas == 0 {
        ctx.warn(format!(
            "replicas is 0: a single node has no Multi-AZ automatic failover ({})",
            REDIS_AUTO_FAILOVER.name
        ));
    } else if a.subnet_ids.len() < 2 {
        failures.push(CheckFailure::new(
            "subnetIds",
            REDIS_AUTO_FAILOVER.violation(
                "Multi-AZ failover needs subnets in at least two AZs; give two or more subnets or set replicas to 0",
            ),
        ));
    }
    let cluster = *a.cluster_mode.get_or_insert(false);
    match (cluster, a.shards) {
        (false, Some(_)) => failures.push(CheckFailure::new(
            "shards",
            "shards apply only with clusterMode: true",
        )),
        (true, None) => a.shards = Some(DEFAULT_SHARDS),
        (true, Some(n)) if !(1..=500).contains(&n) => failures.push(CheckFailure::new(
            "shards",
            format!("must be between 1 and 500, got {n}"),
        )),
        _ => {}
    }
    if a.transit_encryption == Some(false) {
        failures.push(CheckFailure::new(
            "transitEncryption",
            REDIS_ENCRYPTED_IN_TRANSIT.violation("TLS cannot be turned off"),
        ));
    }
    a.transit_encryption = Some(true);
    if a.at_rest_encryption == Some(false) {
        failures.push(CheckFailure::new(
            "atRestEncryption",
            REDIS_ENCRYPTED_AT_REST.violation("at-rest encryption cannot be turned off"),
        ));
    }
    a.at_rest_encryption = Some(true);
    if a.kms_key_id.as_deref() == Some("") {
        failures.push(CheckFailure::new(
            "kmsKeyId",
            "must name a KMS key (id, ARN or alias/...) or be left out",
        ));
    }
    let days = *a
        .snapshot_retention_days
        .get_or_insert(DEFAULT_SNAPSHOT_DAYS);
    if !(1..=35).contains(&days) {
        failures.push(CheckFailure::new(
            "snapshotRetentionDays",
            REDIS_BACKUP.violation(format!(
                "automatic snapshots must be kept 1 to 35 days (15 by default), got {days}"
            )),
        ));
    } else if days < DEFAULT_SNAPSHOT_DAYS {
        ctx.warn(format!(
            "snapshotRetentionDays is {days}, below the {DEFAULT_SNAPSHOT_DAYS} days {} expects",
            REDIS_BACKUP.name
        ));
    }
    if let Some(w) = &a.snapshot_window
        && !window(w, false)
    {
        failures.push(CheckFailure::new(
            "snapshotWindow",
            format!("{w:?} is not a daily UTC window such as 05:00-06:00"),
        ));
    }
    if let Some(w) = &a.maintenance_window
        && !window(w, true)
    {
        failures.push(CheckFailure::new(
            "maintenanceWindow",
            format!("{w:?} is not a weekly UTC window such as sun:06:00-sun:07:00"),
        ));
    }
    a.skip_final_snapshot.get_or_insert(false);
    if let Some(name) = &a.final_snapshot_name
        && (name.is_empty()
            || name.len() > 255
            || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
    {
        failures.push(CheckFailure::new(
            "finalSnapshotName",
            "must be 1 to 255 letters, digits and hyphens",
        ));
    }
    let recovery = *a
        .secret_recovery_days
        .get_or_insert(DEFAULT_SECRET_RECOVERY_DAYS);
    if recovery != 0 && !(7..=30).contains(&recovery) {
        failures.push(CheckFailure::new(
            "secretRecoveryDays",
            format!("must be 0 (delete at once) or 7 to 30 days, got {recovery}"),
        ));
    }
    for key in a.tags.iter().flatten().map(|(k, _)| k) {
        if key.to_ascii_lowercase().starts_with("aws:") || key.is_empty() || key.len() > 128 {
            failures.push(CheckFailure::new(
                format!("tags.{key}"),
                "tag keys are 1 to 128 characters and may not start with aws:",
            ));
        }
    }
    (a, failures)
}

/// The allowed sources: security group ids and CIDRs, never the whole internet.
fn sources(ctx: &mut CheckCtx, a: &RedisArgs, failures: &mut Vec<CheckFailure>) {
    if let Some(groups) = &a.allowed_security_group_ids {
        for (i, g) in groups.iter().enumerate() {
            if !g.starts_with("sg-") {
                failures.push(CheckFailure::new(
                    format!("allowedSecurityGroupIds[{i}]"),
                    format!("{g:?} is not a security group id (sg-...)"),
                ));
            }
        }
    }
    if let Some(cidrs) = &a.allowed_cidr_blocks {
        for (i, c) in cidrs.iter().enumerate() {
            let property = format!("allowedCidrBlocks[{i}]");
            match c.parse::<IpNet>() {
                Err(e) => failures.push(CheckFailure::new(
                    property,
                    format!("{c:?} is not a CIDR block: {e}"),
                )),
                Ok(net) if net.prefix_len() == 0 => failures.push(CheckFailure::new(
                    property,
                    SG_AUTHORIZED_PORTS.violation(format!(
                        "{c} opens the cache to the whole internet; name the networks that need it"
                    )),
                )),
                Ok(net) if net.trunc() != net => failures.push(CheckFailure::new(
                    property,
                    format!("{c} has host bits set; did you mean {}?", net.trunc()),
                )),
                Ok(_) => {}
            }
        }
    }
    let none = |v: &Option<Vec<String>>| v.as_ref().is_none_or(|v| v.is_empty());
    if none(&a.allowed_security_group_ids) && none(&a.allowed_cidr_blocks) {
        ctx.warn(
            "neither allowedSecurityGroupIds nor allowedCidrBlocks is set: nothing can connect to the cache",
        );
    }
}

/// Lowercases an auto-name; refuses a given name AWS would change or reject.
fn group_id(name: String, given: bool) -> Result<String, String> {
    if given && name.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(format!(
            "{name:?}: use lowercase; ElastiCache stores ids in lowercase"
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
fn window(w: &str, weekly: bool) -> bool {
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

#[cfg(test)]
#[path = "check_tests.rs"]
mod tests;
