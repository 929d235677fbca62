//! Security alarms: a metric filter per watched event on the trail's log group, an alarm on
//! each metric, and the encrypted SNS topic they notify, with its e-mail subscriptions.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_cloudwatch::types::{ComparisonOperator, Statistic};
use aws_sdk_cloudwatchlogs::types::MetricTransformation;
use aws_sdk_sns::error::ProvideErrorMetadata;
use pulumi_provider::Ctx;

use super::args::Names;
use super::events::EVENTS;
use crate::aws::AwsContext;
use crate::aws::lag::{NEW_KEY_ELSEWHERE, NEW_NAMED, NEW_SUBSCRIPTION, resend, settle};
use crate::aws::tags::claim;
use crate::error::{Error, Result, found};
use crate::resources::postgres::settling;

/// The topic as SNS reports it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Topic {
    pub arn: String,
    pub kms_key: Option<String>,
    pub tags: BTreeMap<String, String>,
    /// E-mail endpoints subscribed (confirmed or pending).
    pub emails: Vec<String>,
}

pub fn topic_arn(cx: &AwsContext, account: &str, names: &Names) -> String {
    format!(
        "arn:{}:sns:{}:{account}:{}",
        cx.partition, cx.region, names.topic
    )
}

fn not_found<E: ProvideErrorMetadata>(e: &E) -> bool {
    e.code() == Some("NotFound")
}

/// The topic, or `None`.
pub async fn topic(cx: &AwsContext, arn: &str) -> Result<Option<Topic>> {
    let sns = cx.sns();
    let Some(attrs) = found(
        "sns:GetTopicAttributes",
        sns.get_topic_attributes().topic_arn(arn).send().await,
        not_found,
    )?
    else {
        return Ok(None);
    };
    let kms_key = attrs
        .attributes()
        .and_then(|a| a.get("KmsMasterKeyId"))
        .filter(|k| !k.is_empty())
        .cloned();
    let tags = sns
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .map_err(|e| Error::aws("sns:ListTagsForResource", e))?
        .tags()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect();
    let mut emails = Vec::new();
    let mut next = None;
    loop {
        let page = sns
            .list_subscriptions_by_topic()
            .topic_arn(arn)
            .set_next_token(next)
            .send()
            .await
            .map_err(|e| Error::aws("sns:ListSubscriptionsByTopic", e))?;
        emails.extend(
            page.subscriptions()
                .iter()
                .filter(|s| s.protocol() == Some("email"))
                .filter_map(|s| s.endpoint().map(String::from)),
        );
        next = page.next_token;
        if next.is_none() {
            break;
        }
    }
    emails.sort();
    emails.dedup();
    Ok(Some(Topic {
        arn: arn.to_string(),
        kms_key,
        tags,
        emails,
    }))
}

/// Makes the topic (encrypted with `key_arn`) or brings the one this resource owns to it,
/// and subscribes each address not yet subscribed; addresses no longer given are unsubscribed
/// (a subscription still pending confirmation cannot be, and lapses by itself).
pub async fn ensure_topic(
    cx: &AwsContext,
    ctx: &Ctx,
    names: &Names,
    key_arn: &str,
    emails: &[String],
    tags: &BTreeMap<String, String>,
) -> Result<String> {
    let sns = cx.sns();
    let arn = topic_arn(cx, cx.account().await?, names);
    let what = format!("SNS topic {}", names.topic);
    let sns_tags = tags
        .iter()
        .map(|(k, v)| {
            aws_sdk_sns::types::Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(Error::from)
        })
        .collect::<Result<Vec<_>>>()?;
    match topic(cx, &arn).await? {
        Some(t) => {
            claim(ctx, &[&arn], &t.tags, "baselineName", || {
                format!("an SNS topic named {}", names.topic)
            })?;
            if t.kms_key.as_deref() != Some(key_arn) {
                settle(
                    ctx,
                    &what,
                    &[&NEW_KEY_ELSEWHERE],
                    resend!(
                        sns.set_topic_attributes()
                            .topic_arn(&arn)
                            .attribute_name("KmsMasterKeyId")
                            .attribute_value(key_arn),
                        "sns:SetTopicAttributes"
                    ),
                )
                .await?;
            }
            settle(
                ctx,
                &what,
                &[],
                resend!(
                    sns.tag_resource()
                        .resource_arn(&arn)
                        .set_tags(Some(sns_tags.clone())),
                    "sns:TagResource"
                ),
            )
            .await?;
        }
        None => {
            ctx.status(format!("creating {what}")).await;
            let req = sns
                .create_topic()
                .name(&names.topic)
                .attributes("KmsMasterKeyId", key_arn)
                .set_tags(Some(sns_tags));
            settle(
                ctx,
                &what,
                &[&NEW_KEY_ELSEWHERE],
                resend!(req, "sns:CreateTopic"),
            )
            .await?;
        }
    }
    let wanted: BTreeSet<&str> = emails.iter().map(String::as_str).collect();
    let mut next = None;
    let mut have = BTreeSet::new();
    loop {
        let page = settle(
            ctx,
            &what,
            &[&NEW_SUBSCRIPTION],
            resend!(
                sns.list_subscriptions_by_topic()
                    .topic_arn(&arn)
                    .set_next_token(next.clone()),
                "sns:ListSubscriptionsByTopic"
            ),
        )
        .await?;
        for s in page
            .subscriptions()
            .iter()
            .filter(|s| s.protocol() == Some("email"))
        {
            let endpoint = s.endpoint().unwrap_or_default().to_string();
            let sub = s.subscription_arn().unwrap_or_default();
            if !wanted.contains(endpoint.as_str()) && sub.starts_with("arn:") {
                sns.unsubscribe()
                    .subscription_arn(sub)
                    .send()
                    .await
                    .map_err(|e| Error::aws("sns:Unsubscribe", e))?;
            }
            have.insert(endpoint);
        }
        next = page.next_token;
        if next.is_none() {
            break;
        }
    }
    for email in wanted.iter().filter(|e| !have.contains(**e)) {
        ctx.info(format!(
            "subscribed {email} to {}: the address must confirm the e-mail SNS sends",
            names.topic
        ))
        .await;
        settle(
            ctx,
            &what,
            &[&NEW_SUBSCRIPTION],
            resend!(
                sns.subscribe()
                    .topic_arn(&arn)
                    .protocol("email")
                    .endpoint(*email),
                "sns:Subscribe"
            ),
        )
        .await?;
    }
    // SNS's reads lag its writes: the topic is read until it shows its key and every address,
    // so the state read that follows records them.
    settling::until_seen(
        ctx,
        &what,
        || settling::vanished(&what, "was not found right after it was made"),
        || async {
            Ok(topic(cx, &arn).await?.filter(|t| {
                t.kms_key.as_deref() == Some(key_arn)
                    && wanted.iter().all(|e| t.emails.iter().any(|x| x == e))
            }))
        },
    )
    .await?;
    Ok(arn)
}

/// Puts each event's metric filter on the trail's group and its alarm on the topic.
pub async fn ensure_alarms(
    cx: &AwsContext,
    ctx: &Ctx,
    names: &Names,
    topic_arn: &str,
    tags: &BTreeMap<String, String>,
) -> Result<Vec<String>> {
    let cw_tags = tags
        .iter()
        .map(|(k, v)| {
            aws_sdk_cloudwatch::types::Tag::builder()
                .key(k)
                .value(v)
                .build()
        })
        .collect::<Vec<_>>();
    let mut alarms = Vec::new();
    for event in &EVENTS {
        let name = names.alarm(event.name);
        ctx.status(format!("security alarm {name}")).await;
        let transformation = MetricTransformation::builder()
            .metric_name(&name)
            .metric_namespace(&names.namespace)
            .metric_value("1")
            .build()?;
        let filter = cx
            .logs()
            .put_metric_filter()
            .log_group_name(&names.log_group)
            .filter_name(&name)
            .filter_pattern(event.pattern)
            .metric_transformations(transformation);
        settle(
            ctx,
            &name,
            &[&NEW_NAMED],
            resend!(filter, "logs:PutMetricFilter"),
        )
        .await?;
        cx.cloudwatch()
            .put_metric_alarm()
            .alarm_name(&name)
            .alarm_description(format!(
                "Security event on the account's trail: {}",
                event.what
            ))
            .metric_name(&name)
            .namespace(&names.namespace)
            .statistic(Statistic::Sum)
            .period(300)
            .evaluation_periods(1)
            .threshold(1.0)
            .comparison_operator(ComparisonOperator::GreaterThanOrEqualToThreshold)
            .treat_missing_data("notBreaching")
            .alarm_actions(topic_arn)
            .set_tags(Some(cw_tags.clone()))
            .send()
            .await
            .map_err(|e| Error::aws("cloudwatch:PutMetricAlarm", e))?;
        alarms.push(name);
    }
    Ok(alarms)
}

/// The alarms found, each with its action list, and the filters on the group, by name.
pub async fn observe(
    cx: &AwsContext,
    names: &Names,
) -> Result<(BTreeMap<String, Vec<String>>, BTreeMap<String, String>)> {
    let wanted: Vec<String> = EVENTS.iter().map(|e| names.alarm(e.name)).collect();
    let described = cx
        .cloudwatch()
        .describe_alarms()
        .set_alarm_names(Some(wanted))
        .send()
        .await
        .map_err(|e| Error::aws("cloudwatch:DescribeAlarms", e))?;
    let alarms = described
        .metric_alarms()
        .iter()
        .map(|a| {
            (
                a.alarm_name().unwrap_or_default().to_string(),
                a.alarm_actions().to_vec(),
            )
        })
        .collect();
    let filters = found(
        "logs:DescribeMetricFilters",
        cx.logs()
            .describe_metric_filters()
            .log_group_name(&names.log_group)
            .send()
            .await,
        |e| e.is_resource_not_found_exception(),
    )?
    .map(|f| {
        f.metric_filters()
            .iter()
            .map(|f| {
                (
                    f.filter_name().unwrap_or_default().to_string(),
                    f.filter_pattern().unwrap_or_default().to_string(),
                )
            })
            .collect()
    })
    .unwrap_or_default();
    Ok((alarms, filters))
}

/// Deletes the alarms, the filters and the topic (and with it its subscriptions).
pub async fn delete(cx: &AwsContext, ctx: &Ctx, names: &Names) -> Result<()> {
    ctx.status("deleting security alarms").await;
    let all: Vec<String> = EVENTS.iter().map(|e| names.alarm(e.name)).collect();
    cx.cloudwatch()
        .delete_alarms()
        .set_alarm_names(Some(all.clone()))
        .send()
        .await
        .map_err(|e| Error::aws("cloudwatch:DeleteAlarms", e))?;
    for name in &all {
        found(
            "logs:DeleteMetricFilter",
            cx.logs()
                .delete_metric_filter()
                .log_group_name(&names.log_group)
                .filter_name(name)
                .send()
                .await,
            |e| e.is_resource_not_found_exception(),
        )?;
    }
    let arn = topic_arn(cx, cx.account().await?, names);
    found(
        "sns:DeleteTopic",
        cx.sns().delete_topic().topic_arn(&arn).send().await,
        not_found,
    )?;
    Ok(())
}
