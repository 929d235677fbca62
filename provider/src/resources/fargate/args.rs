//! FargateCluster inputs and outputs.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::compliance::Compliance;

pub const DEFAULT_RETENTION_DAYS: i32 = 365;
pub const MIN_RETENTION_DAYS: i32 = 90;
pub const DEFAULT_CPU: i32 = 256;
pub const DEFAULT_MEMORY: i32 = 512;
pub const DEFAULT_DESIRED_COUNT: i32 = 2;
pub const DEFAULT_MIN_TASKS: i32 = 2;
pub const DEFAULT_MAX_TASKS: i32 = 10;
pub const DEFAULT_CPU_TARGET: f64 = 70.0;
/// IAM role names are 64 characters at most; a service's roles are
/// `<clusterName>-<service>-exec` and `<clusterName>-<service>-task`.
pub const MAX_ROLE_NAME: usize = 64;

/// The buffer of non-blocking log delivery when `logBufferSize` is not given.
pub const DEFAULT_LOG_BUFFER: &str = "25m";

/// How the container's output reaches its log group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum LogDeliveryMode {
    /// Buffered; lines beyond the buffer are dropped.
    #[default]
    NonBlocking,
    /// Writes wait for CloudWatch Logs; no line is lost.
    Blocking,
}

impl LogDeliveryMode {
    pub fn as_str(self) -> &'static str {
        match self {
            LogDeliveryMode::NonBlocking => "non-blocking",
            LogDeliveryMode::Blocking => "blocking",
        }
    }
}

/// A Fargate capacity provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CapacityProvider {
    /// On-demand Fargate capacity.
    #[default]
    Fargate,
    /// Spare Fargate capacity, interruptible at two minutes' notice.
    FargateSpot,
}

impl CapacityProvider {
    pub fn as_str(self) -> &'static str {
        match self {
            CapacityProvider::Fargate => "FARGATE",
            CapacityProvider::FargateSpot => "FARGATE_SPOT",
        }
    }
}

/// A container health check, as ECS runs it inside the container.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContainerHealthCheck {
    /// The command, as ECS takes it: `["CMD-SHELL", "curl -f http://localhost/ || exit 1"]` or `["CMD", ...]`.
    pub command: Vec<String>,
    /// Seconds between checks (5 to 300; ECS's default 30).
    pub interval: Option<i32>,
    /// Seconds a check may take (2 to 60; ECS's default 5).
    pub timeout: Option<i32>,
    /// Failures in a row before the container is unhealthy (1 to 10; ECS's default 3).
    pub retries: Option<i32>,
    /// Seconds after start during which failures do not count (0 to 300).
    pub start_period: Option<i32>,
}

/// CPU (and optionally memory) target tracking of a service's task count.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServiceAutoscaling {
    /// The fewest tasks (default 2).
    pub min_tasks: Option<i32>,
    /// The most tasks (default 10).
    pub max_tasks: Option<i32>,
    /// Average CPU utilization to hold, in percent (default 70).
    pub cpu_target: Option<f64>,
    /// Average memory utilization to hold, in percent; no memory policy when absent.
    pub memory_target: Option<f64>,
}

/// One statement of a task role's own permissions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PolicyStatement {
    /// IAM actions, e.g. `s3:GetObject`.
    pub actions: Vec<String>,
    /// The ARNs they apply to.
    pub resources: Vec<String>,
}

/// One service of the cluster: its task definition, service, roles, logs, firewall and scaling.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "FargateService")]
pub struct ServiceArgs {
    /// The container image, e.g. `123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2`. A change rolls out a new task definition revision.
    pub image: String,
    /// CPU units of the task (256, 512, 1024, 2048, 4096, 8192 or 16384; default 256).
    pub cpu: Option<i32>,
    /// Memory of the task in MiB, one of the sizes Fargate allows with that CPU (default 512).
    pub memory: Option<i32>,
    /// The port the container listens on; the service's security group opens it to the allowed sources only. No port: nothing may connect in.
    pub container_port: Option<i32>,
    /// The container's command, overriding the image's.
    pub command: Option<Vec<String>>,
    /// Plain environment variables. A name that looks like a credential (PASSWORD, SECRET, TOKEN, KEY...) is refused: put it in `secrets`.
    pub environment: Option<BTreeMap<String, String>>,
    /// Environment variables read from Secrets Manager when a task starts: name to secret ARN, or to `<secret ARN>:<JSON key>::` for one key of a JSON secret. The execution role may read exactly these secrets.
    pub secrets: Option<BTreeMap<String, String>>,
    /// A health check run inside the container.
    pub health_check: Option<ContainerHealthCheck>,
    /// The VPC the tasks run in (a SecureVpc's `vpcId`).
    pub vpc_id: String,
    /// Private subnets of that VPC (a SecureVpc's `privateSubnetIds`); tasks never get a public IP.
    pub subnet_ids: Vec<String>,
    /// Security groups whose members may connect on `containerPort`.
    pub allowed_security_group_ids: Option<Vec<String>>,
    /// CIDR blocks that may connect on `containerPort`. Never 0.0.0.0/0 or ::/0.
    pub allowed_cidr_blocks: Option<Vec<String>>,
    /// More security groups for the tasks to carry besides their own, such as a SecureVpc's `applicationSecurityGroupId`: a database or cache lets the service in by that group, which does not depend on the service (so the service can read their secrets without a cycle).
    pub security_group_ids: Option<Vec<String>>,
    /// Tasks to run (default 2). With `autoscaling`, the number to start from; scaling moves it between `minTasks` and `maxTasks`.
    pub desired_count: Option<i32>,
    /// Target tracking of the task count; on by default (2 to 10 tasks, 70% CPU). Set `maxTasks` equal to `minTasks` for a fixed size.
    pub autoscaling: Option<ServiceAutoscaling>,
    /// Allow `aws ecs execute-command` sessions into the tasks (default false); sessions are encrypted with the cluster's key and logged.
    pub enable_execute_command: Option<bool>,
    /// The task role's own permissions (none by default).
    pub task_policy_statements: Option<Vec<PolicyStatement>>,
    /// Must be false (the default): public IPs are refused.
    pub assign_public_ip: Option<bool>,
    /// Must be false (the default): privileged containers are refused (ecs-containers-nonprivileged).
    pub privileged: Option<bool>,
    /// Must be true (the default): a writable root filesystem is refused (ecs-containers-readonly-access).
    pub readonly_root_filesystem: Option<bool>,
    /// `non-blocking` (default): output is buffered (`logBufferSize`) so the application never stalls on CloudWatch Logs, and lines beyond the buffer are dropped; `blocking`: no line is lost, but writes stall while CloudWatch Logs is unreachable. Stated in the task definition, not left to the account's default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_delivery_mode: Option<LogDeliveryMode>,
    /// The buffer of `non-blocking` delivery: bytes, with an optional `k`, `m` or `g` (default `25m`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_buffer_size: Option<String>,
}

/// Inputs of a FargateCluster.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FargateArgs {
    /// The cluster's name: letters, digits, hyphens and underscores. Generated from the resource name when not given; changing it replaces the cluster.
    #[schemars(extend("replaceOnChanges" = true))]
    pub cluster_name: Option<String>,
    /// A KMS key (id, ARN or alias) for exec sessions and every log group. When absent, the resource creates a customer-managed key with rotation on, and owns it. Changing it replaces the cluster.
    #[schemars(extend("replaceOnChanges" = true))]
    pub kms_key_id: Option<String>,
    /// Days the exec audit log and container logs are kept: 365 by default, 90 at least.
    pub log_retention_days: Option<i32>,
    /// `FARGATE` (the default) and/or `FARGATE_SPOT`; services run on the first.
    pub capacity_providers: Option<Vec<CapacityProvider>>,
    /// Keep the log groups when the cluster or a service is deleted, and the KMS key the
    /// resource made for them, so they stay readable (default false: they are deleted, and
    /// the key scheduled for deletion). The exec log is audit evidence (45 CFR 164.312(b)).
    pub retain_log_groups: Option<bool>,
    /// The services, by name: adding or removing one touches no other.
    pub services: Option<BTreeMap<String, ServiceArgs>>,
    /// Tags for every part; merged over the provider's default tags.
    pub tags: Option<BTreeMap<String, String>>,
}

/// What one service is made of.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "FargateServiceOutputs")]
pub struct ServiceState {
    /// The service's ARN.
    pub service_arn: String,
    /// The revision the service runs.
    pub task_definition_arn: String,
    /// The role ECS uses to pull the image, read `secrets` and write logs.
    pub execution_role_arn: String,
    /// The role the containers run as.
    pub task_role_arn: String,
    /// The service's own security group.
    pub security_group_id: String,
    /// Where the containers log.
    pub log_group_name: String,
    /// Tasks ECS wants running now (autoscaling moves it).
    pub desired_count: i32,
    /// Tasks running, as ECS reports them.
    pub running_count: i32,
}

/// Outputs of a FargateCluster.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FargateState {
    /// The inputs, with every default filled in.
    #[serde(flatten)]
    pub args: FargateArgs,
    /// The cluster's ARN.
    pub cluster_arn: String,
    /// The ARN of the key encrypting exec sessions and logs.
    pub kms_key_arn: String,
    /// True when this resource created the key and will schedule its deletion.
    pub kms_key_managed: bool,
    /// The log group of exec sessions.
    pub exec_log_group_name: String,
    /// Per service: what it is made of.
    pub service_outputs: BTreeMap<String, ServiceState>,
    /// How AWS differs from the inputs in ways no input shows; the next update puts it right.
    pub drift: Vec<String>,
    /// The HIPAA controls the cluster satisfies, as AWS reports them.
    pub compliance: Option<Compliance>,
}

impl FargateArgs {
    pub fn id(&self) -> &str {
        self.cluster_name.as_deref().unwrap_or_default()
    }

    pub fn tags(&self) -> BTreeMap<String, String> {
        self.tags.clone().unwrap_or_default()
    }

    pub fn services(&self) -> BTreeMap<String, ServiceArgs> {
        self.services.clone().unwrap_or_default()
    }

    pub fn retention(&self) -> i32 {
        self.log_retention_days.unwrap_or(DEFAULT_RETENTION_DAYS)
    }

    pub fn providers(&self) -> Vec<CapacityProvider> {
        match &self.capacity_providers {
            Some(p) if !p.is_empty() => p.clone(),
            _ => vec![CapacityProvider::Fargate],
        }
    }
}

impl ServiceArgs {
    pub fn cpu(&self) -> i32 {
        self.cpu.unwrap_or(DEFAULT_CPU)
    }

    pub fn memory(&self) -> i32 {
        self.memory.unwrap_or(DEFAULT_MEMORY)
    }

    pub fn exec(&self) -> bool {
        self.enable_execute_command.unwrap_or(false)
    }

    /// The log delivery mode, and the buffer size when non-blocking, defaults filled in.
    pub fn log_delivery(&self) -> (LogDeliveryMode, Option<String>) {
        let mode = self.log_delivery_mode.unwrap_or_default();
        let buffer = (mode == LogDeliveryMode::NonBlocking).then(|| {
            self.log_buffer_size
                .clone()
                .unwrap_or_else(|| DEFAULT_LOG_BUFFER.to_string())
        });
        (mode, buffer)
    }

    /// The scaling range and targets, defaults filled in.
    pub fn scaling(&self) -> ServiceAutoscaling {
        let a = self.autoscaling.clone().unwrap_or_default();
        ServiceAutoscaling {
            min_tasks: Some(a.min_tasks.unwrap_or(DEFAULT_MIN_TASKS)),
            max_tasks: Some(a.max_tasks.unwrap_or(DEFAULT_MAX_TASKS)),
            cpu_target: Some(a.cpu_target.unwrap_or(DEFAULT_CPU_TARGET)),
            memory_target: a.memory_target,
        }
    }
}

/// The task memory sizes (MiB) Fargate allows with each CPU size.
pub fn fargate_memory(cpu: i32) -> Option<Vec<i32>> {
    let gib = |from: i32, to: i32, step: i32| (from..=to).step_by(step as usize).map(|g| g * 1024);
    Some(match cpu {
        256 => vec![512, 1024, 2048],
        512 => gib(1, 4, 1).collect(),
        1024 => gib(2, 8, 1).collect(),
        2048 => gib(4, 16, 1).collect(),
        4096 => gib(8, 30, 1).collect(),
        8192 => gib(16, 60, 4).collect(),
        16384 => gib(32, 120, 8).collect(),
        _ => return None,
    })
}

/// Names of the parts, all derived from the cluster name (and the service's).
pub fn key_alias(cluster: &str) -> String {
    format!("alias/healthcare/ecs/{cluster}")
}

pub fn exec_log_group(cluster: &str) -> String {
    format!("/healthcare/ecs/{cluster}/exec")
}

pub fn service_log_group(cluster: &str, service: &str) -> String {
    format!("/healthcare/ecs/{cluster}/{service}")
}

pub fn family(cluster: &str, service: &str) -> String {
    format!("{cluster}-{service}")
}

pub fn execution_role(cluster: &str, service: &str) -> String {
    format!("{cluster}-{service}-exec")
}

pub fn task_role(cluster: &str, service: &str) -> String {
    format!("{cluster}-{service}-task")
}

pub fn security_group(cluster: &str, service: &str) -> String {
    format!("{cluster}-{service}")
}
