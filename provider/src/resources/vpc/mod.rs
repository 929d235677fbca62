//! `healthcare:network:SecureVpc`: the network every other resource lives in.

mod args;
mod check;
mod endpoints;
mod flowlogs;
mod inventory;
mod layout;
mod lifecycle;
mod nat;
mod network;
mod state;
mod teardown;

use pulumi_provider::{
    ChangeKind, CheckCtx, CheckFailure, Ctx, DiffResult, ReadOutcome, Resource, Result, async_trait,
};

pub use args::{VpcArgs, VpcState};

use crate::aws::AwsContext;

/// The resource type.
pub struct SecureVpc;

#[async_trait]
impl Resource<AwsContext> for SecureVpc {
    const TOKEN: &'static str = "healthcare:network:SecureVpc";
    const UPDATES_IN_PLACE: bool = true;
    type Args = VpcArgs;
    type State = VpcState;

    fn description() -> &'static str {
        "A VPC for protected health information: public, private and isolated subnets keyed by \
         tier and AZ (adding an AZ adds subnets and moves none), NAT gateways per AZ (or one, or \
         none), flow logs of ALL traffic to a KMS-encrypted log group kept 365 days, the default \
         security group emptied, no public IPs handed out automatically, and optional gateway and \
         interface endpoints. Only a change of the VPC's CIDR replaces it."
    }

    fn check(
        &self,
        _ctx: &mut CheckCtx,
        news: VpcArgs,
        _olds: Option<&VpcArgs>,
    ) -> (VpcArgs, Vec<CheckFailure>) {
        check::check(news)
    }

    /// Drift that leaves the inputs as they were (a route removed, a rule added to the
    /// default security group) still calls for an update, which puts it right.
    fn diff(
        &self,
        olds: &VpcState,
        _old_inputs: &VpcArgs,
        _news: &VpcArgs,
        mut base: DiffResult,
    ) -> DiffResult {
        if !olds.drift.is_empty() && !base.changes.contains_key("natGateways") {
            base.set("natGateways", ChangeKind::Update, false);
        }
        base
    }

    async fn create(
        &self,
        cx: &AwsContext,
        ctx: &Ctx,
        inputs: VpcArgs,
    ) -> Result<(String, VpcState)> {
        let state = lifecycle::converge(cx, ctx, &inputs, None).await?;
        Ok((state.vpc_id.clone(), state))
    }

    async fn read(
        &self,
        cx: &AwsContext,
        _ctx: &Ctx,
        id: &str,
        state: Option<VpcState>,
        inputs: Option<VpcArgs>,
    ) -> Result<Option<ReadOutcome<VpcArgs, VpcState>>> {
        let kept = state.and_then(|s| s.args.availability_zones);
        let found = state::read(cx, id, inputs.as_ref(), kept).await?;
        Ok(found.map(|(state, inputs)| ReadOutcome {
            id: id.to_string(),
            state,
            inputs,
        }))
    }

    async fn update(
        &self,
        cx: &AwsContext,
        ctx: &Ctx,
        _id: &str,
        olds: VpcState,
        news: VpcArgs,
        _old: Option<VpcArgs>,
    ) -> Result<VpcState> {
        Ok(lifecycle::converge(cx, ctx, &news, Some(&olds)).await?)
    }

    async fn delete(&self, cx: &AwsContext, ctx: &Ctx, _id: &str, state: VpcState) -> Result<()> {
        Ok(teardown::delete(cx, ctx, &state).await?)
    }
}
