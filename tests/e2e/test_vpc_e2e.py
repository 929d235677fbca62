"""SecureVpc through the real pulumi CLI and YAML language host, against moto."""

import os
import re
import signal
import subprocess
import time

import pytest

TOKEN = "healthcare:network:SecureVpc"
WRITES = ["CreateVpc", "ModifyVpcAttribute", "CreateInternetGateway", "AttachInternetGateway", "CreateSubnet",
          "CreateRouteTable", "AssociateRouteTable", "CreateRoute", "ReplaceRoute", "AllocateAddress",
          "CreateNatGateway", "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress", "CreateFlowLogs"]


def program(**props):
    return {
        "resources": {"net": {"type": TOKEN, "properties": props}},
        "outputs": {"vpcId": "${net.vpcId}", "private": "${net.privateSubnetIds}", "public": "${net.publicSubnetIds}",
                    "isolated": "${net.isolatedSubnetIds}", "nats": "${net.natGatewayIds}",
                    "tables": "${net.privateRouteTableIds}", "zones": "${net.availabilityZones}",
                    "compliant": "${net.compliance.compliant}", "drift": "${net.drift}",
                    "appGroup": "${net.applicationSecurityGroupId}"},
    }


def vpcs(moto):
    return [v["VpcId"] for v in moto.client("ec2").describe_vpcs()["Vpcs"] if not v.get("IsDefault")]


def nat_routes(moto, tables):
    """Private route table id to the NAT gateway its 0.0.0.0/0 route uses."""
    out = {}
    for t in moto.client("ec2").describe_route_tables(RouteTableIds=list(tables))["RouteTables"]:
        out[t["RouteTableId"]] = next((r.get("NatGatewayId") for r in t["Routes"]
                                       if r.get("DestinationCidrBlock") == "0.0.0.0/0"), None)
    return out


def live_nats(moto, vpc):
    nats = moto.client("ec2").describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["NatGateways"]
    return [n["NatGatewayId"] for n in nats if n["State"] not in ("deleted", "deleting")]


def inventory(moto):
    ec2 = moto.client("ec2")
    return {
        "vpcs": vpcs(moto),
        "eips": [a["AllocationId"] for a in ec2.describe_addresses()["Addresses"]],
        "roles": [r["RoleName"] for r in moto.client("iam").list_roles()["Roles"]],
        "groups": [g["logGroupName"] for g in moto.client("logs").describe_log_groups()["logGroups"]],
    }


def test_the_vpc_lifecycle_grows_azs_and_switches_nat_in_place(new_stack, moto, proxy):
    before = inventory(moto)
    stack = new_stack(program(availabilityZoneCount=2, natGateways="single"))
    proxy.clear_log()
    preview = stack.preview_json()
    assert [s["op"] for s in preview["steps"] if s["urn"].endswith("::net")] == ["create"]
    assert proxy.log() == [], proxy.operations()

    stack.up()
    out = stack.outputs()
    assert out["compliant"] is True and out["drift"] == []
    assert len(out["private"]) == 2 and len(out["public"]) == 2 and len(out["isolated"]) == 2
    assert len(out["nats"]) == 1
    [nat] = out["nats"].values()
    assert set(nat_routes(moto, out["tables"].values()).values()) == {nat}
    ec2 = moto.client("ec2")
    flows = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [out["vpcId"]]}])["FlowLogs"]
    assert [f["TrafficType"] for f in flows] == ["ALL"]
    default = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [out["vpcId"]]},
                                                    {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]
    assert default["IpPermissions"] == [] and default["IpPermissionsEgress"] == []
    stack.preview("--expect-no-changes")

    # Two AZs to three: in place, and the original subnets keep their ids.
    stack.write(program(availabilityZoneCount=3, natGateways="single"))
    changes = stack.up_summary()
    assert changes.get("update") == 1 and "replace" not in changes, changes
    grown = stack.outputs()
    assert grown["vpcId"] == out["vpcId"] and len(grown["private"]) == 3
    assert grown["private"][:2] == out["private"] and grown["public"][:2] == out["public"]
    assert grown["isolated"][:2] == out["isolated"]

    # single -> perAz: one NAT per AZ, each private table routes to its own.
    stack.write(program(availabilityZoneCount=3, natGateways="perAz"))
    assert "replace" not in stack.up_summary()
    per_az = stack.outputs()
    assert len(per_az["nats"]) == 3 and len(live_nats(moto, out["vpcId"])) == 3
    routes = nat_routes(moto, per_az["tables"].values())
    for az, table in per_az["tables"].items():
        assert routes[table] == per_az["nats"][az]

    # ... and back: one NAT again, every route follows, the others are gone.
    stack.write(program(availabilityZoneCount=3, natGateways="single"))
    assert "replace" not in stack.up_summary()
    back = stack.outputs()
    [nat] = back["nats"].values()
    assert set(nat_routes(moto, back["tables"].values()).values()) == {nat}
    assert live_nats(moto, out["vpcId"]) == [nat]
    stack.preview("--expect-no-changes")

    stack.destroy()
    assert inventory(moto) == before


def test_drift_shows_on_refresh_and_up_repairs_it(new_stack, moto):
    stack = new_stack(program(availabilityZoneCount=2, natGateways="perAz"))
    stack.up()
    out = stack.outputs()
    ec2 = moto.client("ec2")
    table = out["tables"][out["zones"][0]]
    ec2.delete_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0")
    default = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [out["vpcId"]]},
                                                    {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]
    ec2.authorize_security_group_ingress(GroupId=default["GroupId"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    ec2.delete_nat_gateway(NatGatewayId=out["nats"][out["zones"][1]])
    flows = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [out["vpcId"]]}])["FlowLogs"]
    ec2.delete_flow_logs(FlowLogIds=[f["FlowLogId"] for f in flows])
    stack.refresh()
    # Stack outputs change only on `up`; the refreshed resource state shows the drift.
    [state] = stack.resources(TOKEN)
    drift = state["outputs"]["drift"]
    assert any("no route to a NAT gateway" in d for d in drift), drift
    assert any("default security group" in d for d in drift), drift
    assert any(f"NAT gateway in {out['zones'][1]} is gone" in d for d in drift), drift
    assert "flow logs are off" in drift
    assert state["outputs"]["compliance"]["compliant"] is False
    step = stack.preview_steps()["net"]
    # Shown where it is: the drift output goes away, beside the inputs the refresh read back
    # (flow logs off, a NAT gateway gone).
    assert step["op"] == "update" and "drift" in step["diffReasons"], step
    assert step["detailedDiff"].pop("drift") == {"kind": "delete", "inputDiff": False}, step
    assert {change["kind"] for change in step["detailedDiff"].values()} == {"update"}, step
    stack.up()
    fixed = stack.outputs()
    assert fixed["drift"] == [] and fixed["compliant"] is True
    assert nat_routes(moto, [table])[table] == fixed["nats"][out["zones"][0]]
    assert len(live_nats(moto, out["vpcId"])) == 2
    flows = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [out["vpcId"]]}])["FlowLogs"]
    assert [f["TrafficType"] for f in flows] == ["ALL"]
    stack.destroy()


def tier_acls(moto, vpc):
    """The VPC's network ACLs: tier name (``default`` for the default ACL) to the ACL."""
    acls = moto.client("ec2").describe_network_acls(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}])["NetworkAcls"]
    out = {}
    for acl in acls:
        part = {t["Key"]: t["Value"] for t in acl.get("Tags", [])}.get("healthcare:part", "")
        out["default" if acl["IsDefault"] else part.removeprefix("acl/")] = acl
    return out


def test_a_tier_acl_deleted_outside_pulumi_is_made_anew_not_answered_with_the_deleted_one(new_stack, moto):
    # AWS answers CreateNetworkAcl's ClientToken with the ACL that token first made, even once
    # it is deleted; the emulator does too. The tier's ACL must be made again all the same.
    stack = new_stack(program(availabilityZoneCount=2, natGateways="none"))
    stack.up()
    out = stack.outputs()
    ec2 = moto.client("ec2")
    acls = tier_acls(moto, out["vpcId"])
    deleted = acls["isolated"]["NetworkAclId"]
    # AWS deletes an ACL only once no subnet is on it: its subnets go back to the default ACL.
    for association in acls["isolated"]["Associations"]:
        ec2.replace_network_acl_association(AssociationId=association["NetworkAclAssociationId"],
                                            NetworkAclId=acls["default"]["NetworkAclId"])
    ec2.delete_network_acl(NetworkAclId=deleted)
    stack.refresh()
    [state] = stack.resources(TOKEN)
    assert "the isolated subnets have no network ACL of their own" in state["outputs"]["drift"], state["outputs"]
    up = stack.up()
    shown = up.stdout + up.stderr
    assert f"network ACL {deleted}, the isolated subnets' ACL, was deleted outside Pulumi" in shown, shown[-3000:]
    acls = tier_acls(moto, out["vpcId"])
    made = acls["isolated"]
    assert made["NetworkAclId"] != deleted
    assert sorted(a["SubnetId"] for a in made["Associations"]) == sorted(out["isolated"])
    allowed = [e for e in made["Entries"] if e["RuleAction"] == "allow"]
    assert allowed and all(e["CidrBlock"] == "10.0.0.0/16" for e in allowed), made["Entries"]
    assert not [e for e in acls["default"]["Entries"] if e["RuleAction"] == "allow"], acls["default"]
    assert stack.outputs()["drift"] == [] and stack.outputs()["compliant"] is True
    stack.preview("--expect-no-changes")
    stack.destroy()
    assert out["vpcId"] not in vpcs(moto)


def test_drift_no_input_can_show_previews_as_the_drift_output_going_away(new_stack, moto):
    stack = new_stack(program(availabilityZoneCount=2))
    stack.up()
    vpc_id = stack.outputs()["vpcId"]
    ec2 = moto.client("ec2")
    default = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                                                    {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]
    ec2.authorize_security_group_ingress(GroupId=default["GroupId"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    stack.refresh()
    step = stack.preview_steps()["net"]
    assert step["op"] == "update" and step["diffReasons"] == ["drift"], step
    assert step["detailedDiff"] == {"drift": {"kind": "delete", "inputDiff": False}}, step
    shown = stack.preview().stdout
    assert "- drift" in shown and "default security group" in shown, shown
    stack.up()
    assert stack.outputs()["drift"] == []
    stack.preview("--expect-no-changes")
    stack.destroy()


def test_a_flow_log_group_whose_key_was_taken_off_is_encrypted_again(new_stack, moto):
    stack = new_stack(program(availabilityZoneCount=2, natGateways="none"))
    stack.up()
    [state] = stack.resources(TOKEN)
    group, key = state["outputs"]["flowLogGroupName"], state["outputs"]["kmsKeyArn"]
    logs = moto.client("logs")
    logs.disassociate_kms_key(logGroupName=group)
    stack.refresh()
    [state] = stack.resources(TOKEN)
    assert f"the flow log group {group} is not encrypted with KMS" in state["outputs"]["drift"], state["outputs"]
    up = stack.up()
    assert f"log group {group}: encrypting with {key} again (it had no key)" in up.stdout + up.stderr, up.stdout[-3000:]
    [found] = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert found["kmsKeyId"] == key, found
    assert stack.outputs()["drift"] == [] and stack.outputs()["compliant"] is True
    stack.preview("--expect-no-changes")
    stack.destroy()


def test_the_application_group_carries_no_rule_and_is_kept_so(new_stack, moto):
    stack = new_stack(program(availabilityZoneCount=2, natGateways="none"))
    stack.up()
    out = stack.outputs()
    ec2 = moto.client("ec2")
    [group] = ec2.describe_security_groups(GroupIds=[out["appGroup"]])["SecurityGroups"]
    assert group["VpcId"] == out["vpcId"]
    assert group["IpPermissions"] == [] and group["IpPermissionsEgress"] == [], group
    ec2.authorize_security_group_egress(GroupId=out["appGroup"], IpPermissions=[
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    stack.refresh()
    [state] = stack.resources(TOKEN)
    assert "the application security group has 1 rules; it should have none" in state["outputs"]["drift"]
    stack.up()
    [group] = ec2.describe_security_groups(GroupIds=[out["appGroup"]])["SecurityGroups"]
    assert group["IpPermissionsEgress"] == [], group
    assert stack.outputs()["drift"] == []
    stack.destroy()
    assert ec2.describe_security_groups(Filters=[{"Name": "group-id", "Values": [out["appGroup"]]}])["SecurityGroups"] == []


def test_retention_endpoints_tags_and_fewer_azs_update_in_place_and_a_new_cidr_replaces(new_stack, moto):
    stack = new_stack(program(availabilityZoneCount=3, natGateways="none"))
    stack.up()
    out = stack.outputs()
    stack.write(program(availabilityZoneCount=2, natGateways="none", flowLogs={"retentionDays": 731},
                        endpoints={"gateway": ["s3"], "interface": ["kms"]}, tags={"team": "platform"}))
    changes = stack.up_summary()
    assert changes.get("update") == 1 and "replace" not in changes, changes
    after = stack.outputs()
    assert after["vpcId"] == out["vpcId"] and after["private"] == out["private"][:2]
    ec2, logs = moto.client("ec2"), moto.client("logs")
    [state] = stack.resources(TOKEN)
    group = state["outputs"]["flowLogGroupName"]
    assert logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]["retentionInDays"] == 731
    endpoints = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [out["vpcId"]]}])["VpcEndpoints"]
    assert sorted(e["ServiceName"].rsplit(".", 1)[-1] for e in endpoints) == ["kms", "s3"]
    tags = {t["Key"]: t["Value"] for t in ec2.describe_vpcs(VpcIds=[out["vpcId"]])["Vpcs"][0]["Tags"]}
    assert tags["team"] == "platform"
    subnets = [s["SubnetId"] for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [out["vpcId"]]}])["Subnets"]]
    assert out["private"][2] not in subnets and len(subnets) == 6
    stack.preview("--expect-no-changes")

    stack.write(program(availabilityZoneCount=2, natGateways="none", cidrBlock="10.9.0.0/16"))
    changes = stack.up_summary()
    assert changes.get("replace") == 1, changes
    assert stack.outputs()["vpcId"] != out["vpcId"] and out["vpcId"] not in vpcs(moto)
    stack.destroy()


def test_a_zone_and_an_endpoint_removed_then_added_again_are_made_anew(new_stack, moto):
    # EC2 answers an idempotency token it has seen with what that request made, even once it
    # is deleted: a part made again must not be answered with the one deleted before.
    with_all = program(availabilityZoneCount=3, natGateways="none", endpoints={"interface": ["kms"]})
    stack = new_stack(with_all)
    stack.up()
    first = stack.outputs()
    ec2 = moto.client("ec2")

    def live(kind, key, vpc):
        found = getattr(ec2, f"describe_{kind}")(Filters=[{"Name": "vpc-id", "Values": [vpc]}])[key]
        return [x for x in found if x.get("State", "available") not in ("deleted", "deleting")]

    stack.write(program(availabilityZoneCount=2, natGateways="none"))
    stack.up()
    assert live("vpc_endpoints", "VpcEndpoints", first["vpcId"]) == []
    stack.write(with_all)
    stack.up()
    again = stack.outputs()
    third = first["zones"][2]
    assert again["vpcId"] == first["vpcId"] and again["zones"] == first["zones"]
    assert again["tables"][third] != first["tables"][third]
    tables = {t["RouteTableId"] for t in live("route_tables", "RouteTables", first["vpcId"])}
    assert set(again["tables"].values()) <= tables, (again["tables"], tables)
    [endpoint] = live("vpc_endpoints", "VpcEndpoints", first["vpcId"])
    assert endpoint["ServiceName"].endswith(".kms") and endpoint["State"] == "available", endpoint
    assert again["compliant"] is True and again["drift"] == []
    stack.preview("--expect-no-changes")
    stack.destroy()


def test_import_by_vpc_id_previews_with_no_changes(new_stack, tmp_path):
    import yaml

    source = new_stack(program(availabilityZoneCount=2, natGateways="none"), name="source")
    source.up()
    vpc_id = source.outputs()["vpcId"]
    target = new_stack({"resources": {}}, name="target")
    generated = tmp_path / "imported.yaml"
    target.run("import", TOKEN, "imported", vpc_id, "--yes", "--protect=false", "--out", str(generated))
    target.write({"resources": yaml.safe_load(generated.read_text()).get("resources", {})})
    target.preview("--expect-no-changes")
    target.run("state", "delete", f"urn:pulumi:e2e::healthcare-e2e::{TOKEN}::imported", "--yes")


def test_a_failed_fourth_write_leaves_a_partial_state_that_up_completes(new_stack, moto, proxy):
    before = inventory(moto)
    stack = new_stack(program(availabilityZoneCount=2, natGateways="single"))
    proxy.add_rule("error", service="ec2", operation=WRITES, nth=4, error="access_denied")
    failed = stack.run("up", "--yes", "--skip-preview", check=False)
    assert failed.returncode != 0
    [partial] = stack.resources(TOKEN)
    assert partial["id"].startswith("vpc-") and len(vpcs(moto)) == len(before["vpcs"]) + 1
    proxy.clear_rules()
    stack.up()
    assert stack.outputs()["compliant"] is True and len(vpcs(moto)) == len(before["vpcs"]) + 1
    stack.destroy()
    assert inventory(moto) == before


def test_a_plugin_killed_mid_create_leaves_exactly_one_vpc(new_stack, moto, proxy):
    before = len(vpcs(moto))
    stack = new_stack(program(availabilityZoneCount=2, natGateways="single"))
    proxy.add_rule("hang", service="ec2", operation="CreateNatGateway")
    up = subprocess.Popen(["pulumi", "up", "--yes", "--skip-preview", "--non-interactive"], cwd=stack.dir,
                          env=stack.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 120
    while not proxy.log(operation="CreateNatGateway") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert proxy.log(operation="CreateNatGateway"), "the create never reached its NAT gateway"
    killed = _kill_plugins(stack)
    assert killed, "no plugin process found to kill"
    up.wait(timeout=120)
    proxy.clear_rules()
    assert len(vpcs(moto)) == before + 1
    stack.run("refresh", "--yes", "--clear-pending-creates", check=False)
    stack.up()
    assert len(vpcs(moto)) == before + 1
    assert stack.outputs()["compliant"] is True
    stack.destroy()
    assert len(vpcs(moto)) == before


def _kill_plugins(stack):
    """SIGKILLs the provider processes started for this stack's PULUMI_HOME."""
    killed = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmd = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")
            env = open(f"/proc/{pid}/environ", "rb").read()
        except OSError:
            continue
        if cmd and cmd[0].endswith(b"pulumi-resource-healthcare") and str(stack.home).encode() in env:
            os.kill(int(pid), signal.SIGKILL)
            killed.append(int(pid))
    return killed


@pytest.mark.parametrize("props,prop", [
    ({"cidrBlock": "10.0.0.0/8"}, "cidrBlock"),
    ({"availabilityZoneCount": 9}, "availabilityZoneCount"),
    ({"flowLogs": {"enabled": False}}, "flowLogs.enabled"),
    ({"subnets": {"public": {"enabled": False}}}, "natGateways"),
])
def test_bad_inputs_fail_preview_naming_the_property(new_stack, props, prop):
    stack = new_stack(program(**props))
    result = stack.preview(check=False)
    assert result.returncode != 0
    assert re.search(rf"resource 'net': property {re.escape(prop)} value .* has a problem",
                     result.stderr), result.stderr[-2000:]


def test_flow_logs_kept_on_delete_stay_readable_and_are_named(new_stack, moto):
    """Audit evidence outlives the VPC when the program says so: the group stays, with its
    retention, and so does the key that decrypts it; the delete says what it kept."""
    stack = new_stack(program(availabilityZoneCount=2, natGateways="none",
                              flowLogs={"retainOnDelete": True}))
    stack.up()
    vpc = stack.outputs()["vpcId"]
    [state] = stack.resources(TOKEN)
    group, key = state["outputs"]["flowLogGroupName"], state["outputs"]["kmsKeyArn"]
    done = stack.run("destroy", "--yes")
    assert f"kept the flow-log group {group}" in done.stdout + done.stderr, done.stdout[-2000:]
    logs, kms = moto.client("logs"), moto.client("kms")
    [kept] = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert kept["retentionInDays"] == 365 and kept["kmsKeyId"] == key, kept
    assert kms.describe_key(KeyId=key)["KeyMetadata"]["KeyState"] == "Enabled"
    assert vpc not in vpcs(moto)
    logs.delete_log_group(logGroupName=group)
    kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)


def test_flow_logs_go_with_the_vpc_by_default(new_stack, moto):
    stack = new_stack(program(availabilityZoneCount=2, natGateways="none"))
    stack.up()
    [state] = stack.resources(TOKEN)
    group, key = state["outputs"]["flowLogGroupName"], state["outputs"]["kmsKeyArn"]
    stack.destroy()
    assert moto.client("logs").describe_log_groups(logGroupNamePrefix=group)["logGroups"] == []
    assert moto.client("kms").describe_key(KeyId=key)["KeyMetadata"]["KeyState"] == "PendingDeletion"


def endpoint_policies(moto, vpc):
    """Service (last part of its name) to the statements of its endpoint's policy."""
    import json

    endpoints = moto.client("ec2").describe_vpc_endpoints(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}])["VpcEndpoints"]
    out = {}
    for e in endpoints:
        statements = json.loads(e["PolicyDocument"])["Statement"]
        out[e["ServiceName"].rsplit(".", 1)[-1]] = statements if isinstance(statements, list) else [statements]
    return out


def test_endpoints_admit_only_the_accounts_principals_and_a_loosened_policy_is_drift(new_stack, moto):
    import json

    account = moto.client("sts").get_caller_identity()["Account"]
    region = moto.client("ec2").meta.region_name
    endpoints = {"gateway": ["s3"], "interface": ["kms", "logs"]}
    stack = new_stack(program(availabilityZoneCount=2, natGateways="none", endpoints=endpoints))
    stack.up()
    vpc = stack.outputs()["vpcId"]
    perimeter = {"Sid": "OnlyTrustedAccounts", "Effect": "Allow", "Principal": "*", "Action": "*",
                 "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalAccount": account}}}
    layers = {"Sid": "EcrImageLayers", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
              "Resource": f"arn:aws:s3:::prod-{region}-starport-layer-bucket/*"}
    assert endpoint_policies(moto, vpc) == {"s3": [perimeter, layers], "kms": [perimeter], "logs": [perimeter]}
    stack.preview("--expect-no-changes")

    # Another account trusted: an update in place of every endpoint's policy.
    partner = "210987654321"
    stack.write(program(availabilityZoneCount=2, natGateways="none",
                        endpoints={**endpoints, "trustedAccountIds": [partner]}))
    assert stack.preview_steps()["net"]["op"] == "update"
    stack.up()
    for statements in endpoint_policies(moto, vpc).values():
        assert statements[0]["Condition"] == {"StringEquals": {"aws:PrincipalAccount": sorted([account, partner])}}
    stack.preview("--expect-no-changes")

    # Opened by hand: a refresh reports it, and `up` closes it again.
    [kms] = [e["VpcEndpointId"] for e in moto.client("ec2").describe_vpc_endpoints(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}])["VpcEndpoints"] if e["ServiceName"].endswith(".kms")]
    open_policy = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}
    moto.client("ec2").modify_vpc_endpoint(VpcEndpointId=kms, PolicyDocument=json.dumps(open_policy))
    stack.refresh()
    [state] = stack.resources(TOKEN)
    assert state["outputs"]["drift"] == ["the kms endpoint's policy is not limited to this account's principals"]
    stack.up()
    assert stack.outputs()["drift"] == []
    assert endpoint_policies(moto, vpc)["kms"][0]["Condition"]["StringEquals"]["aws:PrincipalAccount"] == \
        sorted([account, partner])

    # AWS's default, chosen: every endpoint gets it back.
    stack.write(program(availabilityZoneCount=2, natGateways="none", endpoints={**endpoints, "policy": "awsDefault"}))
    stack.up()
    for service, statements in endpoint_policies(moto, vpc).items():
        assert statements == open_policy["Statement"], (service, statements)
    stack.preview("--expect-no-changes")
    stack.destroy()


@pytest.mark.parametrize("endpoints,prop", [
    ({"interface": ["kms"], "trustedAccountIds": ["12345"]}, "endpoints.trustedAccountIds[0]"),
    ({"interface": ["kms"], "policy": "awsDefault", "trustedAccountIds": ["210987654321"]},
     "endpoints.trustedAccountIds"),
])
def test_bad_endpoint_policy_inputs_fail_preview_naming_the_property(new_stack, endpoints, prop):
    stack = new_stack(program(availabilityZoneCount=2, natGateways="none", endpoints=endpoints))
    failed = stack.run("preview", check=False)
    assert failed.returncode != 0
    assert prop in failed.stdout + failed.stderr, failed.stdout + failed.stderr


def network_acls(moto, vpc):
    return moto.client("ec2").describe_network_acls(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}])["NetworkAcls"]


def acl_of(acls, subnet):
    return next(a for a in acls if any(x["SubnetId"] == subnet for x in a["Associations"]))


def ingress_from_anywhere(acl):
    return sorted((e["RuleNumber"], e["Protocol"], e.get("PortRange", {}).get("From"), e.get("PortRange", {}).get("To"))
                  for e in acl["Entries"]
                  if not e["Egress"] and e["RuleAction"] == "allow" and e.get("CidrBlock") == "0.0.0.0/0")


def test_each_tier_has_its_network_acl_and_the_default_one_allows_nothing(new_stack, moto):
    stack = new_stack(program(availabilityZoneCount=2, natGateways="single", cidrBlock="10.8.0.0/16"))
    stack.up()
    out = stack.outputs()
    acls = network_acls(moto, out["vpcId"])
    [default] = [a for a in acls if a["IsDefault"]]
    assert default["Associations"] == []
    assert [e["RuleAction"] for e in default["Entries"]] == ["deny", "deny"], default["Entries"]
    isolated = acl_of(acls, out["isolated"][0])
    assert {acl_of(acls, s)["NetworkAclId"] for s in out["isolated"]} == {isolated["NetworkAclId"]}
    assert sorted((e["Egress"], e["CidrBlock"], e["RuleAction"]) for e in isolated["Entries"]) == [
        (False, "0.0.0.0/0", "deny"), (False, "10.8.0.0/16", "allow"),
        (True, "0.0.0.0/0", "deny"), (True, "10.8.0.0/16", "allow")]
    private = acl_of(acls, out["private"][0])
    assert ingress_from_anywhere(private) == [(110, "1", None, None), (120, "6", 32768, 65535),
                                              (130, "17", 32768, 65535)]
    [mtu] = [e for e in private["Entries"] if e["RuleNumber"] == 110]
    assert mtu["IcmpTypeCode"] == {"Type": 3, "Code": 4}
    public = acl_of(acls, out["public"][0])
    assert ingress_from_anywhere(public) == [(110, "1", None, None), (120, "6", 443, 443), (130, "6", 80, 80),
                                             (140, "6", 1024, 65535), (150, "17", 1024, 65535)]
    # RDP (CIS: no remote administration port open to the internet) is denied ahead of the
    # range the NAT gateways' answers come back on.
    assert sorted((e["RuleNumber"], e["Protocol"], e["PortRange"]["From"], e["PortRange"]["To"])
                  for e in public["Entries"] if not e["Egress"] and e["RuleAction"] == "deny"
                  and e["RuleNumber"] != 32767) == [(135, "6", 3389, 3389), (145, "17", 3389, 3389)]
    assert len({isolated["NetworkAclId"], private["NetworkAclId"], public["NetworkAclId"]}) == 3
    assert out["drift"] == []
    stack.preview("--expect-no-changes")

    # Opened and moved by hand: a refresh shows both, and `up` puts them right.
    ec2 = moto.client("ec2")
    ec2.create_network_acl_entry(NetworkAclId=isolated["NetworkAclId"], RuleNumber=50, Protocol="-1",
                                 RuleAction="allow", Egress=False, CidrBlock="0.0.0.0/0")
    [association] = [x["NetworkAclAssociationId"] for x in private["Associations"]
                     if x["SubnetId"] == out["private"][1]]
    ec2.replace_network_acl_association(AssociationId=association, NetworkAclId=default["NetworkAclId"])
    stack.refresh()
    [state] = stack.resources(TOKEN)
    drift = state["outputs"]["drift"]
    assert "the network ACL of the isolated subnets has other rules" in drift, drift
    assert f"subnet {out['private'][1]} is not on the private network ACL" in drift, drift
    stack.up()
    assert stack.outputs()["drift"] == []
    acls = network_acls(moto, out["vpcId"])
    assert acl_of(acls, out["private"][1])["NetworkAclId"] == private["NetworkAclId"]
    assert 50 not in [e["RuleNumber"] for e in acl_of(acls, out["isolated"][0])["Entries"]]

    # A tier turned off takes its ACL with it; destroy leaves none.
    stack.write(program(availabilityZoneCount=2, natGateways="single", cidrBlock="10.8.0.0/16",
                        subnets={"isolated": {"enabled": False}}))
    stack.up()
    ids = [a["NetworkAclId"] for a in network_acls(moto, out["vpcId"])]
    assert isolated["NetworkAclId"] not in ids and len(ids) == 3, ids
    stack.preview("--expect-no-changes")
    stack.destroy()
    # (The emulator keeps a deleted VPC's default ACL listed; AWS deletes it with the VPC.)
    assert [a["NetworkAclId"] for a in network_acls(moto, out["vpcId"]) if not a["IsDefault"]] == []
    assert out["vpcId"] not in vpcs(moto)
