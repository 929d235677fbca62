"""A model of AWS's eventual consistency, for the fault proxy to apply to moto's answers.

Moto is strongly consistent; AWS is not, and code that works against moto can fail on AWS.
``Consistency`` plays the lags AWS documents, each drawn at random within bounds from
``random.Random(seed)`` (the same lags for the same seed and the same calls) and multiplied
by ``scale``:

- EC2 ("Eventual consistency in the Amazon EC2 API", EC2 API Reference): a new VPC, subnet,
  security group, route table, internet gateway, NAT gateway, Elastic IP allocation, VPC
  endpoint, flow log or network ACL is unknown for 1-4 s. A call naming its id answers the
  id's NotFound code (tagging it too); a describe leaves it out, and with a VPC everything in
  it (its main route table, default security group and default network ACL).
- IAM (IAM User Guide, "Changes that I make are not always immediately visible"): a new role
  reaches other services after 6-12 s. Until then EC2 CreateFlowLogs answers InvalidParameter
  (as terraform-provider-aws's retry on "Unable to assume given IAM role" shows AWS does), RDS
  refuses it as MonitoringRoleArn (InvalidParameterValue), KMS as a key policy principal and
  Secrets Manager as a resource policy principal (MalformedPolicyDocumentException; KMS's
  CreateKey reference says a just-made principal may not be visible yet), and ECS
  RegisterTaskDefinition, which checks iam:PassRole on the task and execution roles, answers
  AccessDeniedException (as reported in terraform-aws-modules/terraform-aws-ecs#414),
  CloudTrail CreateTrail/UpdateTrail, which checks it may assume the role it delivers to
  CloudWatch Logs with, answers InvalidCloudWatchLogsRoleArnException, and Lambda
  CreateFunction/UpdateFunctionConfiguration, which check that Lambda can assume the
  function's execution role (the ``Role`` field of their JSON body), answer
  InvalidParameterValueException (the error Lambda's API reference gives for a role it cannot
  assume), and AWS Backup CreateBackupSelection, which checks that it can assume the
  selection's role (``BackupSelection.IamRoleArn`` of its JSON body), answers
  InvalidParameterValueException "IAM Role <arn> cannot be assumed by AWS Backup" (the
  refusal terraform-provider-aws retries while a new role propagates). IAM itself may answer
  NoSuchEntity for 0-1 s to GetRole, PutRolePolicy, AttachRolePolicy and TagRole, and
  DeleteConflict for 0-1 s to DeleteRole after a policy left the role.
- KMS (KMS Developer Guide on eventual consistency): a new key is unknown for 1-3 s: KMS
  answers NotFoundException to a call naming it (ListKeys and ListAliases are not refused),
  CloudWatch Logs CreateLogGroup InvalidParameterException (its reference: a key that does
  not exist), Kinesis StartStreamEncryption KMSNotFoundException, Secrets Manager CreateSecret
  with a value EncryptionFailure and RDS CreateDBInstance/CreateDBCluster
  KMSKeyNotAccessibleFault, CloudTrail CreateTrail/UpdateTrail KmsKeyNotFoundException, the
  errors each API reference gives for a key it cannot use.
- Transitional states (RDS User Guide on DB instance status, ElastiCache's on replication
  groups): after ModifyDBInstance, ModifyDBCluster, RebootDBInstance or ModifyReplicationGroup
  the object still says ``available`` for 0.5-1.5 s, then ``modifying`` (``rebooting``) for
  2-5 s; meanwhile another modify is refused with InvalidDBInstanceState,
  InvalidDBClusterStateFault or InvalidReplicationGroupState.
- Other services (``consistency_elsewhere``): RDS, ElastiCache and ECS, given a subnet or
  security group EC2 has just made, see it 2-6 s after EC2 itself does, and refuse it
  meanwhile with their own error (InvalidSubnet, InvalidParameterValue,
  InvalidParameterException).
- NAT gateways (``consistency_nat``; the VPC User Guide): DescribeNatGateways shows a new
  gateway ``pending`` for 3-8 s and a deleted one ``deleting`` for 2-5 s.
- Kinesis (``consistency_kinesis``; its API reference): a stream is CREATING for 2-6 s after
  CreateStream and UPDATING for 1-4 s after a change (shard count, encryption, retention,
  enhanced monitoring); DescribeStream(Summary) shows it, and a change meanwhile (tags and
  DeleteStream included) answers ResourceInUseException.
- Draining (VPC User Guide: the network interfaces of a deleted NAT gateway, endpoint, task,
  database or cache are released some time after it): for 2-5 s after such a delete, EC2
  DeleteSubnet, DeleteSecurityGroup, DetachInternetGateway, DeleteInternetGateway and
  DeleteVpc answer DependencyViolation; for 2-5 s from the first such call after a
  database's, cache's or service's delete, that service refuses to delete what it held
  (the provider deletes those only once it reads the database gone): RDS DeleteDBSubnetGroup
  (InvalidDBSubnetGroupStateFault) and DeleteDB[Cluster]ParameterGroup
  (InvalidDBParameterGroupState), ElastiCache DeleteCacheSubnetGroup (CacheSubnetGroupInUse),
  ECS DeleteCluster (ClusterContainsTasksException).
- Named objects (``consistency_named``; each service's API reference gives the code): an
  object just made by name is unknown for 0.5-2 s to the next calls naming it. Secrets
  Manager answers ResourceNotFoundException to DescribeSecret, GetSecretValue,
  PutSecretValue, TagResource, UntagResource, PutResourcePolicy and RotateSecret on a new
  secret (by name or ARN), and on the secret RDS makes for a managed master password;
  CloudWatch Logs ResourceNotFoundException to PutRetentionPolicy, TagResource, TagLogGroup
  and AssociateKmsKey on a new log group, and DescribeLogGroups leaves it out; a secret
  deleted without recovery (ForceDeleteWithoutRecovery) keeps its name for 10-30 s, CreateSecret
  of that name answering InvalidRequestException "...already scheduled for deletion"
  (DeleteSecret's reference: the deletion runs in the background, with no bound given;
  terraform-provider-aws retries it for two minutes), and S3 answers OperationAborted (409) to
  CreateBucket of a bucket deleted 10-30 s before; RDS answers
  DBSubnetGroupNotFoundFault or DBParameterGroupNotFound (HTTP 404, for cluster parameter
  groups too) to describing or modifying a new subnet or parameter group, and
  DBInstanceNotFound, DBClusterNotFoundFault or DBSubnetGroupNotFoundFault to
  AddTagsToResource/ListTagsForResource naming a new one's ARN; ElastiCache
  S3 NoSuchBucket (404) to the configuration calls (PutBucketTagging, PutBucketPolicy,
  PutBucketVersioning, PutBucketEncryption, PutPublicAccessBlock, PutBucketLogging,
  PutObjectLockConfiguration) of a bucket just made (terraform-provider-aws retries them for
  two minutes for this), and AWS Config InsufficientDeliveryPolicyException to
  PutDeliveryChannel naming a bucket whose policy was put a moment ago (terraform-provider-aws
  retries it while the policy propagates); ElastiCache
  CacheSubnetGroupNotFoundFault to DescribeCacheSubnetGroups of a new subnet group,
  ReplicationGroupNotFoundFault or CacheSubnetGroupNotFoundFault to ListTagsForResource
  naming a new replication group's or subnet group's ARN, and
  DescribeCacheClusters leaves out a new replication group's member clusters
  (CacheClusterNotFound when it names one); ECS ClientException "Unable to describe task
  definition." to DescribeTaskDefinition of a new revision; Application Auto Scaling
  ValidationException "ECS service doesn't exist" to RegisterScalableTarget for a new ECS
  service and ObjectNotFoundException "No scalable target registered..." to PutScalingPolicy
  for a new scalable target; Kinesis ListTagsForStream leaves out tags just added, and KMS
  GetKeyRotationStatus still says false after EnableKeyRotation, a new alias answers
  NotFoundException to DescribeKey (and the data calls) naming it, and ListAliases leaves it
  out (the KMS Developer Guide's eventual consistency: CreateAlias). IAM GetRolePolicy answers
  NoSuchEntity for 0-1 s (as GetRole does) after a new inline policy's PutRolePolicy.
- The account's services (``consistency_account``): CloudTrail not seeing a bucket policy,
  changed key policy, log group or role policy just put, nor a trail just made; SNS and RDS
  not knowing a topic just made; Security Hub not subscribed right after EnableSecurityHub,
  and its standards ``PENDING`` for 1-5 s; AWS Config refusing a role just made
  (InvalidRoleException), service-linked roles included.
- Lambda permissions (Secrets Manager User Guide, rotation troubleshooting: Secrets Manager
  checks that the function's policy lets it invoke the function): for 0.5-2 s after an
  AddPermission granting ``secretsmanager.amazonaws.com``, RotateSecret naming that function
  answers AccessDeniedException.
- ECS's service-linked role (ECS Developer Guide, "Using service-linked roles": ECS makes it
  on an account's first cluster; awslabs/fargatecli#35 and aws-samples/
  baseline-environment-on-aws#238 show first uses refused meanwhile): the model's first
  CreateCluster is refused with InvalidParameterException "Unable to assume the service
  linked role..." for 1-3 s after that first attempt.

``before()`` says whether AWS would refuse a call now; ``after()`` records what a call made
and rewrites the answer; ``counts()`` counts the lagged answers given, ``drawn()`` lists every
lag drawn.
"""

import collections
import json
import random
import re
import threading
import time

if __package__:
    from . import consistency_ec2 as ec2
    from .consistency_account import Account
    from .consistency_elsewhere import Elsewhere
    from .consistency_kinesis import Streams
    from .consistency_nat import NatStates
    from .consistency_named import Named
else:  # run as a program, with tests/harness first on sys.path
    import consistency_ec2 as ec2
    from consistency_account import Account
    from consistency_elsewhere import Elsewhere
    from consistency_kinesis import Streams
    from consistency_nat import NatStates
    from consistency_named import Named

# Bounds in seconds of each lag, per profile.
PROFILES = {
    "aws": {
        "ec2.visible": (1.0, 4.0), "kms.key": (1.0, 3.0), "iam.role": (6.0, 12.0),
        "iam.entity": (0.0, 1.0), "iam.detach": (0.0, 1.0), "modify.start": (0.5, 1.5),
        "modify.window": (2.0, 5.0), "drain": (2.0, 5.0), "named.visible": (0.5, 2.0),
        "named.freeing": (10.0, 30.0),
        "ecs.linked_role": (1.0, 3.0), "lambda.permission": (0.5, 2.0),
        "securityhub.standard": (1.0, 5.0), "kinesis.creating": (2.0, 6.0),
        "kinesis.updating": (1.0, 4.0), "nat.pending": (3.0, 8.0), "nat.deleting": (2.0, 5.0),
        "ec2.elsewhere": (2.0, 6.0),
    },
}
IAM_OWN = ("GetRole", "PutRolePolicy", "AttachRolePolicy", "TagRole")
# (service, operation) -> (fields naming a role ARN, or a policy document's field, error)
ROLE_USERS = {
    ("ec2", "CreateFlowLogs"): (("DeliverLogsPermissionArn",), None, (
        "InvalidParameter", "Unable to assume given IAM role: '{arn}'")),
    **{("rds", op): (("MonitoringRoleArn",), None, (
        "InvalidParameterValue", "IAM role ARN value is invalid or does not include the "
        "required permissions for: ENHANCED_MONITORING"))
       for op in ("CreateDBInstance", "ModifyDBInstance", "CreateDBCluster", "ModifyDBCluster")},
    **{("kms", op): ((), "Policy", (
        "MalformedPolicyDocumentException",
        "Policy contains a statement with one or more invalid principals."))
       for op in ("CreateKey", "PutKeyPolicy")},
    ("secretsmanager", "PutResourcePolicy"): ((), "ResourcePolicy", (
        "MalformedPolicyDocumentException",
        "This resource policy contains an unsupported principal.")),
    ("ecs", "RegisterTaskDefinition"): (("executionRoleArn", "taskRoleArn"), None, (
        "AccessDeniedException", "User: arn:aws:iam::{account}:user/caller is not authorized "
        "to perform: iam:PassRole on resource: {arn}")),
    # CloudTrail assumes the role it delivers to CloudWatch Logs with when the trail is set.
    **{("cloudtrail", op): (("CloudWatchLogsRoleArn",), None, (
        "InvalidCloudWatchLogsRoleArnException",
        "Access denied. Verify in IAM that the role has adequate permissions."))
       for op in ("CreateTrail", "UpdateTrail")},
    # AWS Config checks it may assume the recorder's role (its service-linked role, made
    # just before on an account's first recorder).
    ("config", "PutConfigurationRecorder"): (("ConfigurationRecorder.roleARN",), None, (
        "InvalidRoleException", "AWS Config cannot assume the role {arn}.")),
    # S3 checks the principals a bucket policy names: a role IAM has not spread yet is not one.
    ("s3", "PutBucketPolicy"): ((), "Policy", ("MalformedPolicy", "Invalid principal in policy")),
    # Lambda checks it may assume the function's execution role.
    **{("lambda", op): (("Role",), None, (
        "InvalidParameterValueException",
        "The role defined for the function cannot be assumed by Lambda."))
       for op in ("CreateFunction", "UpdateFunctionConfiguration")},
    # AWS Backup checks it may assume a selection's role (terraform-provider-aws retries this).
    ("backup", "CreateBackupSelection"): (("BackupSelection.IamRoleArn",), None, (
        "InvalidParameterValueException", "IAM Role {arn} cannot be assumed by AWS Backup")),
}
# REST services: the proxy names a call ``METHOD /path``; service -> [(that pattern, the
# operation's name)] for the calls the model knows. Their parameters are in a JSON body.
REST_OPERATIONS = {
    "lambda": [
        (re.compile(r"^POST /2015-03-31/functions/?$"), "CreateFunction"),
        (re.compile(r"^PUT /2015-03-31/functions/[^/]+/configuration/?$"),
         "UpdateFunctionConfiguration"),
        (re.compile(r"^POST /2015-03-31/functions/[^/]+/policy/?$"), "AddPermission"),
    ],
    "backup": [
        (re.compile(r"^PUT /backup/plans/[^/]+/selections/?$"), "CreateBackupSelection"),
    ],
}
# The principal RotateSecret needs a function's policy to grant, and its refusal meanwhile.
ROTATION_PRINCIPAL = "secretsmanager.amazonaws.com"
ROTATION_DENIED = (400, "AccessDeniedException", "Secrets Manager cannot invoke the specified "
                   "Lambda function. Ensure that the function policy grants access to the "
                   "principal secretsmanager.amazonaws.com.")
# S3 bucket calls: ``METHOD /bucket/`` and their subresource query fields -> the names the
# model gives them (``PUT ?policy`` -> PutBucketPolicy).
S3_BUCKET_PATH = re.compile(r"^(PUT|GET|DELETE|HEAD|POST) /([^/]+)/?$")
S3_VERBS = {"PUT": "Put", "GET": "Get", "DELETE": "Delete"}
S3_SUBRESOURCES = {"policy": "BucketPolicy", "tagging": "BucketTagging",
                   "versioning": "BucketVersioning", "encryption": "BucketEncryption",
                   "publicAccessBlock": "PublicAccessBlock", "logging": "BucketLogging",
                   "object-lock": "ObjectLockConfiguration"}
KMS_UNREFUSED = ("CreateKey", "ListKeys", "ListAliases")
KMS_KEY_FIELDS = ("KeyId", "TargetKeyId", "DestinationKeyId")
# (service, operation) -> (field naming a key, error code, message) for services given a key
KEY_USERS = {
    ("logs", "CreateLogGroup"): ("kmsKeyId", "InvalidParameterException",
                                 "The specified KMS Key Id could not be found."),
    ("kinesis", "StartStreamEncryption"): ("KeyId", "KMSNotFoundException",
                                           "The KMS key '{key}' cannot be found."),
    ("secretsmanager", "CreateSecret"): ("KmsKeyId", "EncryptionFailure",
                                         "The secret value cannot be encrypted with the KMS "
                                         "key '{key}'."),
    **{("rds", op): ("KmsKeyId", "KMSKeyNotAccessibleFault",
                     "The KMS key '{key}' cannot be accessed.")
       for op in ("CreateDBInstance", "CreateDBCluster")},
    **{("cloudtrail", op): ("KmsKeyId", "KmsKeyNotFoundException",
                            "The KMS key '{key}' does not exist, or is not in the trail's region.")
       for op in ("CreateTrail", "UpdateTrail")},
}
# (service, operation) -> (kind, field naming the object, field naming its new name, label)
MODIFIES = {
    ("rds", "ModifyDBInstance"): ("instance", "DBInstanceIdentifier",
                                  "NewDBInstanceIdentifier", "modifying"),
    ("rds", "RebootDBInstance"): ("instance", "DBInstanceIdentifier", None, "rebooting"),
    ("rds", "ModifyDBCluster"): ("cluster", "DBClusterIdentifier",
                                 "NewDBClusterIdentifier", "modifying"),
    ("elasticache", "ModifyReplicationGroup"): ("group", "ReplicationGroupId", None,
                                                "modifying"),
}
# kind -> (error code refusing a modify meanwhile, noun of its message)
BUSY = {
    "instance": ("InvalidDBInstanceState", "DB instance"),
    "cluster": ("InvalidDBClusterStateFault", "DB cluster"),
    "group": ("InvalidReplicationGroupState", "Replication group"),
}
# (service, describe) -> (kind, item element, its id element, its status element)
STATUSES = {
    ("rds", "DescribeDBInstances"): ("instance", "DBInstance", "DBInstanceIdentifier",
                                     "DBInstanceStatus"),
    ("rds", "DescribeDBClusters"): ("cluster", "DBCluster", "DBClusterIdentifier", "Status"),
    ("elasticache", "DescribeReplicationGroups"): ("group", "ReplicationGroup",
                                                   "ReplicationGroupId", "Status"),
}
DRAINING_DELETES = {("ec2", "DeleteNatGateway"), ("ec2", "DeleteVpcEndpoints"),
                    ("ecs", "DeleteService"), ("rds", "DeleteDBInstance"),
                    ("rds", "DeleteDBCluster"), ("elasticache", "DeleteReplicationGroup")}
# How long after a database's, cache's or service's delete the first delete of what it held
# still meets the drain (the provider's own wait for the delete comes first).
DRAIN_MEMORY = 30 * 60
# The same service's deletes refused while what a database, cache or service held drains
# after its delete (each API reference's in-use error): (service, operation) -> (field naming
# the object, error code, message).
IN_USE_DELETES = {
    ("rds", "DeleteDBSubnetGroup"): (
        "DBSubnetGroupName", "InvalidDBSubnetGroupStateFault",
        "Cannot delete the subnet group '{0}' because at least one database instance is still "
        "using it."),
    ("rds", "DeleteDBParameterGroup"): (
        "DBParameterGroupName", "InvalidDBParameterGroupState",
        "One or more database instances are still members of this parameter group {0}, so the "
        "group cannot be deleted"),
    ("rds", "DeleteDBClusterParameterGroup"): (
        "DBClusterParameterGroupName", "InvalidDBParameterGroupState",
        "One or more DB clusters are still members of this parameter group {0}, so the group "
        "cannot be deleted"),
    ("elasticache", "DeleteCacheSubnetGroup"): (
        "CacheSubnetGroupName", "CacheSubnetGroupInUse",
        "Cache subnet group {0} is currently in use by a cache cluster."),
    ("ecs", "DeleteCluster"): (
        "cluster", "ClusterContainsTasksException",
        "The Cluster cannot be deleted while Tasks are active."),
}


def values(params, field):
    """The string values of a request field: a list for query/ec2 form fields, one for JSON
    (``Outer.inner`` names a field of a JSON object field)."""
    if field and "." in field:
        outer, inner = field.split(".", 1)
        nested = (params or {}).get(outer)
        return values(nested, inner) if isinstance(nested, dict) else []
    value = (params or {}).get(field)
    return [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]


def principals(policy):
    """The principals (ARNs, account ids, service names) a JSON policy document names."""
    try:
        document = json.loads(policy)
    except (TypeError, ValueError):
        return []
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    found = []
    for statement in [statements] if isinstance(statements, dict) else statements:
        principal = statement.get("Principal") if isinstance(statement, dict) else None
        for value in principal.values() if isinstance(principal, dict) else [principal]:
            found += value if isinstance(value, list) else [value]
    return [p for p in found if isinstance(p, str)]


def rest_call(protocol, service, operation, params, body=None):
    """(operation, params) of a REST call as the model names them: the operation's name for
    ``METHOD /path``, and the fields of its JSON body over the URL's query fields; an S3
    bucket call by its method and subresource, with the bucket as ``Bucket``."""
    if protocol == "rest-xml" and service == "s3":
        return s3_call(operation, params, body)
    if protocol != "rest":
        return operation, params
    for pattern, name in REST_OPERATIONS.get(service, ()):
        if pattern.match(operation or ""):
            try:
                fields = json.loads(body) if body else {}
            except ValueError:
                fields = {}
            return name, {**(params or {}), **(fields if isinstance(fields, dict) else {})}
    return operation, params


def s3_call(operation, params, body=None):
    """An S3 call on a bucket (path style, ``METHOD /bucket/``) by its AWS name: CreateBucket,
    PutBucketPolicy, GetBucketTagging... (``S3_SUBRESOURCES``); anything else as it came.
    PutBucketPolicy's body, the policy document, is its ``Policy``."""
    match = S3_BUCKET_PATH.match(operation or "")
    if not match:
        return operation, params
    method, bucket = match.groups()
    found = [k for k in (params or {}) if k in S3_SUBRESOURCES]
    if found:
        name = f"{S3_VERBS.get(method, method.title())}{S3_SUBRESOURCES[found[0]]}"
    else:
        name = {"PUT": "CreateBucket", "DELETE": "DeleteBucket", "HEAD": "HeadBucket"}.get(
            method, operation)
    fields = {**(params or {}), "Bucket": [bucket]}
    if name == "PutBucketPolicy" and body:
        fields["Policy"] = body.decode() if isinstance(body, bytes) else body
    return name, fields


def function_key(arn):
    """A function ARN without its version or alias (``...:function:NAME[:QUALIFIER]``)."""
    return ":".join(arn.split(":")[:7]) if ":function:" in arn else arn


def key_id(value):
    """A KMS key id from a key id or key ARN (``arn:aws:kms:...:key/ID`` -> ``ID``)."""
    return value.rsplit("/", 1)[1] if ":key/" in value else value


class Consistency:
    """AWS's eventual consistency, for ``FaultProxy(..., consistency=Consistency(...))``."""

    def __init__(self, seed=0, profile="aws", scale=1.0):
        if profile not in PROFILES:
            raise ValueError(f"unknown profile {profile!r}; one of {list(PROFILES)}")
        self.seed, self.profile, self.scale = seed, profile, scale
        self._bounds = PROFILES[profile]
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._drawn, self._counts = [], collections.Counter()
        self._ec2 = {}          # EC2 id -> when it becomes visible
        self._roles = {}        # role ARN -> when other services accept it
        self._role_names = {}   # role name -> when IAM itself finds it
        self._detached = {}     # role name -> when DeleteRole no longer conflicts
        self._keys = {}         # key id -> (key ARN, when it is usable)
        self._windows = {}      # (kind, name) -> (modifying from, until, label)
        self._drains = []       # when each drain window ends
        # service -> [[when a database, cache or service was deleted, when the window its
        # service's in-use refusals play ends (None until a delete first asks)]]
        self._service_drains = collections.defaultdict(list)
        self._named = Named(self._lag, self._counts)  # other services' named objects
        self._account = Account(self._lag, self._counts)  # the account baseline's services
        self._streams = Streams(self._lag, self._counts)  # Kinesis CREATING and UPDATING
        self._nats = NatStates(self._lag, self._counts)  # NAT gateways pending and deleting
        self._elsewhere = Elsewhere(self._lag, self._counts)  # new subnets and groups elsewhere
        self._grants = {}       # function ARN -> when Secrets Manager may invoke it

    def counts(self):
        """How many lagged answers of each kind were given, e.g. {"ec2.not_found": 3}."""
        with self._lock:
            return dict(self._counts)

    def drawn(self):
        """Every lag drawn so far, oldest first: [(kind, subject, seconds)]."""
        with self._lock:
            return list(self._drawn)

    def before(self, protocol, service, operation, params, body):
        """(status, code, message) of the error AWS would answer now, or None to forward."""
        operation, params = rest_call(protocol, service, operation, params, body)
        with self._lock:
            now = time.monotonic()
            for check in (self._ec2_refusal, self._iam_refusal, self._role_refusal,
                          self._kms_refusal, self._state_refusal, self._grant_refusal,
                          self._in_use_refusal, self._elsewhere.refusal, self._streams.refusal,
                          self._named.refusal,
                          self._account.refusal):
                refusal = check(service, operation, params or {}, now)
                if refusal:
                    self._counts[refusal[0]] += 1
                    return refusal[1]
        return None

    def after(self, protocol, service, operation, params, status, data):
        """Record what a successful call made; return its answer as AWS would give it now."""
        operation, params = rest_call(protocol, service, operation, params)
        with self._lock:
            now = time.monotonic()
            if 200 <= status < 300:
                self._record(service, operation, params or {}, data, now)
                return self._rewrite(service, operation, params or {}, data, now)
        return data

    def _lag(self, kind, subject):
        """Draw one lag of ``kind`` (scaled), record it, and return it in seconds."""
        low, high = self._bounds[kind]
        seconds = self._random.uniform(low, high) * self.scale
        self._drawn.append((kind, subject, seconds))
        return seconds

    @staticmethod
    def _pending(table, name, now):
        """True while ``table[name]`` (a time) is still ahead; forgets it once passed."""
        until = table.get(name)
        if until is None:
            return False
        if until <= now:
            del table[name]
            return False
        return True

    def _ec2_refusal(self, service, operation, params, now):
        """A call naming a new EC2 id; an EC2 delete while dependents drain."""
        if service != "ec2":
            return None
        for object_id in ec2.named_ids(params):
            if self._pending(self._ec2, object_id, now):
                return "ec2.not_found", ec2.not_found(object_id)
        self._drains = [end for end in self._drains if end > now]
        if self._drains and operation in ec2.DRAIN_REFUSED:
            return "ec2.dependency_violation", ec2.drain_refusal(operation, params)
        return None

    def _in_use_refusal(self, service, operation, params, now):
        """An RDS, ElastiCache or ECS delete while a database, cache or service just deleted
        still drains what it held (the subnet group, parameter group, cluster)."""
        spec = IN_USE_DELETES.get((service, operation))
        if spec is None:
            return None
        # The window opens at the first such delete after the database, cache or service
        # went (the provider deletes what it held only once it reads it gone), so that its
        # own wait for the delete does not use the window up.
        drains = self._service_drains[service]
        for drain in drains:
            if drain[1] is None:
                drain[1] = now + self._lag("drain", f"{service}:{operation}")
        drains[:] = [d for d in drains if d[1] > now and now - d[0] < DRAIN_MEMORY]
        if not drains:
            return None
        field, code, message = spec
        name = next(iter(values(params, field)), "")
        return f"{service}.in_use", (400, code, message.format(name))

    def _iam_refusal(self, service, operation, params, now):
        """IAM's own calls on a role it has just made, or just took a policy from."""
        if service != "iam":
            return None
        name = next(iter(values(params, "RoleName")), None)
        if operation in IAM_OWN and self._pending(self._role_names, name, now):
            return "iam.no_such_entity", (404, "NoSuchEntity",
                                          f"The role with name {name} cannot be found.")
        if operation == "DeleteRole" and self._pending(self._detached, name, now):
            return "iam.delete_conflict", (409, "DeleteConflict",
                                           "Cannot delete entity, must detach all policies first.")
        return None

    def _role_refusal(self, service, operation, params, now):
        """Another service given a role that has not reached it yet."""
        user = ROLE_USERS.get((service, operation))
        if user is None:
            return None
        fields, policy_field, (code, message) = user
        arns = [arn for field in fields for arn in values(params, field)]
        arns += [p for text in values(params, policy_field) for p in principals(text)]
        for arn in arns:
            if self._pending(self._roles, arn, now):
                account = arn.split(":")[4] if arn.count(":") >= 5 else ""
                return "iam.not_propagated", (400, code, message.format(arn=arn, account=account))
        return None

    def _kms_refusal(self, service, operation, params, now):
        """KMS, or a service given a key, naming a key KMS has just made."""
        if service == "kms" and operation not in KMS_UNREFUSED:
            for value in (v for field in KMS_KEY_FIELDS for v in values(params, field)):
                if self._key_pending(value, now):
                    arn = self._keys[key_id(value)][0]
                    return "kms.not_found", (400, "NotFoundException",
                                             f"Key '{arn}' does not exist")
        user = KEY_USERS.get((service, operation))
        if user is None:
            return None
        field, code, message = user
        if operation == "CreateSecret" and not ({"SecretString", "SecretBinary"} & set(params)):
            return None  # no value to encrypt: the key is not used yet
        for value in values(params, field):
            if self._key_pending(value, now):
                return "kms.not_propagated", (400, code, message.format(key=value))
        return None

    def _key_pending(self, value, now):
        """True while the key named by id or ARN is not usable yet."""
        entry = self._keys.get(key_id(value))
        if entry is None:
            return False
        if entry[1] <= now:
            del self._keys[key_id(value)]
            return False
        return True

    def _grant_refusal(self, service, operation, params, now):
        """RotateSecret naming a function whose grant to Secrets Manager is not in force yet."""
        if (service, operation) != ("secretsmanager", "RotateSecret"):
            return None
        for arn in values(params, "RotationLambdaARN"):
            if self._pending(self._grants, function_key(arn), now):
                return "lambda.permission_not_propagated", ROTATION_DENIED
        return None

    def _state_refusal(self, service, operation, params, now):
        """A modify of an object still showing modifying or rebooting."""
        modify = MODIFIES.get((service, operation))
        if modify is None:
            return None
        kind, field = modify[:2]
        name = next(iter(values(params, field)), None)
        label = self._transition(kind, name, now)
        if label is None:
            return None
        code, noun = BUSY[kind]
        return f"{service}.invalid_state", (400, code, f"{noun} {name} is not in available "
                                                       f"state (it is {label}).")

    def _transition(self, kind, name, now):
        """The transitional status an object shows now, or None."""
        window = self._windows.get((kind, name))
        if window is None:
            return None
        start, end, label = window
        if end <= now:
            del self._windows[(kind, name)]
            return None
        return label if start <= now else None

    def _record(self, service, operation, params, data, now):
        """Note the objects, roles, keys, modify and drain windows a successful call made."""
        if service == "ec2":
            for object_id in ec2.new_ids(operation, params, data):
                self._ec2[object_id] = now + self._lag("ec2.visible", object_id)
                self._elsewhere.made(object_id, self._ec2[object_id])
            self._nats.record(operation, params, data, now)
        if (service, operation) in DRAINING_DELETES:
            self._drains.append(now + self._lag("drain", f"{service}:{operation}"))
            if service != "ec2":
                self._service_drains[service].append([now, None])
        if (service, operation) in (("iam", "CreateRole"), ("iam", "CreateServiceLinkedRole")):
            self._record_role(data, now)
        if (service, operation) == ("kms", "CreateKey"):
            self._record_key(data, now)
        if service == "iam" and operation in ("DetachRolePolicy", "DeleteRolePolicy"):
            for name in values(params, "RoleName"):
                self._detached[name] = now + self._lag("iam.detach", name)
        if (service, operation) in MODIFIES:
            self._record_modify(MODIFIES[(service, operation)], params, now)
        if (service, operation) == ("lambda", "AddPermission"):
            self._record_grant(data, now)
        self._named.record(service, operation, params, data, now)
        self._account.record(service, operation, params, data, now)
        self._streams.record(service, operation, params, now)

    def _record_role(self, data, now):
        """A new role: other services get it later, IAM itself a little later."""
        root, ns = ec2.parse(data)
        for role in root.iter(ec2.qname(ns, "Role")) if root is not None else []:
            arn, name = ec2.child_text(role, ns, "Arn"), ec2.child_text(role, ns, "RoleName")
            if arn:
                self._roles[arn] = now + self._lag("iam.role", arn)
            if name:
                self._role_names[name] = now + self._lag("iam.entity", name)

    def _record_grant(self, data, now):
        """A function policy statement just added: one granting Secrets Manager takes effect
        a little later."""
        try:
            statement = json.loads(json.loads(data).get("Statement") or "{}")
        except (ValueError, AttributeError, TypeError):
            return
        if not isinstance(statement, dict):
            return
        principal = statement.get("Principal")
        service = principal.get("Service") if isinstance(principal, dict) else principal
        resource = statement.get("Resource")
        if service == ROTATION_PRINCIPAL and isinstance(resource, str):
            arn = function_key(resource)
            self._grants[arn] = now + self._lag("lambda.permission", arn)

    def _record_key(self, data, now):
        """A new KMS key, unknown for a while by its id and its ARN."""
        try:
            metadata = json.loads(data).get("KeyMetadata") or {}
        except (ValueError, AttributeError):
            return
        if metadata.get("KeyId"):
            arn = metadata.get("Arn") or metadata["KeyId"]
            self._keys[metadata["KeyId"]] = (arn, now + self._lag("kms.key", arn))

    def _record_modify(self, modify, params, now):
        """A modify: the object says available a while longer, then modifying for a while."""
        kind, field, new_field, label = modify
        name = next(iter(values(params, new_field) or values(params, field)), None)
        if name is None:
            return
        start = now + self._lag("modify.start", name)
        self._windows[(kind, name)] = (start, start + self._lag("modify.window", name), label)

    def _rewrite(self, service, operation, params, data, now):
        """The answer as AWS would give it now (data itself when nothing changes)."""
        if service == "ec2" and operation == "DescribeNatGateways":
            return self._nats.rewrite(self._hide_new_objects(data, now), now)
        if service == "ec2" and operation.startswith("Describe"):
            return self._hide_new_objects(data, now)
        if (service, operation) in STATUSES:
            return self._show_transitions(service, STATUSES[(service, operation)], data, now)
        data = self._named.rewrite(service, operation, params, data, now)
        data = self._streams.rewrite(service, operation, params, data, now)
        return self._account.rewrite(service, operation, params, data, now)

    def _hide_new_objects(self, data, now):
        """An EC2 describe answer without the objects that are not visible yet."""
        self._ec2 = {i: until for i, until in self._ec2.items() if until > now}
        lagging = set(self._ec2)
        if not any(i.encode() in data for i in lagging):
            return data
        answer, dropped = ec2.drop_lagging(data, lagging.__contains__)
        if dropped:
            self._counts["ec2.filtered"] += 1
        return answer

    def _show_transitions(self, service, spec, data, now):
        """A describe answer whose objects in a modify window show their transitional status."""
        kind, item_tag, id_tag, status_tag = spec
        names = [name for (k, name) in list(self._windows) if k == kind]
        showing = {name: self._transition(kind, name, now) for name in names}
        showing = {name: label for name, label in showing.items() if label}
        if not any(name.encode() in data for name in showing):
            return data
        root, ns = ec2.parse(data)
        changed = []
        for item in root.iter(ec2.qname(ns, item_tag)) if root is not None else []:
            label = showing.get(ec2.child_text(item, ns, id_tag))
            status = item.find(ec2.qname(ns, status_tag))
            if label and status is not None and status.text == "available":
                status.text = label
                changed.append(label)
        for label in set(changed):
            self._counts[f"{service}.{label}"] += 1
        return ec2.write(root, ns, data) if changed else data
