"""Which findings concern an object a stack made, and which of its resources made it; and, of
the others, which concern the region's default VPC and which the account itself.

What the stack made is read from the emulator, not from the provider: every object of the
kinds the provider makes that ``pulumi up`` added (``harness.inventory``, and here the kinds
only the account baseline makes: buckets, topics, trails, alarms, the Config recorder, the
GuardDuty detector, Security Hub), with the network ACLs of the VPCs it added (AWS makes a
VPC's default ACL with it). Service-linked roles (AWS Config's, made by the baseline when the
account has none) are AWS's and the account's, not the stack's. A finding concerns one of
those objects when the object's id, name or ARN is in the finding's resource ARN or name
(Prowler names log groups, roles, member clusters and alarms after what they belong to).

Its owner, the Pulumi resource (by name) that made it, is, in order:
- the resource whose URN the finding's ``pulumi:urn`` tag names (the provider's ownership tag);
- the resource whose URN the object's own ``pulumi:urn`` tag names, read from the emulator for
  IAM roles (Prowler's findings about a role's inline policies carry no tags);
- the one resource whose state outputs (``pulumi stack export``; values that are not also
  inputs the program gave it: a name the provider chose, such as an auto-name, counts as
  its own) hold the object's id, as an id, name or ARN;
- for an object inside a VPC (AWS's default security group and network ACL), the VPC's owner.
A finding about an object the stack made that none of these names is an error of the audit,
never quietly taken as someone else's.

A finding about no object the stack made is about the region's default VPC (AWS makes one in
every region of an account, with its subnets, security group, network ACL and route table)
when it names the default VPC or an object in it, as the emulator held them before
``pulumi up``; else it is about the account itself (its settings, and what it holds that no
resource of the stack made).
"""

from botocore.exceptions import ClientError

from harness.inventory import added, inventory

URN_TAG = "pulumi:urn"
DEFAULT_VPC = "default VPC"
ACCOUNT = "account"
# Kinds whose objects live in a VPC, with the describe call, its list and id keys.
IN_VPC = {
    "ec2:subnet": ("describe_subnets", "Subnets", "SubnetId"),
    "ec2:route-table": ("describe_route_tables", "RouteTables", "RouteTableId"),
    "ec2:security-group": ("describe_security_groups", "SecurityGroups", "GroupId"),
    "ec2:network-acl": ("describe_network_acls", "NetworkAcls", "NetworkAclId"),
    "ec2:vpc-endpoint": ("describe_vpc_endpoints", "VpcEndpoints", "VpcEndpointId"),
    "ec2:nat-gateway": ("describe_nat_gateways", "NatGateways", "NatGatewayId"),
}
SERVICE_ROLES = "/aws-service-role/"


def _in_vpcs(moto, kind, vpcs):
    """id -> VPC id of the objects of one kind in the given VPCs."""
    operation, key, ident = IN_VPC[kind]
    found = getattr(moto.client("ec2"), operation)(Filters=[{"Name": "vpc-id", "Values": vpcs}])
    return {o[ident]: o["VpcId"] for o in found[key]}


def _hub(moto):
    try:
        return [moto.client("securityhub").describe_hub()["HubArn"]]
    except ClientError as err:
        if err.response["Error"]["Code"] in ("InvalidAccessException",
                                             "ResourceNotFoundException"):
            return []
        raise


def _account_kinds(moto):
    """The kinds of objects only the account baseline makes: kind -> ids, as the baseline's
    outputs name them (alarms by name, the trail and the topic by ARN)."""
    return {
        "s3:bucket": [b["Name"] for b in moto.client("s3").list_buckets().get("Buckets", [])],
        "sns:topic": [t["TopicArn"] for t in moto.client("sns").list_topics()["Topics"]],
        "cloudtrail:trail": [t["TrailARN"] for t in
                             moto.client("cloudtrail").describe_trails()["trailList"]],
        "cloudwatch:alarm": [a["AlarmName"] for a in
                             moto.client("cloudwatch").describe_alarms()["MetricAlarms"]],
        "config:recorder": [r["name"] for r in moto.client(
            "config").describe_configuration_recorders()["ConfigurationRecorders"]],
        "guardduty:detector": moto.client("guardduty").list_detectors()["DetectorIds"],
        "securityhub:hub": _hub(moto),
    }


def objects(moto):
    """kind -> sorted ids of every live object of the kinds a stack of the provider makes."""
    found = inventory(moto)
    found.update({kind: sorted(ids) for kind, ids in _account_kinds(moto).items()})
    return found


def default_vpc(moto):
    """The ids of the region's default VPC and of the objects in it (call it before the stack
    goes up: a VPC endpoint or group the stack put in it would be the stack's)."""
    ec2 = moto.client("ec2")
    vpcs = [v["VpcId"] for v in ec2.describe_vpcs(
        Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]]
    if not vpcs:
        return set()
    ids = set(vpcs)
    for kind in IN_VPC:
        ids.update(_in_vpcs(moto, kind, vpcs))
    ids.update(g["InternetGatewayId"] for g in ec2.describe_internet_gateways(
        Filters=[{"Name": "attachment.vpc-id", "Values": vpcs}])["InternetGateways"])
    return ids


def _role_urns(moto, roles):
    """role name -> the URN its pulumi:urn tag names, for the roles that carry one."""
    iam = moto.client("iam")
    urns = {}
    for role in roles:
        tags = {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName=role)["Tags"]}
        if URN_TAG in tags:
            urns[role] = tags[URN_TAG]
    return urns


def made_objects(moto, before):
    """kind -> ids of what was made since ``objects(moto)`` answered `before`, with the
    network ACLs of the VPCs made and without service-linked roles; id -> VPC id of what was
    made inside them; and id -> the URN its own pulumi:urn tag names (IAM roles)."""
    made = added(before, objects(moto))
    linked = {r["RoleName"] for r in
              moto.client("iam").list_roles(PathPrefix=SERVICE_ROLES)["Roles"]}
    made["iam:role"] = [r for r in made.get("iam:role", []) if r not in linked]
    made = {kind: ids for kind, ids in made.items() if ids}
    vpcs = made.get("ec2:vpc", [])
    vpc_of = {}
    if vpcs:
        made["ec2:network-acl"] = sorted(_in_vpcs(moto, "ec2:network-acl", vpcs))
        for kind in IN_VPC:
            vpc_of.update(_in_vpcs(moto, kind, vpcs))
    return made, vpc_of, _role_urns(moto, made.get("iam:role", []))


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


def _given(inputs):
    """The inputs the program gave, less those the provider filled in itself (``__defaults``
    names them: auto-names, defaults), which are the resource's own."""
    defaulted = set(inputs.get("__defaults") or ())
    return {k: v for k, v in inputs.items() if k not in defaulted and k != "__defaults"}


class Owners:
    """The stack's objects and their owners; ``of(finding)`` -> (owner or None, object id
    or None): (None, None) for a finding about no object of the stack, which ``outside``
    places in the default VPC or the account."""

    def __init__(self, export, made, vpc_of, tagged=None, default_vpc_ids=()):
        resources = [r for r in export["deployment"].get("resources", [])
                     if r.get("custom") and r["type"].startswith("healthcare:")]
        self.names = {r["urn"]: r["urn"].rsplit("::", 1)[-1] for r in resources}
        # What each resource reports of its own: its id and outputs, less what it was given.
        own = {self.names[r["urn"]]: ({r.get("id")} | set(_strings(r.get("outputs", {})))) -
               {None} - set(_strings(_given(r.get("inputs", {})))) for r in resources}
        self.objects = sorted({i for ids in made.values() for i in ids}, key=len, reverse=True)
        self.default_vpc = set(default_vpc_ids)
        self.owner, self.disputed = {}, {}
        for ident in self.objects:
            claims = sorted(name for name, values in own.items() if any(ident in v for v in values))
            by_tag = self.names.get((tagged or {}).get(ident))
            if by_tag and set(claims) - {by_tag}:
                self.disputed[ident] = sorted({by_tag, *claims})
            elif by_tag or len(claims) == 1:
                self.owner[ident] = by_tag or claims[0]
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

    def outside(self, finding):
        """Where a finding about no object of the stack belongs: the default VPC or the
        account."""
        return DEFAULT_VPC if any(i in finding.text for i in self.default_vpc) else ACCOUNT
