"""The account baseline's secret rotation settings and secret policies on the emulator, as AWS
documents Secrets Manager. The tests ask for a schedule with RotateImmediately false, which
only tests the function (tests/harness_tests/test_moto_lambda.py runs whole rotations)."""

import io
import json
import uuid
import zipfile
from datetime import datetime, timedelta, timezone

import pytest
from botocore.exceptions import ClientError

from harness.moto_process import ACCOUNT_ID

DENY_INSECURE = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Deny", "Principal": "*", "Action": "secretsmanager:GetSecretValue", "Resource": "*",
    "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}
PUBLIC = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}


def _code(err):
    return err.value.response["Error"]["Code"]


@pytest.fixture(scope="module")
def rotator(moto):
    """A rotation function's ARN (the function exists; it is never run)."""
    suffix = uuid.uuid4().hex[:8]
    role = moto.client("iam").create_role(RoleName=f"rotator-{suffix}", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"Service": "lambda.amazonaws.com"}}]}))["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return event\n")
    return moto.client("lambda").create_function(
        FunctionName=f"rotator-{suffix}", Runtime="python3.12", Role=role, Handler="index.handler",
        Code={"ZipFile": code.getvalue()})["FunctionArn"]


@pytest.fixture
def secret(moto):
    sm = moto.client("secretsmanager")
    arn = sm.create_secret(Name=f"baseline/{uuid.uuid4().hex[:8]}", SecretString='{"password":"x"}')["ARN"]
    return sm, arn


def _stages(sm, arn):
    return sorted(sorted(s) for s in sm.describe_secret(SecretId=arn)["VersionIdsToStages"].values())


def test_a_schedule_in_days_is_kept_without_rotating_yet(secret, rotator):
    sm, arn = secret
    sm.rotate_secret(SecretId=arn, RotationLambdaARN=rotator, RotationRules={"AutomaticallyAfterDays": 30},
                     RotateImmediately=False)
    described = sm.describe_secret(SecretId=arn)
    assert described["RotationEnabled"] is True and described["RotationLambdaARN"] == rotator
    assert described["RotationRules"] == {"AutomaticallyAfterDays": 30}
    due = described["NextRotationDate"] - datetime.now(timezone.utc)
    assert timedelta(days=29) < due <= timedelta(days=30)
    # Nothing was rotated: no LastRotatedDate, and the test's AWSPENDING version is gone.
    assert "LastRotatedDate" not in described
    assert _stages(sm, arn) == [["AWSCURRENT"]]
    assert sm.get_secret_value(SecretId=arn)["SecretString"] == '{"password":"x"}'


def test_a_schedule_expression_is_kept_as_sent(secret, rotator):
    sm, arn = secret
    rules = {"ScheduleExpression": "rate(10 days)", "Duration": "3h"}
    sm.rotate_secret(SecretId=arn, RotationLambdaARN=rotator, RotationRules=rules, RotateImmediately=False)
    described = sm.describe_secret(SecretId=arn)
    assert described["RotationEnabled"] is True and described["RotationRules"] == rules
    due = described["NextRotationDate"] - datetime.now(timezone.utc)
    assert timedelta(days=9) < due <= timedelta(days=10)
    cron = {"ScheduleExpression": "cron(0 16 1,15 * ? *)", "Duration": "2h"}
    sm.rotate_secret(SecretId=arn, RotationLambdaARN=rotator, RotationRules=cron, RotateImmediately=False)
    described = sm.describe_secret(SecretId=arn)
    assert described["RotationRules"] == cron and described["RotationEnabled"] is True
    assert _stages(sm, arn) == [["AWSCURRENT"]]


@pytest.mark.parametrize("rules", [{"AutomaticallyAfterDays": 30, "ScheduleExpression": "rate(30 days)"},
                                   {"ScheduleExpression": "rate(1 hour)"}, {"ScheduleExpression": "every day"},
                                   {"AutomaticallyAfterDays": 1001}])
def test_a_schedule_aws_does_not_take_is_refused_and_changes_nothing(secret, rotator, rules):
    sm, arn = secret
    with pytest.raises(ClientError) as err:
        sm.rotate_secret(SecretId=arn, RotationLambdaARN=rotator, RotationRules=rules, RotateImmediately=False)
    assert _code(err) == "InvalidParameterException"
    described = sm.describe_secret(SecretId=arn)
    assert "RotationEnabled" not in described and _stages(sm, arn) == [["AWSCURRENT"]]


def test_a_rotation_function_that_does_not_exist_changes_nothing(secret):
    sm, arn = secret
    missing = f"arn:aws:lambda:us-east-1:{ACCOUNT_ID}:function:no-such-rotator"
    with pytest.raises(ClientError) as err:
        sm.rotate_secret(SecretId=arn, RotationLambdaARN=missing, RotationRules={"AutomaticallyAfterDays": 7},
                         RotateImmediately=False)
    assert _code(err) == "ResourceNotFoundException"
    described = sm.describe_secret(SecretId=arn)
    assert "RotationEnabled" not in described and "RotationLambdaARN" not in described
    assert _stages(sm, arn) == [["AWSCURRENT"]]


def test_cancelling_turns_rotation_off_and_drops_the_next_date(secret, rotator):
    sm, arn = secret
    sm.rotate_secret(SecretId=arn, RotationLambdaARN=rotator, RotationRules={"AutomaticallyAfterDays": 30},
                     RotateImmediately=False)
    sm.cancel_rotate_secret(SecretId=arn)
    described = sm.describe_secret(SecretId=arn)
    assert described["RotationEnabled"] is False and "NextRotationDate" not in described
    for call in (sm.cancel_rotate_secret, sm.describe_secret):
        with pytest.raises(ClientError) as err:
            call(SecretId=f"{arn}-missing")
        assert _code(err) == "ResourceNotFoundException"


def test_a_resource_policy_is_validated_put_read_and_deleted(secret):
    sm, arn = secret
    answer = sm.validate_resource_policy(SecretId=arn, ResourcePolicy=json.dumps(DENY_INSECURE))
    assert answer["PolicyValidationPassed"] is True and answer["ValidationErrors"] == []
    sm.put_resource_policy(SecretId=arn, ResourcePolicy=json.dumps(DENY_INSECURE), BlockPublicPolicy=True)
    assert json.loads(sm.get_resource_policy(SecretId=arn)["ResourcePolicy"]) == DENY_INSECURE
    sm.delete_resource_policy(SecretId=arn)
    assert "ResourcePolicy" not in sm.get_resource_policy(SecretId=arn)
    sm.delete_resource_policy(SecretId=arn)


def test_a_public_or_malformed_policy_is_caught(secret):
    sm, arn = secret
    answer = sm.validate_resource_policy(ResourcePolicy=json.dumps(PUBLIC))
    assert answer["PolicyValidationPassed"] is False and answer["ValidationErrors"]
    with pytest.raises(ClientError) as err:
        sm.put_resource_policy(SecretId=arn, ResourcePolicy=json.dumps(PUBLIC), BlockPublicPolicy=True)
    assert _code(err) == "PublicPolicyException"
    for call, kwargs in ((sm.validate_resource_policy, {}), (sm.put_resource_policy, {"SecretId": arn})):
        with pytest.raises(ClientError) as err:
            call(ResourcePolicy="{not json", **kwargs)
        assert _code(err) == "MalformedPolicyDocumentException"
    assert "ResourcePolicy" not in sm.get_resource_policy(SecretId=arn)
    with pytest.raises(ClientError) as err:
        sm.validate_resource_policy(SecretId=f"{arn}-missing", ResourcePolicy=json.dumps(DENY_INSECURE))
    assert _code(err) == "ResourceNotFoundException"
