"""ElastiCache additions for the moto launcher: a Redis replication group as AWS documents it.

Each addition is one function named after the AWS operation it completes, patching moto's
ElastiCache backend or response class (idempotently, like the launcher's own additions).
Together they let a replication group with cluster mode disabled, TLS, an AUTH token and
encryption at rest be created, resized, modified, described node by node and deleted, with
its cache subnet group, as on AWS. Errors are moto's ElastiCache errors, so boto3 sees AWS's
error codes. ``ELASTICACHE_ADDITIONS`` lists them for the launcher.
"""

import itertools

if __package__:
    from .moto_elasticache_shards import ELASTICACHE_SHARD_ADDITIONS
    from .moto_elasticache_shards import available_group as _available_group
    from .moto_elasticache_shards import engine_change
else:  # run as a program, with tests/harness first on sys.path
    from moto_elasticache_shards import ELASTICACHE_SHARD_ADDITIONS
    from moto_elasticache_shards import available_group as _available_group
    from moto_elasticache_shards import engine_change

# AWS: "The maximum permitted value for NumCacheClusters is 6 (1 primary plus 5 replicas)."
MAX_REPLICAS = 5
AUTH_TOKEN_UPDATE_STRATEGIES = ("SET", "ROTATE", "DELETE")
# The token of a group made without the additions seeing its AuthToken.
UNSEEN_AUTH_TOKEN = object()


try:
    from .moto_patch import install as _install
    from .moto_patch import installed as _installed
except ImportError:  # loaded as a top-level module, as the launcher run as a program does
    from moto_patch import install as _install
    from moto_patch import installed as _installed


def _replica_count(count):
    """count, or InvalidParameterValue when it is missing or outside 0..MAX_REPLICAS."""
    from moto.elasticache.exceptions import InvalidParameterValueException

    if count is None or not 0 <= count <= MAX_REPLICAS:
        raise InvalidParameterValueException(
            f"NewReplicaCount must be between 0 and {MAX_REPLICAS}, got {count}.")
    return count


def _node_group(group):
    """The single node group of a cluster-mode-disabled group, with its primary and replicas."""
    if group.cluster_enabled:
        raise NotImplementedError("replica counts of cluster mode enabled replication groups")
    [node_group] = group.node_groups
    members = node_group["node_group_members"]
    [primary] = [m for m in members if m["current_role"] == "primary"]
    return node_group, primary, [m for m in members if m["current_role"] == "replica"]


def _set_members(group, node_group, members):
    node_group["node_group_members"] = sorted(members, key=lambda m: m["cache_cluster_id"])
    group.member_clusters = [m["cache_cluster_id"] for m in node_group["node_group_members"]]


def _replica_zone(backend, group, members):
    """The zone of the group's subnet group holding fewest members (moto's us-east-1b without)."""
    subnet_group = backend.cache_subnet_groups.get(group.cache_subnet_group_name)
    zones = [s["subnet_availability_zone"] for s in subnet_group.subnets
             if "subnet_availability_zone" in s] if subnet_group else []
    used = [m["preferred_availability_zone"] for m in members]
    return min(zones, key=used.count) if zones else "us-east-1b"


def elasticache_create_replication_group():
    """ElastiCache CreateReplicationGroup: honour NumCacheClusters, check the subnet group and
    the AUTH token's transport.

    AWS: "NumCacheClusters: The number of clusters this replication group initially has"
    (cluster mode disabled); moto 5.2.5 counts members only from ReplicasPerNodeGroup, so
    NumCacheClusters=N now makes the primary ``<id>-001`` and replicas ``<id>-002``.. in the
    zones of PreferredCacheClusterAZs. A CacheSubnetGroupName naming no subnet group is refused
    with CacheSubnetGroupNotFoundFault, and "AuthToken can be specified only on replication
    groups where TransitEncryptionEnabled is true" with InvalidParameterCombination. The AUTH
    token is recorded for ModifyReplicationGroup's update strategies. Moto's behaviour is kept
    otherwise.
    """
    from moto.elasticache.exceptions import (CacheSubnetGroupNotFound,
                                             InvalidParameterCombinationException)
    from moto.elasticache.models import ElastiCacheBackend

    if _installed(ElastiCacheBackend, "create_replication_group"):
        return
    original = ElastiCacheBackend.create_replication_group

    def create_replication_group(self, **kwargs):
        subnet_group = kwargs["cache_subnet_group_name"]
        if subnet_group and subnet_group not in self.cache_subnet_groups:
            raise CacheSubnetGroupNotFound(subnet_group)
        if kwargs["auth_token"] and not kwargs["transit_encryption_enabled"]:
            raise InvalidParameterCombinationException(
                "AuthToken can be specified only on replication groups where "
                "TransitEncryptionEnabled is true.")
        if (kwargs["cluster_mode"] != "enabled" and kwargs["num_cache_clusters"]
                and not kwargs["replicas_per_node_group"]):
            kwargs["replicas_per_node_group"] = kwargs["num_cache_clusters"] - 1
        group = original(self, **kwargs)
        group.auth_tokens = [kwargs["auth_token"] or None]
        return group

    _install(ElastiCacheBackend, create_replication_group)


def elasticache_increase_replica_count():
    """ElastiCache IncreaseReplicaCount (missing in moto 5.2.5), cluster mode disabled.

    AWS: "Dynamically increases the number of replicas in a ... (cluster mode disabled)
    replication group"; NewReplicaCount is "the number of replica nodes in the replication
    group" afterwards. New replicas take the next free ``<id>-00N`` ids, in the least used zone
    of the group's subnet group, and join NodeGroupMembers and MemberClusters; the answer is
    {ReplicationGroup}. A missing group is ReplicationGroupNotFoundFault, one not available
    InvalidReplicationGroupState, and a count outside 0..5 or not above the current one
    InvalidParameterValue.
    """
    from moto.core.responses import ActionResult
    from moto.elasticache.exceptions import InvalidParameterValueException
    from moto.elasticache.responses import ElastiCacheResponse

    if _installed(ElastiCacheResponse, "increase_replica_count"):
        return

    def increase_replica_count(self):
        backend = self.elasticache_backend
        group = _available_group(backend, self._get_param("ReplicationGroupId"))
        node_group, primary, replicas = _node_group(group)
        count = _replica_count(self._get_param("NewReplicaCount"))
        if count <= len(replicas):
            raise InvalidParameterValueException(
                f"NewReplicaCount {count} must be greater than the current {len(replicas)}.")
        members = [primary, *replicas]
        taken = {m["cache_cluster_id"] for m in members}
        ids = (f"{group.replication_group_id}-{number:03}" for number in itertools.count(2))
        free_ids = (cache_cluster_id for cache_cluster_id in ids if cache_cluster_id not in taken)
        domain = node_group["primary_endpoint_address"].removeprefix("master.")
        for cache_cluster_id in itertools.islice(free_ids, count - len(replicas)):
            members.append({
                "cache_cluster_id": cache_cluster_id,
                "cache_node_id": node_group["node_group_id"],
                "read_endpoint": {"address": f"{cache_cluster_id}.{domain}", "port": group.port},
                "preferred_availability_zone": _replica_zone(backend, group, members),
                "current_role": "replica",
            })
        _set_members(group, node_group, members)
        return ActionResult({"ReplicationGroup": group})

    _install(ElastiCacheResponse, increase_replica_count)


def elasticache_decrease_replica_count():
    """ElastiCache DecreaseReplicaCount (missing in moto 5.2.5), cluster mode disabled.

    AWS: "Dynamically decreases the number of replicas in a ... (cluster mode disabled)
    replication group"; ReplicasToRemove names the replicas to drop, NewReplicaCount the
    replicas left (default: the current count less those named), the highest-numbered others
    going first. The answer is {ReplicationGroup}. Errors: ReplicationGroupNotFoundFault;
    InvalidReplicationGroupState; InvalidParameterValue for a count outside 0..5 or not below
    the current one, or a ReplicasToRemove entry that is not a replica of the group;
    InvalidParameterCombination when ReplicasToRemove drops more than NewReplicaCount allows,
    or for 0 replicas while automatic failover or Multi-AZ is enabled ("The minimum number of
    replicas ... If Multi-AZ is enabled: 1").
    """
    from moto.core.responses import ActionResult
    from moto.elasticache.exceptions import (InvalidParameterCombinationException,
                                             InvalidParameterValueException)
    from moto.elasticache.responses import ElastiCacheResponse

    if _installed(ElastiCacheResponse, "decrease_replica_count"):
        return

    def decrease_replica_count(self):
        group = _available_group(self.elasticache_backend, self._get_param("ReplicationGroupId"))
        node_group, primary, replicas = _node_group(group)
        to_remove = self._get_param("ReplicasToRemove") or []
        replica_ids = [m["cache_cluster_id"] for m in replicas]
        for cache_cluster_id in to_remove:
            if cache_cluster_id not in replica_ids:
                raise InvalidParameterValueException(
                    f"{cache_cluster_id} is not a replica of {group.replication_group_id}.")
        count = _replica_count(self._get_param("NewReplicaCount", len(replicas) - len(to_remove)))
        if count >= len(replicas):
            raise InvalidParameterValueException(
                f"NewReplicaCount {count} must be less than the current {len(replicas)}.")
        if len(to_remove) > len(replicas) - count:
            raise InvalidParameterCombinationException(
                f"ReplicasToRemove removes more replicas than NewReplicaCount {count} allows.")
        if count == 0 and "enabled" in (group.automatic_failover, group.multi_az):
            raise InvalidParameterCombinationException(
                "At least one replica is required while automatic failover or Multi-AZ is "
                "enabled.")
        kept = [m for m in replicas if m["cache_cluster_id"] not in to_remove][:count]
        _set_members(group, node_group, [primary, *kept])
        return ActionResult({"ReplicationGroup": group})

    _install(ElastiCacheResponse, decrease_replica_count)


def _auth_tokens(group):
    """The group's live AUTH tokens, oldest first; None stands for connecting without one.

    CreateReplicationGroup records them: [AuthToken], or [None] for a group without AUTH.
    """
    tokens = getattr(group, "auth_tokens", None)
    if tokens is None:
        tokens = group.auth_tokens = [UNSEEN_AUTH_TOKEN if group.auth_token_enabled else None]
    return tokens


def _auth_update(group, strategy, auth_token, user_groups, added):
    """The group's tokens after an AuthTokenUpdateStrategy (None: no strategy), or AWS's refusal.

    ``user_groups`` are the group's user groups once this call's removals are made, ``added``
    the UserGroupIdsToAdd. ROTATE adds the token and keeps the previous one (the two most
    recent stay; a third drops the oldest); on a group without a token the new one is
    optional, connecting without one still working. SET leaves only the given token, and
    only right after a ROTATE (two tokens, or one optional). DELETE drops the token, only to
    move the group to RBAC, with user groups added in the same call. A strategy refused in
    the group's state is InvalidParameterValue, the code AWS answers a strategy it will not
    take; user groups beside a live token are InvalidParameterCombination.
    """
    from moto.elasticache.exceptions import (InvalidParameterCombinationException,
                                             InvalidParameterValueException)

    tokens = _auth_tokens(group)
    has_token = any(token is not None for token in tokens)
    if strategy is None:
        if added and has_token:
            raise InvalidParameterCombinationException(
                "A user group can't be associated while an AUTH token is enabled; use "
                "AuthTokenUpdateStrategy DELETE.")
        return tokens
    if strategy == "DELETE":
        if not has_token:
            raise InvalidParameterValueException(
                "AuthTokenUpdateStrategy DELETE applies only to a replication group with an "
                "AUTH token.")
        if not added:
            raise InvalidParameterValueException(
                "AuthTokenUpdateStrategy DELETE is allowed only when moving to RBAC, with "
                "UserGroupIdsToAdd.")
        return [None]
    if user_groups or added:
        raise InvalidParameterCombinationException(
            "AUTH tokens can't be enabled with a user group associated; remove the user "
            "groups (RemoveUserGroups) first.")
    if strategy == "SET":
        if len(tokens) != 2:
            raise InvalidParameterValueException(
                "AuthTokenUpdateStrategy SET is allowed only after ROTATE.")
        return [auth_token]
    return [*tokens, auth_token][-2:]


def elasticache_modify_replication_group():
    """ElastiCache ModifyReplicationGroup: apply the settings moto 5.2.5 ignores.

    Moto applies only the description, engine, node type, failover, Multi-AZ and snapshot
    retention. The addition also applies SnapshotWindow, PreferredMaintenanceWindow,
    SecurityGroupIds, EngineVersion, AutoMinorVersionUpgrade and CacheParameterGroupName (seen
    in DescribeCacheClusters), and AuthToken with AuthTokenUpdateStrategy, tracking the live
    tokens on the group. AWS's API reference lists ROTATE (the default when a token is
    given), SET "allowed only after ROTATE" and DELETE "allowed only when transitioning to
    RBAC"; its AUTH guide adds that ROTATE keeps the previous token valid beside the new one
    (at most the two most recent), that ROTATE on a group without a token leaves connecting
    without one possible until a SET, and that SET needs a group with two tokens or one such
    optional token, after which only the given token works; its RBAC guide moves a group to
    RBAC with DELETE and UserGroupIdsToAdd in one call, and back with RemoveUserGroups and
    ROTATE. ``_auth_update`` applies those rules, and UserGroupIdsToAdd, UserGroupIdsToRemove
    and RemoveUserGroups set UserGroupIds (the user groups themselves are not checked: moto
    has none). SET and ROTATE need an AuthToken (InvalidParameterValue otherwise), and AUTH
    needs encryption in transit (InvalidParameterCombination otherwise); AuthTokenEnabled and
    AuthTokenLastModifiedDate follow. A group not available is InvalidReplicationGroupState.
    """
    from moto.core.utils import utcnow
    from moto.elasticache.exceptions import (InvalidParameterCombinationException,
                                             InvalidParameterValueException)
    from moto.elasticache.responses import ElastiCacheResponse

    if _installed(ElastiCacheResponse, "modify_replication_group"):
        return
    original = ElastiCacheResponse.modify_replication_group
    settings = {
        "SnapshotWindow": "snapshot_window",
        "PreferredMaintenanceWindow": "preferred_maintenance_window",
        "SecurityGroupIds": "security_group_ids",
        "EngineVersion": "engine_version",
        "AutoMinorVersionUpgrade": "auto_minor_version_upgrade",
        "CacheParameterGroupName": "cache_parameter_group_name",
    }

    def modify_replication_group(self):
        group = _available_group(self.elasticache_backend, self._get_param("ReplicationGroupId"))
        auth_token = self._get_param("AuthToken")
        strategy = self._get_param("AuthTokenUpdateStrategy", "ROTATE" if auth_token else None)
        if strategy is not None:
            if strategy not in AUTH_TOKEN_UPDATE_STRATEGIES:
                raise InvalidParameterValueException(
                    f"AuthTokenUpdateStrategy must be one of "
                    f"{', '.join(AUTH_TOKEN_UPDATE_STRATEGIES)}.")
            if strategy != "DELETE" and not auth_token:
                raise InvalidParameterValueException(
                    f"AuthToken is required for AuthTokenUpdateStrategy {strategy}.")
            if not group.transit_encryption_enabled:
                raise InvalidParameterCombinationException(
                    "AuthToken can be modified only on replication groups where "
                    "TransitEncryptionEnabled is true.")
        removed = self._get_param("UserGroupIdsToRemove") or []
        user_groups = [] if self._get_bool_param("RemoveUserGroups") else [
            user_group for user_group in group.user_group_ids if user_group not in removed]
        added = [user_group for user_group in self._get_param("UserGroupIdsToAdd") or []
                 if user_group not in user_groups]
        tokens = _auth_update(group, strategy, auth_token, user_groups, added)
        parameter_group = engine_change(group, self._get_param("Engine"),
                                        self._get_param("EngineVersion"),
                                        self._get_param("CacheParameterGroupName"))
        result = original(self)
        if parameter_group is not None:
            group.cache_parameter_group_name = parameter_group
        for param, attribute in settings.items():
            value = self._get_param(param)
            if value is not None:
                setattr(group, attribute, value)
        group.user_group_ids = [*user_groups, *added]
        if strategy is not None:
            group.auth_tokens = tokens
            group.auth_token_enabled = any(token is not None for token in tokens)
            group.auth_token_last_modified_date = utcnow()
        return result

    _install(ElastiCacheResponse, modify_replication_group)


def _member_cluster(backend, group, member, show_cache_node_info):
    """A replication group member as DescribeCacheClusters answers it."""
    from moto.utilities.utils import get_partition

    region = backend.region_name
    cache_cluster_id = member["cache_cluster_id"]
    cluster = {
        "CacheClusterId": cache_cluster_id,
        "ReplicationGroupId": group.replication_group_id,
        "CacheNodeType": group.cache_node_type,
        "Engine": group.engine,
        "EngineVersion": group.engine_version,
        "CacheClusterStatus": group.status,
        "NumCacheNodes": 1,
        "PreferredAvailabilityZone": member["preferred_availability_zone"],
        "CacheClusterCreateTime": group.replication_group_create_time,
        "PreferredMaintenanceWindow": group.preferred_maintenance_window,
        "CacheParameterGroup": {"CacheParameterGroupName": group.cache_parameter_group_name,
                                "ParameterApplyStatus": "in-sync"},
        "CacheSubnetGroupName": group.cache_subnet_group_name,
        "AutoMinorVersionUpgrade": group.auto_minor_version_upgrade,
        "SecurityGroups": [{"SecurityGroupId": security_group_id, "Status": "active"}
                           for security_group_id in group.security_group_ids or []],
        "SnapshotRetentionLimit": group.snapshot_retention_limit,
        "SnapshotWindow": group.snapshot_window,
        "AuthTokenEnabled": group.auth_token_enabled,
        "AuthTokenLastModifiedDate": group.auth_token_last_modified_date,
        "TransitEncryptionEnabled": group.transit_encryption_enabled,
        "TransitEncryptionMode": group.transit_encryption_mode,
        "AtRestEncryptionEnabled": group.at_rest_encryption_enabled,
        "ARN": f"arn:{get_partition(region)}:elasticache:{region}:{backend.account_id}"
               f":cluster:{cache_cluster_id}",
    }
    if show_cache_node_info:
        cluster["CacheNodes"] = [{
            "CacheNodeId": "0001",
            "CacheNodeStatus": group.status,
            "CacheNodeCreateTime": group.replication_group_create_time,
            "Endpoint": member.get("read_endpoint"),
            "ParameterGroupStatus": "in-sync",
            "CustomerAvailabilityZone": member["preferred_availability_zone"],
        }]
    return cluster


def elasticache_describe_cache_clusters():
    """ElastiCache DescribeCacheClusters: list the member clusters of replication groups.

    AWS: "Returns information about all provisioned clusters if no cluster identifier is
    specified, or about a specific cache cluster if a cluster identifier is supplied"; the
    nodes of a replication group are such clusters, which moto 5.2.5 keeps only inside the
    group's node groups. The addition answers them too, from the group's current settings
    (so later ModifyReplicationGroup changes show), with their node when ShowCacheNodeInfo is
    set, and leaves them out under ShowCacheClustersNotInReplicationGroups. An unknown
    CacheClusterId is still CacheClusterNotFound.
    """
    from moto.core.responses import PaginatedResult
    from moto.elasticache.responses import ElastiCacheResponse

    if _installed(ElastiCacheResponse, "describe_cache_clusters"):
        return
    original = ElastiCacheResponse.describe_cache_clusters

    def describe_cache_clusters(self):
        backend = self.elasticache_backend
        show_cache_node_info = self._get_param("ShowCacheNodeInfo")
        members = {member["cache_cluster_id"]: _member_cluster(backend, group, member,
                                                                show_cache_node_info)
                   for group in backend.replication_groups.values()
                   for node_group in group.node_groups
                   for member in node_group["node_group_members"]}
        cache_cluster_id = self._get_param("CacheClusterId")
        if cache_cluster_id in members:
            return PaginatedResult({"CacheClusters": [members[cache_cluster_id]]})
        result = original(self)
        if not cache_cluster_id and not self._get_param("ShowCacheClustersNotInReplicationGroups"):
            result.result["CacheClusters"].extend(members.values())
        return result

    _install(ElastiCacheResponse, describe_cache_clusters)


def elasticache_delete_cache_subnet_group():
    """ElastiCache DeleteCacheSubnetGroup (missing in moto 5.2.5).

    AWS: "Deletes a cache subnet group. You cannot delete a default cache subnet group or one
    that is associated with any clusters." The group and its tags go; a name that is not a
    subnet group is CacheSubnetGroupNotFoundFault, and a group still used by a replication
    group that is not gone yet (deleting included) is CacheSubnetGroupInUse.
    """
    from moto.core.responses import EmptyResult
    from moto.elasticache.exceptions import ElastiCacheException
    from moto.elasticache.responses import ElastiCacheResponse

    if _installed(ElastiCacheResponse, "delete_cache_subnet_group"):
        return

    def delete_cache_subnet_group(self):
        backend = self.elasticache_backend
        name = self._get_param("CacheSubnetGroupName")
        [subnet_group] = backend.describe_cache_subnet_groups(name)
        users = [group.replication_group_id for group in backend.replication_groups.values()
                 if group.cache_subnet_group_name == name]
        if users:
            raise ElastiCacheException(
                "CacheSubnetGroupInUse",
                f"Cache subnet group {name} is in use by replication group(s) {', '.join(users)}.")
        del backend.cache_subnet_groups[name]
        backend.tagging_service.delete_all_tags_for_resource(subnet_group.arn)
        return EmptyResult()

    _install(ElastiCacheResponse, delete_cache_subnet_group)


def elasticache_modify_cache_subnet_group():
    """ElastiCache ModifyCacheSubnetGroup (missing in moto 5.2.5).

    AWS: "Modifies an existing cache subnet group"; SubnetIds ("The EC2 subnet IDs for the
    cache subnet group") replace the group's subnets, and CacheSubnetGroupDescription its
    description; either kept when not given. Every subnet must exist and all must be in one
    VPC (InvalidSubnet otherwise); an unknown group is CacheSubnetGroupNotFoundFault. Tags
    stay. The answer is {CacheSubnetGroup}.
    """
    from moto.core.responses import ActionResult
    from moto.ec2.exceptions import InvalidSubnetIdError
    from moto.ec2.models import ec2_backends
    from moto.elasticache.exceptions import InvalidSubnet
    from moto.elasticache.models import CacheSubnetGroup
    from moto.elasticache.responses import ElastiCacheResponse

    if _installed(ElastiCacheResponse, "modify_cache_subnet_group"):
        return

    def modify_cache_subnet_group(self):
        backend = self.elasticache_backend
        name = self._get_param("CacheSubnetGroupName")
        [subnet_group] = backend.describe_cache_subnet_groups(name)
        subnet_ids = self._get_param("SubnetIds", subnet_group.subnet_ids)
        ec2 = ec2_backends[backend.account_id][backend.region_name]
        for subnet_id in subnet_ids:
            try:
                ec2.get_subnet(subnet_id)
            except InvalidSubnetIdError:
                raise InvalidSubnet(subnet_id) from None
        modified = CacheSubnetGroup(  # raises InvalidSubnet for subnets of several VPCs
            account_id=backend.account_id,
            region_name=backend.region_name,
            cache_subnet_group_name=name,
            cache_subnet_group_description=self._get_param(
                "CacheSubnetGroupDescription", subnet_group.cache_subnet_group_description),
            subnet_ids=subnet_ids,
            tags=subnet_group.tags,
        )
        backend.cache_subnet_groups[name] = modified
        return ActionResult({"CacheSubnetGroup": modified})

    _install(ElastiCacheResponse, modify_cache_subnet_group)


def elasticache_delete_replication_group():
    """ElastiCache DeleteReplicationGroup: final snapshot, and a deletion that ends.

    AWS: "FinalSnapshotIdentifier: The name of a final node group (shard) snapshot. ElastiCache
    creates the snapshot from the primary node in the cluster, rather than one of the
    replicas"; moto 5.2.5 ignores it, and keeps the group ``deleting`` for ever. The addition
    creates that snapshot (``available``, with the group's ReplicationGroupId; an existing
    name is SnapshotAlreadyExistsFault) before deleting. The group then answers ``deleting``
    to the next DescribeReplicationGroups that shows it and is gone afterwards
    (ReplicationGroupNotFoundFault), its tags with it. Deleting a group that is not available
    (already ``deleting``) is InvalidReplicationGroupState.
    """
    from moto.elasticache.models import ElastiCacheBackend
    from moto.elasticache.responses import ElastiCacheResponse

    if _installed(ElastiCacheResponse, "delete_replication_group"):
        return
    original_delete = ElastiCacheResponse.delete_replication_group
    original_describe = ElastiCacheBackend.describe_replication_groups

    def delete_replication_group(self):
        backend = self.elasticache_backend
        group = _available_group(backend, self._get_param("ReplicationGroupId"))
        snapshot_name = self._get_param("FinalSnapshotIdentifier")
        if snapshot_name:
            backend.create_snapshot(snapshot_name=snapshot_name,
                                    replication_group_id=group.replication_group_id,
                                    cache_cluster_id=None, kms_key_id=group.kms_key_id, tags=None)
        return original_delete(self)

    def describe_replication_groups(self, replication_group_id=None):
        groups = original_describe(self, replication_group_id)
        for group in groups:
            if group.status == "deleting":
                del self.replication_groups[group.replication_group_id]
                self.tagging_service.delete_all_tags_for_resource(group.arn)
        return groups

    _install(ElastiCacheBackend, describe_replication_groups)
    _install(ElastiCacheResponse, delete_replication_group)


ELASTICACHE_ADDITIONS = [
    elasticache_create_replication_group,
    elasticache_increase_replica_count,
    elasticache_decrease_replica_count,
    elasticache_modify_replication_group,
    elasticache_describe_cache_clusters,
    elasticache_delete_cache_subnet_group,
    elasticache_modify_cache_subnet_group,
    elasticache_delete_replication_group,
    *ELASTICACHE_SHARD_ADDITIONS,
]
