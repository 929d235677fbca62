"""Other services not seeing a subnet or security group EC2 has just made.

RDS, ElastiCache and ECS check the subnets and security groups they are given against EC2
when a subnet group, database, cache or service is made or changed; right after EC2 made
one, they may not see it yet, a little after EC2 itself does (the EC2 API reference's
eventual consistency, as the services that call EC2 meet it), and answer their own error:
RDS InvalidSubnet ("Some input subnets ... are invalid") and InvalidParameterValue ("Invalid
security group"), ElastiCache InvalidSubnet and InvalidParameterValue, ECS
InvalidParameterException ("Error retrieving subnet information"). ``Elsewhere`` keeps, for
each new subnet and group, when the other services see it (``ec2.elsewhere`` seconds after
EC2 itself does) and counts each refusal as ``ec2.not_seen_elsewhere``.
"""

import re

_ID = re.compile(r"^(subnet|sg)-[0-9a-f]{8,17}$")
# (service, operation) -> {kind: (error code, message)}; {0} is the id.
USERS = {
    **{("rds", op): {"subnet": ("InvalidSubnet", "Some input subnets in :[{0}] are invalid."),
                     "sg": ("InvalidParameterValue",
                            "Invalid security group, groupId= {0}, groupName=.")}
       for op in ("CreateDBSubnetGroup", "ModifyDBSubnetGroup", "CreateDBInstance",
                  "ModifyDBInstance", "CreateDBCluster", "ModifyDBCluster")},
    **{("elasticache", op): {"subnet": ("InvalidSubnet", "The subnet ID {0} does not exist."),
                             "sg": ("InvalidParameterValue",
                                    "The security group {0} does not exist.")}
       for op in ("CreateCacheSubnetGroup", "ModifyCacheSubnetGroup",
                  "CreateReplicationGroup", "ModifyReplicationGroup")},
    **{("ecs", op): {"subnet": ("InvalidParameterException",
                                "Error retrieving subnet information for [{0}]: The subnet ID "
                                "'{0}' does not exist"),
                     "sg": ("InvalidParameterException",
                            "Error retrieving security group information for [{0}]: The "
                            "security group '{0}' does not exist")}
       for op in ("CreateService", "UpdateService")},
}


def ids_in(value):
    """The subnet and security group ids anywhere in a request's parameters (form fields'
    lists, or a JSON body's nested objects and lists)."""
    if isinstance(value, str):
        return [value] if _ID.match(value) else []
    if isinstance(value, dict):
        return [i for v in value.values() for i in ids_in(v)]
    if isinstance(value, list):
        return [i for v in value for i in ids_in(v)]
    return []


class Elsewhere:
    """Subnet or group id -> when the other services see it."""

    def __init__(self, lag, counts):
        self._lag, self._seen = lag, {}

    def made(self, object_id, visible_at):
        """EC2 made ``object_id``, which EC2 itself knows from ``visible_at``."""
        if _ID.match(object_id):
            self._seen[object_id] = (visible_at, None)

    def refusal(self, service, operation, params, now):
        """(count key, (status, code, message)) of a service refusing an id not seen yet."""
        errors = USERS.get((service, operation))
        if errors is None:
            return None
        for object_id in ids_in(params):
            entry = self._seen.get(object_id)
            if entry is None:
                continue
            visible_at, until = entry
            if until is None:  # drawn when a service first asks
                until = visible_at + self._lag("ec2.elsewhere", object_id)
                self._seen[object_id] = (visible_at, until)
            if until <= now:
                del self._seen[object_id]
                continue
            code, message = errors[object_id.split("-", 1)[0]]
            return "ec2.not_seen_elsewhere", (400, code, message.format(object_id))
        return None
