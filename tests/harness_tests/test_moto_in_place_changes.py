"""The launcher's additions for changes AWS makes in place to a database or a cache: a DB
instance's port, a cluster-mode group's shards, and Redis OSS becoming Valkey."""

import uuid

import pytest
from botocore.exceptions import ClientError

from harness.moto_process import ACCOUNT_ID, REGION


def _name(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _error(call, **kwargs):
    with pytest.raises(ClientError) as err:
        call(**kwargs)
    return err.value.response["Error"]["Code"], err.value.response["Error"]["Message"]


def _instance(moto):
    instance_id = _name("db")
    moto.client("rds").create_db_instance(
        DBInstanceIdentifier=instance_id, DBInstanceClass="db.t4g.micro", Engine="postgres",
        EngineVersion="16.3", AllocatedStorage=20, MasterUsername="admin_user",
        ManageMasterUserPassword=True, StorageEncrypted=True)
    return instance_id


def _group(moto, **overrides):
    group_id = _name("rg")
    params = dict(ReplicationGroupId=group_id, ReplicationGroupDescription="phi cache",
                  Engine="redis", EngineVersion="7.1", CacheNodeType="cache.t4g.micro",
                  TransitEncryptionEnabled=True, AtRestEncryptionEnabled=True,
                  KmsKeyId=f"arn:aws:kms:{REGION}:{ACCOUNT_ID}:key/redis")
    params.update(overrides)
    moto.client("elasticache").create_replication_group(**params)
    return group_id


def _cluster_group(moto, shards=2, replicas=1):
    return _group(moto, ClusterMode="enabled", NumNodeGroups=shards, ReplicasPerNodeGroup=replicas,
                  CacheParameterGroupName="default.redis7.cluster.on")


def _describe(moto, group_id):
    return moto.client("elasticache").describe_replication_groups(
        ReplicationGroupId=group_id)["ReplicationGroups"][0]


def _member(moto, group_id):
    ec = moto.client("elasticache")
    member = _describe(moto, group_id)["MemberClusters"][0]
    return ec.describe_cache_clusters(CacheClusterId=member)["CacheClusters"][0]


def test_modify_db_instance_moves_the_port_at_once(moto):
    rds = moto.client("rds")
    instance_id = _instance(moto)
    answer = rds.modify_db_instance(DBInstanceIdentifier=instance_id, DBPortNumber=6543,
                                    ApplyImmediately=False)["DBInstance"]
    assert answer["Endpoint"]["Port"] == 6543
    assert "DBPortNumber" not in answer.get("PendingModifiedValues", {}), "it never waits"
    [db] = rds.describe_db_instances(DBInstanceIdentifier=instance_id)["DBInstances"]
    assert db["Endpoint"]["Port"] == 6543


def test_shards_are_added_with_replicas_and_slots_spread(moto):
    group_id = _cluster_group(moto)
    ec = moto.client("elasticache")
    answer = ec.modify_replication_group_shard_configuration(
        ReplicationGroupId=group_id, NodeGroupCount=3, ApplyImmediately=True)["ReplicationGroup"]
    groups = sorted(answer["NodeGroups"], key=lambda n: n["NodeGroupId"])
    assert [n["NodeGroupId"] for n in groups] == ["0001", "0002", "0003"]
    assert [len(n["NodeGroupMembers"]) for n in groups] == [2, 2, 2]
    assert [n["Slots"] for n in groups] == ["0-5461", "5462-10922", "10923-16383"]
    described = _describe(moto, group_id)
    assert len(described["MemberClusters"]) == 6 and f"{group_id}-0003-001" in described["MemberClusters"]
    assert described["Status"] == "available"


def test_shards_are_removed_only_when_named(moto):
    group_id = _cluster_group(moto, shards=3)
    ec = moto.client("elasticache")
    code, message = _error(ec.modify_replication_group_shard_configuration,
                           ReplicationGroupId=group_id, NodeGroupCount=2, ApplyImmediately=True)
    assert code == "InvalidParameterValue" and "NodeGroupsToRemove" in message
    code, _ = _error(ec.modify_replication_group_shard_configuration,
                     ReplicationGroupId=group_id, NodeGroupCount=2, ApplyImmediately=True,
                     NodeGroupsToRemove=["0009"])
    assert code == "InvalidParameterValue"
    assert len(_describe(moto, group_id)["NodeGroups"]) == 3, "a refused change changes nothing"
    ec.modify_replication_group_shard_configuration(
        ReplicationGroupId=group_id, NodeGroupCount=2, ApplyImmediately=True,
        NodeGroupsToRemove=["0002"])
    described = _describe(moto, group_id)
    assert sorted(n["NodeGroupId"] for n in described["NodeGroups"]) == ["0001", "0003"]
    assert not any("-0002-" in m for m in described["MemberClusters"])
    ec.modify_replication_group_shard_configuration(
        ReplicationGroupId=group_id, NodeGroupCount=1, ApplyImmediately=True,
        NodeGroupsToRetain=["0003"])
    assert [n["NodeGroupId"] for n in _describe(moto, group_id)["NodeGroups"]] == ["0003"]
    assert _describe(moto, group_id)["NodeGroups"][0]["Slots"] == "0-16383"


def test_shards_need_cluster_mode_and_apply_immediately(moto):
    ec = moto.client("elasticache")
    plain = _group(moto)
    code, _ = _error(ec.modify_replication_group_shard_configuration,
                     ReplicationGroupId=plain, NodeGroupCount=2, ApplyImmediately=True)
    assert code == "InvalidParameterValue"
    clustered = _cluster_group(moto)
    code, _ = _error(ec.modify_replication_group_shard_configuration,
                     ReplicationGroupId=clustered, NodeGroupCount=3, ApplyImmediately=False)
    assert code == "InvalidParameterValue"
    code, _ = _error(ec.modify_replication_group_shard_configuration,
                     ReplicationGroupId=clustered, NodeGroupCount=501, ApplyImmediately=True)
    assert code == "InvalidParameterValue"
    code, _ = _error(ec.modify_replication_group_shard_configuration,
                     ReplicationGroupId="no-such-group", NodeGroupCount=2, ApplyImmediately=True)
    assert code == "ReplicationGroupNotFoundFault"


def test_redis_becomes_valkey_on_the_new_default_parameter_group(moto):
    ec = moto.client("elasticache")
    group_id = _group(moto)
    ec.modify_replication_group(ReplicationGroupId=group_id, Engine="valkey", EngineVersion="8.0",
                                ApplyImmediately=True)
    member = _member(moto, group_id)
    assert _describe(moto, group_id)["Engine"] == "valkey"
    assert member["EngineVersion"] == "8.0"
    assert member["CacheParameterGroup"]["CacheParameterGroupName"] == "default.valkey8"
    clustered = _cluster_group(moto)
    ec.modify_replication_group(ReplicationGroupId=clustered, Engine="valkey", EngineVersion="7.2",
                                ApplyImmediately=True)
    assert _member(moto, clustered)["CacheParameterGroup"]["CacheParameterGroupName"] == \
        "default.valkey7.cluster.on"


def test_valkey_never_goes_back_and_starts_at_7_2(moto):
    ec = moto.client("elasticache")
    group_id = _group(moto)
    code, _ = _error(ec.modify_replication_group, ReplicationGroupId=group_id, Engine="valkey",
                     EngineVersion="7.1", ApplyImmediately=True)
    assert code == "InvalidParameterValue"
    assert _describe(moto, group_id)["Engine"] == "redis", "a refused change changes nothing"
    ec.modify_replication_group(ReplicationGroupId=group_id, Engine="valkey", EngineVersion="8.0",
                                ApplyImmediately=True)
    code, _ = _error(ec.modify_replication_group, ReplicationGroupId=group_id, Engine="redis",
                     EngineVersion="7.1", ApplyImmediately=True)
    assert code == "InvalidParameterCombination"
    assert _describe(moto, group_id)["Engine"] == "valkey"


def test_a_custom_parameter_group_must_be_replaced_with_the_engine(moto):
    ec = moto.client("elasticache")
    # Moto has no CreateCacheParameterGroup; a group of any name can be attached at create.
    custom = _name("params")
    group_id = _group(moto, CacheParameterGroupName=custom)
    code, _ = _error(ec.modify_replication_group, ReplicationGroupId=group_id, Engine="valkey",
                     EngineVersion="8.0", ApplyImmediately=True)
    assert code == "InvalidParameterCombination"
    assert _describe(moto, group_id)["Engine"] == "redis"


def test_a_monitored_instance_answers_its_enhanced_monitoring_stream(moto):
    rds = moto.client("rds")
    instance_id = _instance(moto)
    [db] = rds.describe_db_instances(DBInstanceIdentifier=instance_id)["DBInstances"]
    assert "EnhancedMonitoringResourceArn" not in db, "no monitoring, no stream"
    rds.modify_db_instance(DBInstanceIdentifier=instance_id, MonitoringInterval=60,
                           MonitoringRoleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/monitoring",
                           ApplyImmediately=True)
    [db] = rds.describe_db_instances(DBInstanceIdentifier=instance_id)["DBInstances"]
    assert db["EnhancedMonitoringResourceArn"] == (
        f"arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:RDSOSMetrics:log-stream:{db['DbiResourceId']}")
