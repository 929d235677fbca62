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
use crate::aws::lag::resend;
use crate::aws::lag::{
    BUSY, NEW_EC2_OBJECT, NEW_EC2_OBJECT_ELSEWHERE, NEW_OBJECT, NEW_ROLE, settle,
};
use crate::aws::tagging::{self, from_ecs};
use crate::aws::token;
use crate::aws::wait::{self, Backoff, Poll};
use crate::error::{Error, Result};
use crate::resources::postgres::settling::{self, Seen};

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

/// An idempotency token for CreateService: the same for a retry of the same create (same
/// URN, cluster, service and revision), so a send whose answer was lost gets the same
/// service back; another revision (a service removed and made again registers a new one)
/// gets another token.
pub fn client_token(urn: &str, cluster: &str, name: &str, task_definition: &str) -> String {
    token::client_token(&[urn, cluster, name, task_definition])
}

/// CreateService, through the lags that refuse it with nothing made: the roles of the task
/// definition (NEW_ROLE), the subnets and security groups (NEW_EC2_OBJECT) made moments ago.
/// Its `clientToken` keeps a repeated send from making a second service.
pub async fn create(
    cx: &AwsContext,
    ctx: &Ctx,
    cluster: &str,
    name: &str,
    want: &Wanted<'_>,
    desired: i32,
    tags: &BTreeMap<String, String>,
) -> Result<()> {
    let req = cx
        .ecs()
        .create_service()
        .cluster(cluster)
        .service_name(name)
        .client_token(client_token(ctx.urn(), cluster, name, want.task_definition))
        .task_definition(want.task_definition)
        .desired_count(desired)
        .launch_type(LaunchType::Fargate)
        .platform_version("LATEST")
        .network_configuration(want.network()?)
        .deployment_configuration(Wanted::deployment())
        .enable_execute_command(want.exec)
        .propagate_tags(PropagateTags::Service)
        .set_tags(Some(tagging::ecs(tags)));
    let what = format!("creating ECS service {cluster}/{name}");
    settle(
        ctx,
        &what,
        &[
            &NEW_ROLE,
            &NEW_EC2_OBJECT,
            &NEW_EC2_OBJECT_ELSEWHERE,
            &NEW_OBJECT,
        ],
        resend!(req, "ecs:CreateService"),
    )
    .await?;
    Ok(())
}

/// Rolls the service to `want` (a new revision, subnets, group, exec) and, when given, a
/// new task count. A service still changing refuses it (BUSY); a security group made
/// moments ago may be unknown yet (NEW_EC2_OBJECT); either way nothing changed.
pub async fn update(
    cx: &AwsContext,
    ctx: &Ctx,
    cluster: &str,
    name: &str,
    want: &Wanted<'_>,
    desired: Option<i32>,
) -> Result<()> {
    let req = cx
        .ecs()
        .update_service()
        .cluster(cluster)
        .service(name)
        .task_definition(want.task_definition)
        .set_desired_count(desired)
        .network_configuration(want.network()?)
        .deployment_configuration(Wanted::deployment())
        .enable_execute_command(want.exec);
    let what = format!("updating ECS service {cluster}/{name}");
    settle(
        ctx,
        &what,
        &[&BUSY, &NEW_EC2_OBJECT, &NEW_EC2_OBJECT_ELSEWHERE],
        resend!(req, "ecs:UpdateService"),
    )
    .await?;
    Ok(())
}

pub async fn retag(
    cx: &AwsContext,
    ctx: &Ctx,
    have: &ServiceView,
    tags: &BTreeMap<String, String>,
) -> Result<()> {
    tagging::retag_settled(ctx, cx.ecs(), &have.arn, &have.tags, tags).await
}

/// Waits after a create or update until the rollout of `want` completes (one deployment,
/// of `want`'s revision, every task running), by the `AfterChange` rule: DescribeServices
/// may lag the call and still show the previous deployment as complete. A service ECS does
/// not list yet (just made) counts as pending for `wait::UNSEEN_GRACE`. A rollout the
/// circuit breaker stopped is an error with ECS's reason.
pub async fn wait_stable(
    cx: &AwsContext,
    ctx: &Ctx,
    cluster: &str,
    name: &str,
    want: &Wanted<'_>,
) -> Result<ServiceView> {
    let what = format!("ECS service {cluster}/{name} to finish its rollout");
    let gone = || {
        settling::vanished(
            &format!("ECS service {cluster}/{name}"),
            "disappeared while its rollout was being waited on",
        )
    };
    settling::until_changed(ctx, &what, POLL, gone, || async {
        let Some(s) = describe(cx, cluster, name).await? else {
            return Ok(None);
        };
        if let Some((state, why)) = &s.rollout
            && state == FAILED
        {
            return Err(Error::Failed {
                what: format!("the rollout of ECS service {cluster}/{name}"),
                reason: format!("{why} (the circuit breaker rolled it back)"),
            });
        }
        Ok(Some(Seen {
            at_rest: s.settled() && s.task_definition == want.task_definition,
            state: format!(
                "{} of {} tasks running, {} deployments",
                s.running, s.desired, s.deployments
            ),
            value: s,
        }))
    })
    .await
}

/// Scales the service to 0, deletes it and waits until its tasks have drained. A service
/// still rolling out refuses the scale-down (BUSY), with nothing changed.
pub async fn delete(cx: &AwsContext, ctx: &Ctx, cluster: &str, name: &str) -> Result<()> {
    if describe(cx, cluster, name).await?.is_none() {
        return Ok(());
    }
    let what = format!("stopping ECS service {cluster}/{name}");
    settle(ctx, &what, &[&BUSY], || async {
        cx.ecs()
            .update_service()
            .cluster(cluster)
            .service(name)
            .desired_count(0)
            .send()
            .await
            .map_err(|e| Error::aws("ecs:UpdateService", e))
    })
    .await?;
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

#[cfg(test)]
mod tests {
    use super::client_token;

    #[test]
    fn a_retried_create_sends_the_same_token_within_ecs_limit() {
        let urn = "urn:pulumi:dev::p::healthcare:compute:FargateCluster::c";
        let a = client_token(urn, "c-1a2b", "web", "arn:aws:ecs:r:1:task-definition/f:1");
        assert_eq!(
            a,
            client_token(urn, "c-1a2b", "web", "arn:aws:ecs:r:1:task-definition/f:1")
        );
        assert!(a.len() <= 36 && a.is_ascii(), "{a}");
        assert_ne!(
            a,
            client_token(urn, "c-1a2b", "web", "arn:aws:ecs:r:1:task-definition/f:2")
        );
        assert_ne!(
            a,
            client_token(urn, "c-1a2b", "api", "arn:aws:ecs:r:1:task-definition/f:1")
        );
    }
}
