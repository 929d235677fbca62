"""ElastiCache additions for the moto launcher: the changes a replication group takes in place
beyond its settings, as AWS documents them.

Online resharding of a cluster-mode group (ModifyReplicationGroupShardConfiguration, missing
in moto 5.2.5) and the rules of an engine change (Redis OSS to Valkey, never back) that the
ModifyReplicationGroup addition applies. ``ELASTICACHE_SHARD_ADDITIONS`` lists them for the
launcher.
"""

# AWS: "NodeGroupCount: The number of node groups (shards) that results from the modification
# of the shard configuration" (1 to 500); Redis has 16384 hash slots.
MAX_SHARDS = 500
HASH_SLOTS = 16384
# ElastiCache's first Valkey version.
VALKEY_FIRST = (7, 2)


try:
    from .moto_patch import install as _install
    from .moto_patch import installed as _installed
except ImportError:  # loaded as a top-level module, as the launcher run as a program does
    from moto_patch import install as _install
    from moto_patch import installed as _installed


def available_group(backend, replication_group_id):
    """The replication group, if ``available``.

    Else ReplicationGroupNotFoundFault, or InvalidReplicationGroupState (e.g. ``deleting``).
    """
    from moto.elasticache.exceptions import ElastiCacheException, ReplicationGroupNotFound

    group = backend.replication_groups.get(replication_group_id)
    if group is None:
        raise ReplicationGroupNotFound(replication_group_id)
    if group.status != "available":
        raise ElastiCacheException(
            "InvalidReplicationGroupState",
            f"Replication group {replication_group_id} has status {group.status}, "
            "which is not valid for this operation.")
    return group


def _major_minor(version):
    parts = (str(version or "0").split(".") + ["0"])[:2]
    return tuple(int(p) if p.isdigit() else 0 for p in parts)


def engine_change(group, engine, engine_version, parameter_group):
    """The engine, version and parameter group a ModifyReplicationGroup leaves on ``group``.

    AWS (Upgrading engine versions, "How to upgrade from Redis OSS to Valkey"): a Redis OSS
    group upgrades to Valkey "by specifying the new engine and major engine version"; a group
    on a default parameter group moves to the new engine's default one, a custom group needs a
    Valkey parameter group in the request. There is no way back from Valkey to Redis OSS, and
    Valkey starts at 7.2. Errors are InvalidParameterCombination / InvalidParameterValue, with
    nothing changed. Returns the parameter group name to keep (the one given, the new default,
    or the current one).
    """
    from moto.elasticache.exceptions import (InvalidParameterCombinationException,
                                             InvalidParameterValueException)

    current = group.engine or "redis"
    if engine is None or engine == current:
        if engine_version is None or parameter_group is not None:
            return parameter_group
        if _major_minor(engine_version)[0] == _major_minor(group.engine_version)[0]:
            return parameter_group
        engine = current
    elif current == "valkey" and engine == "redis":
        raise InvalidParameterCombinationException(
            "Cannot downgrade the engine of a replication group from valkey to redis.")
    elif engine != "valkey":
        raise InvalidParameterValueException(f"Cannot change the engine from {current} to {engine}.")
    if engine == "valkey" and (engine_version is None or _major_minor(engine_version) < VALKEY_FIRST):
        raise InvalidParameterValueException(
            f"Valkey engine version {engine_version} is not supported; use 7.2 or later.")
    if parameter_group is not None:
        return parameter_group
    old = group.cache_parameter_group_name or ""
    if old and not old.startswith("default."):
        raise InvalidParameterCombinationException(
            f"The custom parameter group {old} does not belong to the {engine} "
            f"{engine_version} family; specify a CacheParameterGroupName of that family.")
    suffix = ".cluster.on" if group.cluster_enabled else ""
    return f"default.{engine}{_major_minor(engine_version)[0]}{suffix}"


def _slots(count):
    """Hash slots spread evenly over ``count`` shards, as ``a-b`` ranges."""
    size, extra = divmod(HASH_SLOTS, count)
    ranges, start = [], 0
    for shard in range(count):
        end = start + size + (1 if shard < extra else 0)
        ranges.append(f"{start}-{end - 1}")
        start = end
    return ranges


def elasticache_modify_replication_group_shard_configuration():
    """ElastiCache ModifyReplicationGroupShardConfiguration (missing in moto 5.2.5).

    AWS: "Modifies a replication group's shards (node groups) by allowing you to add shards,
    remove shards, or rebalance the keyspaces among existing shards", for cluster mode enabled
    groups only. NodeGroupCount is the count afterwards (1 to 500); ApplyImmediately is
    required and must be true; when the count goes down, NodeGroupsToRemove or
    NodeGroupsToRetain is required and names exactly the shards that go or stay. New shards
    take the next free node group ids, each with a primary and as many replicas as the group's
    other shards, and slots are spread over the shards again. The answer is {ReplicationGroup}.
    A group not in cluster mode, or a count outside 1..500, is InvalidParameterValue; a group
    not available is InvalidReplicationGroupState. The change applies at once (moto has no
    transitional states), so the group stays ``available``.
    """
    from moto.core.responses import ActionResult
    from moto.elasticache.exceptions import InvalidParameterValueException
    from moto.elasticache.responses import ElastiCacheResponse

    if _installed(ElastiCacheResponse, "modify_replication_group_shard_configuration"):
        return

    def modify_replication_group_shard_configuration(self):
        group = available_group(self.elasticache_backend, self._get_param("ReplicationGroupId"))
        if not group.cluster_enabled:
            raise InvalidParameterValueException(
                "Shard configuration can be modified only on cluster mode enabled replication groups.")
        if not self._get_bool_param("ApplyImmediately"):
            raise InvalidParameterValueException("ApplyImmediately must be true.")
        count = self._get_int_param("NodeGroupCount")
        if count is None or not 1 <= count <= MAX_SHARDS:
            raise InvalidParameterValueException(
                f"NodeGroupCount must be between 1 and {MAX_SHARDS}, got {count}.")
        shards = {node_group["node_group_id"]: node_group for node_group in group.node_groups}
        remove = self._get_param("NodeGroupsToRemove") or []
        retain = self._get_param("NodeGroupsToRetain") or []
        if count < len(shards):
            if bool(remove) == bool(retain):
                raise InvalidParameterValueException(
                    "Either NodeGroupsToRemove or NodeGroupsToRetain is required when "
                    "NodeGroupCount is less than the current number of shards.")
            going = set(remove) if remove else set(shards) - set(retain)
            unknown = going - set(shards)
            if unknown or len(shards) - len(going) != count:
                raise InvalidParameterValueException(
                    f"The shards to remove ({', '.join(sorted(going))}) do not leave "
                    f"{count} of the group's shards {', '.join(sorted(shards))}.")
            for node_group_id in going:
                del shards[node_group_id]
        replicas = min((len(n["node_group_members"]) - 1 for n in group.node_groups), default=0)
        number = 1
        while len(shards) < count:
            node_group_id = f"{number:04}"
            number += 1
            if node_group_id in shards:
                continue
            node_group = {"node_group_id": node_group_id, "status": "available",
                          "node_group_members": []}
            group._set_node_members_clusters_enabled(
                member_clusters=[], replication_group_id=group.replication_group_id,
                replicas_per_node_group=replicas, node_group_configuration=[],
                node_group=node_group, member_clusters_outpost_arns=[])
            shards[node_group_id] = node_group
        ordered = [shards[node_group_id] for node_group_id in sorted(shards)]
        for node_group, slots in zip(ordered, _slots(count)):
            node_group["slots"] = slots
        group.node_groups = ordered
        group.member_clusters = [member["cache_cluster_id"] for node_group in ordered
                                 for member in node_group["node_group_members"]]
        return ActionResult({"ReplicationGroup": group})

    _install(ElastiCacheResponse, modify_replication_group_shard_configuration)


ELASTICACHE_SHARD_ADDITIONS = [
    elasticache_modify_replication_group_shard_configuration,
]
