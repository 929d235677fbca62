"""S3 additions for the moto launcher: Object Lock, bucket policies and access logging, as AWS
documents them for the account baseline's log buckets.

Each addition is one function named after the AWS operation it completes, patching moto's S3
backend, bucket or response class idempotently like the launcher's others; ``S3_ADDITIONS``
lists them.
"""

import json

# AWS: a statement whose condition tests aws:SecureTransport is met or not by the request's
# transport. Every SDK request to AWS's own endpoints uses TLS, so the emulator's plain-HTTP
# loopback endpoint stands for TLS here.
SECURE_TRANSPORT = "aws:securetransport"
LOGGING_SERVICE = "logging.s3.amazonaws.com"


try:
    from .moto_patch import install as _install
    from .moto_patch import installed as _installed
except ImportError:  # loaded as a top-level module, as the launcher run as a program does
    from moto_patch import install as _install
    from moto_patch import installed as _installed


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _error(code, message):
    from moto.s3.exceptions import S3ClientError

    return S3ClientError(code, message)


def s3_put_bucket_versioning_object_lock():
    """S3 PutBucketVersioning: keep versioning on a bucket with Object Lock.

    AWS: once a bucket has Object Lock, it cannot be disabled "or suspend versioning for the
    bucket"; the request is refused with InvalidBucketState. Moto 5.2.5 suspends it.
    """
    from moto.s3.models import S3Backend

    if _installed(S3Backend, "put_bucket_versioning"):
        return
    original = S3Backend.put_bucket_versioning

    def put_bucket_versioning(self, bucket_name, status):
        bucket = self.get_bucket(bucket_name)
        if bucket.object_lock_enabled and status != "Enabled":
            raise _error("InvalidBucketState",
                         "An Object Lock configuration is present on this bucket, so the "
                         "versioning state cannot be changed.")
        return original(self, bucket_name, status)

    _install(S3Backend, put_bucket_versioning)


def _default_retention(body):
    """The DefaultRetention element of a PutObjectLockConfiguration body, or None."""
    import xmltodict

    try:
        config = xmltodict.parse(body).get("ObjectLockConfiguration") or {}
    except Exception:  # moto's own parser answers a malformed body
        return None
    rule = config.get("Rule") or {}
    return rule.get("DefaultRetention") if isinstance(rule, dict) else None


def s3_put_object_lock_configuration():
    """S3 PutObjectLockConfiguration: a default retention needs one positive period, and the
    bucket may already hold objects.

    AWS: "The DefaultRetention settings require both a mode and a period", the period being
    Days or Years but not both (MalformedXML otherwise); a period of 0 is InvalidArgument
    "Default retention period must be a positive integer value."; and the configuration can
    be changed on a bucket that holds objects (only versioning must be Enabled). Moto 5.2.5
    accepts a retention without a period, or of 0 days, and refuses any bucket that holds
    an object ("Bucket needs to be empty").
    """
    from moto.s3.exceptions import InvalidBucketState, MalformedXML
    from moto.s3.models import S3Backend
    from moto.s3.responses import S3Response

    if _installed(S3Response, "_lock_config_from_body"):
        return
    original_parse = S3Response._lock_config_from_body

    def _lock_config_from_body(self):
        retention = _default_retention(self.body)
        if retention is not None:
            if not isinstance(retention, dict) or not retention.get("Mode"):
                raise MalformedXML()
            periods = [retention.get(name) for name in ("Days", "Years") if retention.get(name) is not None]
            if len(periods) != 1:
                raise MalformedXML()
            try:
                period = int(periods[0])
            except ValueError:
                raise MalformedXML()
            if period <= 0:
                raise _error("InvalidArgument", "Default retention period must be a positive integer value.")
        return original_parse(self)

    def put_object_lock_configuration(self, bucket_name, lock_enabled, mode=None, days=None, years=None):
        bucket = self.get_bucket(bucket_name)
        if not bucket.is_versioned:
            raise InvalidBucketState(
                "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration")
        if lock_enabled:
            bucket.object_lock_enabled = True
            bucket.versioning_status = "Enabled"
        bucket.default_lock_mode = mode
        bucket.default_lock_days = days
        bucket.default_lock_years = years

    _install(S3Response, _lock_config_from_body)
    _install(S3Backend, put_object_lock_configuration)


def s3_get_object_lock_configuration():
    """S3 GetObjectLockConfiguration: answer the default retention's one period.

    AWS answers DefaultRetention with Mode and the period it was given, Days or Years.
    Moto 5.2.5 answers both, the other as 0.
    """
    from moto.core.responses import ActionResult
    from moto.s3.responses import S3Response

    if _installed(S3Response, "get_object_lock_configuration"):
        return

    def get_object_lock_configuration(self):
        enabled, mode, days, years = self.backend.get_object_lock_configuration(self.bucket_name)
        config = {"ObjectLockEnabled": "Enabled" if enabled else "Disabled"}
        if mode:
            retention = {"Mode": mode}
            if days:
                retention["Days"] = days
            if years:
                retention["Years"] = years
            config["Rule"] = {"DefaultRetention": retention}
        self.data["Action"] = "GetObjectLockConfiguration"
        return self.serialized(ActionResult({"ObjectLockConfiguration": config}))

    _install(S3Response, get_object_lock_configuration)


def s3_put_bucket_policy():
    """S3 PutBucketPolicy: refuse a policy that is not a JSON object.

    AWS answers MalformedPolicy ("Policies must be valid JSON and the first byte must be
    '{'"). Moto 5.2.5 stores any text, after which every object request to the bucket fails
    with HTTP 500.
    """
    from moto.s3.models import S3Backend

    if _installed(S3Backend, "put_bucket_policy"):
        return
    original = S3Backend.put_bucket_policy

    def put_bucket_policy(self, bucket_name, policy):
        text = policy.decode("utf-8", "replace") if isinstance(policy, bytes) else policy
        try:
            document = json.loads(text)
        except ValueError:
            document = None
        if not isinstance(document, dict) or not text.lstrip().startswith("{"):
            raise _error("MalformedPolicy", "Policies must be valid JSON and the first byte must be '{'")
        return original(self, bucket_name, policy)

    _install(S3Backend, put_bucket_policy)


def _met_by_tls(statement):
    """The statement as a TLS request sees it: None if its aws:SecureTransport condition is not
    met, else the statement without that (now settled) condition."""
    condition = statement.get("Condition")
    if not isinstance(condition, dict) or not isinstance(condition.get("Bool"), dict):
        return statement
    tests = condition["Bool"]
    keys = [key for key in tests if key.lower() == SECURE_TRANSPORT]
    if not keys:
        return statement
    if not all("true" in [str(v).lower() for v in _as_list(tests[key])] for key in keys):
        return None
    rest = {key: value for key, value in tests.items() if key not in keys}
    condition = {op: value for op, value in condition.items() if op != "Bool"}
    if rest:
        condition["Bool"] = rest
    settled = {k: v for k, v in statement.items() if k != "Condition"}
    if condition:
        settled["Condition"] = condition
    return settled


def s3_put_bucket_policy_secure_transport():
    """S3 bucket policies: evaluate an aws:SecureTransport condition (moto 5.2.5 ignores it).

    AWS's recommended "deny unless TLS" statement (Deny, Principal "*", Bool
    aws:SecureTransport "false") refuses plain-HTTP requests only. Moto evaluates no Bool
    condition, so such a statement refuses every object request (GetObject, PutObject,
    DeleteObjects...) with AccessDenied. The addition evaluates the condition for the object
    requests moto checks, counting requests to the emulator as made over TLS (as every SDK
    request to AWS's endpoints is), then leaves the rest of the policy to moto.
    """
    from moto.iam.access_control import IAMPolicy, PermissionResult
    from moto.s3.models import FakeBucket

    if _installed(FakeBucket, "get_permission"):
        return

    def get_permission(self, action, resource):
        if self.policy is None:
            return PermissionResult.NEUTRAL
        text = self.policy.decode() if isinstance(self.policy, bytes) else self.policy
        document = json.loads(text)
        statements = [_met_by_tls(s) for s in _as_list(document.get("Statement")) if isinstance(s, dict)]
        document["Statement"] = [s for s in statements if s is not None]
        if not document["Statement"]:
            return PermissionResult.NEUTRAL
        return IAMPolicy(json.dumps(document)).is_action_permitted(action, resource)

    _install(FakeBucket, get_permission)


def _grants_logging(statement, bucket, prefix):
    """Whether one policy statement lets the S3 logging service put the bucket's log objects."""
    import fnmatch

    principal = statement.get("Principal")
    if statement.get("Effect") != "Allow" or not isinstance(principal, dict):
        return False
    if LOGGING_SERVICE not in _as_list(principal.get("Service")):
        return False
    actions = [a.lower() for a in _as_list(statement.get("Action"))]
    if not any(fnmatch.fnmatchcase("s3:putobject", a) for a in actions):
        return False
    target = f"arn:{bucket.partition}:s3:::{bucket.name}/{prefix or ''}x"
    return any(fnmatch.fnmatchcase(target, r) for r in _as_list(statement.get("Resource")))


def s3_put_bucket_logging():
    """S3 PutBucketLogging: read the target bucket's whole policy.

    AWS's way to let server access logging write to a target bucket is a policy statement for
    the logging.s3.amazonaws.com principal allowing s3:PutObject on the log objects. Moto
    5.2.5 checks such a statement, but answers HTTP 500 when another statement of the policy
    names its principal as a string (the usual Principal "*" of a deny-insecure-transport
    statement) and misses one whose Resource or Action is a list. The addition reads every
    statement's principal, actions and resources, string or list, with wildcards.
    """
    from moto.s3.models import FakeBucket

    if _installed(FakeBucket, "_log_permissions_enabled_policy"):
        return

    def _log_permissions_enabled_policy(target_bucket, target_prefix):
        if not target_bucket.policy:
            return False
        text = target_bucket.policy.decode() if isinstance(target_bucket.policy, bytes) else target_bucket.policy
        statements = _as_list(json.loads(text).get("Statement"))
        return any(isinstance(s, dict) and _grants_logging(s, target_bucket, target_prefix) for s in statements)

    _log_permissions_enabled_policy.healthcare_addition = True
    FakeBucket._log_permissions_enabled_policy = staticmethod(_log_permissions_enabled_policy)


def s3_get_bucket_versioning():
    """S3 GetBucketVersioning: answer under AWS's root element.

    AWS answers ``<VersioningConfiguration>`` with ``Status`` (and ``MfaDelete``) only once
    versioning was ever set. Moto 5.2.5 wraps the answer in ``<GetBucketVersioningResponse>``,
    which SDKs that check the root element (the AWS SDK for Rust) refuse.
    """
    from moto.s3.responses import S3Response

    if _installed(S3Response, "get_bucket_versioning"):
        return

    def get_bucket_versioning(self):
        status = self.backend.get_bucket_versioning(self.bucket_name)
        inner = f"<Status>{status}</Status>" if status else ""
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
                f"{inner}</VersioningConfiguration>")
        return 200, {"Content-Type": "application/xml"}, body

    _install(S3Response, get_bucket_versioning)


S3_ADDITIONS = [s3_put_bucket_versioning_object_lock, s3_put_object_lock_configuration,
                s3_get_object_lock_configuration, s3_put_bucket_policy,
                s3_put_bucket_policy_secure_transport, s3_put_bucket_logging,
                s3_get_bucket_versioning]
