"""Every live AWS object of the kinds the provider makes, as moto holds them.

``inventory(moto)`` maps each kind (``ec2:vpc``, ``kms:key``, ``lambda:function``...) to the
sorted ids of the live objects of that kind in the account, whoever made them; objects on
their way out (a key pending deletion, a secret scheduled for deletion, an INACTIVE task
definition, a NAT gateway ``deleted``) are not live. ``added(before, after)`` is what a step
made: kind -> ids that were not there before. Comparing two inventories, or the counts of
two ``added`` results, shows a leak or a duplicate of any kind at once.
"""

from collections import Counter


def _all(client, operation, key, **params):
    """Every item of a listing, through all its pages."""
    if client.can_paginate(operation):
        return [item for page in client.get_paginator(operation).paginate(**params)
                for item in page.get(key, [])]
    return getattr(client, operation)(**params).get(key, [])


def _ec2(moto):
    ec2 = moto.client("ec2")
    vpcs = [v["VpcId"] for v in _all(ec2, "describe_vpcs", "Vpcs") if not v.get("IsDefault")]
    in_vpcs = [{"Name": "vpc-id", "Values": vpcs}] if vpcs else None

    def scoped(call, key, ident, live=lambda _: True):
        if in_vpcs is None:
            return []
        return [o[ident] for o in call(Filters=in_vpcs)[key] if live(o)]

    return {
        "ec2:vpc": vpcs,
        "ec2:subnet": scoped(ec2.describe_subnets, "Subnets", "SubnetId"),
        "ec2:route-table": scoped(ec2.describe_route_tables, "RouteTables", "RouteTableId"),
        "ec2:security-group": scoped(ec2.describe_security_groups, "SecurityGroups", "GroupId"),
        "ec2:nat-gateway": scoped(ec2.describe_nat_gateways, "NatGateways", "NatGatewayId",
                                  lambda n: n["State"] not in ("deleting", "deleted")),
        "ec2:vpc-endpoint": scoped(ec2.describe_vpc_endpoints, "VpcEndpoints", "VpcEndpointId",
                                   lambda e: e["State"].lower() not in ("deleting", "deleted")),
        "ec2:flow-log": [f["FlowLogId"] for f in _all(ec2, "describe_flow_logs", "FlowLogs")],
        "ec2:internet-gateway": [g["InternetGatewayId"] for g in
                                 _all(ec2, "describe_internet_gateways", "InternetGateways")
                                 if any(a["VpcId"] in vpcs for a in g.get("Attachments", []))
                                 or not g.get("Attachments")],
        "ec2:elastic-ip": [a["AllocationId"] for a in _all(ec2, "describe_addresses", "Addresses")],
    }


def _kms(moto):
    kms = moto.client("kms")
    keys = [k["KeyId"] for k in _all(kms, "list_keys", "Keys")
            if kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"]["KeyState"] != "PendingDeletion"]
    aliases = [a["AliasName"] for a in _all(kms, "list_aliases", "Aliases")
               if not a["AliasName"].startswith("alias/aws/")]
    return {"kms:key": keys, "kms:alias": aliases}


def _iam(moto):
    iam = moto.client("iam")
    return {
        "iam:role": [r["RoleName"] for r in _all(iam, "list_roles", "Roles")],
        "iam:policy": [p["Arn"] for p in _all(iam, "list_policies", "Policies", Scope="Local")],
    }


def _rds(moto):
    rds = moto.client("rds")
    return {
        "rds:instance": [d["DBInstanceIdentifier"] for d in _all(rds, "describe_db_instances", "DBInstances")
                         if d["DBInstanceStatus"] != "deleting"],
        "rds:cluster": [c["DBClusterIdentifier"] for c in _all(rds, "describe_db_clusters", "DBClusters")
                        if c["Status"] != "deleting"],
        "rds:subnet-group": [g["DBSubnetGroupName"] for g in
                             _all(rds, "describe_db_subnet_groups", "DBSubnetGroups")],
        "rds:parameter-group": [g["DBParameterGroupName"] for g in
                                _all(rds, "describe_db_parameter_groups", "DBParameterGroups")
                                if not g["DBParameterGroupName"].startswith("default.")],
        "rds:cluster-parameter-group": [
            g["DBClusterParameterGroupName"] for g in
            _all(rds, "describe_db_cluster_parameter_groups", "DBClusterParameterGroups")
            if not g["DBClusterParameterGroupName"].startswith("default.")],
    }


def _elasticache(moto):
    ec = moto.client("elasticache")
    return {
        "elasticache:replication-group": [
            g["ReplicationGroupId"] for g in _all(ec, "describe_replication_groups", "ReplicationGroups")
            if g["Status"] != "deleting"],
        "elasticache:subnet-group": [g["CacheSubnetGroupName"] for g in
                                     _all(ec, "describe_cache_subnet_groups", "CacheSubnetGroups")
                                     if g["CacheSubnetGroupName"] != "default"],
    }


def _ecs(moto):
    ecs = moto.client("ecs")
    arns = _all(ecs, "list_clusters", "clusterArns")
    clusters = [c["clusterName"] for i in range(0, len(arns), 100)
                for c in ecs.describe_clusters(clusters=arns[i:i + 100])["clusters"]
                if c["status"] == "ACTIVE"]
    services = [arn for c in clusters for arn in _all(ecs, "list_services", "serviceArns", cluster=c)]
    scaling = moto.client("application-autoscaling")
    return {
        "ecs:cluster": clusters,
        "ecs:service": services,
        "ecs:task-definition": _all(ecs, "list_task_definitions", "taskDefinitionArns", status="ACTIVE"),
        "autoscaling:target": [t["ResourceId"] for t in _all(
            scaling, "describe_scalable_targets", "ScalableTargets", ServiceNamespace="ecs")],
        "autoscaling:policy": [p["PolicyARN"] for p in _all(
            scaling, "describe_scaling_policies", "ScalingPolicies", ServiceNamespace="ecs")],
    }


def _streams(kinesis):
    """Every stream name, paged by the last name (moto gives no NextToken)."""
    names = []
    while True:
        page = kinesis.list_streams(**({"ExclusiveStartStreamName": names[-1]} if names else {}))
        names.extend(page["StreamNames"])
        if not page.get("HasMoreStreams") or not page["StreamNames"]:
            return names


def _others(moto):
    return {
        "kinesis:stream": _streams(moto.client("kinesis")),
        "logs:log-group": [g["logGroupName"] for g in
                           _all(moto.client("logs"), "describe_log_groups", "logGroups")],
        "secretsmanager:secret": [s["Name"] for s in
                                  _all(moto.client("secretsmanager"), "list_secrets", "SecretList")
                                  if not s.get("DeletedDate")],
        "lambda:function": [f["FunctionName"] for f in
                            _all(moto.client("lambda"), "list_functions", "Functions")],
    }


def inventory(moto):
    """kind -> sorted ids of the live objects of that kind."""
    found = {}
    for part in (_ec2, _kms, _iam, _rds, _elasticache, _ecs, _others):
        found.update(part(moto))
    return {kind: sorted(ids) for kind, ids in found.items()}


def added(before, after):
    """kind -> ids in `after` and not in `before` (kinds with none left out)."""
    out = {kind: sorted(set(ids) - set(before.get(kind, ()))) for kind, ids in after.items()}
    return {kind: ids for kind, ids in out.items() if ids}


def counts(made):
    """kind -> how many, of an ``added`` result."""
    return Counter({kind: len(ids) for kind, ids in made.items()})
