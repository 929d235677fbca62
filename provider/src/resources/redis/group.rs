//! The replication group itself: what AWS reports, create, modify, replicas, wait, delete.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_elasticache::types::{
    AuthTokenUpdateStrategyType, AutomaticFailoverStatus, ClusterMode, MultiAzStatus,
    ReplicationGroup, TransitEncryptionMode,
};
use pulumi_provider::Ctx;

use aws_sdk_elasticache::operation::create_replication_group::builders::CreateReplicationGroupFluentBuilder;
use aws_sdk_elasticache::operation::modify_replication_group::builders::ModifyReplicationGroupFluentBuilder;

use super::args::RedisArgs;
use crate::aws::AwsContext;
use crate::aws::lag::resend;
use crate::aws::lag::{
    BUSY, NEW_EC2_OBJECT, NEW_EC2_OBJECT_ELSEWHERE, NEW_KEY_ELSEWHERE, NEW_OBJECT, settle,
};
use crate::aws::tagging;
use crate::aws::wait::{self, Backoff, Poll};
use crate::error::{Error, Result, found};
use crate::resources::postgres::settling::{self, Seen};

/// Status AWS reports once a group is usable.
pub const AVAILABLE: &str = "available";
/// Status AWS reports while a group is being deleted.
pub const DELETING: &str = "deleting";
/// ElastiCache changes take minutes; poll gently.
const POLL: Backoff = Backoff {
    first: Duration::from_secs(5),
    cap: Duration::from_secs(30),
};

/// A replication group as AWS reports it, with the facts only its first member carries.
#[derive(Debug, Clone, Default)]
pub struct GroupView {
    pub id: String,
    pub arn: String,
    pub status: String,
    pub engine: String,
    pub node_type: String,
    pub members: Vec<String>,
    pub shards: i32,
    /// The shards' node group ids (`0001`, `0002`, ...), in AWS's order.
    pub node_groups: Vec<String>,
    /// Replicas of the shard with the fewest.
    pub replicas: i32,
    pub cluster: bool,
    pub failover: bool,
    pub multi_az: bool,
    pub snapshot_days: i32,
    pub snapshot_window: Option<String>,
    pub transit: bool,
    pub transit_required: bool,
    pub at_rest: bool,
    pub kms_key_id: Option<String>,
    pub auth: bool,
    /// RBAC user groups attached (in place of an AUTH token), e.g. by a change outside Pulumi.
    pub user_groups: Vec<String>,
    pub primary: String,
    pub reader: String,
    pub port: i32,
    pub engine_version: String,
    pub maintenance_window: Option<String>,
    pub subnet_group: String,
    pub security_groups: Vec<String>,
    pub parameter_group: Option<String>,
    /// Whether a member cluster was listed (the engine version, maintenance window, subnet
    /// group, security groups and parameter group come from it).
    pub members_listed: bool,
    pub tags: BTreeMap<String, String>,
    /// A change AWS has accepted and not finished (failover, resharding, transit
    /// encryption, user groups, a new primary).
    pub pending: bool,
}

/// True when the group still has a change in flight. The AUTH token status is left out: it
/// shows while the group is `modifying`, which the status already says.
fn pending(g: &ReplicationGroup) -> bool {
    g.pending_modified_values().is_some_and(|p| {
        p.primary_cluster_id().is_some()
            || p.automatic_failover_status().is_some()
            || p.resharding().is_some()
            || p.user_groups().is_some()
            || p.transit_encryption_enabled().is_some()
            || p.transit_encryption_mode().is_some()
            || p.cluster_mode().is_some()
    })
}

/// The group as AWS describes it, in whatever status; `None` once it is gone.
async fn fetch(cx: &AwsContext, id: &str) -> Result<Option<ReplicationGroup>> {
    let got = found(
        "elasticache:DescribeReplicationGroups",
        cx.elasticache()
            .describe_replication_groups()
            .replication_group_id(id)
            .send()
            .await,
        |e| e.is_replication_group_not_found_fault(),
    )?;
    Ok(got.and_then(|g| g.replication_groups.and_then(|mut v| v.pop())))
}

/// The group with this id, `None` when it does not exist or is being deleted.
pub async fn describe(cx: &AwsContext, id: &str) -> Result<Option<GroupView>> {
    let Some(g) = fetch(cx, id).await? else {
        return Ok(None);
    };
    let status = g.status().unwrap_or_default().to_string();
    if status == DELETING {
        return Ok(None);
    }
    let groups = g.node_groups();
    let endpoint = |e: Option<&aws_sdk_elasticache::types::Endpoint>| {
        e.and_then(|e| e.address()).unwrap_or_default().to_string()
    };
    let cluster = g.cluster_enabled().unwrap_or(false);
    let first = groups.first();
    let (primary, reader, port) = if cluster {
        let c = g.configuration_endpoint();
        (endpoint(c), String::new(), c.and_then(|c| c.port()))
    } else {
        let p = first.and_then(|n| n.primary_endpoint());
        (
            endpoint(p),
            endpoint(first.and_then(|n| n.reader_endpoint())),
            p.and_then(|p| p.port()),
        )
    };
    let mut view = GroupView {
        id: id.to_string(),
        arn: g.arn().unwrap_or_default().to_string(),
        status,
        engine: g.engine().unwrap_or("redis").to_string(),
        node_type: g.cache_node_type().unwrap_or_default().to_string(),
        members: g.member_clusters().to_vec(),
        shards: groups.len() as i32,
        node_groups: groups
            .iter()
            .filter_map(|n| n.node_group_id().map(String::from))
            .collect(),
        replicas: groups
            .iter()
            .map(|n| n.node_group_members().len() as i32 - 1)
            .min()
            .unwrap_or(0)
            .max(0),
        cluster,
        failover: matches!(
            g.automatic_failover(),
            Some(AutomaticFailoverStatus::Enabled | AutomaticFailoverStatus::Enabling)
        ),
        multi_az: matches!(g.multi_az(), Some(MultiAzStatus::Enabled)),
        snapshot_days: g.snapshot_retention_limit().unwrap_or(0),
        snapshot_window: g.snapshot_window().map(String::from),
        transit: g.transit_encryption_enabled().unwrap_or(false),
        // A group made with TLS and no mode is `required`; AWS reports the mode only
        // while a migration is underway or once it was set.
        transit_required: g.transit_encryption_enabled().unwrap_or(false)
            && !matches!(
                g.transit_encryption_mode(),
                Some(TransitEncryptionMode::Preferred)
            ),
        at_rest: g.at_rest_encryption_enabled().unwrap_or(false),
        kms_key_id: g.kms_key_id().map(String::from),
        auth: g.auth_token_enabled().unwrap_or(false),
        user_groups: g.user_group_ids().to_vec(),
        primary,
        reader,
        port: port.unwrap_or(0),
        pending: pending(&g),
        ..GroupView::default()
    };
    if let Some(member) = view.members.first() {
        let clusters = found(
            "elasticache:DescribeCacheClusters",
            cx.elasticache()
                .describe_cache_clusters()
                .cache_cluster_id(member)
                .send()
                .await,
            |e| e.is_cache_cluster_not_found_fault(),
        )?;
        if let Some(c) = clusters.and_then(|c| c.cache_clusters.and_then(|mut v| v.pop())) {
            view.members_listed = true;
            view.engine_version = c.engine_version().unwrap_or_default().to_string();
            view.maintenance_window = c.preferred_maintenance_window().map(String::from);
            view.subnet_group = c.cache_subnet_group_name().unwrap_or_default().to_string();
            view.security_groups = c
                .security_groups()
                .iter()
                .filter_map(|s| s.security_group_id().map(String::from))
                .collect();
            view.parameter_group = c
                .cache_parameter_group()
                .and_then(|p| p.cache_parameter_group_name())
                .map(String::from);
        }
    }
    // A group the tag read does not know is one gone since the describe, or one just made
    // that ElastiCache's tagging does not know yet: not listed, as the describe would say.
    match list_tags(cx, &view.arn).await? {
        Some(tags) => view.tags = tags,
        None => return Ok(None),
    }
    Ok(Some(view))
}

/// The tags of a replication group, or `None` when ElastiCache does not know its ARN.
async fn list_tags(cx: &AwsContext, arn: &str) -> Result<Option<BTreeMap<String, String>>> {
    if arn.is_empty() {
        return Ok(Some(BTreeMap::new()));
    }
    let listed = found(
        "elasticache:ListTagsForResource",
        cx.elasticache()
            .list_tags_for_resource()
            .resource_name(arn)
            .send()
            .await,
        |e| e.is_replication_group_not_found_fault(),
    )?;
    Ok(listed.map(|l| tagging::from_elasticache(l.tag_list())))
}

/// What a new group is made from, besides the inputs.
pub struct Parts<'a> {
    pub key_arn: &'a str,
    pub token: &'a str,
    pub security_group: &'a str,
    pub subnet_group: &'a str,
    pub tags: &'a BTreeMap<String, String>,
}

/// The parameter group a cluster-mode group needs when the user names none.
pub fn cluster_parameter_group(a: &RedisArgs) -> Option<String> {
    let major = a
        .engine_version
        .as_deref()
        .and_then(super::check::parse_version)
        .map(|v| v.0)?;
    Some(format!("default.{}{major}.cluster.on", a.engine().as_str()))
}

/// Starts creating the group; AWS then takes minutes to make it available. Sent through
/// the lags that refuse it with nothing made: the key (NEW_KEY_ELSEWHERE), the security
/// group or subnets (NEW_EC2_OBJECT) made moments ago. A group of this id that is ours
/// already is a create whose answer was lost: success, never a second group.
pub async fn create(cx: &AwsContext, ctx: &Ctx, a: &RedisArgs, p: &Parts<'_>) -> Result<()> {
    let req = request(cx, a, p);
    let lags = [
        &NEW_KEY_ELSEWHERE,
        &NEW_EC2_OBJECT,
        &NEW_EC2_OBJECT_ELSEWHERE,
        &NEW_OBJECT,
    ];
    settling::create_once(
        ctx,
        &format!("creating replication group {}", a.id()),
        &lags,
        "ReplicationGroupAlreadyExists",
        resend!(req, "elasticache:CreateReplicationGroup"),
        || adopt(cx, ctx, a.id()),
    )
    .await
}

/// A group found under the id a create just used (`converge` looked a moment before): ours
/// (a create whose answer was lost) is fine; anyone else's was made at once by someone
/// else. ElastiCache's reads may lag the refusal, so not found is waited out for a while.
async fn adopt(cx: &AwsContext, ctx: &Ctx, id: &str) -> Result<()> {
    let what = format!("replication group {id}");
    let named = format!("a replication group named {id}");
    settling::claim_existing(
        ctx,
        &what,
        "replicationGroupId",
        &[id],
        named,
        || describe(cx, id),
        |g| &g.tags,
    )
    .await
}

fn request(cx: &AwsContext, a: &RedisArgs, p: &Parts<'_>) -> CreateReplicationGroupFluentBuilder {
    let ha = a.replicas() > 0;
    let req = cx
        .elasticache()
        .create_replication_group()
        .replication_group_id(a.id())
        .replication_group_description("Encrypted Redis (managed by Pulumi)")
        .engine(a.engine().as_str())
        .set_engine_version(a.engine_version.clone())
        .set_cache_node_type(a.node_type.clone())
        .port(a.port())
        .cache_subnet_group_name(p.subnet_group)
        .security_group_ids(p.security_group)
        .transit_encryption_enabled(true)
        .transit_encryption_mode(TransitEncryptionMode::Required)
        .at_rest_encryption_enabled(true)
        .kms_key_id(p.key_arn)
        .auth_token(p.token)
        .automatic_failover_enabled(ha)
        .multi_az_enabled(ha)
        .auto_minor_version_upgrade(true)
        .set_snapshot_retention_limit(a.snapshot_retention_days)
        .set_snapshot_window(a.snapshot_window.clone())
        .set_preferred_maintenance_window(a.maintenance_window.clone())
        .set_tags(Some(tagging::elasticache(p.tags)));
    if a.cluster() {
        req.cluster_mode(ClusterMode::Enabled)
            .num_node_groups(a.shards())
            .replicas_per_node_group(a.replicas())
            .set_cache_parameter_group_name(
                a.parameter_group_name
                    .clone()
                    .or_else(|| cluster_parameter_group(a)),
            )
    } else {
        req.num_cache_clusters(a.replicas() + 1)
            .set_cache_parameter_group_name(a.parameter_group_name.clone())
    }
}

/// Waits until the group is `available`, saying what AWS is doing meanwhile. A group AWS
/// does not list yet (just made) counts as pending for `wait::UNSEEN_GRACE`.
pub async fn wait_available(cx: &AwsContext, ctx: &Ctx, id: &str) -> Result<GroupView> {
    let what = format!("replication group {id} to be available");
    let g = wait::until(ctx, &what, POLL, || async {
        match describe(cx, id).await? {
            Some(g) if g.status == AVAILABLE => Ok(Poll::Ready(g)),
            Some(g) => {
                match settling::terminal(&format!("replication group {id}"), &g.status, &events(id))
                {
                    Some(e) => Err(e),
                    None => Ok(Poll::Pending(g.status)),
                }
            }
            None => Ok(Poll::Unseen(gone(id))),
        }
    })
    .await?;
    with_members(cx, ctx, g).await
}

/// A group just made or changed can be listed before its member clusters are
/// (DescribeCacheClusters lags, or answers `CacheClusterNotFound`), and only a member says
/// the engine version, subnet group and security groups: read again until one is listed,
/// for `wait::UNSEEN_GRACE` at most.
async fn with_members(cx: &AwsContext, ctx: &Ctx, g: GroupView) -> Result<GroupView> {
    if g.members_listed {
        return Ok(g);
    }
    let id = g.id.as_str();
    let what = format!("the member clusters of replication group {id}");
    settling::until_seen(
        ctx,
        &what,
        || Error::Incomplete {
            operation: "elasticache:DescribeCacheClusters",
            missing: "the replication group's member clusters",
        },
        || async move { Ok(describe(cx, id).await?.filter(|g| g.members_listed)) },
    )
    .await
}

/// Where ElastiCache says why a group is in the state it is.
fn events(id: &str) -> String {
    format!(
        "its events (aws elasticache describe-events --source-type replication-group --source-identifier {id})"
    )
}

fn gone(id: &str) -> Error {
    settling::vanished(
        &format!("replication group {id}"),
        "disappeared while it was being made ready",
    )
}

/// Waits after a change ElastiCache accepted (always applied immediately here) by the
/// `AfterChange` rule: the group may still say `available`, with nothing pending, before
/// it says `modifying`.
pub async fn wait_changed(cx: &AwsContext, ctx: &Ctx, id: &str) -> Result<GroupView> {
    let what = format!("replication group {id} to apply its changes");
    let g = settling::until_changed(
        ctx,
        &what,
        POLL,
        || gone(id),
        || async {
            let found = describe(cx, id).await?;
            if let Some(e) = found.as_ref().and_then(|g| {
                settling::terminal(&format!("replication group {id}"), &g.status, &events(id))
            }) {
                return Err(e);
            }
            Ok(found.map(|g| Seen {
                at_rest: g.status == AVAILABLE && !g.pending,
                state: g.status.clone(),
                value: g,
            }))
        },
    )
    .await?;
    with_members(cx, ctx, g).await
}

/// One ModifyReplicationGroup, applied immediately; the caller builds the changes. A group
/// in a transitional state refuses it (BUSY); a security group made moments ago may be
/// unknown yet (NEW_EC2_OBJECT). Either way nothing changed, so it is sent again.
pub async fn modify(
    cx: &AwsContext,
    ctx: &Ctx,
    id: &str,
    change: impl FnOnce(ModifyReplicationGroupFluentBuilder) -> ModifyReplicationGroupFluentBuilder,
) -> Result<()> {
    let req = change(
        cx.elasticache()
            .modify_replication_group()
            .replication_group_id(id)
            .apply_immediately(true),
    );
    let lags = [&BUSY, &NEW_EC2_OBJECT, &NEW_EC2_OBJECT_ELSEWHERE];
    settle(
        ctx,
        &format!("modifying replication group {id}"),
        &lags,
        resend!(req, "elasticache:ModifyReplicationGroup"),
    )
    .await?;
    Ok(())
}

/// A new AUTH token: `Rotate` keeps the old one valid too, `Set` then makes the new one the
/// only one.
pub async fn set_token(
    cx: &AwsContext,
    ctx: &Ctx,
    id: &str,
    token: &str,
    strategy: AuthTokenUpdateStrategyType,
) -> Result<()> {
    modify(cx, ctx, id, |r| {
        r.auth_token(token).auth_token_update_strategy(strategy)
    })
    .await
}

/// Puts an AUTH token back on a group that has none: ROTATE (which AWS accepts on a group
/// without a token, and which detaches any RBAC user groups, as a token and user groups
/// cannot coexist), then SET once the group is available again.
pub async fn restore_token(cx: &AwsContext, ctx: &Ctx, g: &GroupView, token: &str) -> Result<()> {
    let detach = !g.user_groups.is_empty();
    modify(cx, ctx, &g.id, |r| {
        r.auth_token(token)
            .auth_token_update_strategy(AuthTokenUpdateStrategyType::Rotate)
            .set_remove_user_groups(detach.then_some(true))
    })
    .await
}

/// Online resharding of a cluster-mode group to `count` shards: new shards are added and
/// slots spread over them, or the highest-numbered shards are removed and their slots moved
/// to the rest, while the cache serves. Sent through BUSY (a group still changing refuses
/// it, with nothing changed).
pub async fn reshard(cx: &AwsContext, ctx: &Ctx, g: &GroupView, count: i32) -> Result<()> {
    let mut ids = g.node_groups.clone();
    ids.sort();
    let remove: Vec<String> = ids
        .iter()
        .skip(usize::try_from(count).unwrap_or(0))
        .cloned()
        .collect();
    let req = cx
        .elasticache()
        .modify_replication_group_shard_configuration()
        .replication_group_id(&g.id)
        .node_group_count(count)
        .apply_immediately(true)
        .set_node_groups_to_remove((count < g.shards).then_some(remove));
    settle(
        ctx,
        &format!("resharding {} to {count} shard(s)", g.id),
        &[&BUSY],
        resend!(req, "elasticache:ModifyReplicationGroupShardConfiguration"),
    )
    .await?;
    Ok(())
}

/// Adds or removes read replicas (in every shard) to reach `count`, through BUSY (a group
/// still changing refuses it, with nothing changed).
pub async fn set_replicas(
    cx: &AwsContext,
    ctx: &Ctx,
    id: &str,
    have: i32,
    count: i32,
) -> Result<()> {
    let what = format!("changing the replicas of {id}");
    if count > have {
        let req = cx
            .elasticache()
            .increase_replica_count()
            .replication_group_id(id)
            .new_replica_count(count)
            .apply_immediately(true);
        settle(
            ctx,
            &what,
            &[&BUSY],
            resend!(req, "elasticache:IncreaseReplicaCount"),
        )
        .await?;
    } else if count < have {
        let req = cx
            .elasticache()
            .decrease_replica_count()
            .replication_group_id(id)
            .new_replica_count(count)
            .apply_immediately(true);
        settle(
            ctx,
            &what,
            &[&BUSY],
            resend!(req, "elasticache:DecreaseReplicaCount"),
        )
        .await?;
    }
    Ok(())
}

/// Deletes the group, with a final snapshot unless `snapshot` is `None`, and waits until
/// it is gone. A group still being made or changed is waited for first; a group already
/// gone is fine.
pub async fn delete(cx: &AwsContext, ctx: &Ctx, id: &str, snapshot: Option<&str>) -> Result<()> {
    let what = format!("replication group {id} to be deleted");
    wait::until(ctx, &what, POLL, || async {
        let status = match fetch(cx, id).await?.map(|g| g.status.unwrap_or_default()) {
            None => return Ok(Poll::Ready(())),
            Some(s) if s == DELETING => return Ok(Poll::Pending(s)),
            Some(s) => s,
        };
        let sent = cx
            .elasticache()
            .delete_replication_group()
            .replication_group_id(id)
            .set_final_snapshot_identifier(snapshot.map(String::from))
            .send()
            .await;
        match sent {
            Ok(_) => Ok(Poll::Pending(DELETING.into())),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_replication_group_not_found_fault()) =>
            {
                Ok(Poll::Ready(()))
            }
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_invalid_replication_group_state_fault()) =>
            {
                Ok(Poll::Pending(format!("{status}, not yet deletable")))
            }
            Err(e) => Err(Error::aws("elasticache:DeleteReplicationGroup", e)),
        }
    })
    .await
}
