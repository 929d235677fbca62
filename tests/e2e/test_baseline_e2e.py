"""healthcare:index:AccountBaseline through the real pulumi CLI against moto: the account's audit
controls made, read back from AWS setting by setting, changed in place, and deleted. Delete keeps
the audit evidence (the log buckets, the trail's log group and the key) and removes the rest.
Prowler, an auditor the project did not write, runs its fifteen metric-filter checks (CIS AWS
Foundations 4.1 to 4.15) against the first test's baseline. The examples
(examples/account-baseline, examples/account-baseline-python) run here too.

A baseline takes over parts an account has only one of: the password policy, the GuardDuty
detector, Security Hub, the Config recorder and EBS encryption by default. Every test of this file
has an emulator of its own (the `moto` fixture below overrides the per-process one of
tests/conftest.py, and the `proxy` and `new_stack` fixtures follow it). So each test starts from an
empty account, another test file run in the same process never finds a baseline's parts or its
retained buckets, and the emulator goes away with everything in it when the test ends, whether the
test passed or not.
"""

import importlib.util
import json
import re
import threading
import time
from urllib.parse import unquote

import pytest
import yaml
from botocore.exceptions import ClientError

from audit.prowler import Scan
from harness.faultproxy import is_write
from harness.inline import inline_stack, quiet
from harness.moto_process import ACCOUNT_ID, REGION, MotoServer
from pulumi_cli import REPO

EXAMPLES = REPO / "examples"
TOKEN = "healthcare:index:AccountBaseline"
TAGS = {"owner": "security-office"}

# Each security event's metric filter and alarm, and the Prowler check (CIS AWS Foundations
# 4.1 to 4.15) it satisfies; docs/baseline.md has the same table.
EVENTS = {
    "UnauthorizedApiCalls": "cloudwatch_log_metric_filter_unauthorized_api_calls",
    "ConsoleSignInWithoutMfa": "cloudwatch_log_metric_filter_sign_in_without_mfa",
    "RootAccountUsage": "cloudwatch_log_metric_filter_root_usage",
    "IamPolicyChanges": "cloudwatch_log_metric_filter_policy_changes",
    "CloudTrailChanges": "cloudwatch_log_metric_filter_and_alarm_for_cloudtrail_configuration_changes_enabled",
    "ConsoleAuthenticationFailures": "cloudwatch_log_metric_filter_authentication_failures",
    "KmsKeyDisabledOrDeleted": "cloudwatch_log_metric_filter_disable_or_scheduled_deletion_of_kms_cmk",
    "S3BucketPolicyChanges": "cloudwatch_log_metric_filter_for_s3_bucket_policy_changes",
    "ConfigChanges": "cloudwatch_log_metric_filter_and_alarm_for_aws_config_configuration_changes_enabled",
    "SecurityGroupChanges": "cloudwatch_log_metric_filter_security_group_changes",
    "NetworkAclChanges": "cloudwatch_changes_to_network_acls_alarm_configured",
    "NetworkGatewayChanges": "cloudwatch_changes_to_network_gateways_alarm_configured",
    "RouteTableChanges": "cloudwatch_changes_to_network_route_tables_alarm_configured",
    "VpcChanges": "cloudwatch_changes_to_vpcs_alarm_configured",
    "OrganizationsChanges": "cloudwatch_log_metric_filter_aws_organizations_changes",
}
DEFAULT_STANDARDS = ["aws-foundational-security-best-practices/v/1.0.0", "cis-aws-foundations-benchmark/v/1.4.0"]
PARTS = ("configRecorder", "guardDuty", "securityHub", "passwordPolicy", "ebsEncryption", "s3PublicAccessBlock",
         "imdsDefaults", "snapshotBlockPublicAccess", "imageBlockPublicAccess", "defaultVpc")
ADOPTABLE = ("configRecorder", "guardDuty", "securityHub", "passwordPolicy", "s3PublicAccessBlock", "imdsDefaults",
             "snapshotBlockPublicAccess", "defaultVpc")
BLOCK_ALL = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
             "RestrictPublicBuckets": True}
# The addresses both examples notify.
EXAMPLE_EMAILS = ["privacy-officer@example.com", "security@example.com"]
STRICT_PASSWORDS = {"RequireSymbols": True, "RequireNumbers": True, "RequireUppercaseCharacters": True,
                    "RequireLowercaseCharacters": True, "AllowUsersToChangePassword": True}


@pytest.fixture
def moto():
    """An emulator for this test alone: a fresh account, discarded at the end of the test (after
    the `new_stack` fixture has destroyed what is left of its stacks)."""
    with MotoServer() as server:
        yield server


def program(**props):
    props = {"alarmEmails": ["security@example.com"], "tags": TAGS, **props}
    return {"resources": {"baseline": {"type": TOKEN, "properties": props}},
            "outputs": {"trailArn": "${baseline.trailArn}", "retained": "${baseline.retainedOnDelete}",
                        "parts": "${baseline.parts}", "compliant": "${baseline.compliance.compliant}"}}


def yaml_example(name):
    """The example's program, less what the test stack sets itself (name, runtime, plugins)."""
    example = yaml.safe_load((EXAMPLES / name / "Pulumi.yaml").read_text())
    return {k: example[k] for k in ("config", "resources", "outputs") if k in example}


def python_example(name):
    """The `program` function of a Python example (its program.py)."""
    spec = importlib.util.spec_from_file_location(f"{name}.program", EXAMPLES / name / "program.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.program


def outputs(stack):
    """The baseline's outputs as the stack's state holds them."""
    [resource] = stack.resources(TOKEN)
    return resource["outputs"]


def _code(err):
    return err.response["Error"]["Code"]


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _document(doc):
    """An IAM policy document, whether boto3 decoded it or not."""
    return json.loads(unquote(doc)) if isinstance(doc, str) else doc


def _missing(call, *codes, **kwargs):
    """True when `call` answers one of the error codes (the object does not exist)."""
    try:
        call(**kwargs)
    except ClientError as err:
        if _code(err) in codes:
            return True
        raise
    return False


# ----------------------------------------------------------------------------------------------
# What the account holds


def customer_keys(moto):
    """Customer-managed keys not pending deletion."""
    kms = moto.client("kms")
    keys = []
    for key in kms.list_keys()["Keys"]:
        meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
        if meta.get("KeyManager") == "CUSTOMER" and meta["KeyState"] != "PendingDeletion":
            keys.append(meta["Arn"])
    return sorted(keys)


def hub_arn(moto):
    try:
        return moto.client("securityhub").describe_hub()["HubArn"]
    except ClientError as err:
        if _code(err) in ("InvalidAccessException", "ResourceNotFoundException"):
            return None
        raise


def password_policy(moto):
    try:
        return moto.client("iam").get_account_password_policy()["PasswordPolicy"]
    except ClientError as err:
        if _code(err) == "NoSuchEntity":
            return None
        raise


def account_public_access_block(moto):
    """The account's S3 Block Public Access settings, or None."""
    try:
        return moto.client("s3control").get_public_access_block(AccountId=ACCOUNT_ID)[
            "PublicAccessBlockConfiguration"]
    except ClientError as err:
        if _code(err) == "NoSuchPublicAccessBlockConfiguration":
            return None
        raise


def ec2_defaults(moto):
    """The Region's instance metadata defaults and snapshot and AMI block public access."""
    ec2 = moto.client("ec2")
    return {"instance metadata defaults": ec2.get_instance_metadata_defaults()["AccountLevel"],
            "snapshot block public access": ec2.get_snapshot_block_public_access_state()["State"],
            "image block public access": ec2.get_image_block_public_access_state()["ImageBlockPublicAccessState"]}


def default_vpc(moto):
    """The Region's default VPC as the baseline locks it down and puts it back: its flow logs, its
    default security group's rules, its default network ACL's inbound entries and whether each of
    its subnets gives public IPs."""
    ec2 = moto.client("ec2")
    [vpc] = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    in_vpc = [{"Name": "vpc-id", "Values": [vpc["VpcId"]]}]
    [group] = ec2.describe_security_groups(Filters=[*in_vpc, {"Name": "group-name", "Values": ["default"]}])[
        "SecurityGroups"]
    [acl] = ec2.describe_network_acls(Filters=[*in_vpc, {"Name": "default", "Values": ["true"]}])["NetworkAcls"]
    flow_logs = ec2.describe_flow_logs(Filter=[{"Name": "resource-id", "Values": [vpc["VpcId"]]}])["FlowLogs"]
    return {
        "default vpc flow logs": sorted((f["LogDestinationType"], f.get("LogDestination"), f["TrafficType"])
                                        for f in flow_logs),
        "default security group rules": sorted(json.dumps(p, sort_keys=True) for p in
                                               group["IpPermissions"] + group["IpPermissionsEgress"]),
        "default network acl inbound": sorted((e["RuleNumber"], e["RuleAction"], e.get("CidrBlock"))
                                              for e in acl["Entries"] if not e["Egress"]),
        "default subnets giving public ips": sorted(s["MapPublicIpOnLaunch"] for s in ec2.describe_subnets(
            Filters=in_vpc)["Subnets"]),
    }


def account(moto):
    """Everything of the account (in the stack's region) that a baseline makes or takes over."""
    s3, logs, config = moto.client("s3"), moto.client("logs"), moto.client("config")
    return {
        "trails": sorted(t["TrailARN"] for t in moto.client("cloudtrail").describe_trails()["trailList"]),
        "topics": sorted(t["TopicArn"] for t in moto.client("sns").list_topics()["Topics"]),
        "buckets": sorted(b["Name"] for b in s3.list_buckets().get("Buckets", [])),
        "log groups": sorted(g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]),
        "metric filters": sorted(f["filterName"] for f in logs.describe_metric_filters()["metricFilters"]),
        "alarms": sorted(a["AlarmName"] for a in moto.client("cloudwatch").describe_alarms()["MetricAlarms"]),
        "rds event subscriptions": sorted(s["CustSubscriptionId"] for s in moto.client(
            "rds").describe_event_subscriptions()["EventSubscriptionsList"]),
        # AWS Config's service-linked role is the account's, shared by its recorders in every
        # region, and stays (docs/baseline.md).
        "roles": sorted(r["RoleName"] for r in moto.client("iam").list_roles()["Roles"]
                        if not r["Path"].startswith("/aws-service-role/")),
        "keys": customer_keys(moto),
        "config recorders": sorted(r["name"] for r in config.describe_configuration_recorders()[
            "ConfigurationRecorders"]),
        "delivery channels": sorted(c["name"] for c in config.describe_delivery_channels()["DeliveryChannels"]),
        "guardduty detectors": sorted(moto.client("guardduty").list_detectors()["DetectorIds"]),
        **backups(moto),
        "security hub": hub_arn(moto),
        "password policy": password_policy(moto),
        "ebs encryption by default": moto.client("ec2").get_ebs_encryption_by_default()["EbsEncryptionByDefault"],
        "s3 account public access block": account_public_access_block(moto),
        **ec2_defaults(moto),
        **default_vpc(moto),
    }


def backups(moto):
    """AWS Backup's vaults, its plans not deleted, and their selections, by name."""
    backup = moto.client("backup")
    plans = {p["BackupPlanName"]: p["BackupPlanId"] for p in backup.list_backup_plans()["BackupPlansList"]}
    return {
        "backup vaults": sorted(v["BackupVaultName"] for v in backup.list_backup_vaults()["BackupVaultList"]),
        "backup plans": sorted(plans),
        "backup selections": sorted(f"{plan} {s['SelectionName']}" for plan, plan_id in plans.items()
                                    for s in backup.list_backup_selections(
                                        BackupPlanId=plan_id)["BackupSelectionsList"]),
        "backup report plans": sorted(p["ReportPlanName"] for p in backup.list_report_plans()["ReportPlans"]),
    }


# ----------------------------------------------------------------------------------------------
# Reading one baseline back


def names(name):
    """Every name the interface derives from baselineName."""
    stem = f"{name}-{ACCOUNT_ID}-{REGION}".lower()
    return {"trail": name, "bucket": f"{stem}-trail", "access bucket": f"{stem}-access",
            "log group": f"/healthcare/baseline/{name}/cloudtrail", "topic": f"{name}-security-alarms",
            "logs role": f"{name}-cloudtrail-logs", "backup role": f"{name}-backup",
            "backup vault": f"{name}-backups", "backup plan": f"{name}-databases",
            "report plan": f"healthcare_{name.replace('-', '_')}_backup_jobs",
            "alias": f"alias/healthcare/baseline/{name}", "namespace": f"Healthcare/Baseline/{name}",
            "alarms": sorted(f"{name}-{event}" for event in EVENTS)}


def recorded(cloudtrail, trail):
    """What the trail's event selectors record, basic or advanced: management events and S3
    object-level events of every bucket, each as a set of "read" and "write"."""
    answer = cloudtrail.get_event_selectors(TrailName=trail)
    rw_of = {"All": {"read", "write"}, "ReadOnly": {"read"}, "WriteOnly": {"write"}}
    management, s3_data = set(), set()
    for selector in answer.get("EventSelectors") or []:
        rw = rw_of[selector.get("ReadWriteType", "All")]
        if selector.get("IncludeManagementEvents", True) and not selector.get("ExcludeManagementEventSources"):
            management |= rw
        for data in selector.get("DataResources") or []:
            if data["Type"] == "AWS::S3::Object" and {"arn:aws:s3", "arn:aws:s3:::"} & set(data["Values"]):
                s3_data |= rw
    for selector in answer.get("AdvancedEventSelectors") or []:
        fields = {f["Field"]: f for f in selector["FieldSelectors"]}
        read_only = fields.pop("readOnly", {}).get("Equals")
        rw = {"read", "write"} if read_only is None else {"read"} if read_only == ["true"] else {"write"}
        category = fields.pop("eventCategory", {}).get("Equals")
        if category == ["Management"] and not fields:
            management |= rw
        elif category == ["Data"] and fields.pop("resources.type", {}).get("Equals") == ["AWS::S3::Object"]:
            arn = fields.pop("resources.ARN", None)
            every_bucket = arn is None or set(arn) == {"Field", "StartsWith"} and \
                {"arn:aws:s3", "arn:aws:s3:::"} & set(arn["StartsWith"])
            if every_bucket and not fields:
                s3_data |= rw
    return {"management": management, "s3 data": s3_data}


def _policy_statements(policy_text):
    return _as_list(json.loads(policy_text)["Statement"])


def denies_insecure_transport(s3, bucket):
    """The bucket policy denies every S3 action on the bucket and its objects without TLS."""
    for s in _policy_statements(s3.get_bucket_policy(Bucket=bucket)["Policy"]):
        condition = s.get("Condition", {}).get("Bool", {})
        if (s["Effect"] == "Deny" and s.get("Principal") in ("*", {"AWS": "*"})
                and "s3:*" in _as_list(s["Action"])
                and [str(v).lower() for v in _as_list(condition.get("aws:SecureTransport"))] == ["false"]
                and {f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"} <= set(_as_list(s["Resource"]))):
            return True
    return False


def service_writes(s3, bucket, service, trail):
    """The bucket policy's statements letting `service` put objects in the bucket, and whether
    one of them does so for this account only: CloudTrail for this trail (aws:SourceArn), AWS
    Config for this account (aws:SourceAccount)."""
    found, for_this_account = [], False
    for s in _policy_statements(s3.get_bucket_policy(Bucket=bucket)["Policy"]):
        principal = s.get("Principal")
        services = _as_list(principal.get("Service")) if isinstance(principal, dict) else []
        if s["Effect"] == "Allow" and service in services and "s3:PutObject" in _as_list(s["Action"]):
            found.append(s)
            conditions = {k.lower(): _as_list(v) for op in s.get("Condition", {}).values() for k, v in op.items()}
            scoped = (conditions.get("aws:sourcearn") == [trail] if service.startswith("cloudtrail.")
                      else conditions.get("aws:sourceaccount") == [ACCOUNT_ID])
            for_this_account |= (all(r.startswith(f"arn:aws:s3:::{bucket}/") for r in _as_list(s["Resource"]))
                                 and scoped)
    return found, for_this_account


def role_statements(iam, role):
    """Every statement of the role's inline and customer-managed policies."""
    statements = []
    for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        statements += _as_list(_document(iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"])[
            "Statement"])
    for attached in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]:
        arn = attached["PolicyArn"]
        if arn.startswith("arn:aws:iam::aws:"):
            continue
        version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
        statements += _as_list(_document(iam.get_policy_version(PolicyArn=arn, VersionId=version)[
            "PolicyVersion"]["Document"])["Statement"])
    return statements


def trusts(iam, role, service):
    """The role exists and `service` may assume it."""
    try:
        trust = _document(iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"])
    except ClientError as err:
        if _code(err) == "NoSuchEntity":
            return False
        raise
    return any(s["Effect"] == "Allow" and "sts:AssumeRole" in _as_list(s["Action"])
               and service in _as_list((s.get("Principal") or {}).get("Service"))
               for s in _as_list(trust["Statement"]))


def aws_principals(statement):
    """The AWS principals a policy statement names ("*" is a principal of its own)."""
    principal = statement.get("Principal") or {}
    return _as_list(principal.get("AWS") if isinstance(principal, dict) else principal)


def tag_map(tags):
    """Tags as AWS answers them (a dict, or a list of Key/Value, key/value or TagKey/TagValue) as a dict."""
    if isinstance(tags, dict):
        return tags
    return {t.get("Key", t.get("key", t.get("TagKey"))): t.get("Value", t.get("value", t.get("TagValue")))
            for t in tags}


def check_baseline(moto, out, emails, retention, s3_data_events, backup_days=35):
    """Every setting the interface names, read from AWS, against the baseline's outputs. Returns
    the problems found (an empty list when all is as specified)."""
    problems = []

    def expect(what, got, want):
        if got != want:
            problems.append(f"{what}: AWS says {got!r}, expected {want!r}")

    def tagged(what, tags):
        missing = {k: v for k, v in out["tags"].items() if tag_map(tags).get(k) != v}
        if missing:
            problems.append(f"{what}: the tags {missing} are missing (it has {tag_map(tags)})")

    name = out["baselineName"]
    n = names(name)
    key = out["kmsKeyArn"]
    key_id = key.rsplit("/", 1)[-1]
    the_key = {key, key_id, n["alias"], f"arn:aws:kms:{REGION}:{ACCOUNT_ID}:{n['alias']}"}
    cloudtrail, s3, logs, iam, kms, sns, cloudwatch, config, guardduty, hub, ec2 = (moto.client(s) for s in (
        "cloudtrail", "s3", "logs", "iam", "kms", "sns", "cloudwatch", "config", "guardduty", "securityhub",
        "ec2"))

    # The outputs' names.
    expect("logBucketName", out["logBucketName"], n["bucket"])
    expect("accessLogBucketName", out["accessLogBucketName"], n["access bucket"])
    expect("logGroupName", out["logGroupName"], n["log group"])
    expect("alarmNames", sorted(out["alarmNames"]), n["alarms"])

    # The key.
    meta = kms.describe_key(KeyId=key)["KeyMetadata"]
    expect("key state", (meta["Arn"], meta["KeyState"], meta.get("KeyManager")), (key, "Enabled", "CUSTOMER"))
    expect("key rotation", kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"], True)
    aliases = {a["AliasName"]: a.get("TargetKeyId") for a in kms.list_aliases()["Aliases"]}
    expect("key alias", aliases.get(n["alias"]), key_id)
    tagged("key", kms.list_resource_tags(KeyId=key_id)["Tags"])

    # The trail.
    [trail] = cloudtrail.describe_trails(trailNameList=[name])["trailList"] or [{}]
    group_arn = f"arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:{n['log group']}:*"
    want = {"Name": name, "TrailARN": out["trailArn"], "S3BucketName": n["bucket"], "IsMultiRegionTrail": True,
            "IncludeGlobalServiceEvents": True, "LogFileValidationEnabled": True, "KmsKeyId": key,
            "CloudWatchLogsLogGroupArn": group_arn,
            "CloudWatchLogsRoleArn": f"arn:aws:iam::{ACCOUNT_ID}:role/{n['logs role']}"}
    expect("trail", {k: trail.get(k) for k in want}, want)
    expect("trail logging", cloudtrail.get_trail_status(Name=name)["IsLogging"], True)
    expect("trail records", recorded(cloudtrail, name),
           {"management": {"read", "write"}, "s3 data": {"read", "write"} if s3_data_events else set()})
    [tags] = cloudtrail.list_tags(ResourceIdList=[out["trailArn"]])["ResourceTagList"]
    tagged("trail", tags.get("TagsList", []))

    # The trail's CloudWatch Logs delivery role.
    if not trusts(iam, n["logs role"], "cloudtrail.amazonaws.com"):
        problems.append(f"role {n['logs role']} is not assumable by cloudtrail.amazonaws.com")
    group_prefix = f"arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:{n['log group']}:"
    granted = {a for s in role_statements(iam, n["logs role"]) if s["Effect"] == "Allow"
               and any(r.startswith(group_prefix) for r in _as_list(s["Resource"])) for a in _as_list(s["Action"])}
    if not {"logs:CreateLogStream", "logs:PutLogEvents"} <= granted:
        problems.append(f"role {n['logs role']} grants {sorted(granted)} on the log group")

    # The log bucket.
    block_all = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
                 "RestrictPublicBuckets": True}
    for bucket in (n["bucket"], n["access bucket"]):
        expect(f"{bucket} public access block",
               s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"], block_all)
        expect(f"{bucket} versioning", s3.get_bucket_versioning(Bucket=bucket).get("Status"), "Enabled")
        if not denies_insecure_transport(s3, bucket):
            problems.append(f"{bucket}: no policy statement denying aws:SecureTransport false")
        tagged(f"{bucket}", s3.get_bucket_tagging(Bucket=bucket)["TagSet"])
    [rule] = s3.get_bucket_encryption(Bucket=n["bucket"])["ServerSideEncryptionConfiguration"]["Rules"]
    sse = rule["ApplyServerSideEncryptionByDefault"]
    expect("log bucket encryption", (sse["SSEAlgorithm"], sse.get("KMSMasterKeyID") in the_key,
                                     rule.get("BucketKeyEnabled")), ("aws:kms", True, True))
    for service in ("cloudtrail.amazonaws.com", "config.amazonaws.com", "delivery.logs.amazonaws.com"):
        statements, for_this_account = service_writes(s3, n["bucket"], service, out["trailArn"])
        if not for_this_account:
            problems.append(f"log bucket policy: no s3:PutObject for {service} scoped to this trail or account; "
                            f"its statements: {json.dumps(statements)}")
    lock = s3.get_object_lock_configuration(Bucket=n["bucket"])["ObjectLockConfiguration"]
    expect("log bucket Object Lock", lock, {"ObjectLockEnabled": "Enabled",
                                            "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 2190}}})
    expect("log bucket access logging",
           s3.get_bucket_logging(Bucket=n["bucket"]).get("LoggingEnabled", {}).get("TargetBucket"),
           n["access bucket"])
    [rule] = s3.get_bucket_encryption(Bucket=n["access bucket"])["ServerSideEncryptionConfiguration"]["Rules"]
    expect("access-log bucket encryption", rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"], "AES256")

    # The trail's log group.
    [group] = [g for g in logs.describe_log_groups(logGroupNamePrefix=n["log group"])["logGroups"]
               if g["logGroupName"] == n["log group"]] or [{}]
    expect("log group", (group.get("retentionInDays"), group.get("kmsKeyId")), (retention, key))
    tagged("log group", logs.list_tags_log_group(logGroupName=n["log group"])["tags"])

    # The alarm topic and its subscriptions.
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:{n['topic']}"
    expect("alarmTopicArn", out["alarmTopicArn"], topic)
    attributes = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    if attributes.get("KmsMasterKeyId") not in the_key:
        problems.append(f"topic encrypted with {attributes.get('KmsMasterKeyId')!r}, not the baseline's key")
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    expect("topic subscriptions", sorted((s["Protocol"], s["Endpoint"], s["SubscriptionArn"]) for s in subscriptions),
           sorted(("email", e, "PendingConfirmation") for e in emails))
    tagged("topic", sns.list_tags_for_resource(ResourceArn=topic)["Tags"])

    # The metric filters on the trail's log group, and an alarm on each one's metric.
    filters = {f["filterName"]: f for f in logs.describe_metric_filters(logGroupName=n["log group"])["metricFilters"]}
    expect("metric filters", sorted(filters), n["alarms"])
    alarms = {a["AlarmName"]: a for a in cloudwatch.describe_alarms(AlarmNames=n["alarms"])["MetricAlarms"]}
    expect("alarms", sorted(alarms), n["alarms"])
    for alarm_name in sorted(set(filters) & set(alarms)):
        [transformation] = filters[alarm_name]["metricTransformations"]
        alarm = alarms[alarm_name]
        expect(f"{alarm_name} metric", (transformation["metricNamespace"], transformation["metricValue"]),
               (n["namespace"], "1"))
        want = {"MetricName": transformation["metricName"], "Namespace": n["namespace"], "Statistic": "Sum",
                "ComparisonOperator": "GreaterThanOrEqualToThreshold", "Threshold": 1.0, "Period": 300,
                "EvaluationPeriods": 1, "AlarmActions": [topic], "ActionsEnabled": True}
        expect(f"{alarm_name} alarm", {k: alarm.get(k) for k in want}, want)
        tagged(f"alarm {alarm_name}", cloudwatch.list_tags_for_resource(ResourceARN=alarm["AlarmArn"])["Tags"])

    # AWS Config.
    recorder_name = out["configRecorderName"]
    # AWS Config records through its service-linked role.
    [linked_role] = [r["Arn"] for r in iam.list_roles(PathPrefix="/aws-service-role/config.amazonaws.com/")["Roles"]]
    recorders = config.describe_configuration_recorders()["ConfigurationRecorders"]
    expect("config recorders", [(r["name"], r["roleARN"], r["recordingGroup"].get("allSupported"),
                                 r["recordingGroup"].get("includeGlobalResourceTypes")) for r in recorders],
           [(recorder_name, linked_role, True, True)])
    expect("delivery channels", [c["s3BucketName"] for c in config.describe_delivery_channels()["DeliveryChannels"]],
           [n["bucket"]])
    expect("config recording", [(s["name"], s["recording"]) for s in config.describe_configuration_recorder_status()[
        "ConfigurationRecordersStatus"]], [(recorder_name, True)])

    # GuardDuty, Security Hub, EBS encryption by default, the password policy.
    detector = out["guardDutyDetectorId"]
    expect("guardduty detectors", guardduty.list_detectors()["DetectorIds"], [detector])
    expect("guardduty detector status", guardduty.get_detector(DetectorId=detector)["Status"], "ENABLED")
    expect("security hub", hub.describe_hub()["HubArn"], out["securityHubArn"])
    expect("security hub standards", sorted(s["StandardsArn"] for s in hub.get_enabled_standards()[
        "StandardsSubscriptions"]), sorted(f"arn:aws:securityhub:{REGION}::standards/{p}"
                                          for p in out["securityHubStandards"]))
    expect("ebs encryption by default", ec2.get_ebs_encryption_by_default()["EbsEncryptionByDefault"], True)
    expect("s3 account public access block", account_public_access_block(moto), BLOCK_ALL)
    expect("ec2 account defaults", ec2_defaults(moto), {
        "instance metadata defaults": {"HttpTokens": "required"},
        "snapshot block public access": "block-all-sharing", "image block public access": "block-new-sharing"})
    # The default VPC, locked down: its flow logs go to the trail bucket.
    vpc = default_vpc(moto)
    subnets = len(vpc["default subnets giving public ips"])
    expect("default vpc", vpc, {
        "default vpc flow logs": [("s3", f"arn:aws:s3:::{n['bucket']}", "ALL")],
        "default security group rules": [], "default network acl inbound": [(32767, "deny", "0.0.0.0/0")],
        "default subnets giving public ips": [False] * subnets})
    # RDS's critical events of each kind of source reach the alarm topic.
    subscriptions = {s["CustSubscriptionId"]: (s["SourceType"], sorted(s["EventCategoriesList"]), s["Enabled"],
                                               s["SnsTopicArn"])
                     for s in moto.client("rds").describe_event_subscriptions()["EventSubscriptionsList"]}
    topic = out["alarmTopicArn"]
    expect("rds event subscriptions", subscriptions, {
        f"{name}-rds-instances": ("db-instance", ["configuration change", "failure", "maintenance"], True, topic),
        f"{name}-rds-clusters": ("db-cluster", ["failure", "maintenance"], True, topic),
        f"{name}-rds-parameter-groups": ("db-parameter-group", ["configuration change"], True, topic),
        f"{name}-rds-security-groups": ("db-security-group", ["configuration change", "failure"], True, topic)})
    expect("rds event subscriptions output", sorted(out["rdsEventSubscriptions"]), sorted(subscriptions))
    for arn in (f"arn:aws:rds:{REGION}:{ACCOUNT_ID}:es:{s}" for s in subscriptions):
        tagged(f"rds event subscription {arn}", moto.client("rds").list_tags_for_resource(ResourceName=arn)["TagList"])
    # AWS Backup: every HipaaPostgres's database, daily, into a vault under the baseline's key.
    backup = moto.client("backup")
    vault = backup.describe_backup_vault(BackupVaultName=n["backup vault"])
    expect("backup vault", (vault["BackupVaultName"], vault.get("EncryptionKeyArn")), (n["backup vault"], key))
    expect("backupVaultName", out["backupVaultName"], n["backup vault"])
    tagged("backup vault", backup.list_tags(ResourceArn=vault["BackupVaultArn"])["Tags"])
    plan_ids = [p["BackupPlanId"] for p in backup.list_backup_plans()["BackupPlansList"]
                if p["BackupPlanName"] == n["backup plan"]]
    expect("backup plans named", len(plan_ids), 1)
    plan = backup.get_backup_plan(BackupPlanId=plan_ids[0]) if plan_ids else {"BackupPlan": {"Rules": []}}
    expect("backupPlanArn", out["backupPlanArn"], plan.get("BackupPlanArn"))
    rules = [(r["RuleName"], r["TargetBackupVaultName"], r["ScheduleExpression"],
              r.get("Lifecycle", {}).get("DeleteAfterDays")) for r in plan["BackupPlan"]["Rules"]]
    expect("backup plan rules", rules, [("scheduled", n["backup vault"], "cron(0 5 ? * * *)", backup_days)])
    if plan_ids:
        tagged("backup plan", backup.list_tags(ResourceArn=plan["BackupPlanArn"])["Tags"])
        listed = backup.list_backup_selections(BackupPlanId=plan_ids[0])["BackupSelectionsList"]
        expect("backup selections", [s["SelectionName"] for s in listed], [n["backup plan"]])
        for s in listed:
            chosen = backup.get_backup_selection(BackupPlanId=plan_ids[0], SelectionId=s["SelectionId"])
            chosen = chosen["BackupSelection"]
            expect("backup selection", (chosen["IamRoleArn"], chosen["Resources"], chosen["Conditions"]["StringLike"]),
                   (f"arn:aws:iam::{ACCOUNT_ID}:role/{n['backup role']}", ["*"],
                    [{"ConditionKey": "aws:ResourceTag/pulumi:urn",
                      "ConditionValue": "*healthcare:index:HipaaPostgres::*"}]))
    # A report of every backup job goes to the log bucket, which lets AWS Backup's reports role
    # write there, as the key lets it encrypt.
    report = backup.describe_report_plan(ReportPlanName=n["report plan"])["ReportPlan"]
    channel = report["ReportDeliveryChannel"]
    expect("report plan", (report["ReportPlanArn"], report["ReportSetting"]["ReportTemplate"], channel["S3BucketName"],
                           channel.get("S3KeyPrefix"), sorted(channel.get("Formats", []))),
           (out["backupReportPlanArn"], "BACKUP_JOB_REPORT", n["bucket"], "backup-reports", ["CSV", "JSON"]))
    tagged("report plan", backup.list_tags(ResourceArn=report["ReportPlanArn"])["Tags"])
    reports_role = f"arn:aws:iam::{ACCOUNT_ID}:role/aws-service-role/reports.backup.amazonaws.com/" \
                   "AWSServiceRoleForBackupReports"
    writes = [s for s in _policy_statements(s3.get_bucket_policy(Bucket=n["bucket"])["Policy"])
              if reports_role in aws_principals(s)]
    expect("report delivery in the bucket policy", [(s["Effect"], s["Action"], s["Resource"]) for s in writes],
           [("Allow", "s3:PutObject", f"arn:aws:s3:::{n['bucket']}/backup-reports/*")])
    key_policy = json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])
    expect("report encryption in the key policy",
           [s["Action"] for s in key_policy["Statement"]
            if reports_role in aws_principals(s)], ["kms:GenerateDataKey"])
    if not trusts(iam, n["backup role"], "backup.amazonaws.com"):
        problems.append(f"role {n['backup role']} is not assumable by backup.amazonaws.com")
    expect("backup role policies", sorted(p["PolicyName"] for p in iam.list_attached_role_policies(
        RoleName=n["backup role"])["AttachedPolicies"]),
        ["AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores"])
    policy = password_policy(moto) or {}
    want = {**STRICT_PASSWORDS, "MinimumPasswordLength": 14, "MaxPasswordAge": 90, "PasswordReusePrevention": 24}
    expect("password policy", {k: policy.get(k) for k in want}, want)
    return problems


def as_specified(moto, out, **expected):
    problems = check_baseline(moto, out, **expected)
    assert not problems, "what AWS holds differs from the interface:\n  " + "\n  ".join(problems)


def check_defaults(out):
    """The inputs the programs leave out come back with the interface's defaults."""
    want = {"logRetentionDays": 365, "objectLockMode": "GOVERNANCE", "objectLockDays": 2190, "retainLogs": True,
            "securityHubStandards": DEFAULT_STANDARDS,
            "backup": {"enabled": True, "retentionDays": 35, "schedule": "cron(0 5 ? * * *)"},
            "passwordPolicy": {"minimumLength": 14, "maxAgeDays": 90, "reusePrevention": 24}}
    assert {k: out.get(k) for k in want} == want
    assert out.get("adopt") == {part: False for part in ADOPTABLE}, out.get("adopt")


def retained_objects(out):
    """What delete keeps (with retainLogs, the default), and the names that identify each: the
    audit evidence, and each part taken over."""
    key = out["kmsKeyArn"]
    adopted = {part: {part} for part, whose in out["parts"].items() if whose == "adopted"}
    return {"log bucket": {out["logBucketName"]}, "access-log bucket": {out["accessLogBucketName"]},
            "log group": {out["logGroupName"]}, "key": {key, key.rsplit("/", 1)[-1]}, **adopted}


def check_retained_on_delete(out):
    """retainedOnDelete names each object delete keeps, once, and nothing else."""
    objects = retained_objects(out)
    named = {entry: sorted(what for what, ids in objects.items() if any(i in entry for i in ids))
             for entry in out["retainedOnDelete"]}
    assert sorted(w for found in named.values() for w in found) == sorted(objects) and \
        all(len(found) == 1 for found in named.values()), named


def check_deleted(moto, before, out, kept_parts=()):
    """After destroy, the account is as it was before, but for the objects delete keeps (each as
    it was, the key usable and not scheduled for deletion) and the parts that were taken over.
    `out` is the baseline's last state, whose retainedOnDelete must name what is kept."""
    check_retained_on_delete(out)
    after = account(moto)
    key = out["kmsKeyArn"]
    expected = {**before,
                "buckets": sorted({*before["buckets"], out["logBucketName"], out["accessLogBucketName"]}),
                "log groups": sorted({*before["log groups"], out["logGroupName"]}),
                "keys": sorted({*before["keys"], key})}
    for part in kept_parts:
        expected.pop(part)
        after.pop(part)
    assert after == expected, {k: (after[k], expected[k]) for k in after if after[k] != expected.get(k)}
    assert moto.client("kms").describe_key(KeyId=key)["KeyMetadata"]["KeyState"] == "Enabled"
    assert moto.client("logs").describe_metric_filters(logGroupName=out["logGroupName"])["metricFilters"] == []


# Prowler's RDS event-subscription checks, and the subscription of the baseline each looks for.
RDS_EVENT_CHECKS = {
    "rds_instance_critical_event_subscription": "instances",
    "rds_cluster_critical_event_subscription": "clusters",
    "rds_instance_event_subscription_parameter_groups": "parameter-groups",
    "rds_instance_event_subscription_security_groups": "security-groups",
}


def prowler_scan(moto, workdir):
    """Prowler's 15 CloudWatch metric-filter checks and its 4 RDS event-subscription checks
    against the account, started in the background."""
    checks_file = workdir / "baseline-checks.json"
    checks_file.write_text(json.dumps({"aws": sorted([*EVENTS.values(), *RDS_EVENT_CHECKS])}))
    return Scan(moto.url, checks_file, workdir, "baseline")


# ----------------------------------------------------------------------------------------------


def test_the_baseline_lifecycle_through_the_cli(new_stack, moto, proxy, tmp_path):
    before = account(moto)
    stack = new_stack(program())

    # Preview: one create. Its check reads what the account already has, and writes nothing.
    proxy.clear_log()
    steps = stack.preview_steps()
    assert steps["baseline"]["op"] == "create", steps
    only_reads(proxy)

    stack.up()
    out = outputs(stack)
    name = out["baselineName"]
    assert re.fullmatch(r"baseline-[a-z0-9]{7}", name), name
    scan = prowler_scan(moto, tmp_path)
    try:
        check_defaults(out)
        assert out["parts"] == {part: "created" for part in PARTS}
        assert out["configRecorderName"] == name
        as_specified(moto, out, emails=["security@example.com"], retention=365, s3_data_events=False)
        check_retained_on_delete(out)
        compliance = out["compliance"]
        assert compliance["compliant"] is True, [c for c in compliance["controls"] if not c["satisfied"]]
        exported = stack.outputs()
        assert (exported["trailArn"], exported["retained"], exported["parts"], exported["compliant"]) == \
            (out["trailArn"], out["retainedOnDelete"], out["parts"], True)
        # The alarms and their filters are what an independent auditor looks for.
        findings = scan.findings()
    finally:
        scan.stop()
    verdicts = {f.check: (f.status, f.detail) for f in findings if f.check not in RDS_EVENT_CHECKS}
    failing = {check: verdict for check, verdict in verdicts.items() if verdict[0] != "PASS"}
    assert sorted(verdicts) == sorted(EVENTS.values()) and not failing, failing or verdicts
    # Each RDS check passes on the subscription of its kind of source; Prowler reports each of
    # the three others as a failure of the account (docs/compliance.md, kind "auditor").
    for check, suffix in RDS_EVENT_CHECKS.items():
        theirs = [f for f in findings if f.check == check]
        passed = [f.uid for f in theirs if f.status == "PASS"]
        assert passed == [f"arn:aws:rds:{REGION}:{ACCOUNT_ID}:es:{name}-rds-{suffix}"], (check, theirs)
        assert sorted(f.status for f in theirs) == ["FAIL"] * 3 + ["PASS"], (check, theirs)

    # No perpetual diff, and a preview of a baseline the stack holds makes no AWS call.
    proxy.clear_log()
    stack.preview("--expect-no-changes")
    assert proxy.log() == [], proxy.operations()

    # In place: a second address, a longer retention and S3 data events.
    emails = ["privacy-officer@example.com", "security@example.com"]
    stack.write(program(alarmEmails=emails, logRetentionDays=400, s3DataEvents=True,
                        backup={"retentionDays": 90}))
    step = stack.preview_steps()["baseline"]
    assert step["op"] == "update" and sorted(step["diffReasons"]) == [
        "alarmEmails", "backup", "logRetentionDays", "s3DataEvents"], step
    changes = stack.up_summary()
    assert changes.get("update") == 1 and "replace" not in changes, changes
    updated = outputs(stack)
    assert (updated["baselineName"], updated["trailArn"], updated["kmsKeyArn"]) == \
        (name, out["trailArn"], out["kmsKeyArn"])
    assert (updated["logRetentionDays"], updated["s3DataEvents"], sorted(updated["alarmEmails"])) == \
        (400, True, emails)
    assert updated["backupPlanArn"] == out["backupPlanArn"], (updated["backupPlanArn"], out["backupPlanArn"])
    as_specified(moto, updated, emails=emails, retention=400, s3_data_events=True, backup_days=90)
    stack.preview("--expect-no-changes")

    # Delete keeps the audit evidence, exactly what retainedOnDelete names, and removes the rest.
    stack.destroy()
    check_deleted(moto, before, updated)
    kms = moto.client("kms")
    kept_tags = {t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=updated["kmsKeyArn"])["Tags"]}
    assert kept_tags.get("healthcare:kept-on-delete") == "true", kept_tags

    # The same program again is a new baseline: the kept key (its alias, its URN tag) is
    # evidence, not an interrupted attempt to carry on with.
    stack.write(program())
    stack.up()
    again = outputs(stack)
    assert again["baselineName"] != name and again["kmsKeyArn"] != updated["kmsKeyArn"], again
    assert again["parts"] == {part: "created" for part in PARTS}, again["parts"]
    stack.destroy()


# What the check of a new baseline reads, in a preview as in an up: the account's one-per-region
# parts and its trails (docs/baseline.md, "Parts the account already has").
LOOKS = {"GetCallerIdentity", "DescribeTrails", "GetAccountPasswordPolicy", "DescribeConfigurationRecorders",
         "GetEbsEncryptionByDefault", "DescribeVpcs"}


def only_reads(proxy):
    """The AWS calls since the proxy's log was cleared: the check's looks, and not one write."""
    looked = proxy.operations()
    assert not [op for op in looked if is_write(op)], looked
    assert LOOKS <= set(looked), (LOOKS - set(looked), looked)
    return looked


def existing_trail(moto):
    """A multi-region trail made with boto3, logging to a bucket of its own: the trail as made."""
    bucket = "their-audit-trail"
    moto.client("s3").create_bucket(Bucket=bucket)
    moto.client("s3").put_bucket_policy(Bucket=bucket, Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:GetBucketAcl",
             "Resource": f"arn:aws:s3:::{bucket}"},
            {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
             "Resource": f"arn:aws:s3:::{bucket}/AWSLogs/{ACCOUNT_ID}/*"}]}))
    cloudtrail = moto.client("cloudtrail")
    cloudtrail.create_trail(Name="their-trail", S3BucketName=bucket, IsMultiRegionTrail=True)
    cloudtrail.start_logging(Name="their-trail")
    return cloudtrail.get_trail(Name="their-trail")["Trail"]


def trail_as_is(moto, trail):
    """The trail is still there, as it was made, and logging."""
    cloudtrail = moto.client("cloudtrail")
    now = cloudtrail.get_trail(Name=trail["Name"])["Trail"]
    assert now == trail, (now, trail)
    assert cloudtrail.get_trail_status(Name=trail["Name"])["IsLogging"] is True
    return True


def test_parts_the_account_has_are_taken_over_only_when_adopt_says_so(new_stack, moto, proxy):
    guardduty, iam = moto.client("guardduty"), moto.client("iam")
    detector = guardduty.create_detector(Enable=True, FindingPublishingFrequency="SIX_HOURS")["DetectorId"]
    iam.update_account_password_policy(MinimumPasswordLength=8)
    # Public ACLs blocked, public policies allowed: a choice someone made, not taken over unasked.
    partial = {**BLOCK_ALL, "BlockPublicPolicy": False, "RestrictPublicBuckets": False}
    moto.client("s3control").put_public_access_block(AccountId=ACCOUNT_ID,
                                                     PublicAccessBlockConfiguration=partial)
    # A trail someone else runs: never taken over (an account may have several), but named.
    theirs = existing_trail(moto)
    before = account(moto)

    # A preview already says so: it fails naming each part the account has and the flag that
    # would take it over, names the other trail, and writes nothing.
    trail_named = f"the account already has the CloudTrail trail {theirs['Name']} (every region; home region " \
        f"{REGION}; to bucket {theirs['S3BucketName']}): it is left as it is, and the baseline makes its own trail"
    stack = new_stack(program())
    proxy.clear_log()
    result = stack.run("preview", check=False)
    said = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0, said[-3000:]
    for flag, has in (("guardDuty", f"the GuardDuty detector {detector} in this region"),
                      ("passwordPolicy", "an IAM password policy"),
                      ("s3PublicAccessBlock", "S3 Block Public Access settings for the account (")):
        assert f"the account already has {has}" in said and f"set adopt.{flag}: true" in said, (flag, said[-3000:])
    assert "BlockPublicPolicy off" in said and trail_named in said, said[-3000:]
    only_reads(proxy)
    assert account(moto) == before

    # Without adopt, the create fails naming the flag, and leaves nothing behind.
    result = stack.run("up", "--yes", "--skip-preview", check=False)
    said = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0, said[-3000:]
    assert any(f"adopt.{part}" in said for part in ("guardDuty", "passwordPolicy", "s3PublicAccessBlock")), \
        said[-3000:]
    assert stack.resources(TOKEN) == []
    assert account(moto) == before
    assert password_policy(moto)["MinimumPasswordLength"] == 8
    assert account_public_access_block(moto) == partial

    # Only the parts the account has are named, and the refusal says what it has.
    stack.write(program(adopt={"guardDuty": True, "passwordPolicy": True}))
    result = stack.run("up", "--yes", "--skip-preview", check=False)
    said = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0 and "adopt.s3PublicAccessBlock" in said and \
        "BlockPublicPolicy off" in said, said[-3000:]
    assert stack.resources(TOKEN) == [] and account(moto) == before

    # With adopt, the preview passes and says what is taken over; the up takes the three over and
    # brings them to the baseline's settings.
    stack.write(program(adopt={"guardDuty": True, "passwordPolicy": True, "s3PublicAccessBlock": True}))
    proxy.clear_log()
    said = " ".join(stack.run("preview").stdout.split())
    for flag, has in (("guardDuty", f"the GuardDuty detector {detector} in this region"),
                      ("passwordPolicy", "an IAM password policy"),
                      ("s3PublicAccessBlock", "S3 Block Public Access settings for the account (")):
        assert f"adopt.{flag} takes over {has}" in said, (flag, said[-3000:])
    assert trail_named in said, said[-3000:]
    only_reads(proxy)
    said = " ".join(stack.up().stdout.split())
    out = outputs(stack)
    assert f"{trail_named} {out['baselineName']}" in said, said[-3000:]
    assert trail_as_is(moto, theirs)
    assert out["parts"] == {"configRecorder": "created", "guardDuty": "adopted", "securityHub": "created",
                            "passwordPolicy": "adopted", "ebsEncryption": "created",
                            "s3PublicAccessBlock": "adopted", "imdsDefaults": "created",
                            "snapshotBlockPublicAccess": "created", "imageBlockPublicAccess": "created",
                            "defaultVpc": "created"}
    assert out["guardDutyDetectorId"] == detector
    assert out["adopt"] == {"configRecorder": False, "guardDuty": True, "securityHub": False,
                            "passwordPolicy": True, "s3PublicAccessBlock": True, "imdsDefaults": False,
                            "snapshotBlockPublicAccess": False, "defaultVpc": False}, out["adopt"]
    as_specified(moto, out, emails=["security@example.com"], retention=365, s3_data_events=False)
    stack.preview("--expect-no-changes")

    # Delete leaves what was taken over in place, and removes what the baseline made.
    stack.destroy()
    check_deleted(moto, before, out, kept_parts=("guardduty detectors", "password policy",
                                                 "s3 account public access block"))
    assert guardduty.list_detectors()["DetectorIds"] == [detector]
    assert password_policy(moto) is not None
    assert trail_as_is(moto, theirs)
    # Taken over, it was brought to the baseline's settings, and stays so.
    assert account_public_access_block(moto) == BLOCK_ALL


DEFAULT_VPC_CONTROLS = {"vpc-flow-logs-enabled", "vpc-default-security-group-closed", "nacl-no-unrestricted-ssh-rdp",
                        "subnet-auto-assign-public-ip-disabled"}


def unsatisfied(out):
    return {c["rule"] for c in out["compliance"]["controls"] if not c["satisfied"]}


def test_the_default_vpc_is_locked_down_put_back_or_left_as_the_program_says(new_stack, moto):
    ec2 = moto.client("ec2")
    [vpc] = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    [subnet, *_] = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"]
    as_aws_made = default_vpc(moto)
    assert as_aws_made["default security group rules"] and as_aws_made["default network acl inbound"] == [
        (100, "allow", "0.0.0.0/0"), (32767, "deny", "0.0.0.0/0")], as_aws_made
    # Something runs in the default VPC: locking it down would cut it off, so it is not done unasked.
    interface = ec2.create_network_interface(SubnetId=subnet["SubnetId"])["NetworkInterface"]["NetworkInterfaceId"]
    before = account(moto)
    stack = new_stack(program())
    result = stack.run("up", "--yes", "--skip-preview", check=False)
    said = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0 and "adopt.defaultVpc" in said and "1 network interfaces" in said, said[-3000:]
    assert stack.resources(TOKEN) == [] and account(moto) == before

    # Left alone, it stays as it is, and the baseline's compliance says so.
    stack.write(program(defaultVpc="LEAVE"))
    stack.up()
    out = outputs(stack)
    assert "defaultVpc" not in out["parts"] and out["defaultVpc"] == "LEAVE", out["parts"]
    assert default_vpc(moto) == as_aws_made
    assert unsatisfied(out) == DEFAULT_VPC_CONTROLS, out["compliance"]
    stack.preview("--expect-no-changes")

    # Unused, it is locked down; left alone again, it is put back as AWS made it.
    ec2.delete_network_interface(NetworkInterfaceId=interface)
    stack.write(program())
    stack.up()
    out = outputs(stack)
    assert out["parts"]["defaultVpc"] == "created" and unsatisfied(out) == set(), out["compliance"]
    as_specified(moto, out, emails=["security@example.com"], retention=365, s3_data_events=False)
    stack.preview("--expect-no-changes")
    stack.write(program(defaultVpc="LEAVE"))
    stack.up()
    assert "defaultVpc" not in outputs(stack)["parts"] and default_vpc(moto) == as_aws_made

    # Taken over while in use, it is locked down and stays so after the baseline is gone.
    interface = ec2.create_network_interface(SubnetId=subnet["SubnetId"])["NetworkInterface"]["NetworkInterfaceId"]
    stack.write(program(adopt={"defaultVpc": True}))
    stack.up()
    out = outputs(stack)
    assert out["parts"]["defaultVpc"] == "adopted" and unsatisfied(out) == set(), out["compliance"]
    locked = default_vpc(moto)
    assert locked["default security group rules"] == [] and not any(locked["default subnets giving public ips"])
    stack.destroy()
    assert default_vpc(moto) == locked
    ec2.delete_network_interface(NetworkInterfaceId=interface)


def role_view(iam, name):
    """A role as IAM has it: its trust statements, managed policies, inline policies and tags."""
    role = iam.get_role(RoleName=name)["Role"]
    return {"arn": role["Arn"], "trust": _as_list(_document(role["AssumeRolePolicyDocument"])["Statement"]),
            "managed": sorted(p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=name)[
                "AttachedPolicies"]),
            "inline": role_statements(iam, name), "tags": tag_map(role.get("Tags", []))}


def test_support_and_audit_roles_are_made_only_when_asked(new_stack, moto):
    iam = moto.client("iam")
    auditor = iam.create_role(RoleName="external-auditor", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": ACCOUNT_ID},
                                                "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
    before = account(moto)

    # A principal that is not one is refused before anything is made, naming it.
    stack = new_stack(program(auditRole={"trustedPrincipals": ["the-auditors"]}))
    result = stack.run("preview", check=False)
    said = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0 and "auditRole.trustedPrincipals[0]" in said, said[-3000:]

    stack.write(program(supportRole={}, auditRole={"trustedPrincipals": [auditor], "externalId": "audit-2026"}))
    stack.up()
    out = outputs(stack)
    name = out["baselineName"]
    support, audit = role_view(iam, f"{name}-support"), role_view(iam, f"{name}-security-audit")
    assert (out["supportRoleArn"], out["auditRoleArn"]) == (support["arn"], audit["arn"])
    assert support["managed"] == ["arn:aws:iam::aws:policy/AWSSupportAccess"], support
    assert audit["managed"] == ["arn:aws:iam::aws:policy/SecurityAudit"], audit
    # This account by default, with MFA; the auditor with MFA and the external ID.
    assert [(s["Effect"], s["Principal"], s["Action"], s["Condition"]) for s in support["trust"]] == [
        ("Allow", {"AWS": [f"arn:aws:iam::{ACCOUNT_ID}:root"]}, "sts:AssumeRole",
         {"Bool": {"aws:MultiFactorAuthPresent": "true"}})], support["trust"]
    assert [(s["Principal"], s["Condition"]) for s in audit["trust"]] == [
        ({"AWS": [auditor]}, {"Bool": {"aws:MultiFactorAuthPresent": "true"},
                              "StringEquals": {"sts:ExternalId": "audit-2026"}})], audit["trust"]
    # Neither reads the data the platform holds.
    for role in (support, audit):
        [deny] = role["inline"]
        assert deny["Effect"] == "Deny" and {"secretsmanager:GetSecretValue", "kinesis:GetRecords",
                                             "kms:Decrypt"} <= set(deny["Action"]), deny
        assert {k: role["tags"].get(k) for k in TAGS} == TAGS, role["tags"]
    roles = {c["rule"]: c["satisfied"] for c in out["compliance"]["controls"]
             if c["rule"] in ("iam-support-role-created", "iam-security-audit-role-created")}
    assert roles == {"iam-support-role-created": True, "iam-security-audit-role-created": True}, roles
    stack.preview("--expect-no-changes")

    # No longer asked for, the auditors' role goes; the support role stays.
    stack.write(program(supportRole={}))
    stack.up()
    out = outputs(stack)
    assert out["auditRoleArn"] == "" and out["supportRoleArn"] == support["arn"], out
    assert f"{name}-security-audit" not in [r["RoleName"] for r in iam.list_roles()["Roles"]]
    stack.preview("--expect-no-changes")

    stack.destroy()
    check_deleted(moto, before, out)


def test_the_yaml_example(new_stack, moto, proxy):
    before = account(moto)
    stack = new_stack(yaml_example("account-baseline"))
    proxy.clear_log()
    steps = stack.preview_steps()
    assert {s["op"] for name, s in steps.items() if name != "healthcare-e2e-e2e"} == {"create"}, steps
    only_reads(proxy)

    stack.up()
    out = outputs(stack)
    exported = stack.outputs()
    assert exported["trailArn"] == out["trailArn"] and exported["logBucketName"] == out["logBucketName"]
    assert exported["compliance"]["compliant"] is True
    assert out["s3DataEvents"] is True and sorted(out["alarmEmails"]) == EXAMPLE_EMAILS
    as_specified(moto, out, emails=out["alarmEmails"], retention=365, s3_data_events=True)
    stack.preview("--expect-no-changes")
    stack.destroy()
    check_deleted(moto, before, out)


def test_the_python_example_through_the_generated_sdk(tmp_path, moto, proxy):
    before = account(moto)
    example = python_example("account-baseline-python")
    with inline_stack(tmp_path, "account-baseline-python", example, proxy.url) as stack:
        proxy.clear_log()
        preview = stack.preview(on_output=quiet)
        assert preview.change_summary == {"create": 2}, preview.change_summary
        only_reads(proxy)
        exported = {k: v.value for k, v in stack.up(on_output=quiet).outputs.items()}
        [out] = [r["outputs"] for r in stack.export_stack().deployment["resources"] if r["type"] == TOKEN]
        assert exported["trailArn"] == out["trailArn"] and exported["logBucketName"] == out["logBucketName"]
        assert exported["compliance"]["compliant"] is True
        assert out["s3DataEvents"] is True and sorted(out["alarmEmails"]) == EXAMPLE_EMAILS
        as_specified(moto, out, emails=out["alarmEmails"], retention=365, s3_data_events=True)
        assert stack.preview(on_output=quiet).change_summary == {"same": 2}
        stack.destroy(on_output=quiet)
        check_deleted(moto, before, out)


def test_a_platform_makes_its_account_baseline_only_when_asked(new_stack, moto, proxy):
    """Platform.accountBaseline: absent, no baseline; given, an AccountBaseline child with those
    settings, its trail among the platform's outputs and its controls in the platform's
    compliance; with retainLogs false and no Object Lock, destroy leaves nothing but the key,
    pending deletion, even when a log delivery lands in a bucket after it was emptied and the
    log group's delete is refused while another change of it runs."""
    before = account(moto)
    platform = {"cidrBlock": "10.71.0.0/16", "natGateways": "none", "skipFinalSnapshot": True,
                "deletionProtection": False,
                "accountBaseline": {"alarmEmails": ["oncall@example.com"], "objectLockMode": "NONE",
                                    "retainLogs": False}}
    stack = new_stack({"resources": {"clinic": {"type": "healthcare:index:Platform", "properties": platform}},
                       "outputs": {"trail": "${clinic.accountBaselineTrailArn}",
                                   "compliance": "${clinic.compliance}"}})
    stack.up()
    [child] = stack.resources(TOKEN)
    out = child["outputs"]
    assert child["urn"].endswith("::clinic-baseline"), child["urn"]
    assert (out["alarmEmails"], out["objectLockMode"], out["retainLogs"]) == (["oncall@example.com"], "NONE", False)
    assert "objectLockDays" not in out or out["objectLockDays"] is None, out.get("objectLockDays")
    assert out["retainedOnDelete"] == [], out["retainedOnDelete"]
    exported = stack.outputs()
    assert exported["trail"] == out["trailArn"]
    baseline_controls = [c for c in exported["compliance"]["controls"] if c["resource"] == "baseline"]
    assert sorted(c["rule"] for c in baseline_controls) == sorted(c["rule"] for c in out["compliance"]["controls"])
    # Without Object Lock the bucket's lock control is the one the baseline does not satisfy.
    assert [c["rule"] for c in baseline_controls if not c["satisfied"]] == ["s3-bucket-default-lock-enabled"]
    stack.preview("--expect-no-changes")

    # S3 delivers access logs (and trail and Config files) minutes late: one lands in the
    # access-log bucket after the delete emptied it, while its DeleteBucket is on the way.
    late = f"DELETE /{out['accessLogBucketName']}/"
    proxy.add_rule("delay", service="s3", operation=late, seconds=3, times=1)
    # And CloudWatch Logs refuses the log group's delete once while another change of it runs.
    busy = proxy.add_rule("error", service="logs", operation="DeleteLogGroup", status=400,
                          code="OperationAbortedException", times=1,
                          message="A conflicting operation is currently in progress against "
                                  "this resource. Please try again.")
    failed = []
    destroy = threading.Thread(target=lambda: failed.extend(
        [] if stack.run("destroy", "--yes", check=False).returncode == 0 else ["destroy"]))
    destroy.start()
    while destroy.is_alive() and not proxy.log(service="s3", operation=late):
        time.sleep(0.1)
    moto.client("s3").put_object(Bucket=out["accessLogBucketName"], Key="late/access.log", Body=b"GET")
    destroy.join()
    assert not failed, stack.run("stack", "--show-urns", check=False).stdout
    deletes = proxy.log(service="s3", operation=late)
    assert len(deletes) == 2 and deletes[0]["status"] == 409, deletes
    assert busy.fired == 1
    after = account(moto)
    assert after["trails"] == before["trails"] and after["buckets"] == before["buckets"]
    assert out["logGroupName"] not in after["log groups"]
    assert out["kmsKeyArn"] not in after["keys"]
    state = moto.client("kms").describe_key(KeyId=out["kmsKeyArn"])["KeyMetadata"]["KeyState"]
    assert state == "PendingDeletion"


def test_a_bucket_whose_tags_do_not_show_yet_is_read_again_before_it_is_refused(new_stack, moto, proxy):
    """S3 may show tags a moment after they were written. A bucket under the baseline's name
    that holds objects and shows no tag yet (an attempt a moment ago made and tagged it) is
    read again until its tags show, then carried on with; it is refused only if none show."""
    name = "baseline-lagged"
    bucket = f"{name}-{ACCOUNT_ID}-{REGION}-trail"
    s3 = moto.client("s3")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="AWSLogs/earlier.json.gz", Body=b"{}")
    stack = new_stack(program(baselineName=name, objectLockMode="NONE", retainLogs=False))
    urn = f"urn:pulumi:e2e::healthcare-e2e::{TOKEN}::baseline"
    head = f"HEAD /{bucket}/"
    failed = []
    up = threading.Thread(target=lambda: failed.extend(
        [] if stack.run("up", "--yes", "--skip-preview", check=False).returncode == 0 else ["up"]))
    up.start()
    while up.is_alive() and not proxy.log(service="s3", operation=head):
        time.sleep(0.1)
    # The baseline has read the bucket and found no tag; the tag shows a moment later.
    time.sleep(2)
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "pulumi:urn", "Value": urn}]})
    up.join()
    assert not failed
    assert len(proxy.log(service="s3", operation=head)) >= 2, "the bucket was read once"
    assert outputs(stack)["logBucketName"] == bucket
    stack.destroy()
    assert bucket not in account(moto)["buckets"]


def test_a_bucket_change_refused_while_another_runs_is_sent_again(new_stack, moto, proxy):
    """S3 answers OperationAborted to a change of a bucket while a conflicting one runs; the
    baseline sends it again once that is over, rather than failing."""
    name = "baseline-busy"
    bucket = f"{name}-{ACCOUNT_ID}-{REGION}-access"
    # The bucket's first PUT is its CreateBucket; the second, its first configuration put.
    busy = proxy.add_rule("error", service="s3", operation=f"PUT /{bucket}/", nth=2, status=409,
                          code="OperationAborted",
                          message="A conflicting conditional operation is currently in progress "
                                  "against this resource. Please try again.")
    stack = new_stack(program(baselineName=name, objectLockMode="NONE", retainLogs=False))
    stack.up()
    assert busy.fired == 1
    assert outputs(stack)["accessLogBucketName"] == bucket
    stack.preview("--expect-no-changes")
    stack.destroy()
    assert bucket not in account(moto)["buckets"]
