//! The ECS cluster: Container Insights on, exec sessions encrypted with the key and logged
//! to the exec log group, Fargate capacity providers.

use std::collections::BTreeMap;

use aws_sdk_ecs::types::{
    CapacityProviderStrategyItem, Cluster, ClusterConfiguration, ClusterField, ClusterSetting,
    ClusterSettingName, ExecuteCommandConfiguration, ExecuteCommandLogConfiguration,
    ExecuteCommandLogging,
};

use pulumi_provider::Ctx;

use super::args::FargateArgs;
use crate::aws::AwsContext;
use crate::aws::lag::resend;
use crate::aws::lag::{BUSY, NEW_KEY_ELSEWHERE, NEW_ROLE, settle};
use crate::aws::tagging::{self, from_ecs};
use crate::aws::wait::when_free;
use crate::error::{Error, Result};

pub const ACTIVE: &str = "ACTIVE";
const INSIGHTS: &str = "containerInsights";
const ENABLED: &str = "enabled";

/// The cluster as ECS reports it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClusterView {
    pub arn: String,
    pub status: String,
    pub insights: bool,
    /// The exec configuration: its key, whether sessions are logged (OVERRIDE) to an
    /// encrypted group, and that group.
    pub exec_key: Option<String>,
    pub exec_logged: bool,
    pub exec_log_group: Option<String>,
    pub capacity_providers: Vec<String>,
    pub tags: BTreeMap<String, String>,
}

impl ClusterView {
    fn of(c: &Cluster) -> Self {
        let exec = c
            .configuration()
            .and_then(|conf| conf.execute_command_configuration());
        let log = exec.and_then(|e| e.log_configuration());
        ClusterView {
            arn: c.cluster_arn().unwrap_or_default().to_string(),
            status: c.status().unwrap_or_default().to_string(),
            insights: c.settings().iter().any(|s| {
                s.name().map(|n| n.as_str()) == Some(INSIGHTS)
                    && matches!(s.value(), Some(ENABLED | "enhanced"))
            }),
            exec_key: exec.and_then(|e| e.kms_key_id()).map(String::from),
            exec_logged: exec.and_then(|e| e.logging()) == Some(&ExecuteCommandLogging::Override)
                && log.is_some_and(|l| l.cloud_watch_encryption_enabled()),
            exec_log_group: log
                .and_then(|l| l.cloud_watch_log_group_name())
                .map(String::from),
            capacity_providers: c.capacity_providers().to_vec(),
            tags: from_ecs(c.tags()),
        }
    }

    /// True when the cluster is as `want` asks.
    pub fn settled(&self, want: &Wanted) -> bool {
        self.insights
            && self.exec_logged
            && self.exec_key.as_deref() == Some(want.key_arn.as_str())
            && self.exec_log_group.as_deref() == Some(want.log_group.as_str())
    }
}

/// What the cluster should be.
pub struct Wanted {
    pub key_arn: String,
    pub log_group: String,
    pub providers: Vec<String>,
}

impl Wanted {
    pub fn of(a: &FargateArgs, key_arn: &str, log_group: &str) -> Self {
        Wanted {
            key_arn: key_arn.to_string(),
            log_group: log_group.to_string(),
            providers: a
                .providers()
                .iter()
                .map(|p| p.as_str().to_string())
                .collect(),
        }
    }

    fn settings(&self) -> ClusterSetting {
        ClusterSetting::builder()
            .name(ClusterSettingName::ContainerInsights)
            .value(ENABLED)
            .build()
    }

    fn configuration(&self) -> ClusterConfiguration {
        let log = ExecuteCommandLogConfiguration::builder()
            .cloud_watch_log_group_name(&self.log_group)
            .cloud_watch_encryption_enabled(true)
            .build();
        ClusterConfiguration::builder()
            .execute_command_configuration(
                ExecuteCommandConfiguration::builder()
                    .kms_key_id(&self.key_arn)
                    .logging(ExecuteCommandLogging::Override)
                    .log_configuration(log)
                    .build(),
            )
            .build()
    }

    fn strategy(&self) -> Result<Vec<CapacityProviderStrategyItem>> {
        let first = self
            .providers
            .first()
            .map(String::as_str)
            .unwrap_or("FARGATE");
        Ok(vec![
            CapacityProviderStrategyItem::builder()
                .capacity_provider(first)
                .weight(1)
                .build()?,
        ])
    }
}

/// The cluster named `name`, if ECS has it ACTIVE (a deleted one stays INACTIVE a while).
pub async fn describe(cx: &AwsContext, name: &str) -> Result<Option<ClusterView>> {
    let out = cx
        .ecs()
        .describe_clusters()
        .clusters(name)
        .include(ClusterField::Settings)
        .include(ClusterField::Configurations)
        .include(ClusterField::Tags)
        .send()
        .await
        .map_err(|e| Error::aws("ecs:DescribeClusters", e))?;
    Ok(out
        .clusters()
        .iter()
        .map(ClusterView::of)
        .find(|c| c.status == ACTIVE))
}

/// CreateCluster (ECS answers a create of an ACTIVE cluster's name with that cluster, so a
/// repeated send makes no second one). The exec configuration names the key, which may be
/// moments old (NEW_KEY_ELSEWHERE); in an account's first use ECS makes its service-linked
/// role on the fly and refuses the create until it can assume it (NEW_ROLE: "Unable to
/// assume the service linked role").
pub async fn create(
    cx: &AwsContext,
    ctx: &Ctx,
    name: &str,
    want: &Wanted,
    tags: &BTreeMap<String, String>,
) -> Result<ClusterView> {
    let req = cx
        .ecs()
        .create_cluster()
        .cluster_name(name)
        .settings(want.settings())
        .configuration(want.configuration())
        .set_capacity_providers(Some(want.providers.clone()))
        .set_default_capacity_provider_strategy(Some(want.strategy()?))
        .set_tags(Some(tagging::ecs(tags)));
    let made = settle(
        ctx,
        &format!("creating ECS cluster {name}"),
        &[&NEW_KEY_ELSEWHERE, &NEW_ROLE],
        resend!(req, "ecs:CreateCluster"),
    )
    .await?;
    let cluster = made.cluster().ok_or(Error::Incomplete {
        operation: "ecs:CreateCluster",
        missing: "the cluster",
    })?;
    Ok(ClusterView::of(cluster))
}

/// Puts Insights, the exec configuration, the capacity providers and the tags right. A
/// cluster still applying a change refuses another (UpdateInProgressException,
/// ResourceInUseException: BUSY); the key may be moments old (NEW_KEY_ELSEWHERE).
pub async fn converge(
    cx: &AwsContext,
    ctx: &Ctx,
    name: &str,
    have: &ClusterView,
    want: &Wanted,
    tags: &BTreeMap<String, String>,
) -> Result<()> {
    let what = format!("updating ECS cluster {name}");
    if !have.settled(want) {
        let req = cx
            .ecs()
            .update_cluster()
            .cluster(name)
            .settings(want.settings())
            .configuration(want.configuration());
        settle(
            ctx,
            &what,
            &[&BUSY, &NEW_KEY_ELSEWHERE],
            resend!(req, "ecs:UpdateCluster"),
        )
        .await?;
    }
    if have.capacity_providers != want.providers {
        let req = cx
            .ecs()
            .put_cluster_capacity_providers()
            .cluster(name)
            .set_capacity_providers(Some(want.providers.clone()))
            .set_default_capacity_provider_strategy(Some(want.strategy()?));
        settle(
            ctx,
            &what,
            &[&BUSY],
            resend!(req, "ecs:PutClusterCapacityProviders"),
        )
        .await?;
    }
    tagging::retag_settled(ctx, cx.ecs(), &have.arn, &have.tags, tags).await
}

/// Deletes the cluster; one already gone is success. ECS refuses it while tasks are still
/// stopping or a deleted service is still draining (ClusterContainsTasksException,
/// ClusterContainsServicesException: IN_USE), so it is sent again until they are gone.
pub async fn delete(cx: &AwsContext, ctx: &Ctx, name: &str) -> Result<()> {
    when_free(ctx, &format!("ECS cluster {name}"), || async {
        match cx.ecs().delete_cluster().cluster(name).send().await {
            Ok(_) => Ok(()),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_cluster_not_found_exception()) =>
            {
                Ok(())
            }
            Err(e) => Err(Error::aws("ecs:DeleteCluster", e)),
        }
    })
    .await
}
