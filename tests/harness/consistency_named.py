"""The named-object half of the eventual-consistency model: services other than EC2.

AWS's services are eventually consistent beyond EC2 too: an object just made by name (a
secret, a log group, an RDS or ElastiCache subnet or parameter group, a task definition
revision, an ECS service, a scalable target, an inline role policy) may be unknown for a
moment to the next call naming it, which then answers that service's not-found error, and
a list or describe may leave it out. Each object gets one lag ("named.visible") drawn when
its create succeeds. A secret deleted without a recovery window keeps its name for one lag
("named.freeing", drawn at the delete): Secrets Manager deletes it in the background, and
refuses a new secret of that name meanwhile; so does a bucket just deleted, which S3 refuses to
make again (OperationAborted) until the delete has gone through. ECS also answers an account's first CreateCluster with
InvalidParameterException while it makes its service-linked role ("ecs.linked_role").

``Named`` keeps those objects for ``consistency.Consistency``, which holds the lock, the
seeded random and the counts; it draws through ``lag(kind, subject)`` and counts each
lagged answer under ``named.<kind>`` (a refusal) or ``named.<kind>.hidden`` (an answer
rewritten), and ``ecs.linked_role``.
"""

import json

if __package__:
    from . import consistency_ec2 as xml
else:  # run as a program, with tests/harness first on sys.path
    import consistency_ec2 as xml

# kind -> (HTTP status, error code, message; {0}, {1}... are the parts of the name), as each
# service's API reference (code, status) and moto (message) give them.
KINDS = {
    "secret": (400, "ResourceNotFoundException",
               "Secrets Manager can't find the specified secret."),
    "log_group": (400, "ResourceNotFoundException", "The specified log group does not exist."),
    "db_subnet_group": (404, "DBSubnetGroupNotFoundFault", "Subnet Group {0} not found."),
    "db_parameter_group": (404, "DBParameterGroupNotFound", "DB Parameter Group {0} not found."),
    # RDS answers DBParameterGroupNotFound for cluster parameter groups too (its API reference
    # for DescribeDBClusterParameterGroups and ModifyDBClusterParameterGroup).
    "db_cluster_parameter_group": (404, "DBParameterGroupNotFound",
                                   "DBClusterParameterGroup not found: {0}"),
    "db_instance": (404, "DBInstanceNotFound", "DBInstance {0} not found."),
    "db_cluster": (404, "DBClusterNotFoundFault", "DBCluster {0} not found."),
    "cache_subnet_group": (400, "CacheSubnetGroupNotFoundFault",
                           "CacheSubnetGroup {0} not found."),
    "cache_cluster": (404, "CacheClusterNotFound", "Cache cluster {0} not found."),
    "replication_group": (404, "ReplicationGroupNotFoundFault",
                          "Replication group {0} not found."),
    "task_definition": (400, "ClientException", "Unable to describe task definition."),
    "ecs_service": (400, "ValidationException", "ECS service doesn't exist: {0}"),
    "scalable_target": (400, "ObjectNotFoundException",
                        "No scalable target registered for service namespace: {0}, "
                        "resource ID: {1}, scalable dimension: {2}"),
    "role_policy": (404, "NoSuchEntity", "The role policy with name {1} cannot be found."),
    "bucket": (404, "NoSuchBucket", "The specified bucket does not exist"),
    "kms_alias": (400, "NotFoundException", "Alias {0} is not found."),
}
# (service, operation) -> (kind, the request fields naming the object) for calls refused
# while the object they name lags.
NAMERS = {
    **{("secretsmanager", op): ("secret", ("SecretId",))
       for op in ("DescribeSecret", "GetSecretValue", "PutSecretValue", "TagResource",
                  "UntagResource", "PutResourcePolicy", "RotateSecret")},
    **{("logs", op): ("log_group", ("logGroupName", "logGroupIdentifier", "resourceIdentifier",
                                    "resourceArn"))
       for op in ("PutRetentionPolicy", "TagResource", "TagLogGroup", "AssociateKmsKey",
                  "PutMetricFilter")},
    ("rds", "DescribeDBSubnetGroups"): ("db_subnet_group", ("DBSubnetGroupName",)),
    **{("rds", op): ("db_parameter_group", ("DBParameterGroupName",))
       for op in ("DescribeDBParameterGroups", "ModifyDBParameterGroup")},
    **{("rds", op): ("db_cluster_parameter_group", ("DBClusterParameterGroupName",))
       for op in ("DescribeDBClusterParameterGroups", "ModifyDBClusterParameterGroup")},
    ("elasticache", "DescribeCacheSubnetGroups"): ("cache_subnet_group",
                                                   ("CacheSubnetGroupName",)),
    ("elasticache", "DescribeCacheClusters"): ("cache_cluster", ("CacheClusterId",)),
    ("ecs", "DescribeTaskDefinition"): ("task_definition", ("taskDefinition",)),
    # KMS's eventual consistency: an alias just made may not resolve yet.
    **{("kms", op): ("kms_alias", ("KeyId",))
       for op in ("DescribeKey", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
                  "ReEncrypt")},
    **{("s3", op): ("bucket", ("Bucket",))
       for op in ("PutBucketTagging", "PutBucketPolicy", "PutBucketVersioning",
                  "PutBucketEncryption", "PutPublicAccessBlock", "PutBucketLogging",
                  "PutObjectLockConfiguration")},
}
# RDS names its objects case-insensitively (it keeps them in lower case), and so does
# ElastiCache.
FOLDED = {"db_subnet_group", "db_parameter_group", "db_cluster_parameter_group",
          "db_instance", "db_cluster", "cache_subnet_group", "cache_cluster",
          "replication_group"}
# An RDS ARN's resource type -> the kind of object it names.
RDS_ARN_KINDS = {"db": "db_instance", "cluster": "db_cluster", "subgrp": "db_subnet_group"}
# An ElastiCache ARN's resource type -> the kind of object it names.
CACHE_ARN_KINDS = {"replicationgroup": "replication_group", "subnetgroup": "cache_subnet_group"}
# (service, operation) -> (kind, request field naming what it made) for creates whose
# request names the object.
MADE_BY_NAME = {
    ("logs", "CreateLogGroup"): ("log_group", "logGroupName"),
    ("rds", "CreateDBSubnetGroup"): ("db_subnet_group", "DBSubnetGroupName"),
    ("rds", "CreateDBParameterGroup"): ("db_parameter_group", "DBParameterGroupName"),
    ("rds", "CreateDBClusterParameterGroup"): ("db_cluster_parameter_group",
                                               "DBClusterParameterGroupName"),
    ("rds", "CreateDBInstance"): ("db_instance", "DBInstanceIdentifier"),
    ("rds", "CreateDBCluster"): ("db_cluster", "DBClusterIdentifier"),
    ("elasticache", "CreateCacheSubnetGroup"): ("cache_subnet_group", "CacheSubnetGroupName"),
    ("elasticache", "CreateReplicationGroup"): ("replication_group", "ReplicationGroupId"),
    ("s3", "CreateBucket"): ("bucket", "Bucket"),
    ("kms", "CreateAlias"): ("kms_alias", "AliasName"),
}
DELIVERY_POLICY = (400, "InsufficientDeliveryPolicyException",
                   "Your Amazon S3 bucket policy does not allow AWS Config to write to it.")
# Secrets Manager's DeleteSecret reference: a secret deleted with ForceDeleteWithoutRecovery
# goes in the background, a short while later; a new secret of its name is refused meanwhile
# (terraform-provider-aws retries CreateSecret on this message).
NAME_HELD = (400, "InvalidRequestException", "You can't create this secret because a secret "
             "with this name is already scheduled for deletion.")
# S3's error codes: OperationAborted (409), "A conflicting conditional operation is currently
# in progress against this resource"; a bucket name is freed some time after DeleteBucket
# (terraform-provider-aws retries CreateBucket on it for five minutes).
BUCKET_HELD = (409, "OperationAborted", "A conflicting conditional operation is currently in "
               "progress against this resource. Please try again.")
LINKED_ROLE = (400, "InvalidParameterException", "Unable to assume the service linked role. "
               "Please verify that the ECS service linked role exists.")


def first(params, field):
    """The first string value of a request field (query: a list; JSON: the value), or None."""
    value = (params or {}).get(field)
    value = value[0] if isinstance(value, list) and value else value
    return value if isinstance(value, str) else None


def load(data):
    """A JSON answer as a dict ({} when it is not one)."""
    try:
        answer = json.loads(data or b"{}")
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def log_group_name(value):
    """A log group's name from its name or ARN (``arn:...:log-group:NAME[:*]`` -> ``NAME``)."""
    if ":log-group:" not in value:
        return value
    name = value.split(":log-group:", 1)[1]
    return name[:-2] if name.endswith(":*") else name


def secret_name(arn):
    """A secret's name from its ARN (``arn:...:secret:NAME-AbCdEf`` -> ``NAME``)."""
    return arn.split(":secret:", 1)[1].rsplit("-", 1)[0] if ":secret:" in arn else arn


def stream_name(params):
    """A Kinesis request's stream, by StreamName or StreamARN (``...:stream/NAME``)."""
    arn = first(params, "StreamARN")
    return first(params, "StreamName") or (arn.rsplit("/", 1)[1] if arn else None)


class Named:
    """The objects just made by name that AWS does not know everywhere yet."""

    def __init__(self, lag, counts):
        self._lag, self._counts = lag, counts
        self._objects = {}          # (kind, name) -> (visible when, count key)
        self._known = set()         # scalable targets and role policies already made
        self._tags = {}             # stream name -> {tag key: when it shows}
        self._rotations = {}        # key id -> when GetKeyRotationStatus shows it enabled
        self._linked_role = None    # when ECS has made its service-linked role
        self._policies = {}         # bucket -> when AWS Config sees the policy just put
        self._freeing = {}          # secret name -> when a new secret may take it
        self._buckets_freeing = {}  # bucket name -> when CreateBucket may take it again

    def _add(self, kind, names, subject, now, count=None):
        """Make ``names`` of ``kind`` unknown for one lag drawn for ``subject``."""
        until = now + self._lag("named.visible", subject)
        for name in names:
            key = name.lower() if kind in FOLDED else name
            self._objects[(kind, key)] = (until, count or f"named.{kind}")

    def _lagging(self, kind, name, now):
        """The count key of ``name`` while it lags, else None (forgetting it once visible)."""
        key = (kind, name.lower() if kind in FOLDED else name)
        entry = self._objects.get(key)
        if entry is None:
            return None
        if entry[0] <= now:
            del self._objects[key]
            return None
        return entry[1]

    def refusal(self, service, operation, params, now):
        """(count key, (status, code, message)) of AWS's answer to a call naming an object
        it does not know yet, or of ECS's first CreateCluster; None to forward the call."""
        if (service, operation) == ("ecs", "CreateCluster"):
            if self._linked_role is None:
                self._linked_role = now + self._lag("ecs.linked_role", "CreateCluster")
            return ("ecs.linked_role", LINKED_ROLE) if now < self._linked_role else None
        if (service, operation) == ("secretsmanager", "CreateSecret"):
            until = self._freeing.get(first(params, "Name"))
            if until is not None and now < until:
                return "named.secret_name_held", NAME_HELD
        if (service, operation) == ("s3", "CreateBucket"):
            until = self._buckets_freeing.get(first(params, "Bucket"))
            if until is not None and now < until:
                return "named.bucket_name_held", BUCKET_HELD
        if (service, operation) == ("config", "PutDeliveryChannel"):
            channel = params.get("DeliveryChannel")
            bucket = channel.get("s3BucketName") if isinstance(channel, dict) else None
            until = self._policies.get(bucket)
            if until is not None and now < until:
                return "named.delivery_policy", DELIVERY_POLICY
        for kind, name in self._named(service, operation, params):
            count = self._lagging(kind, "\n".join(name), now)
            if count:
                status, code, message = KINDS[kind]
                return count, (status, code, message.format(*name))
        return None

    @staticmethod
    def _named(service, operation, params):
        """[(kind, name parts)] of the objects a call names."""
        if (service, operation) in NAMERS:
            kind, fields = NAMERS[(service, operation)]
            found = [v for field in fields for v in [first(params, field)] if v]
            if kind == "log_group":
                found = [log_group_name(v) for v in found]
            if kind == "kms_alias":  # an alias by name or ARN; a key id is never one
                found = ["alias/" + v.split(":alias/", 1)[1] if ":alias/" in v else v
                         for v in found if "alias/" in v]
            return [(kind, (v,)) for v in found]
        if service == "rds" and operation in ("AddTagsToResource", "ListTagsForResource"):
            parts = (first(params, "ResourceName") or "").split(":")
            kind = RDS_ARN_KINDS.get(parts[5]) if len(parts) >= 7 else None
            return [(kind, (parts[6],))] if kind else []
        if (service, operation) == ("elasticache", "ListTagsForResource"):
            parts = (first(params, "ResourceName") or "").split(":")
            kind = CACHE_ARN_KINDS.get(parts[5]) if len(parts) >= 7 else None
            return [(kind, (parts[6],))] if kind else []
        if service == "application-autoscaling":
            target = tuple(first(params, f) for f in ("ServiceNamespace", "ResourceId",
                                                      "ScalableDimension"))
            if operation == "RegisterScalableTarget" and target[0] == "ecs" and target[1]:
                return [("ecs_service", (target[1],))]
            if operation == "PutScalingPolicy" and all(target):
                return [("scalable_target", target)]
        if (service, operation) == ("iam", "GetRolePolicy"):
            policy = (first(params, "RoleName"), first(params, "PolicyName"))
            return [("role_policy", policy)] if all(policy) else []
        return []

    def record(self, service, operation, params, data, now):
        """Note what a successful call made (a create, a tag, a key rotation enabled)."""
        made = MADE_BY_NAME.get((service, operation))
        name = first(params, made[1]) if made else None
        if name:
            self._add(made[0], [name], name, now)
        if (service, operation) == ("s3", "PutBucketPolicy") and first(params, "Bucket"):
            bucket = first(params, "Bucket")
            self._policies[bucket] = now + self._lag("named.visible", f"{bucket} policy")
        if service == "secretsmanager" and operation == "CreateSecret":
            answer = load(data)
            names = [answer[f] for f in ("ARN", "Name") if isinstance(answer.get(f), str)]
            if names:
                self._add("secret", names, names[0], now)
        elif (service, operation) == ("s3", "DeleteBucket") and first(params, "Bucket"):
            held = first(params, "Bucket")
            self._buckets_freeing[held] = now + self._lag("named.freeing", f"{held} deleted")
        elif (service, operation) == ("secretsmanager", "DeleteSecret"):
            answer = load(data)
            forced = (params or {}).get("ForceDeleteWithoutRecovery") is True
            if forced and isinstance(answer.get("Name"), str):
                held = answer["Name"]
                self._freeing[held] = now + self._lag("named.freeing", f"{held} deleted")
        elif service == "rds" and operation in ("CreateDBInstance", "CreateDBCluster"):
            self._record_master_secret(data, now)
        elif (service, operation) == ("elasticache", "CreateReplicationGroup"):
            root, ns = xml.parse(data)
            members = [e.text for e in root.iter(xml.qname(ns, "ClusterId")) if e.text] \
                if root is not None else []
            if members:
                self._add("cache_cluster", members, first(params, "ReplicationGroupId"), now)
        elif service == "ecs":
            self._record_ecs(operation, data, now)
        elif service in ("application-autoscaling", "iam", "kinesis", "kms"):
            self._record_other(service, operation, params, now)

    def _record_master_secret(self, data, now):
        """The secret RDS makes for a managed master password: unknown to Secrets Manager."""
        root, ns = xml.parse(data)
        found = root.find(f".//{xml.qname(ns, 'MasterUserSecret')}") if root is not None \
            else None
        arn = xml.child_text(found, ns, "SecretArn") if found is not None else None
        if arn:
            self._add("secret", [arn, secret_name(arn)], arn, now, count="named.rds_secret")

    def _record_ecs(self, operation, data, now):
        """A task definition revision (by family:revision and ARN), or a service (by the
        resource id Application Auto Scaling names it by)."""
        answer = load(data)
        if operation == "RegisterTaskDefinition":
            task = answer.get("taskDefinition") or {}
            arn, family, revision = (task.get(f) for f in ("taskDefinitionArn", "family",
                                                           "revision"))
            if arn and family and revision:
                names = [arn, f"{family}:{revision}"] + ([family] if revision == 1 else [])
                self._add("task_definition", names, f"{family}:{revision}", now)
        elif operation == "CreateService":
            service = answer.get("service") or {}
            cluster = (service.get("clusterArn") or "").rsplit("/", 1)[-1]
            if cluster and service.get("serviceName"):
                resource = f"service/{cluster}/{service['serviceName']}"
                self._add("ecs_service", [resource], resource, now)

    def _record_other(self, service, operation, params, now):
        """Scalable targets and inline role policies made (not updated), stream tags added,
        key rotation enabled."""
        if service == "application-autoscaling":
            target = tuple(first(params, f) for f in ("ServiceNamespace", "ResourceId",
                                                      "ScalableDimension"))
            if operation == "RegisterScalableTarget" and all(target) \
                    and ("scalable_target", target) not in self._known:
                self._known.add(("scalable_target", target))
                self._add("scalable_target", ["\n".join(target)], target[1], now)
            elif operation == "DeregisterScalableTarget":
                self._known.discard(("scalable_target", target))
        elif service == "iam":
            policy = (first(params, "RoleName"), first(params, "PolicyName"))
            if operation == "PutRolePolicy" and all(policy) \
                    and ("role_policy", policy) not in self._known:
                self._known.add(("role_policy", policy))
                until = now + self._lag("iam.entity", "/".join(policy))
                self._objects[("role_policy", "\n".join(policy))] = (until, "named.role_policy")
            elif operation == "DeleteRolePolicy":
                self._known.discard(("role_policy", policy))
            elif operation == "DeleteRole":
                self._known = {k for k in self._known
                               if not (k[0] == "role_policy" and k[1][0] == policy[0])}
        elif service == "kinesis" and operation in ("CreateStream", "AddTagsToStream"):
            tags, stream = params.get("Tags"), stream_name(params)
            if isinstance(tags, dict) and tags and stream:
                until = now + self._lag("named.visible", f"{stream} tags")
                self._tags.setdefault(stream, {}).update(dict.fromkeys(tags, until))
        elif service == "kms" and operation in ("EnableKeyRotation", "DisableKeyRotation"):
            key = first(params, "KeyId")
            key = key.rsplit("/", 1)[1] if key and ":key/" in key else key
            if key and operation == "EnableKeyRotation":
                self._rotations[key] = now + self._lag("named.visible", f"{key} rotation")
            elif key:
                self._rotations.pop(key, None)

    def rewrite(self, service, operation, params, data, now):
        """The answer as AWS would give it now (``data`` itself when nothing changes)."""
        if (service, operation) == ("logs", "DescribeLogGroups"):
            return self._drop_json(data, "logGroups", "logGroupName", "log_group", now)
        if (service, operation) == ("kms", "ListAliases"):
            return self._drop_json(data, "Aliases", "AliasName", "kms_alias", now)
        if (service, operation) == ("elasticache", "DescribeCacheClusters"):
            return self._drop_cache_clusters(data, now)
        if (service, operation) == ("kinesis", "ListTagsForStream"):
            return self._hide_tags(stream_name(params), data, now)
        if (service, operation) == ("kms", "GetKeyRotationStatus"):
            return self._stale_rotation(first(params, "KeyId"), data, now)
        return data

    def _drop_json(self, data, list_field, name_field, kind, now):
        """A JSON list answer without the items whose name still lags."""
        if not any(k == kind for k, _ in self._objects):
            return data
        answer = load(data)
        items = answer.get(list_field)
        if not isinstance(items, list):
            return data
        kept = [i for i in items if not (isinstance(i, dict) and isinstance(
            i.get(name_field), str) and self._lagging(kind, i[name_field], now))]
        if len(kept) == len(items):
            return data
        self._counts[f"named.{kind}.hidden"] += 1
        return json.dumps(dict(answer, **{list_field: kept})).encode()

    def _drop_cache_clusters(self, data, now):
        """A DescribeCacheClusters answer without the member clusters of a new group."""
        if not any(k == "cache_cluster" for k, _ in self._objects):
            return data
        root, ns = xml.parse(data)
        dropped = 0
        for group in root.iter(xml.qname(ns, "CacheClusters")) if root is not None else []:
            for item in list(group):
                cluster = xml.child_text(item, ns, "CacheClusterId")
                if cluster and self._lagging("cache_cluster", cluster, now):
                    group.remove(item)
                    dropped += 1
        if not dropped:
            return data
        self._counts["named.cache_cluster.hidden"] += 1
        return xml.write(root, ns, data)

    def _hide_tags(self, stream, data, now):
        """A ListTagsForStream answer without the tags just added."""
        pending = {k: t for k, t in self._tags.get(stream, {}).items() if t > now}
        if not pending:
            self._tags.pop(stream, None)
            return data
        self._tags[stream] = pending
        answer = load(data)
        tags = answer.get("Tags")
        if not isinstance(tags, list):
            return data
        kept = [t for t in tags if not (isinstance(t, dict) and t.get("Key") in pending)]
        if len(kept) == len(tags):
            return data
        self._counts["named.stream_tags.hidden"] += 1
        return json.dumps(dict(answer, Tags=kept)).encode()

    def _stale_rotation(self, key, data, now):
        """A GetKeyRotationStatus answer that does not show rotation just enabled yet."""
        key = key.rsplit("/", 1)[1] if key and ":key/" in key else key
        until = self._rotations.get(key)
        if until is None:
            return data
        if until <= now:
            del self._rotations[key]
            return data
        answer = load(data)
        if answer.get("KeyRotationEnabled") is not True:
            return data
        self._counts["named.key_rotation.hidden"] += 1
        return json.dumps(dict(answer, KeyRotationEnabled=False)).encode()
