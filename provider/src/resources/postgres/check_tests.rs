use super::*;

fn base() -> PostgresArgs {
    PostgresArgs {
        identifier: Some("records".into()),
        vpc_id: "vpc-1".into(),
        subnet_ids: vec!["subnet-b".into(), "subnet-a".into()],
        allowed_security_group_ids: Some(vec!["sg-app".into()]),
        ..Default::default()
    }
}

fn aurora() -> PostgresArgs {
    PostgresArgs {
        engine: Some(Engine::AuroraPostgresql),
        ..base()
    }
}

fn run(
    a: PostgresArgs,
    olds: Option<&PostgresArgs>,
) -> (PostgresArgs, Vec<CheckFailure>, Vec<String>) {
    let mut ctx = CheckCtx::default();
    let (a, f) = check(&mut ctx, a, olds);
    (a, f, ctx.warnings().to_vec())
}

fn props(f: &[CheckFailure]) -> Vec<&str> {
    f.iter().map(|f| f.property.as_str()).collect()
}

#[test]
fn defaults_are_safe_and_complete() {
    let (a, f, w) = run(base(), None);
    assert!(f.is_empty(), "{f:?}");
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(a.engine, Some(Engine::Postgres));
    assert_eq!(a.engine_version.as_deref(), Some(DEFAULT_VERSION));
    assert_eq!(a.instance_class.as_deref(), Some(DEFAULT_CLASS));
    assert_eq!(
        (a.allocated_storage, a.max_allocated_storage),
        (Some(20), Some(100))
    );
    assert_eq!(a.database_name.as_deref(), Some("healthcare"));
    assert_eq!(a.master_username.as_deref(), Some("healthcare_admin"));
    assert_eq!(a.password_rotation_days, Some(30));
    assert_eq!(a.multi_az, Some(true));
    assert_eq!(a.backup_retention_days, Some(30));
    assert_eq!(a.deletion_protection, Some(true));
    assert_eq!(a.skip_final_snapshot, Some(false));
    assert_eq!(
        a.log_exports,
        Some(vec!["postgresql".to_string(), "upgrade".to_string()])
    );
    assert_eq!(a.performance_insights, Some(true));
    assert_eq!(a.performance_insights_retention_days, Some(7));
    assert_eq!(a.enhanced_monitoring_interval, Some(60));
    assert_eq!(a.iam_authentication, Some(true));
    assert_eq!(a.publicly_accessible, Some(false));
    assert_eq!(a.storage_encrypted, Some(true));
    assert_eq!(a.apply_immediately, Some(false));
    assert_eq!(a.readers, None);
    assert_eq!(a.subnet_ids, vec!["subnet-a", "subnet-b"]);
}

#[test]
fn hipaa_settings_are_refused_on_their_property_naming_the_rule() {
    let (_, f, _) = run(
        PostgresArgs {
            publicly_accessible: Some(true),
            backup_retention_days: Some(3),
            storage_encrypted: Some(false),
            log_exports: Some(vec!["upgrade".into()]),
            parameters: Some([(FORCE_SSL.to_string(), "0".to_string())].into()),
            password_rotation_days: Some(0),
            ..base()
        },
        None,
    );
    assert_eq!(
        props(&f),
        [
            "passwordRotationDays",
            "backupRetentionDays",
            "publiclyAccessible",
            "storageEncrypted",
            "logExports",
            "parameters.rds.force_ssl",
        ]
    );
    let reason = |p: &str| &f.iter().find(|f| f.property == p).unwrap().reason;
    assert!(reason("publiclyAccessible").contains("rds-instance-public-access-check"));
    assert!(reason("backupRetentionDays").contains("db-instance-backup-enabled"));
    assert!(reason("backupRetentionDays").contains("got 3"));
    assert!(reason("storageEncrypted").contains("rds-storage-encrypted"));
    assert!(reason("logExports").contains("rds-logging-enabled"));
    assert!(
        reason("parameters.rds.force_ssl").contains("rds-postgres-instance-encrypted-in-transit")
    );
}

#[test]
fn force_ssl_one_is_accepted_and_kept_out_of_the_inputs() {
    let (a, f, _) = run(
        PostgresArgs {
            parameters: Some([(FORCE_SSL.to_string(), "1".to_string())].into()),
            ..base()
        },
        None,
    );
    assert!(f.is_empty(), "{f:?}");
    assert_eq!(a.parameters, None);
}

#[test]
fn single_az_and_no_final_snapshot_warn() {
    let (_, f, w) = run(
        PostgresArgs {
            multi_az: Some(false),
            skip_final_snapshot: Some(true),
            deletion_protection: Some(false),
            ..base()
        },
        None,
    );
    assert!(f.is_empty(), "{f:?}");
    assert_eq!(w.len(), 3, "{w:?}");
    assert!(w[0].contains("rds-multi-az-support"));
}

#[test]
fn aurora_defaults_and_serverless_capacity() {
    let (a, f, _) = run(aurora(), None);
    assert!(f.is_empty(), "{f:?}");
    assert_eq!((a.readers, a.multi_az), (Some(1), Some(true)));
    assert_eq!(a.allocated_storage, None);
    assert_eq!(a.log_exports, Some(vec!["postgresql".to_string()]));

    let (a, f, _) = run(
        PostgresArgs {
            min_capacity: Some(0.5),
            max_capacity: Some(8.0),
            ..aurora()
        },
        None,
    );
    assert!(f.is_empty(), "{f:?}");
    assert_eq!(a.instance_class.as_deref(), Some(SERVERLESS_CLASS));

    let (_, f, _) = run(
        PostgresArgs {
            min_capacity: Some(4.0),
            max_capacity: Some(2.0),
            instance_class: Some("db.r7g.large".into()),
            multi_az: Some(false),
            ..aurora()
        },
        None,
    );
    assert_eq!(props(&f), ["maxCapacity", "instanceClass", "multiAz"]);
}

#[test]
fn engine_specific_inputs_are_refused_on_the_other_engine() {
    let (_, f, _) = run(
        PostgresArgs {
            readers: Some(2),
            ..base()
        },
        None,
    );
    assert_eq!(props(&f), ["readers"]);
    let (_, f, _) = run(
        PostgresArgs {
            allocated_storage: Some(50),
            ..aurora()
        },
        None,
    );
    assert_eq!(props(&f), ["allocatedStorage"]);
}

#[test]
fn versions_and_storage_only_move_forward() {
    let (old, _, _) = run(
        PostgresArgs {
            allocated_storage: Some(50),
            engine_version: Some("16.4".into()),
            ..base()
        },
        None,
    );
    let (_, f, _) = run(
        PostgresArgs {
            allocated_storage: Some(40),
            engine_version: Some("16.2".into()),
            ..base()
        },
        Some(&old),
    );
    assert_eq!(props(&f), ["engineVersion", "allocatedStorage"]);
    let (_, f, _) = run(
        PostgresArgs {
            engine_version: Some("17.2".into()),
            allocated_storage: Some(50),
            ..base()
        },
        Some(&old),
    );
    assert_eq!(props(&f), ["engineVersion"]);
    assert!(f[0].reason.contains("allowMajorVersionUpgrade"));
    let (_, f, _) = run(
        PostgresArgs {
            engine_version: Some("17.2".into()),
            allow_major_version_upgrade: Some(true),
            allocated_storage: Some(50),
            ..base()
        },
        Some(&old),
    );
    assert!(f.is_empty(), "{f:?}");
    let (_, f, _) = run(
        PostgresArgs {
            engine_version: Some("15.8".into()),
            allocated_storage: Some(50),
            ..base()
        },
        Some(&old),
    );
    assert_eq!(props(&f), ["engineVersion"], "a major downgrade is refused");
    assert!(
        f[0].reason
            .contains("RDS cannot downgrade PostgreSQL from 16.4 to 15.8"),
        "{}",
        f[0].reason
    );
    let (_, f, _) = run(
        PostgresArgs {
            port: Some(6543),
            allocated_storage: Some(50),
            ..base()
        },
        Some(&old),
    );
    assert!(f.is_empty(), "a new port applies in place: {f:?}");
}

#[test]
fn sources_and_identifiers_are_validated() {
    let (_, f, _) = run(
        PostgresArgs {
            identifier: Some("Records".into()),
            allowed_cidr_blocks: Some(vec!["0.0.0.0/0".into()]),
            subnet_ids: vec!["subnet-a".into()],
            enhanced_monitoring_interval: Some(7),
            ..base()
        },
        None,
    );
    assert_eq!(
        props(&f),
        [
            "identifier",
            "allowedCidrBlocks[0]",
            "subnetIds",
            "enhancedMonitoringInterval"
        ]
    );
    assert!(f[1].reason.contains("vpc-sg-open-only-to-authorized-ports"));
}
