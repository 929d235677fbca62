//! Validation and defaults of FargateCluster inputs: the cluster's here, each service's in
//! `check_service.rs`.

use pulumi_provider::{CheckCtx, CheckFailure, NameRules};

use super::args::{
    CapacityProvider, DEFAULT_RETENTION_DAYS, FargateArgs, MAX_ROLE_NAME, MIN_RETENTION_DAYS,
    execution_role,
};
use crate::compliance::LOG_RETENTION;
use crate::resources::inputs;

/// The retention periods CloudWatch Logs accepts, in days.
pub const LOG_RETENTION_DAYS: [i32; 22] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

/// ECS cluster names (and service names): 1 to 255 letters, digits, hyphens and underscores,
/// case kept.
pub const NAME_RULES: NameRules = NameRules {
    max_len: 255,
    allowed: |c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'),
};

pub fn check(
    ctx: &mut CheckCtx,
    mut a: FargateArgs,
    olds: Option<&FargateArgs>,
) -> (FargateArgs, Vec<CheckFailure>) {
    let mut failures = Vec::new();
    let previous = olds.and_then(|o| o.cluster_name.as_deref());
    let cluster =
        match ctx.physical_name("clusterName", a.cluster_name.take(), previous, NAME_RULES) {
            Ok(name) => Some(a.cluster_name.insert(name).clone()),
            Err(f) => {
                failures.push(f);
                None
            }
        };
    if a.kms_key_id.as_deref() == Some("") {
        failures.push(CheckFailure::new(
            "kmsKeyId",
            "must name a KMS key (id, ARN or alias/...) or be left out",
        ));
    }
    check_retention(&mut a, &mut failures);
    check_providers(&mut a, &mut failures);
    a.retain_log_groups.get_or_insert(false);
    for (name, s) in a.services.iter_mut().flatten() {
        let named = service::check(ctx, name, s, &mut failures);
        if let Some(cluster) = cluster.as_deref().filter(|_| named) {
            check_role_names(cluster, name, &mut failures);
        }
    }
    inputs::tags(a.tags.iter().flatten().map(|(k, _)| k), &mut failures);
    (a, failures)
}

/// How long logs are kept: at least the rule's 90 days, and a period CloudWatch Logs offers.
fn check_retention(a: &mut FargateArgs, failures: &mut Vec<CheckFailure>) {
    let days = *a.log_retention_days.get_or_insert(DEFAULT_RETENTION_DAYS);
    let allowed = || {
        LOG_RETENTION_DAYS
            .iter()
            .filter(|d| **d >= MIN_RETENTION_DAYS)
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if days < MIN_RETENTION_DAYS {
        failures.push(CheckFailure::new(
            "logRetentionDays",
            LOG_RETENTION.violation(format!(
                "logs must be kept at least {MIN_RETENTION_DAYS} days ({DEFAULT_RETENTION_DAYS} by default), got {days}"
            )),
        ));
    } else if !LOG_RETENTION_DAYS.contains(&days) {
        failures.push(CheckFailure::new(
            "logRetentionDays",
            format!(
                "CloudWatch Logs cannot keep logs {days} days; choose one of {}",
                allowed()
            ),
        ));
    }
}

/// `FARGATE` unless told otherwise, each provider once.
fn check_providers(a: &mut FargateArgs, failures: &mut Vec<CheckFailure>) {
    let providers = a.capacity_providers.get_or_insert_default();
    if providers.is_empty() {
        providers.push(CapacityProvider::Fargate);
    }
    for (i, p) in providers.iter().enumerate() {
        if providers[..i].contains(p) {
            failures.push(CheckFailure::new(
                format!("capacityProviders[{i}]"),
                format!("{} is listed twice", p.as_str()),
            ));
        }
    }
}

/// A service's roles, `<clusterName>-<service>-exec` and `-task`, must fit IAM's limit.
fn check_role_names(cluster: &str, service: &str, failures: &mut Vec<CheckFailure>) {
    let len = execution_role(cluster, service).len();
    if len > MAX_ROLE_NAME {
        failures.push(CheckFailure::new(
            format!("services.{service}"),
            format!(
                "the service's IAM role names {cluster}-{service}-exec and -task are {len} characters, \
                 and IAM allows {MAX_ROLE_NAME}; shorten the service name or clusterName"
            ),
        ));
    }
}

#[path = "check_service.rs"]
pub mod service;

#[cfg(test)]
#[path = "check_tests.rs"]
mod tests;
