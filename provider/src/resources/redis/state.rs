//! The state of an EncryptedRedis as AWS reports it: outputs, the inputs that would produce
//! it (so import and refresh need no program), drift, and compliance.

use std::collections::BTreeMap;

use super::args::{DEFAULT_SECRET_RECOVERY_DAYS, Engine, RedisArgs, RedisState};
use super::check::parse_version;
use super::group::{self, GroupView};
use super::network::security_group_name;
use super::{rotation, token};
use crate::aws::firewall;
use crate::aws::placement;
use crate::aws::secrets;
use crate::aws::subnet_groups;
use crate::aws::tags::user_tags;
use crate::aws::{AwsContext, kms};
use crate::compliance::{
    CMK_ROTATION, Compliance, REDIS_AUTH, REDIS_AUTO_FAILOVER, REDIS_BACKUP,
    REDIS_ENCRYPTED_AT_REST, REDIS_ENCRYPTED_IN_TRANSIT, REDIS_SUBNET_GROUP, SECRET_CMK,
    SECRET_ROTATION,
};
use crate::error::Result;

/// Reads the cache back. `given` is the inputs as the program wrote them, so values AWS
/// spells differently (a key alias, `7.1` reported as `7.1.0`) keep the program's spelling.
pub async fn read(
    cx: &AwsContext,
    id: &str,
    given: Option<&RedisArgs>,
) -> Result<Option<RedisState>> {
    cx.validate().await?;
    let Some(g) = group::describe(cx, id).await? else {
        return Ok(None);
    };
    // The parts are independent of each other: ask about them all at once.
    let placed = async {
        let subnets = subnet_groups::describe(cx.elasticache(), &g.subnet_group).await?;
        let vpc_id = subnets.as_ref().map(|s| s.vpc_id.clone());
        let vpc_id = vpc_id.unwrap_or_default();
        let sg = placement::group_in_vpc(cx, &vpc_id, &security_group_name(id)).await?;
        Ok((subnets, vpc_id, sg))
    };
    let held = async {
        let secret = secrets::describe(cx, &token::secret_name(id))
            .await?
            .filter(|s| !s.pending_deletion);
        let (connection, policy) = match &secret {
            Some(s) => {
                let (connection, policy) = futures::join!(
                    token::read(cx, &s.arn),
                    secrets::resource_policy(cx, &s.arn)
                );
                (connection?, policy?)
            }
            None => (None, None),
        };
        Ok((secret, connection, policy))
    };
    let own_alias = super::args::key_alias(id);
    let keyed = kms::observe(cx, g.kms_key_id.as_deref(), &own_alias);
    let (placed, held, keyed): (Result<_>, Result<_>, _) = futures::join!(placed, held, keyed);
    let ((subnets, vpc_id, sg), (secret, connection, policy), (key, managed)) =
        (placed?, held?, keyed?);

    let seen = placement::observe(
        sg.as_ref(),
        &security_group_name(id),
        g.port,
        &g.security_groups,
        &Default::default(),
    );
    let mut drift = seen.drift;
    if g.replicas > 0 && !(g.failover && g.multi_az) {
        drift.push("Multi-AZ automatic failover is off".into());
    }
    if g.transit && !g.transit_required {
        drift.push("transit encryption mode is preferred, not required".into());
    }
    if !g.auth {
        drift.push("the AUTH token is off".into());
    }
    // Who may read the token is the program's to say; an import has no program.
    if let Some(a) = given
        && secret.is_some()
    {
        let account = cx.account().await?;
        drift.extend(super::secret_policy::drift(
            a,
            policy.as_deref(),
            &cx.partition,
            account,
        ));
    }

    let key_arn = key.as_ref().map(|k| k.arn.clone()).unwrap_or_default();
    // The rotation function and its role, when this cache's function rotates the secret: a
    // later update (under a renamed stack, say) knows them as this resource's by these.
    let rotator = secret
        .as_ref()
        .filter(|s| rotation::days(s, id).is_some())
        .and_then(|s| s.rotation_lambda.clone());
    let rotator_role = match &rotator {
        Some(_) => rotation::role_arn(&cx.partition, cx.account().await?, id),
        None => String::new(),
    };
    let found = Found {
        vpc_id,
        subnets: subnets
            .as_ref()
            .map(|s| s.subnets.clone())
            .unwrap_or_default(),
        groups: seen.groups,
        cidrs: seen.cidrs,
        tags: user_tags(&g.tags, &cx.default_tags),
        managed_key: managed,
        rotation_days: rotation_read(secret.as_ref(), id, given),
    };
    let args = inputs(id, &g, given, found);
    let compliance = compliance(
        &g,
        &key,
        sg.as_ref(),
        secret.as_ref().map(|s| (s, rotation::days(s, id))),
        connection.is_some(),
    );
    Ok(Some(RedisState {
        args,
        primary_endpoint: g.primary.clone(),
        reader_endpoint: g.reader.clone(),
        arn: g.arn.clone(),
        security_group_id: sg.map(|s| s.id).unwrap_or_default(),
        subnet_group_name: g.subnet_group.clone(),
        auth_secret_arn: secret.map(|s| s.arn).unwrap_or_default(),
        auth_token: connection.map(|c| c.auth_token.into()).unwrap_or_default(),
        auth_rotation_function_arn: rotator.unwrap_or_default(),
        auth_rotation_role_arn: rotator_role,
        kms_key_arn: key_arn,
        kms_key_managed: managed,
        member_clusters: g.members.clone(),
        engine_version_actual: g.engine_version.clone(),
        status: g.status.clone(),
        drift,
        compliance: Some(compliance),
    }))
}

/// What the parts of a cache say, for the inputs that would produce it.
struct Found {
    vpc_id: String,
    subnets: Vec<String>,
    groups: Vec<String>,
    cidrs: Vec<String>,
    tags: BTreeMap<String, String>,
    managed_key: bool,
    /// Days between the secret's rotations by this cache's function (see `rotation_read`).
    rotation_days: Option<i64>,
}

/// The schedule as read: its days when this cache's function rotates the secret; 0 when a
/// schedule the inputs recorded is gone (drift the default or the program's value puts
/// right); absent when none was recorded either (an import, or a cache recorded by a release
/// without the schedule, which its next update sets up).
fn rotation_read(
    secret: Option<&secrets::SecretView>,
    id: &str,
    given: Option<&RedisArgs>,
) -> Option<i64> {
    secret
        .and_then(|s| rotation::days(s, id))
        .or_else(|| given.and_then(|a| a.auth_token_rotation_days).map(|_| 0))
}

/// The inputs that would produce the cache as found, in the program's spelling where AWS
/// spells a value differently.
fn inputs(id: &str, g: &GroupView, given: Option<&RedisArgs>, found: Found) -> RedisArgs {
    let kms_key_id = match given.and_then(|g| g.kms_key_id.clone()) {
        _ if found.managed_key => None,
        Some(k) => Some(k),
        None => g.kms_key_id.clone(),
    };
    let engine = if g.engine == "valkey" {
        Engine::Valkey
    } else {
        Engine::Redis
    };
    let engine_version = match given.and_then(|a| a.engine_version.clone()) {
        Some(v)
            if parse_version(&v).is_some()
                && parse_version(&v) == parse_version(&g.engine_version) =>
        {
            v
        }
        _ if g.engine_version.is_empty() => given
            .and_then(|a| a.engine_version.clone())
            .unwrap_or_default(),
        _ => g.engine_version.clone(),
    };
    let kept = |f: fn(&RedisArgs) -> &Option<String>, aws: &Option<String>| {
        given.and_then(|a| f(a).as_ref()).and(aws.clone())
    };
    let user = found.tags;
    RedisArgs {
        replication_group_id: Some(id.to_string()),
        vpc_id: found.vpc_id,
        subnet_ids: found.subnets,
        allowed_security_group_ids: placement::listed(
            found.groups,
            given.map(|a| &a.allowed_security_group_ids),
        ),
        allowed_cidr_blocks: placement::listed(found.cidrs, given.map(|a| &a.allowed_cidr_blocks)),
        port: Some(g.port),
        engine: Some(engine),
        engine_version: Some(engine_version),
        node_type: Some(g.node_type.clone()),
        replicas: Some(g.replicas),
        cluster_mode: Some(g.cluster),
        shards: g.cluster.then_some(g.shards),
        transit_encryption: Some(g.transit),
        at_rest_encryption: Some(g.at_rest),
        kms_key_id,
        snapshot_retention_days: Some(g.snapshot_days),
        snapshot_window: kept(|a| &a.snapshot_window, &g.snapshot_window),
        maintenance_window: kept(|a| &a.maintenance_window, &g.maintenance_window),
        parameter_group_name: match given.and_then(|a| a.parameter_group_name.clone()) {
            Some(_) => g.parameter_group.clone(),
            None => g
                .parameter_group
                .clone()
                .filter(|p| !p.starts_with("default.")),
        },
        skip_final_snapshot: Some(given.and_then(|a| a.skip_final_snapshot).unwrap_or(false)),
        final_snapshot_name: given.and_then(|a| a.final_snapshot_name.clone()),
        secret_recovery_days: Some(
            given
                .and_then(|a| a.secret_recovery_days)
                .unwrap_or(DEFAULT_SECRET_RECOVERY_DAYS),
        ),
        auth_token_rotation: given.and_then(|a| a.auth_token_rotation.clone()),
        auth_token_rotation_days: found.rotation_days,
        auth_secret_readers: given.and_then(|a| a.auth_secret_readers.clone()),
        auth_secret_administrators: given.and_then(|a| a.auth_secret_administrators.clone()),
        tags: if user.is_empty() && given.is_none_or(|a| a.tags.is_none()) {
            None
        } else {
            Some(user)
        },
    }
}

fn compliance(
    g: &GroupView,
    key: &Option<kms::Key>,
    sg: Option<&firewall::GroupView>,
    secret: Option<(&secrets::SecretView, Option<i64>)>,
    token_kept: bool,
) -> Compliance {
    let (rotation, rotation_evidence) = kms::Key::rotation_evidence(key.as_ref());
    let ha = g.failover && g.multi_az && g.members.len() >= 2;
    let secret_key = secret.and_then(|(s, _)| s.kms_key_id.clone());
    let token_rotation = secret.and_then(|(_, days)| days);
    Compliance::new(vec![
        REDIS_ENCRYPTED_IN_TRANSIT.control(
            g.transit && g.transit_required,
            match (g.transit, g.transit_required) {
                (true, true) => "TLS on, mode required".to_string(),
                (true, false) => {
                    "TLS on, but mode preferred: plain-text clients are accepted".into()
                }
                _ => "TLS is off".into(),
            },
        ),
        REDIS_ENCRYPTED_AT_REST.control(
            g.at_rest && key.is_some(),
            match (&key, g.at_rest) {
                (Some(k), true) => format!("at-rest encryption with {}", k.arn),
                (None, true) => "at-rest encryption with an AWS-owned key, not a CMK".into(),
                _ => "at-rest encryption is off".into(),
            },
        ),
        CMK_ROTATION.control(rotation, rotation_evidence),
        REDIS_AUTH.control(
            g.auth && token_kept,
            match (g.auth, token_kept) {
                (true, true) => "AUTH on; the 64-character token is kept in Secrets Manager",
                (true, false) => "AUTH on, but the token's secret is missing",
                _ => "AUTH is off",
            },
        ),
        SECRET_ROTATION.control(
            token_rotation.is_some(),
            match (secret, token_rotation) {
                (_, Some(days)) => format!(
                    "Secrets Manager rotates the AUTH token every {days} days with {}",
                    secret
                        .and_then(|(s, _)| s.rotation_lambda.clone())
                        .unwrap_or_default()
                ),
                (Some(_), None) => {
                    "the AUTH secret has no rotation schedule of this cache's function".into()
                }
                (None, None) => "the AUTH secret is missing".into(),
            },
        ),
        SECRET_CMK.control(
            secret_key.is_some(),
            match &secret_key {
                Some(k) => format!("AUTH secret encrypted with {k}"),
                None => "AUTH secret missing or encrypted with the AWS-managed key".into(),
            },
        ),
        REDIS_AUTO_FAILOVER.control(
            ha,
            format!(
                "{} node(s); automatic failover {}, Multi-AZ {}",
                g.members.len(),
                if g.failover { "on" } else { "off" },
                if g.multi_az { "on" } else { "off" }
            ),
        ),
        REDIS_BACKUP.control(
            g.snapshot_days >= 1,
            format!("automatic snapshots kept {} days", g.snapshot_days),
        ),
        REDIS_SUBNET_GROUP.control(
            !g.subnet_group.is_empty() && g.subnet_group != "default",
            format!("runs in the subnet group {}", g.subnet_group),
        ),
        placement::control(sg, g.port),
    ])
}
