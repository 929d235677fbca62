"""The eventual consistency of the account's services the fault proxy plays
(tests/harness/consistency_account.py): CloudTrail not seeing a policy, log group or role
policy just put, nor a trail just made; SNS and RDS not knowing a topic just made; Security
Hub not subscribed right after it is enabled, and its standards PENDING; AWS Config refusing
a role just made. Each shown as AWS answers it, and shown to end."""

import json
import time


from harness.consistency_account import REFUSALS
from harness_tests.test_consistency import (  # noqa: F401 (lagged is a fixture)
    eventually, lagged, name, refused, via)
from harness_tests.test_consistency_named import counted, documented, moto_refuses

ACCOUNT = "123456789012"


def allow(service, resources, actions):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": service}, "Action": actions,
        "Resource": resources}]})


def identity_policy(resource, actions):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": actions, "Resource": resource}]})


def trust(service):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})


def test_cloudtrail_sees_policies_log_groups_and_trails_just_made_after_a_moment(moto, lagged):
    proxy = lagged(scale=1.0)
    direct = {s: moto.client(s) for s in ("s3", "logs", "kms", "iam", "cloudtrail")}
    cloudtrail, bucket, group, trail = via(proxy, "cloudtrail"), name(), name(), name()
    direct["s3"].create_bucket(Bucket=bucket)
    direct["logs"].create_log_group(logGroupName=group)
    group_arn = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:{group}:*"
    key = direct["kms"].create_key()["KeyMetadata"]["Arn"]
    role = direct["iam"].create_role(RoleName=name(), AssumeRolePolicyDocument=trust(
        "cloudtrail.amazonaws.com"))["Role"]
    via(proxy, "s3").put_bucket_policy(Bucket=bucket, Policy=allow(
        "cloudtrail.amazonaws.com", [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        ["s3:GetBucketAcl", "s3:PutObject"]))
    errors = documented(direct["cloudtrail"], "CreateTrail")

    def create():
        return cloudtrail.create_trail(Name=trail, S3BucketName=bucket, KmsKeyId=key,
                                       CloudWatchLogsLogGroupArn=group_arn,
                                       CloudWatchLogsRoleArn=role["Arn"])

    try:
        # The bucket policy just put.
        assert refused(create) == ("InsufficientS3BucketPolicyException",
                                   f"Incorrect S3 bucket policy is detected for bucket: {bucket}",
                                   400)
        assert "InsufficientS3BucketPolicyException" in errors
        assert direct["cloudtrail"].describe_trails(trailNameList=[trail])["trailList"] == []
        arn = eventually(create)["TrailARN"]

        # The trail just made: unknown by name and ARN, and left out of DescribeTrails.
        calls = [
            lambda t: cloudtrail.start_logging(Name=t),
            lambda t: cloudtrail.get_trail(Name=t),
            lambda t: cloudtrail.get_trail_status(Name=t),
            lambda t: cloudtrail.put_event_selectors(TrailName=t, EventSelectors=[
                {"ReadWriteType": "All", "IncludeManagementEvents": True}]),
        ]
        for call in calls:
            for by in (trail, arn):
                assert refused(lambda: call(by)) == (
                    "TrailNotFoundException", f"Unknown trail: {by} for the user: {ACCOUNT}", 400)
        assert moto_refuses(lambda: direct["cloudtrail"].get_trail(Name=name()))[0] == \
            "TrailNotFoundException"
        assert cloudtrail.describe_trails(trailNameList=[trail])["trailList"] == []
        eventually(lambda: calls[0](trail))
        for call in calls[1:]:
            call(arn)
        assert [t["Name"] for t in cloudtrail.describe_trails(trailNameList=[trail])[
            "trailList"]] == [trail]

        # A changed key policy.
        via(proxy, "kms").put_key_policy(KeyId=key, PolicyName="default", Policy=allow(
            "cloudtrail.amazonaws.com", "*", "kms:GenerateDataKey*"))
        update = lambda **f: cloudtrail.update_trail(Name=trail, **f)  # noqa: E731
        assert refused(lambda: update(KmsKeyId=key)) == (
            "InsufficientEncryptionPolicyException",
            f"Insufficient permissions to access the S3 bucket or KMS key {key}.", 400)
        assert "InsufficientEncryptionPolicyException" in errors
        eventually(lambda: update(KmsKeyId=key))

        # A log group just made, then a role policy just put.
        other = name()
        via(proxy, "logs").create_log_group(logGroupName=other)
        other_arn = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:{other}:*"
        to_group = lambda: update(CloudWatchLogsLogGroupArn=other_arn,  # noqa: E731
                                  CloudWatchLogsRoleArn=role["Arn"])
        code, message, status = refused(to_group)
        assert (code, status) == ("InvalidCloudWatchLogsLogGroupArnException", 400)
        assert message.startswith("Access denied.")  # what terraform-provider-aws retries on
        assert code in errors
        eventually(to_group)
        iam = via(proxy, "iam")
        document = identity_policy(other_arn, ["logs:CreateLogStream", "logs:PutLogEvents"])
        iam.put_role_policy(RoleName=role["RoleName"], PolicyName="logs", PolicyDocument=document)
        assert refused(to_group)[0] == "InvalidCloudWatchLogsLogGroupArnException"
        eventually(to_group)
        # The same document put again changes nothing, so nothing lags.
        iam.put_role_policy(RoleName=role["RoleName"], PolicyName="logs", PolicyDocument=document)
        to_group()
        counted(proxy, account__trail_bucket_policy=1, account__trail=8, account__trail__hidden=1,
                account__trail_key_policy=1, account__trail_log_group=2)
    finally:
        direct["cloudtrail"].delete_trail(Name=trail)


def test_sns_and_rds_do_not_know_a_topic_just_made(moto, lagged):
    proxy = lagged(scale=1.0)
    sns, rds, topic = via(proxy, "sns"), via(proxy, "rds"), name()
    arn = sns.create_topic(Name=topic)["TopicArn"]
    calls = [
        lambda: sns.get_topic_attributes(TopicArn=arn),
        lambda: sns.set_topic_attributes(TopicArn=arn, AttributeName="DisplayName",
                                         AttributeValue="alarms"),
        lambda: sns.list_subscriptions_by_topic(TopicArn=arn),
        lambda: sns.subscribe(TopicArn=arn, Protocol="email", Endpoint="ops@example.org"),
        lambda: sns.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "b"}]),
    ]
    for call in calls:
        assert refused(call) == ("NotFound", "Topic does not exist", 404)
    missing = arn.rsplit(":", 1)[0] + ":" + name()
    assert moto_refuses(lambda: moto.client("sns").get_topic_attributes(TopicArn=missing)) == (
        "NotFound", 404)
    subscription = name()
    subscribe = lambda: rds.create_event_subscription(  # noqa: E731
        SubscriptionName=subscription, SnsTopicArn=arn, SourceType="db-instance")
    assert refused(subscribe) == ("SNSTopicArnNotFound", f"Could not find SNS topic {arn}.", 404)
    assert documented(moto.client("rds"), "CreateEventSubscription")["SNSTopicArnNotFound"] == 404
    try:
        eventually(calls[0])
        for call in calls[1:]:
            call()
        subscribe()
        # CreateTopic again answers the same topic, which AWS knows by then.
        assert sns.create_topic(Name=topic)["TopicArn"] == arn
        calls[0]()
        counted(proxy, account__topic=5, account__rds_topic=1)
    finally:
        moto.client("rds").delete_event_subscription(SubscriptionName=subscription)
        moto.client("sns").delete_topic(TopicArn=arn)


def test_security_hub_is_not_subscribed_a_moment_after_it_is_enabled(moto, lagged):
    proxy = lagged(scale=1.0)  # hub 0.5-2 s, a standard PENDING 1-5 s
    hub, direct = via(proxy, "securityhub"), moto.client("securityhub")
    # One hub per region, shared by the emulator's tests: this one starts without it.
    assert refused(direct.describe_hub)[0] == "InvalidAccessException"
    hub.enable_security_hub(EnableDefaultStandards=False)
    standard = "arn:aws:securityhub:us-east-1::standards/nist-800-53/v/5.0.0"
    try:
        calls = [
            hub.describe_hub,
            hub.get_enabled_standards,
            lambda: hub.batch_enable_standards(StandardsSubscriptionRequests=[
                {"StandardsArn": standard}]),
        ]
        for call in calls:
            assert refused(call) == (*REFUSALS["hub"][1:], 401)
        assert "InvalidAccessException" in documented(direct, "BatchEnableStandards")
        assert direct.describe_hub()["HubArn"]
        eventually(calls[0])
        calls[2]()
        [listed] = hub.get_enabled_standards()["StandardsSubscriptions"]
        assert listed["StandardsArn"] == standard and listed["StandardsStatus"] == "PENDING"
        assert direct.get_enabled_standards()["StandardsSubscriptions"][0][
            "StandardsStatus"] == "READY"
        deadline = time.monotonic() + 10
        while hub.get_enabled_standards()["StandardsSubscriptions"][0][
                "StandardsStatus"] != "READY":
            assert time.monotonic() < deadline, "the standard stayed PENDING"
            time.sleep(0.1)
        counted(proxy, account__hub=3, account__standard_pending=1)
    finally:
        direct.disable_security_hub()


def test_aws_config_refuses_a_role_just_made(moto, lagged):
    proxy = lagged(scale=0.2)  # role 1.2-2.4 s
    iam, config, direct = via(proxy, "iam"), via(proxy, "config"), moto.client("config")
    role = iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com",
                                          CustomSuffix=name())["Role"]
    recorder = {"name": name(), "roleARN": role["Arn"],
                "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}}
    put = lambda: config.put_configuration_recorder(ConfigurationRecorder=recorder)  # noqa: E731
    try:
        code, message, status = refused(put)
        assert (code, status) == ("InvalidRoleException", 400) and role["Arn"] in message
        assert code in documented(direct, "PutConfigurationRecorder")
        assert not direct.describe_configuration_recorders()["ConfigurationRecorders"]
        eventually(put)
        # The recorder just made is missing from the list for a moment.
        assert config.describe_configuration_recorders()["ConfigurationRecorders"] == []
        assert direct.describe_configuration_recorders()["ConfigurationRecorders"]
        deadline = time.monotonic() + 5
        while not config.describe_configuration_recorders()["ConfigurationRecorders"]:
            assert time.monotonic() < deadline, "the recorder was never listed"
            time.sleep(0.05)
        assert [r["name"] for r in config.describe_configuration_recorders()[
            "ConfigurationRecorders"]] == [recorder["name"]]
        counted(proxy, iam__not_propagated=1, account__recorder__hidden=1)
    finally:
        # A region has one recorder: it goes, for the tests after this one.
        if direct.describe_configuration_recorders()["ConfigurationRecorders"]:
            direct.delete_configuration_recorder(ConfigurationRecorderName=recorder["name"])
        moto.client("iam").delete_service_linked_role(RoleName=role["RoleName"])


def test_account_settings_read_back_late_after_they_are_put(moto, lagged):
    proxy = lagged(scale=2.0)  # 1-4 s
    iam, direct = via(proxy, "iam"), moto.client("iam")
    policy = {"MinimumPasswordLength": 14, "RequireSymbols": True}
    before = None
    try:
        before = direct.get_account_password_policy()["PasswordPolicy"]
    except direct.exceptions.NoSuchEntityException:
        pass
    try:
        direct.delete_account_password_policy()
    except direct.exceptions.NoSuchEntityException:
        pass
    try:
        # None before: the read answers NoSuchEntity for a moment.
        assert refused(iam.get_account_password_policy)[0] == "NoSuchEntity"
        iam.update_account_password_policy(**policy)
        assert refused(iam.get_account_password_policy) == (
            "NoSuchEntity", "The Password Policy with domain name cannot be found.", 404)
        shown = eventually(iam.get_account_password_policy)["PasswordPolicy"]
        assert shown["MinimumPasswordLength"] == 14
        # One before: the read answers it for a moment.
        iam.update_account_password_policy(**{**policy, "MinimumPasswordLength": 20})
        assert iam.get_account_password_policy()["PasswordPolicy"][
            "MinimumPasswordLength"] == 14
        assert direct.get_account_password_policy()["PasswordPolicy"][
            "MinimumPasswordLength"] == 20
        deadline = time.monotonic() + 10
        while iam.get_account_password_policy()["PasswordPolicy"][
                "MinimumPasswordLength"] != 20:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        counted(proxy, account__stale_setting=2)
    finally:
        direct.delete_account_password_policy()
        if before:
            direct.update_account_password_policy(**{
                k: v for k, v in before.items() if k not in ("ExpirePasswords",)})


def test_guardduty_lists_a_detector_just_made_after_a_moment(moto, lagged):
    proxy = lagged(scale=2.0)  # 1-4 s
    gd, direct = via(proxy, "guardduty"), moto.client("guardduty")
    # One detector per region, shared by the emulator's tests: this one starts without it.
    assert direct.list_detectors()["DetectorIds"] == []
    detector = gd.create_detector(Enable=True)["DetectorId"]
    try:
        assert gd.list_detectors()["DetectorIds"] == []
        assert direct.list_detectors()["DetectorIds"] == [detector]
        assert refused(lambda: gd.get_detector(DetectorId=detector)) == (
            *REFUSALS["detector"][1:], 400)
        assert "BadRequestException" in documented(direct, "GetDetector")
        eventually(lambda: gd.get_detector(DetectorId=detector))
        assert gd.list_detectors()["DetectorIds"] == [detector]
        gd.update_detector(DetectorId=detector, Enable=True)
        counted(proxy, account__detector=1, account__detector__hidden=1)
    finally:
        direct.delete_detector(DetectorId=detector)
