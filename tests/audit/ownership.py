"""Which findings concern an object a stack made, and which of its resources made it.

What the stack made is read from the emulator, not from the provider: every object of the
kinds the provider makes that ``pulumi up`` added (``harness.inventory``), with the network
ACLs of the VPCs it added (AWS makes a VPC's default ACL with it). A finding concerns one of
those objects when the object's id, name or ARN is in the finding's resource ARN or name
(Prowler names log groups, roles, member clusters and alarms after what they belong to).

Its owner, the Pulumi resource (by name) that made it, is, in order:
- the resource whose URN the finding's ``pulumi:urn`` tag names (the provider's ownership tag);
- the one resource whose state outputs (``pulumi stack export``; values that are not also its
  inputs) hold the object's id, as an id, name or ARN;
- for an object inside a VPC (AWS's default security group and network ACL), the VPC's owner.
A finding about an object the stack made that none of these names is an error of the audit,
never quietly taken as someone else's.
"""

from harness.inventory import added, inventory

URN_TAG = "pulumi:urn"
# Kinds whose objects live in a VPC, with the describe call, its list and id keys.
IN_VPC = {
    "ec2:subnet": ("describe_subnets", "Subnets", "SubnetId"),
    "ec2:route-table": ("describe_route_tables", "RouteTables", "RouteTableId"),
    "ec2:security-group": ("describe_security_groups", "SecurityGroups", "GroupId"),
    "ec2:network-acl": ("describe_network_acls", "NetworkAcls", "NetworkAclId"),
    "ec2:vpc-endpoint": ("describe_vpc_endpoints", "VpcEndpoints", "VpcEndpointId"),
    "ec2:nat-gateway": ("describe_nat_gateways", "NatGateways", "NatGatewayId"),
}


def _in_vpcs(moto, kind, vpcs):
    """id -> VPC id of the objects of one kind in the given VPCs."""
    operation, key, ident = IN_VPC[kind]
    found = getattr(moto.client("ec2"), operation)(Filters=[{"Name": "vpc-id", "Values": vpcs}])
    return {o[ident]: o["VpcId"] for o in found[key]}


def made_objects(moto, before):
    """kind -> ids of what was made since the inventory `before`, with the network ACLs of
    the VPCs made; and id -> VPC id of what was made inside them."""
    made = added(before, inventory(moto))
    vpcs = made.get("ec2:vpc", [])
    vpc_of = {}
    if vpcs:
        made["ec2:network-acl"] = sorted(_in_vpcs(moto, "ec2:network-acl", vpcs))
        for kind in IN_VPC:
            vpc_of.update(_in_vpcs(moto, kind, vpcs))
    return made, vpc_of


def _strings(value):
    """Every string in a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


class Owners:
    """The stack's objects and their owners; ``of(finding)`` -> (owner or None, object id
    or None): (None, None) for a finding about no object of the stack."""

    def __init__(self, export, made, vpc_of):
        resources = [r for r in export["deployment"].get("resources", [])
                     if r.get("custom") and r["type"].startswith("healthcare:")]
        self.names = {r["urn"]: r["urn"].rsplit("::", 1)[-1] for r in resources}
        # What each resource reports of its own: its id and outputs, less what it was given.
        own = {self.names[r["urn"]]: ({r.get("id")} | set(_strings(r.get("outputs", {})))) -
               {None} - set(_strings(r.get("inputs", {}))) for r in resources}
        self.objects = sorted({i for ids in made.values() for i in ids}, key=len, reverse=True)
        self.owner, self.disputed = {}, {}
        for ident in self.objects:
            claims = sorted(name for name, values in own.items() if any(ident in v for v in values))
            if len(claims) == 1:
                self.owner[ident] = claims[0]
            elif claims:
                self.disputed[ident] = claims
        for ident, vpc in vpc_of.items():
            if ident not in self.owner and vpc in self.owner:
                self.owner[ident] = self.owner[vpc]

    def of(self, finding):
        tagged = next((self.names[label[len(URN_TAG) + 1:]] for label in finding.labels
                       if label[len(URN_TAG) + 1:] in self.names
                       and label.startswith(f"{URN_TAG}:")), None)
        # The most specific object named first: a role's name before the VPC id inside it.
        named = [i for i in self.objects if i in finding.text]
        ident = named[0] if named else None
        if tagged or ident is None:
            return tagged, ident
        return next((self.owner[i] for i in named if i in self.owner), None), ident
