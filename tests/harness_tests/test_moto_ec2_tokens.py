"""The launcher's EC2 idempotency tokens: a create sent again with the same ClientToken answers
what the first made and makes nothing more; the same token with other parameters is refused;
a refused create is not remembered. Each test works in a Region of its own."""

import uuid

import pytest
from botocore.exceptions import ClientError

REGION = "ap-southeast-2"


def _code(err):
    return err.value.response["Error"]["Code"]


def _vpc(ec2):
    return ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]


def _token():
    return uuid.uuid4().hex


def _flow_logs(ec2, vpc):
    return ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc]}])["FlowLogs"]


def test_create_flow_logs_sent_again_with_its_token_answers_the_first_flow_log(moto):
    ec2 = moto.client("ec2", region=REGION)
    vpc = _vpc(ec2)
    token = _token()
    ask = dict(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL", LogGroupName=f"flows-{vpc}",
               DeliverLogsPermissionArn="arn:aws:iam::123456789012:role/flows", ClientToken=token)
    [first] = ec2.create_flow_logs(**ask)["FlowLogIds"]
    [again] = ec2.create_flow_logs(**ask)["FlowLogIds"]
    assert again == first
    assert [f["FlowLogId"] for f in _flow_logs(ec2, vpc)] == [first]
    # The same token with another parameter is refused, and makes nothing.
    with pytest.raises(ClientError) as err:
        ec2.create_flow_logs(**{**ask, "TrafficType": "REJECT"})
    assert _code(err) == "IdempotentParameterMismatch"
    # Without the token, the same flow log again is refused as AWS refuses it.
    with pytest.raises(ClientError) as err:
        ec2.create_flow_logs(**{k: v for k, v in ask.items() if k != "ClientToken"})
    assert _code(err) == "FlowLogAlreadyExists"
    assert len(_flow_logs(ec2, vpc)) == 1


def test_a_refused_create_flow_logs_is_not_remembered(moto):
    ec2 = moto.client("ec2", region=REGION)
    s3 = moto.client("s3", region=REGION)
    vpc = _vpc(ec2)
    bucket = f"flows-{uuid.uuid4().hex[:12]}"
    ask = dict(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL", LogDestinationType="s3",
               LogDestination=f"arn:aws:s3:::{bucket}", ClientToken=_token())
    refused = ec2.create_flow_logs(**ask)
    assert refused["FlowLogIds"] == [] and refused["Unsuccessful"]
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    [made] = ec2.create_flow_logs(**ask)["FlowLogIds"]
    assert [f["FlowLogId"] for f in _flow_logs(ec2, vpc)] == [made]


def test_create_nat_gateway_sent_again_with_its_token_makes_no_second_gateway(moto):
    ec2 = moto.client("ec2", region=REGION)
    vpc = _vpc(ec2)
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    token = _token()
    first = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=allocation, ClientToken=token)
    again = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=allocation, ClientToken=token)
    assert again["NatGateway"]["NatGatewayId"] == first["NatGateway"]["NatGatewayId"]
    listed = ec2.describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["NatGateways"]
    assert [n["NatGatewayId"] for n in listed] == [first["NatGateway"]["NatGatewayId"]]
    # Another token is another request: a second gateway, as on AWS.
    second = ec2.allocate_address(Domain="vpc")["AllocationId"]
    other = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=second, ClientToken=_token())
    assert other["NatGateway"]["NatGatewayId"] != first["NatGateway"]["NatGatewayId"]


def test_create_network_acl_sent_again_with_its_token_makes_no_second_acl(moto):
    ec2 = moto.client("ec2", region=REGION)
    vpc = _vpc(ec2)
    token = _token()
    first = ec2.create_network_acl(VpcId=vpc, ClientToken=token)["NetworkAcl"]["NetworkAclId"]
    assert ec2.create_network_acl(VpcId=vpc, ClientToken=token)["NetworkAcl"]["NetworkAclId"] == first
    acls = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                              {"Name": "default", "Values": ["false"]}])["NetworkAcls"]
    assert [a["NetworkAclId"] for a in acls] == [first]
    with pytest.raises(ClientError) as err:
        ec2.create_network_acl(VpcId=_vpc(ec2), ClientToken=token)
    assert _code(err) == "IdempotentParameterMismatch"


def test_tokens_are_the_regions_own(moto):
    token = _token()
    made = []
    for region in (REGION, "ca-central-1"):
        ec2 = moto.client("ec2", region=region)
        made.append(ec2.create_network_acl(VpcId=_vpc(ec2), ClientToken=token)["NetworkAcl"]["NetworkAclId"])
    assert made[0] != made[1]
