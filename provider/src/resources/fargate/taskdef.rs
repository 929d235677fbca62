//! A service's task definition: one container, awsvpc on Fargate, non-privileged with a
//! read-only root, logging to its own encrypted group, secrets from Secrets Manager. A
//! change is a new revision; the revisions it replaces are deregistered.

use std::collections::BTreeMap;

use aws_sdk_ecs::types::{
    Compatibility, ContainerDefinition, HealthCheck, KeyValuePair, LogConfiguration, LogDriver,
    NetworkMode, PortMapping, Secret, TaskDefinition, TaskDefinitionField, TaskDefinitionStatus,
    TransportProtocol,
};

use pulumi_provider::Ctx;

use super::args::ServiceArgs;
use crate::aws::AwsContext;
use crate::aws::lag::resend;
use crate::aws::lag::{NEW_NAMED_IN_WORDS, NEW_ROLE, settle};
use crate::aws::tagging;
use crate::error::{Error, Result};

/// The container's name in every task definition.
pub const CONTAINER: &str = "app";

/// A health check with ECS's defaults filled in, as ECS reports it back.
#[derive(Debug, Clone, PartialEq)]
pub struct Health {
    pub command: Vec<String>,
    pub interval: i32,
    pub timeout: i32,
    pub retries: i32,
    pub start_period: i32,
}

/// Everything of a task definition the inputs decide; equal specs need no new revision.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub image: String,
    pub cpu: String,
    pub memory: String,
    pub port: Option<i32>,
    pub command: Vec<String>,
    pub environment: BTreeMap<String, String>,
    pub secrets: BTreeMap<String, String>,
    pub health: Option<Health>,
    pub execution_role: String,
    pub task_role: String,
    pub log_group: String,
    pub readonly_root: bool,
    pub privileged: bool,
    /// Whether the container logs with awslogs (ecs-task-definition-log-configuration).
    pub logs_to_cloudwatch: bool,
    /// The awslogs `mode` option; absent leaves it to the account's `defaultLogDriverMode`.
    pub log_mode: Option<String>,
    /// The awslogs `max-buffer-size` option (non-blocking only).
    pub log_buffer: Option<String>,
}

impl Spec {
    pub fn wanted(s: &ServiceArgs, execution_role: &str, task_role: &str, log_group: &str) -> Self {
        let (mode, buffer) = s.log_delivery();
        Spec {
            image: s.image.clone(),
            cpu: s.cpu().to_string(),
            memory: s.memory().to_string(),
            port: s.container_port,
            command: s.command.clone().unwrap_or_default(),
            environment: s.environment.clone().unwrap_or_default(),
            secrets: s.secrets.clone().unwrap_or_default(),
            health: s.health_check.as_ref().map(|h| Health {
                command: h.command.clone(),
                interval: h.interval.unwrap_or(30),
                timeout: h.timeout.unwrap_or(5),
                retries: h.retries.unwrap_or(3),
                start_period: h.start_period.unwrap_or(0),
            }),
            execution_role: execution_role.to_string(),
            task_role: task_role.to_string(),
            log_group: log_group.to_string(),
            readonly_root: true,
            privileged: false,
            logs_to_cloudwatch: true,
            log_mode: Some(mode.as_str().to_string()),
            log_buffer: buffer,
        }
    }

    fn of(t: &TaskDefinition) -> Self {
        let c = t.container_definitions().first();
        let log = c.and_then(|c| c.log_configuration());
        let option = |name: &str| {
            log.and_then(|l| l.options())
                .and_then(|o| o.get(name))
                .cloned()
        };
        Spec {
            image: c.and_then(|c| c.image()).unwrap_or_default().to_string(),
            cpu: t.cpu().unwrap_or_default().to_string(),
            memory: t.memory().unwrap_or_default().to_string(),
            port: c
                .and_then(|c| c.port_mappings().first())
                .and_then(|p| p.container_port()),
            command: c.map(|c| c.command().to_vec()).unwrap_or_default(),
            environment: c
                .map(|c| c.environment())
                .unwrap_or_default()
                .iter()
                .map(|kv| {
                    (
                        kv.name().unwrap_or_default().into(),
                        kv.value().unwrap_or_default().into(),
                    )
                })
                .collect(),
            secrets: c
                .map(|c| c.secrets())
                .unwrap_or_default()
                .iter()
                .map(|s| (s.name().to_string(), s.value_from().to_string()))
                .collect(),
            health: c.and_then(|c| c.health_check()).map(|h| Health {
                command: h.command().to_vec(),
                interval: h.interval().unwrap_or(30),
                timeout: h.timeout().unwrap_or(5),
                retries: h.retries().unwrap_or(3),
                start_period: h.start_period().unwrap_or(0),
            }),
            execution_role: t.execution_role_arn().unwrap_or_default().to_string(),
            task_role: t.task_role_arn().unwrap_or_default().to_string(),
            log_group: option("awslogs-group").unwrap_or_default(),
            readonly_root: c
                .and_then(|c| c.readonly_root_filesystem())
                .unwrap_or(false),
            privileged: c.and_then(|c| c.privileged()).unwrap_or(false),
            logs_to_cloudwatch: log.is_some_and(|l| l.log_driver() == &LogDriver::Awslogs),
            log_mode: option("mode"),
            log_buffer: option("max-buffer-size"),
        }
    }

    fn container(&self, region: &str) -> Result<ContainerDefinition> {
        let mut log = LogConfiguration::builder()
            .log_driver(LogDriver::Awslogs)
            .options("awslogs-group", &self.log_group)
            .options("awslogs-region", region)
            .options("awslogs-stream-prefix", CONTAINER);
        if let Some(mode) = &self.log_mode {
            log = log.options("mode", mode);
        }
        if let Some(size) = &self.log_buffer {
            log = log.options("max-buffer-size", size);
        }
        let log = log.build()?;
        let secrets = self
            .secrets
            .iter()
            .map(|(k, v)| Secret::builder().name(k).value_from(v).build())
            .collect::<Result<Vec<_>, _>>()?;
        let health = match &self.health {
            Some(h) => Some(
                HealthCheck::builder()
                    .set_command(Some(h.command.clone()))
                    .interval(h.interval)
                    .timeout(h.timeout)
                    .retries(h.retries)
                    .start_period(h.start_period)
                    .build()?,
            ),
            None => None,
        };
        let ports = self.port.map(|p| {
            vec![
                PortMapping::builder()
                    .container_port(p)
                    .protocol(TransportProtocol::Tcp)
                    .build(),
            ]
        });
        let environment = self
            .environment
            .iter()
            .map(|(k, v)| KeyValuePair::builder().name(k).value(v).build())
            .collect();
        Ok(ContainerDefinition::builder()
            .name(CONTAINER)
            .image(&self.image)
            .essential(true)
            .readonly_root_filesystem(self.readonly_root)
            .privileged(self.privileged)
            .set_command((!self.command.is_empty()).then(|| self.command.clone()))
            .set_environment(Some(environment))
            .set_secrets(Some(secrets))
            .set_health_check(health)
            .set_port_mappings(ports)
            .log_configuration(log)
            .build())
    }
}

/// A registered revision.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskView {
    pub arn: String,
    pub active: bool,
    pub spec: Spec,
}

/// The revision a service runs. It must exist (ECS keeps a deregistered revision
/// describable, as INACTIVE), so ECS's `ClientException` "Unable to describe task
/// definition" for one registered a moment ago is waited out (NEW_NAMED_IN_WORDS); past
/// that, or for another `ClientException`, the revision reads as absent.
pub async fn describe(cx: &AwsContext, ctx: &Ctx, arn: &str) -> Result<Option<TaskView>> {
    let req = cx
        .ecs()
        .describe_task_definition()
        .task_definition(arn)
        .include(TaskDefinitionField::Tags);
    let what = format!("task definition {arn}");
    let out = match settle(
        ctx,
        &what,
        &[&NEW_NAMED_IN_WORDS],
        resend!(req, "ecs:DescribeTaskDefinition"),
    )
    .await
    {
        Ok(out) => out,
        Err(Error::Aws { code, .. }) if code == "ClientException" => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(out.task_definition().map(|t| TaskView {
        arn: t.task_definition_arn().unwrap_or_default().to_string(),
        active: t.status() == Some(&TaskDefinitionStatus::Active),
        spec: Spec::of(t),
    }))
}

/// Registers a new revision of `family`. ECS refuses roles made moments ago until IAM has
/// propagated them (ClientException naming the role: NEW_ROLE), and registers nothing then.
pub async fn register(
    cx: &AwsContext,
    ctx: &Ctx,
    family: &str,
    spec: &Spec,
    tags: &BTreeMap<String, String>,
) -> Result<String> {
    let req = cx
        .ecs()
        .register_task_definition()
        .family(family)
        .network_mode(NetworkMode::Awsvpc)
        .requires_compatibilities(Compatibility::Fargate)
        .cpu(&spec.cpu)
        .memory(&spec.memory)
        .execution_role_arn(&spec.execution_role)
        .task_role_arn(&spec.task_role)
        .container_definitions(spec.container(&cx.region)?)
        .set_tags(Some(tagging::ecs(tags)));
    let what = format!("registering task definition {family}");
    let made = settle(
        ctx,
        &what,
        &[&NEW_ROLE],
        resend!(req, "ecs:RegisterTaskDefinition"),
    )
    .await?;
    made.task_definition()
        .and_then(|t| t.task_definition_arn())
        .map(String::from)
        .ok_or(Error::Incomplete {
            operation: "ecs:RegisterTaskDefinition",
            missing: "the revision's ARN",
        })
}

/// The ACTIVE revisions of exactly `family` (ECS lists by prefix).
pub async fn active_revisions(cx: &AwsContext, family: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut pages = cx
        .ecs()
        .list_task_definitions()
        .family_prefix(family)
        .status(TaskDefinitionStatus::Active)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| Error::aws("ecs:ListTaskDefinitions", e))?;
        out.extend(
            page.task_definition_arns()
                .iter()
                .filter(|arn| family_of(arn) == Some(family))
                .cloned(),
        );
    }
    Ok(out)
}

fn family_of(arn: &str) -> Option<&str> {
    arn.rsplit_once("task-definition/")?
        .1
        .rsplit_once(':')
        .map(|(f, _)| f)
}

/// Deregisters every ACTIVE revision of `family` but `keep`: those ECS lists, and the
/// `known` ones (the revision the service ran, as it said a moment ago). ListTaskDefinitions
/// can leave a revision out for a while after it was registered; the known ones are read by
/// ARN, so the revision being replaced is never missed.
pub async fn deregister_others(
    cx: &AwsContext,
    ctx: &Ctx,
    family: &str,
    keep: Option<&str>,
    known: &[String],
) -> Result<Vec<String>> {
    let mut arns = active_revisions(cx, family).await?;
    for arn in known {
        if arns.contains(arn) || family_of(arn) != Some(family) {
            continue;
        }
        if describe(cx, ctx, arn).await?.is_some_and(|t| t.active) {
            arns.push(arn.clone());
        }
    }
    let mut gone = Vec::new();
    for arn in arns {
        if Some(arn.as_str()) == keep {
            continue;
        }
        cx.ecs()
            .deregister_task_definition()
            .task_definition(&arn)
            .send()
            .await
            .map_err(|e| Error::aws("ecs:DeregisterTaskDefinition", e))?;
        gone.push(arn);
    }
    Ok(gone)
}
