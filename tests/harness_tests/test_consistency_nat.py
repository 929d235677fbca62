"""NAT gateways' transitional states the fault proxy plays (tests/harness/consistency_nat.py):
``pending`` after the create and ``deleting`` after the delete, as the VPC User Guide
describes them; shown to end."""

import time

from harness_tests.test_consistency import lagged, via  # noqa: F401 (lagged is a fixture)
from harness_tests.test_consistency_named import counted


def states_until(client, nat, final, timeout=20.0):
    """The states DescribeNatGateways shows for ``nat`` until it shows ``final``, in order,
    each once (not found while the new gateway is not visible yet is left out)."""
    seen, deadline = [], time.monotonic() + timeout
    while not seen or seen[-1] != final:
        assert time.monotonic() < deadline, seen
        found = client.describe_nat_gateways(Filters=[
            {"Name": "nat-gateway-id", "Values": [nat]}])["NatGateways"]
        if found and (not seen or seen[-1] != found[0]["State"]):
            seen.append(found[0]["State"])
        time.sleep(0.1)
    return seen


def test_a_nat_gateway_is_pending_after_its_create_and_deleting_after_its_delete(moto, lagged):
    proxy = lagged(scale=1.0)  # visible after 1-4 s, pending 3-8 s, deleting 2-5 s
    direct, ec2 = moto.client("ec2"), via(proxy, "ec2")
    vpc = direct.create_vpc(CidrBlock="10.79.0.0/16")["Vpc"]["VpcId"]
    subnet = direct.create_subnet(VpcId=vpc, CidrBlock="10.79.1.0/24")["Subnet"]["SubnetId"]
    address = direct.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=address)["NatGateway"][
        "NatGatewayId"]
    assert direct.describe_nat_gateways(NatGatewayIds=[nat])["NatGateways"][0][
        "State"] == "available"
    assert states_until(ec2, nat, "available") == ["pending", "available"]
    ec2.delete_nat_gateway(NatGatewayId=nat)
    assert states_until(ec2, nat, "deleted") == ["deleting", "deleted"]
    counted(proxy, ec2__filtered=1, ec2__nat_pending=1, ec2__nat_deleting=1)
