//! One picture of a database as AWS reports it, whichever the engine: a DB instance, or an
//! Aurora cluster with its members.

use std::collections::BTreeMap;

use super::args::Engine;
use super::cluster::ClusterView;
use super::instance::DbView;

/// What the state and the compliance checks are built from.
#[derive(Debug, Clone, Default)]
pub struct Db {
    pub engine: Engine,
    pub arn: String,
    pub status: String,
    /// The version once pending changes apply.
    pub engine_version: String,
    pub engine_version_actual: String,
    /// The instance class once pending changes apply.
    pub class: String,
    pub storage: Option<i32>,
    pub max_storage: Option<i32>,
    pub readers: Option<i32>,
    pub capacity: Option<(f64, f64)>,
    pub multi_az: bool,
    pub zones: usize,
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
    pub reader_endpoint: String,
    pub port: i32,
    pub db_name: Option<String>,
    pub master_username: String,
    pub subnet_group: String,
    pub security_groups: Vec<String>,
    pub parameter_group: Option<String>,
    pub pending: BTreeMap<String, String>,
    pub pending_reboot: bool,
    pub instances: Vec<String>,
    pub tags: BTreeMap<String, String>,
}

impl Db {
    pub fn solo(d: DbView) -> Db {
        Db {
            engine: Engine::Postgres,
            engine_version: d.effective("engineVersion", d.engine_version.clone()),
            class: d.effective("instanceClass", d.class.clone()),
            storage: Some(
                d.effective("allocatedStorage", d.storage.to_string())
                    .parse()
                    .unwrap_or(d.storage),
            ),
            max_storage: Some(d.max_storage),
            readers: None,
            capacity: None,
            multi_az: d.effective("multiAz", d.multi_az.to_string()) == "true",
            zones: if d.multi_az { 2 } else { 1 },
            pending_reboot: d.parameter_status.as_deref() == Some("pending-reboot"),
            instances: Vec::new(),
            arn: d.arn,
            status: d.status,
            engine_version_actual: d.engine_version,
            backup_days: d.backup_days,
            backup_window: d.backup_window,
            maintenance_window: d.maintenance_window,
            deletion_protection: d.deletion_protection,
            public: d.public,
            encrypted: d.encrypted,
            kms_key_id: d.kms_key_id,
            log_exports: d.log_exports,
            performance_insights: d.performance_insights,
            performance_insights_days: d.performance_insights_days,
            monitoring_interval: d.monitoring_interval,
            monitoring_role: d.monitoring_role,
            iam_auth: d.iam_auth,
            secret_arn: d.secret_arn,
            endpoint: d.endpoint,
            reader_endpoint: String::new(),
            port: d.port,
            db_name: d.db_name,
            master_username: d.master_username,
            subnet_group: d.subnet_group,
            security_groups: d.security_groups,
            parameter_group: d.parameter_group,
            pending: d.pending,
            tags: d.tags,
        }
    }

    /// An Aurora cluster; instance-level settings come from the writer (`members[0]`),
    /// and the cluster counts as public when any member is.
    pub fn aurora(c: ClusterView, members: &[DbView]) -> Db {
        let writer = members.first().cloned().unwrap_or_default();
        let mut pending = c.pending.clone();
        if let Some(class) = writer.pending.get("instanceClass") {
            pending.insert("instanceClass".into(), class.clone());
        }
        let zones: std::collections::BTreeSet<&str> =
            members.iter().filter_map(|m| m.zone.as_deref()).collect();
        Db {
            engine: Engine::AuroraPostgresql,
            engine_version: pending
                .get("engineVersion")
                .cloned()
                .unwrap_or_else(|| c.engine_version.clone()),
            engine_version_actual: c.engine_version.clone(),
            class: writer.effective("instanceClass", writer.class.clone()),
            storage: None,
            max_storage: None,
            readers: Some(members.len().saturating_sub(1) as i32),
            capacity: c.capacity,
            multi_az: members.len() > 1,
            zones: zones.len(),
            public: members.iter().any(|m| m.public),
            performance_insights: writer.performance_insights,
            performance_insights_days: writer.performance_insights_days,
            monitoring_interval: writer.monitoring_interval,
            monitoring_role: writer.monitoring_role.clone(),
            instances: c.members.clone(),
            pending,
            pending_reboot: c.pending_reboot,
            arn: c.arn,
            status: c.status,
            backup_days: c.backup_days,
            backup_window: c.backup_window,
            maintenance_window: c.maintenance_window,
            deletion_protection: c.deletion_protection,
            encrypted: c.encrypted,
            kms_key_id: c.kms_key_id,
            log_exports: c.log_exports,
            iam_auth: c.iam_auth,
            secret_arn: c.secret_arn,
            endpoint: c.endpoint,
            reader_endpoint: c.reader_endpoint,
            port: c.port,
            db_name: c.db_name,
            master_username: c.master_username,
            subnet_group: c.subnet_group,
            security_groups: c.security_groups,
            parameter_group: c.parameter_group,
            tags: c.tags,
        }
    }
}
