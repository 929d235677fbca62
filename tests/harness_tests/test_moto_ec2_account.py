"""The Region's EC2 account settings on the emulator: instance metadata defaults and block public
access for EBS snapshots and AMIs, as AWS documents them. Each test starts from AWS's defaults in
a Region of its own choosing (the settings are the Region's)."""

import pytest
from botocore.exceptions import ClientError

REGION = "eu-north-1"


def _code(err):
    return err.value.response["Error"]["Code"]


def test_instance_metadata_defaults_are_set_read_and_cleared(moto):
    ec2 = moto.client("ec2", region=REGION)
    ec2.modify_instance_metadata_defaults(HttpTokens="no-preference", HttpPutResponseHopLimit=-1,
                                          HttpEndpoint="no-preference", InstanceMetadataTags="no-preference")
    assert ec2.get_instance_metadata_defaults()["AccountLevel"] == {}
    assert ec2.modify_instance_metadata_defaults(HttpTokens="required", HttpPutResponseHopLimit=2)["Return"]
    assert ec2.get_instance_metadata_defaults()["AccountLevel"] == {"HttpTokens": "required",
                                                                    "HttpPutResponseHopLimit": 2}
    # A setting left out stays; "no-preference" clears one.
    ec2.modify_instance_metadata_defaults(HttpEndpoint="enabled")
    ec2.modify_instance_metadata_defaults(HttpPutResponseHopLimit=-1)
    assert ec2.get_instance_metadata_defaults()["AccountLevel"] == {"HttpTokens": "required",
                                                                    "HttpEndpoint": "enabled"}
    for bad in ({"HttpTokens": "sometimes"}, {"HttpPutResponseHopLimit": 65}):
        with pytest.raises(ClientError) as err:
            ec2.modify_instance_metadata_defaults(**bad)
        assert _code(err) == "InvalidParameterValue"
    ec2.modify_instance_metadata_defaults(HttpTokens="no-preference", HttpEndpoint="no-preference")
    assert ec2.get_instance_metadata_defaults()["AccountLevel"] == {}
    # Another Region keeps its own.
    assert moto.client("ec2", region="eu-west-3").get_instance_metadata_defaults()["AccountLevel"] == {}


def test_snapshot_block_public_access_is_enabled_read_and_disabled(moto):
    ec2 = moto.client("ec2", region=REGION)
    ec2.disable_snapshot_block_public_access()
    assert ec2.get_snapshot_block_public_access_state() | {"ResponseMetadata": None} == {
        "State": "unblocked", "ManagedBy": "account", "ResponseMetadata": None}
    assert ec2.enable_snapshot_block_public_access(State="block-all-sharing")["State"] == "block-all-sharing"
    assert ec2.get_snapshot_block_public_access_state()["State"] == "block-all-sharing"
    with pytest.raises(ClientError) as err:
        ec2.enable_snapshot_block_public_access(State="block-some-sharing")
    assert _code(err) == "InvalidParameterValue"
    assert ec2.disable_snapshot_block_public_access()["State"] == "unblocked"
    assert ec2.get_snapshot_block_public_access_state()["State"] == "unblocked"


def test_image_block_public_access_is_enabled_read_and_disabled(moto):
    ec2 = moto.client("ec2", region=REGION)
    ec2.disable_image_block_public_access()
    got = ec2.get_image_block_public_access_state()
    assert (got["ImageBlockPublicAccessState"], got["ManagedBy"]) == ("unblocked", "account")
    assert ec2.enable_image_block_public_access(ImageBlockPublicAccessState="block-new-sharing")[
        "ImageBlockPublicAccessState"] == "block-new-sharing"
    assert ec2.get_image_block_public_access_state()["ImageBlockPublicAccessState"] == "block-new-sharing"
    with pytest.raises(ClientError) as err:
        ec2.enable_image_block_public_access(ImageBlockPublicAccessState="block-all-sharing")
    assert _code(err) == "InvalidParameterValue"
    assert ec2.disable_image_block_public_access()["ImageBlockPublicAccessState"] == "unblocked"
