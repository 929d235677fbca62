//! `healthcare:compute:FargateCluster`: a locked-down ECS cluster and its Fargate services.

pub mod args;
pub mod check;
mod cluster;
mod deploy;
mod lifecycle;
mod observed;
mod roles;
mod scaling;
mod service;
mod state;
mod taskdef;

use pulumi_provider::{
    CheckCtx, CheckFailure, Ctx, ReadOutcome, Resource, Result, Timeouts, async_trait,
};

pub use args::{FargateArgs, FargateState};

use crate::aws::AwsContext;

/// Rollouts wait for every task to start and pass its health check.
const HALF_HOUR: f64 = 1800.0;

/// The resource type.
pub struct FargateCluster;

#[async_trait]
impl Resource<AwsContext> for FargateCluster {
    const TOKEN: &'static str = "healthcare:compute:FargateCluster";
    const UPDATES_IN_PLACE: bool = true;
    const NAME_PROPERTY: Option<&'static str> = Some("clusterName");
    const DRIFT_PROPERTY: Option<&'static str> = Some("drift");
    const DEFAULT_TIMEOUTS: Timeouts = Timeouts {
        create: HALF_HOUR,
        update: HALF_HOUR,
        delete: HALF_HOUR,
    };
    type Args = FargateArgs;
    type State = FargateState;

    fn replacement_reason(property: &str) -> Option<String> {
        let why = match property {
            "clusterName" => {
                "ECS names a cluster only at creation. Its services start again in the new cluster, and the old one's log groups go with it unless `retainLogGroups`"
            }
            "kmsKeyId" => {
                "CloudWatch Logs keeps the key a log group was made with, and ECS the key of a cluster's exec sessions. The services start again in a new cluster, and the old one's log groups go with it unless `retainLogGroups`"
            }
            _ => return None,
        };
        Some(why.to_string())
    }

    fn description() -> &'static str {
        "An ECS cluster for services that handle protected health information, on Fargate: \
         Container Insights on; `aws ecs execute-command` sessions encrypted with a \
         customer-managed key (created with rotation on when none is given) and logged to a \
         KMS-encrypted log group. Each service gets its own task definition (awsvpc, \
         non-privileged, read-only root filesystem, logging to its own encrypted log group, \
         secrets read from Secrets Manager, never plain environment), an execution role that \
         may read exactly the secrets it names, a task role with only the permissions given, \
         a security group open on the container port to the named sources only, private \
         subnets without public IPs, the deployment circuit breaker with rollback, and CPU \
         target tracking between 2 and 10 tasks by default. Image, size, environment, \
         secrets, scaling and sources change in place as a rolling deployment. \
         Default timeouts: 30 minutes each for create, update and delete (`customTimeouts` overrides them)."
    }

    fn check(
        &self,
        ctx: &mut CheckCtx,
        news: FargateArgs,
        olds: Option<&FargateArgs>,
    ) -> (FargateArgs, Vec<CheckFailure>) {
        check::check(ctx, news, olds)
    }

    async fn converge(
        &self,
        cx: &AwsContext,
        ctx: &Ctx,
        inputs: &FargateArgs,
        previous: Option<&FargateState>,
    ) -> Result<FargateState> {
        Ok(lifecycle::converge(cx, ctx, inputs, previous).await?)
    }

    async fn abandoned(
        &self,
        cx: &AwsContext,
        ctx: &Ctx,
        inputs: &FargateArgs,
    ) -> Result<Option<String>> {
        Ok(lifecycle::abandoned(cx, ctx, inputs).await?)
    }

    async fn read(
        &self,
        cx: &AwsContext,
        ctx: &Ctx,
        id: &str,
        _state: Option<FargateState>,
        inputs: Option<FargateArgs>,
    ) -> Result<Option<ReadOutcome<FargateArgs, FargateState>>> {
        let found = state::read(cx, ctx, id, inputs.as_ref()).await?;
        Ok(found.map(|state| ReadOutcome {
            id: id.to_string(),
            inputs: state.args.clone(),
            state,
        }))
    }

    async fn delete(
        &self,
        cx: &AwsContext,
        ctx: &Ctx,
        id: &str,
        state: FargateState,
    ) -> Result<()> {
        Ok(lifecycle::delete(cx, ctx, id, &state).await?)
    }
}
