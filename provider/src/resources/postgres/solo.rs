//! `engine: postgres`: one RDS DB instance, created with every safe setting and brought
//! back to the inputs in place.

use aws_sdk_rds::operation::create_db_instance::builders::CreateDBInstanceFluentBuilder;
use pulumi_provider::Ctx;

use super::args::PostgresArgs;
use super::instance::{self, DbView};
use super::parts::Parts;
use super::settings::{self, Have, on};
use super::settling;
use crate::aws::AwsContext;
use crate::aws::lag::resend;
use crate::aws::lag::{
    NEW_EC2_OBJECT, NEW_EC2_OBJECT_ELSEWHERE, NEW_KEY_ELSEWHERE, NEW_OBJECT, NEW_ROLE,
};
use crate::aws::tagging;
use crate::error::Result;
use crate::resources::inputs::parse_version;

/// CreateDBInstance with every input; returns once RDS has accepted it. Sent through the
/// lags that refuse it with nothing made: the monitoring role (NEW_ROLE), the key
/// (NEW_KEY_ELSEWHERE) and the security group or subnets (NEW_EC2_OBJECT) made moments
/// ago. An instance of this name that is already there and ours is the answer of an
/// attempt whose reply was lost: success, never a second instance.
pub async fn create(cx: &AwsContext, ctx: &Ctx, a: &PostgresArgs, p: &Parts<'_>) -> Result<()> {
    let req = request(cx, a, p);
    let lags = [
        &NEW_ROLE,
        &NEW_KEY_ELSEWHERE,
        &NEW_EC2_OBJECT,
        &NEW_EC2_OBJECT_ELSEWHERE,
        &NEW_OBJECT,
    ];
    settling::create_once(
        ctx,
        &format!("creating DB instance {}", a.id()),
        &lags,
        ALREADY_EXISTS,
        resend!(req, "rds:CreateDBInstance"),
        || adopt_instance(cx, ctx, a.id()),
    )
    .await
}

/// RDS's code for a DB instance name in use.
pub const ALREADY_EXISTS: &str = "DBInstanceAlreadyExists";

/// An instance found under the name a create just used: ours (a create whose answer was
/// lost) is fine; anyone else's was made at once by someone else. RDS's reads may lag the
/// refusal, so not found is waited out for a while.
pub async fn adopt_instance(cx: &AwsContext, ctx: &Ctx, id: &str) -> Result<()> {
    let what = format!("DB instance {id}");
    let named = format!("a database named {id}");
    settling::claim_existing(
        ctx,
        &what,
        "identifier",
        &[id],
        named,
        || instance::fetch(cx, id),
        |d| &d.tags,
    )
    .await
}

fn request(cx: &AwsContext, a: &PostgresArgs, p: &Parts<'_>) -> CreateDBInstanceFluentBuilder {
    let pi = a.performance_insights.unwrap_or(true);
    let interval = a.monitoring();
    let max = a.max_allocated_storage.filter(|m| *m > 0);
    cx.rds()
        .create_db_instance()
        .db_instance_identifier(a.id())
        .engine(a.engine().as_str())
        .set_engine_version(a.engine_version.clone())
        .db_instance_class(a.instance_class())
        .set_allocated_storage(a.allocated_storage)
        .set_max_allocated_storage(max)
        .storage_type("gp3")
        .set_db_name(a.database_name.clone())
        .set_master_username(a.master_username.clone())
        .manage_master_user_password(true)
        .master_user_secret_kms_key_id(p.key_arn)
        .set_multi_az(a.multi_az)
        .set_backup_retention_period(a.backup_retention_days)
        .set_preferred_backup_window(a.backup_window.clone())
        .set_preferred_maintenance_window(a.maintenance_window.clone())
        .set_deletion_protection(a.deletion_protection)
        .storage_encrypted(true)
        .kms_key_id(p.key_arn)
        .set_enable_cloudwatch_logs_exports(a.log_exports.clone())
        .enable_performance_insights(pi)
        .set_performance_insights_kms_key_id(pi.then(|| p.key_arn.to_string()))
        .set_performance_insights_retention_period(
            a.performance_insights_retention_days.filter(|_| pi),
        )
        .monitoring_interval(interval)
        .set_monitoring_role_arn(p.monitoring_role.map(String::from))
        .set_enable_iam_database_authentication(a.iam_authentication)
        .publicly_accessible(false)
        .db_subnet_group_name(p.subnet_group)
        .db_parameter_group_name(p.parameter_group)
        .vpc_security_group_ids(p.security_group)
        .port(a.port())
        .copy_tags_to_snapshot(true)
        .auto_minor_version_upgrade(true)
        .set_tags(Some(tagging::rds(p.tags)))
}

/// Makes the instance match `a` in one ModifyDBInstance. Settings RDS holds for the
/// maintenance window are compared with their pending value, unless `applyImmediately`,
/// in which case pending values are sent again so they apply now.
pub async fn settle(
    cx: &AwsContext,
    ctx: &Ctx,
    a: &PostgresArgs,
    d: DbView,
    p: &Parts<'_>,
) -> Result<DbView> {
    let now = a.apply_immediately.unwrap_or(false);
    let mut changes: Vec<String> = Vec::new();
    let mut note = |what: String| changes.push(what);
    let Sizing {
        class,
        storage,
        max_storage,
        multi_az,
        version,
        major,
    } = sizing(a, &d, now, &mut note);
    let shared = settings::shared(
        a,
        &Have {
            backup_days: d.backup_days,
            backup_window: d.backup_window.as_ref(),
            maintenance_window: d.maintenance_window.as_ref(),
            deletion_protection: d.deletion_protection,
            log_exports: &d.log_exports,
            iam_auth: d.iam_auth,
            security_groups: &d.security_groups,
            parameter_group: d.parameter_group.as_deref(),
            port: d.port,
        },
        p,
        &mut note,
    );
    let public = d.public.then(|| {
        note("public access off".into());
        false
    });
    let (pi_change, pi_days) = insights(a, &d, &mut note);
    let monitoring = monitoring(a, &d, p, &mut note);
    if changes.is_empty() {
        return Ok(d);
    }
    let id = a.id();
    ctx.status(format!("{id}: {}", changes.join(", "))).await;
    let key = p.key_arn.to_string();
    let role = p.monitoring_role.map(String::from);
    let after = instance::modify(cx, ctx, id, now, |r| {
        let r = r
            .set_db_instance_class(class)
            .set_allocated_storage(storage)
            .set_max_allocated_storage(max_storage)
            .set_multi_az(multi_az)
            .set_engine_version(version)
            .set_allow_major_version_upgrade(major.then_some(true))
            .set_backup_retention_period(shared.days)
            .set_preferred_backup_window(shared.backup_window)
            .set_preferred_maintenance_window(shared.maintenance)
            .set_deletion_protection(shared.protection)
            .set_publicly_accessible(public)
            .set_cloudwatch_logs_export_configuration(shared.logs)
            .set_enable_iam_database_authentication(shared.iam)
            .set_vpc_security_group_ids(shared.groups)
            .set_db_parameter_group_name(shared.parameters)
            .set_db_port_number(shared.port);
        let r = match pi_change {
            Some(true) => r
                .enable_performance_insights(true)
                .performance_insights_kms_key_id(key)
                .set_performance_insights_retention_period(pi_days),
            Some(false) => r.enable_performance_insights(false),
            None => r,
        };
        match monitoring {
            Some(i) => r
                .monitoring_interval(i)
                .set_monitoring_role_arn(role.filter(|_| i > 0)),
            None => r,
        }
    })
    .await?;
    if !now && !after.pending.is_empty() {
        ctx.info(format!(
            "{id}: some changes wait for the maintenance window (applyImmediately is false); see pendingModifications"
        ))
        .await;
    }
    instance::wait_changed(cx, ctx, id, now).await
}

/// The size, availability and engine changes `a` asks of the instance `d`.
struct Sizing {
    class: Option<String>,
    storage: Option<i32>,
    max_storage: Option<i32>,
    multi_az: Option<bool>,
    version: Option<String>,
    major: bool,
}

fn sizing(a: &PostgresArgs, d: &DbView, now: bool, note: &mut impl FnMut(String)) -> Sizing {
    let at = |input: &str, current: String| {
        if now {
            current
        } else {
            d.effective(input, current)
        }
    };
    let class =
        Some(a.instance_class().to_string()).filter(|c| *c != at("instanceClass", d.class.clone()));
    if let Some(c) = &class {
        note(format!("instance class {} to {c}", d.class));
    }
    let storage = a
        .allocated_storage
        .filter(|s| s.to_string() != at("allocatedStorage", d.storage.to_string()));
    if let Some(s) = storage {
        note(format!("storage {} to {s} GiB", d.storage));
    }
    let max_storage = a.max_allocated_storage.filter(|m| *m != d.max_storage);
    if let Some(m) = max_storage {
        note(format!("storage autoscaling ceiling {m} GiB"));
    }
    let multi_az = a
        .multi_az
        .filter(|m| m.to_string() != at("multiAz", d.multi_az.to_string()));
    if let Some(m) = multi_az {
        note(format!("Multi-AZ {}", on(m)));
    }
    let version = a.engine_version.clone().filter(|v| {
        let have = at("engineVersion", d.engine_version.clone());
        !have.is_empty() && parse_version(v) > parse_version(&have)
    });
    let major = version.as_ref().is_some_and(|v| {
        parse_version(v).map(|v| v.0) != parse_version(&d.engine_version).map(|v| v.0)
    });
    if let Some(v) = &version {
        note(format!("engine {} to {v}", d.engine_version));
    }
    Sizing {
        class,
        storage,
        max_storage,
        multi_az,
        version,
        major,
    }
}

/// The Performance Insights change, if any, and the retention it asks for.
fn insights(
    a: &PostgresArgs,
    d: &DbView,
    note: &mut impl FnMut(String),
) -> (Option<bool>, Option<i32>) {
    let pi = a.performance_insights.unwrap_or(true);
    let pi_days = a.performance_insights_retention_days.filter(|_| pi);
    let pi_change = (pi != d.performance_insights
        || (pi && (d.performance_insights_days != pi_days)))
        .then(|| {
            note(format!("Performance Insights {}", on(pi)));
            pi
        });
    (pi_change, pi_days)
}

/// The Enhanced Monitoring change, if any.
fn monitoring(
    a: &PostgresArgs,
    d: &DbView,
    p: &Parts<'_>,
    note: &mut impl FnMut(String),
) -> Option<i32> {
    let interval = a.monitoring();
    (interval != d.monitoring_interval
        || (interval > 0 && d.monitoring_role.as_deref() != p.monitoring_role))
        .then(|| {
            note(format!("Enhanced Monitoring every {interval} s"));
            interval
        })
}
