//! `healthcare:streaming:KinesisPipeline`: an encrypted Kinesis data stream with
//! least-privilege producer and consumer roles.

mod args;
mod check;
mod lifecycle;
mod roles;
mod state;
mod stream;

use pulumi_provider::{
    CheckCtx, CheckFailure, Ctx, ReadOutcome, Resource, Result, Timeouts, async_trait,
};

pub use args::{PipelineArgs, PipelineState};

use crate::aws::AwsContext;

/// The resource type.
pub struct KinesisPipeline;

/// A stream becomes ACTIVE within a minute or two, but a resharding moves data between
/// shards and can take many minutes; half an hour leaves room, and `customTimeouts` wins
/// when the program sets it.
const HALF_HOUR: f64 = 1800.0;

#[async_trait]
impl Resource<AwsContext> for KinesisPipeline {
    const TOKEN: &'static str = "healthcare:streaming:KinesisPipeline";
    const DEFAULT_TIMEOUTS: Timeouts = Timeouts {
        create: HALF_HOUR,
        update: HALF_HOUR,
        delete: HALF_HOUR,
    };
    const UPDATES_IN_PLACE: bool = true;
    const NAME_PROPERTY: Option<&'static str> = Some("streamName");
    type Args = PipelineArgs;
    type State = PipelineState;

    fn replacement_reason(property: &str) -> Option<String> {
        (property == "streamName").then(|| {
            "Kinesis names a stream only at creation. The new stream starts empty: records still in the old one are not carried over".to_string()
        })
    }

    fn description() -> &'static str {
        "A Kinesis data stream for protected health information: always encrypted with KMS \
         (a customer-managed key with rotation, created when none is given), retention of 7 days \
         by default, every shard-level metric on, and two least-privilege IAM roles: a producer \
         role that can only put records and a consumer role that can only read them, each \
         scoped to this stream and its key. \
         Default timeouts: 30 minutes each for create, update and delete (`customTimeouts` overrides them)."
    }

    fn check(
        &self,
        ctx: &mut CheckCtx,
        news: PipelineArgs,
        olds: Option<&PipelineArgs>,
    ) -> (PipelineArgs, Vec<CheckFailure>) {
        check::check(ctx, news, olds)
    }

    async fn converge(
        &self,
        cx: &AwsContext,
        ctx: &Ctx,
        inputs: &PipelineArgs,
        previous: Option<&PipelineState>,
    ) -> Result<PipelineState> {
        Ok(lifecycle::converge(cx, ctx, inputs, previous).await?)
    }

    async fn abandoned(
        &self,
        cx: &AwsContext,
        ctx: &Ctx,
        inputs: &PipelineArgs,
    ) -> Result<Option<String>> {
        Ok(lifecycle::abandoned(cx, ctx, inputs).await?)
    }

    async fn read(
        &self,
        cx: &AwsContext,
        _ctx: &Ctx,
        id: &str,
        _state: Option<PipelineState>,
        inputs: Option<PipelineArgs>,
    ) -> Result<Option<ReadOutcome<PipelineArgs, PipelineState>>> {
        let found = state::read(cx, id, inputs.as_ref()).await?;
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
        state: PipelineState,
    ) -> Result<()> {
        Ok(lifecycle::delete(cx, ctx, id, &state).await?)
    }
}
