"""The account baseline's trail on the emulator: created, read, logged, selected, updated and
deleted as AWS documents CloudTrail."""

import json
import uuid

import pytest
from botocore.exceptions import ClientError

from harness.moto_process import ACCOUNT_ID

REGION = "us-east-1"
DEFAULT_SELECTOR = {"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": [],
                    "ExcludeManagementEventSources": []}
MANAGEMENT = [{"Name": "Management events", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}]


def _code(err):
    return err.value.response["Error"]["Code"]


@pytest.fixture
def aws(moto):
    """Clients, and a bucket, log group, role and key for one trail."""
    suffix = uuid.uuid4().hex[:8]
    s3, logs, iam, kms = (moto.client(s) for s in ("s3", "logs", "iam", "kms"))
    bucket = f"trail-{suffix}"
    s3.create_bucket(Bucket=bucket)
    group = f"/baseline/{suffix}/cloudtrail"
    logs.create_log_group(logGroupName=group)
    role = iam.create_role(RoleName=f"trail-logs-{suffix}", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"Service": "cloudtrail.amazonaws.com"}}]}))["Role"]["Arn"]
    key = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName=f"alias/trail-{suffix}", TargetKeyId=key["KeyId"])

    class Aws:
        cloudtrail = moto.client("cloudtrail")
        name = f"baseline-{suffix}"
        group_arn = f"arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:{group}:*"

    Aws.bucket, Aws.role, Aws.key, Aws.alias = bucket, role, key["Arn"], f"alias/trail-{suffix}"
    return Aws


def _create(aws, **overrides):
    args = dict(Name=aws.name, S3BucketName=aws.bucket, IsMultiRegionTrail=True, IncludeGlobalServiceEvents=True,
                EnableLogFileValidation=True, KmsKeyId=aws.key, CloudWatchLogsLogGroupArn=aws.group_arn,
                CloudWatchLogsRoleArn=aws.role, TagsList=[{"Key": "hipaa", "Value": "baseline"}])
    args.update(overrides)
    return aws.cloudtrail.create_trail(**{k: v for k, v in args.items() if v is not None})


def test_a_trail_reads_back_as_created(aws):
    created = _create(aws, KmsKeyId=aws.alias)
    arn = f"arn:aws:cloudtrail:{REGION}:{ACCOUNT_ID}:trail/{aws.name}"
    assert created["TrailARN"] == arn
    trail = aws.cloudtrail.get_trail(Name=aws.name)["Trail"]
    # The key given by alias is stored as the key's ARN.
    expected = {"Name": aws.name, "S3BucketName": aws.bucket, "IsMultiRegionTrail": True,
                "IncludeGlobalServiceEvents": True, "LogFileValidationEnabled": True, "KmsKeyId": aws.key,
                "CloudWatchLogsLogGroupArn": aws.group_arn, "CloudWatchLogsRoleArn": aws.role,
                "TrailARN": arn, "HasCustomEventSelectors": False, "IsOrganizationTrail": False}
    assert {k: trail.get(k) for k in expected} == expected
    [described] = aws.cloudtrail.describe_trails(trailNameList=[aws.name])["trailList"]
    assert described["HomeRegion"] == REGION and described["KmsKeyId"] == aws.key
    [tags] = aws.cloudtrail.list_tags(ResourceIdList=[arn])["ResourceTagList"]
    assert tags["TagsList"] == [{"Key": "hipaa", "Value": "baseline"}]
    aws.cloudtrail.add_tags(ResourceId=arn, TagsList=[{"Key": "owner", "Value": "security"}])
    [tags] = aws.cloudtrail.list_tags(ResourceIdList=[arn])["ResourceTagList"]
    assert {t["Key"] for t in tags["TagsList"]} == {"hipaa", "owner"}


def test_a_name_in_use_is_refused_and_the_trail_kept(aws):
    _create(aws)
    with pytest.raises(ClientError) as err:
        _create(aws, IsMultiRegionTrail=False, KmsKeyId=None, CloudWatchLogsLogGroupArn=None,
                CloudWatchLogsRoleArn=None)
    assert _code(err) == "TrailAlreadyExistsException"
    trail = aws.cloudtrail.get_trail(Name=aws.name)["Trail"]
    assert trail["IsMultiRegionTrail"] and trail["KmsKeyId"] == aws.key


@pytest.mark.parametrize("overrides, code", [
    ({"KmsKeyId": f"arn:aws:kms:{REGION}:{ACCOUNT_ID}:key/00000000-0000-0000-0000-000000000000"},
     "KmsKeyNotFoundException"),
    ({"CloudWatchLogsLogGroupArn": f"arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:missing:*"},
     "InvalidCloudWatchLogsLogGroupArnException"),
    ({"CloudWatchLogsLogGroupArn": None}, "InvalidCloudWatchLogsLogGroupArnException"),
    ({"CloudWatchLogsRoleArn": f"arn:aws:iam::{ACCOUNT_ID}:role/missing"}, "InvalidCloudWatchLogsRoleArnException"),
    ({"IncludeGlobalServiceEvents": False}, "InvalidParameterCombinationException"),
    ({"S3BucketName": "no-such-trail-bucket"}, "S3BucketDoesNotExistException"),
])
def test_a_trail_with_a_missing_or_invalid_part_is_refused(aws, overrides, code):
    with pytest.raises(ClientError) as err:
        _create(aws, **overrides)
    assert _code(err) == code
    with pytest.raises(ClientError) as err:
        aws.cloudtrail.get_trail(Name=aws.name)
    assert _code(err) == "TrailNotFoundException"


def test_an_update_follows_the_same_rules(aws):
    _create(aws)
    with pytest.raises(ClientError) as err:
        aws.cloudtrail.update_trail(Name=aws.name, IncludeGlobalServiceEvents=False)
    assert _code(err) == "InvalidParameterCombinationException"
    with pytest.raises(ClientError) as err:
        aws.cloudtrail.update_trail(Name=aws.name, KmsKeyId="alias/no-such-key")
    assert _code(err) == "KmsKeyNotFoundException"
    aws.cloudtrail.update_trail(Name=aws.name, EnableLogFileValidation=False, KmsKeyId=aws.alias)
    trail = aws.cloudtrail.get_trail(Name=aws.name)["Trail"]
    assert trail["LogFileValidationEnabled"] is False and trail["KmsKeyId"] == aws.key
    # Empty strings remove the CloudWatch Logs delivery.
    aws.cloudtrail.update_trail(Name=aws.name, CloudWatchLogsLogGroupArn="", CloudWatchLogsRoleArn="")
    trail = aws.cloudtrail.get_trail(Name=aws.name)["Trail"]
    assert "CloudWatchLogsLogGroupArn" not in trail and "CloudWatchLogsRoleArn" not in trail
    with pytest.raises(ClientError) as err:
        aws.cloudtrail.update_trail(Name=f"{aws.name}-missing", EnableLogFileValidation=True)
    assert _code(err) == "TrailNotFoundException"


def test_a_new_trail_logs_all_management_events(aws):
    _create(aws)
    answer = aws.cloudtrail.get_event_selectors(TrailName=aws.name)
    assert answer["EventSelectors"] == [DEFAULT_SELECTOR]
    assert "AdvancedEventSelectors" not in answer


def test_event_selectors_are_one_kind_at_a_time_with_defaults(aws):
    _create(aws)
    put = aws.cloudtrail.put_event_selectors(TrailName=aws.name, EventSelectors=[{"ReadWriteType": "WriteOnly"}])
    assert put["EventSelectors"] == [{**DEFAULT_SELECTOR, "ReadWriteType": "WriteOnly"}]
    assert aws.cloudtrail.get_trail(Name=aws.name)["Trail"]["HasCustomEventSelectors"] is True
    put = aws.cloudtrail.put_event_selectors(TrailName=aws.name, AdvancedEventSelectors=MANAGEMENT)
    assert put["AdvancedEventSelectors"] == MANAGEMENT and "EventSelectors" not in put
    answer = aws.cloudtrail.get_event_selectors(TrailName=aws.name)
    assert answer["AdvancedEventSelectors"] == MANAGEMENT and "EventSelectors" not in answer
    aws.cloudtrail.put_event_selectors(TrailName=aws.name, EventSelectors=[DEFAULT_SELECTOR])
    answer = aws.cloudtrail.get_event_selectors(TrailName=aws.name)
    assert answer["EventSelectors"] == [DEFAULT_SELECTOR] and "AdvancedEventSelectors" not in answer
    with pytest.raises(ClientError) as err:
        aws.cloudtrail.put_event_selectors(TrailName=aws.name, EventSelectors=[DEFAULT_SELECTOR],
                                           AdvancedEventSelectors=MANAGEMENT)
    assert _code(err) == "InvalidParameterCombinationException"
    with pytest.raises(ClientError) as err:
        aws.cloudtrail.put_event_selectors(TrailName=f"{aws.name}-missing", EventSelectors=[DEFAULT_SELECTOR])
    assert _code(err) == "TrailNotFoundException"


def test_logging_starts_and_stops_with_cloudwatch_logs_delivery(aws):
    _create(aws)
    status = aws.cloudtrail.get_trail_status(Name=aws.name)
    assert status["IsLogging"] is False and "LatestCloudWatchLogsDeliveryTime" not in status
    aws.cloudtrail.start_logging(Name=aws.name)
    status = aws.cloudtrail.get_trail_status(Name=aws.name)
    assert status["IsLogging"] is True and "StartLoggingTime" in status
    delivered = status["LatestCloudWatchLogsDeliveryTime"]
    aws.cloudtrail.stop_logging(Name=aws.name)
    status = aws.cloudtrail.get_trail_status(Name=aws.name)
    assert status["IsLogging"] is False and "StopLoggingTime" in status
    assert status["LatestCloudWatchLogsDeliveryTime"] >= delivered
    with pytest.raises(ClientError) as err:
        aws.cloudtrail.start_logging(Name=f"{aws.name}-missing")
    assert _code(err) == "TrailNotFoundException"


def test_a_trail_without_cloudwatch_logs_never_reports_a_delivery_there(aws):
    _create(aws, CloudWatchLogsLogGroupArn=None, CloudWatchLogsRoleArn=None)
    aws.cloudtrail.start_logging(Name=aws.name)
    assert "LatestCloudWatchLogsDeliveryTime" not in aws.cloudtrail.get_trail_status(Name=aws.name)


def test_describe_trails_answers_only_the_trails_named(aws):
    _create(aws)
    other = f"{aws.name}-other"
    aws.cloudtrail.create_trail(Name=other, S3BucketName=aws.bucket)
    names = {t["Name"] for t in aws.cloudtrail.describe_trails(trailNameList=[aws.name])["trailList"]}
    assert names == {aws.name}
    arn = f"arn:aws:cloudtrail:{REGION}:{ACCOUNT_ID}:trail/{other}"
    listed = aws.cloudtrail.describe_trails(trailNameList=[arn, "no-such-trail"])["trailList"]
    assert [t["Name"] for t in listed] == [other]
    everything = {t["Name"] for t in aws.cloudtrail.describe_trails()["trailList"]}
    assert {aws.name, other} <= everything


def test_a_trail_is_deleted_by_name_or_arn_once(aws):
    _create(aws)
    aws.cloudtrail.delete_trail(Name=f"arn:aws:cloudtrail:{REGION}:{ACCOUNT_ID}:trail/{aws.name}")
    with pytest.raises(ClientError) as err:
        aws.cloudtrail.get_trail(Name=aws.name)
    assert _code(err) == "TrailNotFoundException"
    with pytest.raises(ClientError) as err:
        aws.cloudtrail.delete_trail(Name=aws.name)
    assert _code(err) == "TrailNotFoundException"
