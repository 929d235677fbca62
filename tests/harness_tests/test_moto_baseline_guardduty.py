"""The account baseline's GuardDuty detector on the emulator, as AWS documents it. One detector
per Region: each test has a Region of its own."""

import pytest
from botocore.exceptions import ClientError

from harness.moto_process import ACCOUNT_ID

FEATURES = [{"Name": "S3_DATA_EVENTS", "Status": "ENABLED"}, {"Name": "EBS_MALWARE_PROTECTION", "Status": "ENABLED"},
            {"Name": "RDS_LOGIN_EVENTS", "Status": "ENABLED"}]


def _code(err):
    return err.value.response["Error"]["Code"]


def _guardduty(moto, region):
    """A GuardDuty client for a Region with no detector."""
    client = moto.client("guardduty", region=region)
    for detector in client.list_detectors()["DetectorIds"]:
        client.delete_detector(DetectorId=detector)
    return client


def test_a_detector_reads_back_as_created_and_updated(moto):
    guardduty = _guardduty(moto, "us-west-1")
    detector = guardduty.create_detector(Enable=True, FindingPublishingFrequency="FIFTEEN_MINUTES",
                                         Features=FEATURES, Tags={"hipaa": "baseline"})["DetectorId"]
    assert guardduty.list_detectors()["DetectorIds"] == [detector]
    got = guardduty.get_detector(DetectorId=detector)
    assert got["Status"] == "ENABLED" and got["FindingPublishingFrequency"] == "FIFTEEN_MINUTES"
    assert got["Tags"] == {"hipaa": "baseline"}
    assert {f["Name"]: f["Status"] for f in got["Features"]} == {f["Name"]: f["Status"] for f in FEATURES}
    guardduty.update_detector(DetectorId=detector, Enable=False, FindingPublishingFrequency="ONE_HOUR",
                              Features=[{"Name": "EBS_MALWARE_PROTECTION", "Status": "DISABLED"}])
    got = guardduty.get_detector(DetectorId=detector)
    assert got["Status"] == "DISABLED" and got["FindingPublishingFrequency"] == "ONE_HOUR"
    # Only the feature named changes.
    assert {f["Name"]: f["Status"] for f in got["Features"]} == {
        "S3_DATA_EVENTS": "ENABLED", "EBS_MALWARE_PROTECTION": "DISABLED", "RDS_LOGIN_EVENTS": "ENABLED"}
    assert got["UpdatedAt"] >= got["CreatedAt"]
    guardduty.delete_detector(DetectorId=detector)
    assert guardduty.list_detectors()["DetectorIds"] == []


def test_a_region_has_one_detector(moto):
    guardduty = _guardduty(moto, "us-west-2")
    detector = guardduty.create_detector(Enable=True, DataSources={"S3Logs": {"Enable": True}})["DetectorId"]
    with pytest.raises(ClientError) as err:
        guardduty.create_detector(Enable=True)
    assert _code(err) == "BadRequestException"
    assert guardduty.list_detectors()["DetectorIds"] == [detector]
    assert guardduty.get_detector(DetectorId=detector)["DataSources"]["S3Logs"]["Status"] == "ENABLED"
    guardduty.delete_detector(DetectorId=detector)


def test_a_detector_that_does_not_exist_is_a_bad_request(moto):
    guardduty = _guardduty(moto, "ca-central-1")
    missing = "0" * 32
    for call, kwargs in ((guardduty.get_detector, {}), (guardduty.delete_detector, {}),
                         (guardduty.update_detector, {"Enable": True}), (guardduty.list_findings, {})):
        with pytest.raises(ClientError) as err:
            call(DetectorId=missing, **kwargs)
        assert _code(err) == "BadRequestException"


def test_the_detector_tags_are_read_and_changed(moto):
    region = "sa-east-1"
    guardduty = _guardduty(moto, region)
    detector = guardduty.create_detector(Enable=True, Tags={"hipaa": "baseline"})["DetectorId"]
    arn = f"arn:aws:guardduty:{region}:{ACCOUNT_ID}:detector/{detector}"
    assert guardduty.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"hipaa": "baseline"}
    guardduty.tag_resource(ResourceArn=arn, Tags={"owner": "security"})
    guardduty.untag_resource(ResourceArn=arn, TagKeys=["hipaa"])
    assert guardduty.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"owner": "security"}
    assert guardduty.get_detector(DetectorId=detector)["Tags"] == {"owner": "security"}
    other = "0" * len(detector) if detector != "0" * len(detector) else "1" * len(detector)
    with pytest.raises(ClientError) as err:
        guardduty.list_tags_for_resource(ResourceArn=arn.replace(detector, other))
    assert _code(err) == "BadRequestException"
    # A quiet account: the emulator makes no findings.
    assert guardduty.list_findings(DetectorId=detector)["FindingIds"] == []
    guardduty.delete_detector(DetectorId=detector)
