"""The account baseline's AWS Config recorder and delivery channel on the emulator, as AWS
documents them. One recorder and one channel per Region: each test has a Region of its own."""

import uuid

import pytest
from botocore.exceptions import ClientError

from harness.moto_process import ACCOUNT_ID

ROLE = f"arn:aws:iam::{ACCOUNT_ID}:role/baseline-config"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT_ID}:key/11111111-2222-3333-4444-555555555555"
RECORDER = {"name": "default", "roleARN": ROLE,
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}}


def _code(err):
    return err.value.response["Error"]["Code"]


def _aws(moto, region):
    bucket = f"config-{uuid.uuid4().hex[:12]}"
    moto.client("s3").create_bucket(Bucket=bucket)
    topic = moto.client("sns", region=region).create_topic(Name=f"config-{uuid.uuid4().hex[:6]}")["TopicArn"]
    return moto.client("config", region=region), bucket, topic


def _empty(config):
    for status in config.describe_configuration_recorder_status()["ConfigurationRecordersStatus"]:
        config.stop_configuration_recorder(ConfigurationRecorderName=status["name"])
    for channel in config.describe_delivery_channels()["DeliveryChannels"]:
        config.delete_delivery_channel(DeliveryChannelName=channel["name"])
    for recorder in config.describe_configuration_recorders()["ConfigurationRecorders"]:
        config.delete_configuration_recorder(ConfigurationRecorderName=recorder["name"])


def test_the_recorder_and_channel_are_set_up_started_and_torn_down(moto):
    config, bucket, topic = _aws(moto, "eu-west-1")
    _empty(config)
    config.put_configuration_recorder(ConfigurationRecorder=RECORDER)
    [recorder] = config.describe_configuration_recorders()["ConfigurationRecorders"]
    assert recorder["name"] == "default" and recorder["roleARN"] == ROLE
    group = recorder["recordingGroup"]
    assert group["allSupported"] is True and group["includeGlobalResourceTypes"] is True
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": bucket, "s3KmsKeyArn": KEY,
                                                 "snsTopicARN": topic})
    [channel] = config.describe_delivery_channels()["DeliveryChannels"]
    assert channel == {"name": "default", "s3BucketName": bucket, "s3KmsKeyArn": KEY, "snsTopicARN": topic}
    [status] = config.describe_configuration_recorder_status()["ConfigurationRecordersStatus"]
    assert status["recording"] is False
    config.start_configuration_recorder(ConfigurationRecorderName="default")
    [status] = config.describe_configuration_recorder_status(
        ConfigurationRecorderNames=["default"])["ConfigurationRecordersStatus"]
    assert status["recording"] is True and "lastStartTime" in status
    # The last channel cannot go while the recorder records.
    with pytest.raises(ClientError) as err:
        config.delete_delivery_channel(DeliveryChannelName="default")
    assert _code(err) == "LastDeliveryChannelDeleteFailedException"
    config.stop_configuration_recorder(ConfigurationRecorderName="default")
    assert config.describe_configuration_recorder_status()["ConfigurationRecordersStatus"][0]["recording"] is False
    config.delete_delivery_channel(DeliveryChannelName="default")
    config.delete_configuration_recorder(ConfigurationRecorderName="default")
    assert config.describe_configuration_recorders()["ConfigurationRecorders"] == []
    assert config.describe_delivery_channels()["DeliveryChannels"] == []


def test_the_order_and_the_one_per_region_rules(moto):
    config, bucket, _ = _aws(moto, "eu-west-2")
    _empty(config)
    with pytest.raises(ClientError) as err:
        config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": bucket})
    assert _code(err) == "NoAvailableConfigurationRecorderException"
    config.put_configuration_recorder(ConfigurationRecorder=RECORDER)
    with pytest.raises(ClientError) as err:
        config.start_configuration_recorder(ConfigurationRecorderName="default")
    assert _code(err) == "NoAvailableDeliveryChannelException"
    with pytest.raises(ClientError) as err:
        config.put_configuration_recorder(ConfigurationRecorder={**RECORDER, "name": "second"})
    assert _code(err) == "MaxNumberOfConfigurationRecordersExceededException"
    # Putting the recorder of the same name again updates it.
    config.put_configuration_recorder(ConfigurationRecorder={**RECORDER, "recordingGroup": {
        "allSupported": False, "includeGlobalResourceTypes": False, "resourceTypes": ["AWS::S3::Bucket"]}})
    [recorder] = config.describe_configuration_recorders()["ConfigurationRecorders"]
    assert recorder["recordingGroup"]["resourceTypes"] == ["AWS::S3::Bucket"]
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": bucket})
    with pytest.raises(ClientError) as err:
        config.put_delivery_channel(DeliveryChannel={"name": "second", "s3BucketName": bucket})
    assert _code(err) == "MaxNumberOfDeliveryChannelsExceededException"
    _empty(config)


def test_a_channel_to_a_bucket_that_does_not_exist_is_refused(moto):
    config, _, _ = _aws(moto, "eu-west-3")
    _empty(config)
    config.put_configuration_recorder(ConfigurationRecorder=RECORDER)
    with pytest.raises(ClientError) as err:
        config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "no-such-config-bucket"})
    assert _code(err) == "NoSuchBucketException"
    assert config.describe_delivery_channels()["DeliveryChannels"] == []
    _empty(config)


def test_names_that_do_not_exist_are_not_found(moto):
    config, _, _ = _aws(moto, "eu-central-1")
    _empty(config)
    for call, kwargs, code in (
            (config.describe_configuration_recorders, {"ConfigurationRecorderNames": ["none"]},
             "NoSuchConfigurationRecorderException"),
            (config.start_configuration_recorder, {"ConfigurationRecorderName": "none"},
             "NoSuchConfigurationRecorderException"),
            (config.delete_configuration_recorder, {"ConfigurationRecorderName": "none"},
             "NoSuchConfigurationRecorderException"),
            (config.delete_delivery_channel, {"DeliveryChannelName": "none"}, "NoSuchDeliveryChannelException")):
        with pytest.raises(ClientError) as err:
            call(**kwargs)
        assert _code(err) == code
