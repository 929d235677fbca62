"""EC2 idempotency tokens for the moto launcher: a create sent again with the same
``ClientToken`` answers what the first one made, as AWS documents.

AWS ("Ensuring idempotency in Amazon EC2 API requests"): "If you repeat the request with the
same client token and the same parameters, the API returns the result of the original
request"; the same token with other parameters is refused with
``IdempotentParameterMismatch``. Moto 5.2.5 reads the token of RunInstances and a few others
but ignores it on the creates below: it makes a second NAT gateway, network ACL, route table
or endpoint, and refuses a second flow log for the same VPC and group with
``FlowLogAlreadyExists``.

An answer is remembered only when it made what was asked: a refused request (an error, or a
CreateFlowLogs answer listing unsuccessful items) makes nothing, and a retry with the same
token may make it then. ``EC2_TOKEN_ADDITIONS`` lists the additions.
"""

import threading

# The EC2 creates whose API takes a ClientToken that moto 5.2.5 ignores, by moto's response
# method name.
TOKENED_CREATES = ("create_flow_logs", "create_nat_gateway", "create_network_acl", "create_route_table",
                   "create_vpc_endpoint", "create_egress_only_internet_gateway", "create_launch_template")

# Request keys that are not the operation's parameters.
_NOT_PARAMETERS = ("Action", "Version", "ClientToken")

_lock = threading.Lock()


def _error(code, message):
    from moto.ec2.exceptions import EC2ClientError

    return EC2ClientError(code, message)


def _parameters(response):
    """The request's parameters, less the token and the envelope, in a comparable form."""
    return tuple(sorted((key, tuple(values)) for key, values in response.querystring.items()
                        if key not in _NOT_PARAMETERS and not key.startswith("X-Amz")))


def _made_something(result):
    """False for an answer that lists unsuccessful items and made nothing."""
    body = getattr(result, "result", None)
    return not (isinstance(body, dict) and body.get("Unsuccessful") and not body.get("FlowLogIds"))


def _tokened(name, original):
    def create(self):
        token = self._get_param("ClientToken")
        if not token:
            return original(self)
        key = (name, token)
        parameters = _parameters(self)
        with _lock:
            # Kept on the account's and Region's backend, so moto's reset forgets them too.
            answers = self.ec2_backend.__dict__.setdefault("healthcare_client_tokens", {})
            remembered = answers.get(key)
            if remembered is not None:
                if remembered[0] != parameters:
                    raise _error("IdempotentParameterMismatch",
                                 f"The client token {token} was used before with other parameters.")
                return remembered[1]
            result = original(self)
            if _made_something(result):
                answers[key] = (parameters, result)
            return result

    create.__name__ = name
    return create


def ec2_client_token():
    """EC2 CreateFlowLogs, CreateNatGateway, CreateNetworkAcl, CreateRouteTable,
    CreateVpcEndpoint, CreateEgressOnlyInternetGateway and CreateLaunchTemplate: honour
    ``ClientToken``."""
    from moto.ec2.responses import EC2Response

    for name in TOKENED_CREATES:
        if getattr(getattr(EC2Response, name, None), "healthcare_token", False):
            continue
        create = _tokened(name, getattr(EC2Response, name))
        create.healthcare_token = True
        setattr(EC2Response, name, create)


EC2_TOKEN_ADDITIONS = [ec2_client_token]
