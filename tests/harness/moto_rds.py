"""RDS additions for the moto launcher: PostgreSQL DB instances and Aurora clusters as AWS
documents them.

Each addition is one function named after the AWS operation it completes, patching moto's
RDS backend, model or response class (idempotently, like the launcher's own additions).
Together they let an instance's changes wait for ApplyImmediately, deletions demand a final
snapshot choice, groups still in use refuse deletion, and Performance Insights settings be
kept, as on AWS; the parameter group ones live in ``moto_rds_parameters.py``. Errors are
moto's RDS errors, so boto3 sees AWS's error codes. ``RDS_ADDITIONS`` lists them all for the
launcher.
"""

if __package__:
    from .moto_rds_parameters import RDS_PARAMETER_ADDITIONS
    from .moto_rds_reset import RDS_RESET_ADDITIONS
else:  # run as a program, with tests/harness first on sys.path
    from moto_rds_parameters import RDS_PARAMETER_ADDITIONS
    from moto_rds_reset import RDS_RESET_ADDITIONS

# AWS ModifyDBInstance: the settings that, without ApplyImmediately, wait for the next
# maintenance window in PendingModifiedValues (member name: DBInstance attribute).
DEFERRED_SETTINGS = {
    "DBInstanceClass": "db_instance_class",
    "AllocatedStorage": "allocated_storage",
    "MultiAZ": "multi_az",
    "EngineVersion": "engine_version",
    "StorageType": "storage_type",
    "Iops": "iops",
    "StorageThroughput": "storage_throughput",
    "CACertificateIdentifier": "ca_certificate_identifier",
}
# AWS PerformanceInsightsRetentionPeriod: "Default: 7 days".
PERFORMANCE_INSIGHTS_DEFAULT_RETENTION = 7


try:
    from .moto_patch import install as _install
    from .moto_patch import installed as _installed
except ImportError:  # loaded as a top-level module, as the launcher run as a program does
    from moto_patch import install as _install
    from moto_patch import installed as _installed


def rds_modify_db_instance_apply_immediately():
    """RDS ModifyDBInstance: hold the maintenance-window changes unless ApplyImmediately.

    AWS: ApplyImmediately "specifies whether the modifications in this request and any pending
    modifications are asynchronously applied as soon as possible ... If this parameter is
    disabled, changes to the DB instance are applied during the next maintenance window";
    moto 5.2.5 applies everything at once. Without ApplyImmediately, changes to
    DBInstanceClass, AllocatedStorage, MultiAZ, EngineVersion, StorageType, Iops,
    StorageThroughput and CACertificateIdentifier now wait in the instance's
    PendingModifiedValues (shown by DescribeDBInstances and the ModifyDBInstance answer); a
    value equal to the current one drops that setting's pending change. Every other setting
    applies at once, as before. With ApplyImmediately the given values apply together with
    every pending one, and PendingModifiedValues is left empty (absent).

    DBPortNumber, which moto keeps under a name DescribeDBInstances never shows, now moves the
    instance's endpoint port. AWS's ModifyDBInstance reference says the database restarts on a
    DBPortNumber change whatever ApplyImmediately says, so it never waits for the window.
    """
    from moto.rds.models import RDSBackend

    if _installed(RDSBackend, "modify_db_instance"):
        return
    original = RDSBackend.modify_db_instance

    def modify_db_instance(self, db_instance_identifier, db_kwargs):
        database = self.describe_db_instances(db_instance_identifier)[0]
        pending = dict(getattr(database, "pending_modified_values", None) or {})
        if db_kwargs.get("apply_immediately"):
            for name, value in pending.items():
                if db_kwargs.get(DEFERRED_SETTINGS[name]) is None:
                    db_kwargs[DEFERRED_SETTINGS[name]] = value
            pending = {}
        else:
            for name, attribute in DEFERRED_SETTINGS.items():
                value = db_kwargs.pop(attribute, None)
                if value is None:
                    continue
                pending.pop(name, None)
                if value != getattr(database, attribute, None):
                    pending[name] = value
        port = db_kwargs.pop("db_port_number", None)
        database = original(self, db_instance_identifier, db_kwargs)
        database.pending_modified_values = pending or None
        if port is not None:
            database.port = int(port)
        return database

    _install(RDSBackend, modify_db_instance)


def _performance_insights(database, db_kwargs):
    enabled = db_kwargs.get("enable_performance_insights")
    if enabled is not None:
        database.performance_insights_enabled = bool(enabled)
    for attribute in ("performance_insights_kms_key_id", "performance_insights_retention_period"):
        if db_kwargs.get(attribute) is not None:
            setattr(database, attribute, db_kwargs[attribute])
    if (getattr(database, "performance_insights_enabled", False)
            and getattr(database, "performance_insights_retention_period", None) is None):
        database.performance_insights_retention_period = PERFORMANCE_INSIGHTS_DEFAULT_RETENTION


def rds_create_db_instance_performance_insights():
    """RDS CreateDBInstance and ModifyDBInstance: keep the Performance Insights settings.

    AWS: EnablePerformanceInsights "specifies whether to enable Performance Insights for the DB
    instance", PerformanceInsightsKMSKeyId is "the AWS KMS key identifier for encryption of
    Performance Insights data", and PerformanceInsightsRetentionPeriod "the number of days to
    retain Performance Insights data ... Default: 7 days"; DescribeDBInstances answers
    them as PerformanceInsightsEnabled, PerformanceInsightsKMSKeyId and
    PerformanceInsightsRetentionPeriod. Moto 5.2.5 ignores them on create, and on modify keeps
    only the key and the period (as it keeps any given setting), never the enabled flag. The
    addition stores all three on create (PerformanceInsightsEnabled false when not asked for)
    and on modify, where a setting not given keeps its value (so the key stays once set);
    enabling without a retention period gives 7 days.
    """
    from moto.rds.models import DBInstance, RDSBackend

    if _installed(RDSBackend, "create_db_instance"):
        return
    original_create = RDSBackend.create_db_instance
    original_update = DBInstance.update

    def create_db_instance(self, db_kwargs):
        database = original_create(self, db_kwargs)
        database.performance_insights_enabled = False
        _performance_insights(database, db_kwargs)
        return database

    def update(self, **db_kwargs):
        original_update(self, **db_kwargs)
        _performance_insights(self, db_kwargs)

    _install(DBInstance, update)
    _install(RDSBackend, create_db_instance)


def _final_snapshot_choice(params):
    """InvalidParameterCombination unless SkipFinalSnapshot or FinalDBSnapshotIdentifier."""
    from moto.rds.exceptions import InvalidParameterCombination

    if not params.get("SkipFinalSnapshot") and not params.get("FinalDBSnapshotIdentifier"):
        raise InvalidParameterCombination(
            "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.")


def rds_delete_db_instance_final_snapshot():
    """RDS DeleteDBInstance: demand the final snapshot choice (moto 5.2.5 deletes without it).

    AWS: SkipFinalSnapshot "specifies whether to skip the creation of a final DB snapshot ...
    If you don't enable this parameter, you must specify the FinalDBSnapshotIdentifier
    parameter." Deleting an instance that is not in a DB cluster (nor a read replica) with
    neither is refused with InvalidParameterCombination and the instance is kept. Members of a
    cluster take no final snapshot and are deleted as before; moto already takes the final
    snapshot (DescribeDBSnapshots) when FinalDBSnapshotIdentifier is given.
    """
    from moto.rds.responses import RDSResponse

    if _installed(RDSResponse, "delete_db_instance"):
        return
    original = RDSResponse.delete_db_instance

    def delete_db_instance(self):
        [database] = self.backend.describe_db_instances(self.params.get("DBInstanceIdentifier"))
        if database.db_cluster_identifier is None and not database.is_replica:
            _final_snapshot_choice(self.params)
        return original(self)

    _install(RDSResponse, delete_db_instance)


def rds_delete_db_cluster_final_snapshot():
    """RDS DeleteDBCluster: demand the final snapshot choice (moto 5.2.5 deletes without it).

    AWS: SkipFinalSnapshot "specifies whether to skip the creation of a final DB cluster
    snapshot ... If SkipFinalSnapshot is disabled, you must specify a value for the
    FinalDBSnapshotIdentifier parameter." A cluster deleted with neither is refused with
    InvalidParameterCombination and kept; moto already takes the final cluster snapshot
    (DescribeDBClusterSnapshots) when FinalDBSnapshotIdentifier is given.
    """
    from moto.rds.responses import RDSResponse

    if _installed(RDSResponse, "delete_db_cluster"):
        return
    original = RDSResponse.delete_db_cluster

    def delete_db_cluster(self):
        self.backend.describe_db_clusters(self.params.get("DBClusterIdentifier"))
        _final_snapshot_choice(self.params)
        return original(self)

    _install(RDSResponse, delete_db_cluster)


def rds_delete_db_subnet_group_in_use():
    """RDS DeleteDBSubnetGroup: keep a subnet group still in use (moto 5.2.5 deletes it).

    AWS: "The specified DB subnet group must not be associated with any DB instances";
    InvalidDBSubnetGroupStateFault: "The DB subnet group cannot be deleted because it's in
    use." A group used by a DB instance or a DB cluster is refused so and kept; an unknown
    group is still DBSubnetGroupNotFoundFault.
    """
    from moto.rds.exceptions import RDSClientError
    from moto.rds.models import RDSBackend

    if _installed(RDSBackend, "delete_subnet_group"):
        return
    original = RDSBackend.delete_subnet_group

    def delete_subnet_group(self, subnet_name):
        if subnet_name in self.subnet_groups:
            name = subnet_name.lower()
            users = [database.db_instance_identifier for database in self.databases.values()
                     if (getattr(database, "_db_subnet_group_name", None) or "").lower() == name]
            users += [cluster.db_cluster_identifier for cluster in self.clusters.values()
                      if (cluster.db_subnet_group_name or "").lower() == name]
            if users:
                raise RDSClientError(
                    "InvalidDBSubnetGroupStateFault",
                    f"Cannot delete the subnet group '{subnet_name}' because at least one "
                    f"database instance or cluster: {', '.join(users)} is still using it.")
        return original(self, subnet_name)

    _install(RDSBackend, delete_subnet_group)


def rds_delete_db_parameter_group_in_use():
    """RDS DeleteDBParameterGroup: keep a parameter group still in use (moto 5.2.5 deletes it).

    AWS: "The DB parameter group to be deleted can't be associated with any DB instances";
    InvalidDBParameterGroupStateFault: "The DB parameter group is in use or is in an invalid
    state." A group used by any DB instance (cluster members included) is refused with
    InvalidDBParameterGroupState and kept.
    """
    from moto.rds.exceptions import RDSClientError
    from moto.rds.models import RDSBackend

    if _installed(RDSBackend, "delete_db_parameter_group"):
        return
    original = RDSBackend.delete_db_parameter_group

    def delete_db_parameter_group(self, db_parameter_group_name):
        name = db_parameter_group_name.lower()
        if any(group.name == name for database in self.databases.values()
               for group in database.db_parameter_groups()):
            raise RDSClientError(
                "InvalidDBParameterGroupState",
                f"One or more database instances are still members of this parameter group "
                f"{db_parameter_group_name}, so the group cannot be deleted")
        return original(self, db_parameter_group_name)

    _install(RDSBackend, delete_db_parameter_group)


def rds_delete_db_cluster_parameter_group_in_use():
    """RDS DeleteDBClusterParameterGroup: keep a group still in use (moto 5.2.5 deletes it).

    AWS: "The DB cluster parameter group can't be associated with any DB clusters";
    InvalidDBParameterGroupStateFault otherwise. A group used by a DB cluster is refused with
    InvalidDBParameterGroupState and kept.
    """
    from moto.rds.exceptions import RDSClientError
    from moto.rds.models import RDSBackend

    if _installed(RDSBackend, "delete_db_cluster_parameter_group"):
        return
    original = RDSBackend.delete_db_cluster_parameter_group

    def delete_db_cluster_parameter_group(self, db_cluster_parameter_group_name):
        name = db_cluster_parameter_group_name.lower()
        if any((cluster.parameter_group or "").lower() == name
               for cluster in self.clusters.values()):
            raise RDSClientError(
                "InvalidDBParameterGroupState",
                f"One or more DB clusters are still members of this parameter group "
                f"{db_cluster_parameter_group_name}, so the group cannot be deleted")
        return original(self, db_cluster_parameter_group_name)

    _install(RDSBackend, delete_db_cluster_parameter_group)


def rds_describe_db_instances_enhanced_monitoring_arn():
    """RDS DescribeDBInstances: the Enhanced Monitoring log stream of a monitored instance.

    AWS: EnhancedMonitoringResourceArn is "the Amazon Resource Name (ARN) of the Amazon
    CloudWatch Logs log stream that receives the Enhanced Monitoring metrics data for the DB
    instance"; RDS writes those metrics to the ``RDSOSMetrics`` log group, one stream per
    instance named by its DbiResourceId. Moto 5.2.5 keeps MonitoringInterval but never answers
    the ARN. The addition answers it whenever the interval is above 0 (after a create or a
    modify alike), and nothing when monitoring is off.
    """
    from moto.rds.models import DBInstance

    installed = DBInstance.__dict__.get("enhanced_monitoring_resource_arn")
    if isinstance(installed, property) and _installed(installed, "fget"):
        return

    def enhanced_monitoring_resource_arn(self):
        if not (getattr(self, "monitoring_interval", None) or 0):
            return None
        return (f"arn:{self.partition}:logs:{self.region}:{self.account_id}:log-group:RDSOSMetrics:"
                f"log-stream:{self.dbi_resource_id}")

    enhanced_monitoring_resource_arn.healthcare_addition = True
    DBInstance.enhanced_monitoring_resource_arn = property(enhanced_monitoring_resource_arn)


RDS_ADDITIONS = [
    rds_describe_db_instances_enhanced_monitoring_arn,
    rds_modify_db_instance_apply_immediately,
    rds_create_db_instance_performance_insights,
    rds_delete_db_instance_final_snapshot,
    rds_delete_db_cluster_final_snapshot,
    rds_delete_db_subnet_group_in_use,
    rds_delete_db_parameter_group_in_use,
    rds_delete_db_cluster_parameter_group_in_use,
    *RDS_PARAMETER_ADDITIONS,
    *RDS_RESET_ADDITIONS,
]
