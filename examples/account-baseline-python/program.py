"""The account's audit controls as one resource: healthcare.AccountBaseline makes the trail, its
locked and encrypted bucket and log group, the security-event alarms, AWS Config, GuardDuty,
Security Hub, EBS encryption by default and the IAM password policy."""

import pulumi
import pulumi_healthcare as healthcare


def program():
    baseline = healthcare.AccountBaseline(
        "baseline",
        # Each address must confirm its subscription before alarms reach it.
        alarm_emails=["security@example.com", "privacy-officer@example.com"],
        # Also record S3 object reads and writes of every bucket (billed per event).
        s3_data_events=True,
        tags={"data-classification": "audit"})
    pulumi.export("trailArn", baseline.trail_arn)
    pulumi.export("logBucketName", baseline.log_bucket_name)
    pulumi.export("accessLogBucketName", baseline.access_log_bucket_name)
    pulumi.export("logGroupName", baseline.log_group_name)
    pulumi.export("kmsKeyArn", baseline.kms_key_arn)
    pulumi.export("alarmTopicArn", baseline.alarm_topic_arn)
    pulumi.export("alarmNames", baseline.alarm_names)
    pulumi.export("configRecorderName", baseline.config_recorder_name)
    pulumi.export("guardDutyDetectorId", baseline.guard_duty_detector_id)
    pulumi.export("securityHubArn", baseline.security_hub_arn)
    pulumi.export("parts", baseline.parts)
    pulumi.export("retainedOnDelete", baseline.retained_on_delete)
    pulumi.export("compliance", baseline.compliance)
