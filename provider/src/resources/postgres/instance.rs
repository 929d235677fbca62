//! DB instances: the `postgres` database itself, and the members of an Aurora cluster.
//! What AWS reports, create, modify, wait, delete.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_rds::operation::modify_db_instance::builders::ModifyDBInstanceFluentBuilder;
use aws_sdk_rds::types::DbInstance;
use pulumi_provider::Ctx;

use super::settling::{self, Seen};
use crate::aws::AwsContext;
use crate::aws::lag::resend;
use crate::aws::lag::{
    BUSY, NEW_EC2_OBJECT, NEW_EC2_OBJECT_ELSEWHERE, NEW_KEY_ELSEWHERE, NEW_ROLE, settle,
};
use crate::aws::tagging;
use crate::aws::wait::{self, Backoff, Poll};
use crate::error::{Error, Result, found};

/// RDS changes take minutes; poll gently.
pub const POLL: Backoff = Backoff {
    first: Duration::from_secs(5),
    cap: Duration::from_secs(30),
};

/// Statuses in which an instance serves and accepts changes. `storage-optimization`
/// follows a storage change for hours while the instance is fully usable.
const READY: [&str; 2] = [AVAILABLE, "storage-optimization"];
/// Status RDS reports once a database or cluster is usable.
pub const AVAILABLE: &str = "available";
/// Status RDS reports while a database or cluster is being deleted.
pub const DELETING: &str = "deleting";

/// A DB instance as AWS reports it.
#[derive(Debug, Clone, Default)]
pub struct DbView {
    pub id: String,
    pub arn: String,
    pub status: String,
    pub engine_version: String,
    pub class: String,
    pub storage: i32,
    pub max_storage: i32,
    pub multi_az: bool,
    pub backup_days: i32,
    pub backup_window: Option<String>,
    pub maintenance_window: Option<String>,
    pub deletion_protection: bool,
    pub public: bool,
    pub encrypted: bool,
    pub kms_key_id: Option<String>,
    pub log_exports: Vec<String>,
    pub performance_insights: bool,
    pub performance_insights_days: Option<i32>,
    pub monitoring_interval: i32,
    pub monitoring_role: Option<String>,
    pub iam_auth: bool,
    pub secret_arn: Option<String>,
    pub endpoint: String,
    pub port: i32,
    pub db_name: Option<String>,
    pub master_username: String,
    pub subnet_group: String,
    pub security_groups: Vec<String>,
    pub parameter_group: Option<String>,
    /// `in-sync`, `applying` or `pending-reboot`.
    pub parameter_status: Option<String>,
    /// Changes waiting for the maintenance window, by input name.
    pub pending: BTreeMap<String, String>,
    pub cluster: Option<String>,
    pub zone: Option<String>,
    pub tags: BTreeMap<String, String>,
}

impl DbView {
    pub fn ready(&self) -> bool {
        READY.contains(&self.status.as_str())
    }

    /// The value a setting will have once pending changes apply.
    pub fn effective(&self, input: &str, current: String) -> String {
        self.pending.get(input).cloned().unwrap_or(current)
    }
}

fn view(d: &DbInstance) -> DbView {
    let mut pending = BTreeMap::new();
    if let Some(p) = d.pending_modified_values() {
        let mut put = |k: &str, v: Option<String>| {
            if let Some(v) = v {
                pending.insert(k.to_string(), v);
            }
        };
        put("instanceClass", p.db_instance_class().map(String::from));
        put(
            "allocatedStorage",
            p.allocated_storage().map(|v| v.to_string()),
        );
        put("multiAz", p.multi_az().map(|v| v.to_string()));
        put("engineVersion", p.engine_version().map(String::from));
        put(
            "backupRetentionDays",
            p.backup_retention_period().map(|v| v.to_string()),
        );
        put("storageType", p.storage_type().map(String::from));
        put("port", p.port().map(|v| v.to_string()));
    }
    let group = d.db_parameter_groups().first();
    let subnet_group = d.db_subnet_group();
    let mut logs = d.enabled_cloudwatch_logs_exports().to_vec();
    logs.sort();
    DbView {
        id: d.db_instance_identifier().unwrap_or_default().to_string(),
        arn: d.db_instance_arn().unwrap_or_default().to_string(),
        status: d.db_instance_status().unwrap_or_default().to_string(),
        engine_version: d.engine_version().unwrap_or_default().to_string(),
        class: d.db_instance_class().unwrap_or_default().to_string(),
        storage: d.allocated_storage().unwrap_or_default(),
        max_storage: d.max_allocated_storage().unwrap_or_default(),
        multi_az: d.multi_az().unwrap_or(false),
        backup_days: d.backup_retention_period().unwrap_or_default(),
        backup_window: d.preferred_backup_window().map(String::from),
        maintenance_window: d.preferred_maintenance_window().map(String::from),
        deletion_protection: d.deletion_protection().unwrap_or(false),
        public: d.publicly_accessible().unwrap_or(false),
        encrypted: d.storage_encrypted().unwrap_or(false),
        kms_key_id: d.kms_key_id().map(String::from),
        log_exports: logs,
        performance_insights: d.performance_insights_enabled().unwrap_or(false),
        performance_insights_days: d.performance_insights_retention_period(),
        monitoring_interval: d.monitoring_interval().unwrap_or_default(),
        monitoring_role: d.monitoring_role_arn().map(String::from),
        iam_auth: d.iam_database_authentication_enabled().unwrap_or(false),
        secret_arn: d
            .master_user_secret()
            .and_then(|s| s.secret_arn().map(String::from)),
        endpoint: d
            .endpoint()
            .and_then(|e| e.address())
            .unwrap_or_default()
            .to_string(),
        port: d
            .endpoint()
            .and_then(|e| e.port())
            .or(d.db_instance_port())
            .unwrap_or_default(),
        db_name: d.db_name().map(String::from),
        master_username: d.master_username().unwrap_or_default().to_string(),
        subnet_group: subnet_group
            .and_then(|g| g.db_subnet_group_name())
            .unwrap_or_default()
            .to_string(),
        security_groups: d
            .vpc_security_groups()
            .iter()
            .filter_map(|g| g.vpc_security_group_id().map(String::from))
            .collect(),
        parameter_group: group.and_then(|g| g.db_parameter_group_name().map(String::from)),
        parameter_status: group.and_then(|g| g.parameter_apply_status().map(String::from)),
        pending,
        cluster: d.db_cluster_identifier().map(String::from),
        zone: d.availability_zone().map(String::from),
        tags: tagging::from_rds(d.tag_list()),
    }
}

/// The instance with this id in whatever status; `None` once it is gone.
pub async fn fetch(cx: &AwsContext, id: &str) -> Result<Option<DbView>> {
    let got = found(
        "rds:DescribeDBInstances",
        cx.rds()
            .describe_db_instances()
            .db_instance_identifier(id)
            .send()
            .await,
        |e| e.is_db_instance_not_found_fault(),
    )?;
    Ok(got.and_then(|r| r.db_instances().first().map(view)))
}

/// The instance with this id, `None` when it does not exist or is being deleted.
pub async fn describe(cx: &AwsContext, id: &str) -> Result<Option<DbView>> {
    Ok(fetch(cx, id).await?.filter(|d| d.status != DELETING))
}

/// Waits until the instance serves, saying what RDS is doing meanwhile. An instance RDS
/// does not list yet (just made) counts as pending for `wait::UNSEEN_GRACE`.
pub async fn wait_ready(cx: &AwsContext, ctx: &Ctx, id: &str) -> Result<DbView> {
    let what = format!("DB instance {id} to be available");
    wait::until(ctx, &what, POLL, || async {
        match describe(cx, id).await? {
            Some(d) if d.ready() => Ok(Poll::Ready(d)),
            Some(d) => {
                match settling::terminal(&format!("DB instance {id}"), &d.status, &events(id)) {
                    Some(e) => Err(e),
                    None => Ok(Poll::Pending(d.status)),
                }
            }
            None => Ok(Poll::Unseen(gone(id))),
        }
    })
    .await
}

/// Where RDS says why an instance is in the state it is.
fn events(id: &str) -> String {
    format!(
        "its events (aws rds describe-events --source-type db-instance --source-identifier {id})"
    )
}

fn gone(id: &str) -> Error {
    settling::vanished(
        &format!("DB instance {id}"),
        "disappeared while it was being made ready",
    )
}

/// Waits after a ModifyDBInstance until the change is done, by the `AfterChange` rule:
/// RDS may still say `available` before it says `modifying`. With `applied_now` a pending
/// modification means the change has not been applied yet; without it, pending values wait
/// for the maintenance window and are not waited for.
pub async fn wait_changed(
    cx: &AwsContext,
    ctx: &Ctx,
    id: &str,
    applied_now: bool,
) -> Result<DbView> {
    let what = format!("DB instance {id} to apply its changes");
    settling::until_changed(
        ctx,
        &what,
        POLL,
        || gone(id),
        || async {
            let found = describe(cx, id).await?;
            if let Some(e) = found.as_ref().and_then(|d| {
                settling::terminal(&format!("DB instance {id}"), &d.status, &events(id))
            }) {
                return Err(e);
            }
            Ok(found.map(|d| Seen {
                at_rest: d.ready() && (!applied_now || d.pending.is_empty()),
                state: d.status.clone(),
                value: d,
            }))
        },
    )
    .await
}

/// One ModifyDBInstance; the caller builds the changes. Sent through the lags that refuse
/// it without changing anything: an instance in a transitional state (BUSY), a monitoring
/// role (NEW_ROLE) or Performance Insights key (NEW_KEY_ELSEWHERE) made moments ago, a
/// security group made moments ago (NEW_EC2_OBJECT).
pub async fn modify(
    cx: &AwsContext,
    ctx: &Ctx,
    id: &str,
    apply_immediately: bool,
    change: impl FnOnce(ModifyDBInstanceFluentBuilder) -> ModifyDBInstanceFluentBuilder,
) -> Result<DbView> {
    let req = change(
        cx.rds()
            .modify_db_instance()
            .db_instance_identifier(id)
            .apply_immediately(apply_immediately),
    );
    let lags = [
        &BUSY,
        &NEW_ROLE,
        &NEW_KEY_ELSEWHERE,
        &NEW_EC2_OBJECT,
        &NEW_EC2_OBJECT_ELSEWHERE,
    ];
    let answer = settle(
        ctx,
        &format!("modifying DB instance {id}"),
        &lags,
        resend!(req, "rds:ModifyDBInstance"),
    )
    .await?;
    answer
        .db_instance()
        .map(view)
        .ok_or_else(|| Error::Incomplete {
            operation: "rds:ModifyDBInstance",
            missing: "the instance",
        })
}

/// Deletes the instance and waits until it is gone. `snapshot` is the final snapshot's
/// name; `None` skips it. Cluster members take no snapshot choice (`member`).
pub async fn delete(
    cx: &AwsContext,
    ctx: &Ctx,
    id: &str,
    snapshot: Option<&str>,
    member: bool,
) -> Result<()> {
    let what = format!("DB instance {id} to be deleted");
    wait::until(ctx, &what, POLL, || async {
        let status = match fetch(cx, id).await? {
            None => return Ok(Poll::Ready(())),
            Some(d) if d.status == DELETING => return Ok(Poll::Pending(d.status)),
            Some(d) => d.status,
        };
        let req = cx.rds().delete_db_instance().db_instance_identifier(id);
        let req = match (member, snapshot) {
            (true, _) => req,
            (false, Some(name)) => req.final_db_snapshot_identifier(name),
            (false, None) => req.skip_final_snapshot(true),
        };
        match req.send().await {
            Ok(_) => Ok(Poll::Pending(DELETING.into())),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_db_instance_not_found_fault()) =>
            {
                Ok(Poll::Ready(()))
            }
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_invalid_db_instance_state_fault()) =>
            {
                Ok(Poll::Pending(format!("{status}, not yet deletable")))
            }
            Err(e) => Err(Error::aws("rds:DeleteDBInstance", e)),
        }
    })
    .await
}
