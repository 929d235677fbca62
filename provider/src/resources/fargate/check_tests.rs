use std::collections::BTreeMap;

use super::*;
use crate::resources::fargate::args::{
    ContainerHealthCheck, LogDeliveryMode, PolicyStatement, ServiceArgs, ServiceAutoscaling,
};

const SECRET_ARN: &str = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf";

fn service() -> ServiceArgs {
    ServiceArgs {
        image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2".into(),
        container_port: Some(8080),
        vpc_id: "vpc-1".into(),
        subnet_ids: vec!["subnet-b".into(), "subnet-a".into(), "subnet-b".into()],
        allowed_security_group_ids: Some(vec!["sg-alb".into()]),
        environment: Some(BTreeMap::from([("LOG_LEVEL".into(), "info".into())])),
        secrets: Some(BTreeMap::from([("DB_PASSWORD".into(), SECRET_ARN.into())])),
        ..Default::default()
    }
}

fn base() -> FargateArgs {
    with(service())
}

/// The base program with its one service `api` replaced.
fn with(s: ServiceArgs) -> FargateArgs {
    FargateArgs {
        cluster_name: Some("platform".into()),
        services: Some(BTreeMap::from([("api".into(), s)])),
        ..Default::default()
    }
}

fn run(
    a: FargateArgs,
    olds: Option<&FargateArgs>,
) -> (FargateArgs, Vec<CheckFailure>, Vec<String>) {
    let mut ctx = CheckCtx::default();
    let (a, f) = check(&mut ctx, a, olds);
    (a, f, ctx.warnings().to_vec())
}

/// The failures of the base program with its service changed by `change`.
fn failures_of(change: impl FnOnce(&mut ServiceArgs)) -> Vec<CheckFailure> {
    let mut s = service();
    change(&mut s);
    run(with(s), None).1
}

fn props(f: &[CheckFailure]) -> Vec<&str> {
    f.iter().map(|f| f.property.as_str()).collect()
}

fn api(a: &FargateArgs) -> &ServiceArgs {
    &a.services.as_ref().expect("services")["api"]
}

#[test]
fn defaults_are_safe_and_complete() {
    let (a, f, w) = run(base(), None);
    assert!(f.is_empty(), "{f:?}");
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(a.cluster_name.as_deref(), Some("platform"));
    assert_eq!(a.log_retention_days, Some(365));
    assert_eq!(a.capacity_providers, Some(vec![CapacityProvider::Fargate]));
    assert_eq!(a.retain_log_groups, Some(false));
    let s = api(&a);
    assert_eq!(s.cpu, Some(256));
    assert_eq!(s.memory, Some(512));
    assert_eq!(s.desired_count, Some(2));
    assert_eq!(
        s.autoscaling,
        Some(ServiceAutoscaling {
            min_tasks: Some(2),
            max_tasks: Some(10),
            cpu_target: Some(70.0),
            memory_target: None,
        })
    );
    assert_eq!(s.enable_execute_command, Some(false));
    assert_eq!(s.assign_public_ip, Some(false));
    assert_eq!(s.privileged, Some(false));
    assert_eq!(s.readonly_root_filesystem, Some(true));
    assert_eq!(s.subnet_ids, vec!["subnet-a", "subnet-b"]);
}

#[test]
fn cluster_names_are_auto_named_keep_their_case_and_are_shaped_as_ecs_requires() {
    let (a, f, _) = run(
        FargateArgs {
            cluster_name: None,
            ..base()
        },
        None,
    );
    assert!(f.is_empty(), "{f:?}");
    assert!(a.cluster_name.is_some_and(|n| !n.is_empty()));
    let (a, f, _) = run(
        FargateArgs {
            cluster_name: Some("Platform_Prod".into()),
            ..base()
        },
        None,
    );
    assert!(f.is_empty(), "{f:?}");
    assert_eq!(a.cluster_name.as_deref(), Some("Platform_Prod"));
    for bad in ["", "a.b", "a b", &"x".repeat(256)] {
        let (_, f, _) = run(
            FargateArgs {
                cluster_name: Some(bad.to_string()),
                ..base()
            },
            None,
        );
        assert_eq!(props(&f), ["clusterName"], "{bad}");
    }
}

#[test]
fn an_update_keeps_the_old_cluster_name() {
    let (old, _, _) = run(base(), None);
    let (a, f, _) = run(base(), Some(&old));
    assert!(f.is_empty(), "{f:?}");
    assert_eq!(a.cluster_name, old.cluster_name);
}

#[test]
fn role_names_must_fit_iam() {
    let long = "s".repeat(MAX_ROLE_NAME - "platform--exec".len() + 1);
    let mut a = base();
    let services = a.services.get_or_insert_default();
    services.insert(long.clone(), service());
    services.insert("ok".into(), service());
    let (_, f, _) = run(a, None);
    assert_eq!(props(&f), [format!("services.{long}")]);
    assert!(f[0].reason.contains("65 characters"), "{}", f[0].reason);
    assert!(f[0].reason.contains("64"), "{}", f[0].reason);
}

#[test]
fn service_names_are_shaped_as_ecs_requires() {
    for bad in ["a.b", "a b", ""] {
        let mut a = base();
        a.services
            .get_or_insert_default()
            .insert(bad.to_string(), service());
        let (_, f, _) = run(a, None);
        assert_eq!(props(&f), [format!("services.{bad}")], "{bad}");
    }
}

#[test]
fn log_retention_is_at_least_ninety_days_and_a_period_cloudwatch_offers() {
    let retention = |days| {
        run(
            FargateArgs {
                log_retention_days: Some(days),
                ..base()
            },
            None,
        )
        .1
    };
    let f = retention(30);
    assert_eq!(props(&f), ["logRetentionDays"]);
    assert!(f[0].reason.contains("cw-loggroup-retention-period-check"));
    let f = retention(100);
    assert_eq!(props(&f), ["logRetentionDays"]);
    assert!(f[0].reason.contains("90, 120"), "{}", f[0].reason);
    assert!(retention(3653).is_empty());
}

#[test]
fn capacity_providers_default_to_fargate_and_are_listed_once() {
    let (a, f, _) = run(
        FargateArgs {
            capacity_providers: Some(vec![]),
            ..base()
        },
        None,
    );
    assert!(f.is_empty(), "{f:?}");
    assert_eq!(a.capacity_providers, Some(vec![CapacityProvider::Fargate]));
    let (_, f, _) = run(
        FargateArgs {
            capacity_providers: Some(vec![
                CapacityProvider::FargateSpot,
                CapacityProvider::Fargate,
                CapacityProvider::FargateSpot,
            ]),
            ..base()
        },
        None,
    );
    assert_eq!(props(&f), ["capacityProviders[2]"]);
}

#[test]
fn cpu_must_be_a_fargate_size_and_memory_one_it_allows() {
    let f = failures_of(|s| s.cpu = Some(300));
    assert_eq!(props(&f), ["services.api.cpu"]);
    let f = failures_of(|s| s.memory = Some(4096));
    assert_eq!(props(&f), ["services.api.memory"]);
    assert!(f[0].reason.contains("512, 1024, 2048"), "{}", f[0].reason);
    let mut s = service();
    s.cpu = Some(1024);
    let (a, f, _) = run(with(s), None);
    assert!(f.is_empty(), "{f:?}");
    assert_eq!(api(&a).memory, Some(2048));
}

#[test]
fn a_public_ip_is_refused() {
    let f = failures_of(|s| s.assign_public_ip = Some(true));
    assert_eq!(props(&f), ["services.api.assignPublicIp"]);
    assert!(f[0].reason.contains("ecs-task-definition-no-public-ip"));
}

#[test]
fn a_privileged_container_is_refused() {
    let f = failures_of(|s| s.privileged = Some(true));
    assert_eq!(props(&f), ["services.api.privileged"]);
    assert!(f[0].reason.contains("ecs-containers-nonprivileged"));
}

#[test]
fn a_writable_root_filesystem_is_refused() {
    let f = failures_of(|s| s.readonly_root_filesystem = Some(false));
    assert_eq!(props(&f), ["services.api.readonlyRootFilesystem"]);
    assert!(f[0].reason.contains("ecs-containers-readonly-access"));
}

#[test]
fn a_log_buffer_must_be_a_size_and_only_with_non_blocking_delivery() {
    for bad in ["", "25mb", "m", "0", "0k", "-1m", "2.5m", "1234567890123k"] {
        let f = failures_of(|s| s.log_buffer_size = Some(bad.into()));
        assert_eq!(props(&f), ["services.api.logBufferSize"], "{bad}");
        assert!(f[0].reason.contains("not a size"), "{}", f[0].reason);
    }
    let f = failures_of(|s| {
        s.log_delivery_mode = Some(LogDeliveryMode::Blocking);
        s.log_buffer_size = Some("25m".into());
    });
    assert_eq!(props(&f), ["services.api.logBufferSize"]);
    assert!(f[0].reason.contains("only by `non-blocking`"));
    for good in ["25m", "1G", "65536", "512k"] {
        let f = failures_of(|s| s.log_buffer_size = Some(good.into()));
        assert!(f.is_empty(), "{good}: {f:?}");
    }
}

#[test]
fn log_delivery_defaults_are_not_written_into_the_inputs() {
    let (a, f, _) = run(base(), None);
    assert!(f.is_empty(), "{f:?}");
    let s = &a.services.unwrap_or_default()["api"];
    assert_eq!(
        (s.log_delivery_mode, s.log_buffer_size.clone()),
        (None, None)
    );
    assert_eq!(
        s.log_delivery(),
        (LogDeliveryMode::NonBlocking, Some("25m".to_string()))
    );
    let blocking = ServiceArgs {
        log_delivery_mode: Some(LogDeliveryMode::Blocking),
        ..service()
    };
    assert_eq!(blocking.log_delivery(), (LogDeliveryMode::Blocking, None));
}

#[test]
fn a_credential_in_the_environment_is_refused_without_echoing_it() {
    for name in [
        "DB_PASSWORD_2",
        "stripe_api_key",
        "GITHUB_TOKEN",
        "AWS_SECRET_ACCESS_KEY",
        "SIGNING_KEY",
        "Credentials",
        "PASSWD",
    ] {
        let f = failures_of(|s| {
            s.environment
                .get_or_insert_default()
                .insert(name.into(), "hunter2-s3cr3t".into());
        });
        assert_eq!(
            props(&f),
            [format!("services.api.environment.{name}")],
            "{name}"
        );
        assert!(f[0].hidden, "the engine would print the value");
        assert!(f[0].reason.contains("ecs-no-environment-secrets"));
        assert!(f[0].reason.contains("secrets"));
        assert!(!f[0].reason.contains("hunter2"), "{}", f[0].reason);
    }
    for fine in ["KEYCLOAK_URL", "LOG_LEVEL", "MONKEY"] {
        let f = failures_of(|s| {
            s.environment
                .get_or_insert_default()
                .insert(fine.into(), "x".into());
        });
        assert!(f.is_empty(), "{fine}: {f:?}");
    }
}

#[test]
fn a_variable_in_both_environment_and_secrets_is_refused() {
    let f = failures_of(|s| {
        s.environment
            .get_or_insert_default()
            .insert("DB_PASSWORD".into(), "hunter2".into());
    });
    assert_eq!(props(&f), ["services.api.environment.DB_PASSWORD"]);
    assert!(!f[0].reason.contains("hunter2"));
}

#[test]
fn secrets_are_secrets_manager_arns() {
    let with_secret = |value: &str| {
        failures_of(|s| {
            s.secrets
                .get_or_insert_default()
                .insert("API_TOKEN".into(), value.into());
        })
    };
    for good in [
        SECRET_ARN.to_string(),
        format!("{SECRET_ARN}:password::"),
        format!("{SECRET_ARN}::AWSPREVIOUS:"),
        "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:x".to_string(),
    ] {
        assert!(with_secret(&good).is_empty(), "{good}");
    }
    for bad in [
        "hunter2",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:",
        "arn:aws:secretsmanager:eu-west-1:1234:secret:db",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db:password",
        "arn:aws:s3:::bucket",
    ] {
        let f = with_secret(bad);
        assert_eq!(props(&f), ["services.api.secrets.API_TOKEN"], "{bad}");
        assert!(!f[0].reason.contains(bad), "{}", f[0].reason);
    }
    let f = with_secret("arn:aws:ssm:eu-west-1:123456789012:parameter/db/token");
    assert_eq!(props(&f), ["services.api.secrets.API_TOKEN"]);
    assert!(
        f[0].reason.contains("only Secrets Manager"),
        "{}",
        f[0].reason
    );
}

#[test]
fn the_scaling_range_holds_together() {
    let scaling = |min, max| {
        failures_of(|s| {
            s.autoscaling = Some(ServiceAutoscaling {
                min_tasks: Some(min),
                max_tasks: Some(max),
                ..Default::default()
            })
        })
    };
    assert_eq!(props(&scaling(0, 4)), ["services.api.autoscaling.minTasks"]);
    assert_eq!(props(&scaling(5, 4)), ["services.api.autoscaling.maxTasks"]);
    assert!(scaling(3, 3).is_empty(), "desiredCount follows the range");
    for (cpu, memory) in [
        (Some(0.0), None),
        (None, Some(100.5)),
        (Some(f64::NAN), None),
    ] {
        let f = failures_of(|s| {
            s.autoscaling = Some(ServiceAutoscaling {
                cpu_target: cpu,
                memory_target: memory,
                ..Default::default()
            })
        });
        let which = if cpu.is_some() { "cpu" } else { "memory" };
        assert_eq!(
            props(&f),
            [format!("services.api.autoscaling.{which}Target")]
        );
    }
}

#[test]
fn the_desired_count_is_within_the_range() {
    let f = failures_of(|s| s.desired_count = Some(-1));
    assert_eq!(props(&f), ["services.api.desiredCount"]);
    let f = failures_of(|s| s.desired_count = Some(11));
    assert_eq!(props(&f), ["services.api.desiredCount"]);
    assert!(f[0].reason.contains("(10)"), "{}", f[0].reason);
    assert!(failures_of(|s| s.desired_count = Some(10)).is_empty());
}

#[test]
fn the_container_port_is_a_port_and_sources_need_one() {
    for port in [0, 65536] {
        let f = failures_of(|s| s.container_port = Some(port));
        assert_eq!(props(&f), ["services.api.containerPort"], "{port}");
    }
    let f = failures_of(|s| s.container_port = None);
    assert_eq!(props(&f), ["services.api.allowedSecurityGroupIds"]);
    let (_, f, w) = run(
        with(ServiceArgs {
            container_port: None,
            allowed_security_group_ids: None,
            ..service()
        }),
        None,
    );
    assert!(f.is_empty(), "{f:?}");
    assert!(w.is_empty(), "a worker listens to no one: {w:?}");
    let (_, f, w) = run(
        with(ServiceArgs {
            allowed_security_group_ids: None,
            ..service()
        }),
        None,
    );
    assert!(f.is_empty(), "{f:?}");
    assert!(w[0].contains("services.api.allowedCidrBlocks"), "{w:?}");
}

#[test]
fn the_network_is_checked_under_the_service() {
    let f = failures_of(|s| {
        s.vpc_id = "vpc1".into();
        s.subnet_ids = vec!["subnet-a".into(), "sub-b".into()];
        s.allowed_security_group_ids = Some(vec!["alb".into()]);
        s.allowed_cidr_blocks = Some(vec!["10.0.0.0/16".into(), "0.0.0.0/0".into()]);
    });
    assert_eq!(
        props(&f),
        [
            "services.api.vpcId",
            "services.api.subnetIds[1]",
            "services.api.allowedSecurityGroupIds[0]",
            "services.api.allowedCidrBlocks[1]",
        ]
    );
    assert!(f[3].reason.contains("vpc-sg-open-only-to-authorized-ports"));
    let f = failures_of(|s| s.subnet_ids = vec![]);
    assert_eq!(props(&f), ["services.api.subnetIds"]);
}

#[test]
fn the_health_check_is_one_ecs_runs() {
    let health = |command: &[&str], change: fn(&mut ContainerHealthCheck)| {
        failures_of(|s| {
            let mut h = ContainerHealthCheck {
                command: command.iter().map(|c| c.to_string()).collect(),
                ..Default::default()
            };
            change(&mut h);
            s.health_check = Some(h);
        })
    };
    let ok = ["CMD-SHELL", "curl -f http://localhost:8080/ || exit 1"];
    assert!(health(&ok, |_| {}).is_empty());
    for bad in [&[][..], &["curl", "-f"][..], &["CMD"][..]] {
        let f = health(bad, |_| {});
        assert_eq!(props(&f), ["services.api.healthCheck.command"], "{bad:?}");
    }
    let f = health(&ok, |h| {
        h.interval = Some(4);
        h.timeout = Some(61);
        h.retries = Some(0);
        h.start_period = Some(301);
    });
    assert_eq!(
        props(&f),
        [
            "services.api.healthCheck.interval",
            "services.api.healthCheck.timeout",
            "services.api.healthCheck.retries",
            "services.api.healthCheck.startPeriod",
        ]
    );
}

#[test]
fn the_image_is_required() {
    let f = failures_of(|s| s.image = " ".into());
    assert_eq!(props(&f), ["services.api.image"]);
}

#[test]
fn tags_and_the_key_are_checked() {
    let (_, f, _) = run(
        FargateArgs {
            tags: Some(BTreeMap::from([("aws:owner".into(), "me".into())])),
            kms_key_id: Some(String::new()),
            ..base()
        },
        None,
    );
    assert_eq!(props(&f), ["kmsKeyId", "tags.aws:owner"]);
}

#[test]
fn nothing_panics_on_odd_input() {
    let s = ServiceArgs {
        cpu: Some(i32::MIN),
        memory: Some(i32::MAX),
        container_port: Some(i32::MIN),
        desired_count: Some(i32::MAX),
        autoscaling: Some(ServiceAutoscaling {
            min_tasks: Some(i32::MAX),
            max_tasks: Some(i32::MIN),
            cpu_target: Some(f64::INFINITY),
            memory_target: Some(f64::NEG_INFINITY),
        }),
        secrets: Some(BTreeMap::from([(String::new(), ":::::::::::".into())])),
        environment: Some(BTreeMap::from([("é_KEY".into(), String::new())])),
        health_check: Some(ContainerHealthCheck {
            command: vec![String::new()],
            interval: Some(i32::MIN),
            ..Default::default()
        }),
        task_policy_statements: Some(vec![PolicyStatement {
            actions: vec![":".into(), "::".into(), String::new()],
            resources: vec![],
        }]),
        ..Default::default()
    };
    let mut a = with(s);
    a.services
        .get_or_insert_default()
        .insert("ü".repeat(300), ServiceArgs::default());
    a.log_retention_days = Some(i32::MIN);
    let (_, f, _) = run(a, None);
    assert!(!f.is_empty());
}

#[path = "check_policy_tests.rs"]
mod policy;
