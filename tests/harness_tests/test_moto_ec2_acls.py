"""The launcher's network ACL additions: ICMP rules keep their type and code, and a deleted
subnet leaves its ACL free to delete, as AWS documents."""

import pytest
from botocore.exceptions import ClientError


def _vpc(ec2):
    return ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]


def _entry(ec2, acl, number, egress=False):
    [entry] = [e for e in ec2.describe_network_acls(NetworkAclIds=[acl])["NetworkAcls"][0]["Entries"]
               if e["RuleNumber"] == number and e["Egress"] == egress]
    return entry


def test_ec2_create_and_replace_network_acl_entry_icmp(moto):
    ec2 = moto.client("ec2")
    acl = ec2.create_network_acl(VpcId=_vpc(ec2))["NetworkAcl"]["NetworkAclId"]
    ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=110, Protocol="1", RuleAction="allow",
                                 Egress=False, CidrBlock="0.0.0.0/0", IcmpTypeCode={"Type": 3, "Code": 4})
    assert _entry(ec2, acl, 110)["IcmpTypeCode"] == {"Type": 3, "Code": 4}
    ec2.replace_network_acl_entry(NetworkAclId=acl, RuleNumber=110, Protocol="1", RuleAction="allow",
                                  Egress=False, CidrBlock="0.0.0.0/0", IcmpTypeCode={"Type": 0, "Code": -1})
    assert _entry(ec2, acl, 110)["IcmpTypeCode"] == {"Type": 0, "Code": -1}
    # A TCP rule has no ICMP part.
    ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=120, Protocol="6", RuleAction="allow",
                                 Egress=False, CidrBlock="0.0.0.0/0", PortRange={"From": 443, "To": 443})
    assert "IcmpTypeCode" not in _entry(ec2, acl, 120)


def test_ec2_delete_subnet_frees_network_acl_association(moto):
    ec2 = moto.client("ec2")
    vpc = _vpc(ec2)
    acl = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    acls = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["NetworkAcls"]
    [association] = [a["NetworkAclAssociationId"] for x in acls for a in x["Associations"] if a["SubnetId"] == subnet]
    ec2.replace_network_acl_association(AssociationId=association, NetworkAclId=acl)
    # Still in use: refused, as AWS does.
    with pytest.raises(ClientError) as err:
        ec2.delete_network_acl(NetworkAclId=acl)
    assert err.value.response["Error"]["Code"] == "DependencyViolation"
    ec2.delete_subnet(SubnetId=subnet)
    assert ec2.describe_network_acls(NetworkAclIds=[acl])["NetworkAcls"][0]["Associations"] == []
    ec2.delete_network_acl(NetworkAclId=acl)
    assert acl not in [a["NetworkAclId"] for a in ec2.describe_network_acls(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}])["NetworkAcls"]]
