//! The settings an RDS instance and an Aurora cluster share, compared with what AWS has:
//! each is `Some` only when it must change, and every change is noted for the progress line.

use aws_sdk_rds::types::CloudwatchLogsExportConfiguration;

use super::args::PostgresArgs;
use super::parts::Parts;

/// What AWS has for the shared settings.
pub struct Have<'a> {
    pub backup_days: i32,
    pub backup_window: Option<&'a String>,
    pub maintenance_window: Option<&'a String>,
    pub deletion_protection: bool,
    pub log_exports: &'a [String],
    pub iam_auth: bool,
    pub security_groups: &'a [String],
    pub parameter_group: Option<&'a str>,
    pub port: i32,
}

/// The shared settings to send.
#[derive(Default)]
pub struct Shared {
    pub days: Option<i32>,
    pub backup_window: Option<String>,
    pub maintenance: Option<String>,
    pub protection: Option<bool>,
    pub logs: Option<CloudwatchLogsExportConfiguration>,
    pub iam: Option<bool>,
    pub groups: Option<Vec<String>>,
    pub parameters: Option<String>,
    pub port: Option<i32>,
}

pub fn on(v: bool) -> &'static str {
    if v { "on" } else { "off" }
}

pub fn shared(
    a: &PostgresArgs,
    have: &Have<'_>,
    p: &Parts<'_>,
    note: &mut impl FnMut(String),
) -> Shared {
    let days = a.backup_retention_days.filter(|b| *b != have.backup_days);
    if let Some(b) = days {
        note(format!("backups kept {} to {b} days", have.backup_days));
    }
    let backup_window = a
        .backup_window
        .clone()
        .filter(|w| Some(w) != have.backup_window);
    if let Some(w) = &backup_window {
        note(format!("backup window {w}"));
    }
    let maintenance = a.maintenance_window.clone().filter(|w| {
        have.maintenance_window
            .is_none_or(|m| !m.eq_ignore_ascii_case(w))
    });
    if let Some(w) = &maintenance {
        note(format!("maintenance window {w}"));
    }
    let protection = a
        .deletion_protection
        .filter(|v| *v != have.deletion_protection);
    if let Some(v) = protection {
        note(format!("deletion protection {}", on(v)));
    }
    let logs = log_change(a, have.log_exports, note);
    let iam = a.iam_authentication.filter(|v| *v != have.iam_auth);
    if let Some(v) = iam {
        note(format!("IAM authentication {}", on(v)));
    }
    let groups = (have.security_groups != [p.security_group.to_string()]).then(|| {
        note(format!("security groups to {}", p.security_group));
        vec![p.security_group.to_string()]
    });
    let parameters = (have.parameter_group != Some(p.parameter_group)).then(|| {
        note(format!("parameter group {}", p.parameter_group));
        p.parameter_group.to_string()
    });
    // RDS applies a new port at once, whatever applyImmediately says, and restarts the
    // database to listen on it.
    let port = (a.port() != have.port).then(|| {
        note(format!(
            "port {} to {} (applied at once; the database restarts)",
            have.port,
            a.port()
        ));
        a.port()
    });
    Shared {
        port,
        days,
        backup_window,
        maintenance,
        protection,
        logs,
        iam,
        groups,
        parameters,
    }
}

/// The log export change that brings `have` to the inputs, if any.
fn log_change(
    a: &PostgresArgs,
    have: &[String],
    note: &mut impl FnMut(String),
) -> Option<CloudwatchLogsExportConfiguration> {
    let want = a.log_exports.clone().unwrap_or_default();
    let enable: Vec<String> = want.iter().filter(|l| !have.contains(l)).cloned().collect();
    let disable: Vec<String> = have.iter().filter(|l| !want.contains(l)).cloned().collect();
    if enable.is_empty() && disable.is_empty() {
        return None;
    }
    note(format!("log exports to {}", want.join(", ")));
    Some(
        CloudwatchLogsExportConfiguration::builder()
            .set_enable_log_types(Some(enable).filter(|v| !v.is_empty()))
            .set_disable_log_types(Some(disable).filter(|v| !v.is_empty()))
            .build(),
    )
}
