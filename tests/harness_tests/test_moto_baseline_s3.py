"""The account baseline's log buckets on the emulator: Object Lock, encryption, policies, access
logging and the account's public access block, answered as AWS documents them."""

import json
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from botocore.exceptions import ClientError

from harness.moto_process import ACCOUNT_ID

KEY = f"arn:aws:kms:us-east-1:{ACCOUNT_ID}:key/11111111-2222-3333-4444-555555555555"
BLOCK_ALL = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
             "RestrictPublicBuckets": True}


def _code(err):
    return err.value.response["Error"]["Code"]


def _bucket(s3, lock=True):
    name = f"baseline-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name, **({"ObjectLockEnabledForBucket": True} if lock else {}))
    return name


def _retention(s3, bucket, mode, **period):
    s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": mode, **period}}})


def _deny_insecure(bucket):
    return {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}


def _policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_a_locked_log_bucket_reads_back_as_configured(moto):
    s3 = moto.client("s3")
    bucket = _bucket(s3)
    # Object Lock turns versioning on; there is no default retention yet.
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    assert s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled"}
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=BLOCK_ALL)
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": KEY},
        "BucketKeyEnabled": True}]})
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "hipaa", "Value": "baseline"}]})
    assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"] == BLOCK_ALL
    [rule] = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule == {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": KEY},
                    "BucketKeyEnabled": True}
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": "hipaa", "Value": "baseline"}]


def test_a_bucket_without_object_lock_has_no_lock_configuration(moto):
    s3 = moto.client("s3")
    with pytest.raises(ClientError) as err:
        s3.get_object_lock_configuration(Bucket=_bucket(s3, lock=False))
    assert _code(err) == "ObjectLockConfigurationNotFoundError"


@pytest.mark.parametrize("mode, period", [("COMPLIANCE", {"Days": 30}), ("GOVERNANCE", {"Years": 6}),
                                          ("COMPLIANCE", {"Years": 1}), ("GOVERNANCE", {"Days": 1})])
def test_default_retention_answers_the_one_period_it_was_given(moto, mode, period):
    s3 = moto.client("s3")
    bucket = _bucket(s3)
    _retention(s3, bucket, mode, **period)
    assert s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": mode, **period}}}


@pytest.mark.parametrize("period, code", [({}, "MalformedXML"), ({"Days": 1, "Years": 1}, "MalformedXML"),
                                          ({"Days": 0}, "InvalidArgument"), ({"Years": 0}, "InvalidArgument")])
def test_default_retention_needs_one_positive_period(moto, period, code):
    s3 = moto.client("s3")
    bucket = _bucket(s3)
    with pytest.raises(ClientError) as err:
        _retention(s3, bucket, "COMPLIANCE", **period)
    assert _code(err) == code
    assert "Rule" not in s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]


def test_default_retention_changes_on_a_bucket_that_holds_objects(moto):
    s3 = moto.client("s3")
    bucket = _bucket(s3)
    _retention(s3, bucket, "GOVERNANCE", Days=1)
    s3.put_object(Bucket=bucket, Key="AWSLogs/log.json.gz", Body=b"{}")
    _retention(s3, bucket, "COMPLIANCE", Years=6)
    rule = s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]["Rule"]
    assert rule == {"DefaultRetention": {"Mode": "COMPLIANCE", "Years": 6}}
    # Removing the default retention (a configuration without Rule) is allowed too.
    s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"})
    assert "Rule" not in s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]


def test_versioning_cannot_be_suspended_under_object_lock(moto):
    s3 = moto.client("s3")
    bucket = _bucket(s3)
    with pytest.raises(ClientError) as err:
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    assert _code(err) == "InvalidBucketState"
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    plain = _bucket(s3, lock=False)
    s3.put_bucket_versioning(Bucket=plain, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_versioning(Bucket=plain, VersioningConfiguration={"Status": "Suspended"})
    assert s3.get_bucket_versioning(Bucket=plain)["Status"] == "Suspended"


def test_the_log_bucket_policy_reads_back_and_lets_tls_requests_through(moto):
    s3 = moto.client("s3")
    bucket = _bucket(s3)
    trail = f"arn:aws:cloudtrail:us-east-1:{ACCOUNT_ID}:trail/baseline"
    policy = _policy(
        _deny_insecure(bucket),
        {"Sid": "CloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/AWSLogs/{ACCOUNT_ID}/*",
         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trail}}},
        {"Sid": "ConfigCheck", "Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"},
         "Action": "s3:GetBucketAcl", "Resource": f"arn:aws:s3:::{bucket}",
         "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT_ID}}})
    s3.put_bucket_policy(Bucket=bucket, Policy=policy)
    assert json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]) == json.loads(policy)
    # The emulator's endpoint stands for AWS's TLS one: the deny-insecure statement does not apply.
    s3.put_object(Bucket=bucket, Key="AWSLogs/a.json", Body=b"{}")
    assert s3.get_object(Bucket=bucket, Key="AWSLogs/a.json")["Body"].read() == b"{}"
    # The condition is evaluated, not ignored: a deny for TLS requests does refuse them.
    s3.put_bucket_policy(Bucket=bucket, Policy=_policy({
        **_deny_insecure(bucket), "Condition": {"Bool": {"aws:SecureTransport": "true"}}}))
    with pytest.raises(ClientError) as err:
        s3.get_object(Bucket=bucket, Key="AWSLogs/a.json")
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_a_policy_that_is_not_json_is_malformed(moto):
    s3 = moto.client("s3")
    bucket = _bucket(s3)
    for text in ("{not json", '"a string"'):
        with pytest.raises(ClientError) as err:
            s3.put_bucket_policy(Bucket=bucket, Policy=text)
        assert _code(err) == "MalformedPolicy"
    with pytest.raises(ClientError) as err:
        s3.get_bucket_policy(Bucket=bucket)
    assert _code(err) == "NoSuchBucketPolicy"


def test_access_logging_goes_to_a_bucket_whose_policy_admits_the_logging_service(moto):
    s3 = moto.client("s3")
    bucket, target = _bucket(s3), _bucket(s3, lock=False)
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket=bucket)
    # Without a grant to the logging service the target is refused.
    s3.put_bucket_policy(Bucket=target, Policy=_policy(_deny_insecure(target)))
    with pytest.raises(ClientError) as err:
        s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={
            "LoggingEnabled": {"TargetBucket": target, "TargetPrefix": "trail/"}})
    assert _code(err) == "InvalidTargetBucketForLogging"
    s3.put_bucket_policy(Bucket=target, Policy=_policy(_deny_insecure(target), {
        "Sid": "S3ServerAccessLogs", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": ["s3:PutObject"], "Resource": [f"arn:aws:s3:::{target}/trail/*"],
        "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT_ID}}}))
    s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={
        "LoggingEnabled": {"TargetBucket": target, "TargetPrefix": "trail/"}})
    assert s3.get_bucket_logging(Bucket=bucket)["LoggingEnabled"] == {"TargetBucket": target,
                                                                     "TargetPrefix": "trail/"}
    with pytest.raises(ClientError) as err:
        s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={
            "LoggingEnabled": {"TargetBucket": f"{target}-missing", "TargetPrefix": "x/"}})
    assert _code(err) == "InvalidTargetBucketForLogging"


def test_versions_under_retention_refuse_deletion_and_keep_the_bucket(moto):
    s3 = moto.client("s3")
    bucket = _bucket(s3)
    _retention(s3, bucket, "COMPLIANCE", Days=1)
    s3.put_bucket_policy(Bucket=bucket, Policy=_policy(_deny_insecure(bucket)))
    s3.put_object(Bucket=bucket, Key="AWSLogs/locked.json", Body=b"{}")
    until = datetime.now(timezone.utc) + timedelta(days=1)
    s3.put_object(Bucket=bucket, Key="AWSLogs/governed.json", Body=b"{}", ObjectLockMode="GOVERNANCE",
                  ObjectLockRetainUntilDate=until)
    versions = {v["Key"]: v["VersionId"] for v in s3.list_object_versions(Bucket=bucket)["Versions"]}
    assert set(versions) == {"AWSLogs/locked.json", "AWSLogs/governed.json"}
    head = s3.head_object(Bucket=bucket, Key="AWSLogs/locked.json")
    assert head["ObjectLockMode"] == "COMPLIANCE" and head["ObjectLockRetainUntilDate"] > datetime.now(timezone.utc)
    objects = [{"Key": k, "VersionId": v} for k, v in versions.items()]
    answer = s3.delete_objects(Bucket=bucket, Delete={"Objects": objects})
    assert {e["Key"]: e["Code"] for e in answer["Errors"]} == {k: "AccessDenied" for k in versions}
    # Governance mode yields to the bypass header; compliance mode does not.
    answer = s3.delete_objects(Bucket=bucket, Delete={"Objects": objects}, BypassGovernanceRetention=True)
    assert [d["Key"] for d in answer["Deleted"]] == ["AWSLogs/governed.json"]
    assert [e["Key"] for e in answer["Errors"]] == ["AWSLogs/locked.json"]
    with pytest.raises(ClientError) as err:
        s3.delete_bucket(Bucket=bucket)
    assert _code(err) == "BucketNotEmpty"


def test_the_account_public_access_block_is_put_read_and_deleted(moto):
    # The SDKs send this to {AccountId}.127.0.0.1, which does not resolve: the harness's client
    # goes through the endpoint as its HTTP proxy (moto_process.boto_client).
    s3control = moto.client("s3control")
    try:
        s3control.put_public_access_block(AccountId=ACCOUNT_ID, PublicAccessBlockConfiguration=BLOCK_ALL)
        answer = s3control.get_public_access_block(AccountId=ACCOUNT_ID)
        assert answer["PublicAccessBlockConfiguration"] == BLOCK_ALL
    finally:
        s3control.delete_public_access_block(AccountId=ACCOUNT_ID)
    with pytest.raises(ClientError) as err:
        s3control.get_public_access_block(AccountId=ACCOUNT_ID)
    assert _code(err) == "NoSuchPublicAccessBlockConfiguration"


def test_versioning_is_answered_under_aws_root_element(moto):
    s3 = moto.client("s3")
    bucket = _bucket(s3, lock=False)
    # Raw answers: the root element is what SDKs that check it (the AWS SDK for Rust) read.
    url = f"{moto.url}/{bucket}?versioning"
    request = urllib.request.Request(url, headers={
        "Authorization": f"AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/s3/aws4_request, "
                         "SignedHeaders=host, Signature=0"})
    never = urllib.request.urlopen(request).read().decode()
    assert "<VersioningConfiguration" in never and "<Status>" not in never, never
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    enabled = urllib.request.urlopen(request).read().decode()
    assert "<VersioningConfiguration" in enabled and "<Status>Enabled</Status>" in enabled, enabled
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
