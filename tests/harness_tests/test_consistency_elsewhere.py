"""Other services not seeing a subnet or security group EC2 has just made
(tests/harness/consistency_elsewhere.py): RDS, ElastiCache and ECS refuse it with their own
error a little after EC2 itself knows it, and then take it."""

from harness_tests.test_consistency import (  # noqa: F401 (lagged is a fixture)
    eventually, lagged, name, refused, via)
from harness_tests.test_consistency_named import counted, documented


def test_rds_elasticache_and_ecs_see_a_new_subnet_or_group_after_ec2_does(moto, lagged):
    proxy = lagged(scale=1.0)  # EC2 1-4 s, the other services 2-6 s after
    ec2, direct = via(proxy, "ec2"), moto.client("ec2")
    vpc = direct.create_vpc(CidrBlock="10.81.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.81.{i}.0/24",
                                 AvailabilityZone=f"us-east-1{z}")["Subnet"]["SubnetId"]
               for i, z in ((1, "a"), (2, "b"))]
    group = ec2.create_security_group(GroupName=name(), Description="d", VpcId=vpc)["GroupId"]
    # EC2 itself first: by id, once visible.
    for subnet in subnets:
        eventually(lambda s=subnet: ec2.describe_subnets(SubnetIds=[s]))
    eventually(lambda: ec2.describe_security_groups(GroupIds=[group]))

    rds, cache, ecs = via(proxy, "rds"), via(proxy, "elasticache"), via(proxy, "ecs")
    db_group, cache_group = name(), name()
    make_db_group = lambda: rds.create_db_subnet_group(  # noqa: E731
        DBSubnetGroupName=db_group, DBSubnetGroupDescription="d", SubnetIds=subnets)
    code, message, status = refused(make_db_group)
    assert (code, status) == ("InvalidSubnet", 400) and "are invalid" in message
    assert code in documented(moto.client("rds"), "CreateDBSubnetGroup")
    cluster = name()
    moto.client("ecs").create_cluster(clusterName=cluster)
    moto.client("ecs").register_task_definition(
        family=cluster, networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256",
        memory="512", containerDefinitions=[{"name": "app", "image": "nginx"}])
    make_service = lambda: ecs.create_service(  # noqa: E731
        cluster=cluster, serviceName="api", taskDefinition=cluster, desiredCount=0,
        launchType="FARGATE", networkConfiguration={"awsvpcConfiguration": {
            "subnets": subnets[:1], "securityGroups": [group]}})
    code, message, _ = refused(make_service)
    assert code == "InvalidParameterException" and "does not exist" in message
    eventually(make_db_group)
    eventually(make_service)
    # Seen once: later calls are not refused.
    cache.create_cache_subnet_group(CacheSubnetGroupName=cache_group,
                                    CacheSubnetGroupDescription="d", SubnetIds=subnets)
    counted(proxy, ec2__not_seen_elsewhere=2, ec2__not_found=1)
