//! RDS event subscriptions: what RDS says about the account's databases, clusters,
//! parameter groups and DB security groups (failures, maintenance, configuration changes)
//! goes to the alarm topic, the same people as the security alarms.

use std::collections::BTreeMap;

use aws_sdk_rds::error::ProvideErrorMetadata;
use pulumi_provider::Ctx;

use super::args::Names;
use crate::aws::AwsContext;
use crate::aws::lag::{NEW_SUBSCRIPTION, resend, settle};
use crate::aws::tagging;
use crate::aws::tags::claim;
use crate::error::{Error, Result, found};

/// One subscription: the kind of RDS source it covers and the event categories it sends.
pub struct Source {
    /// The end of the subscription's name (`<baselineName>-rds-<suffix>`).
    pub suffix: &'static str,
    pub source_type: &'static str,
    pub categories: &'static [&'static str],
}

/// The critical events of each kind of source, as AWS Security Hub's controls RDS.19 to
/// RDS.22 name them.
pub const SOURCES: [Source; 4] = [
    Source {
        suffix: "instances",
        source_type: "db-instance",
        categories: &["configuration change", "failure", "maintenance"],
    },
    Source {
        suffix: "clusters",
        source_type: "db-cluster",
        categories: &["failure", "maintenance"],
    },
    Source {
        suffix: "parameter-groups",
        source_type: "db-parameter-group",
        categories: &["configuration change"],
    },
    Source {
        suffix: "security-groups",
        source_type: "db-security-group",
        categories: &["configuration change", "failure"],
    },
];

impl Source {
    pub fn name(&self, names: &Names) -> String {
        format!("{}-rds-{}", names.trail, self.suffix)
    }
}

/// A subscription as RDS reports it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Subscription {
    pub topic: String,
    pub source_type: String,
    /// Sorted.
    pub categories: Vec<String>,
    pub enabled: bool,
}

impl Subscription {
    /// It sends `source`'s events, and only those, to `topic`.
    pub fn is(&self, source: &Source, topic: &str) -> bool {
        self.enabled
            && self.topic == topic
            && self.source_type == source.source_type
            && self.categories == source.categories
    }
}

fn arn(cx: &AwsContext, account: &str, name: &str) -> String {
    format!("arn:{}:rds:{}:{account}:es:{name}", cx.partition, cx.region)
}

fn not_found<E: ProvideErrorMetadata>(e: &E) -> bool {
    e.code() == Some("SubscriptionNotFound")
}

/// The baseline's subscriptions that exist, by name.
pub async fn observe(cx: &AwsContext, names: &Names) -> Result<BTreeMap<String, Subscription>> {
    let mut found_now = BTreeMap::new();
    for source in &SOURCES {
        let name = source.name(names);
        let answer = found(
            "rds:DescribeEventSubscriptions",
            cx.rds()
                .describe_event_subscriptions()
                .subscription_name(&name)
                .send()
                .await,
            not_found,
        )?;
        let Some(s) = answer.and_then(|a| a.event_subscriptions_list.unwrap_or_default().pop())
        else {
            continue;
        };
        let mut categories = s.event_categories_list.unwrap_or_default();
        categories.sort();
        found_now.insert(
            name,
            Subscription {
                topic: s.sns_topic_arn.unwrap_or_default(),
                source_type: s.source_type.unwrap_or_default(),
                categories,
                enabled: s.enabled.unwrap_or(false),
            },
        );
    }
    Ok(found_now)
}

/// Makes each subscription, or brings the one this baseline owns to it (RDS's
/// ModifyEventSubscription cannot change a subscription's name, so one found with other
/// settings is set anew), and its tags to `tags`.
pub async fn ensure(
    cx: &AwsContext,
    ctx: &Ctx,
    names: &Names,
    topic: &str,
    tags: &BTreeMap<String, String>,
) -> Result<()> {
    let account = cx.account().await?.to_string();
    let existing = observe(cx, names).await?;
    for source in &SOURCES {
        let name = source.name(names);
        let arn = arn(cx, &account, &name);
        let current = match existing.get(&name) {
            Some(current) => current.clone(),
            None => match create(cx, ctx, &name, source, topic, tags).await? {
                Made::New => continue,
                // An earlier attempt whose answer was lost, or someone else's.
                Made::Existing => observe(cx, names).await?.remove(&name).unwrap_or_default(),
            },
        };
        let have = tagging::list_rds(cx.rds(), &arn).await?;
        claim(ctx, &[&name], &have, "baselineName", || {
            format!("an RDS event subscription named {name}")
        })?;
        if !current.is(source, topic) {
            modify(cx, ctx, &name, source, topic).await?;
        }
        tagging::retag_settled(ctx, cx.rds(), &arn, &have, tags).await?;
    }
    Ok(())
}

/// What a create found.
enum Made {
    New,
    /// RDS answered `SubscriptionAlreadyExist`.
    Existing,
}

async fn create(
    cx: &AwsContext,
    ctx: &Ctx,
    name: &str,
    source: &Source,
    topic: &str,
    tags: &BTreeMap<String, String>,
) -> Result<Made> {
    ctx.status(format!("making RDS event subscription {name}"))
        .await;
    let req = cx
        .rds()
        .create_event_subscription()
        .subscription_name(name)
        .sns_topic_arn(topic)
        .source_type(source.source_type)
        .set_event_categories(Some(
            source.categories.iter().map(|c| c.to_string()).collect(),
        ))
        .enabled(true)
        .set_tags(Some(tagging::rds(tags)));
    // RDS may not know the topic made a moment ago.
    let made = settle(
        ctx,
        &format!("RDS event subscription {name}"),
        &[&NEW_SUBSCRIPTION],
        resend!(req, "rds:CreateEventSubscription"),
    )
    .await;
    match made {
        Ok(_) => Ok(Made::New),
        Err(Error::Aws { code, .. }) if code == "SubscriptionAlreadyExist" => Ok(Made::Existing),
        Err(e) => Err(e),
    }
}

async fn modify(
    cx: &AwsContext,
    ctx: &Ctx,
    name: &str,
    source: &Source,
    topic: &str,
) -> Result<()> {
    ctx.status(format!("setting RDS event subscription {name}"))
        .await;
    let req = cx
        .rds()
        .modify_event_subscription()
        .subscription_name(name)
        .sns_topic_arn(topic)
        .source_type(source.source_type)
        .set_event_categories(Some(
            source.categories.iter().map(|c| c.to_string()).collect(),
        ))
        .enabled(true);
    settle(
        ctx,
        &format!("RDS event subscription {name}"),
        &[&NEW_SUBSCRIPTION],
        resend!(req, "rds:ModifyEventSubscription"),
    )
    .await?;
    Ok(())
}

/// Deletes the baseline's subscriptions (one already gone is fine).
pub async fn delete(cx: &AwsContext, ctx: &Ctx, names: &Names) -> Result<()> {
    for source in &SOURCES {
        let name = source.name(names);
        ctx.status(format!("deleting RDS event subscription {name}"))
            .await;
        found(
            "rds:DeleteEventSubscription",
            cx.rds()
                .delete_event_subscription()
                .subscription_name(&name)
                .send()
                .await,
            not_found,
        )?;
    }
    Ok(())
}
