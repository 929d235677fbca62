"""The account baseline's EC2 settings on the emulator: EBS encryption by default and its key, a
VPC's default security group, its network ACLs and its endpoints' policies, as AWS documents them. The EBS settings are the
Region's own: their tests share one Region (making an EC2 Region costs seconds) and each starts
from AWS's defaults."""

import json

import pytest
from botocore.exceptions import ClientError

from harness.moto_process import ACCOUNT_ID

EBS_REGION = "eu-north-1"
ALLOW_ALL = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}
ONLY_GET = {"Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "secretsmanager:GetSecretValue",
                           "Resource": "*"}]}


def _code(err):
    return err.value.response["Error"]["Code"]


def test_ebs_encryption_by_default_is_turned_on_and_off(moto):
    ec2 = moto.client("ec2", region=EBS_REGION)
    ec2.disable_ebs_encryption_by_default()
    assert ec2.get_ebs_encryption_by_default()["EbsEncryptionByDefault"] is False
    assert ec2.enable_ebs_encryption_by_default()["EbsEncryptionByDefault"] is True
    assert ec2.get_ebs_encryption_by_default()["EbsEncryptionByDefault"] is True
    assert ec2.disable_ebs_encryption_by_default()["EbsEncryptionByDefault"] is False


def test_the_default_ebs_key_is_set_read_and_reset(moto):
    region = EBS_REGION
    ec2, kms = moto.client("ec2", region=region), moto.client("kms", region=region)
    ec2.reset_ebs_default_kms_key_id()
    managed = ec2.get_ebs_default_kms_key_id()["KmsKeyId"]
    # Until set, the default is the AWS managed key for EBS.
    assert managed == kms.describe_key(KeyId="alias/aws/ebs")["KeyMetadata"]["Arn"]
    key = kms.create_key()["KeyMetadata"]
    alias = f"alias/baseline-ebs-{key['KeyId'][:8]}"
    kms.create_alias(AliasName=alias, TargetKeyId=key["KeyId"])
    for given in (key["KeyId"], key["Arn"], alias, f"arn:aws:kms:{region}:{ACCOUNT_ID}:{alias}"):
        assert ec2.modify_ebs_default_kms_key_id(KmsKeyId=given)["KmsKeyId"] == key["Arn"]
        assert ec2.get_ebs_default_kms_key_id()["KmsKeyId"] == key["Arn"]
    assert ec2.reset_ebs_default_kms_key_id()["KmsKeyId"] == managed
    assert ec2.get_ebs_default_kms_key_id()["KmsKeyId"] == managed


def test_a_key_kms_does_not_know_is_taken_as_aws_takes_it(moto):
    # AWS checks the key asynchronously: the call appears to complete.
    region = EBS_REGION
    ec2 = moto.client("ec2", region=region)
    ec2.reset_ebs_default_kms_key_id()
    answer = ec2.modify_ebs_default_kms_key_id(KmsKeyId="alias/not-yet-made")["KmsKeyId"]
    assert answer == f"arn:aws:kms:{region}:{ACCOUNT_ID}:alias/not-yet-made"
    ec2.reset_ebs_default_kms_key_id()


@pytest.fixture
def vpc(moto):
    ec2 = moto.client("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.42.1.0/24")["Subnet"]["SubnetId"]
    return ec2, vpc_id, subnet


def _entries(ec2, acl_id):
    [acl] = ec2.describe_network_acls(NetworkAclIds=[acl_id])["NetworkAcls"]
    return {(e["Egress"], e["RuleNumber"]): e for e in acl["Entries"]}


def test_the_default_acl_is_found_with_its_subnets(vpc):
    ec2, vpc_id, subnet = vpc
    [acl] = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                                               {"Name": "default", "Values": ["true"]}])["NetworkAcls"]
    assert acl["IsDefault"] is True
    assert [a["SubnetId"] for a in acl["Associations"]] == [subnet]
    assert {(k, e["RuleAction"]) for k, e in _entries(ec2, acl["NetworkAclId"]).items()} == {
        ((False, 100), "allow"), ((True, 100), "allow"), ((False, 32767), "deny"), ((True, 32767), "deny")}



def _default_group(ec2, vpc_id):
    [group] = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                                                    {"Name": "group-name", "Values": ["default"]}])[
        "SecurityGroups"]
    return group


def test_a_default_security_group_has_the_rules_aws_gives_it(vpc):
    """All traffic in from the group itself, all traffic out; both can be revoked and given back."""
    ec2, vpc_id, _ = vpc
    group = _default_group(ec2, vpc_id)
    itself = [{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": group["GroupId"], "UserId": ACCOUNT_ID}],
               "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": []}]
    anywhere = [{"IpProtocol": "-1", "UserIdGroupPairs": [], "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                 "Ipv6Ranges": [], "PrefixListIds": []}]
    assert (group["IpPermissions"], group["IpPermissionsEgress"]) == (itself, anywhere)
    # The default VPC's group too.
    [default_vpc] = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    theirs = _default_group(ec2, default_vpc["VpcId"])
    assert [p["UserIdGroupPairs"][0]["GroupId"] for p in theirs["IpPermissions"]] == [theirs["GroupId"]]
    ec2.revoke_security_group_ingress(GroupId=group["GroupId"], IpPermissions=group["IpPermissions"])
    with pytest.raises(ClientError) as err:
        ec2.revoke_security_group_ingress(GroupId=group["GroupId"], IpPermissions=group["IpPermissions"])
    assert _code(err) == "InvalidPermission.NotFound"
    assert _default_group(ec2, vpc_id)["IpPermissions"] == []
    ec2.authorize_security_group_ingress(GroupId=group["GroupId"], IpPermissions=[
        {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": group["GroupId"]}]}])
    assert _default_group(ec2, vpc_id)["IpPermissions"] == itself


def test_a_new_acl_denies_everything_until_given_entries(vpc):
    ec2, vpc_id, _ = vpc
    acl = ec2.create_network_acl(VpcId=vpc_id, TagSpecifications=[
        {"ResourceType": "network-acl", "Tags": [{"Key": "Name", "Value": "baseline"}]}])["NetworkAcl"]
    assert acl["IsDefault"] is False and acl["Tags"] == [{"Key": "Name", "Value": "baseline"}]
    catch_all = {(e["Egress"], e["RuleNumber"], e["RuleAction"], e["CidrBlock"]) for e in acl["Entries"]}
    assert catch_all == {(False, 32767, "deny", "0.0.0.0/0"), (True, 32767, "deny", "0.0.0.0/0")}
    assert set(_entries(ec2, acl["NetworkAclId"])) == {(False, 32767), (True, 32767)}


def test_acl_entries_are_created_replaced_and_deleted(vpc):
    ec2, vpc_id, _ = vpc
    acl = ec2.create_network_acl(VpcId=vpc_id)["NetworkAcl"]["NetworkAclId"]
    entry = dict(NetworkAclId=acl, RuleNumber=100, Protocol="6", RuleAction="allow", Egress=False,
                 CidrBlock="10.0.0.0/8", PortRange={"From": 443, "To": 443})
    ec2.create_network_acl_entry(**entry)
    ec2.create_network_acl_entry(**{**entry, "Egress": True, "PortRange": {"From": 1024, "To": 65535}})
    with pytest.raises(ClientError) as err:
        ec2.create_network_acl_entry(**entry)
    assert _code(err) == "NetworkAclEntryAlreadyExists"
    ec2.replace_network_acl_entry(**{**entry, "RuleAction": "deny", "PortRange": {"From": 22, "To": 22}})
    replaced = _entries(ec2, acl)[(False, 100)]
    assert replaced["RuleAction"] == "deny" and replaced["PortRange"] == {"From": 22, "To": 22}
    assert _entries(ec2, acl)[(True, 100)]["PortRange"] == {"From": 1024, "To": 65535}
    ec2.delete_network_acl_entry(NetworkAclId=acl, RuleNumber=100, Egress=True)
    assert (True, 100) not in _entries(ec2, acl)
    for call, kwargs in ((ec2.replace_network_acl_entry, {**entry, "RuleNumber": 200}),
                         (ec2.delete_network_acl_entry, {"NetworkAclId": acl, "RuleNumber": 100, "Egress": True})):
        with pytest.raises(ClientError) as err:
            call(**kwargs)
        assert _code(err) == "InvalidNetworkAclEntry.NotFound"
    with pytest.raises(ClientError) as err:
        ec2.create_network_acl_entry(**{**entry, "NetworkAclId": "acl-00000000000000000"})
    assert _code(err) == "InvalidNetworkAclID.NotFound"


def test_a_subnet_moves_between_acls_and_an_acl_in_use_stays(vpc):
    ec2, vpc_id, subnet = vpc
    default = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [subnet]}])[
        "NetworkAcls"][0]
    association = next(a["NetworkAclAssociationId"] for a in default["Associations"] if a["SubnetId"] == subnet)
    acl = ec2.create_network_acl(VpcId=vpc_id)["NetworkAcl"]["NetworkAclId"]
    for bad, code in (({"AssociationId": "aclassoc-00000000000000000", "NetworkAclId": acl},
                       "InvalidAssociationID.NotFound"),
                      ({"AssociationId": association, "NetworkAclId": "acl-00000000000000000"},
                       "InvalidNetworkAclID.NotFound")):
        with pytest.raises(ClientError) as err:
            ec2.replace_network_acl_association(**bad)
        assert _code(err) == code
    # A refused replacement leaves the subnet where it was.
    [still] = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [subnet]}])["NetworkAcls"]
    assert still["NetworkAclId"] == default["NetworkAclId"]
    moved = ec2.replace_network_acl_association(AssociationId=association, NetworkAclId=acl)["NewAssociationId"]
    [now] = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [subnet]}])["NetworkAcls"]
    assert now["NetworkAclId"] == acl
    with pytest.raises(ClientError) as err:
        ec2.delete_network_acl(NetworkAclId=acl)
    assert _code(err) == "DependencyViolation"
    ec2.replace_network_acl_association(AssociationId=moved, NetworkAclId=default["NetworkAclId"])
    ec2.delete_network_acl(NetworkAclId=acl)
    for call in (ec2.delete_network_acl, lambda **kw: ec2.describe_network_acls(NetworkAclIds=[kw["NetworkAclId"]])):
        with pytest.raises(ClientError) as err:
            call(NetworkAclId=acl)
        assert _code(err) == "InvalidNetworkAclID.NotFound"


def test_endpoint_services_say_whether_they_take_a_policy(moto):
    ec2 = moto.client("ec2")
    names = [f"com.amazonaws.us-east-1.{s}" for s in ("s3", "secretsmanager", "logs", "kms", "sts")]
    details = ec2.describe_vpc_endpoint_services(ServiceNames=names)["ServiceDetails"]
    assert {d["ServiceName"] for d in details} == set(names)
    assert all(d["VpcEndpointPolicySupported"] is True for d in details)


def test_an_endpoint_policy_is_set_read_and_reset(vpc):
    ec2, vpc_id, subnet = vpc
    endpoint = ec2.create_vpc_endpoint(VpcId=vpc_id, ServiceName="com.amazonaws.us-east-1.secretsmanager",
                                       VpcEndpointType="Interface", SubnetIds=[subnet], PrivateDnsEnabled=True,
                                       PolicyDocument=json.dumps(ONLY_GET))["VpcEndpoint"]
    endpoint_id = endpoint["VpcEndpointId"]

    def policy():
        [found] = ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"]
        return json.loads(found["PolicyDocument"])

    assert policy() == ONLY_GET
    ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, ResetPolicy=True)
    # The default policy allows full access to the service.
    assert {k: v for k, v in policy().items() if k != "Version"} == ALLOW_ALL
    ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, PolicyDocument=json.dumps(ONLY_GET))
    assert policy() == ONLY_GET
    with pytest.raises(ClientError) as err:
        ec2.modify_vpc_endpoint(VpcEndpointId="vpce-00000000000000000", ResetPolicy=True)
    assert _code(err) == "InvalidVpcEndpointId.NotFound"
