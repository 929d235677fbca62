"""The account half of the eventual-consistency model: the services an AccountBaseline uses.

CloudTrail, SNS, Security Hub and the policies they check are eventually consistent too, as
their API references and mainstream clients (terraform-provider-aws's retries) show:

- CloudTrail checks, when a trail is made or changed, that it may deliver: a bucket policy
  put a moment ago is not seen yet (InsufficientS3BucketPolicyException), nor a changed key
  policy (InsufficientEncryptionPolicyException: "the policy on the S3 bucket or KMS key does
  not have sufficient permissions"), nor a log group just made or a role policy just put
  (InvalidCloudWatchLogsLogGroupArnException "Access denied.", which terraform-provider-aws
  retries). A trail just made is unknown for a moment to the calls naming it by name or ARN
  (TrailNotFoundException), and DescribeTrails leaves it out.
- SNS: a topic just made answers NotFound (404) to the calls naming its ARN, and RDS, given
  it for an event subscription, SNSTopicArnNotFound (404).
- Security Hub: right after EnableSecurityHub the account is "not subscribed" for a moment
  to the hub's other calls (InvalidAccessException, 401); a standard just enabled is
  ``PENDING`` for a while before ``READY`` (GetEnabledStandards' StandardsStatus).
- CloudWatch Logs: PutMetricFilter on a log group just made answers ResourceNotFoundException
  (``consistency_named`` refuses it with the group's other calls).
- GuardDuty: a detector just made is missing from ListDetectors for a moment, and GetDetector
  and UpdateDetector naming it answer BadRequestException (GuardDuty's answer for a detector
  id it does not know in this account).
- AWS Config: a recorder just made is missing from DescribeConfigurationRecorders for a moment.
- Account settings read back right after they are put: IAM GetAccountPasswordPolicy and S3
  Control GetPublicAccessBlock answer what was there before (the earlier settings, or their
  not-found error when there were none) for a moment after UpdateAccountPasswordPolicy and
  PutPublicAccessBlock.

``Account`` keeps these for ``consistency.Consistency`` as ``consistency_named.Named`` does:
it draws through ``lag(kind, subject)`` ("named.visible" for objects and policies, "iam.role"
for a role policy reaching CloudTrail, "securityhub.standard" for a standard's ``PENDING``)
and counts each lagged answer under ``account.<kind>``. An object's or policy's lag is drawn
when a call first asks about it, so that the other services' draws do not depend on it.
"""

import json
import re

if __package__:
    from . import consistency_ec2 as xml
    from .consistency_named import first, load
else:  # run as a program, with tests/harness first on sys.path
    import consistency_ec2 as xml
    from consistency_named import first, load

# kind -> (HTTP status, error code, message), as each API reference (code, status) and moto
# (message, where it has the error) give them.
REFUSALS = {
    "trail": (400, "TrailNotFoundException", "Unknown trail: {0} for the user: {1}"),
    "trail_bucket_policy": (400, "InsufficientS3BucketPolicyException",
                            "Incorrect S3 bucket policy is detected for bucket: {0}"),
    "trail_key_policy": (400, "InsufficientEncryptionPolicyException",
                         "Insufficient permissions to access the S3 bucket or KMS key {0}."),
    "trail_log_group": (400, "InvalidCloudWatchLogsLogGroupArnException",
                        "Access denied. Check the permissions for your role and log group "
                        "{0}."),
    "topic": (404, "NotFound", "Topic does not exist"),
    "rds_topic": (404, "SNSTopicArnNotFound", "Could not find SNS topic {0}."),
    "hub": (401, "InvalidAccessException",
            "The account is not subscribed to AWS Security Hub."),
    "detector": (400, "BadRequestException", "The request is rejected because the input "
                 "detectorId is not owned by the current account."),
}
TRAIL_CHANGES = ("CreateTrail", "UpdateTrail")
# CloudTrail operation -> the request fields naming a trail (by name or ARN)
TRAIL_NAMERS = {
    "PutEventSelectors": ("TrailName",), "GetEventSelectors": ("TrailName",),
    "StartLogging": ("Name",), "StopLogging": ("Name",), "GetTrailStatus": ("Name",),
    "GetTrail": ("Name",), "AddTags": ("ResourceId",), "RemoveTags": ("ResourceId",),
    "ListTags": ("ResourceIdList",), "UpdateTrail": ("Name",),
}
# SNS operation -> the request field naming a topic
TOPIC_NAMERS = {
    "Subscribe": "TopicArn", "SetTopicAttributes": "TopicArn", "GetTopicAttributes": "TopicArn",
    "ListSubscriptionsByTopic": "TopicArn", "TagResource": "ResourceArn",
    "ListTagsForResource": "ResourceArn", "Publish": "TopicArn",
}
# Security Hub's REST calls, ``METHOD /path`` -> operation, for the calls the model knows.
HUB_OPERATIONS = {
    "POST /accounts": "EnableSecurityHub", "GET /accounts": "DescribeHub",
    "POST /standards/get": "GetEnabledStandards", "POST /standards/register":
    "BatchEnableStandards", "POST /standards/deregister": "BatchDisableStandards",
}
HUB_REFUSED = ("DescribeHub", "GetEnabledStandards", "BatchEnableStandards",
               "BatchDisableStandards")
# GuardDuty's REST paths: ``/detector`` (POST: CreateDetector, GET: ListDetectors) and
# ``/detector/ID`` (GET: GetDetector, POST: UpdateDetector, DELETE: DeleteDetector).
DETECTOR_PATH = re.compile(r"^(GET|POST|DELETE) /detector(?:/([^/]+))?/?$")
DETECTOR_OPERATIONS = {("POST", False): "CreateDetector", ("GET", False): "ListDetectors",
                       ("GET", True): "GetDetector", ("POST", True): "UpdateDetector",
                       ("DELETE", True): "DeleteDetector"}
# S3 Control's account calls (signed as ``s3``), ``METHOD /path`` -> operation.
S3_CONTROL_OPERATIONS = {
    "GET /v20180820/configuration/publicAccessBlock": "GetAccountPublicAccessBlock",
    "PUT /v20180820/configuration/publicAccessBlock": "PutAccountPublicAccessBlock",
    "DELETE /v20180820/configuration/publicAccessBlock": "DeleteAccountPublicAccessBlock",
}
# A setting's delete -> its read, whose last answer it makes void.
SETTING_DELETES = {("iam", "DeleteAccountPasswordPolicy"): "GetAccountPasswordPolicy",
                   ("s3", "DeleteAccountPublicAccessBlock"): "GetAccountPublicAccessBlock"}
# (service, read) -> (the write it lags behind, its not-found answer when nothing was there)
STALE_READS = {
    ("iam", "GetAccountPasswordPolicy"): (
        "UpdateAccountPasswordPolicy",
        (404, "NoSuchEntity", "The Password Policy with domain name cannot be found.")),
    ("s3", "GetAccountPublicAccessBlock"): (
        "PutAccountPublicAccessBlock",
        (404, "NoSuchPublicAccessBlockConfiguration",
         "The public access block configuration was not found")),
}


def trail_name(value):
    """A trail's name from its name or ARN (``arn:...:trail/NAME`` -> ``NAME``)."""
    return value.rsplit(":trail/", 1)[1] if ":trail/" in value else value


def key_id(value):
    """A KMS key id from its id or ARN (``arn:...:key/ID`` -> ``ID``)."""
    return value.rsplit("/", 1)[1] if ":key/" in value else value


def group_name(arn):
    """A log group's name from its ARN (``arn:...:log-group:NAME[:*]`` -> ``NAME``)."""
    name = arn.split(":log-group:", 1)[1] if ":log-group:" in arn else arn
    return name[:-2] if name.endswith(":*") else name


def role_name(arn):
    """A role's name from its ARN (``arn:...:role/PATH/NAME`` -> ``NAME``)."""
    return arn.rsplit("/", 1)[1] if ":role/" in arn else arn


def account_of(arn):
    """The account id in an ARN, or ``""``."""
    parts = (arn or "").split(":")
    return parts[4] if len(parts) > 4 else ""


class Account:
    """What the account's services do not see yet: trails, topics, the hub, policies."""

    def __init__(self, lag, counts):
        self._lag, self._counts = lag, counts
        self._until = {}            # (kind, name) -> when it no longer lags, or (when it
        #                             changed, subject, lag kind) until a call first asks
        self._key_policies = {}     # key id -> the last policy seen put on it
        self._role_policies = {}    # (role, policy name) -> the last document seen put
        self._topics = set()        # topic ARNs seen made (CreateTopic is idempotent)
        self._recorders = set()     # recorder names seen made (PutConfigurationRecorder upserts)
        self._standards = {}        # standard ARN -> when it shows READY
        self._trail_account = ""    # the account of the trails made, for CloudTrail's message
        self._last = {}             # (service, read) -> its last answer outside a window
        self._stale = {}            # (service, read) -> (the answer before the write, until)

    def _set(self, kind, name, subject, now, lag="named.visible"):
        """``name`` of ``kind`` changed at ``now``; its lag is drawn when a call first asks
        (so that what other services draw does not depend on whether this one is asked)."""
        self._until[(kind, name)] = (now, subject, lag)

    def _lagging(self, kind, name, now):
        """True while ``name`` of ``kind`` lags (forgetting it once it no longer does)."""
        entry = self._until.get((kind, name))
        if entry is None:
            return False
        if isinstance(entry, tuple):
            when, subject, lag = entry
            entry = self._until[(kind, name)] = when + self._lag(lag, subject)
        if entry <= now:
            del self._until[(kind, name)]
            return False
        return True

    @staticmethod
    def operation(service, operation):
        """Security Hub's REST calls by their AWS names; anything else as it came."""
        if service == "securityhub":
            return HUB_OPERATIONS.get(operation, operation)
        if service == "s3":
            return S3_CONTROL_OPERATIONS.get(operation, operation)
        if service == "guardduty":
            match = DETECTOR_PATH.match(operation or "")
            if match:
                return DETECTOR_OPERATIONS.get((match.group(1), bool(match.group(2))),
                                               operation)
        return operation

    @staticmethod
    def detector_id(operation):
        """The detector id a GuardDuty ``METHOD /detector/ID`` call names, or None."""
        match = DETECTOR_PATH.match(operation or "")
        return match.group(2) if match else None

    def refusal(self, service, operation, params, now):
        """(count key, (status, code, message)) of AWS's refusal now, or None."""
        raw, operation = operation, self.operation(service, operation)
        found = None
        if service == "cloudtrail":
            found = self._trail_refusal(operation, params, now)
        elif service == "sns" and operation in TOPIC_NAMERS:
            arn = first(params, TOPIC_NAMERS[operation])
            if arn and self._lagging("topic", arn, now):
                found = "topic", ()
        elif service == "rds" and operation in ("CreateEventSubscription",
                                                 "ModifyEventSubscription"):
            arn = first(params, "SnsTopicArn")
            if arn and self._lagging("topic", arn, now):
                found = "rds_topic", (arn,)
        elif service == "securityhub" and operation in HUB_REFUSED:
            if self._lagging("hub", "", now):
                found = "hub", ()
        elif service == "guardduty" and operation in ("GetDetector", "UpdateDetector"):
            detector = self.detector_id(raw)
            if detector and self._lagging("detector", detector, now):
                found = "detector", ()
        elif (service, operation) in STALE_READS:
            stale = self._stale_answer(service, operation, now)
            if stale is not None and stale[0] is None:
                return "account.stale_setting", STALE_READS[(service, operation)][1]
        if not found:
            return None
        kind, parts = found
        status, code, message = REFUSALS[kind]
        return f"account.{kind}", (status, code, message.format(*parts))

    def _trail_refusal(self, operation, params, now):
        """(kind, message parts) of CloudTrail's refusal of a call, or None."""
        for field in TRAIL_NAMERS.get(operation, ()):
            value = params.get(field)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and self._lagging("trail", trail_name(item), now):
                    return "trail", (item, account_of(item) or self._trail_account)
        if operation not in TRAIL_CHANGES:
            return None
        bucket, key = first(params, "S3BucketName"), first(params, "KmsKeyId")
        group, role = first(params, "CloudWatchLogsLogGroupArn"), first(
            params, "CloudWatchLogsRoleArn")
        if bucket and self._lagging("bucket_policy", bucket, now):
            return "trail_bucket_policy", (bucket,)
        if key and self._lagging("key_policy", key_id(key), now):
            return "trail_key_policy", (key,)
        if group and self._lagging("log_group", group_name(group), now):
            return "trail_log_group", (group,)
        if group and role and self._lagging("role_policy", role_name(role), now):
            return "trail_log_group", (group,)
        return None

    def _stale_answer(self, service, read, now):
        """(the answer from before the write,) while ``read`` lags its write, else None."""
        entry = self._stale.get((service, read))
        if entry is None:
            return None
        if entry[1] <= now:
            del self._stale[(service, read)]
            return None
        return (entry[0],)

    def _record_setting(self, service, operation, data, now):
        """A read's answer (kept, outside a window), or a write that the read will lag."""
        if (service, operation) in STALE_READS:
            if self._stale_answer(service, operation, now) is None:
                self._last[(service, operation)] = data
            return
        if (service, operation) in SETTING_DELETES:
            self._last.pop((service, SETTING_DELETES[(service, operation)]), None)
            return
        for (read_service, read), (write, _) in STALE_READS.items():
            if (service, operation) == (read_service, write):
                until = now + self._lag("named.visible", write)
                self._stale[(service, read)] = (self._last.get((service, read)), until)

    def record(self, service, operation, params, data, now):
        """Note what a successful call made or changed."""
        operation = self.operation(service, operation)
        self._record_setting(service, operation, data, now)
        if (service, operation) == ("s3", "PutBucketPolicy") and first(params, "Bucket"):
            bucket = first(params, "Bucket")
            self._set("bucket_policy", bucket, f"{bucket} policy (CloudTrail)", now)
        elif service == "kms" and operation in ("CreateKey", "PutKeyPolicy"):
            self._record_key_policy(operation, params, data, now)
        elif (service, operation) == ("logs", "CreateLogGroup") and first(params, "logGroupName"):
            group = first(params, "logGroupName")
            self._set("log_group", group, f"{group} (CloudTrail)", now)
        elif (service, operation) == ("iam", "PutRolePolicy"):
            self._record_role_policy(params, now)
        elif (service, operation) == ("cloudtrail", "CreateTrail"):
            made = load(data)
            name = made.get("Name")
            if isinstance(name, str):
                self._trail_account = account_of(made.get("TrailARN"))
                self._set("trail", name, name, now)
        elif (service, operation) == ("sns", "CreateTopic"):
            root, ns = xml.parse(data)
            found = root.find(f".//{xml.qname(ns, 'TopicArn')}") if root is not None else None
            arn = found.text if found is not None else None
            if arn and arn not in self._topics:
                self._topics.add(arn)
                self._set("topic", arn, arn, now)
        elif (service, operation) == ("sns", "DeleteTopic"):
            self._topics.discard(first(params, "TopicArn"))
        elif service == "securityhub":
            self._record_hub(operation, data, now)
        elif (service, operation) == ("config", "PutConfigurationRecorder"):
            recorder = (params.get("ConfigurationRecorder") or {}).get("name")
            if isinstance(recorder, str) and recorder not in self._recorders:
                self._recorders.add(recorder)
                self._set("recorder", recorder, recorder, now)
        elif (service, operation) == ("config", "DeleteConfigurationRecorder"):
            self._recorders.discard(params.get("ConfigurationRecorderName"))
        elif (service, operation) == ("guardduty", "CreateDetector"):
            detector = load(data).get("detectorId")
            if isinstance(detector, str):
                self._set("detector", detector, detector, now)

    def _record_key_policy(self, operation, params, data, now):
        """A key policy that changed: CloudTrail sees the new one a moment later (a key just
        made is lagged as a whole by the KMS model)."""
        policy = first(params, "Policy")
        if operation == "CreateKey":
            key = (load(data).get("KeyMetadata") or {}).get("KeyId")
            if key and policy:
                self._key_policies[key] = policy
            return
        key = key_id(first(params, "KeyId") or "")
        if key and policy and self._key_policies.get(key) != policy:
            self._key_policies[key] = policy
            self._set("key_policy", key, f"{key} policy", now)

    def _record_role_policy(self, params, now):
        """An inline role policy put or changed: it reaches CloudTrail as a role does."""
        role, name, document = (first(params, f) for f in ("RoleName", "PolicyName",
                                                             "PolicyDocument"))
        if role and name and self._role_policies.get((role, name)) != document:
            self._role_policies[(role, name)] = document
            self._set("role_policy", role, f"{role}/{name} (CloudTrail)", now, lag="iam.role")

    def _record_hub(self, operation, data, now):
        if operation == "EnableSecurityHub":
            self._set("hub", "", "EnableSecurityHub", now)
        elif operation == "BatchEnableStandards":
            for sub in load(data).get("StandardsSubscriptions") or []:
                arn = sub.get("StandardsArn") if isinstance(sub, dict) else None
                if isinstance(arn, str):
                    self._standards[arn] = now + self._lag("securityhub.standard", arn)

    def rewrite(self, service, operation, params, data, now):
        """The answer as AWS would give it now (``data`` itself when nothing changes)."""
        operation = self.operation(service, operation)
        if (service, operation) == ("securityhub", "GetEnabledStandards"):
            return self._pending_standards(data, now)
        if (service, operation) == ("cloudtrail", "DescribeTrails"):
            return self._drop(data, "trail", "trailList", lambda t: t.get("Name") if isinstance(
                t, dict) and isinstance(t.get("Name"), str) else None, now)
        if (service, operation) == ("config", "DescribeConfigurationRecorders"):
            return self._drop(data, "recorder", "ConfigurationRecorders", lambda r: r.get(
                "name") if isinstance(r, dict) and isinstance(r.get("name"), str) else None, now)
        if (service, operation) == ("guardduty", "ListDetectors"):
            return self._drop(data, "detector", "detectorIds",
                              lambda i: i if isinstance(i, str) else None, now)
        if (service, operation) in STALE_READS:
            stale = self._stale_answer(service, operation, now)
            if stale is not None and stale[0] is not None and stale[0] != data:
                self._counts["account.stale_setting"] += 1
                return stale[0]
        return data

    def _pending_standards(self, data, now):
        """Standards just enabled show PENDING until their lag passes."""
        self._standards = {a: t for a, t in self._standards.items() if t > now}
        if not self._standards:
            return data
        answer = load(data)
        subs = answer.get("StandardsSubscriptions")
        changed = False
        for sub in subs if isinstance(subs, list) else []:
            if isinstance(sub, dict) and sub.get("StandardsArn") in self._standards \
                    and sub.get("StandardsStatus") == "READY":
                sub["StandardsStatus"] = "PENDING"
                changed = True
        if not changed:
            return data
        self._counts["account.standard_pending"] += 1
        return json.dumps(answer).encode()

    def _drop(self, data, kind, list_field, name_of, now):
        """A JSON list answer without the items of ``kind`` just made (``name_of(item)``
        names an item, None when it is not one)."""
        if not any(k == kind for k, _ in self._until):
            return data
        answer = load(data)
        items = answer.get(list_field)
        if not isinstance(items, list):
            return data
        kept = [i for i in items
                if not (name_of(i) is not None and self._lagging(kind, name_of(i), now))]
        if len(kept) == len(items):
            return data
        self._counts[f"account.{kind}.hidden"] += 1
        return json.dumps(dict(answer, **{list_field: kept})).encode()
