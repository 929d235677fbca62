//! A service's two roles: the execution role ECS uses to start its tasks (pull the image,
//! read exactly the secrets the service names, write its logs) and the task role the
//! containers run as (only `taskPolicyStatements`, plus exec's channels when exec is on).

use std::collections::{BTreeMap, BTreeSet};

use pulumi_provider::Ctx;
use serde_json::{Value as J, json};

use super::args::{ServiceArgs, exec_log_group, execution_role, service_log_group, task_role};
use crate::aws::iam::{self, RoleSpec};
use crate::aws::{AwsContext, kms, logs, secrets};
use crate::error::{Error, Result};

pub const EXECUTION_POLICY: &str = "task-execution";
pub const TASK_POLICY: &str = "task";
const TASKS: &str = "ecs-tasks.amazonaws.com";

/// Every role of every service denies calls that do not use TLS.
fn deny_insecure_transport() -> J {
    json!({"Sid": "DenyInsecureTransport", "Effect": "Deny", "Action": "*", "Resource": "*",
           "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
}

/// The secret's own ARN: a `secrets` value may add `:<json-key>:<stage>:<version>`.
pub fn secret_arn(value: &str) -> String {
    value.splitn(8, ':').take(7).collect::<Vec<_>>().join(":")
}

/// The secret `arn`, `None` when Secrets Manager does not know it. A secret the program
/// made in the same update (a database's or a cache's) may be unknown for a moment, so
/// "not found" is believed only after NEW_NAMED's limit.
async fn secret(cx: &AwsContext, ctx: &Ctx, arn: &str) -> Result<Option<secrets::SecretView>> {
    match secrets::describe_existing(cx, ctx, arn).await {
        Ok(found) => Ok(Some(found)),
        Err(Error::Aws { code, .. }) if code == "ResourceNotFoundException" => Ok(None),
        Err(e) => Err(e),
    }
}

/// The ARNs of the keys encrypting the service's secrets (none for AWS's default key), each
/// secret checked to exist.
pub async fn secret_keys(
    cx: &AwsContext,
    ctx: &Ctx,
    service: &str,
    s: &ServiceArgs,
) -> Result<Vec<String>> {
    let mut keys = BTreeSet::new();
    for (name, value) in s.secrets.iter().flatten() {
        let arn = secret_arn(value);
        let found = secret(cx, ctx, &arn).await?;
        let Some(secret) = found.filter(|v| !v.pending_deletion) else {
            return Err(Error::Input {
                property: format!("services.{service}.secrets.{name}"),
                reason: format!("the secret {arn} does not exist or is scheduled for deletion"),
            });
        };
        if let Some(key) = &secret.kms_key_id
            && let Some(k) = kms::describe(cx, key).await?
            && !k.arn.is_empty()
        {
            keys.insert(k.arn);
        }
    }
    Ok(keys.into_iter().collect())
}

/// The ECR repository of an image in ECR (`<account>.dkr.ecr.<region>.amazonaws.com/<repo>[:tag|@digest]`).
fn ecr_repository(cx: &AwsContext, image: &str) -> Option<String> {
    let (host, path) = image.split_once('/')?;
    let mut parts = host.split('.');
    let (account, dkr, ecr, region) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if dkr != "dkr" || ecr != "ecr" {
        return None;
    }
    let repo = path.split(['@', ':']).next()?;
    Some(format!(
        "arn:{}:ecr:{region}:{account}:repository/{repo}",
        cx.partition
    ))
}

pub fn execution_policy(
    cx: &AwsContext,
    s: &ServiceArgs,
    log_group_arn: &str,
    secret_keys: &[String],
) -> J {
    let mut statements = vec![
        deny_insecure_transport(),
        json!({"Sid": "WriteOwnLogs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
               "Resource": format!("{log_group_arn}:*")}),
    ];
    if let Some(repo) = ecr_repository(cx, &s.image) {
        statements.push(json!({"Sid": "PullImage", "Effect": "Allow",
            "Action": ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], "Resource": repo}));
        statements.push(json!({"Sid": "EcrLogin", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}));
    }
    let named: BTreeSet<String> = s
        .secrets
        .iter()
        .flatten()
        .map(|(_, v)| secret_arn(v))
        .collect();
    if !named.is_empty() {
        statements.push(json!({"Sid": "ReadNamedSecrets", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": named}));
    }
    if !secret_keys.is_empty() {
        statements.push(json!({"Sid": "DecryptNamedSecrets", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": secret_keys}));
    }
    json!({"Version": "2012-10-17", "Statement": statements})
}

pub fn task_policy(s: &ServiceArgs, key_arn: &str, exec_log_group_arn: &str) -> J {
    let mut statements = vec![deny_insecure_transport()];
    for (i, st) in s.task_policy_statements.iter().flatten().enumerate() {
        statements.push(json!({"Sid": format!("Own{i}"), "Effect": "Allow", "Action": st.actions, "Resource": st.resources}));
    }
    if s.exec() {
        statements.push(json!({"Sid": "ExecChannels", "Effect": "Allow", "Action": [
            "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
            "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"], "Resource": "*"}));
        statements.push(json!({"Sid": "ExecAuditLog", "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            "Resource": format!("{exec_log_group_arn}:*")}));
        statements.push(json!({"Sid": "ExecLogGroups", "Effect": "Allow", "Action": "logs:DescribeLogGroups", "Resource": "*"}));
        statements.push(json!({"Sid": "ExecSessionKey", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": key_arn}));
    }
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// The service's role ARNs: (execution, task).
pub struct Roles {
    pub execution: String,
    pub task: String,
}

pub struct RoleInputs<'a> {
    pub cluster: &'a str,
    pub service: &'a str,
    pub args: &'a ServiceArgs,
    pub key_arn: &'a str,
    pub account: &'a str,
    pub tags: &'a BTreeMap<String, String>,
}

pub async fn ensure(cx: &AwsContext, ctx: &Ctx, r: &RoleInputs<'_>) -> Result<Roles> {
    let keys = secret_keys(cx, ctx, r.service, r.args).await?;
    let group = logs::group_arn(cx, r.account, &service_log_group(r.cluster, r.service));
    let exec_group = logs::group_arn(cx, r.account, &exec_log_group(r.cluster));
    let principals = [TASKS.to_string()];
    let (execution_name, task_name) = (
        execution_role(r.cluster, r.service),
        task_role(r.cluster, r.service),
    );
    let execution_about = format!(
        "Starts the tasks of {}/{} (managed by Pulumi)",
        r.cluster, r.service
    );
    let task_about = format!(
        "The containers of {}/{} (managed by Pulumi)",
        r.cluster, r.service
    );
    let execution = RoleSpec {
        name: &execution_name,
        property: Some("clusterName"),
        description: &execution_about,
        principals: &principals,
        policy_name: EXECUTION_POLICY,
        policy: execution_policy(cx, r.args, &group, &keys),
        tags: r.tags,
    };
    let task = RoleSpec {
        name: &task_name,
        property: Some("clusterName"),
        description: &task_about,
        principals: &principals,
        policy_name: TASK_POLICY,
        policy: task_policy(r.args, r.key_arn, &exec_group),
        tags: r.tags,
    };
    let (execution, task) = futures::join!(
        iam::ensure_role(cx, ctx, &execution),
        iam::ensure_role(cx, ctx, &task)
    );
    Ok(Roles {
        execution: execution?,
        task: task?,
    })
}

pub async fn delete(cx: &AwsContext, ctx: &Ctx, cluster: &str, service: &str) -> Result<()> {
    let (execution, task) = (
        execution_role(cluster, service),
        task_role(cluster, service),
    );
    let (a, b) = futures::join!(
        iam::delete_role(cx, ctx, &execution, EXECUTION_POLICY),
        iam::delete_role(cx, ctx, &task, TASK_POLICY),
    );
    a.and(b)
}
