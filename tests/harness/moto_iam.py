"""IAM additions for the moto launcher: AWS managed policies, as AWS has them.

Each addition is one function named after what it completes, patching moto's IAM backend
idempotently like the launcher's others; ``IAM_ADDITIONS`` lists them.
"""

import json
import re

try:
    from .moto_patch import installed as _installed
except ImportError:  # loaded as a top-level module, as the launcher run as a program does
    from moto_patch import installed as _installed

_AWS_POLICY = re.compile(r"^arn:[a-z-]+:iam::aws:policy/(?:.*/)?([^/]+)$")
_DATA = {}


def _aws_policy(backend, policy_arn):
    """Make the AWS managed policy named by ``policy_arn`` known to the account's backend, from
    moto's copy of AWS's policies, when it is one and is not known yet."""
    from moto.iam.aws_managed_policies import aws_managed_policies_data
    from moto.iam.models import AWSManagedPolicy

    match = _AWS_POLICY.match(policy_arn or "")
    if not match or policy_arn in backend.managed_policies:
        return
    if not _DATA:
        _DATA.update(json.loads(aws_managed_policies_data))
    data = _DATA.get(match.group(1))
    if data is None:
        return
    policy = AWSManagedPolicy.from_data(match.group(1), backend.account_id, backend.region_name, data)
    if policy.arn == policy_arn:
        backend.managed_policies[policy.arn] = policy
        backend.aws_managed_policies.append(policy)


def iam_aws_managed_policies():
    """IAM AttachRolePolicy, DetachRolePolicy, GetPolicy and GetPolicyVersion: AWS's managed
    policies exist (moto 5.2.5 loads none unless told to load all of them, which costs every
    account's IAM a second).

    AWS: "AWS managed policies ... are created and administered by AWS", in every account,
    under ``arn:aws:iam::aws:policy/``. The addition makes each one known to an account the
    first time one of these operations names it, from moto's own copy of AWS's policies.
    """
    from moto.iam.models import IAMBackend

    # GetPolicyVersion reads the policy through get_policy.
    for name, arn_at in (("attach_role_policy", 0), ("detach_role_policy", 0), ("get_policy", 0)):
        if _installed(IAMBackend, name):
            continue
        original = getattr(IAMBackend, name)

        def call(self, *args, _original=original, _at=arn_at, **kwargs):
            arn = kwargs.get("policy_arn", args[_at] if len(args) > _at else None)
            _aws_policy(self, arn)
            return _original(self, *args, **kwargs)

        call.healthcare_addition = True
        call.__name__ = name
        setattr(IAMBackend, name, call)


IAM_ADDITIONS = (iam_aws_managed_policies,)
