//! `healthcare:network:SecureVpc`: the network every other resource lives in.

mod acls;
pub mod args;
mod check;
mod endpoint_policy;
mod endpoints;
pub(crate) mod flowlogs;
mod groups;
pub(crate) mod inventory;
mod layout;
mod lifecycle;
mod nat;
mod network;
mod state;
mod teardown;

use pulumi_provider::{
    CheckCtx, CheckFailure, Ctx, ReadOutcome, Resource, Result, Timeouts, async_trait,
};

pub use args::{VpcArgs, VpcState};

use crate::aws::AwsContext;

/// The resource type.
pub struct SecureVpc;

/// NAT gateways and interface endpoints take minutes to become available and to delete, and
/// deletes wait for their network interfaces to drain; half an hour leaves room, and
/// `customTimeouts` wins when the program sets it.
const HALF_HOUR: f64 = 1800.0;

#[async_trait]
impl Resource<AwsContext> for SecureVpc {
    const TOKEN: &'static str = "healthcare:network:SecureVpc";
    const DEFAULT_TIMEOUTS: Timeouts = Timeouts {
        create: HALF_HOUR,
        update: HALF_HOUR,
        delete: HALF_HOUR,
    };
    const UPDATES_IN_PLACE: bool = true;
    const DRIFT_PROPERTY: Option<&'static str> = Some("drift");
    type Args = VpcArgs;
    type State = VpcState;

    fn replacement_reason(property: &str) -> Option<String> {
        (property == "cidrBlock").then(|| {
            "a VPC's primary CIDR block is fixed at creation. Every subnet, gateway, endpoint and flow log is made again, and whatever runs in the VPC (databases, caches, services) must be replaced with it".to_string()
        })
    }

    fn description() -> &'static str {
        "A VPC for protected health information: public, private and isolated subnets keyed by \
         tier and AZ (adding an AZ adds subnets and moves none), NAT gateways per AZ (or one, or \
         none), flow logs of ALL traffic to a KMS-encrypted log group kept 365 days, the default \
         security group emptied, a network ACL per tier (the isolated subnets reach only the VPC) \
         with the default ACL emptied, no public IPs handed out automatically, and optional gateway \
         and interface endpoints that admit only this account's principals. Only a change of the \
         VPC's CIDR replaces it. \
         Default timeouts: 30 minutes each for create, update and delete (`customTimeouts` overrides them)."
    }

    fn check(
        &self,
        _ctx: &mut CheckCtx,
        news: VpcArgs,
        _olds: Option<&VpcArgs>,
    ) -> (VpcArgs, Vec<CheckFailure>) {
        check::check(news)
    }

    fn id_of(&self, _inputs: &VpcArgs, state: &VpcState) -> Result<String> {
        Ok(state.vpc_id.clone())
    }

    async fn converge(
        &self,
        cx: &AwsContext,
        ctx: &Ctx,
        inputs: &VpcArgs,
        previous: Option<&VpcState>,
    ) -> Result<VpcState> {
        Ok(lifecycle::converge(cx, ctx, inputs, previous).await?)
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

    async fn delete(&self, cx: &AwsContext, ctx: &Ctx, _id: &str, state: VpcState) -> Result<()> {
        Ok(teardown::delete(cx, ctx, &state).await?)
    }
}
