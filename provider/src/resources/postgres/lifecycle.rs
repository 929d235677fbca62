//! Create, update and delete of a HipaaPostgres, built on one idempotent `converge`:
//! whatever exists and is owned is adopted, whatever is missing is made, whatever differs
//! is changed in place.

use std::collections::BTreeMap;

use pulumi_provider::Ctx;

use super::args::{PostgresArgs, PostgresState, key_alias};
use super::observed::Db;
use super::parts::Parts;
use super::{cluster, instance, monitoring, network, params, settling, solo, state};
use crate::aws::subnet_groups;
use crate::aws::tagging;
use crate::aws::tags::{claim, owned_by, tags_for};
use crate::aws::{AwsContext, firewall, kms, partial, placement, secrets, snapshot};
use crate::error::{Error, Result};

/// Makes AWS match `a`. Once anything exists, a failure is reported as a partial failure
/// carrying the identifier, so the engine keeps track of what was made.
/// The id of a database an earlier, interrupted attempt of this create began: the one its
/// security group, made first and tagged with this URN, is named after.
pub async fn abandoned(cx: &AwsContext, ctx: &Ctx, a: &PostgresArgs) -> Result<Option<String>> {
    // The credentials are checked before any other call.
    cx.validate().await?;
    let suffix = network::security_group_name("");
    crate::aws::abandoned::by_security_group(cx, ctx.urn(), a.id(), &suffix).await
}

pub async fn converge(
    cx: &AwsContext,
    ctx: &Ctx,
    a: &PostgresArgs,
    previous: Option<&PostgresState>,
) -> Result<PostgresState> {
    let id = a.id();
    let tags = tags_for(ctx.urn(), &cx.default_tags, &a.tags());
    // The credentials are checked before any other call. Then two questions before anything
    // is made, asked at once: a database of this name that is not ours, and the subnets.
    cx.validate().await?;
    let existing = async {
        match previous {
            None => state::observe(cx, id, a.engine().aurora()).await,
            Some(_) => Ok(None),
        }
    };
    let (existing, subnets) = futures::join!(
        existing,
        placement::check_subnets(cx, ctx, &a.vpc_id, &a.subnet_ids, 2, "an RDS subnet group"),
    );
    if let Some(db) = existing? {
        claim(ctx, &[id], &db.tags, "identifier", || {
            format!("a database named {id}")
        })?;
    }
    subnets?;
    // A key the user names must exist before anything is made; a key of the database's own
    // is made alongside its other parts.
    let description = format!(
        "Encrypts the PostgreSQL {id}, its snapshots, Performance Insights and master secret (managed by Pulumi)"
    );
    let alias = key_alias(id);
    let given = kms::given(cx, ctx, a.kms_key_id.as_deref(), "kmsKeyId").await?;
    // The security group is made first: it is what a later attempt finds if this one is
    // killed (`abandoned`), and everything else is named after the database's id.
    let sg = match network::ensure_security_group(cx, ctx, a, &tags).await {
        Ok(sg) => sg,
        Err(cause) => return Err(partial(cx, ctx, a, None, cause).await),
    };
    let key = kms::or_owned(cx, ctx, given, &alias, &description, &tags);
    let (key, made) = futures::join!(key, parts(cx, ctx, a, sg, &tags));
    let (key, made) = match (key, made) {
        (Ok(key), Ok(made)) => (key, made),
        (Ok(key), Err(cause)) => return Err(partial(cx, ctx, a, Some(&key), cause).await),
        (Err(cause), _) => return Err(partial(cx, ctx, a, None, cause).await),
    };
    match build(cx, ctx, a, &key, made, &tags).await {
        Ok(state) => Ok(state),
        Err(cause) => Err(partial(cx, ctx, a, Some(&key), cause).await),
    }
}

/// The parts a database needs besides its key, which depend on nothing but the inputs.
struct Made {
    sg: crate::aws::firewall::GroupView,
    subnets: network::SubnetGroupView,
    group: params::Ensured,
    role: Option<String>,
}

/// Makes the parts besides the security group at once. Each is awaited to the end (none is
/// dropped half-made), then the first failure, in this order, is reported.
async fn parts(
    cx: &AwsContext,
    ctx: &Ctx,
    a: &PostgresArgs,
    sg: crate::aws::firewall::GroupView,
    tags: &BTreeMap<String, String>,
) -> Result<Made> {
    let id = a.id();
    let role = async {
        if a.monitoring() > 0 {
            Ok::<_, Error>(Some(monitoring::ensure(cx, ctx, id, tags).await?))
        } else {
            Ok(None)
        }
    };
    let (subnets, group, role) = futures::join!(
        network::ensure_subnet_group(cx, ctx, a, tags),
        params::ensure(cx, ctx, a, tags),
        role,
    );
    let (subnets, group, role) = (subnets?, group?, role?);
    Ok(Made {
        sg,
        subnets,
        group,
        role,
    })
}

async fn build(
    cx: &AwsContext,
    ctx: &Ctx,
    a: &PostgresArgs,
    key: &kms::Key,
    made: Made,
    tags: &BTreeMap<String, String>,
) -> Result<PostgresState> {
    let id = a.id();
    let aurora = a.engine().aurora();
    let Made {
        sg,
        subnets,
        group,
        role,
    } = made;
    let parts = Parts {
        key_arn: &key.arn,
        security_group: &sg.id,
        subnet_group: id,
        parameter_group: &group.name,
        monitoring_role: role.as_deref(),
        tags,
    };
    let db = if aurora {
        build_aurora(cx, ctx, a, &parts, &subnets).await?
    } else {
        build_solo(cx, ctx, a, &parts, &subnets).await?
    };
    if !group.static_changes.is_empty() {
        ctx.warn(format!(
            "{id}: {} change(s) take effect at the next reboot of the database; pendingReboot says when one is due",
            group.static_changes.join(", ")
        ))
        .await;
    }
    rotation(cx, ctx, a, &db).await?;
    retire_stale_groups(cx, ctx, a, &group.name).await?;
    // One read right after the waits above may still lag them: not found is waited out.
    settling::until_seen(
        ctx,
        &format!("database {id}"),
        || {
            settling::vanished(
                &format!("database {id}"),
                "vanished right after it was made",
            )
        },
        || state::read(cx, id, Some(a)),
    )
    .await
}

/// The Aurora cluster and its members, made if missing and brought to `a`.
async fn build_aurora(
    cx: &AwsContext,
    ctx: &Ctx,
    a: &PostgresArgs,
    parts: &Parts<'_>,
    subnets: &network::SubnetGroupView,
) -> Result<Db> {
    let id = a.id();
    let c = match cluster::describe(cx, id).await? {
        Some(c) => c,
        None => {
            ctx.status(format!(
                "creating Aurora cluster {id} ({} {}) in subnets {}",
                a.engine().as_str(),
                a.engine_version.as_deref().unwrap_or_default(),
                subnets.subnets.join(", ")
            ))
            .await;
            cluster::create(cx, ctx, a, parts).await?;
            cluster::wait_ready(cx, ctx, id).await?
        }
    };
    let c = cluster::settle(cx, ctx, a, c, parts).await?;
    let members = cluster::converge_members(cx, ctx, a, &c, parts).await?;
    let c = cluster::wait_ready(cx, ctx, id).await?;
    tagging::retag_settled(ctx, cx.rds(), &c.arn, &c.tags, parts.tags).await?;
    for m in &members {
        tagging::retag_settled(ctx, cx.rds(), &m.arn, &m.tags, parts.tags).await?;
    }
    Ok(Db::aurora(c, &members))
}

/// The DB instance, made if missing and brought to `a`.
async fn build_solo(
    cx: &AwsContext,
    ctx: &Ctx,
    a: &PostgresArgs,
    parts: &Parts<'_>,
    subnets: &network::SubnetGroupView,
) -> Result<Db> {
    let id = a.id();
    let d = match instance::describe(cx, id).await? {
        Some(d) => d,
        None => {
            ctx.status(format!(
                "creating DB instance {id} ({}, {} GiB gp3, Multi-AZ {}) in subnets {}",
                a.instance_class(),
                a.allocated_storage.unwrap_or_default(),
                if a.multi_az.unwrap_or(true) {
                    "on"
                } else {
                    "off"
                },
                subnets.subnets.join(", ")
            ))
            .await;
            solo::create(cx, ctx, a, parts).await?;
            ctx.info(format!(
                "DB instance {id} is being created; RDS usually takes 15 to 20 minutes"
            ))
            .await;
            instance::wait_ready(cx, ctx, id).await?
        }
    };
    let d = if d.ready() {
        d
    } else {
        instance::wait_ready(cx, ctx, id).await?
    };
    let d = solo::settle(cx, ctx, a, d, parts).await?;
    tagging::retag_settled(ctx, cx.rds(), &d.arn, &d.tags, parts.tags).await?;
    Ok(Db::solo(d))
}

/// Deletes the database's parameter groups other than `current`, once no longer used.
async fn retire_stale_groups(
    cx: &AwsContext,
    ctx: &Ctx,
    a: &PostgresArgs,
    current: &str,
) -> Result<()> {
    let aurora = a.engine().aurora();
    let stale = params::all_groups(cx, a).await?;
    for old in stale.into_iter().filter(|g| g != current) {
        if params::retire(cx, aurora, &old).await? {
            ctx.info(format!("deleted the parameter group {old}, no longer used"))
                .await;
        } else {
            ctx.info(format!(
                "kept the parameter group {old}: the database still uses it until the pending upgrade applies"
            ))
            .await;
        }
    }
    Ok(())
}

/// Puts the master secret's rotation on the asked schedule.
async fn rotation(cx: &AwsContext, ctx: &Ctx, a: &PostgresArgs, db: &Db) -> Result<()> {
    let Some(arn) = &db.secret_arn else {
        return Err(Error::Incomplete {
            operation: "rds:Describe (the database)",
            missing: "the managed master secret",
        });
    };
    let days = a
        .password_rotation_days
        .unwrap_or(super::args::DEFAULT_ROTATION_DAYS);
    // RDS makes the secret with the database and names it at once; Secrets Manager may
    // not know it yet: read until listed, and a rotation refused as not found is sent again.
    let what = format!("master secret of {}", a.id());
    let secret = settling::until_seen(
        ctx,
        &what,
        || settling::vanished(&what, "is named by the database but not found"),
        || secrets::describe(cx, arn),
    )
    .await?;
    if secret.rotation_days != Some(days) {
        ctx.status(format!("master secret: rotation every {days} days"))
            .await;
        secrets::schedule_rotation(cx, ctx, arn, days).await?;
    }
    Ok(())
}

/// A failure once parts may exist: hand the engine what there is.
async fn partial(
    cx: &AwsContext,
    ctx: &Ctx,
    a: &PostgresArgs,
    key: Option<&kms::Key>,
    cause: Error,
) -> Error {
    let id = a.id();
    if cause.is_contest() {
        let owned = matches!(state::observe(cx, id, a.engine().aurora()).await, Ok(Some(db))
            if crate::aws::tags::may_take(ctx, &[id], db.tags.iter().map(|(k, v)| (k.as_str(), v.as_str()))));
        if !owned {
            return cause;
        }
    }
    let known = PostgresState {
        args: a.clone(),
        kms_key_arn: key.map(|k| k.arn.clone()).unwrap_or_default(),
        kms_key_managed: key.is_some() && a.kms_key_id.is_none(),
        ..PostgresState::default()
    };
    partial::report(ctx, id, cause, known, state::read(cx, id, Some(a))).await
}

/// Where a user sets this resource's deletion protection: on the resource, or, for the
/// child of a component (`...::healthcare:index:Platform$healthcare:database:HipaaPostgres::...`),
/// on the component that passes it on.
fn setting_owner(urn: &str) -> String {
    let types = urn.split("::").nth(2).unwrap_or_default();
    let mut chain: Vec<&str> = types.split('$').collect();
    chain.pop();
    match chain.last() {
        Some(parent) if parent.starts_with("healthcare:") => format!("its {parent}"),
        _ => "this resource".to_string(),
    }
}

/// Deletes the database (refusing while deletion protection is on), then its parameter
/// group, subnet group, security group and monitoring role. A key this resource made is
/// scheduled for deletion only when no final snapshot depends on it.
pub async fn delete(cx: &AwsContext, ctx: &Ctx, id: &str, s: &PostgresState) -> Result<()> {
    cx.validate().await?;
    let aurora = s.args.engine().aurora();
    if let Some(db) = state::observe(cx, id, aurora).await?
        && db.deletion_protection
    {
        let kind = if aurora {
            "Aurora cluster"
        } else {
            "DB instance"
        };
        return Err(Error::Protected {
            what: format!("{kind} {id}"),
            owner: setting_owner(ctx.urn()),
        });
    }
    let snapshot = snapshot::final_name(
        id,
        s.args.skip_final_snapshot,
        s.args.final_snapshot_name.as_deref(),
    );
    ctx.status(match &snapshot {
        Some(name) => format!("deleting {id} after a final snapshot {name}"),
        None => format!("deleting {id} (no final snapshot)"),
    })
    .await;
    if aurora {
        cluster::delete(cx, ctx, id, snapshot.as_deref()).await?;
    } else {
        instance::delete(cx, ctx, id, snapshot.as_deref(), false).await?;
    }
    for group in params::all_groups(cx, &s.args).await? {
        params::delete(cx, ctx, aurora, &group).await?;
    }
    subnet_groups::delete(cx.rds(), ctx, id).await?;
    if !s.security_group_id.is_empty() {
        firewall::delete(cx, ctx, &s.security_group_id).await?;
    } else if let Some(g) =
        firewall::find(cx, &s.args.vpc_id, &network::security_group_name(id)).await?
        && owned_by(
            g.tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            ctx.urn(),
        )
    {
        firewall::delete(cx, ctx, &g.id).await?;
    }
    monitoring::delete(cx, ctx, id).await?;
    kms::release(
        cx,
        ctx,
        s.kms_key_managed,
        &s.kms_key_arn,
        &key_alias(id),
        snapshot.as_deref(),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::setting_owner;

    #[test]
    fn deletion_protection_is_turned_off_where_it_is_set() {
        assert_eq!(
            setting_owner("urn:pulumi:dev::proj::healthcare:database:HipaaPostgres::db"),
            "this resource"
        );
        assert_eq!(
            setting_owner(
                "urn:pulumi:dev::proj::healthcare:index:Platform$healthcare:database:HipaaPostgres::p-db"
            ),
            "its healthcare:index:Platform"
        );
        // A user's own component passes nothing on: the setting is the resource's.
        assert_eq!(
            setting_owner("urn:pulumi:dev::proj::acme:Data$healthcare:database:HipaaPostgres::db"),
            "this resource"
        );
    }
}
