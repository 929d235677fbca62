"""RDS parameter group reset additions for the moto launcher.

Moto 5.2.5 has neither ResetDBParameterGroup nor ResetDBClusterParameterGroup (it answers
HTTP 500). Each addition is one function named after the AWS operation, patching moto's RDS
response class idempotently like the others; ``RDS_RESET_ADDITIONS`` lists them.
"""

if __package__:
    from .moto_rds_parameters import (_install, _installed, _mark_cluster_members_pending,
                                      _refuse_immediate_static)
else:  # run as a program, with tests/harness first on sys.path
    from moto_rds_parameters import (_install, _installed, _mark_cluster_members_pending,
                                     _refuse_immediate_static)


def _reset(params, group, family, mark_pending):
    """Drops the user's values of the named parameters (all of them with ResetAllParameters).

    A static parameter with ApplyMethod "immediate" is refused first, as modify refuses it;
    a "pending-reboot" reset calls ``mark_pending`` for the instances to report it.
    """
    from moto.rds.exceptions import InvalidParameterCombination

    listed = params.get("Parameters", [])
    if params.get("ResetAllParameters"):
        names = list(group.parameters)
    else:
        if not listed:
            raise InvalidParameterCombination(
                "Parameters must be specified unless ResetAllParameters is true")
        _refuse_immediate_static(family, listed)
        names = [parameter.get("ParameterName") for parameter in listed]
    for name in names:
        group.parameters.pop(name, None)
    if any(parameter.get("ApplyMethod") == "pending-reboot" for parameter in listed):
        mark_pending()


def rds_reset_db_parameter_group():
    """RDS ResetDBParameterGroup: return parameters to their engine defaults.

    AWS: "Modifies the parameters of a DB parameter group to the engine/system default value.
    To reset specific parameters, provide a list of the following: ParameterName and
    ApplyMethod. To reset the entire DB parameter group, specify the DBParameterGroup name and
    ResetAllParameters parameters." The answer is the group's name; an unknown group is
    DBParameterGroupNotFound. After it DescribeDBParameters no longer lists the parameters as
    "user". A static parameter reset with "immediate" is refused with
    InvalidParameterCombination; a "pending-reboot" reset leaves the instances using the
    group "pending-reboot", as ModifyDBParameterGroup does.
    """
    from moto.core.responses import ActionResult
    from moto.rds.exceptions import DBParameterGroupNotFoundError
    from moto.rds.responses import RDSResponse

    if _installed(RDSResponse, "reset_db_parameter_group"):
        return

    def reset_db_parameter_group(self):
        name = self.params.get("DBParameterGroupName")
        groups = self.backend.describe_db_parameter_groups({"db_parameter_group_name": name})
        if not groups:
            raise DBParameterGroupNotFoundError(name)
        group = groups[0]

        def mark_pending():
            for database in self.backend.databases.values():
                if group in database.db_parameter_groups():
                    database.parameter_apply_status = "pending-reboot"

        _reset(self.params, group, group.family, mark_pending)
        return ActionResult({"DBParameterGroupName": group.name})

    _install(RDSResponse, reset_db_parameter_group)


def rds_reset_db_cluster_parameter_group():
    """RDS ResetDBClusterParameterGroup: the same for a cluster parameter group.

    AWS documents it as ResetDBParameterGroup for clusters; the answer is
    {DBClusterParameterGroupName}; an unknown group is DBParameterGroupNotFound. A
    "pending-reboot" reset leaves the members of the clusters using the group
    "pending-reboot", as ModifyDBClusterParameterGroup does.
    """
    from moto.core.responses import ActionResult
    from moto.rds.exceptions import DBClusterParameterGroupNotFoundError
    from moto.rds.responses import RDSResponse

    if _installed(RDSResponse, "reset_db_cluster_parameter_group"):
        return

    def reset_db_cluster_parameter_group(self):
        name = self.params.get("DBClusterParameterGroupName")
        group = self.backend.db_cluster_parameter_groups.get(name)
        if group is None:
            raise DBClusterParameterGroupNotFoundError(name)
        _reset(self.params, group, group.db_parameter_group_family,
               lambda: _mark_cluster_members_pending(self.backend, group.name))
        return ActionResult({"DBClusterParameterGroupName": group.name})

    _install(RDSResponse, reset_db_cluster_parameter_group)


RDS_RESET_ADDITIONS = [rds_reset_db_parameter_group, rds_reset_db_cluster_parameter_group]
