"""Secrets Manager additions for the moto launcher: a secret's rotation schedule and resource
policy, as AWS documents them.

Each addition is one function named after the AWS operation it completes, patching moto's
Secrets Manager backend, secret or response class idempotently like the launcher's others;
``SECRETSMANAGER_ADDITIONS`` lists them.
"""

import json
import re
import time

# AWS: "You can rotate a secret as often as every four hours"; rate() takes hours or days.
RATE = re.compile(r"^rate\((\d+) (hour|hours|day|days)\)$")
MIN_RATE_HOURS = 4
SECONDS = {"hour": 3600, "hours": 3600, "day": 86400, "days": 86400}


try:
    from .moto_patch import install as _install
    from .moto_patch import installed as _installed
except ImportError:  # loaded as a top-level module, as the launcher run as a program does
    from moto_patch import install as _install
    from moto_patch import installed as _installed


def _check_rules(rules):
    """The RotationRules AWS refuses: both schedules, or an expression it cannot read."""
    from moto.secretsmanager.exceptions import InvalidParameterException

    if "AutomaticallyAfterDays" in rules and "ScheduleExpression" in rules:
        raise InvalidParameterException(
            "You can't specify both AutomaticallyAfterDays and ScheduleExpression in RotationRules.")
    expression = rules.get("ScheduleExpression")
    if expression is None:
        return None
    rate = RATE.match(expression)
    if rate:
        seconds = int(rate.group(1)) * SECONDS[rate.group(2)]
        if seconds < MIN_RATE_HOURS * 3600:
            raise InvalidParameterException("The rotation schedule must be at least four hours apart.")
        return seconds
    if not (expression.startswith("cron(") and expression.endswith(")")):
        raise InvalidParameterException(f"Invalid ScheduleExpression: {expression}")
    return None


def secretsmanager_rotate_secret():
    """Secrets Manager RotateSecret: keep the schedule as sent, and with RotateImmediately false
    rotate nothing.

    AWS keeps RotationRules as given (AutomaticallyAfterDays, or ScheduleExpression with its
    optional Duration, not both: InvalidParameterException), turns rotation on for either
    schedule, and answers NextRotationDate. With RotateImmediately false it only tests the
    rotation function ("The test creates an AWSPENDING version of the secret and then removes
    it"), so no version is added and LastRotatedDate does not move. Moto 5.2.5 drops
    ScheduleExpression and Duration (rotation stays off for a ScheduleExpression), takes both
    schedules, leaves the test's AWSPENDING version behind, sets LastRotatedDate, and changes
    the secret before finding that the function does not exist. The addition checks the
    function first, then lets moto run (which invokes the function; moto_lambda runs a Python
    function in-process), then applies the above. NextRotationDate is computed for AutomaticallyAfterDays
    and rate() schedules; for cron() it is not answered. With RotateImmediately true the
    function's four steps run (moto_lambda.py says what is modelled of a failed step).
    """
    from moto.secretsmanager.exceptions import ResourceNotFoundException
    from moto.secretsmanager.models import SecretsManagerBackend

    if _installed(SecretsManagerBackend, "rotate_secret"):
        return
    original = SecretsManagerBackend.rotate_secret

    def rotate_secret(self, secret_id, client_request_token=None, rotation_lambda_arn=None,
                      rotation_rules=None, rotate_immediately=True):
        rules = dict(rotation_rules or {})
        rate_seconds = _check_rules(rules)
        secret = self.secrets.get(secret_id) if self._is_valid_identifier(secret_id) else None
        if secret is not None and rotation_lambda_arn:
            from moto.awslambda.utils import get_backend

            try:
                get_backend(self.account_id, self.region_name).get_function(rotation_lambda_arn)
            except Exception:
                raise ResourceNotFoundException(f"Resource not found for ARN '{rotation_lambda_arn}'.")
        versions = set(secret.versions) if secret is not None and hasattr(secret, "versions") else set()
        last_rotated = getattr(secret, "last_rotation_date", None)
        answer = original(self, secret_id, client_request_token, rotation_lambda_arn, rotation_rules,
                          rotate_immediately)
        secret = self.secrets[secret_id]
        if rules:
            secret.healthcare_rotation_rules = rules
            secret.rotation_enabled = True
            if rate_seconds is not None:
                secret.next_rotation_date = int(time.time()) + rate_seconds
            elif "ScheduleExpression" in rules:
                secret.next_rotation_date = None
        if not rotate_immediately and secret.rotation_lambda_arn:
            for version_id in set(secret.versions) - versions:
                if secret.versions[version_id]["version_stages"] == ["AWSPENDING"]:
                    del secret.versions[version_id]
            secret.last_rotation_date = last_rotated
        return answer

    _install(SecretsManagerBackend, rotate_secret)


def secretsmanager_describe_secret():
    """Secrets Manager DescribeSecret: answer the rotation schedule as set, and no next date once
    rotation is off.

    AWS answers RotationRules as RotateSecret set them, LastRotatedDate only after a rotation,
    and NextRotationDate null "if the secret isn't configured for rotation or rotation has
    been disabled". Moto 5.2.5 answers AutomaticallyAfterDays only (0 for a ScheduleExpression)
    and keeps NextRotationDate after CancelRotateSecret.
    """
    from moto.secretsmanager.models import FakeSecret

    if _installed(FakeSecret, "to_dict"):
        return
    original = FakeSecret.to_dict

    def to_dict(self):
        desc = original(self)
        rules = getattr(self, "healthcare_rotation_rules", None)
        if rules is not None and "RotationRules" in desc:
            desc["RotationRules"] = dict(rules)
        if not self.rotation_enabled:
            desc.pop("NextRotationDate", None)
        if not desc.get("LastRotatedDate"):
            desc.pop("LastRotatedDate", None)
        return desc

    _install(FakeSecret, to_dict)


def _public_statements(document):
    """The statements that grant access to anyone: Allow, principal "*", no condition."""
    statements = document.get("Statement")
    statements = statements if isinstance(statements, list) else [statements]
    public = []
    for statement in statements:
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow" or statement.get("Condition"):
            continue
        principal = statement.get("Principal")
        if principal == "*" or (isinstance(principal, dict) and "*" in (
                principal.get("AWS") if isinstance(principal.get("AWS"), list) else [principal.get("AWS")])):
            public.append(statement)
    return public


def _policy(text):
    from moto.secretsmanager.exceptions import SecretsManagerClientError

    try:
        document = json.loads(text or "")
    except ValueError:
        document = None
    if not isinstance(document, dict) or "Statement" not in document:
        raise SecretsManagerClientError("MalformedPolicyDocumentException",
                                        "This resource policy contains a syntax error.")
    return document


def secretsmanager_put_resource_policy():
    """Secrets Manager PutResourcePolicy: refuse a malformed policy, and a public one under
    BlockPublicPolicy.

    AWS answers MalformedPolicyDocumentException for a policy with syntax errors and, with
    BlockPublicPolicy true, PublicPolicyException for a policy that grants broad access.
    Moto 5.2.5 stores anything. The emulator counts as broad an Allow statement for principal
    "*" without a condition; AWS's own analysis (Zelkova) looks further.
    """
    from moto.secretsmanager.exceptions import SecretsManagerClientError
    from moto.secretsmanager.responses import SecretsManagerResponse

    if _installed(SecretsManagerResponse, "put_resource_policy"):
        return
    original = SecretsManagerResponse.put_resource_policy

    def put_resource_policy(self):
        document = _policy(self._get_param("ResourcePolicy"))
        if self._get_param("BlockPublicPolicy") and _public_statements(document):
            raise SecretsManagerClientError(
                "PublicPolicyException",
                "BlockPublicPolicy is set and the resource policy grants broad access to the secret.")
        return original(self)

    _install(SecretsManagerResponse, put_resource_policy)


def secretsmanager_validate_resource_policy():
    """Secrets Manager ValidateResourcePolicy: check a policy's syntax and breadth (moto 5.2.5:
    HTTP 500).

    AWS answers MalformedPolicyDocumentException for syntax errors, ResourceNotFoundException
    for a SecretId that does not exist, and PolicyValidationPassed false with ValidationErrors
    for a policy that grants broad access, as judged under "public" for PutResourcePolicy.
    """
    from moto.secretsmanager.exceptions import SecretNotFoundException
    from moto.secretsmanager.responses import SecretsManagerResponse

    if _installed(SecretsManagerResponse, "validate_resource_policy"):
        return

    def validate_resource_policy(self):
        secret_id = self._get_param("SecretId")
        if secret_id and not self.backend._is_valid_identifier(secret_id):
            raise SecretNotFoundException()
        public = _public_statements(_policy(self._get_param("ResourcePolicy")))
        errors = [{"ErrorMessage": "The resource policy grants broad access to the secret."}] if public else []
        return json.dumps({"PolicyValidationPassed": not public, "ValidationErrors": errors})

    _install(SecretsManagerResponse, validate_resource_policy)


SECRETSMANAGER_ADDITIONS = [secretsmanager_rotate_secret, secretsmanager_describe_secret,
                            secretsmanager_put_resource_policy, secretsmanager_validate_resource_policy]
