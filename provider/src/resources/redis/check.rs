//! Validation and defaults of EncryptedRedis inputs.

use pulumi_provider::{CheckCtx, CheckFailure, NameRules};

use super::args::{
    DEFAULT_NODE_TYPE, DEFAULT_PORT, DEFAULT_REPLICAS, DEFAULT_ROTATION_DAYS,
    DEFAULT_SECRET_RECOVERY_DAYS, DEFAULT_SHARDS, DEFAULT_SNAPSHOT_DAYS, Engine, RedisArgs,
};
use crate::compliance::{
    REDIS_AUTO_FAILOVER, REDIS_BACKUP, REDIS_ENCRYPTED_AT_REST, REDIS_ENCRYPTED_IN_TRANSIT,
    SECRET_ROTATION,
};
use crate::resources::inputs;
pub use crate::resources::inputs::parse_version;

const MAX_REPLICAS: i32 = 5;
/// ElastiCache's first Valkey version.
const VALKEY_FIRST: (u32, u32) = (7, 2);

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
    let previous = olds.and_then(|o| o.replication_group_id.as_deref());
    inputs::identifier(
        ctx,
        "replicationGroupId",
        &mut a.replication_group_id,
        previous,
        NAME_RULES,
        "ElastiCache",
        &mut failures,
    );
    inputs::network(
        ctx,
        &a.vpc_id,
        &mut a.subnet_ids,
        &mut a.allowed_security_group_ids,
        &mut a.allowed_cidr_blocks,
        "the cache",
        &mut failures,
    );

    let port = *a.port.get_or_insert(DEFAULT_PORT);
    if !(1024..=65535).contains(&port) {
        failures.push(CheckFailure::new(
            "port",
            format!("must be between 1024 and 65535, got {port}"),
        ));
    }
    check_engine(&mut a, olds, &mut failures);
    let node_type = a
        .node_type
        .get_or_insert_with(|| DEFAULT_NODE_TYPE.to_string());
    if !node_type.starts_with("cache.") {
        failures.push(CheckFailure::new(
            "nodeType",
            format!("{node_type:?} is not a cache node type such as {DEFAULT_NODE_TYPE}"),
        ));
    }
    check_topology(ctx, &mut a, &mut failures);
    check_encryption(&mut a, &mut failures);
    check_snapshots(ctx, &mut a, &mut failures);
    inputs::windows(
        ("snapshotWindow", &a.snapshot_window),
        ("maintenanceWindow", &a.maintenance_window),
        &mut failures,
    );
    a.skip_final_snapshot.get_or_insert(false);
    inputs::snapshot_name("finalSnapshotName", &a.final_snapshot_name, &mut failures);
    let recovery = *a
        .secret_recovery_days
        .get_or_insert(DEFAULT_SECRET_RECOVERY_DAYS);
    if recovery != 0 && !(7..=30).contains(&recovery) {
        failures.push(CheckFailure::new(
            "secretRecoveryDays",
            format!("must be 0 (delete at once) or 7 to 30 days, got {recovery}"),
        ));
    }
    check_rotation_days(&mut a, olds, &mut failures);
    check_secret_principals(&mut a, &mut failures);
    inputs::tags(a.tags.iter().flatten().map(|(k, _)| k), &mut failures);
    (a, failures)
}

/// The schedule of the AUTH token's rotation. A cache recorded by a release before the
/// schedule existed, and not given one, keeps no recorded value: upgrading the provider plans
/// no change, and its next update sets the default schedule up. A refresh reads 0 when a
/// recorded schedule is gone, which the default then puts right.
fn check_rotation_days(
    a: &mut RedisArgs,
    olds: Option<&RedisArgs>,
    failures: &mut Vec<CheckFailure>,
) {
    if a.auth_token_rotation_days.is_none()
        && olds.is_some_and(|o| o.auth_token_rotation_days.is_none())
    {
        return;
    }
    let days = *a
        .auth_token_rotation_days
        .get_or_insert(DEFAULT_ROTATION_DAYS);
    if !(1..=365).contains(&days) {
        failures.push(CheckFailure::new(
            "authTokenRotationDays",
            SECRET_ROTATION.violation(format!(
                "the AUTH token must rotate every 1 to 365 days, got {days}"
            )),
        ));
    }
}

/// Who may touch the AUTH secret: readers, and administrators only beside readers.
fn check_secret_principals(a: &mut RedisArgs, failures: &mut Vec<CheckFailure>) {
    inputs::iam_principals("authSecretReaders", &mut a.auth_secret_readers, failures);
    inputs::iam_principals(
        "authSecretAdministrators",
        &mut a.auth_secret_administrators,
        failures,
    );
    if a.auth_secret_readers.as_ref().is_some_and(|r| r.is_empty()) {
        failures.push(CheckFailure::new(
            "authSecretReaders",
            "name at least one reader; leave it out to set no resource policy",
        ));
    }
    if a.auth_secret_readers.is_none() && a.auth_secret_administrators.is_some() {
        failures.push(CheckFailure::new(
            "authSecretAdministrators",
            "applies only to the resource policy that `authSecretReaders` asks for",
        ));
    }
}

/// The engine and its version, which may go up but not down: Redis may become Valkey (a
/// cross-engine upgrade ElastiCache makes in place), never the other way.
fn check_engine(a: &mut RedisArgs, olds: Option<&RedisArgs>, failures: &mut Vec<CheckFailure>) {
    let engine = *a.engine.get_or_insert_default();
    let old_engine = olds.map(RedisArgs::engine);
    if old_engine == Some(Engine::Valkey) && engine == Engine::Redis {
        failures.push(CheckFailure::new(
            "engine",
            "ElastiCache cannot move a cache from valkey back to redis, in place or by replacing it (a new cache would start empty); keep valkey, or restore a snapshot into a new EncryptedRedis",
        ));
    }
    if old_engine == Some(Engine::Redis)
        && engine == Engine::Valkey
        && let Some(group) = a.parameter_group_name.as_deref()
        && olds.and_then(|o| o.parameter_group_name.as_deref()) == Some(group)
    {
        failures.push(CheckFailure::new(
            "parameterGroupName",
            format!("{group:?} is a redis parameter group; moving to valkey needs one of the valkey family (or none, for the engine's default)"),
        ));
    }
    let version = a
        .engine_version
        .get_or_insert_with(|| engine.default_version().to_string())
        .clone();
    match parse_version(&version) {
        None => failures.push(CheckFailure::new(
            "engineVersion",
            format!("{version:?} is not a version such as 7.1"),
        )),
        Some(v) if engine == Engine::Valkey && v < VALKEY_FIRST => {
            failures.push(CheckFailure::new(
                "engineVersion",
                format!("Valkey versions start at 7.2, got {version}"),
            ))
        }
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
}

/// Replicas (Multi-AZ failover needs two subnets) and cluster mode shards.
fn check_topology(ctx: &mut CheckCtx, a: &mut RedisArgs, failures: &mut Vec<CheckFailure>) {
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
}

/// Encryption in transit and at rest, which cannot be turned off, and the key.
fn check_encryption(a: &mut RedisArgs, failures: &mut Vec<CheckFailure>) {
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
}

/// How long automatic snapshots are kept.
fn check_snapshots(ctx: &mut CheckCtx, a: &mut RedisArgs, failures: &mut Vec<CheckFailure>) {
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
}

#[cfg(test)]
#[path = "check_tests.rs"]
mod tests;
