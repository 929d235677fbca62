//! Read: the cluster and its services as AWS has them, the inputs that would produce them,
//! drift, and the HIPAA controls checked against what AWS reports.

use std::collections::BTreeSet;

use pulumi_provider::Ctx;

use super::args::{CapacityProvider, FargateArgs, FargateState, exec_log_group, key_alias};
use super::check::service::looks_like_credential;
use super::cluster::{self, ClusterView};
use super::observed::{self, Observed};
use crate::aws::tags::user_tags;
use crate::aws::{AwsContext, kms, logs, placement};
use crate::compliance::{
    CMK_ROTATION, Compliance, Control, ECS_CONTAINER_INSIGHTS, ECS_EXEC_LOGGING,
    ECS_LOG_CONFIGURATION, ECS_NO_ENVIRONMENT_SECRETS, ECS_NO_PUBLIC_IP, ECS_NONPRIVILEGED,
    ECS_READONLY_ROOT, LOG_GROUP_ENCRYPTED, LOG_RETENTION, Rule,
};
use crate::error::{Error, Result};

/// The names of the cluster's services, as ECS lists them.
async fn service_names(cx: &AwsContext, cluster: &str) -> Result<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    let mut pages = cx
        .ecs()
        .list_services()
        .cluster(cluster)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| Error::aws("ecs:ListServices", e))?;
        out.extend(
            page.service_arns()
                .iter()
                .filter_map(|arn| arn.rsplit('/').next())
                .map(String::from),
        );
    }
    Ok(out)
}

/// The cluster `id` as AWS has it; `None` when it is gone. `given` is the program's inputs
/// (absent on import), kept where AWS cannot say (`retainLogGroups`, `desiredCount`).
pub async fn read(
    cx: &AwsContext,
    ctx: &Ctx,
    id: &str,
    given: Option<&FargateArgs>,
) -> Result<Option<FargateState>> {
    let Some(c) = cluster::describe(cx, id).await? else {
        return Ok(None);
    };
    let (exec_group, alias) = (exec_log_group(id), key_alias(id));
    let (keyed, group, listed) = futures::join!(
        kms::observe(cx, c.exec_key.as_deref(), &alias),
        logs::describe(cx, &exec_group),
        service_names(cx, id),
    );
    let ((key, managed), group, mut names) = (keyed?, group?, listed?);
    let given_services = given.map(|g| g.services()).unwrap_or_default();
    names.extend(given_services.keys().cloned());
    let mut services = Vec::new();
    for name in &names {
        if let Some(o) = observed::observe(cx, ctx, id, name, given_services.get(name)).await? {
            services.push(o);
        }
    }
    let args = inputs(
        cx,
        id,
        &c,
        given,
        key.as_ref().map(|k| k.arn.as_str()),
        managed,
        group.as_ref(),
        &services,
    );
    let mut drift = cluster_drift(
        &c,
        key.as_ref().map(|k| k.arn.as_str()),
        &exec_group,
        group.as_ref(),
    );
    drift.extend(
        services
            .iter()
            .flat_map(|o| observed::drift(o, id, given_services.get(&o.name))),
    );
    let compliance = controls(
        &c,
        key.as_ref(),
        group.as_ref(),
        args.retention(),
        &services,
    );
    Ok(Some(FargateState {
        args,
        cluster_arn: c.arn.clone(),
        kms_key_arn: key.map(|k| k.arn).unwrap_or_default(),
        kms_key_managed: managed,
        exec_log_group_name: group.map(|_| exec_group).unwrap_or_default(),
        service_outputs: services
            .iter()
            .map(|o| (o.name.clone(), observed::outputs(o)))
            .collect(),
        drift,
        compliance: Some(compliance),
    }))
}

#[allow(clippy::too_many_arguments)]
fn inputs(
    cx: &AwsContext,
    id: &str,
    c: &ClusterView,
    given: Option<&FargateArgs>,
    key_arn: Option<&str>,
    managed: bool,
    group: Option<&logs::Group>,
    services: &[Observed],
) -> FargateArgs {
    let given_services = given.map(|g| g.services()).unwrap_or_default();
    let providers: Vec<CapacityProvider> = c
        .capacity_providers
        .iter()
        .filter_map(|p| match p.as_str() {
            "FARGATE" => Some(CapacityProvider::Fargate),
            "FARGATE_SPOT" => Some(CapacityProvider::FargateSpot),
            _ => None,
        })
        .collect();
    let user_key = match (managed, key_arn) {
        (false, Some(arn)) => Some(
            given
                .and_then(|g| g.kms_key_id.clone())
                .unwrap_or_else(|| arn.to_string()),
        ),
        _ => None,
    };
    FargateArgs {
        cluster_name: Some(id.to_string()),
        kms_key_id: user_key,
        log_retention_days: group
            .and_then(|g| g.retention_days)
            .or(given.and_then(|g| g.log_retention_days)),
        capacity_providers: Some(providers),
        retain_log_groups: Some(given.and_then(|g| g.retain_log_groups).unwrap_or(false)),
        services: Some(
            services
                .iter()
                .map(|o| {
                    (
                        o.name.clone(),
                        observed::args(o, given_services.get(&o.name)),
                    )
                })
                .collect(),
        ),
        tags: Some(user_tags(&c.tags, &cx.default_tags))
            .filter(|t| !t.is_empty() || given.is_some_and(|g| g.tags.is_some())),
    }
}

fn cluster_drift(
    c: &ClusterView,
    key_arn: Option<&str>,
    exec_group: &str,
    group: Option<&logs::Group>,
) -> Vec<String> {
    let mut out = Vec::new();
    if !c.insights {
        out.push("Container Insights is off".to_string());
    }
    if !c.exec_logged || c.exec_log_group.as_deref() != Some(exec_group) {
        out.push(format!(
            "exec sessions are not logged (encrypted, OVERRIDE) to {exec_group}"
        ));
    }
    if c.exec_key.is_none() || c.exec_key.as_deref() != key_arn {
        out.push("exec sessions are not encrypted with the cluster's key".to_string());
    }
    if group.is_none() {
        out.push(format!("the exec log group {exec_group} is missing"));
    }
    out
}

/// Every container, as AWS runs it.
fn every(services: &[Observed]) -> impl Iterator<Item = (&str, &super::taskdef::Spec)> {
    services
        .iter()
        .filter_map(|o| o.task.as_ref().map(|t| (o.name.as_str(), &t.spec)))
}

fn failing(services: &[Observed], bad: impl Fn(&super::taskdef::Spec) -> bool) -> Vec<&str> {
    every(services)
        .filter(|(_, s)| bad(s))
        .map(|(n, _)| n)
        .collect()
}

/// A control that holds when nothing is `bad`; the evidence names what is.
fn unless(rule: Rule, bad: &[&str], good: &str, what: &str) -> Control {
    let detail = if bad.is_empty() {
        good.to_string()
    } else {
        format!("{what}: {}", bad.join(", "))
    };
    rule.control(bad.is_empty(), detail)
}

fn switch(rule: Rule, on: bool, yes: &str, no: &str) -> Control {
    rule.control(on, if on { yes } else { no })
}

/// What every container runs as.
fn container_controls(services: &[Observed]) -> Vec<Control> {
    let public: Vec<&str> = services
        .iter()
        .filter(|o| o.view.public_ip)
        .map(|o| o.name.as_str())
        .collect();
    vec![
        unless(
            ECS_LOG_CONFIGURATION,
            &failing(services, |s| !s.logs_to_cloudwatch),
            "every container logs to CloudWatch (awslogs)",
            "no awslogs",
        ),
        unless(
            ECS_READONLY_ROOT,
            &failing(services, |s| !s.readonly_root),
            "every root filesystem is read-only",
            "writable root",
        ),
        unless(
            ECS_NONPRIVILEGED,
            &failing(services, |s| s.privileged),
            "no container is privileged",
            "privileged",
        ),
        unless(
            ECS_NO_ENVIRONMENT_SECRETS,
            &failing(services, |s| {
                s.environment.keys().any(|k| looks_like_credential(k))
            }),
            "credentials reach containers through secrets only",
            "credential-like environment",
        ),
        unless(
            ECS_NO_PUBLIC_IP,
            &public,
            "no task gets a public IP",
            "public IP",
        ),
    ]
}

/// The exec log group and every service's: encrypted, kept long enough.
fn log_controls(
    group: Option<&logs::Group>,
    retention: i32,
    services: &[Observed],
) -> Vec<Control> {
    let mut groups: Vec<(&str, Option<&logs::Group>)> = vec![("exec", group)];
    groups.extend(
        services
            .iter()
            .map(|o| (o.name.as_str(), o.log_group.as_ref())),
    );
    let which = |bad: &dyn Fn(&logs::Group) -> bool| -> Vec<&str> {
        groups
            .iter()
            .filter(|(_, g)| g.is_none_or(bad))
            .map(|(n, _)| *n)
            .collect()
    };
    vec![
        unless(
            LOG_GROUP_ENCRYPTED,
            &which(&|g| g.kms_key_id.is_none()),
            "every log group is encrypted with KMS",
            "log group missing or unencrypted",
        ),
        unless(
            LOG_RETENTION,
            &which(&|g| g.retention_days.unwrap_or(0) < retention),
            &format!("every log group keeps {retention} days or more"),
            "log group missing or kept less",
        ),
    ]
}

fn controls(
    c: &ClusterView,
    key: Option<&kms::Key>,
    group: Option<&logs::Group>,
    retention: i32,
    services: &[Observed],
) -> Compliance {
    let (rotated, rotation) = kms::Key::rotation_evidence(key);
    let mut list = vec![
        switch(
            ECS_CONTAINER_INSIGHTS,
            c.insights,
            "Container Insights is on",
            "Container Insights is off",
        ),
        switch(
            ECS_EXEC_LOGGING,
            c.exec_logged,
            "exec sessions are logged to an encrypted log group",
            "exec sessions are not logged",
        ),
        CMK_ROTATION.control(rotated, rotation),
    ];
    list.extend(container_controls(services));
    list.extend(log_controls(group, retention, services));
    list.extend(services.iter().map(service_firewall));
    Compliance::new(list)
}

fn service_firewall(o: &Observed) -> Control {
    let port = o.task.as_ref().and_then(|t| t.spec.port).unwrap_or(0);
    let mut control = placement::control(o.sg.as_ref(), port);
    control.detail = format!("service {}: {}", o.name, control.detail);
    control
}
