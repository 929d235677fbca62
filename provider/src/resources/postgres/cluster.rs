//! `engine: aurora-postgresql`: a DB cluster with a writer and `readers`, provisioned or
//! Serverless v2. What AWS reports, create, modify, members, wait, delete.

use std::collections::BTreeMap;

use aws_sdk_rds::types::{DbCluster, ServerlessV2ScalingConfiguration};
use pulumi_provider::Ctx;

use super::args::PostgresArgs;
use super::instance::{self, AVAILABLE, DELETING, DbView, POLL};
use super::parts::Parts;
use super::settings::{self, Have};
use super::settling::{self, Seen};
use super::solo;
use crate::aws::AwsContext;
use crate::aws::lag::resend;
use crate::aws::lag::{
    self, BUSY, NEW_EC2_OBJECT, NEW_EC2_OBJECT_ELSEWHERE, NEW_KEY_ELSEWHERE, NEW_OBJECT, NEW_ROLE,
};
use crate::aws::tagging;
use crate::aws::wait::{self, Poll};
use crate::error::{Error, Result, found};
use crate::resources::inputs::parse_version;

/// A cluster as AWS reports it.
#[derive(Debug, Clone, Default)]
pub struct ClusterView {
    pub arn: String,
    pub status: String,
    pub engine_version: String,
    /// Member instance ids, the writer first.
    pub members: Vec<String>,
    pub backup_days: i32,
    pub backup_window: Option<String>,
    pub maintenance_window: Option<String>,
    pub deletion_protection: bool,
    pub encrypted: bool,
    pub kms_key_id: Option<String>,
    pub log_exports: Vec<String>,
    pub iam_auth: bool,
    pub secret_arn: Option<String>,
    pub endpoint: String,
    pub reader_endpoint: String,
    pub port: i32,
    pub db_name: Option<String>,
    pub master_username: String,
    pub subnet_group: String,
    pub security_groups: Vec<String>,
    pub parameter_group: Option<String>,
    pub capacity: Option<(f64, f64)>,
    pub pending: BTreeMap<String, String>,
    /// True when a member waits for a reboot to apply cluster parameters.
    pub pending_reboot: bool,
    pub tags: BTreeMap<String, String>,
}

fn view(c: &DbCluster) -> ClusterView {
    let mut members: Vec<(bool, String)> = c
        .db_cluster_members()
        .iter()
        .filter_map(|m| {
            m.db_instance_identifier()
                .map(|id| (!m.is_cluster_writer().unwrap_or(false), id.to_string()))
        })
        .collect();
    members.sort();
    let mut pending = BTreeMap::new();
    if let Some(p) = c.pending_modified_values() {
        if let Some(v) = p.engine_version() {
            pending.insert("engineVersion".to_string(), v.to_string());
        }
        if let Some(v) = p.backup_retention_period() {
            pending.insert("backupRetentionDays".to_string(), v.to_string());
        }
    }
    let mut logs = c.enabled_cloudwatch_logs_exports().to_vec();
    logs.sort();
    ClusterView {
        arn: c.db_cluster_arn().unwrap_or_default().to_string(),
        status: c.status().unwrap_or_default().to_string(),
        engine_version: c.engine_version().unwrap_or_default().to_string(),
        members: members.into_iter().map(|(_, id)| id).collect(),
        backup_days: c.backup_retention_period().unwrap_or_default(),
        backup_window: c.preferred_backup_window().map(String::from),
        maintenance_window: c.preferred_maintenance_window().map(String::from),
        deletion_protection: c.deletion_protection().unwrap_or(false),
        encrypted: c.storage_encrypted().unwrap_or(false),
        kms_key_id: c.kms_key_id().map(String::from),
        log_exports: logs,
        iam_auth: c.iam_database_authentication_enabled().unwrap_or(false),
        secret_arn: c
            .master_user_secret()
            .and_then(|s| s.secret_arn().map(String::from)),
        endpoint: c.endpoint().unwrap_or_default().to_string(),
        reader_endpoint: c.reader_endpoint().unwrap_or_default().to_string(),
        port: c.port().unwrap_or_default(),
        db_name: c.database_name().map(String::from),
        master_username: c.master_username().unwrap_or_default().to_string(),
        subnet_group: c.db_subnet_group().unwrap_or_default().to_string(),
        security_groups: c
            .vpc_security_groups()
            .iter()
            .filter_map(|g| g.vpc_security_group_id().map(String::from))
            .collect(),
        parameter_group: c.db_cluster_parameter_group().map(String::from),
        capacity: c
            .serverless_v2_scaling_configuration()
            .and_then(|s| Some((s.min_capacity()?, s.max_capacity()?))),
        pending,
        pending_reboot: c
            .db_cluster_members()
            .iter()
            .any(|m| m.db_cluster_parameter_group_status() == Some("pending-reboot")),
        tags: tagging::from_rds(c.tag_list()),
    }
}

/// The cluster in whatever status; `None` once it is gone.
pub async fn fetch(cx: &AwsContext, id: &str) -> Result<Option<ClusterView>> {
    let got = found(
        "rds:DescribeDBClusters",
        cx.rds()
            .describe_db_clusters()
            .db_cluster_identifier(id)
            .send()
            .await,
        |e| e.is_db_cluster_not_found_fault(),
    )?;
    Ok(got.and_then(|r| r.db_clusters().first().map(view)))
}

/// The cluster, `None` when it does not exist or is being deleted.
pub async fn describe(cx: &AwsContext, id: &str) -> Result<Option<ClusterView>> {
    Ok(fetch(cx, id).await?.filter(|c| c.status != DELETING))
}

/// The instance id of member `n` (1 is the first writer).
pub fn member_id(id: &str, n: usize) -> String {
    format!("{id}-{n}")
}

/// Waits until the cluster is `available`. A cluster RDS does not list yet (just made)
/// counts as pending for `wait::UNSEEN_GRACE`.
pub async fn wait_ready(cx: &AwsContext, ctx: &Ctx, id: &str) -> Result<ClusterView> {
    let what = format!("Aurora cluster {id} to be available");
    wait::until(ctx, &what, POLL, || async {
        match describe(cx, id).await? {
            Some(c) if c.status == AVAILABLE => Ok(Poll::Ready(c)),
            Some(c) => {
                match settling::terminal(&format!("Aurora cluster {id}"), &c.status, &events(id)) {
                    Some(e) => Err(e),
                    None => Ok(Poll::Pending(c.status)),
                }
            }
            None => Ok(Poll::Unseen(gone(id))),
        }
    })
    .await
}

/// Where RDS says why a cluster is in the state it is.
fn events(id: &str) -> String {
    format!(
        "its events (aws rds describe-events --source-type db-cluster --source-identifier {id})"
    )
}

fn gone(id: &str) -> Error {
    settling::vanished(
        &format!("Aurora cluster {id}"),
        "disappeared while it was being made ready",
    )
}

/// Waits after a ModifyDBCluster by the `AfterChange` rule (a modified cluster may still
/// say `available` before it says `modifying`); pending values count as not yet applied
/// only when the change was applied immediately.
async fn wait_changed(
    cx: &AwsContext,
    ctx: &Ctx,
    id: &str,
    applied_now: bool,
) -> Result<ClusterView> {
    let what = format!("Aurora cluster {id} to apply its changes");
    settling::until_changed(
        ctx,
        &what,
        POLL,
        || gone(id),
        || async {
            let found = describe(cx, id).await?;
            if let Some(e) = found.as_ref().and_then(|c| {
                settling::terminal(&format!("Aurora cluster {id}"), &c.status, &events(id))
            }) {
                return Err(e);
            }
            Ok(found.map(|c| Seen {
                at_rest: c.status == AVAILABLE && (!applied_now || c.pending.is_empty()),
                state: c.status.clone(),
                value: c,
            }))
        },
    )
    .await
}

fn scaling(a: &PostgresArgs) -> Option<ServerlessV2ScalingConfiguration> {
    a.serverless().then(|| {
        ServerlessV2ScalingConfiguration::builder()
            .set_min_capacity(a.min_capacity)
            .set_max_capacity(a.max_capacity)
            .build()
    })
}

/// CreateDBCluster with every input; members are made by `converge_members`. Sent
/// through the lags that refuse it with nothing made: the key (NEW_KEY_ELSEWHERE), the
/// security group or subnets (NEW_EC2_OBJECT) made moments ago. A cluster of this name
/// that is ours already is a create whose answer was lost: success.
pub async fn create(cx: &AwsContext, ctx: &Ctx, a: &PostgresArgs, p: &Parts<'_>) -> Result<()> {
    let req = cx
        .rds()
        .create_db_cluster()
        .db_cluster_identifier(a.id())
        .engine(a.engine().as_str())
        .set_engine_version(a.engine_version.clone())
        .set_database_name(a.database_name.clone())
        .set_master_username(a.master_username.clone())
        .manage_master_user_password(true)
        .master_user_secret_kms_key_id(p.key_arn)
        .set_backup_retention_period(a.backup_retention_days)
        .set_preferred_backup_window(a.backup_window.clone())
        .set_preferred_maintenance_window(a.maintenance_window.clone())
        .set_deletion_protection(a.deletion_protection)
        .storage_encrypted(true)
        .kms_key_id(p.key_arn)
        .set_enable_cloudwatch_logs_exports(a.log_exports.clone())
        .set_enable_iam_database_authentication(a.iam_authentication)
        .db_subnet_group_name(p.subnet_group)
        .db_cluster_parameter_group_name(p.parameter_group)
        .vpc_security_group_ids(p.security_group)
        .port(a.port())
        .copy_tags_to_snapshot(true)
        .set_serverless_v2_scaling_configuration(scaling(a))
        .set_tags(Some(tagging::rds(p.tags)));
    let lags = [
        &NEW_KEY_ELSEWHERE,
        &NEW_EC2_OBJECT,
        &NEW_EC2_OBJECT_ELSEWHERE,
        &NEW_OBJECT,
    ];
    settling::create_once(
        ctx,
        &format!("creating Aurora cluster {}", a.id()),
        &lags,
        "DBClusterAlreadyExistsFault",
        resend!(req, "rds:CreateDBCluster"),
        || adopt(cx, ctx, a.id()),
    )
    .await
}

/// A cluster found under the name a create just used: ours (a create whose answer was
/// lost) is fine; anyone else's was made at once by someone else. RDS's reads may lag the
/// refusal, so not found is waited out for a while.
async fn adopt(cx: &AwsContext, ctx: &Ctx, id: &str) -> Result<()> {
    let what = format!("Aurora cluster {id}");
    let named = format!("an Aurora cluster named {id}");
    settling::claim_existing(
        ctx,
        &what,
        "identifier",
        &[id],
        named,
        || fetch(cx, id),
        |c| &c.tags,
    )
    .await
}

/// Makes the cluster's own settings match `a` in one ModifyDBCluster.
pub async fn settle(
    cx: &AwsContext,
    ctx: &Ctx,
    a: &PostgresArgs,
    c: ClusterView,
    p: &Parts<'_>,
) -> Result<ClusterView> {
    let now = a.apply_immediately.unwrap_or(false);
    let mut changes: Vec<String> = Vec::new();
    let mut note = |what: String| changes.push(what);
    let have_version = c
        .pending
        .get("engineVersion")
        .filter(|_| !now)
        .cloned()
        .unwrap_or_else(|| c.engine_version.clone());
    let version = a
        .engine_version
        .clone()
        .filter(|v| !have_version.is_empty() && parse_version(v) > parse_version(&have_version));
    let major = version.as_ref().is_some_and(|v| {
        parse_version(v).map(|v| v.0) != parse_version(&c.engine_version).map(|v| v.0)
    });
    if let Some(v) = &version {
        note(format!("engine {} to {v}", c.engine_version));
    }
    let shared = settings::shared(
        a,
        &Have {
            backup_days: c.backup_days,
            backup_window: c.backup_window.as_ref(),
            maintenance_window: c.maintenance_window.as_ref(),
            deletion_protection: c.deletion_protection,
            log_exports: &c.log_exports,
            iam_auth: c.iam_auth,
            security_groups: &c.security_groups,
            parameter_group: c.parameter_group.as_deref(),
            port: c.port,
        },
        p,
        &mut note,
    );
    let want_capacity = a.min_capacity.zip(a.max_capacity);
    let capacity = (a.serverless() && c.capacity != want_capacity).then(|| {
        note(format!(
            "Serverless v2 capacity {} to {} ACUs",
            a.min_capacity.unwrap_or_default(),
            a.max_capacity.unwrap_or_default()
        ));
        scaling(a)
    });
    if changes.is_empty() {
        return Ok(c);
    }
    let id = a.id();
    ctx.status(format!("{id}: {}", changes.join(", "))).await;
    let req = cx
        .rds()
        .modify_db_cluster()
        .db_cluster_identifier(id)
        .apply_immediately(now)
        .set_engine_version(version)
        .set_allow_major_version_upgrade(major.then_some(true))
        .set_backup_retention_period(shared.days)
        .set_preferred_backup_window(shared.backup_window)
        .set_preferred_maintenance_window(shared.maintenance)
        .set_deletion_protection(shared.protection)
        .set_cloudwatch_logs_export_configuration(shared.logs)
        .set_enable_iam_database_authentication(shared.iam)
        .set_vpc_security_group_ids(shared.groups)
        .set_db_cluster_parameter_group_name(shared.parameters)
        .set_port(shared.port)
        .set_serverless_v2_scaling_configuration(capacity.flatten());
    // A cluster in a transitional state refuses a change (BUSY); a security group made
    // moments ago may be unknown to it yet (NEW_EC2_OBJECT).
    let lags = [&BUSY, &NEW_EC2_OBJECT, &NEW_EC2_OBJECT_ELSEWHERE];
    lag::settle(
        ctx,
        &format!("modifying Aurora cluster {id}"),
        &lags,
        resend!(req, "rds:ModifyDBCluster"),
    )
    .await?;
    wait_changed(cx, ctx, id, now).await
}

/// Brings the members to a writer plus `readers`, each of the instance class with
/// Performance Insights and monitoring as asked, never public.
pub async fn converge_members(
    cx: &AwsContext,
    ctx: &Ctx,
    a: &PostgresArgs,
    c: &ClusterView,
    p: &Parts<'_>,
) -> Result<Vec<DbView>> {
    let id = a.id();
    let wanted = 1 + a.readers().max(0) as usize;
    let mut members = c.members.clone();
    let mut n = 1;
    while members.len() < wanted {
        let next = loop {
            let candidate = member_id(id, n);
            n += 1;
            if !members.contains(&candidate) {
                break candidate;
            }
        };
        let role = if members.is_empty() {
            "writer"
        } else {
            "reader"
        };
        ctx.status(format!(
            "creating Aurora {role} {next} ({})",
            a.instance_class()
        ))
        .await;
        create_member(cx, ctx, a, &next, p).await?;
        members.push(next);
    }
    while members.len() > wanted {
        let Some(reader) = members.pop() else { break };
        ctx.status(format!("removing Aurora reader {reader}")).await;
        instance::delete(cx, ctx, &reader, None, true).await?;
    }
    let mut views = Vec::new();
    for m in &members {
        let d = instance::wait_ready(cx, ctx, m).await?;
        views.push(settle_member(cx, ctx, a, d, p).await?);
    }
    Ok(views)
}

/// CreateDBInstance of one member, through the lags that refuse it with nothing made: the
/// monitoring role (NEW_ROLE) and Performance Insights key (NEW_KEY_ELSEWHERE) made moments
/// ago, the cluster still changing (BUSY). A member of this name that is ours already is a
/// create whose answer was lost: success.
async fn create_member(
    cx: &AwsContext,
    ctx: &Ctx,
    a: &PostgresArgs,
    member: &str,
    p: &Parts<'_>,
) -> Result<()> {
    let pi = a.performance_insights.unwrap_or(true);
    let req = cx
        .rds()
        .create_db_instance()
        .db_instance_identifier(member)
        .db_cluster_identifier(a.id())
        .engine(a.engine().as_str())
        .db_instance_class(a.instance_class())
        .publicly_accessible(false)
        .enable_performance_insights(pi)
        .set_performance_insights_kms_key_id(pi.then(|| p.key_arn.to_string()))
        .set_performance_insights_retention_period(
            a.performance_insights_retention_days.filter(|_| pi),
        )
        .monitoring_interval(a.monitoring())
        .set_monitoring_role_arn(p.monitoring_role.map(String::from))
        .auto_minor_version_upgrade(true)
        .set_tags(Some(tagging::rds(p.tags)));
    let lags = [&NEW_ROLE, &NEW_KEY_ELSEWHERE, &BUSY];
    settling::create_once(
        ctx,
        &format!("creating Aurora instance {member}"),
        &lags,
        solo::ALREADY_EXISTS,
        resend!(req, "rds:CreateDBInstance"),
        || solo::adopt_instance(cx, ctx, member),
    )
    .await
}

async fn settle_member(
    cx: &AwsContext,
    ctx: &Ctx,
    a: &PostgresArgs,
    d: DbView,
    p: &Parts<'_>,
) -> Result<DbView> {
    let now = a.apply_immediately.unwrap_or(false);
    let class = Some(a.instance_class().to_string()).filter(|k| {
        *k != if now {
            d.class.clone()
        } else {
            d.effective("instanceClass", d.class.clone())
        }
    });
    let pi = a.performance_insights.unwrap_or(true);
    let pi_days = a.performance_insights_retention_days.filter(|_| pi);
    let pi_change = pi != d.performance_insights || (pi && d.performance_insights_days != pi_days);
    let interval = a.monitoring();
    let monitoring = interval != d.monitoring_interval
        || (interval > 0 && d.monitoring_role.as_deref() != p.monitoring_role);
    if class.is_none() && !pi_change && !monitoring && !d.public {
        return Ok(d);
    }
    ctx.status(format!(
        "{}: settling instance class, Performance Insights, monitoring",
        d.id
    ))
    .await;
    let key = p.key_arn.to_string();
    let role = p.monitoring_role.map(String::from);
    let id = d.id.clone();
    instance::modify(cx, ctx, &id, now, |r| {
        let r = r
            .set_db_instance_class(class)
            .set_publicly_accessible(d.public.then_some(false));
        let r = match (pi_change, pi) {
            (true, true) => r
                .enable_performance_insights(true)
                .performance_insights_kms_key_id(key)
                .set_performance_insights_retention_period(pi_days),
            (true, false) => r.enable_performance_insights(false),
            _ => r,
        };
        if monitoring {
            r.monitoring_interval(interval)
                .set_monitoring_role_arn(role.filter(|_| interval > 0))
        } else {
            r
        }
    })
    .await?;
    instance::wait_changed(cx, ctx, &id, now).await
}

/// Deletes the members, then the cluster (with a final snapshot unless `snapshot` is
/// `None`), and waits until it is gone.
pub async fn delete(cx: &AwsContext, ctx: &Ctx, id: &str, snapshot: Option<&str>) -> Result<()> {
    let Some(c) = fetch(cx, id).await? else {
        return Ok(());
    };
    for m in c.members.iter().rev() {
        ctx.status(format!("deleting Aurora instance {m}")).await;
        instance::delete(cx, ctx, m, None, true).await?;
    }
    let what = format!("Aurora cluster {id} to be deleted");
    wait::until(ctx, &what, POLL, || async {
        let status = match fetch(cx, id).await? {
            None => return Ok(Poll::Ready(())),
            Some(c) if c.status == DELETING => return Ok(Poll::Pending(c.status)),
            Some(c) => c.status,
        };
        let req = cx.rds().delete_db_cluster().db_cluster_identifier(id);
        let req = match snapshot {
            Some(name) => req.final_db_snapshot_identifier(name),
            None => req.skip_final_snapshot(true),
        };
        match req.send().await {
            Ok(_) => Ok(Poll::Pending(DELETING.into())),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_db_cluster_not_found_fault()) =>
            {
                Ok(Poll::Ready(()))
            }
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_invalid_db_cluster_state_fault()) =>
            {
                Ok(Poll::Pending(format!("{status}, not yet deletable")))
            }
            Err(e) => Err(Error::aws("rds:DeleteDBCluster", e)),
        }
    })
    .await
}
