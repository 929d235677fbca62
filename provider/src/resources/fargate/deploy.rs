//! One service brought to its inputs, or removed: log group, roles, security group, task
//! definition revision, service (waited for until its rollout completes), scaling, and the
//! revisions it no longer runs.

use std::collections::{BTreeMap, BTreeSet};

use pulumi_provider::Ctx;

use super::args::{ServiceArgs, family, security_group, service_log_group};
use super::roles::{self, RoleInputs};
use super::scaling;
use super::service::{self, Wanted};
use super::taskdef::{self, Spec};
use crate::aws::firewall::{self, Opening, Source};
use crate::aws::lag::{NEW_EC2_OBJECT, settle};
use crate::aws::placement::{self, Firewall};
use crate::aws::{AwsContext, logs};
use crate::error::{Error, Result};

/// HTTPS, the port every AWS API, ECR and Secrets Manager answer on.
const HTTPS: i32 = 443;

/// What every service of one cluster shares.
pub struct Shared<'a> {
    pub cluster: &'a str,
    pub key_arn: &'a str,
    pub account: &'a str,
    pub retention: i32,
    pub retain_logs: bool,
    pub tags: &'a BTreeMap<String, String>,
}

/// What a service may send out: HTTPS anywhere (AWS APIs, ECR, Secrets Manager, CloudWatch
/// Logs, through a NAT gateway or VPC endpoints) and TCP inside its own VPC (its database
/// and cache, whose own groups decide what they let in). Nothing else.
pub async fn egress(cx: &AwsContext, vpc_id: &str) -> Result<BTreeSet<Opening>> {
    let vpcs = cx
        .ec2()
        .describe_vpcs()
        .vpc_ids(vpc_id)
        .send()
        .await
        .map_err(|e| Error::aws("ec2:DescribeVpcs", e))?;
    let mut out = BTreeSet::from([Opening::port(HTTPS, Source::Cidr("0.0.0.0/0".into()))]);
    if let Some(cidr) = vpcs.vpcs().first().and_then(|v| v.cidr_block()) {
        out.insert(Opening {
            protocol: "tcp".into(),
            from: 0,
            to: 65535,
            source: Source::Cidr(cidr.to_string()),
        });
    }
    Ok(out)
}

/// Names a placement error after the service's own inputs.
fn within(service: &str, e: Error) -> Error {
    match e {
        Error::Input { property, reason } => Error::Input {
            property: format!("services.{service}.{property}"),
            reason,
        },
        other => other,
    }
}

/// Brings one service to `s`. `previous` is the service's inputs as the engine last saw
/// them, which decides whether `desiredCount` was changed by the program.
pub async fn deploy(
    cx: &AwsContext,
    ctx: &Ctx,
    sh: &Shared<'_>,
    name: &str,
    s: &ServiceArgs,
    previous: Option<&ServiceArgs>,
) -> Result<()> {
    placement::check_subnets(cx, ctx, &s.vpc_id, &s.subnet_ids, 1, "a Fargate service")
        .await
        .map_err(|e| within(name, e))?;
    let group = service_log_group(sh.cluster, name);
    logs::ensure(cx, ctx, &group, sh.key_arn, sh.retention, sh.tags).await?;
    let role_inputs = RoleInputs {
        cluster: sh.cluster,
        service: name,
        args: s,
        key_arn: sh.key_arn,
        account: sh.account,
        tags: sh.tags,
    };
    let firewall = Firewall {
        vpc_id: &s.vpc_id,
        name: security_group(sh.cluster, name),
        description: format!("ECS service {}/{name} (managed by Pulumi)", sh.cluster),
        port: s.container_port.unwrap_or(0),
        sources: placement::sources(&s.allowed_security_group_ids, &s.allowed_cidr_blocks),
        property: "clusterName",
        // A VPC made moments ago (by a SecureVpc in the same update) may be unknown to
        // EC2's reads for a few seconds (NEW_EC2_OBJECT).
        egress: settle(
            ctx,
            &format!("VPC {}", s.vpc_id),
            &[&NEW_EC2_OBJECT],
            || egress(cx, &s.vpc_id),
        )
        .await?,
    };
    let (roles, sg) = futures::join!(
        roles::ensure(cx, ctx, &role_inputs),
        placement::ensure_security_group(cx, ctx, &firewall, sh.tags)
    );
    let (roles, sg) = (roles?, sg?);
    let spec = Spec::wanted(s, &roles.execution, &roles.task, &group);
    let have = service::describe(cx, sh.cluster, name).await?;
    let running = match &have {
        Some(v) => taskdef::describe(cx, ctx, &v.task_definition).await?,
        None => None,
    };
    let fam = family(sh.cluster, name);
    let revision = match running {
        Some(t) if t.active && t.spec == spec => t.arn,
        _ => {
            ctx.status(format!(
                "registering a new task definition revision of {fam}"
            ))
            .await;
            taskdef::register(cx, ctx, &fam, &spec, sh.tags).await?
        }
    };
    let want = Wanted {
        task_definition: &revision,
        subnets: &s.subnet_ids,
        security_groups: std::iter::once(sg.id.clone())
            .chain(s.security_group_ids.iter().flatten().cloned())
            .collect(),
        exec: s.exec(),
    };
    roll(cx, ctx, sh, name, s, previous, &want, have.as_ref()).await?;
    scaling::ensure(cx, ctx, sh.cluster, name, &s.scaling()).await?;
    let ran: Vec<String> = have.iter().map(|v| v.task_definition.clone()).collect();
    for arn in taskdef::deregister_others(cx, ctx, &fam, Some(&revision), &ran).await? {
        ctx.info(format!("deregistered task definition {arn}"))
            .await;
    }
    Ok(())
}

/// Creates or updates the service and waits for its rollout. The task count is set at
/// create, when the program changes `desiredCount`, and when scaling left it outside the
/// range; otherwise it is autoscaling's to move.
#[allow(clippy::too_many_arguments)]
async fn roll(
    cx: &AwsContext,
    ctx: &Ctx,
    sh: &Shared<'_>,
    name: &str,
    s: &ServiceArgs,
    previous: Option<&ServiceArgs>,
    want: &Wanted<'_>,
    have: Option<&service::ServiceView>,
) -> Result<()> {
    let desired = s
        .desired_count
        .unwrap_or(super::args::DEFAULT_DESIRED_COUNT);
    match have {
        None => {
            ctx.status(format!("creating ECS service {}/{name}", sh.cluster))
                .await;
            service::create(cx, ctx, sh.cluster, name, want, desired, sh.tags).await?;
        }
        Some(v) => {
            let range = s.scaling();
            let (min, max) = (range.min_tasks.unwrap_or(1), range.max_tasks.unwrap_or(1));
            let changed = previous.and_then(|p| p.desired_count) != s.desired_count;
            let count = (changed || v.desired < min || v.desired > max).then_some(desired);
            if !want.matches(v) || count.is_some() {
                ctx.status(format!("updating ECS service {}/{name}", sh.cluster))
                    .await;
                service::update(cx, ctx, sh.cluster, name, want, count).await?;
            }
            service::retag(cx, ctx, v, sh.tags).await?;
        }
    }
    service::wait_stable(cx, ctx, sh.cluster, name, want).await?;
    Ok(())
}

/// Removes a service and everything made for it; what is already gone is skipped.
pub async fn remove(
    cx: &AwsContext,
    ctx: &Ctx,
    sh: &Shared<'_>,
    name: &str,
    vpc_id: &str,
) -> Result<()> {
    ctx.status(format!("removing ECS service {}/{name}", sh.cluster))
        .await;
    scaling::delete(cx, ctx, sh.cluster, name).await?;
    let ran: Vec<String> = service::describe(cx, sh.cluster, name)
        .await?
        .map(|v| v.task_definition)
        .into_iter()
        .collect();
    service::delete(cx, ctx, sh.cluster, name).await?;
    taskdef::deregister_others(cx, ctx, &family(sh.cluster, name), None, &ran).await?;
    roles::delete(cx, ctx, sh.cluster, name).await?;
    if let Some(sg) = placement::group_in_vpc(cx, vpc_id, &security_group(sh.cluster, name)).await?
    {
        firewall::delete(cx, ctx, &sg.id).await?;
    }
    if !sh.retain_logs {
        logs::delete(cx, ctx, &service_log_group(sh.cluster, name)).await?;
    }
    Ok(())
}
