//! The producer and consumer roles: least privilege on exactly this stream and key.

use std::collections::BTreeMap;

use pulumi_provider::Ctx;
use serde_json::{Value as J, json};

use crate::aws::AwsContext;
use crate::aws::iam::{self, RoleSpec};
use crate::error::Result;

pub const PRODUCER_POLICY: &str = "kinesis-producer";
pub const CONSUMER_POLICY: &str = "kinesis-consumer";

pub fn producer_name(stream: &str) -> String {
    format!("{stream}-producer")
}

pub fn consumer_name(stream: &str) -> String {
    format!("{stream}-consumer")
}

/// Put records into this stream; encrypt with its key.
pub fn producer_policy(stream_arn: &str, key_arn: &str) -> J {
    json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "WriteStream", "Effect": "Allow",
         "Action": ["kinesis:DescribeStreamSummary", "kinesis:ListShards", "kinesis:PutRecord", "kinesis:PutRecords"],
         "Resource": stream_arn},
        {"Sid": "EncryptWithStreamKey", "Effect": "Allow", "Action": ["kms:GenerateDataKey"], "Resource": key_arn}
    ]})
}

/// Read records from this stream (shared or enhanced fan-out); decrypt with its key.
pub fn consumer_policy(stream_arn: &str, key_arn: &str) -> J {
    json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "ReadStream", "Effect": "Allow",
         "Action": ["kinesis:DescribeStream", "kinesis:DescribeStreamConsumer", "kinesis:DescribeStreamSummary",
                    "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards", "kinesis:ListStreamConsumers",
                    "kinesis:RegisterStreamConsumer", "kinesis:SubscribeToShard"],
         "Resource": [stream_arn, format!("{stream_arn}/consumer/*")]},
        {"Sid": "DecryptWithStreamKey", "Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": key_arn}
    ]})
}

#[allow(clippy::too_many_arguments)]
pub async fn ensure(
    cx: &AwsContext,
    ctx: &Ctx,
    stream: &str,
    stream_arn: &str,
    key_arn: &str,
    producers: &[String],
    consumers: &[String],
    tags: &BTreeMap<String, String>,
) -> Result<()> {
    let (producer, consumer) = (producer_name(stream), consumer_name(stream));
    let (producer_spec, consumer_spec) = (
        RoleSpec {
            name: &producer,
            property: Some("streamName"),
            description: &format!("Writes to the Kinesis stream {stream}"),
            principals: producers,
            policy_name: PRODUCER_POLICY,
            policy: producer_policy(stream_arn, key_arn),
            tags,
        },
        RoleSpec {
            name: &consumer,
            property: Some("streamName"),
            description: &format!("Reads from the Kinesis stream {stream}"),
            principals: consumers,
            policy_name: CONSUMER_POLICY,
            policy: consumer_policy(stream_arn, key_arn),
            tags,
        },
    );
    // The two roles are independent: made at once, each to the end, then the first
    // failure is reported.
    let (made_producer, made_consumer) = futures::join!(
        iam::ensure_role(cx, ctx, &producer_spec),
        iam::ensure_role(cx, ctx, &consumer_spec),
    );
    made_producer?;
    made_consumer?;
    Ok(())
}

pub async fn delete(cx: &AwsContext, ctx: &Ctx, stream: &str) -> Result<()> {
    iam::delete_role(cx, ctx, &producer_name(stream), PRODUCER_POLICY).await?;
    iam::delete_role(cx, ctx, &consumer_name(stream), CONSUMER_POLICY).await
}

/// True when a policy grants only named actions on named resources (no wildcards).
pub fn least_privilege(policy: &J) -> bool {
    policy["Statement"].as_array().is_some_and(|ss| {
        ss.iter().all(|s| {
            let actions: Vec<&J> = match &s["Action"] {
                J::Array(a) => a.iter().collect(),
                other => vec![other],
            };
            let resources: Vec<&J> = match &s["Resource"] {
                J::Array(a) => a.iter().collect(),
                other => vec![other],
            };
            actions
                .iter()
                .all(|a| a.as_str().is_some_and(|a| !a.contains('*')))
                && resources
                    .iter()
                    .all(|r| r.as_str().is_some_and(|r| r != "*"))
        })
    })
}

/// The principals a role trusts: the given ones, else the account itself.
pub async fn principals(cx: &AwsContext, given: &Option<Vec<String>>) -> Result<Vec<String>> {
    match given {
        Some(list) if !list.is_empty() => Ok(list.clone()),
        _ => Ok(vec![format!(
            "arn:{}:iam::{}:root",
            cx.partition,
            cx.account().await?
        )]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policies_are_least_privilege_and_wildcards_are_caught() {
        let arn = "arn:aws:kinesis:us-east-1:123456789012:stream/s";
        let key = "arn:aws:kms:us-east-1:123456789012:key/k";
        assert!(least_privilege(&producer_policy(arn, key)));
        assert!(least_privilege(&consumer_policy(arn, key)));
        let broad = json!({"Statement": [{"Action": "kinesis:*", "Resource": arn}]});
        assert!(!least_privilege(&broad));
        let anywhere = json!({"Statement": [{"Action": "kinesis:PutRecord", "Resource": "*"}]});
        assert!(!least_privilege(&anywhere));
    }
}
