//! What a new baseline would meet in the account, told by the check before its create, so in
//! a preview too: the parts the account already has that the inputs do not allow taking
//! over (refused, naming the `adopt.*` flag), those `adopt` takes over, and the account's
//! other trails. Reads only; the create decides again before it makes anything.

use pulumi_provider::{CheckFailure, Ctx};

use super::args::{BaselineArgs, Names};
use super::lifecycle::recorded_on_key;
use super::survey::{outlook, survey};
use super::trail;
use crate::aws::AwsContext;
use crate::error::Result;

pub async fn preflight(cx: &AwsContext, ctx: &Ctx, a: &BaselineArgs) -> Result<Vec<CheckFailure>> {
    let account = cx.account().await?.to_string();
    let names = Names::new(a.name(), &account, &cx.region);
    let (found, known, trails) = futures::join!(
        survey(cx),
        recorded_on_key(cx, ctx, &names),
        trail::others(cx, &names.trail),
    );
    let seen = outlook(a, &names, &found?, &known?);
    // Another trail is never taken over (an account may have several), but each is named:
    // its copy of management events and the baseline's are both billed.
    for other in trails? {
        ctx.warn(format!(
            "the account already has the CloudTrail trail {other}: it is left as it is, and the \
             baseline makes its own trail {}; CloudTrail bills every copy of management events \
             after the first",
            names.trail
        ))
        .await;
    }
    for (property, what) in &seen.taken_over {
        ctx.warn(format!(
            "{property} takes over {what}: the create sets it to the baseline's settings, and \
             the delete leaves it in place"
        ))
        .await;
    }
    Ok(seen
        .refused
        .into_iter()
        .map(|(property, reason)| CheckFailure::new(property, reason))
        .collect())
}
