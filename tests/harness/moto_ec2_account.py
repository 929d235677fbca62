"""EC2 account settings for the moto launcher: the Region's instance metadata defaults and block
public access for EBS snapshots and AMIs, as AWS documents them.

Moto 5.2.5 has none of the nine operations (HTTP 500). Each addition is one function named after
the AWS operations it adds, installed on moto's EC2 response class idempotently like the
launcher's others; ``EC2_ACCOUNT_ADDITIONS`` lists them. Each setting is the Region's, kept on
its EC2 backend (one per account and Region), as AWS keeps it.
"""

try:
    from .moto_patch import install as _install
    from .moto_patch import installed as _installed
except ImportError:  # loaded as a top-level module, as the launcher run as a program does
    from moto_patch import install as _install
    from moto_patch import installed as _installed

# The instance metadata defaults, as ModifyInstanceMetadataDefaults names them. AWS answers
# only those set; "no-preference" (and -1 for the hop limit) clears one.
METADATA_DEFAULTS = ("HttpTokens", "HttpPutResponseHopLimit", "HttpEndpoint", "InstanceMetadataTags")
METADATA_VALUES = {"HttpTokens": ("optional", "required"), "HttpEndpoint": ("disabled", "enabled"),
                   "InstanceMetadataTags": ("disabled", "enabled")}
SNAPSHOT_STATES = ("block-all-sharing", "block-new-sharing")
IMAGE_STATES = ("block-new-sharing",)
UNBLOCKED = "unblocked"


def _error(code, message):
    from moto.ec2.exceptions import EC2ClientError

    return EC2ClientError(code, message)


def _settings(backend):
    if not hasattr(backend, "healthcare_account_settings"):
        backend.healthcare_account_settings = {"metadata": {}, "snapshots": UNBLOCKED,
                                               "images": UNBLOCKED}
    return backend.healthcare_account_settings


def ec2_instance_metadata_defaults():
    """EC2 GetInstanceMetadataDefaults and ModifyInstanceMetadataDefaults.

    AWS: the account's defaults for new instances in the Region; ModifyInstanceMetadataDefaults
    sets the ones given ("no-preference", or -1 for the hop limit, clears one), answers
    ``Return: true``, and refuses a value outside the allowed ones and a hop limit outside 1 to
    64 with InvalidParameterValue; GetInstanceMetadataDefaults answers the ones set under
    ``AccountLevel``.
    """
    from moto.core.responses import ActionResult
    from moto.ec2.responses import EC2Response

    if _installed(EC2Response, "get_instance_metadata_defaults"):
        return

    def get_instance_metadata_defaults(self):
        self.error_on_dryrun()
        return ActionResult({"AccountLevel": dict(_settings(self.ec2_backend)["metadata"])})

    def modify_instance_metadata_defaults(self):
        self.error_on_dryrun()
        given = {name: self._get_param(name) for name in METADATA_DEFAULTS}
        for name, value in given.items():
            if value is None or value == "no-preference" or (name == "HttpPutResponseHopLimit"
                                                               and str(value) == "-1"):
                continue
            if name == "HttpPutResponseHopLimit":
                if not str(value).isdigit() or not 1 <= int(value) <= 64:
                    raise _error("InvalidParameterValue",
                                 f"Value ({value}) for parameter HttpPutResponseHopLimit is invalid.")
            elif value not in METADATA_VALUES[name]:
                raise _error("InvalidParameterValue", f"Value ({value}) for parameter {name} is invalid.")
        defaults = _settings(self.ec2_backend)["metadata"]
        for name, value in given.items():
            if value is None:
                continue
            if value == "no-preference" or (name == "HttpPutResponseHopLimit" and str(value) == "-1"):
                defaults.pop(name, None)
            else:
                defaults[name] = int(value) if name == "HttpPutResponseHopLimit" else value
        return ActionResult({"Return": True})

    _install(EC2Response, get_instance_metadata_defaults)
    _install(EC2Response, modify_instance_metadata_defaults)


def ec2_snapshot_block_public_access():
    """EC2 EnableSnapshotBlockPublicAccess, DisableSnapshotBlockPublicAccess and
    GetSnapshotBlockPublicAccessState.

    AWS: the Region's block public access for EBS snapshots, ``block-all-sharing`` or
    ``block-new-sharing`` (anything else: InvalidParameterValue), ``unblocked`` once disabled
    and in an account that never set it; each call answers the state, Get with
    ``ManagedBy: account``.
    """
    from moto.core.responses import ActionResult
    from moto.ec2.responses import EC2Response

    if _installed(EC2Response, "get_snapshot_block_public_access_state"):
        return

    def enable_snapshot_block_public_access(self):
        self.error_on_dryrun()
        state = self._get_param("State")
        if state not in SNAPSHOT_STATES:
            raise _error("InvalidParameterValue", f"Value ({state}) for parameter State is invalid.")
        _settings(self.ec2_backend)["snapshots"] = state
        return ActionResult({"State": state})

    def disable_snapshot_block_public_access(self):
        self.error_on_dryrun()
        _settings(self.ec2_backend)["snapshots"] = UNBLOCKED
        return ActionResult({"State": UNBLOCKED})

    def get_snapshot_block_public_access_state(self):
        self.error_on_dryrun()
        return ActionResult({"State": _settings(self.ec2_backend)["snapshots"], "ManagedBy": "account"})

    _install(EC2Response, enable_snapshot_block_public_access)
    _install(EC2Response, disable_snapshot_block_public_access)
    _install(EC2Response, get_snapshot_block_public_access_state)


def ec2_image_block_public_access():
    """EC2 EnableImageBlockPublicAccess, DisableImageBlockPublicAccess and
    GetImageBlockPublicAccessState.

    AWS: the Region's block public access for AMIs, ``block-new-sharing`` the only state to
    enable (anything else: InvalidParameterValue), ``unblocked`` once disabled; each call
    answers the state, Get with ``ManagedBy: account``.
    """
    from moto.core.responses import ActionResult
    from moto.ec2.responses import EC2Response

    if _installed(EC2Response, "get_image_block_public_access_state"):
        return

    def enable_image_block_public_access(self):
        self.error_on_dryrun()
        state = self._get_param("ImageBlockPublicAccessState")
        if state not in IMAGE_STATES:
            raise _error("InvalidParameterValue",
                         f"Value ({state}) for parameter ImageBlockPublicAccessState is invalid.")
        _settings(self.ec2_backend)["images"] = state
        return ActionResult({"ImageBlockPublicAccessState": state})

    def disable_image_block_public_access(self):
        self.error_on_dryrun()
        _settings(self.ec2_backend)["images"] = UNBLOCKED
        return ActionResult({"ImageBlockPublicAccessState": UNBLOCKED})

    def get_image_block_public_access_state(self):
        self.error_on_dryrun()
        return ActionResult({"ImageBlockPublicAccessState": _settings(self.ec2_backend)["images"],
                             "ManagedBy": "account"})

    _install(EC2Response, enable_image_block_public_access)
    _install(EC2Response, disable_image_block_public_access)
    _install(EC2Response, get_image_block_public_access_state)


EC2_ACCOUNT_ADDITIONS = (ec2_instance_metadata_defaults, ec2_snapshot_block_public_access,
                         ec2_image_block_public_access)
