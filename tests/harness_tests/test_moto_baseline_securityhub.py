"""The account baseline's Security Hub on the emulator: the hub, its standards and its tags, as
AWS documents them. One hub per Region: each test has a Region of its own."""

import pytest
from botocore.exceptions import ClientError

from harness.moto_process import ACCOUNT_ID


def _code(err):
    return err.value.response["Error"]["Code"]


def _securityhub(moto, region):
    """A Security Hub client for a Region where the hub is off."""
    client = moto.client("securityhub", region=region)
    try:
        client.disable_security_hub()
    except ClientError:
        pass
    return client


def _standard(region, path):
    return f"arn:aws:securityhub:{region}::standards/{path}"


def test_the_hub_is_enabled_tagged_and_disabled(moto):
    region = "ap-southeast-1"
    hub = _securityhub(moto, region)
    with pytest.raises(ClientError) as err:
        hub.describe_hub()
    assert _code(err) == "InvalidAccessException"
    hub.enable_security_hub(EnableDefaultStandards=False, Tags={"hipaa": "baseline"})
    arn = f"arn:aws:securityhub:{region}:{ACCOUNT_ID}:hub/default"
    described = hub.describe_hub()
    assert described["HubArn"] == arn and "SubscribedAt" in described
    assert hub.get_enabled_standards()["StandardsSubscriptions"] == []
    assert hub.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"hipaa": "baseline"}
    hub.tag_resource(ResourceArn=arn, Tags={"owner": "security"})
    hub.untag_resource(ResourceArn=arn, TagKeys=["hipaa"])
    assert hub.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"owner": "security"}
    with pytest.raises(ClientError) as err:
        hub.enable_security_hub(EnableDefaultStandards=False)
    assert _code(err) == "ResourceConflictException"
    assert hub.list_enabled_products_for_import()["ProductSubscriptions"] == []
    hub.disable_security_hub()
    with pytest.raises(ClientError) as err:
        hub.disable_security_hub()
    assert _code(err) == "InvalidAccessException"
    with pytest.raises(ClientError) as err:
        hub.list_tags_for_resource(ResourceArn=arn)
    assert _code(err) == "ResourceNotFoundException"


def test_standards_are_listed_enabled_and_disabled(moto):
    region = "ap-southeast-2"
    hub = _securityhub(moto, region)
    standards = {s["StandardsArn"]: s for s in hub.describe_standards()["Standards"]}
    fsbp = _standard(region, "aws-foundational-security-best-practices/v/1.0.0")
    nist = _standard(region, "nist-800-53/v/5.0.0")
    assert standards[fsbp]["EnabledByDefault"] is True and standards[nist]["EnabledByDefault"] is False
    assert standards["arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"]["Name"] == \
        "CIS AWS Foundations Benchmark v1.2.0"
    with pytest.raises(ClientError) as err:
        hub.batch_enable_standards(StandardsSubscriptionRequests=[{"StandardsArn": nist}])
    assert _code(err) == "InvalidAccessException"
    hub.enable_security_hub(EnableDefaultStandards=False)
    [enabled] = hub.batch_enable_standards(StandardsSubscriptionRequests=[{"StandardsArn": nist}])[
        "StandardsSubscriptions"]
    subscription = f"arn:aws:securityhub:{region}:{ACCOUNT_ID}:subscription/nist-800-53/v/5.0.0"
    assert enabled["StandardsSubscriptionArn"] == subscription and enabled["StandardsStatus"] == "PENDING"
    # Listed as PENDING for a while (here, one read), then READY.
    [pending] = hub.get_enabled_standards()["StandardsSubscriptions"]
    assert pending["StandardsArn"] == nist and pending["StandardsStatus"] == "PENDING"
    [listed] = hub.get_enabled_standards()["StandardsSubscriptions"]
    assert listed["StandardsArn"] == nist and listed["StandardsStatus"] == "READY"
    assert hub.get_enabled_standards(StandardsSubscriptionArns=[subscription])["StandardsSubscriptions"] == [listed]
    with pytest.raises(ClientError) as err:
        hub.batch_enable_standards(StandardsSubscriptionRequests=[{"StandardsArn": _standard(region, "none/v/1")}])
    assert _code(err) == "InvalidInputException"
    [disabled] = hub.batch_disable_standards(StandardsSubscriptionArns=[subscription])["StandardsSubscriptions"]
    assert disabled["StandardsStatus"] == "DELETING"
    [deleting] = hub.get_enabled_standards()["StandardsSubscriptions"]
    assert deleting["StandardsArn"] == nist and deleting["StandardsStatus"] == "DELETING"
    assert hub.get_enabled_standards()["StandardsSubscriptions"] == []
    with pytest.raises(ClientError) as err:
        hub.batch_disable_standards(StandardsSubscriptionArns=[subscription])
    assert _code(err) == "InvalidInputException"
    hub.disable_security_hub()


def test_the_default_standards_come_with_the_hub_unless_declined(moto):
    region = "ap-northeast-1"
    hub = _securityhub(moto, region)
    hub.enable_security_hub()
    enabled = {s["StandardsArn"] for s in hub.get_enabled_standards()["StandardsSubscriptions"]}
    assert enabled == {_standard(region, "aws-foundational-security-best-practices/v/1.0.0"),
                       "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"}
    # Disabling the hub ends its subscriptions.
    hub.disable_security_hub()
    hub.enable_security_hub(EnableDefaultStandards=False)
    assert hub.get_enabled_standards()["StandardsSubscriptions"] == []
    hub.disable_security_hub()
