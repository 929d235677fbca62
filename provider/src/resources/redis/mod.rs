//! `healthcare:cache:EncryptedRedis`: an ElastiCache replication group that is encrypted,
//! authenticated and highly available by default.

mod args;
mod check;
mod group;
mod lifecycle;
mod network;
mod rotation;
mod secret_policy;
mod state;
mod token;

use pulumi_provider::{
    CheckCtx, CheckFailure, Ctx, ReadOutcome, Resource, Result, Timeouts, async_trait,
};

pub use args::{RedisArgs, RedisState};

use crate::aws::AwsContext;

/// The resource type.
pub struct EncryptedRedis;

/// ElastiCache takes 10 to 20 minutes to create a replication group, and as long to change
/// its node type or delete it; an hour leaves room, and `customTimeouts` wins when the
/// program sets it.
const HOUR: f64 = 3600.0;

#[async_trait]
impl Resource<AwsContext> for EncryptedRedis {
    const TOKEN: &'static str = "healthcare:cache:EncryptedRedis";
    const DEFAULT_TIMEOUTS: Timeouts = Timeouts {
        create: HOUR,
        update: HOUR,
        delete: HOUR,
    };
    const UPDATES_IN_PLACE: bool = true;
    const DRIFT_PROPERTY: Option<&'static str> = Some("drift");
    const NAME_PROPERTY: Option<&'static str> = Some("replicationGroupId");
    type Args = RedisArgs;
    type State = RedisState;

    fn description() -> &'static str {
        "An ElastiCache Redis (or Valkey) replication group for protected health information: \
         TLS always on with transit encryption mode `required`, at-rest encryption with a \
         customer-managed key (created with rotation on when none is given), an AUTH token the \
         plugin generates (64 characters from a CSPRNG) and keeps in a KMS-encrypted Secrets \
         Manager secret with the endpoint, returned only as a secret output, rotated by Secrets \
         Manager every `authTokenRotationDays` (30) days and in place when `authTokenRotation` \
         changes; one replica with Multi-AZ automatic failover, 15 days \
         of snapshots and a final snapshot on delete by default; its own subnet group and a \
         security group open on the port to the named security groups and CIDRs only. \
         Default timeouts: an hour each for create, update and delete (`customTimeouts` overrides them)."
    }

    fn replacement_reason(property: &str) -> Option<String> {
        let why = match property {
            "replicationGroupId" => "the id is the cache's id in the stack",
            "vpcId" => "ElastiCache cannot move a replication group to another VPC",
            "port" => "ElastiCache sets a replication group's port only at creation",
            "clusterMode" => {
                "ElastiCache turns cluster mode on in place only through a `compatible` stage in which every client moves to cluster mode, and never turns it off"
            }
            "kmsKeyId" => {
                "ElastiCache encrypts a replication group with one key for its whole life"
            }
            _ => return None,
        };
        Some(format!(
            "{why}. The new cache starts empty: the data of this one survives only in its final snapshot (none with `skipFinalSnapshot`)"
        ))
    }

    fn check(
        &self,
        ctx: &mut CheckCtx,
        news: RedisArgs,
        olds: Option<&RedisArgs>,
    ) -> (RedisArgs, Vec<CheckFailure>) {
        check::check(ctx, news, olds)
    }

    async fn converge(
        &self,
        cx: &AwsContext,
        ctx: &Ctx,
        inputs: &RedisArgs,
        previous: Option<&RedisState>,
    ) -> Result<RedisState> {
        Ok(lifecycle::converge(cx, ctx, inputs, previous).await?)
    }

    async fn abandoned(
        &self,
        cx: &AwsContext,
        ctx: &Ctx,
        inputs: &RedisArgs,
    ) -> Result<Option<String>> {
        Ok(lifecycle::abandoned(cx, ctx, inputs).await?)
    }

    async fn read(
        &self,
        cx: &AwsContext,
        _ctx: &Ctx,
        id: &str,
        _state: Option<RedisState>,
        inputs: Option<RedisArgs>,
    ) -> Result<Option<ReadOutcome<RedisArgs, RedisState>>> {
        let found = state::read(cx, id, inputs.as_ref()).await?;
        Ok(found.map(|state| ReadOutcome {
            id: id.to_string(),
            inputs: state.args.clone(),
            state,
        }))
    }

    async fn delete(&self, cx: &AwsContext, ctx: &Ctx, id: &str, state: RedisState) -> Result<()> {
        Ok(lifecycle::delete(cx, ctx, id, &state).await?)
    }
}
