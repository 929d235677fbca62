"""More CloudWatch Logs additions for the moto launcher: metric filters and retention, as AWS
documents them (the CIS alarms of the account baseline count on them).

Each addition is one function named after the AWS operation it completes, patching moto's Logs
backend idempotently like the launcher's others; ``LOGS_FILTER_ADDITIONS`` lists them.
"""

# AWS: retentionInDays "Possible values are: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365,
# 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, and 3653."
RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192,
                  2557, 2922, 3288, 3653)


try:
    from .moto_patch import install as _install
    from .moto_patch import installed as _installed
except ImportError:  # loaded as a top-level module, as the launcher run as a program does
    from moto_patch import install as _install
    from moto_patch import installed as _installed


def logs_put_metric_filter():
    """CloudWatch Logs PutMetricFilter: create or update the group's filter of that name.

    AWS: "Creates or updates a metric filter and associates it with the specified log group";
    a filter name already in the group is replaced, and a group that does not exist is
    ResourceNotFoundException. Moto 5.2.5 appends a second filter of the same name, and makes
    filters for groups that do not exist.
    """
    from moto.logs.exceptions import ResourceNotFoundException
    from moto.logs.models import LogsBackend

    if _installed(LogsBackend, "put_metric_filter"):
        return
    original = LogsBackend.put_metric_filter

    def put_metric_filter(self, filter_name, filter_pattern, log_group_name, metric_transformations):
        if log_group_name not in self.groups:
            raise ResourceNotFoundException("The specified log group does not exist.")
        self.filters.metric_filters = [
            f for f in self.filters.metric_filters
            if not (f["filterName"] == filter_name and f["logGroupName"] == log_group_name)]
        return original(self, filter_name, filter_pattern, log_group_name, metric_transformations)

    _install(LogsBackend, put_metric_filter)


def logs_delete_metric_filter():
    """CloudWatch Logs DeleteMetricFilter: a group or filter that does not exist is
    ResourceNotFoundException.

    Moto 5.2.5 succeeds silently.
    """
    from moto.logs.exceptions import ResourceNotFoundException
    from moto.logs.models import LogsBackend

    if _installed(LogsBackend, "delete_metric_filter"):
        return
    original = LogsBackend.delete_metric_filter

    def delete_metric_filter(self, filter_name=None, log_group_name=None):
        if log_group_name not in self.groups:
            raise ResourceNotFoundException("The specified log group does not exist.")
        if not any(f["filterName"] == filter_name and f["logGroupName"] == log_group_name
                   for f in self.filters.metric_filters):
            raise ResourceNotFoundException("The specified metric filter does not exist.")
        return original(self, filter_name, log_group_name)

    _install(LogsBackend, delete_metric_filter)


def logs_put_retention_policy():
    """CloudWatch Logs PutRetentionPolicy: only AWS's retention periods.

    AWS takes one of its listed periods (1 to 3653 days) and answers InvalidParameterException
    for any other. Moto 5.2.5 stores any number.
    """
    from moto.logs.exceptions import InvalidParameterException
    from moto.logs.models import LogsBackend

    if _installed(LogsBackend, "put_retention_policy"):
        return
    original = LogsBackend.put_retention_policy

    def put_retention_policy(self, log_group_name, retention_in_days):
        if retention_in_days not in RETENTION_DAYS:
            raise InvalidParameterException(
                constraint=f"Member must satisfy enum value set: {list(RETENTION_DAYS)}",
                parameter="retentionInDays", value=retention_in_days)
        return original(self, log_group_name, retention_in_days)

    _install(LogsBackend, put_retention_policy)


LOGS_FILTER_ADDITIONS = [logs_put_metric_filter, logs_delete_metric_filter, logs_put_retention_policy]
