"""EC2 additions for the moto launcher: the account's default EBS key, a VPC's network ACLs and an
endpoint's policy reset, as AWS documents them.

Each addition is one function named after the AWS operation it completes, patching moto's EC2
backend or response class idempotently like the launcher's others; ``EC2_ADDITIONS`` lists
them.
"""

# AWS: "Each network ACL includes a rule whose rule number is an asterisk ... if a packet
# doesn't match any of the other numbered rules, it's denied. You can't modify or remove this
# rule." DescribeNetworkAcls answers it as rule number 32767, for a new custom ACL as for the
# default one.
CATCH_ALL_RULE = 32767


try:
    from .moto_patch import install as _install
    from .moto_patch import installed as _installed
except ImportError:  # loaded as a top-level module, as the launcher run as a program does
    from moto_patch import install as _install
    from moto_patch import installed as _installed


def _error(code, message):
    from moto.ec2.exceptions import EC2ClientError

    return EC2ClientError(code, message)


def _default_key_arn(backend):
    """The ARN of the account's default EBS key: the one set, else the AWS managed key for EBS
    (moto makes it, as alias/aws/ebs, the first time it is needed)."""
    return backend.default_kms_key_id or backend._create_default_encryption_key()


def ec2_get_ebs_default_kms_key_id():
    """EC2 GetEbsDefaultKmsKeyId: the default key for EBS encryption (moto 5.2.5: HTTP 500).

    AWS answers the ARN of the key ModifyEbsDefaultKmsKeyId set, else of the AWS managed KMS
    key for EBS.
    """
    from moto.core.responses import ActionResult
    from moto.ec2.responses import EC2Response

    if _installed(EC2Response, "get_ebs_default_kms_key_id"):
        return

    def get_ebs_default_kms_key_id(self):
        self.error_on_dryrun()
        return ActionResult({"KmsKeyId": _default_key_arn(self.ec2_backend)})

    _install(EC2Response, get_ebs_default_kms_key_id)


def ec2_modify_ebs_default_kms_key_id():
    """EC2 ModifyEbsDefaultKmsKeyId: take a key by id, alias, key ARN or alias ARN.

    AWS takes any of the four and answers the default key's ARN; it checks the key
    asynchronously ("if you specify an ID, alias, or ARN that is not valid, the action can
    appear to complete, but eventually fails"). Moto 5.2.5 resolves a key it knows but fails
    with HTTP 500 on an alias or key it does not know. The addition answers the key's ARN when
    KMS knows it, else the ARN of what was given, as AWS appears to.
    """
    from moto.ec2.models.elastic_block_store import EBSBackend

    if _installed(EBSBackend, "modify_ebs_default_kms_key_id"):
        return
    original = EBSBackend.modify_ebs_default_kms_key_id

    def modify_ebs_default_kms_key_id(self, kms_key_id):
        try:
            return original(self, kms_key_id)
        except Exception:
            prefix = f"arn:aws:kms:{self.region_name}:{self.account_id}:"
            arn = kms_key_id if kms_key_id.startswith("arn:") else (
                prefix + kms_key_id if kms_key_id.startswith("alias/") else f"{prefix}key/{kms_key_id}")
            self.default_kms_key_id = arn
            return arn

    _install(EBSBackend, modify_ebs_default_kms_key_id)


def ec2_reset_ebs_default_kms_key_id():
    """EC2 ResetEbsDefaultKmsKeyId: back to the AWS managed key for EBS (moto 5.2.5: 500).

    AWS: "Resets the default KMS key for EBS encryption for your account in this Region to the
    AWS managed KMS key for EBS", answering its ARN.
    """
    from moto.core.responses import ActionResult
    from moto.ec2.responses import EC2Response

    if _installed(EC2Response, "reset_ebs_default_kms_key_id"):
        return

    def reset_ebs_default_kms_key_id(self):
        self.error_on_dryrun()
        backend = self.ec2_backend
        backend.default_kms_key_id = ""
        return ActionResult({"KmsKeyId": _default_key_arn(backend)})

    _install(EC2Response, reset_ebs_default_kms_key_id)


def ec2_create_network_acl():
    """EC2 CreateNetworkAcl: a new ACL holds the catch-all deny rules.

    AWS: "By default, a custom network ACL denies all inbound and outbound traffic until you
    add rules", through the unmodifiable rule * answered as number 32767 for each direction.
    Moto 5.2.5 answers a new custom ACL with no entries.
    """
    from moto.ec2.models.network_acls import NetworkAclBackend

    if _installed(NetworkAclBackend, "create_network_acl"):
        return
    original = NetworkAclBackend.create_network_acl

    def create_network_acl(self, vpc_id, tags=None, default=False):
        acl = original(self, vpc_id, tags=tags, default=default)
        if not default:
            for egress in (True, False):
                self.create_network_acl_entry(
                    network_acl_id=acl.id, rule_number=CATCH_ALL_RULE, protocol="-1", rule_action="deny",
                    egress=egress, cidr_block="0.0.0.0/0", icmp_code=None, icmp_type=None,
                    port_range_from=None, port_range_to=None, ipv6_cidr_block=None)
        return acl

    _install(NetworkAclBackend, create_network_acl)


def _entry(backend, network_acl_id, rule_number, egress):
    acl = backend.get_network_acl(network_acl_id)
    entry = next((e for e in acl.network_acl_entries
                  if e.egress == egress and int(e.rule_number) == int(rule_number)), None)
    if entry is None:
        raise _error("InvalidNetworkAclEntry.NotFound",
                     f"The network ACL {network_acl_id} has no {'egress' if egress else 'ingress'} "
                     f"entry with rule number {rule_number}.")
    return acl, entry


def ec2_replace_network_acl_entry():
    """EC2 ReplaceNetworkAclEntry: an entry that does not exist is InvalidNetworkAclEntry.NotFound.

    AWS replaces an existing entry only, refusing a rule number and direction the ACL does not
    have. Moto 5.2.5 fails with HTTP 500.
    """
    from moto.ec2.models.network_acls import NetworkAclBackend

    if _installed(NetworkAclBackend, "replace_network_acl_entry"):
        return
    original = NetworkAclBackend.replace_network_acl_entry

    def replace_network_acl_entry(self, network_acl_id, rule_number, protocol, rule_action, egress,
                                  cidr_block, icmp_code, icmp_type, port_range_from, port_range_to,
                                  ipv6_cidr_block):
        _entry(self, network_acl_id, rule_number, egress)
        return original(self, network_acl_id, rule_number, protocol, rule_action, egress, cidr_block,
                        icmp_code, icmp_type, port_range_from, port_range_to, ipv6_cidr_block)

    _install(NetworkAclBackend, replace_network_acl_entry)


def ec2_delete_network_acl_entry():
    """EC2 DeleteNetworkAclEntry: an entry that does not exist is InvalidNetworkAclEntry.NotFound.

    Moto 5.2.5 fails with HTTP 500.
    """
    from moto.ec2.models.network_acls import NetworkAclBackend

    if _installed(NetworkAclBackend, "delete_network_acl_entry"):
        return

    def delete_network_acl_entry(self, network_acl_id, rule_number, egress):
        acl, entry = _entry(self, network_acl_id, rule_number, egress)
        acl.network_acl_entries.remove(entry)
        return entry

    _install(NetworkAclBackend, delete_network_acl_entry)


def ec2_replace_network_acl_association():
    """EC2 ReplaceNetworkAclAssociation: check both sides before moving the subnet.

    AWS answers InvalidAssociationID.NotFound for an association that does not exist and
    InvalidNetworkAclID.NotFound for an ACL that does not, changing nothing. Moto 5.2.5 fails
    with HTTP 500 on the first, and on the second drops the subnet's association before
    failing, leaving the subnet with no ACL.
    """
    from moto.ec2.models.network_acls import NetworkAclBackend

    if _installed(NetworkAclBackend, "replace_network_acl_association"):
        return
    original = NetworkAclBackend.replace_network_acl_association

    def replace_network_acl_association(self, association_id, network_acl_id):
        if not any(association_id in acl._associations for acl in self.network_acls.values()):
            raise _error("InvalidAssociationID.NotFound",
                         f"The association ID '{association_id}' does not exist")
        self.get_network_acl(network_acl_id)
        return original(self, association_id, network_acl_id)

    _install(NetworkAclBackend, replace_network_acl_association)


def ec2_describe_network_acls():
    """EC2 DescribeNetworkAcls: an unknown ACL id is InvalidNetworkAclID.NotFound.

    Moto 5.2.5 answers InvalidRouteTableID.NotFound, about a route table.
    """
    from moto.ec2.exceptions import InvalidNetworkAclIdError
    from moto.ec2.models.network_acls import NetworkAclBackend

    if _installed(NetworkAclBackend, "describe_network_acls"):
        return
    original = NetworkAclBackend.describe_network_acls

    def describe_network_acls(self, network_acl_ids=None, filters=None):
        for acl_id in network_acl_ids or []:
            if acl_id not in self.network_acls:
                raise InvalidNetworkAclIdError(acl_id)
        return original(self, network_acl_ids, filters)

    _install(NetworkAclBackend, describe_network_acls)


def ec2_modify_vpc_endpoint():
    """EC2 ModifyVpcEndpoint: ResetPolicy puts the default policy back.

    AWS: ResetPolicy "true to reset the policy document to the default policy. The default
    policy allows full access to the service." Moto 5.2.5 ignores ResetPolicy.
    """
    import json

    from moto.ec2.models.vpcs import VPCEndPoint
    from moto.ec2.responses import EC2Response

    if _installed(EC2Response, "modify_vpc_endpoint"):
        return
    original = EC2Response.modify_vpc_endpoint

    def modify_vpc_endpoint(self):
        result = original(self)
        if str(self._get_param("ResetPolicy")).lower() == "true":
            endpoint = self.ec2_backend.describe_vpc_endpoints(
                vpc_end_point_ids=[self._get_param("VpcEndpointId")])[0]
            endpoint.policy_document = json.dumps(VPCEndPoint.DEFAULT_POLICY)
        return result

    _install(EC2Response, modify_vpc_endpoint)


def ec2_default_security_group_rules():
    """A VPC's default security group comes with AWS's inbound rule: all traffic from the
    group itself (moto 5.2.5 makes the outbound rule only).

    AWS: a default security group has an inbound rule that "allows inbound traffic from
    network interfaces (and their associated instances) that are assigned to the same
    security group", and an outbound rule allowing all traffic (IPv4, and IPv6 in a VPC with
    an IPv6 CIDR block).
    """
    from moto.ec2.models.security_groups import SecurityGroup, SecurityGroupRule

    original = SecurityGroup.__init__
    if getattr(original, "healthcare_addition", False):
        return

    def __init__(self, ec2_backend, group_id, name, description, vpc_id=None, tags=None, is_default=None):
        original(self, ec2_backend, group_id, name, description, vpc_id=vpc_id, tags=tags, is_default=is_default)
        if self.is_default and vpc_id:
            itself = {"GroupId": self.id, "UserId": ec2_backend.account_id, "OwnerId": ec2_backend.account_id}
            self.ingress_rules.append(SecurityGroupRule(ec2_backend, "-1", self.id, None, None, None,
                                                        source_group=itself, is_egress=False))

    _install(SecurityGroup, __init__, "__init__")


EC2_ADDITIONS = [ec2_get_ebs_default_kms_key_id, ec2_modify_ebs_default_kms_key_id,
                 ec2_reset_ebs_default_kms_key_id, ec2_create_network_acl, ec2_replace_network_acl_entry,
                 ec2_delete_network_acl_entry, ec2_replace_network_acl_association,
                 ec2_describe_network_acls, ec2_modify_vpc_endpoint, ec2_default_security_group_rules]
