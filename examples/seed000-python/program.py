"""Reference stack 000 (Pulumi Python, eu-south-2) rebuilt with pulumi-healthcare: a VPC, an
encrypted Redis and an ECS Fargate task reading the Redis credentials from Secrets Manager,
with the stack's outputs under the same names."""

import pulumi
import pulumi_healthcare as healthcare

IMAGE = "public.ecr.aws/docker/library/python:3.12-slim"


def program():
    # 2 public and 2 private subnets over 2 AZs, an internet gateway and one NAT gateway
    # (SecureVpc adds isolated subnets, where the cache lives, and flow logs).
    network = healthcare.network.SecureVpc(
        "network", cidr_block="10.0.0.0/16", availability_zone_count=2,
        nat_gateways=healthcare.NatStrategy.SINGLE)

    # Redis 7, two nodes in two AZs with automatic failover, TLS required, encrypted at rest,
    # the AUTH token generated and kept in Secrets Manager, open to the VPC's CIDR only.
    cache = healthcare.cache.EncryptedRedis(
        "cache", vpc_id=network.vpc_id, subnet_ids=network.isolated_subnet_ids,
        engine_version="7.1", replicas=1, allowed_cidr_blocks=["10.0.0.0/16"])

    # Container Insights on; a 256 CPU / 512 MiB task in the private subnets that gets the
    # Redis endpoint as plain environment and its AUTH token from Secrets Manager.
    services = healthcare.compute.FargateCluster(
        "services",
        services={"worker": healthcare.FargateServiceArgs(
            image=IMAGE, cpu=256, memory=512,
            environment={"REDIS_HOST": cache.primary_endpoint, "REDIS_PORT": cache.port.apply(str)},
            secrets={"REDIS_AUTH_TOKEN": cache.auth_secret_arn.apply(lambda arn: f"{arn}:authToken::")},
            vpc_id=network.vpc_id, subnet_ids=network.private_subnet_ids,
            security_group_ids=[network.application_security_group_id])})

    pulumi.export("vpc_id", network.vpc_id)
    pulumi.export("ecs_cluster_name", services.cluster_name)
    pulumi.export("ecs_cluster_arn", services.cluster_arn)
    pulumi.export("redis_endpoint", cache.primary_endpoint)
    pulumi.export("redis_port", cache.port)
    pulumi.export("task_definition_arn", services.service_outputs.apply(lambda s: s["worker"].task_definition_arn))
    pulumi.export("region", healthcare.config.region or "eu-south-2")
