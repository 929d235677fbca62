//! The baseline's key and bucket policies: who may use the key and write to the buckets,
//! each service only on this account's behalf.

use serde_json::{Value as J, json};

use super::args::Names;

/// ARNs this account's parts go by.
pub struct Arns<'a> {
    pub partition: &'a str,
    pub region: &'a str,
    pub account: &'a str,
}

impl Arns<'_> {
    pub fn trail(&self, names: &Names) -> String {
        format!(
            "arn:{}:cloudtrail:{}:{}:trail/{}",
            self.partition, self.region, self.account, names.trail
        )
    }

    pub fn log_group(&self, names: &Names) -> String {
        format!(
            "arn:{}:logs:{}:{}:log-group:{}",
            self.partition, self.region, self.account, names.log_group
        )
    }

    pub fn bucket(&self, name: &str) -> String {
        format!("arn:{}:s3:::{name}", self.partition)
    }
}

/// The key: the account administers it; CloudTrail encrypts this trail's logs with it;
/// CloudWatch Logs uses it for the trail's group; CloudWatch alarms, RDS event notifications
/// and AWS Config use it to publish to the encrypted topic and deliver to the bucket, and log
/// delivery writes the default VPC's flow logs to the bucket with it, for this account only.
pub fn key(arns: &Arns<'_>, names: &Names, reports: bool) -> J {
    let account = arns.account;
    let trails = format!("arn:{}:cloudtrail:*:{account}:trail/*", arns.partition);
    let mut policy = json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "AccountAdministers", "Effect": "Allow",
         "Principal": {"AWS": format!("arn:{}:iam::{account}:root", arns.partition)},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "CloudTrailEncryptsThisTrail", "Effect": "Allow",
         "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "kms:GenerateDataKey*", "Resource": "*",
         "Condition": {"StringEquals": {"aws:SourceArn": arns.trail(names)},
                       "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": trails}}},
        {"Sid": "CloudTrailDescribes", "Effect": "Allow",
         "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "kms:DescribeKey", "Resource": "*",
         "Condition": {"StringEquals": {"aws:SourceArn": arns.trail(names)}}},
        {"Sid": "LogsUseForTheTrailGroup", "Effect": "Allow",
         "Principal": {"Service": format!("logs.{}.amazonaws.com", arns.region)},
         "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
         "Resource": "*",
         "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": arns.log_group(names)}}},
        {"Sid": "AlarmsEventsAndConfigDeliver", "Effect": "Allow",
         "Principal": {"Service": ["cloudwatch.amazonaws.com", "config.amazonaws.com",
                                   "events.rds.amazonaws.com"]},
         "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*",
         "Condition": {"StringEquals": {"aws:SourceAccount": account}}},
        {"Sid": "FlowLogsDeliver", "Effect": "Allow",
         "Principal": {"Service": "delivery.logs.amazonaws.com"},
         "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
         "Resource": "*",
         "Condition": {"StringEquals": {"aws:SourceAccount": account}}}
    ]});
    if reports {
        push(
            &mut policy,
            json!({"Sid": "BackupReportsDeliver", "Effect": "Allow",
            "Principal": {"AWS": super::reports::linked_role_arn(arns.partition, account)},
            "Action": "kms:GenerateDataKey", "Resource": "*"}),
        );
    }
    policy
}

/// Adds a statement to a policy document.
fn push(policy: &mut J, statement: J) {
    if let Some(list) = policy["Statement"].as_array_mut() {
        list.push(statement);
    }
}

/// Refuses every request to `bucket` not made over TLS.
fn tls_only(bucket: &str) -> J {
    json!({"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
           "Resource": [bucket, format!("{bucket}/*")],
           "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
}

/// The trail bucket: TLS only; this trail, this account's AWS Config and its VPC flow logs
/// may deliver.
pub fn log_bucket(arns: &Arns<'_>, names: &Names, reports: bool) -> J {
    let bucket = arns.bucket(&names.bucket);
    let account = arns.account;
    let trail = arns.trail(names);
    let mut policy = json!({"Version": "2012-10-17", "Statement": [
        tls_only(&bucket),
        {"Sid": "CloudTrailChecksAcl", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:GetBucketAcl", "Resource": bucket,
         "Condition": {"StringEquals": {"aws:SourceArn": trail}}},
        {"Sid": "CloudTrailWrites", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": format!("{bucket}/AWSLogs/{account}/*"),
         "Condition": {"StringEquals": {"aws:SourceArn": trail, "s3:x-amz-acl": "bucket-owner-full-control"}}},
        {"Sid": "ConfigChecksAcl", "Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"},
         "Action": ["s3:GetBucketAcl", "s3:ListBucket"], "Resource": bucket,
         "Condition": {"StringEquals": {"aws:SourceAccount": account}}},
        {"Sid": "ConfigWrites", "Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": format!("{bucket}/config/AWSLogs/{account}/Config/*"),
         "Condition": {"StringEquals": {"aws:SourceAccount": account, "s3:x-amz-acl": "bucket-owner-full-control"}}},
        {"Sid": "AWSLogDeliveryAclCheck", "Effect": "Allow", "Principal": {"Service": "delivery.logs.amazonaws.com"},
         "Action": "s3:GetBucketAcl", "Resource": bucket,
         "Condition": {"StringEquals": {"aws:SourceAccount": account}}},
        {"Sid": "AWSLogDeliveryWrite", "Effect": "Allow", "Principal": {"Service": "delivery.logs.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": format!("{bucket}/AWSLogs/{account}/vpcflowlogs/*"),
         "Condition": {"StringEquals": {"aws:SourceAccount": account, "s3:x-amz-acl": "bucket-owner-full-control"}}}
    ]});
    if reports {
        push(
            &mut policy,
            json!({"Sid": "BackupReportsDeliver", "Effect": "Allow",
            "Principal": {"AWS": super::reports::linked_role_arn(arns.partition, account)},
            "Action": "s3:PutObject",
            "Resource": format!("{bucket}/{}/*", super::reports::PREFIX),
            "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}}),
        );
    }
    policy
}

/// The access-log bucket: TLS only; S3 server access logging delivers the trail bucket's logs.
pub fn access_bucket(arns: &Arns<'_>, names: &Names) -> J {
    let bucket = arns.bucket(&names.access_bucket);
    json!({"Version": "2012-10-17", "Statement": [
        tls_only(&bucket),
        {"Sid": "ServerAccessLogsDeliver", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": format!("{bucket}/{}*", ACCESS_PREFIX),
         "Condition": {"ArnLike": {"aws:SourceArn": arns.bucket(&names.bucket)},
                       "StringEquals": {"aws:SourceAccount": arns.account}}}
    ]})
}

/// Where the trail bucket's access logs go in the access-log bucket.
pub const ACCESS_PREFIX: &str = "trail-bucket/";
/// Where AWS Config delivers in the trail bucket.
pub const CONFIG_PREFIX: &str = "config";
