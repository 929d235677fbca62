//! The Kinesis stream itself: describe, create, converge settings, delete.

use std::collections::BTreeMap;
use std::future::Future;
use std::time::{Duration, Instant};

use aws_sdk_kinesis::types::{
    EncryptionType, MetricsName, ScalingType, StreamModeDetails, StreamStatus,
};
use pulumi_provider::Ctx;

use super::args::{PipelineArgs, StreamMode};
use crate::aws::AwsContext;
use crate::aws::lag::resend;
use crate::aws::lag::{BUSY, IN_USE, Lag, NEW_KEY_ELSEWHERE, settle};
use crate::aws::wait::{self, Backoff, Poll};
use crate::error::{Error, Result, found};
use crate::resources::postgres::settling::{self, Seen};

/// The stream as AWS reports it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StreamView {
    pub arn: String,
    pub status: String,
    pub mode: StreamMode,
    pub open_shards: i64,
    pub retention_hours: i64,
    pub encrypted: bool,
    pub key_id: Option<String>,
    pub metrics: Vec<String>,
    pub tags: BTreeMap<String, String>,
}

/// Describes the stream and its tags; `None` when there is no such stream.
pub async fn describe(cx: &AwsContext, name: &str) -> Result<Option<StreamView>> {
    let summary = found(
        "kinesis:DescribeStreamSummary",
        cx.kinesis()
            .describe_stream_summary()
            .stream_name(name)
            .send()
            .await,
        |e| e.is_resource_not_found_exception(),
    )?;
    let Some(d) = summary.and_then(|s| s.stream_description_summary) else {
        return Ok(None);
    };
    let mut metrics: Vec<String> = d
        .enhanced_monitoring()
        .iter()
        .flat_map(|m| m.shard_level_metrics())
        .filter(|m| **m != MetricsName::All)
        .map(|m| m.as_str().to_string())
        .collect();
    metrics.sort();
    metrics.dedup();
    let mode = match d.stream_mode_details().map(|m| m.stream_mode()) {
        Some(aws_sdk_kinesis::types::StreamMode::OnDemand) => StreamMode::OnDemand,
        _ => StreamMode::Provisioned,
    };
    let tags = found(
        "kinesis:ListTagsForStream",
        cx.kinesis()
            .list_tags_for_stream()
            .stream_name(name)
            .send()
            .await,
        |e| e.is_resource_not_found_exception(),
    )?
    .map(|t| {
        t.tags()
            .iter()
            .map(|t| {
                (
                    t.key().to_string(),
                    t.value().unwrap_or_default().to_string(),
                )
            })
            .collect()
    })
    .unwrap_or_default();
    Ok(Some(StreamView {
        arn: d.stream_arn().to_string(),
        status: d.stream_status().as_str().to_string(),
        mode,
        open_shards: d.open_shard_count().into(),
        retention_hours: d.retention_period_hours().into(),
        encrypted: d.encryption_type() == Some(&EncryptionType::Kms),
        key_id: d.key_id().map(String::from),
        metrics,
        tags,
    }))
}

/// The names of every stream in the region, page by page: by `NextToken` where AWS gives
/// one, else from the last name of the page (`ExclusiveStartStreamName`, the older form
/// AWS still takes).
pub async fn names(cx: &AwsContext) -> Result<Vec<String>> {
    let mut names: Vec<String> = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let after = if token.is_none() {
            names.last().cloned()
        } else {
            None
        };
        let page = cx
            .kinesis()
            .list_streams()
            .set_next_token(token.take())
            .set_exclusive_start_stream_name(after)
            .send()
            .await
            .map_err(|e| Error::aws("kinesis:ListStreams", e))?;
        let got = page.stream_names().len();
        names.extend(page.stream_names().iter().cloned());
        if !page.has_more_streams() || got == 0 {
            return Ok(names);
        }
        token = page.next_token().map(String::from);
    }
}

/// Waits for the stream to be ACTIVE, reporting progress. A stream Kinesis does not list
/// yet (just made) counts as pending for `wait::UNSEEN_GRACE`.
pub async fn wait_active(cx: &AwsContext, ctx: &Ctx, name: &str) -> Result<StreamView> {
    let what = format!("Kinesis stream {name} to be ACTIVE");
    wait::until(ctx, &what, Backoff::default(), || async {
        match describe(cx, name).await? {
            Some(v) if v.status == StreamStatus::Active.as_str() => Ok(Poll::Ready(v)),
            Some(v) => Ok(Poll::Pending(v.status)),
            None => Ok(Poll::Unseen(gone(name))),
        }
    })
    .await
}

fn gone(name: &str) -> Error {
    settling::vanished(
        &format!("Kinesis stream {name}"),
        "disappeared while it was being waited on",
    )
}

/// Sends one change through `lags` (BUSY at least: a stream UPDATING refuses another change
/// with nothing changed), then waits for it by the `AfterChange` rule: the stream is at
/// rest once it is ACTIVE and `shows` the change (Kinesis sets UPDATING on most changes,
/// but its reads may lag the call, and some changes never show UPDATING at all).
async fn apply<R, F, Fut>(
    cx: &AwsContext,
    ctx: &Ctx,
    name: &str,
    lags: &[&Lag],
    send: F,
    shows: impl Fn(&StreamView) -> bool,
) -> Result<StreamView>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<R>>,
{
    settle(ctx, &format!("changing Kinesis stream {name}"), lags, send).await?;
    let what = format!("Kinesis stream {name} to apply its change");
    settling::until_changed(
        ctx,
        &what,
        Backoff::default(),
        || gone(name),
        || async {
            Ok(describe(cx, name).await?.map(|v| Seen {
                at_rest: v.status == StreamStatus::Active.as_str() && shows(&v),
                state: v.status.clone(),
                value: v,
            }))
        },
    )
    .await
}
/// Waits for the stream to be gone.
pub async fn wait_gone(cx: &AwsContext, ctx: &Ctx, name: &str) -> Result<()> {
    let what = format!("Kinesis stream {name} to be deleted");
    wait::until(ctx, &what, Backoff::default(), || async {
        Ok(match describe(cx, name).await? {
            Some(v) => Poll::Pending(v.status),
            None => Poll::Ready(()),
        })
    })
    .await
}

/// Creates the stream with its tags (so a crash right after leaves an owned stream).
pub async fn create(
    cx: &AwsContext,
    ctx: &Ctx,
    a: &PipelineArgs,
    tags: &BTreeMap<String, String>,
) -> Result<()> {
    let mut req = cx
        .kinesis()
        .create_stream()
        .stream_name(a.name())
        .set_tags(Some(tags.clone().into_iter().collect()));
    req = match a.mode() {
        StreamMode::Provisioned => req
            .shard_count(a.shard_count.unwrap_or(1) as i32)
            .stream_mode_details(mode_details(StreamMode::Provisioned)?),
        StreamMode::OnDemand => req.stream_mode_details(mode_details(StreamMode::OnDemand)?),
    };
    match req.send().await {
        Ok(_) => {}
        // Not there a moment ago (`converge` looked), there now: ours when an earlier
        // send's answer was lost, else made by someone else at once.
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_in_use_exception()) =>
        {
            return adopt(cx, ctx, a.name()).await;
        }
        Err(e) => return Err(Error::aws("kinesis:CreateStream", e)),
    }
    ctx.info(format!("created Kinesis stream {}", a.name()))
        .await;
    Ok(())
}

/// How long a stream found under the name a create just used may list no tags at all
/// before that is believed: CreateStream writes the tags with the stream, but
/// ListTagsForStream lags it (or answers not found) for a moment, and a stream of ours read
/// without its tags would be refused as someone else's.
const TAGS_LAG: Duration = Duration::from_secs(60);

/// Whether a stream listed with `tags`, `waited` after the first read, can be judged by
/// them: any tag at all, or no tags for longer than [`TAGS_LAG`].
fn tags_settled(tags: &BTreeMap<String, String>, waited: Duration) -> bool {
    !tags.is_empty() || waited >= TAGS_LAG
}

/// A stream found under the name a create just used: ours is fine (listed, with its tags,
/// once Kinesis's reads catch up), anyone else's is refused.
async fn adopt(cx: &AwsContext, ctx: &Ctx, name: &str) -> Result<()> {
    let what = format!("Kinesis stream {name}");
    let named = format!("a Kinesis stream named {name}");
    let started = Instant::now();
    settling::claim_existing(
        ctx,
        &what,
        "streamName",
        &[name],
        named,
        || async move {
            let v = describe(cx, name).await?;
            Ok(v.filter(|v| tags_settled(&v.tags, started.elapsed())))
        },
        |v| &v.tags,
    )
    .await
}

fn mode_details(mode: StreamMode) -> Result<StreamModeDetails> {
    let aws_mode = match mode {
        StreamMode::Provisioned => aws_sdk_kinesis::types::StreamMode::Provisioned,
        StreamMode::OnDemand => aws_sdk_kinesis::types::StreamMode::OnDemand,
    };
    StreamModeDetails::builder()
        .stream_mode(aws_mode)
        .build()
        .map_err(Error::from)
}

/// Brings an existing stream's settings to `want`, one change at a time, waiting for
/// ACTIVE after each (Kinesis refuses a change while the stream is UPDATING).
pub async fn converge(
    cx: &AwsContext,
    ctx: &Ctx,
    mut v: StreamView,
    want: &PipelineArgs,
    key_arn: &str,
    tags: &BTreeMap<String, String>,
) -> Result<StreamView> {
    let name = want.name();
    let busy: &[&Lag] = &[&BUSY];
    if v.mode != want.mode() {
        let req = cx
            .kinesis()
            .update_stream_mode()
            .stream_arn(&v.arn)
            .stream_mode_details(mode_details(want.mode())?);
        let send = resend!(req, "kinesis:UpdateStreamMode");
        v = apply(cx, ctx, name, busy, send, |v| v.mode == want.mode()).await?;
    }
    if let (StreamMode::Provisioned, Some(n)) = (want.mode(), want.shard_count)
        && v.open_shards != n
    {
        let req = cx
            .kinesis()
            .update_shard_count()
            .stream_name(name)
            .target_shard_count(n as i32)
            .scaling_type(ScalingType::UniformScaling);
        let send = resend!(req, "kinesis:UpdateShardCount");
        v = apply(cx, ctx, name, busy, send, |v| v.open_shards == n).await?;
    }
    v = retention(cx, ctx, v, name, want.retention_hours).await?;
    if !v.encrypted || v.key_id.as_deref() != Some(key_arn) {
        let req = cx
            .kinesis()
            .start_stream_encryption()
            .stream_name(name)
            .encryption_type(EncryptionType::Kms)
            .key_id(key_arn);
        let send = resend!(req, "kinesis:StartStreamEncryption");
        // A key made moments ago may be unknown to Kinesis yet (NEW_KEY_ELSEWHERE).
        let lags: &[&Lag] = &[&BUSY, &NEW_KEY_ELSEWHERE];
        let shows = |v: &StreamView| v.encrypted && v.key_id.as_deref() == Some(key_arn);
        v = apply(cx, ctx, name, lags, send, shows).await?;
    }
    v = metrics(cx, ctx, v, name, &want.metrics()).await?;
    converge_tags(cx, ctx, name, &v.tags, tags).await?;
    v.tags = tags.clone();
    Ok(v)
}

/// Raises or lowers the retention period to `wanted` hours.
async fn retention(
    cx: &AwsContext,
    ctx: &Ctx,
    v: StreamView,
    name: &str,
    wanted: Option<i64>,
) -> Result<StreamView> {
    let hours = wanted.unwrap_or(v.retention_hours);
    let shows = |v: &StreamView| v.retention_hours == hours;
    if hours > v.retention_hours {
        let req = cx
            .kinesis()
            .increase_stream_retention_period()
            .stream_name(name)
            .retention_period_hours(hours as i32);
        let send = resend!(req, "kinesis:IncreaseStreamRetentionPeriod");
        apply(cx, ctx, name, &[&BUSY], send, shows).await
    } else if hours < v.retention_hours {
        let req = cx
            .kinesis()
            .decrease_stream_retention_period()
            .stream_name(name)
            .retention_period_hours(hours as i32);
        let send = resend!(req, "kinesis:DecreaseStreamRetentionPeriod");
        apply(cx, ctx, name, &[&BUSY], send, shows).await
    } else {
        Ok(v)
    }
}

/// Turns shard-level metrics on and off to match `wanted`.
async fn metrics(
    cx: &AwsContext,
    ctx: &Ctx,
    mut v: StreamView,
    name: &str,
    wanted: &[String],
) -> Result<StreamView> {
    let enable: Vec<MetricsName> = wanted
        .iter()
        .filter(|m| !v.metrics.contains(m))
        .map(|m| MetricsName::from(m.as_str()))
        .collect();
    let disable: Vec<MetricsName> = v
        .metrics
        .iter()
        .filter(|m| !wanted.contains(m))
        .map(|m| MetricsName::from(m.as_str()))
        .collect();
    if !enable.is_empty() {
        let req = cx
            .kinesis()
            .enable_enhanced_monitoring()
            .stream_name(name)
            .set_shard_level_metrics(Some(enable));
        let send = resend!(req, "kinesis:EnableEnhancedMonitoring");
        let shows = |v: &StreamView| wanted.iter().all(|m| v.metrics.contains(m));
        v = apply(cx, ctx, name, &[&BUSY], send, shows).await?;
    }
    if !disable.is_empty() {
        let req = cx
            .kinesis()
            .disable_enhanced_monitoring()
            .stream_name(name)
            .set_shard_level_metrics(Some(disable));
        let send = resend!(req, "kinesis:DisableEnhancedMonitoring");
        let shows = |v: &StreamView| v.metrics.iter().all(|m| wanted.contains(m));
        v = apply(cx, ctx, name, &[&BUSY], send, shows).await?;
    }
    Ok(v)
}

/// Tags through BUSY: a stream still UPDATING refuses them, with nothing changed.
async fn converge_tags(
    cx: &AwsContext,
    ctx: &Ctx,
    name: &str,
    have: &BTreeMap<String, String>,
    want: &BTreeMap<String, String>,
) -> Result<()> {
    let what = format!("tagging Kinesis stream {name}");
    let stale: Vec<String> = have
        .keys()
        .filter(|k| !want.contains_key(*k))
        .cloned()
        .collect();
    for chunk in stale.chunks(10) {
        let req = cx
            .kinesis()
            .remove_tags_from_stream()
            .stream_name(name)
            .set_tag_keys(Some(chunk.to_vec()));
        settle(
            ctx,
            &what,
            &[&BUSY],
            resend!(req, "kinesis:RemoveTagsFromStream"),
        )
        .await?;
    }
    let changed: Vec<(String, String)> = want
        .iter()
        .filter(|(k, v)| have.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for chunk in changed.chunks(10) {
        let req = cx
            .kinesis()
            .add_tags_to_stream()
            .stream_name(name)
            .set_tags(Some(chunk.iter().cloned().collect()));
        settle(
            ctx,
            &what,
            &[&BUSY],
            resend!(req, "kinesis:AddTagsToStream"),
        )
        .await?;
    }
    Ok(())
}

/// Deletes the stream (and its registered consumers) and waits until it is gone. A stream
/// still CREATING or UPDATING refuses it with ResourceInUseException (IN_USE), so it is
/// sent again until the stream is at rest.
pub async fn delete(cx: &AwsContext, ctx: &Ctx, name: &str) -> Result<()> {
    let req = cx
        .kinesis()
        .delete_stream()
        .stream_name(name)
        .enforce_consumer_deletion(true);
    let deleted = settle(
        ctx,
        &format!("deleting Kinesis stream {name}"),
        &[&IN_USE],
        || {
            let req = req.clone();
            async move {
                match req.send().await {
                    Ok(_) => Ok(true),
                    Err(e)
                        if e.as_service_error()
                            .is_some_and(|s| s.is_resource_not_found_exception()) =>
                    {
                        Ok(false)
                    }
                    Err(e) => Err(Error::aws("kinesis:DeleteStream", e)),
                }
            }
        },
    )
    .await?;
    if deleted {
        wait_gone(cx, ctx, name).await?;
        ctx.debug(format!("deleted Kinesis stream {name}")).await;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_listed_without_tags_is_not_judged_until_its_tags_had_time_to_show() {
        let none = BTreeMap::new();
        assert!(!tags_settled(&none, Duration::from_secs(5)));
        assert!(tags_settled(&none, TAGS_LAG));
        let someone = BTreeMap::from([("team".to_string(), "x".to_string())]);
        assert!(
            tags_settled(&someone, Duration::ZERO),
            "tags are read at once"
        );
    }
}
