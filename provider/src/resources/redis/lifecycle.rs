//! Create, update and delete of an EncryptedRedis, built on one idempotent `converge`:
//! whatever exists and is owned is adopted, whatever is missing is made, whatever differs
//! is changed in place.

use std::collections::BTreeMap;

use aws_sdk_elasticache::types::{AuthTokenUpdateStrategyType, TransitEncryptionMode};
use pulumi_provider::Ctx;

use super::args::{RedisArgs, RedisState, key_alias};
use super::check::parse_version;
use super::group::{self, GroupView, Parts};
use super::rotation::{self, Rotation};
use super::secret_policy;
use super::token::{self, Connection, Held};
use super::{network, state};
use crate::aws::subnet_groups;
use crate::aws::tagging;
use crate::aws::tags::{claim, owned_by, tags_for};
use crate::aws::{AwsContext, firewall, kms, partial, secrets, snapshot};
use crate::error::{Error, Result};
use crate::resources::postgres::settling;

/// The id of a replication group an earlier, interrupted attempt of this create began: the
/// one its security group, made first and tagged with this URN, is named after.
pub async fn abandoned(cx: &AwsContext, ctx: &Ctx, a: &RedisArgs) -> Result<Option<String>> {
    // The credentials are checked before any other call.
    cx.validate().await?;
    let suffix = network::security_group_name("");
    crate::aws::abandoned::by_security_group(cx, ctx.urn(), a.id(), &suffix).await
}

/// Makes AWS match `a`. Once anything exists, a failure is reported as a partial failure
/// carrying the replication group id, so the engine keeps track of what was made.
pub async fn converge(
    cx: &AwsContext,
    ctx: &Ctx,
    a: &RedisArgs,
    previous: Option<&RedisState>,
) -> Result<RedisState> {
    let id = a.id();
    let tags = tags_for(ctx.urn(), &cx.default_tags, &a.tags());
    // The credentials are checked before any other call. Then two questions before anything
    // is made, asked at once: a group of this id that is not ours, and the subnets.
    cx.validate().await?;
    let (existing, subnets) =
        futures::join!(group::describe(cx, id), network::check_subnets(cx, ctx, a));
    if let Some(g) = &existing? {
        claim(ctx, &[id], &g.tags, "replicationGroupId", || {
            format!("a replication group named {id}")
        })?;
    }
    subnets?;
    // A key the user names must exist before anything is made; a key of the group's own is
    // made alongside the security group and subnet group, then the AUTH secret it encrypts.
    let description =
        format!("Encrypts the Redis {id}, its snapshots and its AUTH secret (managed by Pulumi)");
    let alias = key_alias(id);
    let given = kms::given(cx, ctx, a.kms_key_id.as_deref(), "kmsKeyId").await?;
    let keyed = async {
        let key = kms::or_owned(cx, ctx, given, &alias, &description, &tags)
            .await
            .map_err(|cause| (None, cause))?;
        let held = match token::ensure(cx, ctx, id, a.port(), &key.arn, &tags).await {
            Ok(held) => held,
            Err(cause) => return Err((Some(key), cause)),
        };
        // The secret holds the token from here on: its policy goes on before anything else.
        match secret_policy::ensure(cx, ctx, &held.view.arn, a).await {
            Ok(()) => Ok((key, held)),
            Err(cause) => Err((Some(key), cause)),
        }
    };
    // The security group is made first: it is what a later attempt finds if this one is
    // killed (`abandoned`), and everything else is named after the group's id. Then the
    // other parts at once, each awaited to the end (none is dropped half-made), and the
    // first failure, in this order, is reported.
    let sg = match network::ensure_security_group(cx, ctx, a, &tags).await {
        Ok(sg) => sg,
        Err(cause) => return Err(partial(cx, ctx, a, previous, None, cause).await),
    };
    let (keyed, subnets) = futures::join!(keyed, network::ensure_subnet_group(cx, ctx, a, &tags));
    let (key, held) = match keyed {
        Ok(keyed) => keyed,
        Err((key, cause)) => return Err(partial(cx, ctx, a, previous, key.as_ref(), cause).await),
    };
    let made = match subnets {
        Ok(subnets) => Made { sg, subnets, held },
        Err(cause) => return Err(partial(cx, ctx, a, previous, Some(&key), cause).await),
    };
    match build(cx, ctx, a, previous, &key, made, &tags).await {
        Ok(state) => Ok(state),
        Err(cause) => Err(partial(cx, ctx, a, previous, Some(&key), cause).await),
    }
}

/// The parts a replication group needs besides its key.
struct Made {
    sg: crate::aws::firewall::GroupView,
    subnets: network::SubnetGroupView,
    held: token::Held,
}

async fn build(
    cx: &AwsContext,
    ctx: &Ctx,
    a: &RedisArgs,
    previous: Option<&RedisState>,
    key: &kms::Key,
    made: Made,
    tags: &BTreeMap<String, String>,
) -> Result<RedisState> {
    let id = a.id();
    let Made {
        sg,
        subnets,
        mut held,
    } = made;
    let g = match group::describe(cx, id).await? {
        Some(g) => g,
        None => {
            ctx.status(format!(
                "creating replication group {id}: {} node(s) of {}",
                a.shards() * (a.replicas() + 1),
                a.node_type.as_deref().unwrap_or_default()
            ))
            .await;
            let parts = Parts {
                key_arn: &key.arn,
                token: &held.connection.auth_token,
                security_group: &sg.id,
                subnet_group: id,
                tags,
            };
            group::create(cx, ctx, a, &parts).await?;
            ctx.info(format!(
                "replication group {id} is being created in subnets {}",
                subnets.subnets.join(", ")
            ))
            .await;
            group::wait_available(cx, ctx, id).await?
        }
    };
    let g = ready(cx, ctx, g).await?;
    let g = settle(cx, ctx, a, g, &sg.id, &held.connection.auth_token).await?;
    let rotate = previous.is_some_and(|p| p.args.auth_token_rotation != a.auth_token_rotation);
    if rotate {
        held = rotate_token(cx, ctx, id, held, &g).await?;
    }
    let connection = Connection {
        host: g.primary.clone(),
        port: g.port,
        tls: true,
        auth_token: held.connection.auth_token.clone(),
    };
    token::store(cx, ctx, &held, &connection).await?;
    rotation::ensure(
        cx,
        ctx,
        &Rotation {
            id,
            secret: &held.view,
            key_arn: &key.arn,
            group_arn: &g.arn,
            days: a.rotation_days(),
            tags,
        },
    )
    .await?;
    tagging::retag_settled(ctx, cx.elasticache(), &g.arn, &g.tags, tags).await?;
    // One read right after the waits above may still lag them: not found is waited out.
    let what = format!("replication group {id}");
    settling::until_seen(
        ctx,
        &what,
        || settling::vanished(&what, "vanished right after it was made"),
        || state::read(cx, id, Some(a)),
    )
    .await
}

async fn ready(cx: &AwsContext, ctx: &Ctx, g: GroupView) -> Result<GroupView> {
    if g.status == group::AVAILABLE {
        Ok(g)
    } else {
        group::wait_available(cx, ctx, &g.id).await
    }
}

/// Changes what differs from `a` in place: replicas first (or last, when failover has to be
/// turned off before the last replica goes), then one ModifyReplicationGroup for the rest.
async fn settle(
    cx: &AwsContext,
    ctx: &Ctx,
    a: &RedisArgs,
    mut g: GroupView,
    security_group: &str,
    auth_token: &str,
) -> Result<GroupView> {
    let id = a.id().to_string();
    let wanted = a.replicas();
    let ha = wanted > 0;
    if g.replicas != wanted && ha {
        g = scale(cx, ctx, g, wanted).await?;
    }
    let mut changes = Vec::new();
    let node_type = a.node_type.clone().filter(|t| *t != g.node_type);
    if let Some(t) = &node_type {
        changes.push(format!("node type {} to {t}", g.node_type));
    }
    if g.cluster && a.cluster() && g.shards != a.shards() {
        ctx.status(format!(
            "{id}: {} to {} shard(s), resharding online",
            g.shards,
            a.shards()
        ))
        .await;
        group::reshard(cx, ctx, &g, a.shards()).await?;
        g = group::wait_changed(cx, ctx, &id).await?;
    }
    // Redis to Valkey is ElastiCache's cross-engine upgrade: the engine and a Valkey version
    // in one modify (check refuses the way back).
    let engine = (g.engine != a.engine().as_str()).then(|| {
        changes.push(format!("engine {} to {}", g.engine, a.engine().as_str()));
        a.engine().as_str().to_string()
    });
    let version = a.engine_version.clone().filter(|v| {
        engine.is_some()
            || (parse_version(v) > parse_version(&g.engine_version) && !g.engine_version.is_empty())
    });
    if let Some(v) = &version {
        changes.push(format!("engine version {} to {v}", g.engine_version));
    }
    let days = a.snapshot_retention_days.filter(|d| *d != g.snapshot_days);
    if let Some(d) = days {
        changes.push(format!("snapshots kept {} to {d} days", g.snapshot_days));
    }
    let snapshot_window = a
        .snapshot_window
        .clone()
        .filter(|w| Some(w) != g.snapshot_window.as_ref());
    if let Some(w) = &snapshot_window {
        changes.push(format!("snapshot window {w}"));
    }
    let maintenance = a.maintenance_window.clone().filter(|w| {
        g.maintenance_window
            .as_ref()
            .is_none_or(|m| !m.eq_ignore_ascii_case(w))
    });
    if let Some(w) = &maintenance {
        changes.push(format!("maintenance window {w}"));
    }
    // In cluster mode the group runs on the engine's `cluster.on` default unless one is
    // given; a new engine or major version needs that family's.
    let parameters = a
        .parameter_group_name
        .clone()
        .or_else(|| {
            a.cluster()
                .then(|| group::cluster_parameter_group(a))
                .flatten()
        })
        .filter(|p| Some(p) != g.parameter_group.as_ref());
    if let Some(p) = &parameters {
        changes.push(format!("parameter group {p}"));
    }
    let groups = (g.security_groups != [security_group.to_string()]).then(|| {
        changes.push(format!("security groups to {security_group}"));
        vec![security_group.to_string()]
    });
    let failover = (g.failover != ha || g.multi_az != ha).then(|| {
        changes.push(format!(
            "Multi-AZ automatic failover {}",
            if ha { "on" } else { "off" }
        ));
        ha
    });
    let tls = (!g.transit_required).then(|| {
        changes.push("transit encryption mode to required".into());
    });
    if !changes.is_empty() {
        ctx.status(format!("{id}: {}", changes.join(", "))).await;
        group::modify(cx, ctx, &id, |r| {
            let r = r
                .set_cache_node_type(node_type)
                .set_engine(engine)
                .set_engine_version(version)
                .set_snapshot_retention_limit(days)
                .set_snapshot_window(snapshot_window)
                .set_preferred_maintenance_window(maintenance)
                .set_cache_parameter_group_name(parameters)
                .set_security_group_ids(groups)
                .set_automatic_failover_enabled(failover)
                .set_multi_az_enabled(failover);
            match tls {
                Some(()) => r
                    .transit_encryption_enabled(true)
                    .transit_encryption_mode(TransitEncryptionMode::Required),
                None => r,
            }
        })
        .await?;
        g = group::wait_changed(cx, ctx, &id).await?;
    }
    if g.replicas != wanted {
        g = scale(cx, ctx, g, wanted).await?;
    }
    if !g.auth {
        g = restore_auth(cx, ctx, g, auth_token).await?;
    }
    Ok(g)
}

/// Adds or removes replicas to reach `wanted`, and waits for the group.
async fn scale(cx: &AwsContext, ctx: &Ctx, g: GroupView, wanted: i32) -> Result<GroupView> {
    ctx.status(format!("{}: {} to {wanted} replica(s)", g.id, g.replicas))
        .await;
    group::set_replicas(cx, ctx, &g.id, g.replicas, wanted).await?;
    group::wait_changed(cx, ctx, &g.id).await
}

/// Puts the AUTH token back on a group that lost it: ROTATE (detaching any RBAC user
/// groups), then SET, waiting for the group after each.
async fn restore_auth(
    cx: &AwsContext,
    ctx: &Ctx,
    g: GroupView,
    auth_token: &str,
) -> Result<GroupView> {
    ctx.status(format!("{}: turning AUTH back on", g.id)).await;
    group::restore_token(cx, ctx, &g, auth_token).await?;
    group::wait_changed(cx, ctx, &g.id).await?;
    group::set_token(cx, ctx, &g.id, auth_token, AuthTokenUpdateStrategyType::Set).await?;
    group::wait_changed(cx, ctx, &g.id).await
}

/// ROTATE (old and new tokens both accepted), then the secret, then SET (only the new one).
async fn rotate_token(
    cx: &AwsContext,
    ctx: &Ctx,
    id: &str,
    held: Held,
    g: &GroupView,
) -> Result<Held> {
    let next = Connection {
        host: g.primary.clone(),
        port: g.port,
        tls: true,
        auth_token: token::generate(),
    };
    ctx.status(format!(
        "{id}: rotating the AUTH token (old and new both valid)"
    ))
    .await;
    group::set_token(
        cx,
        ctx,
        id,
        &next.auth_token,
        AuthTokenUpdateStrategyType::Rotate,
    )
    .await?;
    group::wait_changed(cx, ctx, id).await?;
    token::store(cx, ctx, &held, &next).await?;
    ctx.status(format!("{id}: retiring the old AUTH token"))
        .await;
    group::set_token(
        cx,
        ctx,
        id,
        &next.auth_token,
        AuthTokenUpdateStrategyType::Set,
    )
    .await?;
    group::wait_changed(cx, ctx, id).await?;
    ctx.info(format!(
        "{id}: AUTH token rotated; the secret {} holds the new one",
        held.view.arn
    ))
    .await;
    Ok(Held {
        view: held.view,
        connection: next,
    })
}

/// A failure once parts may exist: hand the engine what there is. The rotation trigger
/// stays at its previous value, so an interrupted rotation is done again next time.
async fn partial(
    cx: &AwsContext,
    ctx: &Ctx,
    a: &RedisArgs,
    previous: Option<&RedisState>,
    key: Option<&kms::Key>,
    cause: Error,
) -> Error {
    let id = a.id();
    if cause.is_contest() && !owns_group(cx, ctx, id).await {
        return cause;
    }
    // The rotation trigger kept is the one already applied.
    let mut args = a.clone();
    args.auth_token_rotation = match previous {
        Some(p) => p.args.auth_token_rotation.clone(),
        None => a.auth_token_rotation.clone(),
    };
    let known = RedisState {
        args: args.clone(),
        kms_key_arn: key.map(|k| k.arn.clone()).unwrap_or_default(),
        kms_key_managed: key.is_some() && a.kms_key_id.is_none(),
        ..RedisState::default()
    };
    // Without the group, the secret (made first) still holds the token clients will use.
    let read = async {
        if let Some(mut state) = state::read(cx, id, Some(a)).await? {
            state.args.auth_token_rotation = args.auth_token_rotation.clone();
            return Ok(Some(state));
        }
        let Some(secret) = secrets::describe(cx, &token::secret_name(id)).await? else {
            return Ok(None);
        };
        let token = token::read(cx, &secret.arn).await?;
        Ok(Some(RedisState {
            auth_secret_arn: secret.arn,
            auth_token: token.map(|t| t.auth_token.into()).unwrap_or_default(),
            ..known.clone()
        }))
    };
    partial::report(ctx, id, cause, known.clone(), read).await
}

/// True when the replication group `id` exists and is this resource's.
async fn owns_group(cx: &AwsContext, ctx: &Ctx, id: &str) -> bool {
    matches!(group::describe(cx, id).await, Ok(Some(g))
        if crate::aws::tags::may_take(ctx, &[id], g.tags.iter().map(|(k, v)| (k.as_str(), v.as_str()))))
}

/// Deletes the group (after a final snapshot unless skipped), then its subnet group,
/// security group and secret. A key this resource made is scheduled for deletion only when
/// no final snapshot depends on it.
pub async fn delete(cx: &AwsContext, ctx: &Ctx, id: &str, s: &RedisState) -> Result<()> {
    cx.validate().await?;
    let snapshot = snapshot::final_name(
        id,
        s.args.skip_final_snapshot,
        s.args.final_snapshot_name.as_deref(),
    );
    ctx.status(match &snapshot {
        Some(name) => format!("deleting replication group {id} after a final snapshot {name}"),
        None => format!("deleting replication group {id} (no final snapshot)"),
    })
    .await;
    group::delete(cx, ctx, id, snapshot.as_deref()).await?;
    let subnet_group = if s.subnet_group_name.is_empty() {
        id
    } else {
        &s.subnet_group_name
    };
    subnet_groups::delete(cx.elasticache(), ctx, subnet_group).await?;
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
    let secret = if s.auth_secret_arn.is_empty() {
        token::secret_name(id)
    } else {
        s.auth_secret_arn.clone()
    };
    let recovery = s
        .args
        .secret_recovery_days
        .unwrap_or(super::args::DEFAULT_SECRET_RECOVERY_DAYS);
    secrets::delete(cx, &secret, recovery).await?;
    rotation::delete(cx, ctx, id).await?;
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
