"""The resources the fault matrix runs, each as a small program a user would write.

A subject is one resource with small sizes, auto-named (the hard case: a second attempt draws
a new name), made to be destroyed (no deletion protection, no final snapshot), and how a user
finds the AWS id of a create the engine lost track of: by the name the engine recorded in
the pending operation, or by the resource's `pulumi:urn` tag where AWS assigns the id.

The AccountBaseline's parts are the account's one-per-region settings (a GuardDuty detector,
Security Hub, the Config recorder, the password policy, EBS encryption by default): one left
by a case would make the next case's create refuse. So it runs on an emulator of its own,
reset before its census and before each case (``own_account``), and its leak check counts the
kinds of ``account_census`` besides the inventory's.
"""

import dataclasses
from typing import Callable

import pytest

from account_census import census as account_census

IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:1.0.0"
APP_CIDR = "10.90.0.0/16"


@dataclasses.dataclass
class Subject:
    name: str
    token: str
    properties: dict
    # The input holding the id (the engine keeps the checked inputs of a pending create);
    # None: AWS assigns the id and the `pulumi:urn` tag finds it.
    id_input: str = None
    # An update that adds parts, for the update matrix: properties laid over `properties`.
    grow: dict = None
    # Each case (and the census) runs on an empty account: an emulator of the subject's own,
    # reset before each (the resource's parts are the account's one-per-region settings).
    own_account: bool = False
    # kind -> ids of what the resource makes that harness.inventory does not count, laid
    # over the inventory in the leak and duplicate checks.
    census: Callable = None

    def program(self, network=None, grown=False):
        props = {**self.properties, **((self.grow or {}) if grown else {})}
        return {"resources": {"subject": {"type": self.token, "properties": _lay(props, network or {})}},
                "outputs": {"compliant": "${subject.compliance.compliant}"}}

    def existing_id(self, moto, urn, inputs):
        """The id of the object an interrupted create left, or None if AWS has none."""
        if self.id_input is None:
            found = moto.client("ec2").describe_vpcs(
                Filters=[{"Name": "tag:pulumi:urn", "Values": [urn]}])["Vpcs"]
            return found[0]["VpcId"] if found else None
        name = inputs.get(self.id_input)
        return name if name and EXISTS[self.name](moto, name) else None


def _stream(moto, name):
    return name in moto.client("kinesis").list_streams()["StreamNames"]


def _group(moto, name):
    groups = moto.client("elasticache").describe_replication_groups()["ReplicationGroups"]
    return any(g["ReplicationGroupId"] == name and g["Status"] != "deleting" for g in groups)


def _database(moto, name):
    found = moto.client("rds").describe_db_instances()["DBInstances"]
    return any(d["DBInstanceIdentifier"] == name and d["DBInstanceStatus"] != "deleting" for d in found)


def _cluster(moto, name):
    found = moto.client("ecs").describe_clusters(clusters=[name])["clusters"]
    return any(c["status"] == "ACTIVE" for c in found)


def _trail(moto, name):
    trails = moto.client("cloudtrail").describe_trails(trailNameList=[name])["trailList"]
    return any(t["Name"] == name for t in trails)


EXISTS = {"kinesis": _stream, "redis": _group, "postgres": _database, "fargate": _cluster,
          "baseline": _trail}

SUBJECTS = {s.name: s for s in [
    Subject("kinesis", "healthcare:streaming:KinesisPipeline",
            {"shardCount": 1, "retentionHours": 48,
             "producerPrincipals": ["arn:aws:iam::123456789012:root"]},
            id_input="streamName", grow={"shardCount": 2, "retentionHours": 72}),
    Subject("vpc", "healthcare:network:SecureVpc",
            {"cidrBlock": "10.91.0.0/16", "availabilityZoneCount": 2, "natGateways": "single"},
            grow={"availabilityZoneCount": 3}),
    Subject("redis", "healthcare:cache:EncryptedRedis",
            {"vpcId": "@vpc", "subnetIds": "@subnets", "allowedCidrBlocks": [APP_CIDR],
             "nodeType": "cache.t4g.small", "replicas": 1, "skipFinalSnapshot": True},
            id_input="replicationGroupId", grow={"replicas": 2}),
    Subject("postgres", "healthcare:database:HipaaPostgres",
            {"vpcId": "@vpc", "subnetIds": "@subnets", "allowedCidrBlocks": [APP_CIDR],
             "instanceClass": "db.t4g.micro", "deletionProtection": False, "skipFinalSnapshot": True,
             "enhancedMonitoringInterval": 0},
            id_input="identifier", grow={"enhancedMonitoringInterval": 60}),
    Subject("fargate", "healthcare:compute:FargateCluster",
            {"services": {"api": {"image": IMAGE, "cpu": 256, "memory": 512, "containerPort": 8080,
                                  "vpcId": "@vpc", "subnetIds": "@subnets",
                                  "allowedCidrBlocks": [APP_CIDR], "desiredCount": 1,
                                  "autoscaling": {"minTasks": 1, "maxTasks": 2}}}},
            id_input="clusterName"),
    # retainLogs false and no Object Lock: a delete removes the buckets, the log group and the
    # key too (by default they are kept as audit evidence), so nothing may be left.
    Subject("baseline", "healthcare:index:AccountBaseline",
            {"alarmEmails": ["security@example.com"], "objectLockMode": "NONE", "retainLogs": False,
             "supportRole": {}},
            id_input="baselineName",
            grow={"alarmEmails": ["privacy-officer@example.com", "security@example.com"],
                  "logRetentionDays": 400, "s3DataEvents": True, "auditRole": {}},
            own_account=True, census=account_census),
]}


def _lay(value, network):
    """The properties with each "@vpc" / "@subnets" replaced by the network's."""
    if isinstance(value, str) and value.startswith("@"):
        return network[value[1:]]
    if isinstance(value, dict):
        return {k: _lay(v, network) for k, v in value.items()}
    if isinstance(value, list):
        return [_lay(v, network) for v in value]
    return value


@pytest.fixture(scope="session")
def network(moto):
    """A VPC with two subnets in two zones, made outside Pulumi, for the resources that live in one."""
    ec2 = moto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.92.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.92.{i}.0/24",
                                 AvailabilityZone=f"us-east-1{zone}")["Subnet"]["SubnetId"]
               for i, zone in enumerate("ab")]
    return {"vpc": vpc, "subnets": subnets}
