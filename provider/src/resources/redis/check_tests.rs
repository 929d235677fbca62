use super::*;
use crate::resources::redis::args::Engine;

fn base() -> RedisArgs {
    RedisArgs {
        replication_group_id: Some("sessions".into()),
        vpc_id: "vpc-1".into(),
        subnet_ids: vec!["subnet-b".into(), "subnet-a".into()],
        allowed_security_group_ids: Some(vec!["sg-app".into()]),
        ..Default::default()
    }
}

fn run(a: RedisArgs, olds: Option<&RedisArgs>) -> (RedisArgs, Vec<CheckFailure>, Vec<String>) {
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
    assert_eq!(a.engine, Some(Engine::Redis));
    assert_eq!(a.engine_version.as_deref(), Some("7.1"));
    assert_eq!(a.node_type.as_deref(), Some(DEFAULT_NODE_TYPE));
    assert_eq!(a.replicas, Some(1));
    assert_eq!(a.port, Some(6379));
    assert_eq!(a.transit_encryption, Some(true));
    assert_eq!(a.at_rest_encryption, Some(true));
    assert_eq!(a.snapshot_retention_days, Some(15));
    assert_eq!(a.skip_final_snapshot, Some(false));
    assert_eq!(a.secret_recovery_days, Some(30));
    assert_eq!(a.auth_token_rotation_days, Some(30));
    assert_eq!(a.cluster_mode, Some(false));
    assert_eq!(a.shards, None);
    assert_eq!(a.subnet_ids, vec!["subnet-a", "subnet-b"]);
}

#[test]
fn the_issue_s_three_refusals_name_their_property_and_rule() {
    let (_, f, _) = run(
        RedisArgs {
            transit_encryption: Some(false),
            snapshot_retention_days: Some(0),
            allowed_cidr_blocks: Some(vec!["0.0.0.0/0".into()]),
            ..base()
        },
        None,
    );
    assert_eq!(
        props(&f),
        vec![
            "allowedCidrBlocks[0]",
            "transitEncryption",
            "snapshotRetentionDays"
        ]
    );
    assert!(
        f[0].reason.contains("vpc-sg-open-only-to-authorized-ports"),
        "{}",
        f[0].reason
    );
    assert!(
        f[1].reason
            .contains("elasticache-repl-grp-encrypted-in-transit")
    );
    assert!(
        f[2].reason
            .contains("elasticache-redis-cluster-automatic-backup-check")
    );
}

#[test]
fn at_rest_encryption_and_the_ipv6_internet_are_refused_too() {
    let (_, f, _) = run(
        RedisArgs {
            at_rest_encryption: Some(false),
            allowed_cidr_blocks: Some(vec!["::/0".into(), "10.0.0.1/16".into()]),
            ..base()
        },
        None,
    );
    assert_eq!(
        props(&f),
        vec![
            "allowedCidrBlocks[0]",
            "allowedCidrBlocks[1]",
            "atRestEncryption"
        ]
    );
    assert!(f[1].reason.contains("10.0.0.0/16"));
}

#[test]
fn one_node_warns_and_failover_needs_two_subnets() {
    let (_, f, w) = run(
        RedisArgs {
            replicas: Some(0),
            subnet_ids: vec!["subnet-a".into()],
            ..base()
        },
        None,
    );
    assert!(f.is_empty(), "{f:?}");
    assert!(w[0].contains("elasticache-repl-grp-auto-failover-enabled"));
    let (_, f, _) = run(
        RedisArgs {
            subnet_ids: vec!["subnet-a".into()],
            ..base()
        },
        None,
    );
    assert_eq!(props(&f), vec!["subnetIds"]);
}

#[test]
fn names_are_lowercase_and_shaped_as_aws_requires() {
    for bad in ["Sessions", "1cache", "cache-", "a--b", &"x".repeat(41)] {
        let (_, f, _) = run(
            RedisArgs {
                replication_group_id: Some(bad.to_string()),
                ..base()
            },
            None,
        );
        assert_eq!(props(&f), vec!["replicationGroupId"], "{bad}");
    }
}

#[test]
fn engine_versions_never_go_down() {
    let old = RedisArgs {
        engine_version: Some("7.1".into()),
        ..base()
    };
    let (_, f, _) = run(
        RedisArgs {
            engine_version: Some("6.2".into()),
            ..base()
        },
        Some(&old),
    );
    assert_eq!(props(&f), vec!["engineVersion"]);
    let (_, f, _) = run(
        RedisArgs {
            engine_version: Some("7.2".into()),
            ..base()
        },
        Some(&old),
    );
    assert!(f.is_empty(), "{f:?}");
}

#[test]
fn redis_may_become_valkey_and_never_go_back() {
    let (redis, _, _) = run(base(), None);
    let (valkey, f, _) = run(
        RedisArgs {
            engine: Some(Engine::Valkey),
            ..base()
        },
        Some(&redis),
    );
    assert!(f.is_empty(), "{f:?}");
    assert_eq!(valkey.engine_version.as_deref(), Some("8.0"));
    let (_, f, _) = run(
        RedisArgs {
            engine: Some(Engine::Valkey),
            engine_version: Some("7.1".into()),
            ..base()
        },
        Some(&redis),
    );
    assert_eq!(props(&f), ["engineVersion"], "Valkey starts at 7.2");
    let (_, f, _) = run(base(), Some(&valkey));
    assert_eq!(props(&f), ["engine"]);
    assert!(
        f[0].reason
            .contains("cannot move a cache from valkey back to redis")
    );
    let custom = RedisArgs {
        parameter_group_name: Some("sessions-redis7".into()),
        ..base()
    };
    let (custom, _, _) = run(custom, None);
    let (_, f, _) = run(
        RedisArgs {
            engine: Some(Engine::Valkey),
            parameter_group_name: Some("sessions-redis7".into()),
            ..base()
        },
        Some(&custom),
    );
    assert_eq!(props(&f), ["parameterGroupName"]);
}

#[test]
fn windows_shards_and_recovery_are_validated() {
    let (_, f, _) = run(
        RedisArgs {
            snapshot_window: Some("5-6".into()),
            maintenance_window: Some("sun:06:00-mon:07:00".into()),
            shards: Some(3),
            secret_recovery_days: Some(3),
            replicas: Some(6),
            ..base()
        },
        None,
    );
    assert_eq!(
        props(&f),
        vec!["replicas", "shards", "snapshotWindow", "secretRecoveryDays"]
    );
    let (a, f, _) = run(
        RedisArgs {
            cluster_mode: Some(true),
            ..base()
        },
        None,
    );
    assert!(f.is_empty(), "{f:?}");
    assert_eq!(a.shards, Some(DEFAULT_SHARDS));
}

#[test]
fn secret_readers_are_exact_roles_or_users_and_administrators_need_readers() {
    let list = |v: &[&str]| Some(v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    let (a, f, _) = run(
        RedisArgs {
            auth_secret_readers: list(&[
                "app-exec",
                "arn:aws:iam::123456789012:role/x/y",
                "app-exec",
            ]),
            auth_secret_administrators: list(&["arn:aws-us-gov:iam::123456789012:user/ops"]),
            ..base()
        },
        None,
    );
    assert!(f.is_empty(), "{f:?}");
    assert_eq!(
        a.auth_secret_readers,
        list(&["app-exec", "arn:aws:iam::123456789012:role/x/y"])
    );
    let (_, f, _) = run(
        RedisArgs {
            auth_secret_readers: list(&[
                "*",
                "arn:aws:iam::123456789012:role/app-*",
                "arn:aws:s3:::bucket",
                "arn:aws:iam::12345:role/short",
                "has space",
            ]),
            ..base()
        },
        None,
    );
    assert_eq!(
        props(&f),
        (0..5)
            .map(|i| format!("authSecretReaders[{i}]"))
            .collect::<Vec<_>>()
    );
    assert!(f[0].reason.contains("wildcard"), "{}", f[0].reason);
    let (_, f, _) = run(
        RedisArgs {
            auth_secret_administrators: list(&["ops"]),
            ..base()
        },
        None,
    );
    assert_eq!(props(&f), ["authSecretAdministrators"]);
    let (_, f, _) = run(
        RedisArgs {
            auth_secret_readers: list(&[]),
            ..base()
        },
        None,
    );
    assert_eq!(props(&f), ["authSecretReaders"]);
}

#[test]
fn the_auth_token_rotates_every_1_to_365_days() {
    for (days, ok) in [
        (1, true),
        (365, true),
        (0, false),
        (366, false),
        (-5, false),
    ] {
        let (a, f, _) = run(
            RedisArgs {
                auth_token_rotation_days: Some(days),
                ..base()
            },
            None,
        );
        assert_eq!(a.auth_token_rotation_days, Some(days));
        if ok {
            assert!(f.is_empty(), "{days}: {f:?}");
        } else {
            assert_eq!(props(&f), ["authTokenRotationDays"], "{days}");
            assert!(
                f[0].reason
                    .contains("secretsmanager-rotation-enabled-check"),
                "{}",
                f[0].reason
            );
        }
    }
}

#[test]
fn a_cache_recorded_before_the_schedule_keeps_no_value_until_one_is_read_or_given() {
    let recorded = RedisArgs {
        auth_token_rotation_days: None,
        ..base()
    };
    // Recorded by a release without the schedule: nothing planned by the upgrade itself.
    let (a, f, _) = run(base(), Some(&recorded));
    assert!(f.is_empty(), "{f:?}");
    assert_eq!(a.auth_token_rotation_days, None);
    // Given in the program: as given.
    let given = RedisArgs {
        auth_token_rotation_days: Some(7),
        ..base()
    };
    assert_eq!(
        run(given, Some(&recorded)).0.auth_token_rotation_days,
        Some(7)
    );
    // A refresh read 0 (nothing rotates the secret): the default puts it right.
    let read = RedisArgs {
        auth_token_rotation_days: Some(0),
        ..base()
    };
    let (a, f, _) = run(base(), Some(&read));
    assert!(f.is_empty(), "{f:?}");
    assert_eq!(a.auth_token_rotation_days, Some(30));
    // A new cache gets the default.
    assert_eq!(run(base(), None).0.auth_token_rotation_days, Some(30));
}
