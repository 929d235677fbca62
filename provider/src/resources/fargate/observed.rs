//! One service as AWS has it: its parts read back, the inputs that would produce them, its
//! outputs and its drift.

use std::collections::BTreeMap;
use std::time::Duration;

use pulumi_provider::Ctx;
use serde_json::Value as J;

use super::args::{
    LogDeliveryMode, PolicyStatement, ServiceArgs, ServiceAutoscaling, ServiceState,
    execution_role, family, service_log_group, task_role,
};
use super::roles::{EXECUTION_POLICY, TASK_POLICY};
use super::scaling::{self, ScalingView};
use super::service::{self, ServiceView};
use super::taskdef::{self, Spec, TaskView};
use crate::aws::firewall::{self, GroupView};
use crate::aws::iam::{self, Role};
use crate::aws::lag::{Lag, NEW_EC2_OBJECT, resend, settle};
use crate::aws::placement::{self, Observed as Seen};
use crate::aws::{AwsContext, logs};
use crate::error::Result;

/// Everything read about one service.
pub struct Observed {
    pub name: String,
    pub view: ServiceView,
    pub task: Option<TaskView>,
    pub scaling: Option<ScalingView>,
    pub sg: Option<GroupView>,
    pub seen: Seen,
    pub log_group: Option<logs::Group>,
    pub execution_role: Option<Role>,
    pub task_role: Option<Role>,
    pub vpc_id: String,
}

/// How long a subnet or VPC a service names may be unknown to EC2's reads (made moments
/// ago, by a SecureVpc in the same update) before its not-found is the answer.
const NEW_NETWORK: Lag = NEW_EC2_OBJECT.for_at_most(Duration::from_secs(60));

/// The VPC of the service's first subnet. The subnet must exist (the service runs in it),
/// so EC2's not-found for one made moments ago is waited out (NEW_EC2_OBJECT, 60 s).
async fn vpc_of(cx: &AwsContext, ctx: &Ctx, subnets: &[String]) -> Result<String> {
    let Some(first) = subnets.first() else {
        return Ok(String::new());
    };
    let req = cx.ec2().describe_subnets().subnet_ids(first);
    let what = format!("subnet {first}");
    let out = settle(
        ctx,
        &what,
        &[&NEW_NETWORK],
        resend!(req, "ec2:DescribeSubnets"),
    )
    .await?;
    Ok(out
        .subnets()
        .first()
        .and_then(|s| s.vpc_id())
        .unwrap_or_default()
        .to_string())
}

/// Reads the service `name` of `cluster`; `None` when ECS has no such service.
pub async fn observe(
    cx: &AwsContext,
    ctx: &Ctx,
    cluster: &str,
    name: &str,
    given: Option<&ServiceArgs>,
) -> Result<Option<Observed>> {
    let Some(view) = service::describe(cx, cluster, name).await? else {
        return Ok(None);
    };
    let vpc_id = match given {
        Some(g) if !g.vpc_id.is_empty() => g.vpc_id.clone(),
        _ => vpc_of(cx, ctx, &view.subnets).await?,
    };
    let (execution, task_role_name) = (execution_role(cluster, name), task_role(cluster, name));
    let group = service_log_group(cluster, name);
    let (task, scaling, log_group, exec_role, task_role) = futures::join!(
        taskdef::describe(cx, ctx, &view.task_definition),
        scaling::describe(cx, cluster, name),
        logs::describe(cx, &group),
        iam::read_role(cx, &execution, EXECUTION_POLICY),
        iam::read_role(cx, &task_role_name, TASK_POLICY),
    );
    let sg = match view.security_groups.first() {
        Some(id) => firewall::describe(cx, id).await?,
        None => None,
    };
    let port = task
        .as_ref()
        .ok()
        .and_then(|t| t.as_ref())
        .and_then(|t| t.spec.port)
        .unwrap_or(0);
    // The VPC must exist (the service's subnets are in it): NEW_EC2_OBJECT, 60 s.
    let egress = settle(ctx, &format!("VPC {vpc_id}"), &[&NEW_NETWORK], || {
        super::deploy::egress(cx, &vpc_id)
    })
    .await?;
    // The groups the program adds are inputs (`securityGroupIds`), not drift.
    let own: Vec<String> = view
        .security_groups
        .iter()
        .filter(|g| sg.as_ref().is_some_and(|s| &s.id == *g))
        .cloned()
        .collect();
    let seen = placement::observe(
        sg.as_ref(),
        &super::args::security_group(cluster, name),
        port,
        &own,
        &egress,
    );
    Ok(Some(Observed {
        name: name.to_string(),
        view,
        task: task?,
        scaling: scaling?,
        sg,
        seen,
        log_group: log_group?,
        execution_role: exec_role?,
        task_role: task_role?,
        vpc_id,
    }))
}

/// The groups the tasks carry besides their own, sorted.
fn added_groups(o: &Observed) -> Vec<String> {
    let own = o.sg.as_ref().map(|s| s.id.as_str());
    let mut added: Vec<String> = o
        .view
        .security_groups
        .iter()
        .filter(|g| Some(g.as_str()) != own)
        .cloned()
        .collect();
    added.sort();
    added
}

/// The task role's own statements (`Own<n>`), as the inputs hold them.
fn own_statements(role: Option<&Role>) -> Vec<PolicyStatement> {
    let list = |v: &J| -> Vec<String> {
        match v {
            J::String(s) => vec![s.clone()],
            J::Array(a) => a.iter().filter_map(J::as_str).map(String::from).collect(),
            _ => Vec::new(),
        }
    };
    let statements = role
        .and_then(|r| r.policy.as_ref())
        .and_then(|p| p["Statement"].as_array().cloned())
        .unwrap_or_default();
    statements
        .iter()
        .filter(|s| s["Sid"].as_str().is_some_and(|sid| sid.starts_with("Own")))
        .map(|s| PolicyStatement {
            actions: list(&s["Action"]),
            resources: list(&s["Resource"]),
        })
        .collect()
}

fn nonempty<T>(v: Vec<T>, given: Option<&Option<Vec<T>>>) -> Option<Vec<T>> {
    match (v.is_empty(), given) {
        (true, None | Some(None)) => None,
        _ => Some(v),
    }
}

fn nonempty_map(
    v: BTreeMap<String, String>,
    given: Option<&Option<BTreeMap<String, String>>>,
) -> Option<BTreeMap<String, String>> {
    match (v.is_empty(), given) {
        (true, None | Some(None)) => None,
        _ => Some(v),
    }
}

/// The container's part of the inputs: the program's own when AWS runs exactly what it
/// asks for (so defaults it left out stay out), else what AWS runs.
fn container(o: &Observed, given: Option<&ServiceArgs>, base: &mut ServiceArgs) {
    let Some(t) = &o.task else {
        return;
    };
    if let Some(g) = given {
        let wanted = Spec::wanted(
            g,
            &t.spec.execution_role,
            &t.spec.task_role,
            &t.spec.log_group,
        );
        if wanted == t.spec {
            base.image = g.image.clone();
            base.cpu = g.cpu;
            base.memory = g.memory;
            base.container_port = g.container_port;
            base.command = g.command.clone();
            base.environment = g.environment.clone();
            base.secrets = g.secrets.clone();
            base.health_check = g.health_check.clone();
            base.log_delivery_mode = g.log_delivery_mode;
            base.log_buffer_size = g.log_buffer_size.clone();
            return;
        }
    }
    let s = &t.spec;
    log_delivery(s, given, base);
    base.image = s.image.clone();
    base.cpu = s.cpu.parse().ok();
    base.memory = s.memory.parse().ok();
    base.container_port = s.port;
    base.command = nonempty(s.command.clone(), given.map(|g| &g.command));
    base.environment = nonempty_map(s.environment.clone(), given.map(|g| &g.environment));
    base.secrets = nonempty_map(s.secrets.clone(), given.map(|g| &g.secrets));
    base.health_check = s
        .health
        .as_ref()
        .map(|h| super::args::ContainerHealthCheck {
            command: h.command.clone(),
            interval: Some(h.interval),
            timeout: Some(h.timeout),
            retries: Some(h.retries),
            start_period: Some(h.start_period),
        });
}

/// The log delivery inputs that give what the task definition has, in the program's own
/// form where it means the same (a default left out stays out). A task definition without a
/// `mode` (made before the provider set one) reads as no input, so a refresh shows no
/// change until its next revision.
fn log_delivery(s: &Spec, given: Option<&ServiceArgs>, base: &mut ServiceArgs) {
    let given_mode = given.and_then(|g| g.log_delivery_mode);
    base.log_delivery_mode = match s.log_mode.as_deref() {
        None => None,
        Some(m) if given_mode.unwrap_or_default().as_str() == m => given_mode,
        Some("blocking") => Some(LogDeliveryMode::Blocking),
        Some(_) => Some(LogDeliveryMode::NonBlocking),
    };
    let given_buffer = given.cloned().unwrap_or_default().log_delivery().1;
    base.log_buffer_size = match &s.log_buffer {
        None => None,
        Some(b) if given_buffer.as_ref() == Some(b) => {
            given.and_then(|g| g.log_buffer_size.clone())
        }
        Some(b) => Some(b.clone()),
    };
}

/// The inputs that would produce the service as AWS has it.
pub fn args(o: &Observed, given: Option<&ServiceArgs>) -> ServiceArgs {
    let mut subnets = o.view.subnets.clone();
    subnets.sort();
    let mut a = ServiceArgs {
        vpc_id: o.vpc_id.clone(),
        subnet_ids: subnets,
        allowed_security_group_ids: placement::listed(
            o.seen.groups.clone(),
            given.map(|g| &g.allowed_security_group_ids),
        ),
        allowed_cidr_blocks: placement::listed(
            o.seen.cidrs.clone(),
            given.map(|g| &g.allowed_cidr_blocks),
        ),
        security_group_ids: nonempty(added_groups(o), given.map(|g| &g.security_group_ids)),
        desired_count: given.and_then(|g| g.desired_count).or(Some(o.view.desired)),
        autoscaling: o.scaling.as_ref().map(|s| ServiceAutoscaling {
            min_tasks: Some(s.min),
            max_tasks: Some(s.max),
            cpu_target: s.targets.get("cpu").copied(),
            memory_target: s.targets.get("memory").copied(),
        }),
        enable_execute_command: Some(o.view.exec),
        task_policy_statements: nonempty(
            own_statements(o.task_role.as_ref()),
            given.map(|g| &g.task_policy_statements),
        ),
        assign_public_ip: Some(o.view.public_ip),
        privileged: o.task.as_ref().map(|t| t.spec.privileged),
        readonly_root_filesystem: o.task.as_ref().map(|t| t.spec.readonly_root),
        ..ServiceArgs::default()
    };
    container(o, given, &mut a);
    a
}

pub fn outputs(o: &Observed) -> ServiceState {
    ServiceState {
        service_arn: o.view.arn.clone(),
        task_definition_arn: o.view.task_definition.clone(),
        execution_role_arn: o
            .execution_role
            .as_ref()
            .map(|r| r.arn.clone())
            .unwrap_or_default(),
        task_role_arn: o
            .task_role
            .as_ref()
            .map(|r| r.arn.clone())
            .unwrap_or_default(),
        security_group_id: o.sg.as_ref().map(|s| s.id.clone()).unwrap_or_default(),
        log_group_name: o
            .log_group
            .as_ref()
            .map(|_| service_log_group_of(o))
            .unwrap_or_default(),
        desired_count: o.view.desired,
        running_count: o.view.running,
    }
}

fn service_log_group_of(o: &Observed) -> String {
    o.task
        .as_ref()
        .map(|t| t.spec.log_group.clone())
        .unwrap_or_default()
}

/// How the service differs from its safe form in ways no input shows.
pub fn drift(o: &Observed, cluster: &str, given: Option<&ServiceArgs>) -> Vec<String> {
    let n = &o.name;
    let mut out: Vec<String> = o
        .seen
        .drift
        .iter()
        .map(|d| format!("service {n}: {d}"))
        .collect();
    if !o.view.circuit_breaker {
        out.push(format!(
            "service {n}: the deployment circuit breaker with rollback is off"
        ));
    }
    match &o.scaling {
        None => out.push(format!(
            "service {n}: no scalable target, so nothing scales it"
        )),
        Some(s) if o.view.desired < s.min || o.view.desired > s.max => out.push(format!(
            "service {n}: runs {} tasks, outside its scaling range {}-{}",
            o.view.desired, s.min, s.max
        )),
        Some(s) => {
            let wanted = given
                .map(|g| scaling::wanted(&g.scaling()))
                .unwrap_or_default();
            for metric in wanted.keys().filter(|m| !s.targets.contains_key(*m)) {
                out.push(format!(
                    "service {n}: its {metric} target-tracking policy is missing"
                ));
            }
        }
    }
    if o.log_group.is_none() {
        out.push(format!(
            "service {n}: its log group {} is missing",
            service_log_group(cluster, n)
        ));
    }
    match &o.task {
        Some(t) if !t.active => out.push(format!(
            "service {n}: runs the deregistered revision {}",
            t.arn
        )),
        None => out.push(format!(
            "service {n}: its task definition of family {} is missing",
            family(cluster, n)
        )),
        Some(_) => {}
    }
    out
}
