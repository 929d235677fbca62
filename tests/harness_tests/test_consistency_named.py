"""The eventual consistency of services other than EC2 the fault proxy plays: an object just
made by name unknown for a moment to the next calls naming it, and ECS's first cluster
waiting for its service-linked role; each shown as AWS answers it, and shown to end."""

import json
import time

import pytest
from botocore.exceptions import ClientError

from harness.consistency import PROFILES, Consistency
from harness.consistency_named import BUCKET_HELD, DELIVERY_POLICY, NAME_HELD
from harness.moto_process import boto_client
from harness_tests.test_consistency import (  # noqa: F401 (lagged is a fixture)
    eventually, lagged, name, refused, via)

POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "logs:*", "Resource": "*"}]})
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
    "Action": "sts:AssumeRole"}]})


def moto_refuses(call):
    """The error moto itself answers (code, HTTP status), for the same call on a missing
    object: the model's refusal must be the same error."""
    with pytest.raises(ClientError) as err:
        call()
    return err.value.response["Error"]["Code"], err.value.response["ResponseMetadata"][
        "HTTPStatusCode"]


def documented(client, operation):
    """{error code: HTTP status} of the errors an operation's API model (botocore's copy of
    AWS's) lists for it."""
    shapes = client.meta.service_model.operation_model(operation).error_shapes
    return {s.metadata.get("error", {}).get("code", s.name):
            s.metadata.get("error", {}).get("httpStatusCode", 400) for s in shapes}


def counted(proxy, **least):
    """The model's counts are of exactly these kinds, each at least so many (a poll until a
    lag ends counts too), and count every lagged answer the proxy gave."""
    counts = proxy.consistency.counts()
    assert set(counts) == {k.replace("__", ".") for k in least}, counts
    for kind, n in least.items():
        assert counts[kind.replace("__", ".")] >= n, counts
    assert sum(counts.values()) == len([e for e in proxy.log() if e["lagged"]])
    return counts


def lags(proxy, kind):
    return [seconds for k, _, seconds in proxy.consistency.drawn() if k == kind]


def test_a_new_secret_is_unknown_to_secrets_manager_until_visible(moto, lagged):
    proxy = lagged(scale=2.0)  # 1-4 s
    sm, secret = via(proxy, "secretsmanager"), name()
    arn = sm.create_secret(Name=secret, SecretString="x")["ARN"]
    calls = [
        lambda s: sm.describe_secret(SecretId=s),
        lambda s: sm.get_secret_value(SecretId=s),
        lambda s: sm.put_secret_value(SecretId=s, SecretString="y"),
        lambda s: sm.tag_resource(SecretId=s, Tags=[{"Key": "a", "Value": "b"}]),
        lambda s: sm.untag_resource(SecretId=s, TagKeys=["a"]),
        lambda s: sm.put_resource_policy(SecretId=s, ResourcePolicy=POLICY),
        lambda s: sm.rotate_secret(SecretId=s, RotateImmediately=False,
                                   RotationRules={"AutomaticallyAfterDays": 30}),
    ]
    for call in calls:
        for by in (secret, arn):
            assert refused(lambda: call(by)) == (
                "ResourceNotFoundException", "Secrets Manager can't find the specified secret.",
                400)
    assert moto_refuses(lambda: moto.client("secretsmanager").describe_secret(
        SecretId=name()))[0] == "ResourceNotFoundException"
    assert moto.client("secretsmanager").describe_secret(SecretId=arn)["Name"] == secret

    eventually(lambda: sm.describe_secret(SecretId=secret))
    for call in calls[:-1]:
        call(arn)
    counted(proxy, named__secret=14)
    assert [k for k, _, _ in proxy.consistency.drawn()] == ["named.visible"]


def test_a_secret_deleted_without_recovery_keeps_its_name_a_moment(moto, lagged):
    proxy = lagged(scale=0.25)  # 2.5-7.5 s
    sm, direct = via(proxy, "secretsmanager"), moto.client("secretsmanager")
    forced, windowed, other = name(), name(), name()
    for secret in (forced, windowed):
        direct.create_secret(Name=secret, SecretString="x")
    sm.delete_secret(SecretId=forced, ForceDeleteWithoutRecovery=True)
    sm.delete_secret(SecretId=windowed, RecoveryWindowInDays=7)
    status, code, message = NAME_HELD
    assert code in documented(direct, "CreateSecret")
    assert refused(lambda: sm.create_secret(Name=forced, SecretString="y")) == (
        code, message, status)
    # Moto has let the name go at once; AWS has not yet.
    assert direct.list_secrets(Filters=[{"Key": "name", "Values": [forced]}])["SecretList"] == []
    # A secret kept for its recovery window holds its name for days, in moto too (which
    # answers ResourceExistsException where AWS answers as above): not a lag of the model.
    refused(lambda: sm.create_secret(Name=windowed, SecretString="y"))
    sm.create_secret(Name=other, SecretString="y")
    eventually(lambda: sm.create_secret(Name=forced, SecretString="y"), timeout=10)
    counted(proxy, named__secret_name_held=1)
    assert sorted(k for k, _, _ in proxy.consistency.drawn()) == [
        "named.freeing", "named.visible", "named.visible"]
    [(_, _, seconds)] = [d for d in proxy.consistency.drawn() if d[0] == "named.freeing"]
    low, high = PROFILES["aws"]["named.freeing"]
    assert low / 4 <= seconds <= high / 4


def test_a_bucket_just_deleted_cannot_be_made_again_for_a_moment(moto, lagged):
    proxy = lagged(scale=0.25)  # 2.5-7.5 s
    s3, direct = via(proxy, "s3"), moto.client("s3")
    bucket, other = name(), name()
    direct.create_bucket(Bucket=bucket)
    s3.delete_bucket(Bucket=bucket)
    assert bucket not in {b["Name"] for b in direct.list_buckets()["Buckets"]}
    status, code, message = BUCKET_HELD
    assert refused(lambda: s3.create_bucket(Bucket=bucket)) == (code, message, status)
    s3.create_bucket(Bucket=other)
    eventually(lambda: s3.create_bucket(Bucket=bucket), timeout=10)
    counted(proxy, named__bucket_name_held=1)
    assert sorted(k for k, _, _ in proxy.consistency.drawn()) == [
        "named.freeing", "named.visible", "named.visible"]


def test_a_new_log_group_is_unknown_to_cloudwatch_logs_until_visible(moto, lagged):
    proxy = lagged(scale=2.0)
    logs, group = via(proxy, "logs"), name()
    key = moto.client("kms").create_key()["KeyMetadata"]["Arn"]
    logs.create_log_group(logGroupName=group)
    arn = f"arn:aws:logs:us-east-1:123456789012:log-group:{group}"
    calls = [
        lambda: logs.put_retention_policy(logGroupName=group, retentionInDays=7),
        lambda: logs.tag_resource(resourceArn=arn, tags={"a": "b"}),
        lambda: logs.tag_log_group(logGroupName=group, tags={"a": "b"}),
        lambda: logs.associate_kms_key(logGroupName=group, kmsKeyId=key),
        lambda: logs.put_metric_filter(
            logGroupName=group, filterName="root", filterPattern='{ $.userIdentity.type = "Root" }',
            metricTransformations=[{"metricName": "Root", "metricNamespace": "H",
                                    "metricValue": "1"}]),
    ]
    for call in calls:
        assert refused(call) == ("ResourceNotFoundException",
                                 "The specified log group does not exist.", 400)
    assert moto_refuses(lambda: moto.client("logs").put_retention_policy(
        logGroupName=name(), retentionInDays=7)) == ("ResourceNotFoundException", 400)
    assert logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"] == []
    assert moto.client("logs").describe_log_groups(logGroupNamePrefix=group)["logGroups"]

    eventually(calls[0])
    for call in calls[1:3] + calls[4:]:  # moto has no AssociateKmsKey to forward to
        call()
    [listed] = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert listed["logGroupName"] == group and listed["retentionInDays"] == 7
    assert moto.client("logs").describe_metric_filters(logGroupName=group)["metricFilters"]
    counted(proxy, named__log_group=5, named__log_group__hidden=1)


def subnets(moto, cidr):
    ec2 = moto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock=f"{cidr}.0.0/16")["Vpc"]["VpcId"]
    return [ec2.create_subnet(VpcId=vpc, CidrBlock=f"{cidr}.{i}.0/24",
                              AvailabilityZone=f"us-east-1{z}")["Subnet"]["SubnetId"]
            for i, z in ((1, "a"), (2, "b"))]


def test_new_rds_subnet_and_parameter_groups_are_unknown_until_visible(moto, lagged):
    proxy = lagged(scale=2.0)
    rds, direct = via(proxy, "rds"), moto.client("rds")
    subnet_group, parameters, cluster_parameters = name(), name(), name()
    rds.create_db_subnet_group(DBSubnetGroupName=subnet_group, DBSubnetGroupDescription="x",
                               SubnetIds=subnets(moto, "10.40"))
    rds.create_db_parameter_group(DBParameterGroupName=parameters, Description="x",
                                  DBParameterGroupFamily="postgres16")
    rds.create_db_cluster_parameter_group(DBClusterParameterGroupName=cluster_parameters,
                                          Description="x",
                                          DBParameterGroupFamily="aurora-postgresql16")
    setting = [{"ParameterName": "log_min_duration_statement", "ParameterValue": "100",
                "ApplyMethod": "immediate"}]
    calls = {
        "subnet": (lambda: rds.describe_db_subnet_groups(DBSubnetGroupName=subnet_group),
                   ("DBSubnetGroupNotFoundFault", f"Subnet Group {subnet_group} not found.",
                    404)),
        "parameters": (lambda: rds.describe_db_parameter_groups(
            DBParameterGroupName=parameters), (
            "DBParameterGroupNotFound", f"DB Parameter Group {parameters} not found.", 404)),
        "modify parameters": (lambda: rds.modify_db_parameter_group(
            DBParameterGroupName=parameters, Parameters=setting), (
            "DBParameterGroupNotFound", f"DB Parameter Group {parameters} not found.", 404)),
        "cluster parameters": (lambda: rds.describe_db_cluster_parameter_groups(
            DBClusterParameterGroupName=cluster_parameters), (
            "DBParameterGroupNotFound", f"DBClusterParameterGroup not found: "
                                        f"{cluster_parameters}", 404)),
        "modify cluster parameters": (lambda: rds.modify_db_cluster_parameter_group(
            DBClusterParameterGroupName=cluster_parameters, Parameters=setting), (
            "DBParameterGroupNotFound", f"DBClusterParameterGroup not found: "
                                        f"{cluster_parameters}", 404)),
    }
    for what, (call, answer) in calls.items():
        assert refused(call) == answer, what
    # moto answers the same code for a subnet group that does not exist; it does not refuse
    # a missing parameter group, but AWS's API model lists the code and status.
    assert moto_refuses(lambda: direct.describe_db_subnet_groups(
        DBSubnetGroupName=name()))[0] == "DBSubnetGroupNotFoundFault"
    for operation in ("DescribeDBClusterParameterGroups", "ModifyDBClusterParameterGroup",
                      "DescribeDBParameterGroups", "ModifyDBParameterGroup"):
        assert documented(direct, operation)["DBParameterGroupNotFound"] == 404
    assert documented(direct, "DescribeDBSubnetGroups") == {"DBSubnetGroupNotFoundFault": 404}

    for what, (call, _) in calls.items():
        eventually(call)
    counted(proxy, named__db_subnet_group=1, named__db_parameter_group=2,
            named__db_cluster_parameter_group=2)
    assert lags(proxy, "named.visible") and all(
        1.0 <= s <= 4.0 for s in lags(proxy, "named.visible"))


def test_rds_tags_refuse_the_arn_of_a_new_instance_cluster_or_subnet_group(moto, lagged):
    proxy = lagged(scale=2.0)
    rds = via(proxy, "rds")
    group = name()
    arns = {
        "DBSubnetGroupNotFoundFault": (rds.create_db_subnet_group(
            DBSubnetGroupName=group, DBSubnetGroupDescription="x",
            SubnetIds=subnets(moto, "10.41"))["DBSubnetGroup"]["DBSubnetGroupArn"],
            f"Subnet Group {group} not found."),
    }
    db, cluster = name(), name()
    arns["DBInstanceNotFound"] = (rds.create_db_instance(
        DBInstanceIdentifier=db, Engine="postgres", DBInstanceClass="db.t3.micro",
        MasterUsername="u", MasterUserPassword="passw0rd!!", AllocatedStorage=20)[
        "DBInstance"]["DBInstanceArn"], f"DBInstance {db} not found.")
    arns["DBClusterNotFoundFault"] = (rds.create_db_cluster(
        DBClusterIdentifier=cluster, Engine="aurora-postgresql", MasterUsername="u",
        MasterUserPassword="passw0rd!!")["DBCluster"]["DBClusterArn"],
        f"DBCluster {cluster} not found.")
    for code, (arn, message) in arns.items():
        if code != "DBSubnetGroupNotFoundFault":  # not among those the API model lists
            assert documented(rds, "AddTagsToResource")[code] == 404
        assert refused(lambda: rds.add_tags_to_resource(
            ResourceName=arn, Tags=[{"Key": "a", "Value": "b"}])) == (code, message, 404)
        assert refused(lambda: rds.list_tags_for_resource(ResourceName=arn)) == (
            code, message, 404)
    for arn, _ in arns.values():
        eventually(lambda: rds.add_tags_to_resource(ResourceName=arn,
                                                    Tags=[{"Key": "a", "Value": "b"}]))
        assert rds.list_tags_for_resource(ResourceName=arn)["TagList"] == [
            {"Key": "a", "Value": "b"}]
    counted(proxy, named__db_subnet_group=2, named__db_instance=2, named__db_cluster=2)


@pytest.mark.parametrize("kind", ["instance", "cluster"])
def test_the_managed_master_user_secret_is_unknown_until_visible(moto, lagged, kind):
    proxy = lagged(scale=2.0)
    rds, sm = via(proxy, "rds"), via(proxy, "secretsmanager")
    if kind == "instance":
        made = rds.create_db_instance(
            DBInstanceIdentifier=name(), Engine="postgres", DBInstanceClass="db.t3.micro",
            MasterUsername="u", ManageMasterUserPassword=True, AllocatedStorage=20)["DBInstance"]
    else:
        made = rds.create_db_cluster(DBClusterIdentifier=name(), Engine="aurora-postgresql",
                                     MasterUsername="u", ManageMasterUserPassword=True)[
            "DBCluster"]
    arn = made["MasterUserSecret"]["SecretArn"]
    assert refused(lambda: sm.describe_secret(SecretId=arn)) == (
        "ResourceNotFoundException", "Secrets Manager can't find the specified secret.", 400)
    assert refused(lambda: sm.get_secret_value(SecretId=arn))[0] == "ResourceNotFoundException"
    assert moto.client("secretsmanager").describe_secret(SecretId=arn)["OwningService"] == "rds"
    eventually(lambda: sm.get_secret_value(SecretId=arn))
    counted(proxy, named__rds_secret=2)


def test_new_elasticache_subnet_group_and_member_clusters_are_unknown_until_visible(
        moto, lagged):
    proxy = lagged(scale=2.0)
    cache, direct = via(proxy, "elasticache"), moto.client("elasticache")
    group, replication = name(), name()
    group_arn = cache.create_cache_subnet_group(
        CacheSubnetGroupName=group, CacheSubnetGroupDescription="x",
        SubnetIds=subnets(moto, "10.42"))["CacheSubnetGroup"]["ARN"]
    assert refused(lambda: cache.describe_cache_subnet_groups(CacheSubnetGroupName=group)) == (
        "CacheSubnetGroupNotFoundFault", f"CacheSubnetGroup {group} not found.", 400)
    assert refused(lambda: cache.list_tags_for_resource(ResourceName=group_arn)) == (
        "CacheSubnetGroupNotFoundFault", f"CacheSubnetGroup {group} not found.", 400)
    assert moto_refuses(lambda: direct.describe_cache_subnet_groups(
        CacheSubnetGroupName=name())) == ("CacheSubnetGroupNotFoundFault", 400)
    assert documented(direct, "DescribeCacheSubnetGroups")["CacheSubnetGroupNotFoundFault"] \
        == 400
    assert documented(direct, "DescribeCacheClusters")["CacheClusterNotFound"] == 404

    made = cache.create_replication_group(
        ReplicationGroupId=replication, ReplicationGroupDescription="x", Engine="redis",
        CacheNodeType="cache.t3.micro", NumCacheClusters=2)["ReplicationGroup"]
    members = made["MemberClusters"]
    assert len(members) == 2
    # The group is listed at once; its tags are not readable yet.
    assert cache.describe_replication_groups(ReplicationGroupId=replication)
    assert refused(lambda: cache.list_tags_for_resource(ResourceName=made["ARN"])) == (
        "ReplicationGroupNotFoundFault", f"Replication group {replication} not found.", 404)
    assert documented(direct, "ListTagsForResource")["ReplicationGroupNotFoundFault"] == 404
    assert documented(direct, "ListTagsForResource")["CacheSubnetGroupNotFoundFault"] == 400

    def listed():
        return {c["CacheClusterId"] for c in cache.describe_cache_clusters()["CacheClusters"]}

    assert not set(members) & listed()
    assert set(members) <= {c["CacheClusterId"]
                            for c in direct.describe_cache_clusters()["CacheClusters"]}
    assert refused(lambda: cache.describe_cache_clusters(CacheClusterId=members[0])) == (
        "CacheClusterNotFound", f"Cache cluster {members[0]} not found.", 404)
    assert moto_refuses(lambda: direct.describe_cache_clusters(
        CacheClusterId=name()))[0] == "CacheClusterNotFound"

    eventually(lambda: cache.describe_cache_subnet_groups(CacheSubnetGroupName=group))
    eventually(lambda: cache.describe_cache_clusters(CacheClusterId=members[0]))
    eventually(lambda: cache.list_tags_for_resource(ResourceName=made["ARN"]))
    eventually(lambda: cache.list_tags_for_resource(ResourceName=group_arn))
    assert set(members) <= listed()
    counted(proxy, named__cache_subnet_group=2, named__cache_cluster=1,
            named__cache_cluster__hidden=1, named__replication_group=1)


def test_ecs_and_application_auto_scaling_do_not_know_what_was_just_made(moto, lagged):
    proxy = lagged(scale=2.0)
    ecs, aas = via(proxy, "ecs"), via(proxy, "application-autoscaling")
    family, cluster, service = name(), name(), name()
    moto.client("ecs").create_cluster(clusterName=cluster)  # not through the model
    task = ecs.register_task_definition(family=family, containerDefinitions=[
        {"name": "app", "image": "nginx", "memory": 128}])["taskDefinition"]
    for by in (f"{family}:1", task["taskDefinitionArn"], family):
        assert refused(lambda: ecs.describe_task_definition(taskDefinition=by)) == (
            "ClientException", "Unable to describe task definition.", 400)
    assert moto_refuses(lambda: moto.client("ecs").describe_task_definition(
        taskDefinition=f"{name()}:1"))[0] == "ClientException"
    eventually(lambda: ecs.describe_task_definition(taskDefinition=f"{family}:1"))

    ecs.create_service(cluster=cluster, serviceName=service, taskDefinition=f"{family}:1",
                       desiredCount=1)
    resource = f"service/{cluster}/{service}"
    target = dict(ServiceNamespace="ecs", ResourceId=resource,
                  ScalableDimension="ecs:service:DesiredCount")

    def register():
        return aas.register_scalable_target(MinCapacity=1, MaxCapacity=3, **target)

    assert refused(register) == ("ValidationException",
                                 f"ECS service doesn't exist: {resource}", 400)
    assert moto_refuses(lambda: moto.client("application-autoscaling").register_scalable_target(
        MinCapacity=1, MaxCapacity=3, **dict(target, ResourceId=f"service/{cluster}/nope"))) \
        == ("ValidationException", 400)
    eventually(register)

    def policy():
        return aas.put_scaling_policy(
            PolicyName="cpu", PolicyType="TargetTrackingScaling", **target,
            TargetTrackingScalingPolicyConfiguration={
                "TargetValue": 50.0, "PredefinedMetricSpecification": {
                    "PredefinedMetricType": "ECSServiceAverageCPUUtilization"}})

    assert refused(policy) == (
        "ObjectNotFoundException", f"No scalable target registered for service namespace: "
        f"ecs, resource ID: {resource}, scalable dimension: ecs:service:DesiredCount", 400)
    eventually(policy)
    register()  # an update of a known target: no new lag
    policy()
    counted(proxy, named__task_definition=3, named__ecs_service=1, named__scalable_target=1)
    assert [k for k, _, _ in proxy.consistency.drawn()] == ["named.visible"] * 3


def test_iam_answers_a_new_inline_policy_after_a_moment(moto, lagged):
    proxy = lagged(scale=3.0, seed=2)  # 0-3 s, as IAM's own lag on a new role
    iam, role = via(proxy, "iam"), name()
    moto.client("iam").create_role(RoleName=role, AssumeRolePolicyDocument=TRUST)
    iam.put_role_policy(RoleName=role, PolicyName="p", PolicyDocument=POLICY)
    [(kind, subject, seconds)] = proxy.consistency.drawn()
    assert (kind, subject) == ("iam.entity", f"{role}/p") and seconds > 0.5, seconds
    assert refused(lambda: iam.get_role_policy(RoleName=role, PolicyName="p")) == (
        "NoSuchEntity", "The role policy with name p cannot be found.", 404)
    assert moto_refuses(lambda: moto.client("iam").get_role_policy(
        RoleName=role, PolicyName="q")) == ("NoSuchEntity", 404)
    eventually(lambda: iam.get_role_policy(RoleName=role, PolicyName="p"))
    iam.put_role_policy(RoleName=role, PolicyName="p", PolicyDocument=POLICY)  # an update
    iam.get_role_policy(RoleName=role, PolicyName="p")
    assert len(proxy.consistency.drawn()) == 1
    assert set(proxy.consistency.counts()) == {"named.role_policy"}


def test_kinesis_lists_new_tags_after_a_moment(moto, lagged):
    proxy = lagged(scale=2.0)
    kinesis, stream = via(proxy, "kinesis"), name()
    kinesis.create_stream(StreamName=stream, ShardCount=1, Tags={"made": "with"})
    # A stream takes tags once ACTIVE (consistency_kinesis plays CREATING meanwhile).
    while kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"][
            "StreamStatus"] != "ACTIVE":
        time.sleep(0.1)
    kinesis.add_tags_to_stream(StreamName=stream, Tags={"added": "later"})

    def tags(client):
        return {t["Key"]: t["Value"] for t in client.list_tags_for_stream(
            StreamName=stream)["Tags"]}

    direct = tags(moto.client("kinesis"))
    assert direct.get("added") == "later"
    assert "added" not in tags(kinesis)
    while tags(kinesis) != direct:
        assert proxy.consistency.counts()["named.stream_tags.hidden"] < 200
        time.sleep(0.05)
    assert proxy.consistency.counts()["named.stream_tags.hidden"] >= 1
    assert len(lags(proxy, "named.visible")) == (2 if "made" in direct else 1)


def test_kms_reports_rotation_just_enabled_after_a_moment(moto, lagged):
    proxy = lagged(scale=2.0)
    kms = via(proxy, "kms")
    key = moto.client("kms").create_key()["KeyMetadata"]  # not through the model
    kms.enable_key_rotation(KeyId=key["KeyId"])
    assert kms.get_key_rotation_status(KeyId=key["Arn"])["KeyRotationEnabled"] is False
    assert moto.client("kms").get_key_rotation_status(KeyId=key["KeyId"])[
        "KeyRotationEnabled"] is True
    seen = [False]
    while not seen[-1]:
        time.sleep(0.05)
        seen.append(kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"])
        assert len(seen) < 200
    assert proxy.consistency.counts() == {"named.key_rotation.hidden": len(seen) - 1}


def test_ecs_first_cluster_waits_for_the_service_linked_role(moto, lagged):
    proxy = lagged(scale=0.5)  # 0.5-1.5 s
    ecs, cluster = via(proxy, "ecs"), name()
    expected = ("InvalidParameterException", "Unable to assume the service linked role. "
                "Please verify that the ECS service linked role exists.", 400)
    assert refused(lambda: ecs.create_cluster(clusterName=cluster)) == expected
    assert refused(lambda: ecs.create_cluster(clusterName=cluster)) == expected
    assert cluster not in " ".join(moto.client("ecs").list_clusters()["clusterArns"])
    eventually(lambda: ecs.create_cluster(clusterName=cluster))
    ecs.create_cluster(clusterName=name())  # once made, the role stays
    assert [k for k, _, _ in proxy.consistency.drawn()] == ["ecs.linked_role"]
    assert proxy.consistency.counts()["ecs.linked_role"] >= 2


def feed(model):
    """Calls that draw one lag of each new kind, answered as moto answers them."""
    model.after("json", "secretsmanager", "CreateSecret", {}, 200, json.dumps({
        "ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:s-AbCdEf",
        "Name": "s"}).encode())
    model.after("query", "iam", "PutRolePolicy", {"RoleName": ["r"], "PolicyName": ["p"]},
                200, b"<x/>")
    model.before("json", "ecs", "CreateCluster", {"clusterName": "c"}, b"")
    model.after("json", "logs", "CreateLogGroup", {"logGroupName": "g"}, 400, b"{}")  # failed
    return model.drawn()


def test_the_same_seed_draws_the_same_named_lags_within_their_bounds():
    first = feed(Consistency(seed=3))
    assert feed(Consistency(seed=3)) == first
    assert [kind for kind, _, _ in first] == ["named.visible", "iam.entity", "ecs.linked_role"]
    for kind, _, seconds in first:
        low, high = PROFILES["aws"][kind]
        assert low <= seconds <= high, (kind, seconds)


def test_named_lags_refuse_only_what_was_just_made():
    model = Consistency(seed=1, scale=100.0)
    feed(model)
    assert model.counts() == {"ecs.linked_role": 1}
    refusal = model.before("json", "secretsmanager", "DescribeSecret", {"SecretId": "s"}, b"")
    assert refusal == (400, "ResourceNotFoundException",
                       "Secrets Manager can't find the specified secret.")
    assert model.before("json", "secretsmanager", "DescribeSecret",
                        {"SecretId": "other"}, b"") is None
    assert model.before("json", "secretsmanager", "ListSecrets", {}, b"") is None
    assert model.before("json", "logs", "PutRetentionPolicy", {"logGroupName": "g"}, b"") \
        is None  # its create failed: nothing was made
    assert model.before("query", "iam", "GetRolePolicy",
                        {"RoleName": ["r"], "PolicyName": ["p"]}, b"")[1] == "NoSuchEntity"
    assert model.counts() == {"ecs.linked_role": 1, "named.secret": 1, "named.role_policy": 1}


def test_a_new_bucket_is_unknown_to_its_configuration_calls_until_visible(moto, lagged):
    proxy = lagged(scale=2.0)
    path = {"s3": {"addressing_style": "path"}}
    s3 = boto_client("s3", proxy.url, retries=1, **path)
    direct = moto.client("s3", **path)
    bucket = name()
    s3.create_bucket(Bucket=bucket)
    tags = {"TagSet": [{"Key": "pulumi:urn", "Value": "urn:x"}]}
    assert refused(lambda: s3.put_bucket_tagging(Bucket=bucket, Tagging=tags)) == (
        "NoSuchBucket", "The specified bucket does not exist", 404)
    assert refused(lambda: s3.put_bucket_versioning(
        Bucket=bucket, VersioningConfiguration={"Status": "Enabled"}))[0] == "NoSuchBucket"
    assert moto_refuses(lambda: direct.put_bucket_tagging(Bucket=name(), Tagging=tags)) == (
        "NoSuchBucket", 404)
    # Reads and lists are not refused, nor are other buckets.
    assert bucket in {b["Name"] for b in s3.list_buckets()["Buckets"]}
    other = name()
    direct.create_bucket(Bucket=other)
    s3.put_bucket_tagging(Bucket=other, Tagging=tags)
    eventually(lambda: s3.put_bucket_tagging(Bucket=bucket, Tagging=tags))
    assert direct.get_bucket_tagging(Bucket=bucket)["TagSet"] == tags["TagSet"]
    counted(proxy, named__bucket=2)


def test_aws_config_sees_a_bucket_policy_just_put_after_a_moment(moto, lagged):
    proxy = lagged(scale=2.0)
    path = {"s3": {"addressing_style": "path"}}
    s3, config = boto_client("s3", proxy.url, retries=1, **path), via(proxy, "config")
    bucket = name()
    moto.client("s3", **path).create_bucket(Bucket=bucket)
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"},
        "Action": ["s3:GetBucketAcl", "s3:PutObject"],
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]}]})
    s3.put_bucket_policy(Bucket=bucket, Policy=policy)
    # A region has one recorder and one channel: both go at the end, for the tests after this
    # one in the same emulator (an account baseline refuses a recorder it did not make).
    direct = moto.client("config")
    recorder = name()
    config.put_configuration_recorder(ConfigurationRecorder={
        "name": recorder, "roleARN": "arn:aws:iam::123456789012:role/config"})
    channel = {"name": recorder, "s3BucketName": bucket}
    try:
        assert refused(lambda: config.put_delivery_channel(DeliveryChannel=channel)) == (
            *DELIVERY_POLICY[1:], 400)
        assert "InsufficientDeliveryPolicyException" in documented(direct, "PutDeliveryChannel")
        eventually(lambda: config.put_delivery_channel(DeliveryChannel=channel))
        counted(proxy, named__delivery_policy=1)
    finally:
        if direct.describe_delivery_channels()["DeliveryChannels"]:
            direct.delete_delivery_channel(DeliveryChannelName=recorder)
        direct.delete_configuration_recorder(ConfigurationRecorderName=recorder)
    assert not direct.describe_configuration_recorders()["ConfigurationRecorders"]


def test_a_new_kms_alias_resolves_after_a_moment(moto, lagged):
    proxy = lagged(scale=2.0)
    kms, direct = via(proxy, "kms"), moto.client("kms")
    key = direct.create_key()["KeyMetadata"]["KeyId"]
    alias = f"alias/{name()}"
    kms.create_alias(AliasName=alias, TargetKeyId=key)
    arn = f"arn:aws:kms:us-east-1:123456789012:{alias}"
    for by in (alias, arn):
        assert refused(lambda: kms.describe_key(KeyId=by)) == (
            "NotFoundException", f"Alias {alias} is not found.", 400)
    assert moto_refuses(lambda: direct.describe_key(KeyId=f"alias/{name()}")) == (
        "NotFoundException", 400)
    assert alias not in {a["AliasName"] for a in kms.list_aliases()["Aliases"]}
    assert alias in {a["AliasName"] for a in direct.list_aliases()["Aliases"]}
    # The key itself, by id, is not refused.
    assert kms.describe_key(KeyId=key)["KeyMetadata"]["KeyId"] == key
    assert eventually(lambda: kms.describe_key(KeyId=alias))["KeyMetadata"]["KeyId"] == key
    assert alias in {a["AliasName"] for a in kms.list_aliases()["Aliases"]}
    counted(proxy, named__kms_alias=2, named__kms_alias__hidden=1)
