"""A deliberately careless stack, made with boto3 in a moto of its own: the audit's control.

Everything the provider refuses, done here on purpose: a database open to the internet,
unencrypted and without backups, a cache without TLS or encryption at rest, an unencrypted
stream, a log group without a key, kept a day, a VPC without flow logs whose subnet hands out
public IPs, a security group open to the world, a key without rotation, a secret without
rotation, a container that is privileged, keeps a secret in its environment and logs nowhere,
and a role whose inline policy allows everything.

``build(moto)`` makes it and returns ``{name: identifier}``: for each careless object, the id,
name or ARN that Prowler's findings about it carry. ``FAILS`` names, for each of those objects,
the Prowler checks that must fail on it; the test asserts each one did.
"""

import json

CIDR = "10.9.0.0/16"
PASSWORD = "careless-password-1"  # noqa: S105 - a made-up value in an emulator

# careless object -> the Prowler checks that must FAIL on it.
FAILS = {
    "vpc": ["vpc_flow_logs_enabled"],
    "subnet": ["vpc_subnet_no_public_ip_by_default"],
    "security_group": [
        "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22",
        "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_postgres_5432",
        "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_redis_6379",
    ],
    "database": [
        "rds_instance_no_public_access",
        "rds_instance_storage_encrypted",
        "rds_instance_backup_enabled",
        "rds_instance_multi_az",
        "rds_instance_deletion_protection",
        "rds_instance_integration_cloudwatch_logs",
    ],
    "cache": [
        "elasticache_redis_cluster_rest_encryption_enabled",
        "elasticache_redis_cluster_in_transit_encryption_enabled",
        "elasticache_redis_cluster_automatic_failover_enabled",
        "elasticache_redis_cluster_multi_az_enabled",
        "elasticache_redis_cluster_backup_enabled",
    ],
    "stream": ["kinesis_stream_encrypted_at_rest"],
    "log_group": [
        "cloudwatch_log_group_kms_encryption_enabled",
        "cloudwatch_log_group_retention_policy_specific_days_enabled",
    ],
    "key": ["kms_cmk_rotation_enabled"],
    "secret": ["secretsmanager_automatic_rotation_enabled"],
    "cluster": ["ecs_cluster_container_insights_enabled"],
    "task_definition": [
        "ecs_task_definitions_no_privileged_containers",
        "ecs_task_definitions_no_environment_secrets",
        "ecs_task_definitions_logging_enabled",
    ],
    "role": ["iam_inline_policy_no_administrative_privileges"],
}


def _network(moto):
    """A VPC with no flow logs, a public subnet in each of two AZs handing out public IPs,
    an internet gateway, and a security group open to the world on
    SSH, PostgreSQL and Redis."""
    ec2 = moto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock=CIDR)["Vpc"]["VpcId"]
    gateway = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc)
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=gateway)
    subnets = []
    for i, zone in enumerate(("us-east-1a", "us-east-1b")):
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.9.{i}.0/24",
                                   AvailabilityZone=zone)["Subnet"]["SubnetId"]
        ec2.modify_subnet_attribute(SubnetId=subnet, MapPublicIpOnLaunch={"Value": True})
        ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
        subnets.append(subnet)
    group = ec2.create_security_group(GroupName="careless-open", Description="open to all",
                                      VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": port, "ToPort": port,
         "IpRanges": [{"CidrIp": "0.0.0.0/0"}]} for port in (22, 5432, 6379)])
    return vpc, subnets, group


def _data_stores(moto, subnets, group):
    """A public, unencrypted PostgreSQL instance with no backups, and a one-node Redis
    replication group with neither TLS, encryption at rest nor snapshots."""
    rds = moto.client("rds")
    rds.create_db_subnet_group(DBSubnetGroupName="careless-db", SubnetIds=subnets,
                               DBSubnetGroupDescription="public subnets")
    rds.create_db_instance(
        DBInstanceIdentifier="careless-db", Engine="postgres", EngineVersion="16.4",
        DBInstanceClass="db.t3.micro", AllocatedStorage=20, MasterUsername="careless",
        MasterUserPassword=PASSWORD, DBSubnetGroupName="careless-db",
        VpcSecurityGroupIds=[group], PubliclyAccessible=True, StorageEncrypted=False,
        BackupRetentionPeriod=0, MultiAZ=False, DeletionProtection=False)
    cache = moto.client("elasticache")
    cache.create_cache_subnet_group(CacheSubnetGroupName="careless-cache", SubnetIds=subnets,
                                    CacheSubnetGroupDescription="public subnets")
    cache.create_replication_group(
        ReplicationGroupId="careless-cache", ReplicationGroupDescription="careless",
        Engine="redis", CacheNodeType="cache.t3.micro", NumCacheClusters=1,
        CacheSubnetGroupName="careless-cache", SecurityGroupIds=[group],
        AtRestEncryptionEnabled=False, TransitEncryptionEnabled=False,
        AutomaticFailoverEnabled=False, MultiAZEnabled=False, SnapshotRetentionLimit=0)


def _compute(moto):
    """An ECS cluster without Container Insights, and a task definition whose container is
    privileged, holds a password in its environment and has no log configuration."""
    ecs = moto.client("ecs")
    ecs.create_cluster(clusterName="careless-cluster")
    arn = ecs.register_task_definition(
        family="careless-task", requiresCompatibilities=["FARGATE"], networkMode="awsvpc",
        cpu="256", memory="512",
        containerDefinitions=[{
            "name": "app", "image": "public.ecr.aws/docker/library/nginx:1.27",
            "essential": True, "privileged": True,
            "environment": [{"name": "DB_PASSWORD", "value": PASSWORD}],
        }])["taskDefinition"]["taskDefinitionArn"]
    return arn


def _role(moto):
    """A role that ECS tasks assume, whose inline policy allows every action on everything."""
    iam = moto.client("iam")
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
        "Action": "sts:AssumeRole"}]}
    admin = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "*", "Resource": "*"}]}
    role = iam.create_role(RoleName="careless-role",
                           AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    iam.put_role_policy(RoleName="careless-role", PolicyName="everything",
                        PolicyDocument=json.dumps(admin))
    return role


def build(moto):
    """Makes the careless stack in `moto`; returns careless object -> its identifier."""
    vpc, subnets, group = _network(moto)
    _data_stores(moto, subnets, group)
    moto.client("kinesis").create_stream(StreamName="careless-stream", ShardCount=1)
    logs = moto.client("logs")
    logs.create_log_group(logGroupName="careless-app")
    logs.put_retention_policy(logGroupName="careless-app", retentionInDays=1)
    key = moto.client("kms").create_key(Description="careless")["KeyMetadata"]["KeyId"]
    secret = moto.client("secretsmanager").create_secret(
        Name="careless-secret", SecretString=PASSWORD)["ARN"]
    task_definition = _compute(moto)
    return {
        "vpc": vpc, "subnet": subnets[0], "security_group": group, "database": "careless-db",
        "cache": "careless-cache", "stream": "careless-stream", "log_group": "careless-app",
        "key": key, "secret": secret, "cluster": "careless-cluster",
        "task_definition": task_definition, "role": _role(moto),
    }
