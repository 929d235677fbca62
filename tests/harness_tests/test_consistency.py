"""The eventual-consistency model the fault proxy plays: each lag AWS documents, shown as AWS
answers it, and shown to end."""

import json
import subprocess
import sys
import time
import urllib.request
import uuid

import pytest
from botocore.exceptions import ClientError

from harness import faultproxy
from harness.consistency import PROFILES, Consistency, rest_call, values
from harness.consistency_ec2 import drop_lagging
from harness.faultproxy import FaultProxy, request_params
from harness.moto_process import boto_client, read_first_line

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
    "Action": "sts:AssumeRole"}]})


def name():
    return f"h-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def lagged(moto):
    """Factory: ``lagged(scale, seed=7)``, a FaultProxy in front of moto playing the AWS
    profile with every lag multiplied by ``scale``."""
    started = []

    def start(scale, seed=7):
        started.append(FaultProxy(moto.url, consistency=Consistency(seed=seed, scale=scale)))
        return started[-1].start()

    yield start
    for proxy in started:
        proxy.stop()


def via(proxy, service):
    return boto_client(service, proxy.url, retries=1)


def refused(call):
    """The error a call answers (it must fail): (code, message, HTTP status)."""
    with pytest.raises(ClientError) as err:
        call()
    response = err.value.response
    return (response["Error"]["Code"], response["Error"]["Message"],
            response["ResponseMetadata"]["HTTPStatusCode"])


def eventually(call, timeout=15.0):
    """Call until it succeeds (a refusal is the lag); return its result."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return call()
        except ClientError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def vpc_filter(vpc):
    return [{"Name": "vpc-id", "Values": [vpc]}]


def new_role(proxy):
    """Make a role through the proxy; return its ARN."""
    role = via(proxy, "iam").create_role(RoleName=name(), AssumeRolePolicyDocument=TRUST)
    return role["Role"]["Arn"]


TAG = [{"Key": "a", "Value": "b"}]


def test_a_new_vpc_and_subnet_are_unknown_until_visible(moto, lagged):
    proxy = lagged(scale=0.5)  # EC2 lag 0.5-2 s
    ec2, direct = via(proxy, "ec2"), moto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    assert refused(lambda: ec2.describe_vpcs(VpcIds=[vpc])) == (
        "InvalidVpcID.NotFound", f"The vpc ID '{vpc}' does not exist", 400)
    assert refused(lambda: ec2.create_tags(Resources=[vpc], Tags=TAG))[0] == "InvalidVpcID.NotFound"
    assert refused(lambda: ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.1.0/24"))[0] \
        == "InvalidVpcID.NotFound"
    # Filtered by the id, a describe is answered, without the new VPC or what came with it.
    assert ec2.describe_vpcs(Filters=vpc_filter(vpc))["Vpcs"] == []
    assert vpc not in [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]]
    assert ec2.describe_security_groups(Filters=vpc_filter(vpc))["SecurityGroups"] == []
    assert ec2.describe_route_tables(Filters=vpc_filter(vpc))["RouteTables"] == []
    assert ec2.describe_network_acls(Filters=vpc_filter(vpc))["NetworkAcls"] == []
    direct.create_tags(Resources=[vpc], Tags=[{"Key": "seen", "Value": "later"}])
    tags = [{"Name": "resource-id", "Values": [vpc]}]
    assert ec2.describe_tags(Filters=tags)["Tags"] == []
    assert direct.describe_vpcs(VpcIds=[vpc])["Vpcs"], "moto has it all along"

    eventually(lambda: ec2.describe_vpcs(VpcIds=[vpc]))
    assert len(ec2.describe_security_groups(Filters=vpc_filter(vpc))["SecurityGroups"]) == 1
    assert len(ec2.describe_route_tables(Filters=vpc_filter(vpc))["RouteTables"]) == 1
    assert len(ec2.describe_tags(Filters=tags)["Tags"]) == 1

    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.1.0/24")["Subnet"]["SubnetId"]
    assert ec2.describe_subnets(Filters=vpc_filter(vpc))["Subnets"] == []
    assert refused(lambda: ec2.create_tags(Resources=[subnet], Tags=TAG))[0] \
        == "InvalidSubnetID.NotFound"
    eventually(lambda: ec2.describe_subnets(SubnetIds=[subnet]))
    assert [s["SubnetId"] for s in ec2.describe_subnets(Filters=vpc_filter(vpc))["Subnets"]] \
        == [subnet]

    counts = proxy.consistency.counts()
    assert counts["ec2.not_found"] >= 5 and counts["ec2.filtered"] >= 7, counts
    lagged_entries = [e for e in proxy.log() if e["lagged"]]
    assert sum(counts.values()) == len(lagged_entries)
    assert [k for k, _, _ in proxy.consistency.drawn()] == ["ec2.visible", "ec2.visible"]


def test_flow_logs_refuse_a_new_role_until_it_propagates(moto, lagged):
    proxy = lagged(scale=0.1)  # role 0.6-1.2 s
    vpc = moto.client("ec2").create_vpc(CidrBlock="10.21.0.0/16")["Vpc"]["VpcId"]
    group = name()
    moto.client("logs").create_log_group(logGroupName=group)
    arn = new_role(proxy)
    ec2 = via(proxy, "ec2")

    def create():
        return ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL",
                                    LogGroupName=group, DeliverLogsPermissionArn=arn)

    assert refused(create) == ("InvalidParameter", f"Unable to assume given IAM role: '{arn}'", 400)
    on_vpc = [{"Name": "resource-id", "Values": [vpc]}]
    assert moto.client("ec2").describe_flow_logs(Filters=on_vpc)["FlowLogs"] == []
    [flow_log] = eventually(create)["FlowLogIds"]
    assert proxy.consistency.counts()["iam.not_propagated"] >= 1
    assert refused(lambda: ec2.delete_flow_logs(FlowLogIds=[flow_log]))[0] \
        == "InvalidFlowLogId.NotFound"


def test_other_services_refuse_a_new_role_until_it_propagates(moto, lagged):
    proxy = lagged(scale=0.2)  # role 1.2-2.4 s
    secret = moto.client("secretsmanager").create_secret(Name=name(), SecretString="x")["ARN"]
    arn = new_role(proxy)
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": [arn]}, "Action": "kms:*", "Resource": "*"}]})
    kms, rds = via(proxy, "kms"), via(proxy, "rds")
    assert refused(lambda: kms.create_key(Policy=policy)) == (
        "MalformedPolicyDocumentException",
        "Policy contains a statement with one or more invalid principals.", 400)
    assert refused(lambda: via(proxy, "secretsmanager").put_resource_policy(
        SecretId=secret, ResourcePolicy=policy))[0] == "MalformedPolicyDocumentException"
    assert refused(lambda: rds.create_db_instance(
        DBInstanceIdentifier=name(), Engine="postgres", DBInstanceClass="db.t3.micro",
        MasterUsername="u", MasterUserPassword="passw0rd!!", AllocatedStorage=20,
        MonitoringInterval=60, MonitoringRoleArn=arn))[:2] == (
        "InvalidParameterValue", "IAM role ARN value is invalid or does not include the "
        "required permissions for: ENHANCED_MONITORING")
    code, message, _ = refused(lambda: via(proxy, "ecs").register_task_definition(
        family=name(), executionRoleArn=arn,
        containerDefinitions=[{"name": "app", "image": "nginx", "memory": 128}]))
    assert code == "AccessDeniedException" and f"iam:PassRole on resource: {arn}" in message
    assert proxy.consistency.counts()["iam.not_propagated"] == 4
    assert eventually(lambda: kms.create_key(Policy=policy))["KeyMetadata"]["KeyId"]


def test_cloudtrail_refuses_a_new_role_and_a_new_key_until_they_propagate(moto, lagged):
    proxy = lagged(scale=0.1)  # role 0.6-1.2 s, key 0.1-0.3 s
    bucket, group = name(), name()
    moto.client("s3").create_bucket(Bucket=bucket)
    moto.client("logs").create_log_group(logGroupName=group)
    logs_arn = f"arn:aws:logs:us-east-1:123456789012:log-group:{group}:*"
    key = moto.client("kms").create_key()["KeyMetadata"]["Arn"]
    role = new_role(proxy)
    cloudtrail = via(proxy, "cloudtrail")
    trail = name()

    def create():
        return cloudtrail.create_trail(Name=trail, S3BucketName=bucket, KmsKeyId=key,
                                       CloudWatchLogsLogGroupArn=logs_arn,
                                       CloudWatchLogsRoleArn=role)

    assert refused(create)[:2] == (
        "InvalidCloudWatchLogsRoleArnException",
        "Access denied. Verify in IAM that the role has adequate permissions.")
    assert moto.client("cloudtrail").describe_trails()["trailList"] == []
    assert eventually(create)["Name"] == trail
    assert proxy.consistency.counts()["iam.not_propagated"] >= 1

    new_key = via(proxy, "kms").create_key()["KeyMetadata"]["Arn"]
    update = lambda: cloudtrail.update_trail(Name=trail, KmsKeyId=new_key)  # noqa: E731
    assert refused(update)[0] == "KmsKeyNotFoundException"
    assert eventually(update)["KmsKeyId"] == new_key
    assert proxy.consistency.counts()["kms.not_propagated"] >= 1


def test_backup_refuses_a_new_role_for_a_selection_until_it_propagates(moto, lagged):
    proxy = lagged(scale=0.1)  # role 0.6-1.2 s
    direct, vault = moto.client("backup"), name()
    direct.create_backup_vault(BackupVaultName=vault)
    plan = direct.create_backup_plan(BackupPlan={"BackupPlanName": name(), "Rules": [
        {"RuleName": "daily", "TargetBackupVaultName": vault}]})["BackupPlanId"]
    arn = new_role(proxy)
    backup = via(proxy, "backup")

    def create():
        return backup.create_backup_selection(BackupPlanId=plan, BackupSelection={
            "SelectionName": "all", "IamRoleArn": arn, "Resources": ["*"]})

    assert refused(create) == (
        "InvalidParameterValueException", f"IAM Role {arn} cannot be assumed by AWS Backup", 400)
    assert direct.list_backup_selections(BackupPlanId=plan)["BackupSelectionsList"] == []
    # Reading the plan's selections meanwhile is not refused.
    assert backup.list_backup_selections(BackupPlanId=plan)["BackupSelectionsList"] == []
    selection = eventually(create)["SelectionId"]
    assert [s["SelectionId"] for s in direct.list_backup_selections(BackupPlanId=plan)[
        "BackupSelectionsList"]] == [selection]
    assert proxy.consistency.counts()["iam.not_propagated"] >= 1
    # The proxy finds the service in the request's credential scope, the call by its path.
    first = next(e for e in proxy.log() if e["lagged"])
    assert (first["service"], first["operation"], first["code"]) == (
        "backup", f"PUT /backup/plans/{plan}/selections/", "InvalidParameterValueException")


def test_s3_refuses_a_bucket_policy_naming_a_new_role_until_it_propagates(moto, lagged):
    proxy = lagged(scale=0.1)  # role 0.6-1.2 s
    bucket = name()
    moto.client("s3").create_bucket(Bucket=bucket)
    arn = new_role(proxy)
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": arn}, "Action": "s3:PutObject",
        "Resource": f"arn:aws:s3:::{bucket}/reports/*"}]})
    s3 = via(proxy, "s3")

    def put():
        return s3.put_bucket_policy(Bucket=bucket, Policy=policy)

    assert refused(put) == ("MalformedPolicy", "Invalid principal in policy", 400)
    assert _no_policy(moto.client("s3"), bucket)
    eventually(put)
    assert json.loads(moto.client("s3").get_bucket_policy(Bucket=bucket)["Policy"]) == json.loads(policy)
    assert proxy.consistency.counts()["iam.not_propagated"] >= 1
    # A policy naming only services and accounts is not held up.
    other = name()
    moto.client("s3").create_bucket(Bucket=other)
    s3.put_bucket_policy(Bucket=other, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
        "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{other}/*"}]}))


def _no_policy(s3, bucket):
    try:
        s3.get_bucket_policy(Bucket=bucket)
    except ClientError as err:
        return err.response["Error"]["Code"] == "NoSuchBucketPolicy"
    return False


def test_backup_selections_are_named_and_read_from_their_json_body():
    role = "arn:aws:iam::123456789012:role/r"
    body = json.dumps({"BackupSelection": {"SelectionName": "all", "IamRoleArn": role,
                                           "Resources": ["*"]}}).encode()
    # boto3 keeps the model's trailing slash, the AWS SDK for Rust drops it.
    for path in ("PUT /backup/plans/p-1/selections/", "PUT /backup/plans/p-1/selections"):
        operation, params = rest_call("rest", "backup", path, {}, body)
        assert operation == "CreateBackupSelection"
        assert values(params, "BackupSelection.IamRoleArn") == [role]
    assert rest_call("rest", "backup", "GET /backup/plans/p-1/selections/", {}, b"")[0] \
        == "GET /backup/plans/p-1/selections/"
    model = Consistency(seed=2)
    assert model.before("rest", "backup", "PUT /backup/plans/p-1/selections", {}, body) is None
    model.after("query", "iam", "CreateRole", {}, 200,
                b'<CreateRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">'
                b"<CreateRoleResult><Role><RoleName>r</RoleName>"
                b"<Arn>arn:aws:iam::123456789012:role/r</Arn></Role></CreateRoleResult>"
                b"</CreateRoleResponse>")
    assert model.before("rest", "backup", "PUT /backup/plans/p-1/selections", {}, body) == (
        400, "InvalidParameterValueException", f"IAM Role {role} cannot be assumed by AWS Backup")
    assert model.before("rest", "backup", "PUT /backup/plans/p-1/selections/", {}, b"{}") is None
    assert model.counts() == {"iam.not_propagated": 1}


def test_iam_itself_answers_a_new_role_and_a_detached_policy_after_a_moment(lagged):
    proxy = lagged(scale=1.0, seed=13)
    iam, role = via(proxy, "iam"), name()
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST)
    lags = {kind: seconds for kind, _, seconds in proxy.consistency.drawn()}
    assert lags["iam.entity"] > 0.3, "seed 13 draws a lag long enough to see"
    assert refused(lambda: iam.get_role(RoleName=role)) == (
        "NoSuchEntity", f"The role with name {role} cannot be found.", 404)
    eventually(lambda: iam.get_role(RoleName=role))
    iam.put_role_policy(RoleName=role, PolicyName="p", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:*",
                                                "Resource": "*"}]}))
    iam.delete_role_policy(RoleName=role, PolicyName="p")
    assert proxy.consistency.drawn()[-1][0] == "iam.detach"
    assert proxy.consistency.drawn()[-1][2] > 0.3
    assert refused(lambda: iam.delete_role(RoleName=role))[::2] == ("DeleteConflict", 409)
    eventually(lambda: iam.delete_role(RoleName=role))
    counts = proxy.consistency.counts()
    assert set(counts) == {"iam.no_such_entity", "iam.delete_conflict"}, counts
    assert sum(counts.values()) == len([e for e in proxy.log() if e["lagged"]])


def test_a_new_kms_key_is_unknown_until_visible(moto, lagged):
    proxy = lagged(scale=0.5)  # key 0.5-1.5 s
    kms, logs = via(proxy, "kms"), via(proxy, "logs")
    stream = name()
    moto.client("kinesis").create_stream(StreamName=stream, ShardCount=1)
    key = kms.create_key()["KeyMetadata"]
    key_id, arn = key["KeyId"], key["Arn"]
    assert refused(lambda: kms.enable_key_rotation(KeyId=key_id)) == (
        "NotFoundException", f"Key '{arn}' does not exist", 400)
    assert refused(lambda: kms.describe_key(KeyId=arn))[0] == "NotFoundException"
    assert refused(lambda: kms.create_alias(AliasName=f"alias/{name()}", TargetKeyId=key_id))[0] \
        == "NotFoundException"
    assert key_id in [k["KeyId"] for k in kms.list_keys()["Keys"]]
    group = name()
    assert refused(lambda: logs.create_log_group(logGroupName=group, kmsKeyId=arn))[:2] == (
        "InvalidParameterException", "The specified KMS Key Id could not be found.")
    assert refused(lambda: via(proxy, "kinesis").start_stream_encryption(
        StreamName=stream, EncryptionType="KMS", KeyId=arn))[0] == "KMSNotFoundException"
    assert refused(lambda: via(proxy, "secretsmanager").create_secret(
        Name=name(), KmsKeyId=arn, SecretString="x"))[0] == "EncryptionFailure"
    counts = proxy.consistency.counts()
    assert counts == {"kms.not_found": 3, "kms.not_propagated": 3}, counts

    eventually(lambda: kms.enable_key_rotation(KeyId=key_id))
    deadline = time.monotonic() + 5  # rotation just enabled shows after a moment
    while not kms.get_key_rotation_status(KeyId=arn)["KeyRotationEnabled"]:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    logs.create_log_group(logGroupName=group, kmsKeyId=arn)


def make_instance(moto):
    db = name()
    moto.client("rds").create_db_instance(
        DBInstanceIdentifier=db, Engine="postgres", DBInstanceClass="db.t3.micro",
        MasterUsername="u", MasterUserPassword="passw0rd!!", AllocatedStorage=20)
    return db


def make_cluster(moto):
    cluster = name()
    moto.client("rds").create_db_cluster(DBClusterIdentifier=cluster, Engine="aurora-postgresql",
                                         MasterUsername="u", MasterUserPassword="passw0rd!!")
    return cluster


def make_group(moto):
    group = name()
    moto.client("elasticache").create_replication_group(
        ReplicationGroupId=group, ReplicationGroupDescription="x", Engine="redis",
        CacheNodeType="cache.t3.micro")
    return group


MODIFIED = {
    "instance": ("rds", make_instance, "InvalidDBInstanceState", "modifying",
                 lambda c, i: c.modify_db_instance(DBInstanceIdentifier=i, BackupRetentionPeriod=3,
                                                   ApplyImmediately=True),
                 lambda c, i: c.describe_db_instances(DBInstanceIdentifier=i)
                 ["DBInstances"][0]["DBInstanceStatus"]),
    "reboot": ("rds", make_instance, "InvalidDBInstanceState", "rebooting",
               lambda c, i: c.reboot_db_instance(DBInstanceIdentifier=i),
               lambda c, i: c.describe_db_instances(DBInstanceIdentifier=i)
               ["DBInstances"][0]["DBInstanceStatus"]),
    "cluster": ("rds", make_cluster, "InvalidDBClusterStateFault", "modifying",
                lambda c, i: c.modify_db_cluster(DBClusterIdentifier=i, BackupRetentionPeriod=3,
                                                 ApplyImmediately=True),
                lambda c, i: c.describe_db_clusters(DBClusterIdentifier=i)
                ["DBClusters"][0]["Status"]),
    "group": ("elasticache", make_group, "InvalidReplicationGroupState", "modifying",
              lambda c, i: c.modify_replication_group(ReplicationGroupId=i,
                                                      SnapshotRetentionLimit=2,
                                                      ApplyImmediately=True),
              lambda c, i: c.describe_replication_groups(ReplicationGroupId=i)
              ["ReplicationGroups"][0]["Status"]),
}


@pytest.mark.parametrize("kind", MODIFIED)
def test_a_modified_object_says_available_then_modifying_then_available(moto, lagged, kind):
    service, make, busy, transitional, modify, status = MODIFIED[kind]
    # available 0.15-0.45 s more, then modifying 0.6-1.5 s; seed 15 draws 0.44 s, then 0.61 s
    # (the first describe must come before the first is over, on a loaded machine too)
    proxy = lagged(scale=0.3, seed=15)
    client, target = via(proxy, service), make(moto)
    modify(client, target)
    seen = [status(client, target)]
    refusals = []
    while seen[-1] != "available" or transitional not in seen:
        time.sleep(0.05)
        seen.append(status(client, target))
        if seen[-1] == transitional and not refusals:
            refusals.append(refused(lambda: modify(client, target)))
        assert len(seen) < 200, seen
    phases = [s for i, s in enumerate(seen) if i == 0 or seen[i - 1] != s]
    assert phases == ["available", transitional, "available"], seen
    assert refusals[0][0] == busy and refusals[0][2] == 400
    modify(client, target)  # available again: a modify is accepted
    counts = proxy.consistency.counts()
    assert counts[f"{service}.invalid_state"] == 1
    assert counts[f"{service}.{transitional}"] == seen.count(transitional)


def test_deletes_meet_dependents_still_draining(moto, lagged):
    proxy = lagged(scale=0.3)  # drain 0.6-1.5 s
    direct = moto.client("ec2")
    vpc = direct.create_vpc(CidrBlock="10.22.0.0/16")["Vpc"]["VpcId"]
    subnet = direct.create_subnet(VpcId=vpc, CidrBlock="10.22.1.0/24")["Subnet"]["SubnetId"]
    endpoint = direct.create_vpc_endpoint(VpcId=vpc, ServiceName="com.amazonaws.us-east-1.s3",
                                          VpcEndpointType="Gateway")["VpcEndpoint"]["VpcEndpointId"]
    ec2 = via(proxy, "ec2")
    ec2.delete_vpc_endpoints(VpcEndpointIds=[endpoint])
    assert refused(lambda: ec2.delete_subnet(SubnetId=subnet)) == (
        "DependencyViolation",
        f"The subnet '{subnet}' has dependencies and cannot be deleted.", 400)
    assert refused(lambda: ec2.delete_vpc(VpcId=vpc))[0] == "DependencyViolation"
    eventually(lambda: ec2.delete_subnet(SubnetId=subnet))
    ec2.delete_vpc(VpcId=vpc)
    assert proxy.consistency.counts()["ec2.dependency_violation"] >= 2


def test_fault_rules_come_before_the_model(lagged):
    proxy = lagged(scale=0.5)
    ec2 = via(proxy, "ec2")
    vpc = ec2.create_vpc(CidrBlock="10.23.0.0/16")["Vpc"]["VpcId"]
    proxy.add_rule("error", error="throttle", operation="DescribeVpcs", times=1)
    assert refused(lambda: ec2.describe_vpcs(VpcIds=[vpc]))[0] == "RequestLimitExceeded"
    assert refused(lambda: ec2.describe_vpcs(VpcIds=[vpc]))[0] == "InvalidVpcID.NotFound"
    assert proxy.consistency.counts() == {"ec2.not_found": 1}
    assert [(e["operation"], e["fault"], e["lagged"], e["code"]) for e in proxy.log()] == [
        ("CreateVpc", None, False, None),
        ("DescribeVpcs", "error", False, "RequestLimitExceeded"),
        ("DescribeVpcs", None, True, "InvalidVpcID.NotFound")]


def feed(model):
    """Calls that draw one lag of each kind, answered as moto answers them (no network)."""
    ec2_ns = 'xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"'
    model.after("ec2", "ec2", "CreateVpc", {"Action": ["CreateVpc"]}, 200,
                f"<CreateVpcResponse {ec2_ns}><vpc><vpcId>vpc-0123456789abcdef0</vpcId></vpc>"
                "</CreateVpcResponse>".encode())
    model.after("query", "iam", "CreateRole", {}, 200,
                b'<CreateRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">'
                b"<CreateRoleResult><Role><RoleName>r</RoleName>"
                b"<Arn>arn:aws:iam::123456789012:role/r</Arn></Role></CreateRoleResult>"
                b"</CreateRoleResponse>")
    model.after("json", "kms", "CreateKey", {}, 200, json.dumps({"KeyMetadata": {
        "KeyId": "k1", "Arn": "arn:aws:kms:us-east-1:123456789012:key/k1"}}).encode())
    model.after("query", "iam", "DetachRolePolicy", {"RoleName": ["r"]}, 200, b"<x/>")
    model.after("query", "rds", "ModifyDBInstance", {"DBInstanceIdentifier": ["db"]}, 200, b"<x/>")
    model.after("json", "ecs", "DeleteService", {}, 200, b"{}")
    model.after("json", "ecs", "DeleteService", {}, 400, b"{}")  # failed: nothing drawn
    return model.drawn()


def test_the_same_seed_draws_the_same_lags_within_their_bounds():
    first = feed(Consistency(seed=3))
    assert feed(Consistency(seed=3)) == first
    assert feed(Consistency(seed=4)) != first
    assert [kind for kind, _, _ in first] == [
        "ec2.visible", "iam.role", "iam.entity", "kms.key", "iam.detach", "modify.start",
        "modify.window", "drain"]
    for kind, _, seconds in first:
        low, high = PROFILES["aws"][kind]
        assert low <= seconds <= high, (kind, seconds)
    scaled = feed(Consistency(seed=3, scale=0.1))
    assert [round(s, 9) for _, _, s in scaled] == [round(s * 0.1, 9) for _, _, s in first]
    with pytest.raises(ValueError):
        Consistency(profile="azure")


def test_counts_count_only_lagged_answers_given():
    model = Consistency(seed=1)
    feed(model)
    assert model.counts() == {}
    vpc = "vpc-0123456789abcdef0"
    assert model.before("ec2", "ec2", "DescribeVpcs", {"Filter.1.Value.1": [vpc]}, b"") is None
    assert model.before("ec2", "ec2", "DescribeVpcs", {"VpcId.1": [vpc]}, b"")[1] \
        == "InvalidVpcID.NotFound"
    assert model.before("json", "kms", "ListAliases", {"KeyId": "k1"}, b"") is None
    assert model.before("json", "kms", "DescribeKey", {"KeyId": "k1"}, b"")[1] \
        == "NotFoundException"
    assert model.before("json", "ecs", "DescribeServices", {}, b"") is None
    assert model.counts() == {"ec2.not_found": 1, "kms.not_found": 1}


def test_a_describe_answer_keeps_its_namespace_when_items_are_left_out():
    answer = (b'<?xml version="1.0" encoding="UTF-8"?>\n<DescribeSubnetsResponse '
              b'xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><subnetSet>'
              b"<item><subnetId>subnet-11111111</subnetId><vpcId>vpc-aaaaaaaa</vpcId></item>"
              b"<item><subnetId>subnet-22222222</subnetId><vpcId>vpc-bbbbbbbb</vpcId></item>"
              b"</subnetSet></DescribeSubnetsResponse>")
    kept, dropped = drop_lagging(answer, {"vpc-bbbbbbbb"}.__contains__)
    assert dropped == 1 and b"subnet-11111111" in kept and b"subnet-22222222" not in kept
    assert kept.startswith(b"<?xml") and b'<DescribeSubnetsResponse xmlns="http://ec2' in kept
    assert drop_lagging(answer, lambda _: False) == (answer, 0)


def test_request_params_parse_each_protocol():
    form = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    assert request_params("ec2", "/", form, b"Action=DescribeVpcs&VpcId.1=vpc-1&VpcId.2=vpc-2") \
        == {"Action": ["DescribeVpcs"], "VpcId.1": ["vpc-1"], "VpcId.2": ["vpc-2"]}
    assert request_params("query", "/?Action=GetRole&RoleName=r", {}, b"") == {
        "Action": ["GetRole"], "RoleName": ["r"]}
    assert request_params("json", "/", {}, b'{"KeyId": "k"}') == {"KeyId": "k"}
    assert request_params("json", "/", {}, b"[1]") == {}
    assert request_params("json", "/", {}, b"") == {}


def test_lagged_proxy_fixture_plays_the_aws_profile(lagged_proxy):
    assert isinstance(lagged_proxy.consistency, Consistency)
    assert (lagged_proxy.consistency.profile, lagged_proxy.consistency.scale) == ("aws", 1.0)
    via(lagged_proxy, "kinesis").list_streams()
    assert lagged_proxy.consistency.counts() == {}


def test_program_with_the_model_on(moto):
    proc = subprocess.Popen([sys.executable, faultproxy.__file__, "--upstream", moto.url,
                             "--consistency", "aws", "--seed", "5", "--lag-scale", "0.5"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = read_first_line(proc, 10)
        assert line and line.strip().isdigit(), proc.stderr.read() if proc.poll() else line
        base = f"http://127.0.0.1:{int(line)}"
        ec2 = boto_client("ec2", base, retries=1)
        vpc = ec2.create_vpc(CidrBlock="10.24.0.0/16")["Vpc"]["VpcId"]
        assert refused(lambda: ec2.describe_vpcs(VpcIds=[vpc]))[0] == "InvalidVpcID.NotFound"
        with urllib.request.urlopen(f"{base}/__fault/consistency", timeout=5) as resp:
            assert json.loads(resp.read()) == {"ec2.not_found": 1}
        proc.terminate()
        assert proc.wait(5) == 0
    finally:
        proc.kill()
        proc.wait()
