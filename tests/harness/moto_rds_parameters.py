"""RDS parameter group additions for the moto launcher: engine defaults, apply types, reboots.

Each addition is one function named after the AWS operation it completes, patching moto's
RDS backend, model or response class (idempotently, like the launcher's own additions).
Moto 5.2.5 knows only the parameters a user set, without their apply type; the additions
add a small table of PostgreSQL engine defaults (``ENGINE_DEFAULT_PARAMETERS``), refuse what
AWS refuses for static parameters, and report when an instance, or a member of an Aurora
cluster, waits for a reboot to take a parameter group's changes. ``RDS_PARAMETER_ADDITIONS``
lists them for ``moto_rds.py``.
"""

import bisect

# AWS: MaxRecords "Default: 100. Constraints: Minimum 20, maximum 100."
MAX_RECORDS_DEFAULT, MAX_RECORDS_MIN, MAX_RECORDS_MAX = 100, 20, 100


try:
    from .moto_patch import install as _install
    from .moto_patch import installed as _installed
except ImportError:  # loaded as a top-level module, as the launcher run as a program does
    from moto_patch import install as _install
    from moto_patch import installed as _installed


def _family_defaults(force_ssl):
    """A few engine-default parameters of an RDS or Aurora PostgreSQL family, as RDS lists them
    in the family's default parameter group (a formula or nothing when the engine decides).

    ApplyType is AWS's: "static" parameters need a reboot, "dynamic" ones apply at once, the
    same in every family from 13 to 17. rds.force_ssl defaults to 1 on RDS for PostgreSQL 15
    and later ("0" on 13 and 14), and on Aurora PostgreSQL 17 and later ("0" on 13 to 16), as
    the RDS and Aurora user guides say.
    """
    parameters = {
        "log_connections": ("0", "dynamic"),
        "log_disconnections": ("0", "dynamic"),
        "log_min_duration_statement": ("-1", "dynamic"),
        "max_connections": ("LEAST({DBInstanceClassMemory/9531392},5000)", "static"),
        "pgaudit.log": (None, "dynamic"),
        "rds.force_ssl": (force_ssl, "dynamic"),
        "rds.log_retention_period": ("4320", "dynamic"),
        "shared_preload_libraries": ("pg_stat_statements", "static"),
        "work_mem": (None, "dynamic"),
    }
    return {name: {key: value for key, value in (
        ("ParameterName", name), ("ParameterValue", default), ("Source", "engine-default"),
        ("ApplyType", apply_type), ("IsModifiable", True)) if value is not None}
        for name, (default, apply_type) in parameters.items()}


ENGINE_DEFAULT_PARAMETERS = {
    **{f"postgres{major}": _family_defaults("1" if major >= 15 else "0")
       for major in range(13, 18)},
    **{f"aurora-postgresql{major}": _family_defaults("1" if major >= 17 else "0")
       for major in range(13, 18)},
}


class _AdditionProperty(property):
    """A property installed by an addition (carries the ``healthcare_addition`` marker)."""

    healthcare_addition = True


def _parameters_page(params, family, user_parameters):
    """DescribeDBParameters' answer: the family's defaults with the user's values over them.

    A user value keeps the default's ApplyType and IsModifiable, with Source "user"; Source
    filters by source ("user", "engine-default" or "system"); Marker and MaxRecords page
    through the list, sorted by name.
    """
    from moto.core.responses import ActionResult
    from moto.rds.exceptions import InvalidParameterValue

    defaults = ENGINE_DEFAULT_PARAMETERS.get(family, {})
    merged = {name: dict(parameter) for name, parameter in defaults.items()}
    for name, values in user_parameters.items():
        merged[name] = {**defaults.get(name, {}), **values, "ParameterName": name,
                        "Source": "user"}
    source = params.get("Source")
    listed = sorted((parameter for parameter in merged.values()
                     if source in (None, parameter["Source"])),
                    key=lambda parameter: parameter["ParameterName"])
    max_records = params.get("MaxRecords") or MAX_RECORDS_DEFAULT
    if not MAX_RECORDS_MIN <= max_records <= MAX_RECORDS_MAX:
        raise InvalidParameterValue(
            f"Invalid value {max_records} for MaxRecords. Must be between {MAX_RECORDS_MIN} "
            f"and {MAX_RECORDS_MAX}")
    names = [parameter["ParameterName"] for parameter in listed]
    start = bisect.bisect_left(names, params.get("Marker") or "")
    end = start + max_records
    return ActionResult({"Parameters": listed[start:end],
                         "Marker": names[end] if end < len(names) else None})


def rds_describe_db_parameters_engine_defaults():
    """RDS DescribeDBParameters: list the engine defaults too, with their ApplyType.

    AWS: "Returns the detailed parameter list for a particular DB parameter group"; Source is
    "the parameter types to return. Default: All parameter types returned". Moto 5.2.5 lists
    only the parameters a user set, without ApplyType. The addition lists the group family's
    ``ENGINE_DEFAULT_PARAMETERS`` (Source "engine-default") merged with the user's values
    (Source "user", ApplyType from the table when it knows the parameter), filtered by Source
    and paged by Marker/MaxRecords. An unknown group is still DBParameterGroupNotFound.
    """
    from moto.rds.exceptions import DBParameterGroupNotFoundError
    from moto.rds.responses import RDSResponse

    if _installed(RDSResponse, "describe_db_parameters"):
        return

    def describe_db_parameters(self):
        name = self.params.get("DBParameterGroupName")
        groups = self.backend.describe_db_parameter_groups({"db_parameter_group_name": name})
        if not groups:
            raise DBParameterGroupNotFoundError(name)
        return _parameters_page(self.params, groups[0].family, groups[0].parameters)

    _install(RDSResponse, describe_db_parameters)


def rds_describe_db_cluster_parameters_engine_defaults():
    """RDS DescribeDBClusterParameters: list the engine defaults too, with their ApplyType.

    AWS: "Returns the detailed parameter list for a particular DB cluster parameter group",
    every source by default. As for DescribeDBParameters, the family's (aurora-postgresql*)
    ``ENGINE_DEFAULT_PARAMETERS`` are merged with the user's values, filtered by Source and
    paged by Marker/MaxRecords. An unknown group is still DBParameterGroupNotFound.
    """
    from moto.rds.responses import RDSResponse

    if _installed(RDSResponse, "describe_db_cluster_parameters"):
        return

    def describe_db_cluster_parameters(self):
        [group] = self.backend.describe_db_cluster_parameter_groups(
            group_name=self.params.get("DBClusterParameterGroupName"))
        return _parameters_page(self.params, group.db_parameter_group_family, group.parameters)

    _install(RDSResponse, describe_db_cluster_parameters)


def _refuse_immediate_static(family, parameters):
    """InvalidParameterCombination when a static parameter of the family is to apply now."""
    from moto.rds.exceptions import InvalidParameterCombination

    defaults = ENGINE_DEFAULT_PARAMETERS.get(family, {})
    for parameter in parameters:
        known = defaults.get(parameter.get("ParameterName"), {})
        if parameter.get("ApplyMethod") == "immediate" and known.get("ApplyType") == "static":
            raise InvalidParameterCombination(
                "cannot use immediate apply method for static parameter")


def rds_modify_db_parameter_group_apply_method():
    """RDS ModifyDBParameterGroup: refuse ApplyMethod "immediate" for a static parameter.

    AWS: "Changes to dynamic parameters are applied immediately. Changes to static parameters
    require a reboot without failover to the DB instance associated with the parameter group
    before the change can take effect", and "You can use the immediate value with dynamic
    parameters only". Such a request is refused with InvalidParameterCombination ("cannot
    use immediate apply method for static parameter"), nothing changed; moto 5.2.5 accepts
    it. The apply types are ``ENGINE_DEFAULT_PARAMETERS``'; other parameters are unchecked.
    """
    from moto.rds.responses import RDSResponse

    if _installed(RDSResponse, "modify_db_parameter_group"):
        return
    original = RDSResponse.modify_db_parameter_group

    def modify_db_parameter_group(self):
        groups = self.backend.describe_db_parameter_groups(
            {"db_parameter_group_name": self.params.get("DBParameterGroupName")})
        if groups:
            _refuse_immediate_static(groups[0].family, self.params.get("Parameters", []))
        return original(self)

    _install(RDSResponse, modify_db_parameter_group)


def rds_modify_db_cluster_parameter_group_apply_method():
    """RDS ModifyDBClusterParameterGroup: refuse ApplyMethod "immediate" for a static parameter.

    As for ModifyDBParameterGroup, with the aurora-postgresql families of
    ``ENGINE_DEFAULT_PARAMETERS``: InvalidParameterCombination, nothing changed.
    """
    from moto.rds.responses import RDSResponse

    if _installed(RDSResponse, "modify_db_cluster_parameter_group"):
        return
    original = RDSResponse.modify_db_cluster_parameter_group

    def modify_db_cluster_parameter_group(self):
        group = self.backend.db_cluster_parameter_groups.get(
            self.params.get("DBClusterParameterGroupName"))
        if group is not None:
            _refuse_immediate_static(group.db_parameter_group_family,
                                     self.params.get("Parameters", []))
        return original(self)

    _install(RDSResponse, modify_db_cluster_parameter_group)


def rds_reboot_db_instance_parameter_apply_status():
    """RDS RebootDBInstance: apply the parameter group changes that wait for a reboot.

    AWS: "You might need to reboot your DB instance, usually for maintenance reasons. For
    example, if you make certain modifications, or if you change the DB parameter group
    associated with the DB instance, you must reboot the instance for the changes to take
    effect"; until then DBParameterGroups shows ParameterApplyStatus "pending-reboot". Moto
    5.2.5 always says "in-sync". Now a ModifyDBParameterGroup with ApplyMethod
    "pending-reboot" puts every instance using the group in "pending-reboot", as does a
    ModifyDBInstance giving the instance another DBParameterGroupName ("the actual parameter
    changes are not applied until you reboot the instance without failover");
    RebootDBInstance brings it back to
    "in-sync". Immediate changes leave it "in-sync".
    """
    from moto.rds.models import DBInstance, RDSBackend
    from moto.rds.responses import RDSResponse

    if _installed(RDSBackend, "reboot_db_instance"):
        return
    original_reboot = RDSBackend.reboot_db_instance
    original_modify_group = RDSBackend.modify_db_parameter_group
    original_modify_instance = RDSResponse.modify_db_instance

    def db_parameter_group_status_list(self):
        status = getattr(self, "parameter_apply_status", "in-sync")
        return [{"DBParameterGroupName": group.name, "ParameterApplyStatus": status}
                for group in self.db_parameter_groups()]

    def modify_db_parameter_group(self, db_parameter_group_name, db_parameter_group_parameters):
        parameters = list(db_parameter_group_parameters)
        group = original_modify_group(self, db_parameter_group_name, parameters)
        if any(parameter.get("ApplyMethod") == "pending-reboot" for parameter in parameters):
            for database in self.databases.values():
                if group in database.db_parameter_groups():
                    database.parameter_apply_status = "pending-reboot"
        return group

    def modify_db_instance(self):
        [database] = self.backend.describe_db_instances(self.params.get("DBInstanceIdentifier"))
        before = [group.name for group in database.db_parameter_groups()]
        result = original_modify_instance(self)
        name = self.params.get("DBParameterGroupName")
        if name and name.lower() not in before:
            database.parameter_apply_status = "pending-reboot"
        return result

    def reboot_db_instance(self, db_instance_identifier):
        database = original_reboot(self, db_instance_identifier)
        database.parameter_apply_status = "in-sync"
        return database

    DBInstance.db_parameter_group_status_list = _AdditionProperty(db_parameter_group_status_list)
    _install(RDSBackend, modify_db_parameter_group)
    _install(RDSResponse, modify_db_instance)
    _install(RDSBackend, reboot_db_instance)


# Aurora PostgreSQL versions from which a reboot of the writer no longer reboots the readers
# ("read availability"), by major; every later major has it, PostgreSQL 11 never.
READ_AVAILABILITY_FROM = {11: None, 12: (12, 14), 13: (13, 10), 14: (14, 7), 15: (15, 2)}


def _version(text):
    """(major, minor) of an engine version such as "16.4", or None."""
    try:
        major, minor, *_ = f"{text}.0".split(".")
        return int(major), int(minor)
    except (TypeError, ValueError):
        return None


def _writer_reboots_readers(cluster):
    """True when rebooting the cluster's writer reboots its readers too (Aurora PostgreSQL)."""
    version = _version(cluster.engine_version)
    if cluster.engine != "aurora-postgresql" or version is None:
        return False
    if version[0] not in READ_AVAILABILITY_FROM:
        return version[0] < min(READ_AVAILABILITY_FROM)
    since = READ_AVAILABILITY_FROM[version[0]]
    return since is None or version < since


def _mark_cluster_members_pending(backend, group_name):
    """Every member of the DB clusters using the cluster parameter group waits for a reboot."""
    for cluster in backend.clusters.values():
        if cluster.parameter_group.lower() == group_name.lower():
            for member in cluster.members:
                member.cluster_parameter_apply_status = "pending-reboot"


def rds_reboot_db_instance_cluster_parameter_apply_status():
    """RDS RebootDBInstance: apply the DB cluster parameter changes that wait for a reboot.

    AWS: DBClusterMember's DBClusterParameterGroupStatus is "the status of the DB cluster
    parameter group for this member of the DB cluster"; static parameters of an Aurora DB
    cluster parameter group take effect when the DB instances reboot, until which the member
    says "pending-reboot". Moto 5.2.5 always says "in-sync". Now a
    ModifyDBClusterParameterGroup with ApplyMethod "pending-reboot" puts every member of the
    clusters using the group in "pending-reboot", and RebootDBInstance brings a member back to
    "in-sync". The Aurora user guide's reboot rules are kept: with "read availability"
    (Aurora PostgreSQL 12.14, 13.10, 14.7, 15.2 and later) each instance reboots on its own;
    before it, "rebooting the writer DB instance also initiates a reboot for each reader DB
    instance in the cluster". Immediate changes leave members "in-sync".
    """
    from moto.rds.models import DBCluster, RDSBackend

    if _installed(DBCluster, "db_cluster_members"):
        return
    original_members = DBCluster.db_cluster_members
    original_modify_group = RDSBackend.modify_db_cluster_parameter_group
    original_reboot = RDSBackend.reboot_db_instance

    def db_cluster_members(self):
        members = original_members.fget(self)
        status = {member.db_instance_identifier: getattr(
            member, "cluster_parameter_apply_status", "in-sync") for member in self.members}
        for member in members:
            member["DBClusterParameterGroupStatus"] = status[member["DBInstanceIdentifier"]]
        return members

    def modify_db_cluster_parameter_group(self, db_cluster_parameter_group_name,
                                          db_cluster_parameter_group_parameters):
        parameters = list(db_cluster_parameter_group_parameters)
        group = original_modify_group(self, db_cluster_parameter_group_name, parameters)
        if any(parameter.get("ApplyMethod") == "pending-reboot" for parameter in parameters):
            _mark_cluster_members_pending(self, group.name)
        return group

    def reboot_db_instance(self, db_instance_identifier):
        database = original_reboot(self, db_instance_identifier)
        cluster = getattr(database, "cluster", None)
        rebooted = [database]
        if cluster is not None and database.is_cluster_writer and _writer_reboots_readers(
                cluster):
            rebooted = cluster.members
        for member in rebooted:
            member.cluster_parameter_apply_status = "in-sync"
        return database

    DBCluster.db_cluster_members = _AdditionProperty(db_cluster_members)
    _install(RDSBackend, modify_db_cluster_parameter_group)
    _install(RDSBackend, reboot_db_instance)


RDS_PARAMETER_ADDITIONS = [
    rds_describe_db_parameters_engine_defaults,
    rds_describe_db_cluster_parameters_engine_defaults,
    rds_modify_db_parameter_group_apply_method,
    rds_modify_db_cluster_parameter_group_apply_method,
    rds_reboot_db_instance_parameter_apply_status,
    rds_reboot_db_instance_cluster_parameter_apply_status,
]
