//! Validation and defaults of HipaaPostgres inputs.

use pulumi_provider::{CheckCtx, CheckFailure, NameRules};

use super::args::{
    DEFAULT_BACKUP_DAYS, DEFAULT_CLASS, DEFAULT_DATABASE, DEFAULT_MASTER, DEFAULT_MAX_STORAGE,
    DEFAULT_MONITORING, DEFAULT_PI_DAYS, DEFAULT_PORT, DEFAULT_ROTATION_DAYS, DEFAULT_STORAGE,
    DEFAULT_VERSION, Engine, FORCE_SSL, MIN_BACKUP_DAYS, PostgresArgs, SERVERLESS_CLASS,
};
use crate::compliance::{
    RDS_BACKUP, RDS_DELETION_PROTECTION, RDS_IN_TRANSIT, RDS_LOGGING, RDS_MULTI_AZ,
    RDS_PUBLIC_ACCESS, RDS_STORAGE_ENCRYPTED, SECRET_ROTATION,
};
use crate::resources::inputs::{self, parse_version};

const MONITORING_INTERVALS: [i32; 7] = [0, 1, 5, 10, 15, 30, 60];
const SUPPORTED_MAJORS: std::ops::RangeInclusive<u32> = 13..=17;

/// Identifiers: RDS allows 63 characters; 48 leaves room for the names of the parts made
/// with the database (its monitoring role, its parameter group).
const NAME_RULES: NameRules = NameRules {
    max_len: 48,
    allowed: |c| c.is_ascii_alphanumeric() || c == '-',
};

pub fn check(
    ctx: &mut CheckCtx,
    mut a: PostgresArgs,
    olds: Option<&PostgresArgs>,
) -> (PostgresArgs, Vec<CheckFailure>) {
    let mut failures = Vec::new();
    let previous = olds.and_then(|o| o.identifier.as_deref());
    inputs::identifier(
        ctx,
        "identifier",
        &mut a.identifier,
        previous,
        NAME_RULES,
        "RDS",
        &mut failures,
    );
    inputs::network(
        ctx,
        &a.vpc_id,
        &mut a.subnet_ids,
        &mut a.allowed_security_group_ids,
        &mut a.allowed_cidr_blocks,
        "the database",
        &mut failures,
    );
    if a.subnet_ids.len() == 1 {
        failures.push(CheckFailure::new(
            "subnetIds",
            "an RDS subnet group needs subnets in at least two AZs; give two or more",
        ));
    }
    let port = *a.port.get_or_insert(DEFAULT_PORT);
    if !(1150..=65535).contains(&port) {
        failures.push(CheckFailure::new(
            "port",
            format!("must be between 1150 and 65535, got {port}"),
        ));
    }
    let engine = *a.engine.get_or_insert_default();
    version(&mut a, olds, &mut failures);
    capacity(ctx, &mut a, &mut failures);
    storage(&mut a, olds, &mut failures);
    identity(&mut a, &mut failures);
    availability(ctx, &mut a, &mut failures);
    security(&mut a, &mut failures);
    observability(&mut a, engine, &mut failures);
    parameters(&mut a, &mut failures);
    a.apply_immediately.get_or_insert(false);
    inputs::tags(a.tags.iter().flatten().map(|(k, _)| k), &mut failures);
    (a, failures)
}

/// The engine version: supported majors, no downgrade (RDS cannot, in a major or across
/// majors), and a major upgrade only when allowed.
fn version(a: &mut PostgresArgs, olds: Option<&PostgresArgs>, failures: &mut Vec<CheckFailure>) {
    let allow_major = *a.allow_major_version_upgrade.get_or_insert(false);
    let version = a
        .engine_version
        .get_or_insert_with(|| DEFAULT_VERSION.to_string())
        .clone();
    let Some(v) = parse_version(&version) else {
        failures.push(CheckFailure::new(
            "engineVersion",
            format!("{version:?} is not a version such as {DEFAULT_VERSION}"),
        ));
        return;
    };
    if !SUPPORTED_MAJORS.contains(&v.0) {
        failures.push(CheckFailure::new(
            "engineVersion",
            format!(
                "PostgreSQL {} is not supported; use {} to {}",
                v.0,
                SUPPORTED_MAJORS.start(),
                SUPPORTED_MAJORS.end()
            ),
        ));
    }
    let old = olds
        .filter(|o| o.engine() == a.engine())
        .and_then(|o| o.engine_version.as_deref())
        .and_then(parse_version);
    match old {
        Some(old) if v < old => failures.push(CheckFailure::new(
            "engineVersion",
            format!(
                "RDS cannot downgrade PostgreSQL from {}.{} to {version}, in place or by replacing the database (a new one would start empty); to go back, restore a snapshot into a new HipaaPostgres",
                old.0, old.1
            ),
        )),
        Some(old) if v.0 > old.0 && !allow_major => failures.push(CheckFailure::new(
            "engineVersion",
            format!(
                "{version} is a major upgrade from {}; set allowMajorVersionUpgrade: true to upgrade in place",
                old.0
            ),
        )),
        _ => {}
    }
}

/// Instance class, readers and Serverless v2 capacity.
fn capacity(ctx: &mut CheckCtx, a: &mut PostgresArgs, failures: &mut Vec<CheckFailure>) {
    let aurora = a.engine().aurora();
    if aurora {
        let readers = *a.readers.get_or_insert(1);
        if !(0..=15).contains(&readers) {
            failures.push(CheckFailure::new(
                "readers",
                format!("must be between 0 and 15, got {readers}"),
            ));
        }
    } else {
        for (property, given) in [
            ("readers", a.readers.is_some()),
            ("minCapacity", a.min_capacity.is_some()),
            ("maxCapacity", a.max_capacity.is_some()),
        ] {
            if given {
                failures.push(CheckFailure::new(
                    property,
                    "applies only with engine: aurora-postgresql",
                ));
            }
        }
    }
    let serverless = a.serverless();
    if serverless {
        match (a.min_capacity, a.max_capacity) {
            (Some(min), Some(max)) => {
                if !(0.0..=256.0).contains(&min) || (min * 2.0).fract() != 0.0 {
                    failures.push(CheckFailure::new(
                        "minCapacity",
                        format!("must be 0 to 256 in steps of 0.5, got {min}"),
                    ));
                }
                if !(1.0..=256.0).contains(&max) || (max * 2.0).fract() != 0.0 || max < min {
                    failures.push(CheckFailure::new(
                        "maxCapacity",
                        format!(
                            "must be 1 to 256 in steps of 0.5 and at least minCapacity, got {max}"
                        ),
                    ));
                }
            }
            (None, _) => failures.push(CheckFailure::new(
                "minCapacity",
                "Serverless v2 needs both minCapacity and maxCapacity",
            )),
            (_, None) => failures.push(CheckFailure::new(
                "maxCapacity",
                "Serverless v2 needs both minCapacity and maxCapacity",
            )),
        }
    }
    let default = if serverless {
        SERVERLESS_CLASS
    } else {
        DEFAULT_CLASS
    };
    let class = a.instance_class.get_or_insert_with(|| default.to_string());
    if !class.starts_with("db.") {
        failures.push(CheckFailure::new(
            "instanceClass",
            format!("{class:?} is not an instance class such as {DEFAULT_CLASS}"),
        ));
    } else if serverless && class != SERVERLESS_CLASS {
        failures.push(CheckFailure::new(
            "instanceClass",
            format!("Serverless v2 instances are {SERVERLESS_CLASS}, got {class}"),
        ));
    } else if !serverless && class == SERVERLESS_CLASS {
        failures.push(CheckFailure::new(
            "instanceClass",
            format!(
                "{SERVERLESS_CLASS} needs engine aurora-postgresql with minCapacity and maxCapacity"
            ),
        ));
    }
    if aurora && a.readers() == 0 {
        ctx.warn(format!(
            "readers is 0: the Aurora cluster has no reader to fail over to ({})",
            RDS_MULTI_AZ.name
        ));
    }
}

/// gp3 storage for `postgres`: at least 20 GiB, growing only.
fn storage(a: &mut PostgresArgs, olds: Option<&PostgresArgs>, failures: &mut Vec<CheckFailure>) {
    if a.engine().aurora() {
        for (property, given) in [
            ("allocatedStorage", a.allocated_storage.is_some()),
            ("maxAllocatedStorage", a.max_allocated_storage.is_some()),
        ] {
            if given {
                failures.push(CheckFailure::new(
                    property,
                    "Aurora storage grows by itself; this applies only with engine: postgres",
                ));
            }
        }
        return;
    }
    let size = *a.allocated_storage.get_or_insert(DEFAULT_STORAGE);
    if !(20..=65536).contains(&size) {
        failures.push(CheckFailure::new(
            "allocatedStorage",
            format!("must be 20 to 65536 GiB, got {size}"),
        ));
    }
    if let Some(old) = olds
        .filter(|o| o.engine() == Engine::Postgres)
        .and_then(|o| o.allocated_storage)
        .filter(|old| size < *old)
    {
        failures.push(CheckFailure::new(
            "allocatedStorage",
            format!("RDS storage can only grow: {old} GiB now, {size} asked"),
        ));
    }
    let max = *a
        .max_allocated_storage
        .get_or_insert((size.saturating_mul(5)).clamp(DEFAULT_MAX_STORAGE, 65536));
    if max != 0 && (max <= size || max > 65536) {
        failures.push(CheckFailure::new(
            "maxAllocatedStorage",
            format!(
                "must be 0 (no autoscaling) or more than allocatedStorage ({size}) up to 65536, got {max}"
            ),
        ));
    }
}

/// Database name, master user and its password's rotation.
fn identity(a: &mut PostgresArgs, failures: &mut Vec<CheckFailure>) {
    let word = |w: &str| {
        !w.is_empty()
            && w.len() <= 63
            && w.starts_with(|c: char| c.is_ascii_alphabetic())
            && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    let db = a
        .database_name
        .get_or_insert_with(|| DEFAULT_DATABASE.to_string());
    if !word(db) {
        failures.push(CheckFailure::new(
            "databaseName",
            format!("{db:?}: 1 to 63 letters, digits and underscores, starting with a letter"),
        ));
    }
    let user = a
        .master_username
        .get_or_insert_with(|| DEFAULT_MASTER.to_string());
    if !word(user) || ["postgres", "rdsadmin", "admin"].contains(&user.as_str()) {
        failures.push(CheckFailure::new(
            "masterUsername",
            format!(
                "{user:?}: 1 to 63 letters, digits and underscores, starting with a letter, and not a name RDS reserves"
            ),
        ));
    }
    let days = *a
        .password_rotation_days
        .get_or_insert(DEFAULT_ROTATION_DAYS);
    if !(1..=365).contains(&days) {
        failures.push(CheckFailure::new(
            "passwordRotationDays",
            SECRET_ROTATION.violation(format!(
                "the master password must rotate every 1 to 365 days, got {days}"
            )),
        ));
    }
}

/// Multi-AZ, backups, windows, deletion protection and the final snapshot.
fn availability(ctx: &mut CheckCtx, a: &mut PostgresArgs, failures: &mut Vec<CheckFailure>) {
    if a.engine().aurora() {
        let ha = a.readers() > 0;
        match a.multi_az {
            Some(true) if !ha => failures.push(CheckFailure::new(
                "multiAz",
                RDS_MULTI_AZ.violation(
                    "an Aurora cluster is Multi-AZ through its readers; set readers to 1 or more",
                ),
            )),
            Some(false) if ha => failures.push(CheckFailure::new(
                "multiAz",
                "an Aurora cluster with readers is Multi-AZ; set readers to 0 to run a single AZ",
            )),
            _ => a.multi_az = Some(ha),
        }
    } else if !*a.multi_az.get_or_insert(true) {
        ctx.warn(format!(
            "multiAz is false: the database has no standby in another AZ ({})",
            RDS_MULTI_AZ.name
        ));
    }
    let days = *a.backup_retention_days.get_or_insert(DEFAULT_BACKUP_DAYS);
    if !(MIN_BACKUP_DAYS..=35).contains(&days) {
        failures.push(CheckFailure::new(
            "backupRetentionDays",
            RDS_BACKUP.violation(format!(
                "automated backups must be kept {MIN_BACKUP_DAYS} to 35 days ({DEFAULT_BACKUP_DAYS} by default), got {days}"
            )),
        ));
    }
    inputs::windows(
        ("backupWindow", &a.backup_window),
        ("maintenanceWindow", &a.maintenance_window),
        failures,
    );
    if !*a.deletion_protection.get_or_insert(true) {
        ctx.warn(format!(
            "deletionProtection is false: the database can be deleted by a destroy ({})",
            RDS_DELETION_PROTECTION.name
        ));
    }
    if *a.skip_final_snapshot.get_or_insert(false) {
        ctx.warn(format!(
            "skipFinalSnapshot is true: deleting the database keeps no final snapshot ({})",
            RDS_DELETION_PROTECTION.name
        ));
    }
    inputs::snapshot_name("finalSnapshotName", &a.final_snapshot_name, failures);
}

/// Never public, always encrypted with a CMK, IAM authentication on by default.
fn security(a: &mut PostgresArgs, failures: &mut Vec<CheckFailure>) {
    if a.publicly_accessible == Some(true) {
        failures.push(CheckFailure::new(
            "publiclyAccessible",
            RDS_PUBLIC_ACCESS.violation("the database can never be publicly accessible"),
        ));
    }
    a.publicly_accessible = Some(false);
    if a.storage_encrypted == Some(false) {
        failures.push(CheckFailure::new(
            "storageEncrypted",
            RDS_STORAGE_ENCRYPTED
                .violation("storage is always encrypted with a customer-managed key"),
        ));
    }
    a.storage_encrypted = Some(true);
    if a.kms_key_id.as_deref() == Some("") {
        failures.push(CheckFailure::new(
            "kmsKeyId",
            "must name a KMS key (id, ARN or alias/...) or be left out",
        ));
    }
    a.iam_authentication.get_or_insert(true);
}

/// Log exports, Performance Insights and Enhanced Monitoring.
fn observability(a: &mut PostgresArgs, engine: Engine, failures: &mut Vec<CheckFailure>) {
    let (defaults, known): (&[&str], &[&str]) = match engine {
        Engine::Postgres => (
            &["postgresql", "upgrade"],
            &["postgresql", "upgrade", "iam-db-auth-error"],
        ),
        Engine::AuroraPostgresql => (
            &["postgresql"],
            &["postgresql", "instance", "iam-db-auth-error"],
        ),
    };
    let logs = a
        .log_exports
        .get_or_insert_with(|| defaults.iter().map(|s| s.to_string()).collect());
    for (i, l) in logs.iter().enumerate() {
        if !known.contains(&l.as_str()) {
            failures.push(CheckFailure::new(
                format!("logExports[{i}]"),
                format!(
                    "{l:?} is not a log type of {}; use {}",
                    engine.as_str(),
                    known.join(", ")
                ),
            ));
        }
    }
    if !logs.iter().any(|l| l == "postgresql") {
        failures.push(CheckFailure::new(
            "logExports",
            RDS_LOGGING.violation("the postgresql log must be exported to CloudWatch Logs"),
        ));
    }
    logs.sort();
    logs.dedup();
    if *a.performance_insights.get_or_insert(true) {
        let days = *a
            .performance_insights_retention_days
            .get_or_insert(DEFAULT_PI_DAYS);
        if days != 7 && !(days % 31 == 0 && (31..=731).contains(&days)) {
            failures.push(CheckFailure::new(
                "performanceInsightsRetentionDays",
                format!("must be 7, or a multiple of 31 up to 731, got {days}"),
            ));
        }
    } else if a.performance_insights_retention_days.is_some() {
        failures.push(CheckFailure::new(
            "performanceInsightsRetentionDays",
            "applies only with performanceInsights: true",
        ));
    }
    let interval = *a
        .enhanced_monitoring_interval
        .get_or_insert(DEFAULT_MONITORING);
    if !MONITORING_INTERVALS.contains(&interval) {
        failures.push(CheckFailure::new(
            "enhancedMonitoringInterval",
            format!("must be one of 0, 1, 5, 10, 15, 30, 60 seconds, got {interval}"),
        ));
    }
}

/// Extra parameters; `rds.force_ssl` stays 1.
fn parameters(a: &mut PostgresArgs, failures: &mut Vec<CheckFailure>) {
    let Some(params) = a.parameters.as_mut() else {
        return;
    };
    match params.remove(FORCE_SSL) {
        Some(v) if v != "1" => failures.push(CheckFailure::new(
            format!("parameters.{FORCE_SSL}"),
            RDS_IN_TRANSIT.violation("rds.force_ssl is always 1: clients must use TLS"),
        )),
        _ => {}
    }
    for (name, value) in params.iter() {
        if name.is_empty() || value.is_empty() {
            failures.push(CheckFailure::new(
                format!("parameters.{name}"),
                "parameter names and values may not be empty",
            ));
        }
    }
    if params.is_empty() {
        a.parameters = None;
    }
}

#[cfg(test)]
#[path = "check_tests.rs"]
mod tests;
