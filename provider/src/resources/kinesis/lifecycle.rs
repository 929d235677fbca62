//! Create, update, read and delete of a KinesisPipeline, built on one idempotent
//! `converge`: whatever exists and is owned is adopted, whatever is missing is made.

use pulumi_provider::Ctx;

use super::args::{EncryptionType, PipelineArgs, PipelineState};
use super::{roles, stream};
use crate::aws::tags::{may_take, tags_for, user_tags};
use crate::aws::{AwsContext, kms, partial};
use crate::compliance::{CMK_ROTATION, Compliance, KINESIS_STREAM_ENCRYPTED, LEAST_PRIVILEGE};
use crate::error::{Error, Result};

pub fn key_alias(stream: &str) -> String {
    format!("alias/healthcare/kinesis/{stream}")
}

async fn principals(cx: &AwsContext, given: &Option<Vec<String>>) -> Result<Vec<String>> {
    match given {
        Some(list) if !list.is_empty() => Ok(list.clone()),
        _ => Ok(vec![format!(
            "arn:{}:iam::{}:root",
            cx.partition,
            cx.account().await?
        )]),
    }
}

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
    if let Some(v) = &existing
        && !may_take(ctx, v.tags.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    {
        return Err(Error::NotOwned {
            property: "streamName",
            what: format!("a Kinesis stream named {name}"),
        });
    }
    // A key the user names must exist before anything is made. A key of the resource's own
    // is made alongside the stream, which does not need it until it is encrypted.
    let given = kms::given(cx, a.kms_key_id.as_deref(), "kmsKeyId").await?;
    let key = key(cx, ctx, a, given);
    let create = async {
        if existing.is_none() {
            ctx.status(format!("creating Kinesis stream {name}")).await;
            stream::create(cx, ctx, a, &tags).await?;
        }
        Ok(())
    };
    let (key, created): (_, Result<()>) = futures::join!(key, create);
    created?;
    let key = match key {
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
    match read(cx, name, Some(a)).await? {
        Some(state) => Ok(state),
        None => Err(Error::Unexpected(format!(
            "Kinesis stream {name} vanished right after it was made"
        ))),
    }
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
    let producers = principals(cx, &a.producer_principals).await?;
    let consumers = principals(cx, &a.consumer_principals).await?;
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
    partial::report(ctx, a.name(), cause, known, read(cx, a.name(), Some(a))).await
}

/// Reads the pipeline back from AWS. `given` is the inputs as the program wrote them, so
/// values AWS spells differently (a key alias) keep the program's spelling.
pub async fn read(
    cx: &AwsContext,

    name: &str,
    given: Option<&PipelineArgs>,
) -> Result<Option<PipelineState>> {
    cx.validate().await?;
    let Some(v) = stream::describe(cx, name).await? else {
        return Ok(None);
    };
    // The key and the two roles are independent of each other: ask about them at once.
    let (producer_name, consumer_name) = (roles::producer_name(name), roles::consumer_name(name));
    let own_alias = key_alias(name);
    let (keyed, producer, consumer) = futures::join!(
        kms::observe(cx, v.key_id.as_deref(), &own_alias),
        crate::aws::iam::read_role(cx, &producer_name, roles::PRODUCER_POLICY),
        crate::aws::iam::read_role(cx, &consumer_name, roles::CONSUMER_POLICY),
    );
    let ((key, managed), producer, consumer) = (keyed?, producer?, consumer?);
    let key_arn = key.as_ref().map(|k| k.arn.clone()).unwrap_or_default();
    let kms_key_id = match given.and_then(|g| g.kms_key_id.clone()) {
        Some(id) if !managed => Some(id),
        _ if managed => None,
        _ => v.key_id.clone(),
    };
    let default = principals(cx, &None).await.ok();
    let default_principals =
        |found: Option<Vec<String>>, given: Option<&Option<Vec<String>>>| match (found, given) {
            (Some(found), Some(None)) if default.as_ref() == Some(&found) => None,
            (found, _) => found,
        };
    let user = user_tags(&v.tags, &cx.default_tags);
    let args = PipelineArgs {
        stream_name: Some(name.to_string()),
        stream_mode: Some(v.mode),
        shard_count: (v.mode == super::args::StreamMode::Provisioned).then_some(v.open_shards),
        retention_hours: Some(v.retention_hours),
        shard_level_metrics: Some(v.metrics.clone()),
        encryption_type: Some(if v.encrypted {
            EncryptionType::Kms
        } else {
            EncryptionType::None
        }),
        kms_key_id,
        producer_principals: default_principals(
            producer.as_ref().map(|r| r.principals.clone()),
            given.map(|g| &g.producer_principals),
        ),
        consumer_principals: default_principals(
            consumer.as_ref().map(|r| r.principals.clone()),
            given.map(|g| &g.consumer_principals),
        ),
        tags: if user.is_empty() && given.is_none_or(|g| g.tags.is_none()) {
            None
        } else {
            Some(user)
        },
    };
    let policies_tight = [&producer, &consumer].iter().all(|r| {
        r.as_ref()
            .and_then(|r| r.policy.as_ref())
            .is_some_and(roles::least_privilege)
    });
    let compliance = Compliance::new(vec![
        KINESIS_STREAM_ENCRYPTED.control(
            v.encrypted && key.is_some(),
            if v.encrypted {
                format!("SSE-KMS with {key_arn}")
            } else {
                "stream is not encrypted".into()
            },
        ),
        {
            let (rotation, evidence) = kms::Key::rotation_evidence(key.as_ref());
            CMK_ROTATION.control(rotation, evidence)
        },
        LEAST_PRIVILEGE.control(
            policies_tight,
            if policies_tight {
                "producer and consumer roles are scoped to this stream and key"
            } else {
                "a role is missing or its policy is broader than this stream and key"
            },
        ),
    ]);
    Ok(Some(PipelineState {
        args,
        stream_arn: v.arn.clone(),
        kms_key_arn: key_arn,
        kms_key_managed: managed,
        producer_role_arn: producer.map(|r| r.arn).unwrap_or_default(),
        producer_role_name: roles::producer_name(name),
        consumer_role_arn: consumer.map(|r| r.arn).unwrap_or_default(),
        consumer_role_name: roles::consumer_name(name),
        open_shard_count: v.open_shards,
        compliance: Some(compliance),
    }))
}

/// Deletes roles, stream and (if owned) key; what is already gone is skipped.
pub async fn delete(cx: &AwsContext, ctx: &Ctx, name: &str, state: &PipelineState) -> Result<()> {
    cx.validate().await?;
    roles::delete(cx, name).await?;
    stream::delete(cx, ctx, name).await?;
    if state.kms_key_managed && !state.kms_key_arn.is_empty() {
        kms::retire(cx, &key_alias(name), &state.kms_key_arn).await?;
        ctx.info(format!(
            "scheduled deletion of KMS key {} (30 days)",
            state.kms_key_arn
        ))
        .await;
    }
    Ok(())
}
