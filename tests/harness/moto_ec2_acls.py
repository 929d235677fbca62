"""EC2 network ACL additions for the moto launcher: ICMP rules and the associations of
deleted subnets, as AWS documents them.

Each addition is one function named after the AWS operation it completes, patching moto's EC2
classes idempotently like the launcher's others; ``EC2_ACL_ADDITIONS`` lists them.
"""


def _icmp(response):
    given = response._get_param("IcmpTypeCode") or {}
    return given.get("Type"), given.get("Code")


def _set_icmp(response):
    """Keep the request's ICMP type and code on the entry it made or replaced."""
    icmp_type, icmp_code = _icmp(response)
    if icmp_type is None and icmp_code is None:
        return
    acl = response.ec2_backend.get_network_acl(response._get_param("NetworkAclId"))
    number = int(response._get_param("RuleNumber"))
    egress = bool(response._get_param("Egress"))
    for entry in acl.network_acl_entries:
        if int(entry.rule_number) == number and bool(entry.egress) == egress:
            entry.icmp_type = icmp_type
            entry.icmp_code = icmp_code


def _wrap(name):
    from moto.ec2.responses.network_acls import NetworkACLs

    original = getattr(NetworkACLs, name)
    if getattr(original, "healthcare_addition", False):
        return

    def call(self):
        result = original(self)
        _set_icmp(self)
        return result

    call.healthcare_addition = True
    call.__name__ = name
    setattr(NetworkACLs, name, call)


def ec2_create_network_acl_entry_icmp():
    """EC2 CreateNetworkAclEntry: keep ``IcmpTypeCode`` (moto 5.2.5 reads it under a name its
    parser no longer fills, so an ICMP rule comes back without it).

    AWS: "IcmpTypeCode: ICMP protocol: The ICMP or ICMPv6 type and code. Required if
    specifying protocol 1 (ICMP) or protocol 58 (ICMPv6)"; DescribeNetworkAcls answers it on
    the entry.
    """
    _wrap("create_network_acl_entry")


def ec2_replace_network_acl_entry_icmp():
    """EC2 ReplaceNetworkAclEntry: keep ``IcmpTypeCode``, as at create."""
    _wrap("replace_network_acl_entry")


def ec2_delete_subnet_frees_network_acl_association():
    """EC2 DeleteSubnet: the subnet's network ACL association goes with it (moto 5.2.5 keeps
    it, so the ACL then refuses deletion with DependencyViolation for ever).

    AWS: a network ACL "can be associated with multiple subnets; however, a subnet can be
    associated with only one network ACL at a time", and a deleted subnet is associated with
    none; DeleteNetworkAcl refuses only an ACL still associated with subnets.
    """
    from moto.ec2.models.subnets import SubnetBackend

    original = SubnetBackend.delete_subnet
    if getattr(original, "healthcare_addition", False):
        return

    def delete_subnet(self, subnet_id):
        result = original(self, subnet_id)
        for acl in self.network_acls.values():
            for key in [k for k, a in acl._associations.items() if a.subnet_id == subnet_id]:
                del acl._associations[key]
        return result

    delete_subnet.healthcare_addition = True
    SubnetBackend.delete_subnet = delete_subnet


EC2_ACL_ADDITIONS = (
    ec2_create_network_acl_entry_icmp,
    ec2_replace_network_acl_entry_icmp,
    ec2_delete_subnet_frees_network_acl_association,
)
