"""The launcher's CloudWatch Logs additions: a log group's KMS key set and cleared as AWS does."""

import uuid

import pytest
from botocore.exceptions import ClientError

KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"


def _group(logs, **kwargs):
    name = f"/healthcare/test/{uuid.uuid4().hex[:8]}"
    logs.create_log_group(logGroupName=name, **kwargs)
    return name


def _key(logs, name):
    [group] = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    return group.get("kmsKeyId")


def test_a_key_is_associated_and_disassociated(moto):
    logs = moto.client("logs")
    name = _group(logs)
    assert _key(logs, name) is None
    logs.associate_kms_key(logGroupName=name, kmsKeyId=KEY)
    assert _key(logs, name) == KEY
    logs.disassociate_kms_key(logGroupName=name)
    assert _key(logs, name) is None


def test_a_key_replaces_the_one_the_group_was_made_with(moto):
    logs = moto.client("logs")
    name = _group(logs, kmsKeyId="arn:aws:kms:us-east-1:123456789012:key/old")
    logs.associate_kms_key(logGroupName=name, kmsKeyId=KEY)
    assert _key(logs, name) == KEY


def test_a_group_that_does_not_exist_is_not_found(moto):
    logs = moto.client("logs")
    for call, kwargs in ((logs.associate_kms_key, {"kmsKeyId": KEY}), (logs.disassociate_kms_key, {})):
        with pytest.raises(ClientError) as err:
            call(logGroupName="/healthcare/test/none", **kwargs)
        assert err.value.response["Error"]["Code"] == "ResourceNotFoundException"
