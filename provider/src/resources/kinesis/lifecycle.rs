//! Create, update, read and delete of a KinesisPipeline, built on one idempotent
//! `converge`: whatever exists and is owned is adopted, whatever is missing is made.

use pulumi_provider::Ctx;

use super::args::{PipelineArgs, PipelineState, key_alias};
use super::{roles, state, stream};
use crate::aws::tags::{claim, owned_by, tags_for};
use crate::aws::{AwsContext, abandoned, kms, partial};
use crate::error::{Error, Result};
use crate::resources::postgres::settling;

/// The key to encrypt with: the user's (`given`), or one this resource owns.
async fn key(
    cx: &AwsContext,
    ctx: &Ctx,
    a: &PipelineArgs,
    given: Option<kms::Key>,
) -> Result<kms::Key> {
    let tags = tags_for(ctx.urn(), &cx.default_tags, &a.tags());
    let description = format!(
        "Encrypts the Kinesis stream {} (managed by Pulumi)",
        a.name()
    );
    kms::or_owned(cx, ctx, given, &key_alias(a.name()), &description, &tags).await
}

/// The auto-name of a stream an earlier, interrupted attempt of this create made: one of
/// this URN under another draw of the same auto-name.
pub async fn abandoned(cx: &AwsContext, ctx: &Ctx, a: &PipelineArgs) -> Result<Option<String>> {
    // The credentials are checked before any other call.
    cx.validate().await?;
    let name = a.name();
    let candidates: Vec<String> = stream::names(cx)
        .await?
        .into_iter()
        .filter(|c| abandoned::is_sibling(name, c))
        .collect();
    for candidate in candidates {
        if let Some(v) = stream::describe(cx, &candidate).await?
            && owned_by(
                v.tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
                ctx.urn(),
            )
        {
            return Ok(Some(candidate));
        }
    }
    Ok(None)
}

/// Makes AWS match `a`. Returns the stream's name once it exists, so a failure after that
/// point is reported as a partial failure the engine records.
pub async fn converge(
    cx: &AwsContext,
    ctx: &Ctx,
    a: &PipelineArgs,
    previous: Option<&PipelineState>,
) -> Result<PipelineState> {
    let name = a.name();
    let tags = tags_for(ctx.urn(), &cx.default_tags, &a.tags());
    cx.validate().await?;
    let existing = stream::describe(cx, name).await?;
    if let Some(v) = &existing {
        claim(ctx, &[name], &v.tags, "streamName", || {
            format!("a Kinesis stream named {name}")
        })?;
    }
    // A key the user names must exist before anything is made. The stream is made first:
    // it is what a later attempt finds if this one is killed (`abandoned`), and everything
    // else is named after it. Its key is made while it becomes ACTIVE.
    let given = kms::given(cx, ctx, a.kms_key_id.as_deref(), "kmsKeyId").await?;
    if existing.is_none() {
        ctx.status(format!("creating Kinesis stream {name}")).await;
        stream::create(cx, ctx, a, &tags).await?;
    }
    let key = match key(cx, ctx, a, given).await {
        Ok(key) => key,
        Err(e) => return Err(partial(cx, ctx, a, e).await),
    };
    let result = finish(cx, ctx, a, &key, &tags).await;
    if let Err(e) = result {
        return Err(partial(cx, ctx, a, e).await);
    }
    if let Some(old) = previous.filter(|o| o.kms_key_managed && o.kms_key_arn != key.arn) {
        ctx.info(format!(
            "scheduling deletion of the previous stream key {}",
            old.kms_key_arn
        ))
        .await;
        kms::retire(cx, &key_alias(name), &old.kms_key_arn).await?;
    }
    // One read right after the waits above may still lag them: not found is waited out.
    let what = format!("Kinesis stream {name}");
    settling::until_seen(
        ctx,
        &what,
        || settling::vanished(&what, "vanished right after it was made"),
        || state::read(cx, name, Some(a)),
    )
    .await
}

async fn finish(
    cx: &AwsContext,
    ctx: &Ctx,
    a: &PipelineArgs,
    key: &kms::Key,
    tags: &std::collections::BTreeMap<String, String>,
) -> Result<()> {
    let view = stream::wait_active(cx, ctx, a.name()).await?;
    let view = stream::converge(cx, ctx, view, a, &key.arn, tags).await?;
    let producers = roles::principals(cx, &a.producer_principals).await?;
    let consumers = roles::principals(cx, &a.consumer_principals).await?;
    roles::ensure(
        cx,
        ctx,
        a.name(),
        &view.arn,
        &key.arn,
        &producers,
        &consumers,
        tags,
    )
    .await?;
    Ok(())
}

/// A failure once the stream exists: hand the engine what there is.
async fn partial(cx: &AwsContext, ctx: &Ctx, a: &PipelineArgs, cause: Error) -> Error {
    let known = PipelineState {
        args: a.clone(),
        ..PipelineState::default()
    };
    partial::report(
        ctx,
        a.name(),
        cause,
        known,
        state::read(cx, a.name(), Some(a)),
    )
    .await
}

/// Deletes roles, stream and (if owned) key; what is already gone is skipped.
pub async fn delete(cx: &AwsContext, ctx: &Ctx, name: &str, state: &PipelineState) -> Result<()> {
    cx.validate().await?;
    roles::delete(cx, ctx, name).await?;
    stream::delete(cx, ctx, name).await?;
    if state.kms_key_managed && !state.kms_key_arn.is_empty() {
        kms::retire(cx, &key_alias(name), &state.kms_key_arn).await?;
        ctx.info(format!(
            "scheduled deletion of KMS key {} (30 days)",
            state.kms_key_arn
        ))
        .await;
    }
    kms::sweep_orphans(cx, ctx).await;
    Ok(())
}
