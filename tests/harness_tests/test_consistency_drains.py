"""Deletes refused while what a database, cache or service just deleted held drains: the
fault proxy's model answers each service's own in-use error for a moment after the delete,
as AWS does, and then lets the delete through."""

from harness_tests.test_consistency import (  # noqa: F401 (lagged is a fixture)
    eventually, lagged, name, refused, via)
from harness_tests.test_consistency_named import counted, documented, subnets


def test_rds_refuses_to_delete_the_groups_of_a_database_just_deleted(moto, lagged):
    proxy = lagged(scale=1.0)  # 2-5 s
    direct, rds = moto.client("rds"), via(proxy, "rds")
    group, params, db = name(), name(), name()
    direct.create_db_subnet_group(DBSubnetGroupName=group, DBSubnetGroupDescription="d",
                                  SubnetIds=subnets(moto, "10.77"))
    direct.create_db_parameter_group(DBParameterGroupName=params,
                                     DBParameterGroupFamily="postgres16", Description="d")
    direct.create_db_instance(DBInstanceIdentifier=db, Engine="postgres",
                              DBInstanceClass="db.t4g.micro", DBSubnetGroupName=group,
                              DBParameterGroupName=params, MasterUsername="u",
                              MasterUserPassword="password123", AllocatedStorage=20)
    rds.delete_db_instance(DBInstanceIdentifier=db, SkipFinalSnapshot=True)
    delete_group = lambda: rds.delete_db_subnet_group(DBSubnetGroupName=group)  # noqa: E731
    delete_params = lambda: rds.delete_db_parameter_group(  # noqa: E731
        DBParameterGroupName=params)
    assert refused(delete_group) == (
        "InvalidDBSubnetGroupStateFault", f"Cannot delete the subnet group '{group}' because "
        "at least one database instance is still using it.", 400)
    assert refused(delete_params)[0::2] == ("InvalidDBParameterGroupState", 400)
    assert "InvalidDBSubnetGroupStateFault" in documented(direct, "DeleteDBSubnetGroup")
    assert "InvalidDBParameterGroupState" in documented(direct, "DeleteDBParameterGroup")
    eventually(delete_group)
    delete_params()
    assert not [g for g in direct.describe_db_subnet_groups()["DBSubnetGroups"]
                if g["DBSubnetGroupName"] == group]
    counted(proxy, rds__in_use=2)


def test_elasticache_and_ecs_refuse_to_delete_what_a_cache_or_service_held(moto, lagged):
    proxy = lagged(scale=1.0)
    direct, cache = moto.client("elasticache"), via(proxy, "elasticache")
    group, rg = name(), name()
    direct.create_cache_subnet_group(CacheSubnetGroupName=group, CacheSubnetGroupDescription="d",
                                     SubnetIds=subnets(moto, "10.78"))
    direct.create_replication_group(ReplicationGroupId=rg, ReplicationGroupDescription="d",
                                    CacheNodeType="cache.t4g.micro", Engine="redis",
                                    CacheSubnetGroupName=group, NumCacheClusters=1)
    cache.delete_replication_group(ReplicationGroupId=rg)
    delete_group = lambda: cache.delete_cache_subnet_group(  # noqa: E731
        CacheSubnetGroupName=group)
    assert refused(delete_group) == (
        "CacheSubnetGroupInUse", f"Cache subnet group {group} is currently in use by a cache "
        "cluster.", 400)
    assert "CacheSubnetGroupInUse" in documented(direct, "DeleteCacheSubnetGroup")
    # The emulator shows the group deleting once, then gone; the model still refuses.
    direct.describe_replication_groups()
    assert rg not in {g["ReplicationGroupId"] for g in
                      direct.describe_replication_groups()["ReplicationGroups"]}
    eventually(delete_group)

    ecs, cluster = via(proxy, "ecs"), name()
    moto.client("ecs").create_cluster(clusterName=cluster)
    moto.client("ecs").register_task_definition(family=cluster, containerDefinitions=[
        {"name": "app", "image": "nginx", "memory": 128}])
    moto.client("ecs").create_service(cluster=cluster, serviceName="api",
                                      taskDefinition=cluster, desiredCount=0)
    ecs.delete_service(cluster=cluster, service="api", force=True)
    delete_cluster = lambda: ecs.delete_cluster(cluster=cluster)  # noqa: E731
    assert refused(delete_cluster) == (
        "ClusterContainsTasksException", "The Cluster cannot be deleted while Tasks are active.",
        400)
    assert "ClusterContainsTasksException" in documented(moto.client("ecs"), "DeleteCluster")
    eventually(delete_cluster)
    counted(proxy, elasticache__in_use=1, ecs__in_use=1)
