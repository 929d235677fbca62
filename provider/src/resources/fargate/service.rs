//! A service: Fargate tasks of one task definition in private subnets, no public IP, the
//! deployment circuit breaker with rollback, waited for until its rollout completes.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_ecs::types::{
    AssignPublicIp, AwsVpcConfiguration, DeploymentCircuitBreaker, DeploymentConfiguration,
    LaunchType, NetworkConfiguration, PropagateTags, Service, ServiceField,
};
use pulumi_provider::Ctx;

use crate::aws::AwsContext;
use crate::aws::tagging::{self, from_ecs};
use crate::aws::wait::{self, Backoff, Poll};
use crate::error::{Error, Result};

const COMPLETED: &str = "COMPLETED";
const INACTIVE: &str = "INACTIVE";
const FAILED: &str = "FAILED";
const PRIMARY: &str = "PRIMARY";

const POLL: Backoff = Backoff {
    first: Duration::from_secs(2),
    cap: Duration::from_secs(15),
};

/// A service as ECS reports it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceView {
    pub arn: String,
    pub status: String,
    pub task_definition: String,
    pub desired: i32,
    pub running: i32,
    pub exec: bool,
    pub circuit_breaker: bool,
    pub public_ip: bool,
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    pub tags: BTreeMap<String, String>,
    /// The primary deployment's rollout: COMPLETED, IN_PROGRESS or FAILED (with why).
    pub rollout: Option<(String, String)>,
    /// Deployments still running (more than one while an old revision drains).
    pub deployments: usize,
}

impl ServiceView {
    fn of(s: &Service) -> Self {
        let vpc = s
            .network_configuration()
            .and_then(|n| n.awsvpc_configuration());
        let breaker = s
            .deployment_configuration()
            .and_then(|d| d.deployment_circuit_breaker());
        let primary = s.deployments().iter().find(|d| d.status() == Some(PRIMARY));
        ServiceView {
            arn: s.service_arn().unwrap_or_default().to_string(),
            status: s.status().unwrap_or_default().to_string(),
            task_definition: s.task_definition().unwrap_or_default().to_string(),
            desired: s.desired_count(),
            running: s.running_count(),
            exec: s.enable_execute_command(),
            circuit_breaker: breaker.is_some_and(|b| b.enable() && b.rollback()),
            public_ip: vpc.and_then(|v| v.assign_public_ip()) == Some(&AssignPublicIp::Enabled),
            subnets: vpc.map(|v| v.subnets().to_vec()).unwrap_or_default(),
            security_groups: vpc
                .map(|v| v.security_groups().to_vec())
                .unwrap_or_default(),
            tags: from_ecs(s.tags()),
            rollout: primary.and_then(|d| {
                let state = d.rollout_state()?.as_str().to_string();
                Some((
                    state,
                    d.rollout_state_reason().unwrap_or_default().to_string(),
                ))
            }),
            deployments: s.deployments().len(),
        }
    }

    fn settled(&self) -> bool {
        match &self.rollout {
            Some((state, _)) => state == COMPLETED && self.deployments == 1,
            None => self.deployments <= 1 && self.running == self.desired,
        }
    }
}

/// What the service should be.
pub struct Wanted<'a> {
    pub task_definition: &'a str,
    pub subnets: &'a [String],
    /// The service's own group first, then the ones the program adds.
    pub security_groups: Vec<String>,
    pub exec: bool,
}

impl Wanted<'_> {
    fn network(&self) -> Result<NetworkConfiguration> {
        Ok(NetworkConfiguration::builder()
            .awsvpc_configuration(
                AwsVpcConfiguration::builder()
                    .set_subnets(Some(self.subnets.to_vec()))
                    .set_security_groups(Some(self.security_groups.clone()))
                    .assign_public_ip(AssignPublicIp::Disabled)
                    .build()?,
            )
            .build())
    }

    fn deployment() -> DeploymentConfiguration {
        DeploymentConfiguration::builder()
            .deployment_circuit_breaker(
                DeploymentCircuitBreaker::builder()
                    .enable(true)
                    .rollback(true)
                    .build(),
            )
            .maximum_percent(200)
            .minimum_healthy_percent(100)
            .build()
    }

    /// True when `have` runs as wanted (the task count aside).
    pub fn matches(&self, have: &ServiceView) -> bool {
        let mut subnets = have.subnets.clone();
        subnets.sort();
        let (mut groups, mut wanted) = (have.security_groups.clone(), self.security_groups.clone());
        groups.sort();
        wanted.sort();
        have.task_definition == self.task_definition
            && subnets == self.subnets
            && groups == wanted
            && !have.public_ip
            && have.exec == self.exec
            && have.circuit_breaker
    }
}

/// The service, if ECS has it (ACTIVE or DRAINING; an INACTIVE one is gone).
pub async fn describe(cx: &AwsContext, cluster: &str, name: &str) -> Result<Option<ServiceView>> {
    let out = cx
        .ecs()
        .describe_services()
        .cluster(cluster)
        .services(name)
        .include(ServiceField::Tags)
        .send()
        .await;
    let out = match out {
        Ok(o) => o,
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_cluster_not_found_exception()) =>
        {
            return Ok(None);
        }
        Err(e) => return Err(Error::aws("ecs:DescribeServices", e)),
    };
    Ok(out
        .services()
        .iter()
        .map(ServiceView::of)
        .find(|s| s.status != INACTIVE))
}

pub async fn create(
    cx: &AwsContext,
    cluster: &str,
    name: &str,
    want: &Wanted<'_>,
    desired: i32,
    tags: &BTreeMap<String, String>,
) -> Result<()> {
    cx.ecs()
        .create_service()
        .cluster(cluster)
        .service_name(name)
        .task_definition(want.task_definition)
        .desired_count(desired)
        .launch_type(LaunchType::Fargate)
        .platform_version("LATEST")
        .network_configuration(want.network()?)
        .deployment_configuration(Wanted::deployment())
        .enable_execute_command(want.exec)
        .propagate_tags(PropagateTags::Service)
        .set_tags(Some(tagging::ecs(tags)))
        .send()
        .await
        .map_err(|e| Error::aws("ecs:CreateService", e))?;
    Ok(())
}

/// Rolls the service to `want` (a new revision, subnets, group, exec) and, when given, a
/// new task count.
pub async fn update(
    cx: &AwsContext,
    cluster: &str,
    name: &str,
    want: &Wanted<'_>,
    desired: Option<i32>,
) -> Result<()> {
    cx.ecs()
        .update_service()
        .cluster(cluster)
        .service(name)
        .task_definition(want.task_definition)
        .set_desired_count(desired)
        .network_configuration(want.network()?)
        .deployment_configuration(Wanted::deployment())
        .enable_execute_command(want.exec)
        .send()
        .await
        .map_err(|e| Error::aws("ecs:UpdateService", e))?;
    Ok(())
}

pub async fn retag(
    cx: &AwsContext,
    have: &ServiceView,
    tags: &BTreeMap<String, String>,
) -> Result<()> {
    tagging::retag(cx.ecs(), &have.arn, &have.tags, tags).await
}

/// Waits until the rollout completes (one deployment, every task running); a rollout the
/// circuit breaker stopped is an error with ECS's reason.
pub async fn wait_stable(
    cx: &AwsContext,
    ctx: &Ctx,
    cluster: &str,
    name: &str,
) -> Result<ServiceView> {
    let what = format!("ECS service {cluster}/{name} to finish its rollout");
    wait::until(ctx, &what, POLL, || async {
        match describe(cx, cluster, name).await? {
            Some(s) if s.settled() => Ok(Poll::Ready(s)),
            Some(s) => match &s.rollout {
                Some((state, why)) if state == FAILED => Err(Error::Failed {
                    what: format!("the rollout of ECS service {cluster}/{name}"),
                    reason: format!("{why} (the circuit breaker rolled it back)"),
                }),
                _ => Ok(Poll::Pending(format!(
                    "{} of {} tasks running, {} deployments",
                    s.running, s.desired, s.deployments
                ))),
            },
            None => Err(Error::Vanished {
                what: format!("ECS service {cluster}/{name}"),
                when: "disappeared while its rollout was being waited on",
            }),
        }
    })
    .await
}

/// Scales the service to 0, deletes it and waits until its tasks have drained.
pub async fn delete(cx: &AwsContext, ctx: &Ctx, cluster: &str, name: &str) -> Result<()> {
    if describe(cx, cluster, name).await?.is_none() {
        return Ok(());
    }
    cx.ecs()
        .update_service()
        .cluster(cluster)
        .service(name)
        .desired_count(0)
        .send()
        .await
        .map_err(|e| Error::aws("ecs:UpdateService", e))?;
    cx.ecs()
        .delete_service()
        .cluster(cluster)
        .service(name)
        .send()
        .await
        .map_err(|e| Error::aws("ecs:DeleteService", e))?;
    let what = format!("ECS service {cluster}/{name} to drain");
    wait::until(ctx, &what, POLL, || async {
        Ok(match describe(cx, cluster, name).await? {
            Some(s) => Poll::Pending(format!("{} ({} tasks running)", s.status, s.running)),
            None => Poll::Ready(()),
        })
    })
    .await
}
