//! Create and update (one converge), delete, and the partial state a failure leaves.

use std::collections::BTreeMap;

use pulumi_provider::Ctx;

use super::args::{FargateArgs, FargateState, exec_log_group, key_alias};
use super::cluster::{self, Wanted};
use super::deploy::{self, Shared};
use super::state;
use crate::aws::tags::{claim, tags_for};
use crate::aws::{AwsContext, abandoned, kms, logs, partial};
use crate::error::Result;
use crate::resources::postgres::settling;

/// The key: the user's, or the cluster's own, whose policy lets CloudWatch Logs use it for
/// the cluster's log groups.
async fn key(
    cx: &AwsContext,
    ctx: &Ctx,
    a: &FargateArgs,
    tags: &BTreeMap<String, String>,
) -> Result<(kms::Key, bool)> {
    if let Some(key) = kms::given(cx, ctx, a.kms_key_id.as_deref(), "kmsKeyId").await? {
        return Ok((key, false));
    }
    let account = cx.account().await?;
    let groups = logs::group_arn(cx, account, &format!("/healthcare/ecs/{}/*", a.id()));
    let description = format!(
        "Encrypts the exec sessions and logs of ECS cluster {} (managed by Pulumi)",
        a.id()
    );
    let policy = logs::key_policy(cx, account, &groups).to_string();
    let key = kms::ensure_owned_key(
        cx,
        ctx,
        &key_alias(a.id()),
        &description,
        Some(policy),
        tags,
    )
    .await?;
    Ok((key, true))
}

/// The name of a cluster an earlier, interrupted attempt of this create began: the one its
/// key (made first, tagged with this URN, named after the cluster) or the cluster itself
/// is named after.
pub async fn abandoned(cx: &AwsContext, ctx: &Ctx, a: &FargateArgs) -> Result<Option<String>> {
    // The credentials are checked before any other call.
    cx.validate().await?;
    let (urn, name) = (ctx.urn(), a.id());
    if let Some(found) = abandoned::by_key_alias(cx, urn, name, &key_alias("")).await? {
        return Ok(Some(found));
    }
    abandoned::by_cluster_name(cx, urn, name).await
}

pub async fn converge(
    cx: &AwsContext,
    ctx: &Ctx,
    a: &FargateArgs,
    previous: Option<&FargateState>,
) -> Result<FargateState> {
    let name = a.id();
    let tags = tags_for(ctx.urn(), &cx.default_tags, &a.tags());
    cx.validate().await?;
    let existing = cluster::describe(cx, name).await?;
    if let Some(c) = &existing {
        claim(ctx, &[name], &c.tags, "clusterName", || {
            format!("an ECS cluster named {name}")
        })?;
    }
    let (key, managed) = key(cx, ctx, a, &tags).await?;
    let mut known = FargateState {
        args: a.clone(),
        kms_key_arn: key.arn.clone(),
        kms_key_managed: managed,
        exec_log_group_name: exec_log_group(name),
        ..FargateState::default()
    };
    let built = build(cx, ctx, a, previous, existing, &tags, &mut known);
    if let Err(e) = built.await {
        // A read right after the failure may not see a cluster made a moment ago; the
        // state then holds the cluster's ARN as CreateCluster gave it.
        let read = state::read(cx, ctx, name, Some(a));
        return Err(partial::report(ctx, name, e, known, read).await);
    }
    // One read right after the create may still lag it: not found is waited out, and so is
    // a service just made that ECS does not describe yet (each service of `a` was just
    // brought up, so each must be read, by name).
    let what = format!("ECS cluster {name} and its services");
    let services = &a.services();
    settling::until_seen(
        ctx,
        &what,
        || settling::vanished(&what, "vanished right after they were made"),
        || async move {
            let read = state::read(cx, ctx, name, Some(a)).await?;
            Ok(read.filter(|s| has_every(s, services.keys())))
        },
    )
    .await
}

/// True when the state holds every service named.
fn has_every<'a>(s: &FargateState, mut names: impl Iterator<Item = &'a String>) -> bool {
    names.all(|n| s.service_outputs.contains_key(n))
}

async fn build(
    cx: &AwsContext,
    ctx: &Ctx,
    a: &FargateArgs,
    previous: Option<&FargateState>,
    existing: Option<cluster::ClusterView>,
    tags: &BTreeMap<String, String>,
    known: &mut FargateState,
) -> Result<()> {
    let name = a.id();
    let key_arn = known.kms_key_arn.clone();
    let key_arn = key_arn.as_str();
    let account = cx.account().await?.to_string();
    let exec_group = exec_log_group(name);
    logs::ensure(cx, ctx, &exec_group, key_arn, a.retention(), tags).await?;
    let want = Wanted::of(a, key_arn, &exec_group);
    match existing {
        None => {
            ctx.status(format!("creating ECS cluster {name}")).await;
            known.cluster_arn = cluster::create(cx, ctx, name, &want, tags).await?.arn;
        }
        Some(have) => {
            known.cluster_arn.clone_from(&have.arn);
            cluster::converge(cx, ctx, name, &have, &want, tags).await?
        }
    }
    let shared = Shared {
        cluster: name,
        key_arn,
        account: &account,
        retention: a.retention(),
        retain_logs: a.retain_log_groups.unwrap_or(false),
        tags,
    };
    let before = previous.map(|p| p.args.services()).unwrap_or_default();
    let services = a.services();
    let deploys = services
        .iter()
        .map(|(s, args)| deploy::deploy(cx, ctx, &shared, s, args, before.get(s)));
    first_error(futures::future::join_all(deploys).await)?;
    let gone = before.iter().filter(|(s, _)| !services.contains_key(*s));
    let removals = gone.map(|(s, args)| deploy::remove(cx, ctx, &shared, s, &args.vpc_id));
    first_error(futures::future::join_all(removals).await)
}

/// Every branch ran to its end; the first failure is the one reported.
fn first_error(results: Vec<Result<()>>) -> Result<()> {
    results.into_iter().collect()
}

/// Deletes every service (drained first) and what was made for it, the exec log group, the
/// cluster, then schedules the deletion of the key it made.
pub async fn delete(cx: &AwsContext, ctx: &Ctx, id: &str, s: &FargateState) -> Result<()> {
    cx.validate().await?;
    let tags = BTreeMap::new();
    let shared = Shared {
        cluster: id,
        key_arn: &s.kms_key_arn,
        account: "",
        retention: s.args.retention(),
        retain_logs: s.args.retain_log_groups.unwrap_or(false),
        tags: &tags,
    };
    let services = s.args.services();
    let removals = services
        .iter()
        .map(|(name, args)| deploy::remove(cx, ctx, &shared, name, &args.vpc_id));
    first_error(futures::future::join_all(removals).await)?;
    cluster::delete(cx, ctx, id).await?;
    if !shared.retain_logs {
        logs::delete(cx, ctx, &exec_log_group(id)).await?;
    }
    if shared.retain_logs && s.kms_key_managed && !s.kms_key_arn.is_empty() {
        // The kept log groups are encrypted with it: it stays, so they stay readable.
        kms::mark_kept(cx, &s.kms_key_arn).await?;
        ctx.info(format!(
            "kept the log groups (retainLogGroups) and the KMS key {} that decrypts them; \
             delete them yourself once the logs are no longer needed",
            s.kms_key_arn
        ))
        .await;
    } else if s.kms_key_managed && !s.kms_key_arn.is_empty() {
        kms::retire(cx, &key_alias(id), &s.kms_key_arn).await?;
        ctx.info(format!(
            "scheduled deletion of KMS key {} (30 days)",
            s.kms_key_arn
        ))
        .await;
    }
    kms::sweep_orphans(cx, ctx).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_read_missing_a_service_just_made_is_not_taken() {
        let mut s = FargateState::default();
        s.service_outputs.insert("web".into(), Default::default());
        let (web, api) = ("web".to_string(), "api".to_string());
        assert!(has_every(&s, [&web].into_iter()));
        assert!(!has_every(&s, [&web, &api].into_iter()));
    }
}
