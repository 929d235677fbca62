//! Validation and defaults of KinesisPipeline inputs.

use pulumi_provider::{CheckCtx, CheckFailure, NameRules};

use super::args::{ALL_METRICS, DEFAULT_RETENTION_HOURS, EncryptionType, PipelineArgs, StreamMode};
use crate::compliance::KINESIS_STREAM_ENCRYPTED;

const MAX_SHARDS: i64 = 10_000;

/// Role names derive from the stream name (`<stream>-producer`), and IAM allows 64 characters.
const NAME_RULES: NameRules = NameRules {
    max_len: 55,
    allowed: |c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'),
};

pub fn check(
    ctx: &mut CheckCtx,
    mut a: PipelineArgs,
    olds: Option<&PipelineArgs>,
) -> (PipelineArgs, Vec<CheckFailure>) {
    let mut failures = Vec::new();
    let previous = olds.and_then(|o| o.stream_name.as_deref());
    match ctx.physical_name("streamName", a.stream_name.take(), previous, NAME_RULES) {
        Ok(name) => a.stream_name = Some(name),
        Err(f) => failures.push(f),
    }
    let mode = a.mode();
    a.stream_mode = Some(mode);
    match (mode, a.shard_count) {
        (StreamMode::Provisioned, None) => a.shard_count = Some(1),
        (StreamMode::Provisioned, Some(n)) if !(1..=MAX_SHARDS).contains(&n) => {
            failures.push(CheckFailure::new(
                "shardCount",
                format!("must be between 1 and {MAX_SHARDS}, got {n}"),
            ));
        }
        (StreamMode::OnDemand, Some(_)) => {
            failures.push(CheckFailure::new(
                "shardCount",
                "an ON_DEMAND stream scales by itself; leave shardCount unset",
            ));
        }
        _ => {}
    }
    let retention = *a.retention_hours.get_or_insert(DEFAULT_RETENTION_HOURS);
    if !(24..=8760).contains(&retention) {
        failures.push(CheckFailure::new(
            "retentionHours",
            format!("must be between 24 and 8760 hours, got {retention}"),
        ));
    }
    let metrics = a
        .shard_level_metrics
        .get_or_insert_with(|| ALL_METRICS.iter().map(|m| m.to_string()).collect());
    if metrics.iter().any(|m| m == "ALL") {
        *metrics = ALL_METRICS.iter().map(|m| m.to_string()).collect();
    }
    metrics.sort();
    metrics.dedup();
    for (i, m) in metrics.iter().enumerate() {
        if !ALL_METRICS.contains(&m.as_str()) {
            failures.push(CheckFailure::new(
                format!("shardLevelMetrics[{i}]"),
                format!(
                    "{m:?} is not a shard-level metric; known: {}",
                    ALL_METRICS.join(", ")
                ),
            ));
        }
    }
    if a.encryption_type.unwrap_or_default() == EncryptionType::None {
        failures.push(CheckFailure::new(
            "encryptionType",
            KINESIS_STREAM_ENCRYPTED.violation("stream data must be encrypted at rest with KMS"),
        ));
    }
    a.encryption_type = Some(EncryptionType::Kms);
    if a.kms_key_id.as_deref() == Some("") {
        failures.push(CheckFailure::new(
            "kmsKeyId",
            "must name a KMS key (id, ARN or alias/...) or be left out",
        ));
    }
    for (prop, list) in [
        ("producerPrincipals", &mut a.producer_principals),
        ("consumerPrincipals", &mut a.consumer_principals),
    ] {
        let Some(list) = list else { continue };
        list.sort();
        list.dedup();
        for (i, p) in list.iter().enumerate() {
            if p.contains(['*', '?']) {
                failures.push(CheckFailure::new(
                    format!("{prop}[{i}]"),
                    format!(
                        "{p:?} is a wildcard: it would let every AWS account assume this role, \
                         reach the stream's protected health information and use its key. Name \
                         the accounts (123456789012), roles (arn:aws:iam::123456789012:role/x) \
                         or AWS services (firehose.amazonaws.com) that may"
                    ),
                ));
            } else if !valid_principal(p) {
                failures.push(CheckFailure::new(
                    format!("{prop}[{i}]"),
                    format!("{p:?} is not an IAM principal ARN, account id or service principal"),
                ));
            }
        }
    }
    for key in a.tags.iter().flatten().map(|(k, _)| k) {
        if key.to_ascii_lowercase().starts_with("aws:") || key.len() > 128 {
            failures.push(CheckFailure::new(
                format!("tags.{key}"),
                "tag keys are at most 128 characters and may not start with aws:",
            ));
        }
    }
    (a, failures)
}

fn valid_principal(p: &str) -> bool {
    (p.starts_with("arn:aws") && p.contains(":iam::"))
        || (p.len() == 12 && p.chars().all(|c| c.is_ascii_digit()))
        || p.ends_with(".amazonaws.com")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(a: PipelineArgs) -> (PipelineArgs, Vec<CheckFailure>) {
        let mut ctx = CheckCtx::default();
        check(&mut ctx, a, None)
    }

    #[test]
    fn defaults_are_safe_and_complete() {
        let (a, f) = run(PipelineArgs {
            stream_name: Some("events".into()),
            ..Default::default()
        });
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(a.shard_count, Some(1));
        assert_eq!(a.retention_hours, Some(168));
        assert_eq!(a.encryption_type, Some(EncryptionType::Kms));
        assert_eq!(a.metrics().len(), 7);
    }

    #[test]
    fn no_principal_may_be_a_wildcard() {
        for wild in [
            "*",
            "arn:aws:iam::*:root",
            "arn:aws:iam::123456789012:role/*",
            "*.amazonaws.com",
        ] {
            let (_, f) = run(PipelineArgs {
                stream_name: Some("events".into()),
                producer_principals: Some(vec!["123456789012".into()]),
                consumer_principals: Some(vec![wild.into()]),
                ..Default::default()
            });
            assert_eq!(f.len(), 1, "{wild}: {f:?}");
            assert_eq!(f[0].property, "consumerPrincipals[0]");
            assert!(f[0].reason.contains("wildcard"), "{}", f[0].reason);
        }
    }

    #[test]
    fn bad_values_fail_on_their_own_properties() {
        let (_, f) = run(PipelineArgs {
            stream_name: Some("events".into()),
            shard_count: Some(0),
            retention_hours: Some(12),
            encryption_type: Some(EncryptionType::None),
            shard_level_metrics: Some(vec!["Bogus".into()]),
            producer_principals: Some(vec!["someone".into()]),
            ..Default::default()
        });
        let props: Vec<&str> = f.iter().map(|f| f.property.as_str()).collect();
        assert_eq!(
            props,
            vec![
                "shardCount",
                "retentionHours",
                "shardLevelMetrics[0]",
                "encryptionType",
                "producerPrincipals[0]"
            ]
        );
        assert!(f[3].reason.contains("kinesis-stream-encrypted"));
    }

    #[test]
    fn on_demand_streams_take_no_shard_count() {
        let (_, f) = run(PipelineArgs {
            stream_name: Some("events".into()),
            stream_mode: Some(StreamMode::OnDemand),
            shard_count: Some(2),
            ..Default::default()
        });
        assert_eq!(f[0].property, "shardCount");
    }
}
