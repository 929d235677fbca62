"""The launcher's ElastiCache additions: a Redis replication group behaves as AWS documents."""

import uuid

import pytest
from botocore.exceptions import ClientError

from harness.moto_process import ACCOUNT_ID, REGION

AUTH_TOKEN = "a-long-enough-auth-token-1"


def _name(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _error_code(call, **kwargs):
    with pytest.raises(ClientError) as err:
        call(**kwargs)
    return err.value.response["Error"]["Code"]


def _arn(kind, name):
    return f"arn:aws:elasticache:{REGION}:{ACCOUNT_ID}:{kind}:{name}"


def _subnets(moto, zones=("us-east-1a", "us-east-1b"), cidr="10.20"):
    ec2 = moto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock=f"{cidr}.0.0/16")["Vpc"]["VpcId"]
    return [ec2.create_subnet(VpcId=vpc, CidrBlock=f"{cidr}.{i}.0/24",
                              AvailabilityZone=zone)["Subnet"]["SubnetId"]
            for i, zone in enumerate(zones)]


def _subnet_group(moto, **kwargs):
    name = _name("sng")
    moto.client("elasticache").create_cache_subnet_group(
        CacheSubnetGroupName=name, CacheSubnetGroupDescription="redis subnets",
        SubnetIds=_subnets(moto), **kwargs)
    return name


def _replication_group(moto, **overrides):
    """A Redis group as the provider makes it: cluster mode disabled, TLS, AUTH, KMS at rest."""
    group_id = _name("rg")
    subnet_group = overrides.pop("CacheSubnetGroupName", None) or _subnet_group(moto)
    params = dict(ReplicationGroupId=group_id, ReplicationGroupDescription="phi cache",
                  Engine="redis", EngineVersion="7.1", CacheNodeType="cache.t4g.micro",
                  NumCacheClusters=2, PreferredCacheClusterAZs=["us-east-1a", "us-east-1b"],
                  AutomaticFailoverEnabled=True, MultiAZEnabled=True,
                  CacheSubnetGroupName=subnet_group, SecurityGroupIds=["sg-0123456789"],
                  TransitEncryptionEnabled=True, AuthToken=AUTH_TOKEN,
                  AtRestEncryptionEnabled=True,
                  KmsKeyId=f"arn:aws:kms:{REGION}:{ACCOUNT_ID}:key/redis")
    params.update(overrides)
    moto.client("elasticache").create_replication_group(
        **{key: value for key, value in params.items() if value is not None})
    return group_id


def _describe_group(moto, group_id):
    [group] = moto.client("elasticache").describe_replication_groups(
        ReplicationGroupId=group_id)["ReplicationGroups"]
    return group


def _members(group):
    [node_group] = group["NodeGroups"]
    return [(m["CacheClusterId"], m["CurrentRole"]) for m in node_group["NodeGroupMembers"]]


def _cache_cluster(moto, cache_cluster_id, **kwargs):
    [cluster] = moto.client("elasticache").describe_cache_clusters(
        CacheClusterId=cache_cluster_id, **kwargs)["CacheClusters"]
    return cluster


# CreateReplicationGroup


def test_create_replication_group_honours_num_cache_clusters(moto):
    zones = ["us-east-1b", "us-east-1a", "us-east-1c"]
    group_id = _replication_group(moto, NumCacheClusters=3, PreferredCacheClusterAZs=zones)
    group = _describe_group(moto, group_id)
    assert _members(group) == [(f"{group_id}-001", "primary"), (f"{group_id}-002", "replica"),
                               (f"{group_id}-003", "replica")]
    assert group["MemberClusters"] == [f"{group_id}-001", f"{group_id}-002", f"{group_id}-003"]
    [node_group] = group["NodeGroups"]
    assert [m["PreferredAvailabilityZone"] for m in node_group["NodeGroupMembers"]] == zones
    assert group["AuthTokenEnabled"] and group["TransitEncryptionEnabled"]
    assert group["AtRestEncryptionEnabled"] and group["KmsKeyId"].endswith(":key/redis")
    # moto's own sizing from ReplicasPerNodeGroup is kept
    group_id = _replication_group(moto, NumCacheClusters=None, ReplicasPerNodeGroup=2,
                                  PreferredCacheClusterAZs=None)
    assert len(_describe_group(moto, group_id)["MemberClusters"]) == 3


def test_create_replication_group_refuses_an_unknown_subnet_group(moto):
    elasticache = moto.client("elasticache")
    group_id = _name("rg")
    assert _error_code(elasticache.create_replication_group, ReplicationGroupId=group_id,
                       ReplicationGroupDescription="d", CacheSubnetGroupName=_name("none")
                       ) == "CacheSubnetGroupNotFoundFault"
    assert _error_code(elasticache.describe_replication_groups,
                       ReplicationGroupId=group_id) == "ReplicationGroupNotFoundFault"


def test_create_replication_group_refuses_auth_token_without_transit_encryption(moto):
    elasticache = moto.client("elasticache")
    assert _error_code(elasticache.create_replication_group, ReplicationGroupId=_name("rg"),
                       ReplicationGroupDescription="d", AuthToken=AUTH_TOKEN
                       ) == "InvalidParameterCombination"


# IncreaseReplicaCount / DecreaseReplicaCount


def test_increase_replica_count_adds_replicas(moto):
    group_id = _replication_group(moto)
    answer = moto.client("elasticache").increase_replica_count(
        ReplicationGroupId=group_id, NewReplicaCount=3, ApplyImmediately=True)["ReplicationGroup"]
    expected = [f"{group_id}-00{n}" for n in range(1, 5)]
    assert answer["MemberClusters"] == expected
    group = _describe_group(moto, group_id)
    assert _members(group) == list(zip(expected, ["primary"] + ["replica"] * 3))
    [node_group] = group["NodeGroups"]
    members = node_group["NodeGroupMembers"]
    assert members[-1]["ReadEndpoint"]["Address"].startswith(f"{group_id}-004.")
    # new replicas are spread over the subnet group's zones
    assert [m["PreferredAvailabilityZone"] for m in members] == ["us-east-1a", "us-east-1b"] * 2


def test_increase_replica_count_refuses_what_aws_refuses(moto):
    elasticache = moto.client("elasticache")
    group_id = _replication_group(moto)
    increase = elasticache.increase_replica_count
    assert _error_code(increase, ReplicationGroupId=_name("none"), NewReplicaCount=2,
                       ApplyImmediately=True) == "ReplicationGroupNotFoundFault"
    assert _error_code(increase, ReplicationGroupId=group_id, NewReplicaCount=6,
                       ApplyImmediately=True) == "InvalidParameterValue"
    assert _error_code(increase, ReplicationGroupId=group_id, NewReplicaCount=1,
                       ApplyImmediately=True) == "InvalidParameterValue"
    assert len(_describe_group(moto, group_id)["MemberClusters"]) == 2


def test_decrease_replica_count_removes_replicas_and_frees_their_ids(moto):
    elasticache = moto.client("elasticache")
    group_id = _replication_group(moto, NumCacheClusters=4,
                                  PreferredCacheClusterAZs=["us-east-1a", "us-east-1b"] * 2)
    answer = elasticache.decrease_replica_count(
        ReplicationGroupId=group_id, ReplicasToRemove=[f"{group_id}-002"],
        ApplyImmediately=True)["ReplicationGroup"]
    assert answer["MemberClusters"] == [f"{group_id}-001", f"{group_id}-003", f"{group_id}-004"]
    elasticache.decrease_replica_count(ReplicationGroupId=group_id, NewReplicaCount=1,
                                       ApplyImmediately=True)
    assert _members(_describe_group(moto, group_id)) == [(f"{group_id}-001", "primary"),
                                                         (f"{group_id}-003", "replica")]
    elasticache.increase_replica_count(ReplicationGroupId=group_id, NewReplicaCount=2,
                                       ApplyImmediately=True)
    assert _describe_group(moto, group_id)["MemberClusters"] == [
        f"{group_id}-001", f"{group_id}-002", f"{group_id}-003"]


def test_decrease_replica_count_refuses_what_aws_refuses(moto):
    elasticache = moto.client("elasticache")
    group_id = _replication_group(moto)
    decrease = elasticache.decrease_replica_count
    assert _error_code(decrease, ReplicationGroupId=_name("none"), NewReplicaCount=0,
                       ApplyImmediately=True) == "ReplicationGroupNotFoundFault"
    assert _error_code(decrease, ReplicationGroupId=group_id, NewReplicaCount=1,
                       ApplyImmediately=True) == "InvalidParameterValue"
    assert _error_code(decrease, ReplicationGroupId=group_id, NewReplicaCount=-1,
                       ApplyImmediately=True) == "InvalidParameterValue"
    assert _error_code(decrease, ReplicationGroupId=group_id,
                       ReplicasToRemove=[f"{group_id}-001"],
                       ApplyImmediately=True) == "InvalidParameterValue"
    # AWS: the minimum is 1 replica while Multi-AZ (and automatic failover) is enabled.
    assert _error_code(decrease, ReplicationGroupId=group_id, NewReplicaCount=0,
                       ApplyImmediately=True) == "InvalidParameterCombination"
    assert len(_describe_group(moto, group_id)["MemberClusters"]) == 2


def test_decrease_replica_count_to_zero_without_failover(moto):
    group_id = _replication_group(moto, AutomaticFailoverEnabled=False, MultiAZEnabled=False)
    answer = moto.client("elasticache").decrease_replica_count(
        ReplicationGroupId=group_id, NewReplicaCount=0, ApplyImmediately=True)["ReplicationGroup"]
    assert answer["MemberClusters"] == [f"{group_id}-001"]


# ModifyReplicationGroup


def test_modify_replication_group_applies_the_settings_moto_ignored(moto):
    elasticache = moto.client("elasticache")
    group_id = _replication_group(moto)
    answer = elasticache.modify_replication_group(
        ReplicationGroupId=group_id, ApplyImmediately=True, SnapshotWindow="01:00-02:00",
        PreferredMaintenanceWindow="sun:05:00-sun:06:00", SecurityGroupIds=["sg-new1", "sg-new2"],
        EngineVersion="7.2", AutoMinorVersionUpgrade=False,
        CacheParameterGroupName="default.redis7")["ReplicationGroup"]
    assert answer["SnapshotWindow"] == "01:00-02:00"
    assert answer["AutoMinorVersionUpgrade"] is False
    for member in (f"{group_id}-001", f"{group_id}-002"):
        cluster = _cache_cluster(moto, member)
        assert cluster["SnapshotWindow"] == "01:00-02:00"
        assert cluster["PreferredMaintenanceWindow"] == "sun:05:00-sun:06:00"
        assert cluster["SecurityGroups"] == [{"SecurityGroupId": "sg-new1", "Status": "active"},
                                             {"SecurityGroupId": "sg-new2", "Status": "active"}]
        assert cluster["EngineVersion"] == "7.2"
        assert cluster["AutoMinorVersionUpgrade"] is False
        assert cluster["CacheParameterGroup"]["CacheParameterGroupName"] == "default.redis7"


def _modify_token(moto, group_id, strategy, token=None, **kwargs):
    if token:
        kwargs["AuthToken"] = token
    return moto.client("elasticache").modify_replication_group(
        ReplicationGroupId=group_id, ApplyImmediately=True, AuthTokenUpdateStrategy=strategy,
        **kwargs)["ReplicationGroup"]


def test_modify_replication_group_rotates_then_sets_the_auth_token(moto):
    group_id = _replication_group(moto)
    before = _describe_group(moto, group_id)["AuthTokenLastModifiedDate"]
    rotated = _modify_token(moto, group_id, "ROTATE", "another-auth-token-22")
    assert rotated["AuthTokenEnabled"] and rotated["AuthTokenLastModifiedDate"] > before
    # Two tokens live; a third ROTATE drops the oldest and keeps two, so SET is still allowed.
    _modify_token(moto, group_id, "ROTATE", "a-third-auth-token-333")
    assert _modify_token(moto, group_id, "SET", "a-third-auth-token-333")["AuthTokenEnabled"]
    assert _cache_cluster(moto, f"{group_id}-002")["AuthTokenEnabled"] is True


def test_modify_replication_group_sets_only_right_after_a_rotate(moto):
    modify = moto.client("elasticache").modify_replication_group
    group_id = _replication_group(moto)
    set_token = dict(ReplicationGroupId=group_id, ApplyImmediately=True,
                     AuthToken="another-auth-token-22", AuthTokenUpdateStrategy="SET")
    # AWS: SET is "allowed only after ROTATE"; a group with its one creation token has none.
    assert _error_code(modify, **set_token) == "InvalidParameterValue"
    _modify_token(moto, group_id, "ROTATE", "another-auth-token-22")
    _modify_token(moto, group_id, "SET", "another-auth-token-22")
    # Back to one token: another SET needs another ROTATE first.
    assert _error_code(modify, **set_token) == "InvalidParameterValue"
    assert _describe_group(moto, group_id)["AuthTokenEnabled"] is True


def test_modify_replication_group_deletes_the_token_only_moving_to_rbac(moto):
    modify = moto.client("elasticache").modify_replication_group
    group_id = _replication_group(moto)
    delete = dict(ReplicationGroupId=group_id, ApplyImmediately=True,
                  AuthTokenUpdateStrategy="DELETE")
    # AWS: DELETE is "allowed only when transitioning to RBAC", with a user group to add.
    assert _error_code(modify, **delete) == "InvalidParameterValue"
    assert _describe_group(moto, group_id)["AuthTokenEnabled"] is True
    # A user group beside a live token is refused unless the token goes in the same call.
    assert _error_code(modify, ReplicationGroupId=group_id, ApplyImmediately=True,
                       UserGroupIdsToAdd=["phi-users"]) == "InvalidParameterCombination"
    deleted = _modify_token(moto, group_id, "DELETE", UserGroupIdsToAdd=["phi-users"])
    assert deleted["AuthTokenEnabled"] is False and deleted["UserGroupIds"] == ["phi-users"]
    assert _cache_cluster(moto, f"{group_id}-002")["AuthTokenEnabled"] is False
    assert _error_code(modify, **delete, UserGroupIdsToAdd=["more-users"]) == \
        "InvalidParameterValue"
    # Back to AUTH: the user groups go, and a ROTATE makes the token optional until a SET.
    assert _error_code(modify, ReplicationGroupId=group_id, ApplyImmediately=True,
                       AuthToken=AUTH_TOKEN, AuthTokenUpdateStrategy="ROTATE"
                       ) == "InvalidParameterCombination"
    rotated = _modify_token(moto, group_id, "ROTATE", AUTH_TOKEN, RemoveUserGroups=True)
    assert rotated["AuthTokenEnabled"] is True and rotated.get("UserGroupIds", []) == []
    _modify_token(moto, group_id, "SET", AUTH_TOKEN)
    assert _describe_group(moto, group_id)["AuthTokenEnabled"] is True


def test_modify_replication_group_turns_auth_on_with_rotate_then_set(moto):
    group_id = _replication_group(moto, AuthToken=None)
    assert _describe_group(moto, group_id)["AuthTokenEnabled"] is False
    modify = moto.client("elasticache").modify_replication_group
    assert _error_code(modify, ReplicationGroupId=group_id, ApplyImmediately=True,
                       AuthToken=AUTH_TOKEN, AuthTokenUpdateStrategy="SET"
                       ) == "InvalidParameterValue"
    # AWS: after this ROTATE the token is optional (no token still connects) until a SET.
    assert _modify_token(moto, group_id, "ROTATE", AUTH_TOKEN)["AuthTokenEnabled"] is True
    _modify_token(moto, group_id, "SET", AUTH_TOKEN)
    assert _describe_group(moto, group_id)["AuthTokenEnabled"] is True


def test_modify_replication_group_refuses_bad_auth_token_updates(moto):
    elasticache = moto.client("elasticache")
    group_id = _replication_group(moto)
    modify = elasticache.modify_replication_group
    for strategy in ("SET", "ROTATE"):
        assert _error_code(modify, ReplicationGroupId=group_id, ApplyImmediately=True,
                           AuthTokenUpdateStrategy=strategy) == "InvalidParameterValue"
    plain = _replication_group(moto, TransitEncryptionEnabled=False, AuthToken=None)
    assert _error_code(modify, ReplicationGroupId=plain, ApplyImmediately=True,
                       AuthToken=AUTH_TOKEN) == "InvalidParameterCombination"
    assert _describe_group(moto, plain)["AuthTokenEnabled"] is False


# DescribeCacheClusters


def test_describe_cache_clusters_answers_replication_group_members(moto):
    elasticache = moto.client("elasticache")
    subnet_group = _subnet_group(moto)
    group_id = _replication_group(moto, CacheSubnetGroupName=subnet_group)
    group = _describe_group(moto, group_id)
    listed = {c["CacheClusterId"]: c for c in elasticache.describe_cache_clusters(
        ShowCacheNodeInfo=True)["CacheClusters"]}
    assert {f"{group_id}-001", f"{group_id}-002"} <= set(listed)
    replica = _cache_cluster(moto, f"{group_id}-002", ShowCacheNodeInfo=True)
    assert replica == listed[f"{group_id}-002"]
    [node_group] = group["NodeGroups"]
    [node] = replica["CacheNodes"]
    assert node["Endpoint"] == node_group["NodeGroupMembers"][1]["ReadEndpoint"]
    assert {key: replica[key] for key in (
        "ReplicationGroupId", "CacheNodeType", "Engine", "EngineVersion", "CacheClusterStatus",
        "NumCacheNodes", "PreferredAvailabilityZone", "CacheSubnetGroupName", "SecurityGroups",
        "TransitEncryptionEnabled", "AtRestEncryptionEnabled", "AuthTokenEnabled", "ARN")} == {
        "ReplicationGroupId": group_id, "CacheNodeType": "cache.t4g.micro", "Engine": "redis",
        "EngineVersion": "7.1", "CacheClusterStatus": "available", "NumCacheNodes": 1,
        "PreferredAvailabilityZone": "us-east-1b", "CacheSubnetGroupName": subnet_group,
        "SecurityGroups": [{"SecurityGroupId": "sg-0123456789", "Status": "active"}],
        "TransitEncryptionEnabled": True, "AtRestEncryptionEnabled": True,
        "AuthTokenEnabled": True, "ARN": _arn("cluster", f"{group_id}-002")}
    assert "CacheNodes" not in _cache_cluster(moto, f"{group_id}-001")
    outside = elasticache.describe_cache_clusters(
        ShowCacheClustersNotInReplicationGroups=True)["CacheClusters"]
    assert f"{group_id}-001" not in [c["CacheClusterId"] for c in outside]
    assert _error_code(elasticache.describe_cache_clusters,
                       CacheClusterId=f"{group_id}-009") == "CacheClusterNotFound"


# DeleteCacheSubnetGroup / ModifyCacheSubnetGroup


def test_delete_cache_subnet_group(moto):
    elasticache = moto.client("elasticache")
    name = _subnet_group(moto, Tags=[{"Key": "owner", "Value": "phi-team"}])
    elasticache.delete_cache_subnet_group(CacheSubnetGroupName=name)
    assert _error_code(elasticache.describe_cache_subnet_groups,
                       CacheSubnetGroupName=name) == "CacheSubnetGroupNotFoundFault"
    assert _error_code(elasticache.delete_cache_subnet_group,
                       CacheSubnetGroupName=name) == "CacheSubnetGroupNotFoundFault"
    elasticache.create_cache_subnet_group(CacheSubnetGroupName=name,
                                          CacheSubnetGroupDescription="again",
                                          SubnetIds=_subnets(moto))
    assert elasticache.list_tags_for_resource(
        ResourceName=_arn("subnetgroup", name))["TagList"] == []


def test_delete_cache_subnet_group_in_use_until_its_group_is_gone(moto):
    elasticache = moto.client("elasticache")
    name = _subnet_group(moto)
    group_id = _replication_group(moto, CacheSubnetGroupName=name)
    assert _error_code(elasticache.delete_cache_subnet_group,
                       CacheSubnetGroupName=name) == "CacheSubnetGroupInUse"
    elasticache.delete_replication_group(ReplicationGroupId=group_id)
    assert _error_code(elasticache.delete_cache_subnet_group,
                       CacheSubnetGroupName=name) == "CacheSubnetGroupInUse"
    assert _describe_group(moto, group_id)["Status"] == "deleting"
    elasticache.delete_cache_subnet_group(CacheSubnetGroupName=name)


def test_modify_cache_subnet_group_replaces_subnets(moto):
    elasticache = moto.client("elasticache")
    name = _subnet_group(moto, Tags=[{"Key": "owner", "Value": "phi-team"}])
    new_subnets = _subnets(moto, zones=("us-east-1c",), cidr="10.21")
    answer = elasticache.modify_cache_subnet_group(
        CacheSubnetGroupName=name, CacheSubnetGroupDescription="moved",
        SubnetIds=new_subnets)["CacheSubnetGroup"]
    [described] = elasticache.describe_cache_subnet_groups(
        CacheSubnetGroupName=name)["CacheSubnetGroups"]
    for group in (answer, described):
        assert [s["SubnetIdentifier"] for s in group["Subnets"]] == new_subnets
        assert group["CacheSubnetGroupDescription"] == "moved"
    assert elasticache.list_tags_for_resource(ResourceName=_arn("subnetgroup", name))[
        "TagList"] == [{"Key": "owner", "Value": "phi-team"}]


def test_modify_cache_subnet_group_refuses_bad_subnets(moto):
    elasticache = moto.client("elasticache")
    name = _subnet_group(moto)
    [kept] = elasticache.describe_cache_subnet_groups(CacheSubnetGroupName=name)[
        "CacheSubnetGroups"]
    modify = elasticache.modify_cache_subnet_group
    assert _error_code(modify, CacheSubnetGroupName=name,
                       SubnetIds=["subnet-0000000000000000"]) == "InvalidSubnet"
    other_vpc = _subnets(moto, zones=("us-east-1a",), cidr="10.22")
    here = kept["Subnets"][0]["SubnetIdentifier"]
    assert _error_code(modify, CacheSubnetGroupName=name,
                       SubnetIds=[here, *other_vpc]) == "InvalidSubnet"
    assert _error_code(modify, CacheSubnetGroupName=_name("none"),
                       SubnetIds=other_vpc) == "CacheSubnetGroupNotFoundFault"
    assert elasticache.describe_cache_subnet_groups(CacheSubnetGroupName=name)[
        "CacheSubnetGroups"] == [kept]


# DeleteReplicationGroup


def test_delete_replication_group_takes_a_final_snapshot_and_goes(moto):
    elasticache = moto.client("elasticache")
    group_id = _replication_group(moto, Tags=[{"Key": "owner", "Value": "phi-team"}])
    snapshot = _name("final")
    answer = elasticache.delete_replication_group(
        ReplicationGroupId=group_id, FinalSnapshotIdentifier=snapshot)["ReplicationGroup"]
    assert answer["Status"] == "deleting"
    [taken] = elasticache.describe_snapshots(SnapshotName=snapshot)["Snapshots"]
    assert taken["SnapshotStatus"] == "available" and taken["ReplicationGroupId"] == group_id
    assert _error_code(elasticache.delete_replication_group,
                       ReplicationGroupId=group_id) == "InvalidReplicationGroupState"
    assert _describe_group(moto, group_id)["Status"] == "deleting"
    assert _error_code(elasticache.describe_replication_groups,
                       ReplicationGroupId=group_id) == "ReplicationGroupNotFoundFault"
    assert _error_code(elasticache.describe_cache_clusters,
                       CacheClusterId=f"{group_id}-001") == "CacheClusterNotFound"
    assert elasticache.list_tags_for_resource(
        ResourceName=_arn("replicationgroup", group_id))["TagList"] == []


def test_delete_replication_group_refuses_an_existing_snapshot_name(moto):
    elasticache = moto.client("elasticache")
    group_id = _replication_group(moto)
    snapshot = _name("taken")
    elasticache.create_snapshot(ReplicationGroupId=group_id, SnapshotName=snapshot)
    assert _error_code(elasticache.delete_replication_group, ReplicationGroupId=group_id,
                       FinalSnapshotIdentifier=snapshot) == "SnapshotAlreadyExistsFault"
    assert _describe_group(moto, group_id)["Status"] == "available"


# Tags (moto 5.2.5 already handles these; checked here because the provider relies on them)


@pytest.mark.parametrize("kind", ["replicationgroup", "subnetgroup"])
def test_tags_on_replication_group_and_subnet_group_arns(moto, kind):
    elasticache = moto.client("elasticache")
    tags = [{"Key": "owner", "Value": "phi-team"}]
    name = (_replication_group(moto, Tags=tags) if kind == "replicationgroup"
            else _subnet_group(moto, Tags=tags))
    arn = _arn(kind, name)
    assert elasticache.list_tags_for_resource(ResourceName=arn)["TagList"] == tags
    elasticache.add_tags_to_resource(ResourceName=arn,
                                     Tags=[{"Key": "compliance", "Value": "hipaa"}])
    elasticache.remove_tags_from_resource(ResourceName=arn, TagKeys=["owner"])
    assert elasticache.list_tags_for_resource(ResourceName=arn)["TagList"] == [
        {"Key": "compliance", "Value": "hipaa"}]
