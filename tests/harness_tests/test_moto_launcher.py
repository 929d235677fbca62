"""The moto launcher: starts, answers boto3, stops on SIGTERM; its additions match AWS docs."""

import signal
import subprocess
import sys
import uuid

import pytest
from botocore.exceptions import ClientError

from harness.moto_process import ACCOUNT_ID, LAUNCHER, read_first_line


def test_launcher_answers_boto3(moto):
    assert moto.url == f"http://127.0.0.1:{moto.port}"
    assert moto.client("sts").get_caller_identity()["Account"] == ACCOUNT_ID
    name = f"s-{uuid.uuid4().hex[:8]}"
    moto.client("kinesis").create_stream(StreamName=name, ShardCount=1)
    assert name in moto.client("kinesis").list_streams()["StreamNames"]


def test_reset_clears_state(moto):
    name = f"r-{uuid.uuid4().hex[:8]}"
    moto.client("sqs").create_queue(QueueName=name)
    moto.reset()
    assert name not in str(moto.client("sqs").list_queues().get("QueueUrls", []))


def test_launcher_prints_port_and_stops_on_sigterm():
    proc = subprocess.Popen([sys.executable, str(LAUNCHER)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        line = read_first_line(proc, 30)
        assert line is not None and line.strip().isdigit(), line
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0
        assert proc.stdout_lines == []  # exactly one line was printed
    finally:
        proc.kill()
        proc.wait()


def test_kinesis_create_stream_tags(moto):
    """AWS CreateStream: "Tags: A set of up to 50 key-value pairs to use to create the tags"."""
    kinesis = moto.client("kinesis")
    name = f"t-{uuid.uuid4().hex[:8]}"
    kinesis.create_stream(StreamName=name, ShardCount=1,
                          Tags={"owner": "phi-team", "compliance": "hipaa"})
    tags = kinesis.list_tags_for_stream(StreamName=name)["Tags"]
    assert sorted(tags, key=lambda t: t["Key"]) == [
        {"Key": "compliance", "Value": "hipaa"}, {"Key": "owner", "Value": "phi-team"}]


def test_kinesis_create_stream_without_tags_still_works(moto):
    kinesis = moto.client("kinesis")
    name = f"n-{uuid.uuid4().hex[:8]}"
    kinesis.create_stream(StreamName=name, ShardCount=1)
    assert kinesis.list_tags_for_stream(StreamName=name)["Tags"] == []


def test_kinesis_create_stream_refuses_more_than_50_tags(moto):
    kinesis = moto.client("kinesis")
    name = f"m-{uuid.uuid4().hex[:8]}"
    with pytest.raises(ClientError) as err:
        kinesis.create_stream(StreamName=name, ShardCount=1,
                              Tags={f"k{i}": "v" for i in range(51)})
    assert err.value.response["Error"]["Code"] == "ValidationException"
    assert name not in kinesis.list_streams()["StreamNames"]


def test_start_in_process():
    from harness import moto_launcher
    from harness.moto_process import boto_client

    server, port = moto_launcher.start()
    try:
        assert port > 0
        assert boto_client("sts", f"http://127.0.0.1:{port}").get_caller_identity()[
            "Account"] == ACCOUNT_ID
    finally:
        server.stop()


def test_kms_schedule_key_deletion_accepts_a_key_arn(moto):
    kms = moto.client("kms")
    meta = kms.create_key()["KeyMetadata"]
    answer = kms.schedule_key_deletion(KeyId=meta["Arn"], PendingWindowInDays=7)
    assert answer["KeyId"] == meta["Arn"]
    assert kms.describe_key(KeyId=meta["KeyId"])["KeyMetadata"]["KeyState"] == "PendingDeletion"


def test_ec2_delete_nat_gateway_frees_its_address(moto):
    ec2 = moto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.0.0/24")["Subnet"]["SubnetId"]
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=allocation)["NatGateway"]["NatGatewayId"]
    ec2.delete_nat_gateway(NatGatewayId=nat)
    [address] = ec2.describe_addresses(AllocationIds=[allocation])["Addresses"]
    assert not address.get("AssociationId") and not address.get("NetworkInterfaceId")
    again = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=allocation)["NatGateway"]["NatGatewayId"]
    ec2.delete_nat_gateway(NatGatewayId=again)
    ec2.release_address(AllocationId=allocation)


def test_sts_get_caller_identity_iam_user(moto):
    # Credentials moto did not issue answer as an IAM user's ARN, as AWS answers a user's.
    me = moto.client("sts").get_caller_identity()
    assert me["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/moto", me
    # A role session keeps its assumed-role ARN.
    iam = moto.client("iam")
    name = f"r-{uuid.uuid4().hex[:8]}"
    trust = '{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}'
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)["Role"]
    creds = moto.client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="deploy")["Credentials"]
    import boto3
    session = boto3.client("sts", endpoint_url=moto.url, region_name="us-east-1",
                           aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                           aws_session_token=creds["SessionToken"])
    assert session.get_caller_identity()["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{name}/deploy"
