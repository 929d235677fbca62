//! The state of a KinesisPipeline as AWS reports it: outputs, the inputs that would produce
//! it (so import and refresh need no program), and compliance.

use super::args::{EncryptionType, PipelineArgs, PipelineState, key_alias};
use super::{roles, stream};
use crate::aws::tags::user_tags;
use crate::aws::{AwsContext, kms};
use crate::compliance::{CMK_ROTATION, Compliance, KINESIS_STREAM_ENCRYPTED, LEAST_PRIVILEGE};
use crate::error::Result;

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
    let default = roles::principals(cx, &None).await.ok();
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
