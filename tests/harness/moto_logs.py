"""CloudWatch Logs additions for the moto launcher: a log group's KMS key, as AWS documents it.

Moto 5.2.5 keeps the key a group is created with but has neither AssociateKmsKey nor
DisassociateKmsKey (HTTP 500). Each addition is one function named after the AWS operation,
patching moto's Logs response class idempotently like the launcher's others;
``LOGS_ADDITIONS`` lists them.
"""


try:
    from .moto_patch import install as _install
    from .moto_patch import installed as _installed
except ImportError:  # loaded as a top-level module, as the launcher run as a program does
    from moto_patch import install as _install
    from moto_patch import installed as _installed


def _group(response):
    from moto.logs.exceptions import InvalidParameterException, ResourceNotFoundException

    name = response._get_param("logGroupName")
    if not name:
        # AWS takes logGroupName or resourceIdentifier; the provider always names the group.
        raise InvalidParameterException("logGroupName is required.")
    group = response.logs_backend.groups.get(name)
    if group is None:
        raise ResourceNotFoundException()
    return group


def logs_associate_kms_key():
    """CloudWatch Logs AssociateKmsKey: encrypt a log group's new data with a key.

    AWS: "Associates the specified KMS key with ... the specified log group", after which
    newly ingested data is encrypted with it (data already there stays under the key it was
    written with), and DescribeLogGroups answers the key as kmsKeyId. A group that does not
    exist is ResourceNotFoundException. Moto does not check the key, as at create.
    """
    from moto.logs.responses import LogsResponse

    if _installed(LogsResponse, "associate_kms_key"):
        return

    def associate_kms_key(self):
        _group(self).kms_key_id = self._get_param("kmsKeyId")
        return ""

    _install(LogsResponse, associate_kms_key)


def logs_disassociate_kms_key():
    """CloudWatch Logs DisassociateKmsKey: stop encrypting a log group's new data with its key.

    AWS: "Disassociates the specified KMS key from the specified log group"; newly ingested
    data is no longer encrypted with it, and DescribeLogGroups answers no kmsKeyId. A group
    that does not exist is ResourceNotFoundException.
    """
    from moto.logs.responses import LogsResponse

    if _installed(LogsResponse, "disassociate_kms_key"):
        return

    def disassociate_kms_key(self):
        _group(self).kms_key_id = None
        return ""

    _install(LogsResponse, disassociate_kms_key)


LOGS_ADDITIONS = [logs_associate_kms_key, logs_disassociate_kms_key]
