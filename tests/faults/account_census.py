"""What an account-wide resource (the AccountBaseline) makes that ``harness.inventory`` does not
count, for the fault matrix's leak and duplicate checks.

``census(moto)`` maps each kind to the sorted ids of its live objects, as
``harness.inventory.inventory`` does, and is laid over it: CloudTrail trails, S3 buckets,
CloudWatch Logs metric filters, CloudWatch alarms, SNS topics and subscriptions, RDS event
subscriptions, AWS Backup
vaults, plans and their selections, report plans, AWS Config recorders and delivery channels, GuardDuty detectors, Security Hub and its enabled standards,
the IAM password policy, EBS encryption by default and the account's S3 Block Public Access.
It also recounts ``iam:role`` without
the service-linked roles (path ``/aws-service-role/``): AWS Config's is the account's, made at
the first recorder and kept when the baseline goes (docs/baseline.md).

A setting the account has one of (Security Hub, the password policy, EBS encryption by
default, S3 Block Public Access, the instance metadata defaults, snapshot and AMI block public
access) is one id while it is on and none while it is off, so that a setting left on after a
destroy shows as a leak like any object; so is each locked-down part of the default VPC.
"""

from collections import Counter

from botocore.exceptions import ClientError

from harness.inventory import _all

SERVICE_LINKED = "/aws-service-role/"


def _code(err):
    return err.response["Error"]["Code"]


def _hub(moto):
    """Security Hub's ARN and its enabled standards, or (None, [])."""
    hub = moto.client("securityhub")
    try:
        arn = hub.describe_hub()["HubArn"]
    except ClientError as err:
        if _code(err) in ("InvalidAccessException", "ResourceNotFoundException"):
            return None, []
        raise
    standards = [s["StandardsArn"] for s in
                 _all(hub, "get_enabled_standards", "StandardsSubscriptions")]
    return arn, standards


def _password_policy(moto):
    try:
        moto.client("iam").get_account_password_policy()
    except ClientError as err:
        if _code(err) == "NoSuchEntity":
            return False
        raise
    return True


def _public_access_block(moto):
    """The account's S3 Block Public Access settings that are on, or [] when it has none."""
    account = moto.client("sts").get_caller_identity()["Account"]
    try:
        got = moto.client("s3control").get_public_access_block(AccountId=account)
    except ClientError as err:
        if _code(err) == "NoSuchPublicAccessBlockConfiguration":
            return []
        raise
    return [name for name, on in got["PublicAccessBlockConfiguration"].items() if on]


def _ec2_defaults(moto):
    """The Region's instance metadata defaults set, and snapshot and AMI block public access
    when on."""
    ec2 = moto.client("ec2")
    snapshots = ec2.get_snapshot_block_public_access_state()["State"]
    images = ec2.get_image_block_public_access_state()["ImageBlockPublicAccessState"]
    return {
        "ec2:instance-metadata-defaults": [f"{k}={v}" for k, v in
                                           ec2.get_instance_metadata_defaults()["AccountLevel"].items()],
        "ec2:snapshot-block-public-access": [] if snapshots == "unblocked" else [snapshots],
        "ec2:image-block-public-access": [] if images == "unblocked" else [images],
    }


def _default_vpc_locked(moto):
    """What of the Region's default VPC is locked down, one id each: its default security group
    with no rule, its default network ACL letting nothing in, each subnet giving no public IP.
    As AWS makes it, none is; a lock-down left after a destroy shows as a leak. (Its flow logs
    are counted by ``inventory``.)"""
    ec2 = moto.client("ec2")
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    locked = []
    for vpc in vpcs:
        in_vpc = [{"Name": "vpc-id", "Values": [vpc["VpcId"]]}]
        for g in ec2.describe_security_groups(Filters=[*in_vpc, {"Name": "group-name", "Values": ["default"]}])[
                "SecurityGroups"]:
            if not g["IpPermissions"] and not g["IpPermissionsEgress"]:
                locked.append(f"{g['GroupId']} has no rule")
        for acl in ec2.describe_network_acls(Filters=[*in_vpc, {"Name": "default", "Values": ["true"]}])[
                "NetworkAcls"]:
            if not any(not e["Egress"] and e["RuleAction"] == "allow" for e in acl["Entries"]):
                locked.append(f"{acl['NetworkAclId']} lets nothing in")
        locked += [f"{s['SubnetId']} gives no public IP" for s in ec2.describe_subnets(Filters=in_vpc)["Subnets"]
                   if not s["MapPublicIpOnLaunch"]]
    return locked


def _subscriptions(moto):
    """One id per subscription. A subscription pending confirmation is listed without its ARN
    ("PendingConfirmation"), so each is named by its topic, protocol and endpoint, numbered
    when the same one is listed more than once (a subscription made twice counts twice)."""
    seen = Counter()
    ids = []
    for s in _all(moto.client("sns"), "list_subscriptions", "Subscriptions"):
        key = f"{s['TopicArn']} {s['Protocol']}:{s['Endpoint']}"
        seen[key] += 1
        ids.append(f"{key} #{seen[key]}")
    return ids


def _backup(moto):
    """AWS Backup's vaults, plans not deleted, and each plan's selections."""
    backup = moto.client("backup")
    plans = [p["BackupPlanId"] for p in _all(backup, "list_backup_plans", "BackupPlansList")]
    return {
        "backup:vault": [v["BackupVaultName"] for v in
                         _all(backup, "list_backup_vaults", "BackupVaultList")],
        "backup:plan": plans,
        "backup:selection": [f"{p} {s['SelectionName']}" for p in plans for s in
                             _all(backup, "list_backup_selections", "BackupSelectionsList",
                                  BackupPlanId=p)],
        "backup:report-plan": [p["ReportPlanName"] for p in backup.list_report_plans()["ReportPlans"]],
    }


def census(moto):
    """kind -> sorted ids of the live objects of each kind an AccountBaseline makes that
    ``inventory`` does not count, and ``iam:role`` without the service-linked roles."""
    logs, config = moto.client("logs"), moto.client("config")
    hub, standards = _hub(moto)
    found = {
        "cloudtrail:trail": [t["TrailARN"] for t in
                             moto.client("cloudtrail").describe_trails()["trailList"]],
        "s3:bucket": [b["Name"] for b in moto.client("s3").list_buckets().get("Buckets", [])],
        "logs:metric-filter": [f"{f['logGroupName']} {f['filterName']}" for f in
                               _all(logs, "describe_metric_filters", "metricFilters")],
        "cloudwatch:alarm": [a["AlarmName"] for a in
                             _all(moto.client("cloudwatch"), "describe_alarms", "MetricAlarms")],
        "sns:topic": [t["TopicArn"] for t in _all(moto.client("sns"), "list_topics", "Topics")],
        "sns:subscription": _subscriptions(moto),
        "rds:event-subscription": [s["CustSubscriptionId"] for s in _all(
            moto.client("rds"), "describe_event_subscriptions", "EventSubscriptionsList")],
        "iam:role": [r["RoleName"] for r in _all(moto.client("iam"), "list_roles", "Roles")
                     if not r["Path"].startswith(SERVICE_LINKED)],
        "config:recorder": [r["name"] for r in
                            config.describe_configuration_recorders()["ConfigurationRecorders"]],
        "config:delivery-channel": [c["name"] for c in
                                    config.describe_delivery_channels()["DeliveryChannels"]],
        "guardduty:detector": _all(moto.client("guardduty"), "list_detectors", "DetectorIds"),
        "securityhub:hub": [hub] if hub else [],
        "securityhub:standard": standards,
        "iam:password-policy": ["account"] if _password_policy(moto) else [],
        "ec2:ebs-encryption-by-default": (
            ["on"] if moto.client("ec2").get_ebs_encryption_by_default()["EbsEncryptionByDefault"]
            else []),
        "s3control:public-access-block": _public_access_block(moto),
        **_backup(moto),
        **_ec2_defaults(moto),
        "ec2:default-vpc-locked-down": _default_vpc_locked(moto),
    }
    return {kind: sorted(ids) for kind, ids in found.items()}
