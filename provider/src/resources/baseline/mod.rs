//! `healthcare:index:AccountBaseline`: the account's audit controls in one resource: a
//! CloudTrail trail to a locked bucket and a log group, security alarms, AWS Config,
//! GuardDuty, Security Hub, EBS encryption by default, the IAM password policy and AWS Backup
//! of the account's databases.

mod access_roles;
mod account;
mod alarms;
mod args;
mod backup;
mod backup_vault;
mod check;
mod default_vpc;
mod ec2_account;
mod events;
mod guards;
mod lifecycle;
mod policies;
mod preflight;
mod rds_events;
mod recorder;
mod reports;
mod state;
mod survey;
mod trail;

use pulumi_provider::{
    CheckCtx, CheckFailure, Ctx, ReadOutcome, Resource, Result, Timeouts, async_trait,
};

pub use args::{
    AccessRoleArgs, AdoptArgs, BackupArgs, BaselineArgs, BaselineState, DefaultVpcMode, LockMode,
};

use crate::aws::AwsContext;

/// The resource type.
pub struct AccountBaseline;

/// Most parts are made in seconds; emptying a large log bucket at a delete takes longer.
const HALF_HOUR: f64 = 1800.0;

#[async_trait]
impl Resource<AwsContext> for AccountBaseline {
    const TOKEN: &'static str = "healthcare:index:AccountBaseline";
    const DEFAULT_TIMEOUTS: Timeouts = Timeouts {
        create: HALF_HOUR,
        update: HALF_HOUR,
        delete: HALF_HOUR,
    };
    const UPDATES_IN_PLACE: bool = true;
    const NAME_PROPERTY: Option<&'static str> = Some("baselineName");
    const PREFLIGHT: bool = true;
    type Args = BaselineArgs;
    type State = BaselineState;

    fn replacement_reason(property: &str) -> Option<String> {
        (property == "baselineName").then(|| {
            "the trail, its buckets and every part are named from baselineName; the new trail starts a new record, and the old buckets are kept as retainLogs says".to_string()
        })
    }

    fn description() -> &'static str {
        "The account's HIPAA audit controls, one per account and region: a multi-region CloudTrail \
         trail with log file validation, encrypted with a customer-managed key, delivered to \
         CloudWatch Logs (a year's retention) and to an S3 bucket that blocks public access, \
         refuses requests without TLS, keeps versions, locks objects for six years and logs its \
         own access; metric filters and alarms on the CIS security events, to an encrypted SNS \
         topic; an AWS Config recorder of every resource; GuardDuty; Security Hub with the \
         standards named; EBS encryption by default; a strict IAM password policy; and an AWS \
         Backup plan of the account's HipaaPostgres databases into a vault encrypted with the \
         key. Parts the \
         account already has are taken over only when `adopt` allows it, and are never deleted. \
         Default timeouts: 30 minutes each for create, update and delete."
    }

    fn check(
        &self,
        ctx: &mut CheckCtx,
        news: BaselineArgs,
        olds: Option<&BaselineArgs>,
    ) -> (BaselineArgs, Vec<CheckFailure>) {
        check::check(ctx, news, olds)
    }

    async fn preflight(
        &self,
        cx: &AwsContext,
        ctx: &Ctx,
        inputs: &BaselineArgs,
    ) -> Result<Vec<CheckFailure>> {
        Ok(preflight::preflight(cx, ctx, inputs).await?)
    }

    async fn converge(
        &self,
        cx: &AwsContext,
        ctx: &Ctx,
        inputs: &BaselineArgs,
        previous: Option<&BaselineState>,
    ) -> Result<BaselineState> {
        Ok(lifecycle::converge(cx, ctx, inputs, previous).await?)
    }

    async fn abandoned(
        &self,
        cx: &AwsContext,
        ctx: &Ctx,
        inputs: &BaselineArgs,
    ) -> Result<Option<String>> {
        Ok(lifecycle::abandoned(cx, ctx, inputs).await?)
    }

    async fn read(
        &self,
        cx: &AwsContext,
        _ctx: &Ctx,
        id: &str,
        state: Option<BaselineState>,
        inputs: Option<BaselineArgs>,
    ) -> Result<Option<ReadOutcome<BaselineArgs, BaselineState>>> {
        let parts = state.map(|s| s.parts).unwrap_or_default();
        let found = state::read(cx, id, inputs.as_ref(), &parts).await?;
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
        _id: &str,
        state: BaselineState,
    ) -> Result<()> {
        Ok(lifecycle::delete(cx, ctx, &state).await?)
    }
}
