"""NAT gateways' transitional states for the eventual-consistency model.

The VPC User Guide: a NAT gateway is ``pending`` after CreateNatGateway until it is
``available`` (minutes on AWS), and ``deleting`` after DeleteNatGateway until it is
``deleted``; the SDK's NatGatewayAvailable and NatGatewayDeleted waiters, and
terraform-provider-aws, wait for each. Moto answers ``available`` and ``deleted`` at once.
``NatStates`` plays the window: DescribeNatGateways shows a new gateway ``pending`` for
``nat.pending`` seconds after its create, and a deleted one ``deleting`` for ``nat.deleting``
seconds after its delete, counted as ``ec2.nat_pending`` and ``ec2.nat_deleting``.
"""

if __package__:
    from . import consistency_ec2 as xml
else:  # run as a program, with tests/harness first on sys.path
    import consistency_ec2 as xml

# The state moto answers -> the state AWS shows meanwhile, and the lag's kind.
SHOWN = {"available": ("pending", "nat.pending"), "deleted": ("deleting", "nat.deleting")}


class NatStates:
    """NAT gateway id -> (state moto answers, state shown meanwhile, until)."""

    def __init__(self, lag, counts):
        self._lag, self._counts = lag, counts
        self._states = {}

    def record(self, operation, params, data, now):
        """A create or delete starts the gateway's window."""
        if operation == "CreateNatGateway":
            for nat in xml.new_ids(operation, params, data):
                self._start(nat, "available", now)
        elif operation == "DeleteNatGateway":
            for nat in params.get("NatGatewayId") or []:
                self._start(nat, "deleted", now)

    def _start(self, nat, state, now):
        shown, kind = SHOWN[state]
        self._states[nat] = (state, shown, now + self._lag(kind, nat))

    def rewrite(self, data, now):
        """A DescribeNatGateways answer showing each gateway's transitional state."""
        self._states = {n: s for n, s in self._states.items() if s[2] > now}
        if not self._states or not any(n.encode() in data for n in self._states):
            return data
        root, ns = xml.parse(data)
        shown = []
        for item in root.iter(xml.qname(ns, "item")) if root is not None else []:
            entry = self._states.get(xml.child_text(item, ns, "natGatewayId") or "")
            state = item.find(xml.qname(ns, "state"))
            if entry and state is not None and state.text == entry[0]:
                state.text = entry[1]
                shown.append(entry[1])
        for label in set(shown):
            self._counts[f"ec2.nat_{label}"] += 1
        return xml.write(root, ns, data) if shown else data
