"""The EC2 half of the eventual-consistency model, and the XML helpers both halves use.

AWS's EC2 API reference ("Eventual consistency in the Amazon EC2 API") says that the result
of a call that makes something may take a while to reach every other call: right after a
create, a describe can leave the new object out, and a call that names its id can fail with
the id's NotFound error code. This module knows the kinds of EC2 ids the model lags, which
create makes which kind, the error each kind's id gets while it lags, and how to take lagging
objects out of a describe's XML answer.
"""

import re
import threading
import xml.etree.ElementTree as ET

# id prefix -> (EC2 error code while the id lags, the noun its message uses)
KINDS = {
    "vpc": ("InvalidVpcID.NotFound", "vpc ID"),
    "subnet": ("InvalidSubnetID.NotFound", "subnet ID"),
    "sg": ("InvalidGroup.NotFound", "security group"),
    "rtb": ("InvalidRouteTableID.NotFound", "routeTable ID"),
    "igw": ("InvalidInternetGatewayID.NotFound", "internetGateway ID"),
    "nat": ("NatGatewayNotFound", "NAT gateway"),
    "eipalloc": ("InvalidAllocationID.NotFound", "allocation ID"),
    "vpce": ("InvalidVpcEndpointId.NotFound", "VPC endpoint ID"),
    "fl": ("InvalidFlowLogId.NotFound", "flow log ID"),
    "acl": ("InvalidNetworkAclID.NotFound", "networkAcl ID"),
}
# The operations whose answer names new objects, and the kind of id each one makes.
CREATES = {
    "CreateVpc": "vpc", "CreateSubnet": "subnet", "CreateSecurityGroup": "sg",
    "CreateRouteTable": "rtb", "CreateInternetGateway": "igw", "CreateNatGateway": "nat",
    "AllocateAddress": "eipalloc", "CreateVpcEndpoint": "vpce", "CreateFlowLogs": "fl",
    "CreateNetworkAcl": "acl",
}
# A describe answer's top-level set -> the element holding each item's own id.
SETS = {
    "vpcSet": "vpcId", "subnetSet": "subnetId", "securityGroupInfo": "groupId",
    "routeTableSet": "routeTableId", "internetGatewaySet": "internetGatewayId",
    "natGatewaySet": "natGatewayId", "addressesSet": "allocationId",
    "vpcEndpointSet": "vpcEndpointId", "flowLogSet": "flowLogId",
    "networkAclSet": "networkAclId", "tagSet": "resourceId",
}
# Besides its own id, an item lags while the VPC it lives in (or a flow log's resource) lags:
# this covers the main route table, default security group and default network ACL that a
# new VPC brings with it.
PARENT_TAGS = ("vpcId", "resourceId")
# The EC2 deletes that meet the network interfaces of a deleted dependent still draining.
DRAIN_REFUSED = {
    "DeleteSubnet": ("SubnetId", "subnet"),
    "DeleteSecurityGroup": ("GroupId", "security group"),
    "DetachInternetGateway": ("InternetGatewayId", "internetGateway"),
    "DeleteInternetGateway": ("InternetGatewayId", "internetGateway"),
    "DeleteVpc": ("VpcId", "vpc"),
}
FILTER_VALUE_RE = re.compile(r"Filter\.\d+\.Value\.\d+$")
NOT_IDS = {"Action", "Version"}
_ID_RE = re.compile(r"(?<![\w-])((?:%s)-[0-9a-f]{8,17})(?![\w-])" % "|".join(KINDS))
_XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'
_SERIALIZE = threading.Lock()  # register_namespace changes a table shared by the process


def kind_of(object_id):
    """The KINDS key of an id (``vpc-0a1b...`` -> ``vpc``), or None."""
    prefix = object_id.split("-", 1)[0] if isinstance(object_id, str) else None
    return prefix if prefix in KINDS else None


def not_found(object_id):
    """(status, code, message) of AWS's answer to a call naming an id it does not know yet."""
    code, noun = KINDS[kind_of(object_id)]
    return 400, code, f"The {noun} '{object_id}' does not exist"


def new_ids(operation, params, answer):
    """The ids of the kind ``operation`` makes that its answer names and its request did not."""
    kind = CREATES.get(operation)
    if kind is None:
        return []
    asked = {value for values in params.values() for value in values}
    found = dict.fromkeys(m for m in _ID_RE.findall(answer.decode("utf-8", "replace"))
                          if kind_of(m) == kind and m not in asked)
    return list(found)


def named_ids(params):
    """The values of a request's form fields that look like EC2 ids, leaving out filter values
    (a describe filtered by an id is answered without the lagging object, not refused)."""
    return [value for name, values in params.items()
            if name not in NOT_IDS and not FILTER_VALUE_RE.match(name)
            for value in values if kind_of(value)]


def drain_refusal(operation, params):
    """(status, code, message) of DependencyViolation for an EC2 delete, or None."""
    if operation not in DRAIN_REFUSED:
        return None
    field, noun = DRAIN_REFUSED[operation]
    object_id = (params.get(field) or ["?"])[0]
    return (400, "DependencyViolation",
            f"The {noun} '{object_id}' has dependencies and cannot be deleted.")


def parse(data):
    """(root element, its namespace URI) of an XML answer; (None, None) if it is not XML."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return None, None
    return root, root.tag[1:].partition("}")[0] if root.tag.startswith("{") else ""


def local(tag):
    """An element's tag without its namespace."""
    return tag.rpartition("}")[2]


def qname(ns, name):
    """An element name in namespace ``ns`` as ElementTree spells it."""
    return f"{{{ns}}}{name}" if ns else name


def child_text(element, ns, name):
    """The text of a direct child of ``element`` named ``name`` (in ``ns``), or None."""
    found = element.find(qname(ns, name))
    return found.text if found is not None else None


def write(root, ns, original):
    """Serialize an edited answer, keeping its default namespace (so the SDKs still parse it)
    and its XML declaration, if it had one."""
    with _SERIALIZE:
        if ns:
            ET.register_namespace("", ns)
        text = ET.tostring(root, encoding="unicode").encode()
    return _XML_DECLARATION + text if original.lstrip().startswith(b"<?xml") else text


def drop_lagging(data, lagging):
    """The describe answer ``data`` without the top-level items that ``lagging(id)`` holds back.

    Returns (answer, number of items left out); the answer is ``data`` itself when none was.
    """
    root, ns = parse(data)
    if root is None:
        return data, 0
    dropped = 0
    for group in root:
        own_id = SETS.get(local(group.tag))
        if own_id is None:
            continue
        for item in list(group):
            ids = [child_text(item, ns, tag) for tag in (own_id, *PARENT_TAGS)]
            if any(i and lagging(i) for i in ids):
                group.remove(item)
                dropped += 1
    return (write(root, ns, data), dropped) if dropped else (data, 0)
