//! Target tracking of a service's task count through Application Auto Scaling: a scalable
//! target between `minTasks` and `maxTasks`, a CPU policy and, when asked, a memory policy.

use std::collections::BTreeMap;

use aws_sdk_applicationautoscaling::types::{
    MetricType, PolicyType, PredefinedMetricSpecification, ScalableDimension, ServiceNamespace,
    TargetTrackingScalingPolicyConfiguration,
};

use pulumi_provider::Ctx;

use super::args::ServiceAutoscaling;
use crate::aws::AwsContext;
use crate::aws::lag::resend;
use crate::aws::lag::{BUSY, NEW_NAMED, NEW_NAMED_IN_WORDS, NEW_ROLE, settle};
use crate::error::{Error, Result};
use crate::resources::postgres::settling;

/// What Application Auto Scaling has for one service.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScalingView {
    pub min: i32,
    pub max: i32,
    /// Target per metric: `cpu`, `memory`.
    pub targets: BTreeMap<&'static str, f64>,
}

fn resource_id(cluster: &str, service: &str) -> String {
    format!("service/{cluster}/{service}")
}

pub fn policy_name(cluster: &str, service: &str, metric: &str) -> String {
    format!("{cluster}-{service}-{metric}")
}

fn metric(name: &str) -> Option<(&'static str, MetricType)> {
    match name {
        "cpu" => Some(("cpu", MetricType::EcsServiceAverageCpuUtilization)),
        "memory" => Some(("memory", MetricType::EcsServiceAverageMemoryUtilization)),
        _ => None,
    }
}

pub async fn describe(
    cx: &AwsContext,
    cluster: &str,
    service: &str,
) -> Result<Option<ScalingView>> {
    let id = resource_id(cluster, service);
    let targets = cx
        .autoscaling()
        .describe_scalable_targets()
        .service_namespace(ServiceNamespace::Ecs)
        .resource_ids(&id)
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .send()
        .await
        .map_err(|e| Error::aws("application-autoscaling:DescribeScalableTargets", e))?;
    let Some(target) = targets.scalable_targets().first() else {
        return Ok(None);
    };
    let policies = cx
        .autoscaling()
        .describe_scaling_policies()
        .service_namespace(ServiceNamespace::Ecs)
        .resource_id(&id)
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .send()
        .await
        .map_err(|e| Error::aws("application-autoscaling:DescribeScalingPolicies", e))?;
    let mut view = ScalingView {
        min: target.min_capacity(),
        max: target.max_capacity(),
        targets: BTreeMap::new(),
    };
    for p in policies.scaling_policies() {
        let Some(config) = p.target_tracking_scaling_policy_configuration() else {
            continue;
        };
        let kind = config
            .predefined_metric_specification()
            .map(|m| m.predefined_metric_type());
        let name = match kind {
            Some(MetricType::EcsServiceAverageCpuUtilization) => "cpu",
            Some(MetricType::EcsServiceAverageMemoryUtilization) => "memory",
            _ => continue,
        };
        view.targets.insert(name, config.target_value());
    }
    Ok(Some(view))
}

/// The wanted targets per metric.
pub fn wanted(s: &ServiceAutoscaling) -> BTreeMap<&'static str, f64> {
    let mut out = BTreeMap::new();
    if let Some(cpu) = s.cpu_target {
        out.insert("cpu", cpu);
    }
    if let Some(memory) = s.memory_target {
        out.insert("memory", memory);
    }
    out
}

/// Brings the target and its policies to `s` (filled in by check): an update in place.
///
/// RegisterScalableTarget goes through NEW_ROLE (the service-linked role Application Auto
/// Scaling uses may be moments old, and is refused until it has propagated), BUSY (a
/// service still changing) and NEW_NAMED_IN_WORDS ("ECS service doesn't exist" for a
/// service made a moment ago); PutScalingPolicy through BUSY and NEW_NAMED (the target just
/// registered not known yet); DeleteScalingPolicy through BUSY. All change nothing when
/// refused. After a change, the target and policies are read until they show it.
pub async fn ensure(
    cx: &AwsContext,
    ctx: &Ctx,
    cluster: &str,
    service: &str,
    s: &ServiceAutoscaling,
) -> Result<()> {
    let id = resource_id(cluster, service);
    let have = describe(cx, cluster, service).await?.unwrap_or_default();
    let (min, max) = (s.min_tasks.unwrap_or(1), s.max_tasks.unwrap_or(1));
    let mut changed = false;
    if have.min != min || have.max != max {
        let req = cx
            .autoscaling()
            .register_scalable_target()
            .service_namespace(ServiceNamespace::Ecs)
            .resource_id(&id)
            .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
            .min_capacity(min)
            .max_capacity(max);
        settle(
            ctx,
            &format!("scaling {id}"),
            &[&NEW_ROLE, &BUSY, &NEW_NAMED_IN_WORDS],
            resend!(req, "application-autoscaling:RegisterScalableTarget"),
        )
        .await?;
        changed = true;
    }
    let want = wanted(s);
    for (name, target) in &want {
        if have.targets.get(name) != Some(target) {
            put_policy(cx, ctx, cluster, service, name, *target).await?;
            changed = true;
        }
    }
    for name in have.targets.keys().filter(|k| !want.contains_key(*k)) {
        delete_policy(cx, ctx, cluster, service, name).await?;
        changed = true;
    }
    if changed {
        let done = ScalingView {
            min,
            max,
            targets: want,
        };
        shown(cx, ctx, cluster, service, &done).await?;
    }
    Ok(())
}

/// Reads the target and its policies until they are `done`: Application Auto Scaling's
/// reads may leave out a target or policy registered a moment ago, for
/// `wait::UNSEEN_GRACE` at most.
async fn shown(
    cx: &AwsContext,
    ctx: &Ctx,
    cluster: &str,
    service: &str,
    done: &ScalingView,
) -> Result<()> {
    let what = format!("the scaling of {}", resource_id(cluster, service));
    settling::until_seen(
        ctx,
        &what,
        || settling::vanished(&what, "vanished right after it was set"),
        || async {
            let read = describe(cx, cluster, service).await?;
            Ok(read.filter(|v| v == done).map(|_| ()))
        },
    )
    .await
}

/// DeleteScalingPolicy; a policy already gone is fine.
async fn delete_policy(
    cx: &AwsContext,
    ctx: &Ctx,
    cluster: &str,
    service: &str,
    name: &str,
) -> Result<()> {
    let req = cx
        .autoscaling()
        .delete_scaling_policy()
        .service_namespace(ServiceNamespace::Ecs)
        .resource_id(resource_id(cluster, service))
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .policy_name(policy_name(cluster, service, name));
    let what = format!("scaling policy {}", policy_name(cluster, service, name));
    let sent = settle(
        ctx,
        &what,
        &[&BUSY],
        resend!(req, "application-autoscaling:DeleteScalingPolicy"),
    )
    .await;
    gone_is_done(sent)
}

/// A delete answered `ObjectNotFoundException`: what it deletes is gone already.
fn gone_is_done<T>(sent: Result<T>) -> Result<()> {
    match sent {
        Ok(_) => Ok(()),
        Err(Error::Aws { code, .. }) if code == "ObjectNotFoundException" => Ok(()),
        Err(e) => Err(e),
    }
}

async fn put_policy(
    cx: &AwsContext,
    ctx: &Ctx,
    cluster: &str,
    service: &str,
    name: &str,
    target: f64,
) -> Result<()> {
    let Some((_, kind)) = metric(name) else {
        return Ok(());
    };
    let config = TargetTrackingScalingPolicyConfiguration::builder()
        .target_value(target)
        .predefined_metric_specification(
            PredefinedMetricSpecification::builder()
                .predefined_metric_type(kind)
                .build()?,
        )
        .scale_in_cooldown(300)
        .scale_out_cooldown(60)
        .build()?;
    let req = cx
        .autoscaling()
        .put_scaling_policy()
        .policy_name(policy_name(cluster, service, name))
        .service_namespace(ServiceNamespace::Ecs)
        .resource_id(resource_id(cluster, service))
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .policy_type(PolicyType::TargetTrackingScaling)
        .target_tracking_scaling_policy_configuration(config);
    let what = format!("scaling policy {}", policy_name(cluster, service, name));
    settle(
        ctx,
        &what,
        &[&BUSY, &NEW_NAMED],
        resend!(req, "application-autoscaling:PutScalingPolicy"),
    )
    .await?;
    Ok(())
}

/// Deregisters the target, which deletes its policies; one already gone is success. A
/// target in the middle of another change refuses it (`ConcurrentUpdateException`: BUSY).
pub async fn delete(cx: &AwsContext, ctx: &Ctx, cluster: &str, service: &str) -> Result<()> {
    let req = cx
        .autoscaling()
        .deregister_scalable_target()
        .service_namespace(ServiceNamespace::Ecs)
        .resource_id(resource_id(cluster, service))
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount);
    let what = format!("scaling of {}", resource_id(cluster, service));
    let sent = settle(
        ctx,
        &what,
        &[&BUSY],
        resend!(req, "application-autoscaling:DeregisterScalableTarget"),
    )
    .await;
    gone_is_done(sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aws(code: &str) -> Error {
        Error::Aws {
            operation: "application-autoscaling:DeleteScalingPolicy",
            message: code.into(),
            code: code.into(),
            throttled: false,
            denied: false,
        }
    }

    #[test]
    fn a_delete_of_what_is_gone_already_is_done() {
        assert!(gone_is_done::<()>(Err(aws("ObjectNotFoundException"))).is_ok());
        assert!(gone_is_done::<()>(Err(aws("ValidationException"))).is_err());
    }
}
