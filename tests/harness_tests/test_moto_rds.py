"""The launcher's RDS additions: PostgreSQL instances, Aurora clusters and their parameter
groups behave as AWS documents."""

import uuid

import pytest
from botocore.exceptions import ClientError

from harness.moto_process import ACCOUNT_ID, REGION

KMS_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT_ID}:key/postgres"
DEFAULT_NAMES = ["log_connections", "log_disconnections", "log_min_duration_statement",
                 "max_connections", "pgaudit.log", "rds.force_ssl", "rds.log_retention_period",
                 "shared_preload_libraries", "work_mem"]


def _name(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _error_code(call, **kwargs):
    with pytest.raises(ClientError) as err:
        call(**kwargs)
    return err.value.response["Error"]["Code"]


def _subnet_group(moto, cidr="10.30"):
    ec2 = moto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock=f"{cidr}.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"{cidr}.{i}.0/24",
                                 AvailabilityZone=zone)["Subnet"]["SubnetId"]
               for i, zone in enumerate(("us-east-1a", "us-east-1b"))]
    name = _name("dbsng")
    moto.client("rds").create_db_subnet_group(DBSubnetGroupName=name,
                                              DBSubnetGroupDescription="postgres subnets",
                                              SubnetIds=subnets)
    return name


def _parameter_group(moto, family="postgres16"):
    name = _name("pg")
    moto.client("rds").create_db_parameter_group(DBParameterGroupName=name,
                                                 DBParameterGroupFamily=family,
                                                 Description="postgres parameters")
    return name


def _cluster_parameter_group(moto, family="aurora-postgresql16"):
    name = _name("cpg")
    moto.client("rds").create_db_cluster_parameter_group(DBClusterParameterGroupName=name,
                                                         DBParameterGroupFamily=family,
                                                         Description="aurora parameters")
    return name


def _instance(moto, **overrides):
    """A PostgreSQL instance as the provider makes it: managed password, encrypted, gp3."""
    instance_id = _name("db")
    params = dict(DBInstanceIdentifier=instance_id, DBInstanceClass="db.t4g.micro",
                  Engine="postgres", EngineVersion="16.3", AllocatedStorage=20,
                  StorageType="gp3", MasterUsername="phiadmin", ManageMasterUserPassword=True,
                  StorageEncrypted=True, KmsKeyId=KMS_KEY)
    params.update(overrides)
    moto.client("rds").create_db_instance(
        **{key: value for key, value in params.items() if value is not None})
    return instance_id


def _cluster(moto, **overrides):
    cluster_id = _name("cluster")
    params = dict(DBClusterIdentifier=cluster_id, Engine="aurora-postgresql",
                  EngineVersion="16.4", MasterUsername="phiadmin",
                  ManageMasterUserPassword=True, StorageEncrypted=True, KmsKeyId=KMS_KEY)
    params.update(overrides)
    moto.client("rds").create_db_cluster(**params)
    return cluster_id


def _member(moto, cluster_id, **overrides):
    return _instance(moto, DBClusterIdentifier=cluster_id, Engine="aurora-postgresql",
                     EngineVersion=None, DBInstanceClass="db.r6g.large", AllocatedStorage=None,
                     StorageType=None, ManageMasterUserPassword=None, StorageEncrypted=None,
                     KmsKeyId=None, **overrides)


def _describe(moto, instance_id):
    [instance] = moto.client("rds").describe_db_instances(
        DBInstanceIdentifier=instance_id)["DBInstances"]
    return instance


def _apply_status(moto, instance_id):
    return [(group["DBParameterGroupName"], group["ParameterApplyStatus"])
            for group in _describe(moto, instance_id)["DBParameterGroups"]]


def _parameters(moto, group, **kwargs):
    answer = moto.client("rds").describe_db_parameters(DBParameterGroupName=group, **kwargs)
    return {parameter["ParameterName"]: parameter for parameter in answer["Parameters"]}


def _cluster_parameters(moto, group, **kwargs):
    answer = moto.client("rds").describe_db_cluster_parameters(
        DBClusterParameterGroupName=group, **kwargs)
    return {parameter["ParameterName"]: parameter for parameter in answer["Parameters"]}


# ModifyDBInstance: ApplyImmediately


def test_modify_db_instance_holds_maintenance_window_changes(moto):
    rds = moto.client("rds")
    instance_id = _instance(moto)
    answer = rds.modify_db_instance(
        DBInstanceIdentifier=instance_id, DBInstanceClass="db.t4g.small", AllocatedStorage=40,
        MultiAZ=True, EngineVersion="16.4", StorageThroughput=500, Iops=12000,
        CACertificateIdentifier="rds-ca-rsa2048-g1", BackupRetentionPeriod=14,
        DeletionProtection=True, PreferredBackupWindow="03:00-03:30")["DBInstance"]
    pending = {"DBInstanceClass": "db.t4g.small", "AllocatedStorage": 40, "MultiAZ": True,
               "EngineVersion": "16.4", "StorageThroughput": 500, "Iops": 12000,
               "CACertificateIdentifier": "rds-ca-rsa2048-g1"}
    for instance in (answer, _describe(moto, instance_id)):
        assert instance["PendingModifiedValues"] == pending
        assert (instance["DBInstanceClass"], instance["AllocatedStorage"], instance["MultiAZ"],
                instance["EngineVersion"]) == ("db.t4g.micro", 20, False, "16.3")
        # every other setting applies at once
        assert instance["BackupRetentionPeriod"] == 14 and instance["DeletionProtection"]
        assert instance["PreferredBackupWindow"] == "03:00-03:30"
    # ApplyImmediately=false is the default; a later change joins the earlier ones
    rds.modify_db_instance(DBInstanceIdentifier=instance_id, ApplyImmediately=False,
                           StorageType="io2")
    assert _describe(moto, instance_id)["PendingModifiedValues"] == {**pending,
                                                                     "StorageType": "io2"}


def test_modify_db_instance_apply_immediately_applies_pending_changes_too(moto):
    rds = moto.client("rds")
    instance_id = _instance(moto)
    rds.modify_db_instance(DBInstanceIdentifier=instance_id, DBInstanceClass="db.t4g.small",
                           AllocatedStorage=40)
    assert _describe(moto, instance_id)["DBInstanceClass"] == "db.t4g.micro"
    answer = rds.modify_db_instance(DBInstanceIdentifier=instance_id, ApplyImmediately=True,
                                    MultiAZ=True)["DBInstance"]
    for instance in (answer, _describe(moto, instance_id)):
        assert not instance.get("PendingModifiedValues")
        assert (instance["DBInstanceClass"], instance["AllocatedStorage"],
                instance["MultiAZ"]) == ("db.t4g.small", 40, True)


def test_modify_db_instance_records_no_pending_value_equal_to_the_current_one(moto):
    rds = moto.client("rds")
    instance_id = _instance(moto)
    answer = rds.modify_db_instance(DBInstanceIdentifier=instance_id,
                                    DBInstanceClass="db.t4g.micro", AllocatedStorage=20,
                                    MultiAZ=False)["DBInstance"]
    assert not answer.get("PendingModifiedValues")
    rds.modify_db_instance(DBInstanceIdentifier=instance_id, DBInstanceClass="db.t4g.large",
                           AllocatedStorage=50)
    rds.modify_db_instance(DBInstanceIdentifier=instance_id, DBInstanceClass="db.t4g.micro")
    assert _describe(moto, instance_id)["PendingModifiedValues"] == {"AllocatedStorage": 50}


# CreateDBInstance / ModifyDBInstance: Performance Insights


def test_create_db_instance_keeps_performance_insights(moto):
    instance_id = _instance(moto, EnablePerformanceInsights=True,
                            PerformanceInsightsKMSKeyId=KMS_KEY,
                            PerformanceInsightsRetentionPeriod=31)
    described = _describe(moto, instance_id)
    assert (described["PerformanceInsightsEnabled"], described["PerformanceInsightsKMSKeyId"],
            described["PerformanceInsightsRetentionPeriod"]) == (True, KMS_KEY, 31)
    plain = _describe(moto, _instance(moto))
    assert plain["PerformanceInsightsEnabled"] is False
    assert "PerformanceInsightsKMSKeyId" not in plain


def test_modify_db_instance_performance_insights(moto):
    rds = moto.client("rds")
    instance_id = _instance(moto)
    answer = rds.modify_db_instance(DBInstanceIdentifier=instance_id,
                                    EnablePerformanceInsights=True,
                                    PerformanceInsightsKMSKeyId=KMS_KEY)["DBInstance"]
    assert (answer["PerformanceInsightsEnabled"], answer["PerformanceInsightsKMSKeyId"],
            answer["PerformanceInsightsRetentionPeriod"]) == (True, KMS_KEY, 7)
    rds.modify_db_instance(DBInstanceIdentifier=instance_id,
                           PerformanceInsightsRetentionPeriod=93)
    rds.modify_db_instance(DBInstanceIdentifier=instance_id, EnablePerformanceInsights=False)
    described = _describe(moto, instance_id)
    assert described["PerformanceInsightsEnabled"] is False
    assert described["PerformanceInsightsKMSKeyId"] == KMS_KEY  # kept once set
    rds.modify_db_instance(DBInstanceIdentifier=instance_id, EnablePerformanceInsights=True)
    described = _describe(moto, instance_id)
    assert (described["PerformanceInsightsEnabled"], described["PerformanceInsightsKMSKeyId"],
            described["PerformanceInsightsRetentionPeriod"]) == (True, KMS_KEY, 93)


# DeleteDBInstance / DeleteDBCluster: final snapshot


def test_delete_db_instance_requires_a_final_snapshot_choice(moto):
    rds = moto.client("rds")
    instance_id = _instance(moto)
    for choice in ({}, {"SkipFinalSnapshot": False}):
        assert _error_code(rds.delete_db_instance, DBInstanceIdentifier=instance_id,
                           **choice) == "InvalidParameterCombination"
    assert _describe(moto, instance_id)["DBInstanceStatus"] == "available"
    snapshot = _name("final")
    rds.delete_db_instance(DBInstanceIdentifier=instance_id, FinalDBSnapshotIdentifier=snapshot)
    [taken] = rds.describe_db_snapshots(DBSnapshotIdentifier=snapshot)["DBSnapshots"]
    assert taken["DBInstanceIdentifier"] == instance_id and taken["Status"] == "available"
    assert _error_code(rds.describe_db_instances,
                       DBInstanceIdentifier=instance_id) == "DBInstanceNotFound"
    skipped = _instance(moto)
    rds.delete_db_instance(DBInstanceIdentifier=skipped, SkipFinalSnapshot=True)
    assert _error_code(rds.describe_db_instances,
                       DBInstanceIdentifier=skipped) == "DBInstanceNotFound"
    assert rds.describe_db_snapshots(DBInstanceIdentifier=skipped,
                                     SnapshotType="manual")["DBSnapshots"] == []


def test_delete_db_cluster_requires_a_final_snapshot_choice(moto):
    rds = moto.client("rds")
    cluster_id = _cluster(moto)
    member = _member(moto, cluster_id)
    # a cluster member takes no final snapshot parameters
    rds.delete_db_instance(DBInstanceIdentifier=member)
    assert _error_code(rds.describe_db_instances,
                       DBInstanceIdentifier=member) == "DBInstanceNotFound"
    assert _error_code(rds.delete_db_cluster,
                       DBClusterIdentifier=cluster_id) == "InvalidParameterCombination"
    [cluster] = rds.describe_db_clusters(DBClusterIdentifier=cluster_id)["DBClusters"]
    assert cluster["Status"] == "available"
    snapshot = _name("final")
    rds.delete_db_cluster(DBClusterIdentifier=cluster_id, FinalDBSnapshotIdentifier=snapshot)
    [taken] = rds.describe_db_cluster_snapshots(
        DBClusterSnapshotIdentifier=snapshot)["DBClusterSnapshots"]
    assert taken["DBClusterIdentifier"] == cluster_id
    assert _error_code(rds.describe_db_clusters,
                       DBClusterIdentifier=cluster_id) == "DBClusterNotFoundFault"
    skipped = _cluster(moto)
    rds.delete_db_cluster(DBClusterIdentifier=skipped, SkipFinalSnapshot=True)
    assert _error_code(rds.describe_db_clusters,
                       DBClusterIdentifier=skipped) == "DBClusterNotFoundFault"


# DeleteDBSubnetGroup / DeleteDBParameterGroup / DeleteDBClusterParameterGroup: in use


def test_delete_db_subnet_group_in_use_by_an_instance(moto):
    rds = moto.client("rds")
    name = _subnet_group(moto)
    instance_id = _instance(moto, DBSubnetGroupName=name)
    assert _error_code(rds.delete_db_subnet_group,
                       DBSubnetGroupName=name) == "InvalidDBSubnetGroupStateFault"
    assert rds.describe_db_subnet_groups(DBSubnetGroupName=name)["DBSubnetGroups"]
    rds.delete_db_instance(DBInstanceIdentifier=instance_id, SkipFinalSnapshot=True)
    rds.delete_db_subnet_group(DBSubnetGroupName=name)
    assert _error_code(rds.describe_db_subnet_groups,
                       DBSubnetGroupName=name) == "DBSubnetGroupNotFoundFault"


def test_delete_db_subnet_group_in_use_by_a_cluster(moto):
    rds = moto.client("rds")
    name = _subnet_group(moto, cidr="10.31")
    cluster_id = _cluster(moto, DBSubnetGroupName=name)
    assert _error_code(rds.delete_db_subnet_group,
                       DBSubnetGroupName=name) == "InvalidDBSubnetGroupStateFault"
    assert rds.describe_db_subnet_groups(DBSubnetGroupName=name)["DBSubnetGroups"]
    rds.delete_db_cluster(DBClusterIdentifier=cluster_id, SkipFinalSnapshot=True)
    rds.delete_db_subnet_group(DBSubnetGroupName=name)


def test_delete_db_parameter_group_in_use(moto):
    rds = moto.client("rds")
    group = _parameter_group(moto)
    instance_id = _instance(moto, DBParameterGroupName=group)
    assert _error_code(rds.delete_db_parameter_group,
                       DBParameterGroupName=group) == "InvalidDBParameterGroupState"
    assert rds.describe_db_parameter_groups(DBParameterGroupName=group)["DBParameterGroups"]
    rds.delete_db_instance(DBInstanceIdentifier=instance_id, SkipFinalSnapshot=True)
    rds.delete_db_parameter_group(DBParameterGroupName=group)
    assert _error_code(rds.describe_db_parameters,
                       DBParameterGroupName=group) == "DBParameterGroupNotFound"


def test_delete_db_cluster_parameter_group_in_use(moto):
    rds = moto.client("rds")
    group = _cluster_parameter_group(moto)
    cluster_id = _cluster(moto, DBClusterParameterGroupName=group)
    assert _error_code(rds.delete_db_cluster_parameter_group,
                       DBClusterParameterGroupName=group) == "InvalidDBParameterGroupState"
    assert rds.describe_db_cluster_parameter_groups(
        DBClusterParameterGroupName=group)["DBClusterParameterGroups"]
    rds.delete_db_cluster(DBClusterIdentifier=cluster_id, SkipFinalSnapshot=True)
    rds.delete_db_cluster_parameter_group(DBClusterParameterGroupName=group)
    assert _error_code(rds.describe_db_cluster_parameters,
                       DBClusterParameterGroupName=group) == "DBParameterGroupNotFound"


# DescribeDBParameters / DescribeDBClusterParameters: engine defaults and apply types


@pytest.mark.parametrize("family, force_ssl", [("postgres13", "0"), ("postgres14", "0"),
                                               ("postgres15", "1"), ("postgres16", "1"),
                                               ("postgres17", "1")])
def test_describe_db_parameters_lists_engine_defaults(moto, family, force_ssl):
    parameters = _parameters(moto, _parameter_group(moto, family))
    assert sorted(parameters) == DEFAULT_NAMES
    assert parameters["rds.force_ssl"] == {
        "ParameterName": "rds.force_ssl", "ParameterValue": force_ssl,
        "Source": "engine-default", "ApplyType": "dynamic", "IsModifiable": True}
    assert parameters["shared_preload_libraries"]["ParameterValue"] == "pg_stat_statements"
    assert {name for name, parameter in parameters.items()
            if parameter["ApplyType"] == "static"} == {"max_connections",
                                                       "shared_preload_libraries"}
    assert "ParameterValue" not in parameters["work_mem"]


def test_describe_db_parameters_merges_user_values(moto):
    rds = moto.client("rds")
    group = _parameter_group(moto)
    rds.modify_db_parameter_group(DBParameterGroupName=group, Parameters=[
        {"ParameterName": "rds.force_ssl", "ParameterValue": "0", "ApplyMethod": "immediate"},
        {"ParameterName": "app.custom", "ParameterValue": "x", "ApplyMethod": "immediate"}])
    parameters = _parameters(moto, group)
    assert sorted(parameters) == sorted([*DEFAULT_NAMES, "app.custom"])
    assert parameters["rds.force_ssl"] == {
        "ParameterName": "rds.force_ssl", "ParameterValue": "0", "Source": "user",
        "ApplyType": "dynamic", "IsModifiable": True, "ApplyMethod": "immediate"}
    user = _parameters(moto, group, Source="user")
    assert sorted(user) == ["app.custom", "rds.force_ssl"]
    assert user["rds.force_ssl"]["ApplyType"] == "dynamic"
    assert "ApplyType" not in user["app.custom"]
    defaults = _parameters(moto, group, Source="engine-default")
    assert sorted(defaults) == [name for name in DEFAULT_NAMES if name != "rds.force_ssl"]


def test_describe_db_parameters_pages_with_marker(moto):
    rds = moto.client("rds")
    group = _parameter_group(moto)
    rds.modify_db_parameter_group(DBParameterGroupName=group, Parameters=[
        {"ParameterName": f"app.setting_{i:02}", "ParameterValue": str(i),
         "ApplyMethod": "immediate"} for i in range(20)])
    first = rds.describe_db_parameters(DBParameterGroupName=group, MaxRecords=20)
    assert len(first["Parameters"]) == 20 and first["Marker"]
    second = rds.describe_db_parameters(DBParameterGroupName=group, MaxRecords=20,
                                        Marker=first["Marker"])
    assert len(second["Parameters"]) == 9 and "Marker" not in second
    names = [parameter["ParameterName"] for page in (first, second)
             for parameter in page["Parameters"]]
    assert names == sorted(_parameters(moto, group))
    paged = [parameter["ParameterName"] for page in rds.get_paginator(
        "describe_db_parameters").paginate(DBParameterGroupName=group,
                                           PaginationConfig={"PageSize": 20})
             for parameter in page["Parameters"]]
    assert paged == names
    assert _error_code(rds.describe_db_parameters, DBParameterGroupName=group,
                       MaxRecords=10) == "InvalidParameterValue"


@pytest.mark.parametrize("family, force_ssl", [("aurora-postgresql13", "0"),
                                               ("aurora-postgresql14", "0"),
                                               ("aurora-postgresql16", "0"),
                                               ("aurora-postgresql17", "1")])
def test_describe_db_cluster_parameters_lists_engine_defaults(moto, family, force_ssl):
    rds = moto.client("rds")
    group = _cluster_parameter_group(moto, family)
    parameters = _cluster_parameters(moto, group)
    assert sorted(parameters) == DEFAULT_NAMES
    assert parameters["rds.force_ssl"]["ParameterValue"] == force_ssl
    assert parameters["shared_preload_libraries"]["ApplyType"] == "static"
    rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName=group, Parameters=[
        {"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"}])
    user = _cluster_parameters(moto, group, Source="user")
    assert user == {"rds.force_ssl": {
        "ParameterName": "rds.force_ssl", "ParameterValue": "1", "Source": "user",
        "ApplyType": "dynamic", "IsModifiable": True, "ApplyMethod": "immediate"}}
    assert _cluster_parameters(moto, group)["rds.force_ssl"]["Source"] == "user"


# ModifyDBParameterGroup / ModifyDBClusterParameterGroup: static parameters


def test_modify_db_parameter_group_refuses_immediate_for_a_static_parameter(moto):
    rds = moto.client("rds")
    group = _parameter_group(moto)
    libraries = {"ParameterName": "shared_preload_libraries",
                 "ParameterValue": "pg_stat_statements,pgaudit"}
    work_mem = {"ParameterName": "work_mem", "ParameterValue": "8192",
                "ApplyMethod": "immediate"}
    assert _error_code(rds.modify_db_parameter_group, DBParameterGroupName=group, Parameters=[
        work_mem, {**libraries, "ApplyMethod": "immediate"}]) == "InvalidParameterCombination"
    assert _parameters(moto, group, Source="user") == {}
    rds.modify_db_parameter_group(DBParameterGroupName=group, Parameters=[
        work_mem, {**libraries, "ApplyMethod": "pending-reboot"}])
    assert _parameters(moto, group)["shared_preload_libraries"]["ParameterValue"] == \
        "pg_stat_statements,pgaudit"


def test_modify_db_cluster_parameter_group_refuses_immediate_for_a_static_parameter(moto):
    rds = moto.client("rds")
    group = _cluster_parameter_group(moto)
    libraries = {"ParameterName": "shared_preload_libraries",
                 "ParameterValue": "pg_stat_statements,pgaudit"}
    assert _error_code(rds.modify_db_cluster_parameter_group, DBClusterParameterGroupName=group,
                       Parameters=[{**libraries, "ApplyMethod": "immediate"}]
                       ) == "InvalidParameterCombination"
    assert _cluster_parameters(moto, group, Source="user") == {}
    rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName=group, Parameters=[
        {**libraries, "ApplyMethod": "pending-reboot"}])
    assert _cluster_parameters(moto, group, Source="user")["shared_preload_libraries"][
        "ParameterValue"] == "pg_stat_statements,pgaudit"


# RebootDBInstance: ParameterApplyStatus


def test_pending_reboot_parameter_changes_wait_for_a_reboot(moto):
    rds = moto.client("rds")
    group, other_group = _parameter_group(moto), _parameter_group(moto)
    first, second = (_instance(moto, DBParameterGroupName=group) for _ in range(2))
    other = _instance(moto, DBParameterGroupName=other_group)
    rds.modify_db_parameter_group(DBParameterGroupName=group, Parameters=[
        {"ParameterName": "work_mem", "ParameterValue": "8192", "ApplyMethod": "immediate"}])
    assert _apply_status(moto, first) == [(group, "in-sync")]
    rds.modify_db_parameter_group(DBParameterGroupName=group, Parameters=[
        {"ParameterName": "max_connections", "ParameterValue": "200",
         "ApplyMethod": "pending-reboot"}])
    for instance_id in (first, second):
        assert _apply_status(moto, instance_id) == [(group, "pending-reboot")]
    assert _apply_status(moto, other) == [(other_group, "in-sync")]
    answer = rds.reboot_db_instance(DBInstanceIdentifier=first)["DBInstance"]
    assert answer["DBParameterGroups"] == [{"DBParameterGroupName": group,
                                            "ParameterApplyStatus": "in-sync"}]
    assert _apply_status(moto, first) == [(group, "in-sync")]
    assert _apply_status(moto, second) == [(group, "pending-reboot")]


def test_modify_db_instance_parameter_group_waits_for_a_reboot(moto):
    rds = moto.client("rds")
    group, new_group = _parameter_group(moto), _parameter_group(moto)
    instance_id = _instance(moto, DBParameterGroupName=group)
    assert _apply_status(moto, instance_id) == [(group, "in-sync")]
    answer = rds.modify_db_instance(DBInstanceIdentifier=instance_id, ApplyImmediately=True,
                                    DBParameterGroupName=new_group)["DBInstance"]
    assert answer["DBParameterGroups"] == [{"DBParameterGroupName": new_group,
                                            "ParameterApplyStatus": "pending-reboot"}]
    assert _apply_status(moto, instance_id) == [(new_group, "pending-reboot")]
    rds.reboot_db_instance(DBInstanceIdentifier=instance_id)
    assert _apply_status(moto, instance_id) == [(new_group, "in-sync")]


def test_a_postgresql_13_static_parameter_waits_for_a_reboot(moto):
    rds = moto.client("rds")
    group = _parameter_group(moto, "postgres13")
    instance_id = _instance(moto, EngineVersion="13.15", DBParameterGroupName=group)
    assert _parameters(moto, group)["shared_preload_libraries"]["ApplyType"] == "static"
    libraries = {"ParameterName": "shared_preload_libraries",
                 "ParameterValue": "pg_stat_statements,pgaudit"}
    assert _error_code(rds.modify_db_parameter_group, DBParameterGroupName=group, Parameters=[
        {**libraries, "ApplyMethod": "immediate"}]) == "InvalidParameterCombination"
    rds.modify_db_parameter_group(DBParameterGroupName=group, Parameters=[
        {**libraries, "ApplyMethod": "pending-reboot"}])
    assert _apply_status(moto, instance_id) == [(group, "pending-reboot")]
    rds.reboot_db_instance(DBInstanceIdentifier=instance_id)
    assert _apply_status(moto, instance_id) == [(group, "in-sync")]


def _cluster_status(moto, cluster_id):
    [cluster] = moto.client("rds").describe_db_clusters(
        DBClusterIdentifier=cluster_id)["DBClusters"]
    return {member["DBInstanceIdentifier"]: member["DBClusterParameterGroupStatus"]
            for member in cluster["DBClusterMembers"]}


def _aurora(moto, engine_version="16.4"):
    """A cluster with its own cluster parameter group, a writer and a reader."""
    group = _cluster_parameter_group(moto, f"aurora-postgresql{engine_version.split('.')[0]}")
    cluster_id = _cluster(moto, EngineVersion=engine_version, DBClusterParameterGroupName=group)
    writer, reader = _member(moto, cluster_id), _member(moto, cluster_id)
    return group, cluster_id, writer, reader


def test_pending_reboot_cluster_parameter_changes_wait_for_each_member_to_reboot(moto):
    rds = moto.client("rds")
    group, cluster_id, writer, reader = _aurora(moto)
    _, other_cluster, *_ = _aurora(moto)
    assert _cluster_status(moto, cluster_id) == {writer: "in-sync", reader: "in-sync"}
    rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName=group, Parameters=[
        {"ParameterName": "work_mem", "ParameterValue": "8192", "ApplyMethod": "immediate"}])
    assert _cluster_status(moto, cluster_id) == {writer: "in-sync", reader: "in-sync"}
    rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName=group, Parameters=[
        {"ParameterName": "shared_preload_libraries",
         "ParameterValue": "pg_stat_statements,pgaudit", "ApplyMethod": "pending-reboot"}])
    assert _cluster_status(moto, cluster_id) == {writer: "pending-reboot",
                                                 reader: "pending-reboot"}
    assert set(_cluster_status(moto, other_cluster).values()) == {"in-sync"}
    # Aurora PostgreSQL 16 has read availability: the writer's reboot leaves the reader alone.
    rds.reboot_db_instance(DBInstanceIdentifier=writer)
    assert _cluster_status(moto, cluster_id) == {writer: "in-sync", reader: "pending-reboot"}
    rds.reboot_db_instance(DBInstanceIdentifier=reader)
    assert _cluster_status(moto, cluster_id) == {writer: "in-sync", reader: "in-sync"}


@pytest.mark.parametrize("engine_version, readers_reboot", [("13.9", True), ("13.10", False),
                                                            ("14.6", True), ("14.7", False),
                                                            ("15.2", False), ("17.4", False)])
def test_a_writer_reboot_reboots_the_readers_only_before_read_availability(
        moto, engine_version, readers_reboot):
    rds = moto.client("rds")
    group, cluster_id, writer, reader = _aurora(moto, engine_version)
    rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName=group, Parameters=[
        {"ParameterName": "max_connections", "ParameterValue": "200",
         "ApplyMethod": "pending-reboot"}])
    rds.reboot_db_instance(DBInstanceIdentifier=writer)
    assert _cluster_status(moto, cluster_id) == {
        writer: "in-sync", reader: "in-sync" if readers_reboot else "pending-reboot"}
    # A reader's own reboot never reboots the writer.
    rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName=group, Parameters=[
        {"ParameterName": "max_connections", "ParameterValue": "300",
         "ApplyMethod": "pending-reboot"}])
    rds.reboot_db_instance(DBInstanceIdentifier=reader)
    assert _cluster_status(moto, cluster_id) == {writer: "pending-reboot", reader: "in-sync"}


def _user_values(moto, group, cluster=False):
    rds = moto.client("rds")
    if cluster:
        found = rds.describe_db_cluster_parameters(DBClusterParameterGroupName=group, Source="user")
    else:
        found = rds.describe_db_parameters(DBParameterGroupName=group, Source="user")
    return {p["ParameterName"]: p["ParameterValue"] for p in found["Parameters"]}


def test_reset_db_parameter_group_returns_parameters_to_their_defaults(moto):
    rds = moto.client("rds")
    group = _parameter_group(moto)
    instance_id = _instance(moto, DBParameterGroupName=group)
    rds.modify_db_parameter_group(DBParameterGroupName=group, Parameters=[
        {"ParameterName": "work_mem", "ParameterValue": "8192", "ApplyMethod": "immediate"},
        {"ParameterName": "log_connections", "ParameterValue": "1", "ApplyMethod": "immediate"}])
    answer = rds.reset_db_parameter_group(DBParameterGroupName=group, Parameters=[
        {"ParameterName": "work_mem", "ApplyMethod": "immediate"}])
    assert answer["DBParameterGroupName"] == group
    assert _user_values(moto, group) == {"log_connections": "1"}
    assert _apply_status(moto, instance_id) == [(group, "in-sync")]
    everything = rds.describe_db_parameters(DBParameterGroupName=group)["Parameters"]
    assert {p["ParameterName"]: p["Source"] for p in everything}["work_mem"] == "engine-default"
    rds.reset_db_parameter_group(DBParameterGroupName=group, ResetAllParameters=True)
    assert _user_values(moto, group) == {}


def test_reset_db_parameter_group_of_a_static_parameter_waits_for_a_reboot(moto):
    rds = moto.client("rds")
    group = _parameter_group(moto)
    instance_id = _instance(moto, DBParameterGroupName=group)
    rds.modify_db_parameter_group(DBParameterGroupName=group, Parameters=[
        {"ParameterName": "max_connections", "ParameterValue": "200", "ApplyMethod": "pending-reboot"}])
    rds.reboot_db_instance(DBInstanceIdentifier=instance_id)
    assert _error_code(rds.reset_db_parameter_group, DBParameterGroupName=group, Parameters=[
        {"ParameterName": "max_connections", "ApplyMethod": "immediate"}]) == "InvalidParameterCombination"
    assert _user_values(moto, group) == {"max_connections": "200"}
    rds.reset_db_parameter_group(DBParameterGroupName=group, Parameters=[
        {"ParameterName": "max_connections", "ApplyMethod": "pending-reboot"}])
    assert _user_values(moto, group) == {}
    assert _apply_status(moto, instance_id) == [(group, "pending-reboot")]
    assert _error_code(rds.reset_db_parameter_group, DBParameterGroupName=_name("missing"),
                       ResetAllParameters=True) == "DBParameterGroupNotFound"


def test_reset_db_cluster_parameter_group_returns_parameters_to_their_defaults(moto):
    rds = moto.client("rds")
    group = _cluster_parameter_group(moto)
    rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName=group, Parameters=[
        {"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"},
        {"ParameterName": "work_mem", "ParameterValue": "8192", "ApplyMethod": "immediate"}])
    answer = rds.reset_db_cluster_parameter_group(DBClusterParameterGroupName=group, Parameters=[
        {"ParameterName": "work_mem", "ApplyMethod": "immediate"}])
    assert answer["DBClusterParameterGroupName"] == group
    assert _user_values(moto, group, cluster=True) == {"rds.force_ssl": "1"}
    assert _error_code(rds.reset_db_cluster_parameter_group, DBClusterParameterGroupName=_name("missing"),
                       ResetAllParameters=True) == "DBParameterGroupNotFound"


def test_reset_db_cluster_parameter_group_of_a_static_parameter_waits_for_a_reboot(moto):
    rds = moto.client("rds")
    group, cluster_id, writer, reader = _aurora(moto)
    rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName=group, Parameters=[
        {"ParameterName": "work_mem", "ParameterValue": "8192", "ApplyMethod": "immediate"},
        {"ParameterName": "max_connections", "ParameterValue": "200",
         "ApplyMethod": "pending-reboot"}])
    for member in (writer, reader):
        rds.reboot_db_instance(DBInstanceIdentifier=member)
    rds.reset_db_cluster_parameter_group(DBClusterParameterGroupName=group, Parameters=[
        {"ParameterName": "work_mem", "ApplyMethod": "immediate"}])
    assert _cluster_status(moto, cluster_id) == {writer: "in-sync", reader: "in-sync"}
    rds.reset_db_cluster_parameter_group(DBClusterParameterGroupName=group, Parameters=[
        {"ParameterName": "max_connections", "ApplyMethod": "pending-reboot"}])
    assert _user_values(moto, group, cluster=True) == {}
    assert _cluster_status(moto, cluster_id) == {writer: "pending-reboot", reader: "pending-reboot"}
