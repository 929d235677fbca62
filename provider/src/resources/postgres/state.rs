//! The state of a HipaaPostgres as AWS reports it: outputs, the inputs that would produce
//! it (so import and refresh need no program), drift, and compliance.

use std::collections::BTreeMap;

use super::args::{Engine, FORCE_SSL, PostgresArgs, PostgresState};
use super::network::security_group_name;
use super::observed::Db;
use super::settings::on;
use super::{cluster, instance, params};
use crate::aws::firewall::GroupView;
use crate::aws::subnet_groups;
use crate::aws::tags::user_tags;
use crate::aws::{AwsContext, kms, placement, secrets};
use crate::compliance::{
    CMK_ROTATION, Compliance, RDS_BACKUP, RDS_DELETION_PROTECTION, RDS_IN_TRANSIT, RDS_LOGGING,
    RDS_MULTI_AZ, RDS_PUBLIC_ACCESS, RDS_STORAGE_ENCRYPTED, SECRET_CMK, SECRET_ROTATION,
};
use crate::error::Result;
use crate::resources::inputs::parse_version;

/// Finds the database: a DB instance named `id` that is not an Aurora member, or an
/// Aurora cluster named `id` with its members.
pub async fn observe(cx: &AwsContext, id: &str, aurora_first: bool) -> Result<Option<Db>> {
    let solo = || async {
        Ok::<_, crate::error::Error>(
            instance::describe(cx, id)
                .await?
                .filter(|d| d.cluster.is_none())
                .map(Db::solo),
        )
    };
    let aurora = || async {
        let Some(c) = cluster::describe(cx, id).await? else {
            return Ok::<_, crate::error::Error>(None);
        };
        let mut members = Vec::new();
        for m in &c.members {
            if let Some(d) = instance::describe(cx, m).await? {
                members.push(d);
            }
        }
        Ok(Some(Db::aurora(c, &members)))
    };
    if aurora_first {
        match aurora().await? {
            Some(db) => Ok(Some(db)),
            None => solo().await,
        }
    } else {
        match solo().await? {
            Some(db) => Ok(Some(db)),
            None => aurora().await,
        }
    }
}

/// Reads the database back. `given` is the inputs as the program wrote them, so values
/// AWS spells differently (a key alias, `16` reported as `16.4`) keep the program's
/// spelling.
pub async fn read(
    cx: &AwsContext,
    id: &str,
    given: Option<&PostgresArgs>,
) -> Result<Option<PostgresState>> {
    cx.validate().await?;
    let aurora_first = given.is_some_and(|a| a.engine().aurora());
    let Some(db) = observe(cx, id, aurora_first).await? else {
        return Ok(None);
    };
    // The parts are independent of each other: ask about them all at once.
    let placed = async {
        let subnets = subnet_groups::describe(cx.rds(), &db.subnet_group).await?;
        let vpc_id = subnets.as_ref().map(|s| s.vpc_id.clone());
        let vpc_id = vpc_id.unwrap_or_default();
        let sg = placement::group_in_vpc(cx, &vpc_id, &security_group_name(id)).await?;
        Ok((subnets, vpc_id, sg))
    };
    let own_alias = super::args::key_alias(id);
    let keyed = kms::observe(cx, db.kms_key_id.as_deref(), &own_alias);
    let secret = async {
        match &db.secret_arn {
            Some(arn) => secrets::describe(cx, arn).await,
            None => Ok(None),
        }
    };
    let settings = async {
        match &db.parameter_group {
            Some(g) => params::settings(cx, db.engine.aurora(), g).await,
            None => Ok(Default::default()),
        }
    };
    let (placed, keyed, secret, settings): (Result<_>, Result<_>, _, _) =
        futures::join!(placed, keyed, secret, settings);
    let ((subnets, vpc_id, sg), (key, managed)) = (placed?, keyed?);
    let (secret, settings) = (secret?, settings?);
    let force_ssl = settings
        .get(FORCE_SSL)
        .and_then(|s| s.value.clone())
        .unwrap_or_default();

    let seen = placement::observe(
        sg.as_ref(),
        &security_group_name(id),
        db.port,
        &db.security_groups,
        &Default::default(),
    );
    let mut drift = seen.drift;
    if force_ssl != "1" {
        drift.push(format!(
            "{FORCE_SSL} is {:?} in the parameter group, not 1",
            force_ssl
        ));
    }
    let key_arn = key.as_ref().map(|k| k.arn.clone()).unwrap_or_default();
    let found = Found {
        vpc_id,
        subnets: subnets.map(|s| s.subnets).unwrap_or_default(),
        groups: seen.groups,
        cidrs: seen.cidrs,
        rotation_days: secret.as_ref().and_then(|s| s.rotation_days),
        parameters: params::user_parameters(&settings),
        tags: user_tags(&db.tags, &cx.default_tags),
        managed_key: managed,
    };
    let args = inputs(id, &db, given, found);
    let compliance = compliance(&db, &key, sg.as_ref(), secret.as_ref(), &force_ssl);
    Ok(Some(PostgresState {
        args,
        endpoint: db.endpoint.clone(),
        reader_endpoint: db.reader_endpoint.clone(),
        arn: db.arn.clone(),
        master_user_secret_arn: db.secret_arn.clone().unwrap_or_default(),
        security_group_id: sg.map(|s| s.id).unwrap_or_default(),
        subnet_group_name: db.subnet_group.clone(),
        parameter_group_name: db.parameter_group.clone().unwrap_or_default(),
        kms_key_arn: key_arn,
        kms_key_managed: managed,
        monitoring_role_arn: db.monitoring_role.clone().unwrap_or_default(),
        pending_modifications: db.pending.clone(),
        pending_reboot: db.pending_reboot,
        instances: db.instances.clone(),
        engine_version_actual: db.engine_version_actual.clone(),
        status: db.status.clone(),
        drift,
        compliance: Some(compliance),
    }))
}

/// What the parts of a database say, for the inputs that would produce it.
struct Found {
    vpc_id: String,
    subnets: Vec<String>,
    groups: Vec<String>,
    cidrs: Vec<String>,
    rotation_days: Option<i64>,
    parameters: BTreeMap<String, String>,
    tags: BTreeMap<String, String>,
    managed_key: bool,
}

/// The inputs that would produce the database as found, in the program's spelling where
/// AWS spells a value differently.
fn inputs(id: &str, db: &Db, given: Option<&PostgresArgs>, found: Found) -> PostgresArgs {
    let kms_key_id = match given.and_then(|g| g.kms_key_id.clone()) {
        _ if found.managed_key => None,
        Some(k) => Some(k),
        None => db.kms_key_id.clone(),
    };
    let engine_version = match given.and_then(|a| a.engine_version.clone()) {
        Some(v)
            if parse_version(&v).is_some()
                && parse_version(&v) == parse_version(&db.engine_version) =>
        {
            v
        }
        _ => db.engine_version.clone(),
    };
    let kept = |f: fn(&PostgresArgs) -> &Option<String>, aws: &Option<String>| {
        given.and_then(|a| f(a).as_ref()).and(aws.clone())
    };
    let (user, tags) = (found.parameters, found.tags);
    let pi = db.performance_insights;
    PostgresArgs {
        identifier: Some(id.to_string()),
        vpc_id: found.vpc_id,
        subnet_ids: found.subnets,
        allowed_security_group_ids: placement::listed(
            found.groups,
            given.map(|a| &a.allowed_security_group_ids),
        ),
        allowed_cidr_blocks: placement::listed(found.cidrs, given.map(|a| &a.allowed_cidr_blocks)),
        port: Some(db.port),
        engine: Some(db.engine),
        engine_version: Some(engine_version),
        allow_major_version_upgrade: Some(
            given
                .and_then(|a| a.allow_major_version_upgrade)
                .unwrap_or(false),
        ),
        instance_class: Some(db.class.clone()),
        allocated_storage: db.storage,
        max_allocated_storage: db.max_storage,
        readers: db.readers,
        min_capacity: db.capacity.map(|c| c.0),
        max_capacity: db.capacity.map(|c| c.1),
        database_name: db.db_name.clone(),
        master_username: Some(db.master_username.clone()),
        password_rotation_days: found.rotation_days,
        multi_az: Some(db.multi_az),
        backup_retention_days: Some(db.backup_days),
        backup_window: kept(|a| &a.backup_window, &db.backup_window),
        maintenance_window: kept(|a| &a.maintenance_window, &db.maintenance_window),
        deletion_protection: Some(db.deletion_protection),
        skip_final_snapshot: Some(given.and_then(|a| a.skip_final_snapshot).unwrap_or(false)),
        final_snapshot_name: given.and_then(|a| a.final_snapshot_name.clone()),
        log_exports: Some(db.log_exports.clone()),
        performance_insights: Some(pi),
        performance_insights_retention_days: db.performance_insights_days.filter(|_| pi),
        enhanced_monitoring_interval: Some(db.monitoring_interval),
        iam_authentication: Some(db.iam_auth),
        kms_key_id,
        parameters: if user.is_empty() && given.is_none_or(|a| a.parameters.is_none()) {
            None
        } else {
            Some(user)
        },
        apply_immediately: Some(given.and_then(|a| a.apply_immediately).unwrap_or(false)),
        publicly_accessible: Some(db.public),
        storage_encrypted: Some(db.encrypted),
        tags: if tags.is_empty() && given.is_none_or(|a| a.tags.is_none()) {
            None
        } else {
            Some(tags)
        },
    }
}

fn compliance(
    db: &Db,
    key: &Option<kms::Key>,
    sg: Option<&GroupView>,
    secret: Option<&secrets::SecretView>,
    force_ssl: &str,
) -> Compliance {
    let (rotation, rotation_evidence) = kms::Key::rotation_evidence(key.as_ref());
    let secret_key = secret.and_then(|s| s.kms_key_id.clone());
    let secret_cmk = secret_key
        .as_deref()
        .is_some_and(|k| !k.contains("alias/aws/"));
    let secret_rotation = secret.and_then(|s| s.rotation_days);
    let ha = match db.engine {
        Engine::Postgres => db.multi_az,
        Engine::AuroraPostgresql => db.readers.unwrap_or(0) > 0,
    };
    Compliance::new(vec![
        RDS_PUBLIC_ACCESS.control(
            !db.public,
            if db.public {
                "publicly accessible"
            } else {
                "not publicly accessible"
            },
        ),
        placement::control(sg, db.port),
        RDS_MULTI_AZ.control(
            ha,
            match db.engine {
                Engine::Postgres => format!("Multi-AZ {}", on(db.multi_az)),
                Engine::AuroraPostgresql => format!(
                    "{} reader(s) across {} AZ(s)",
                    db.readers.unwrap_or(0),
                    db.zones
                ),
            },
        ),
        RDS_BACKUP.control(
            db.backup_days >= super::args::MIN_BACKUP_DAYS,
            format!("automated backups kept {} days", db.backup_days),
        ),
        RDS_STORAGE_ENCRYPTED.control(
            db.encrypted && key.is_some(),
            match (&key, db.encrypted) {
                (Some(k), true) => format!("storage encrypted with {}", k.arn),
                (None, true) => "storage encrypted, but not with a customer-managed key".into(),
                _ => "storage is not encrypted".into(),
            },
        ),
        CMK_ROTATION.control(rotation, rotation_evidence),
        SECRET_CMK.control(
            secret_cmk,
            match &secret_key {
                Some(k) if secret_cmk => format!("master secret encrypted with {k}"),
                _ => "master secret missing or encrypted with the AWS-managed key".into(),
            },
        ),
        SECRET_ROTATION.control(
            secret_rotation.is_some(),
            match secret_rotation {
                Some(d) => format!("master password rotates every {d} days"),
                None => "master password rotation is off".into(),
            },
        ),
        RDS_LOGGING.control(
            db.log_exports.iter().any(|l| l == "postgresql"),
            format!("log exports: {}", db.log_exports.join(", ")),
        ),
        RDS_DELETION_PROTECTION.control(
            db.deletion_protection,
            format!("deletion protection {}", on(db.deletion_protection)),
        ),
        RDS_IN_TRANSIT.control(force_ssl == "1", format!("{FORCE_SSL} = {force_ssl:?}")),
    ])
}
