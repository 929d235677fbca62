"""Security Hub additions for the moto launcher: the hub's standards, products and tags, as AWS
documents them.

Each addition is one function named after the AWS operation it completes, patching moto's
Security Hub backend, response class or URL table idempotently like the launcher's others;
``SECURITYHUB_ADDITIONS`` lists them.
"""

import json
from urllib.parse import unquote

# The standards DescribeStandards lists, as (ARN path, name, enabled by default). AWS marks
# two as enabled by default: they are what EnableSecurityHub turns on unless told not to.
# The CIS v1.2.0 standard has a Region-less "ruleset" ARN, the others a Regional one.
STANDARDS = (
    ("standards/aws-foundational-security-best-practices/v/1.0.0",
     "AWS Foundational Security Best Practices v1.0.0", True),
    ("ruleset/cis-aws-foundations-benchmark/v/1.2.0", "CIS AWS Foundations Benchmark v1.2.0", True),
    ("standards/cis-aws-foundations-benchmark/v/1.4.0", "CIS AWS Foundations Benchmark v1.4.0", False),
    ("standards/cis-aws-foundations-benchmark/v/3.0.0", "CIS AWS Foundations Benchmark v3.0.0", False),
    ("standards/nist-800-53/v/5.0.0", "NIST Special Publication 800-53 Revision 5", False),
    ("standards/nist-800-171/v/2.0.0", "NIST SP 800-171 Revision 2", False),
    ("standards/pci-dss/v/3.2.1", "PCI DSS v3.2.1", False),
    ("standards/pci-dss/v/4.0.1", "PCI DSS v4.0.1", False),
    ("standards/aws-resource-tagging-standard/v/1.0.0", "AWS Resource Tagging Standard v1.0.0", False),
)
TAGS_PATH = "{0}/tags/(?P<resource_arn>.+)$"


try:
    from .moto_patch import install as _install
    from .moto_patch import installed as _installed
except ImportError:  # loaded as a top-level module, as the launcher run as a program does
    from moto_patch import install as _install
    from moto_patch import installed as _installed


def _error(code, message):
    """A Security Hub error; its HTTP status comes from AWS's model of the code."""
    from moto.securityhub.exceptions import SecurityHubClientError

    return SecurityHubClientError(code, message)


def _route(path):
    """Serve a path of an operation moto lacks (matched to the operation by AWS's model)."""
    from moto.securityhub import urls
    from moto.securityhub.responses import SecurityHubResponse

    urls.url_paths[path] = SecurityHubResponse.dispatch


def _standard_arn(path, region):
    return f"arn:aws:securityhub:::{path}" if path.startswith("ruleset/") else \
        f"arn:aws:securityhub:{region}::{path}"


def _standards(region):
    return [{"StandardsArn": _standard_arn(path, region), "Name": name,
             "Description": f"The {name} standard's controls, as Security Hub runs them.",
             "EnabledByDefault": default, "StandardsManagedBy": {"Company": "AWS", "Product": "Security Hub"}}
            for path, name, default in STANDARDS]


def _subscriptions(backend):
    if not hasattr(backend, "healthcare_subscriptions"):
        backend.healthcare_subscriptions = {}
    return backend.healthcare_subscriptions


def _require_hub(backend):
    if not backend.enabled:
        raise _error("InvalidAccessException",
                     f"Account {backend.account_id} is not subscribed to AWS Security Hub")


def _transitions(backend):
    """Subscriptions still in a transitional state: ARN -> (state, the subscription as it was)."""
    if not hasattr(backend, "healthcare_transitions"):
        backend.healthcare_transitions = {}
    return backend.healthcare_transitions


def _subscribe(backend, standards_arn, status):
    path = standards_arn.split(":", 5)[5]
    arn = f"arn:aws:securityhub:{backend.region_name}:{backend.account_id}:subscription/{path.split('/', 1)[1]}"
    subscription = {"StandardsSubscriptionArn": arn, "StandardsArn": standards_arn, "StandardsInput": {},
                    "StandardsStatus": status, "StandardsControlsUpdatable": "READY_FOR_UPDATES"}
    _subscriptions(backend)[arn] = subscription
    return subscription


def securityhub_enable_security_hub():
    """Security Hub EnableSecurityHub: refuse an account already subscribed, and turn on the
    default standards unless told not to.

    AWS answers ResourceConflictException when the hub is already enabled, and
    "EnableDefaultStandards" (true when not given) turns on the standards marked
    EnabledByDefault. Moto 5.2.5 answers success again and turns on no standard.
    """
    from moto.securityhub.models import SecurityHubBackend

    if _installed(SecurityHubBackend, "enable_security_hub"):
        return
    original = SecurityHubBackend.enable_security_hub

    def enable_security_hub(self, enable_default_standards=True, tags=None):
        if self.enabled:
            raise _error("ResourceConflictException", "Account is already subscribed to Security Hub")
        result = original(self, enable_default_standards=enable_default_standards, tags=tags)
        _subscriptions(self).clear()
        if enable_default_standards is not False:
            for standard in _standards(self.region_name):
                if standard["EnabledByDefault"]:
                    _subscribe(self, standard["StandardsArn"], "READY")
        return result

    _install(SecurityHubBackend, enable_security_hub)


def securityhub_disable_security_hub():
    """Security Hub DisableSecurityHub: the hub's standards go with it.

    AWS: disabling Security Hub disables the enabled standards. Moto 5.2.5 has no standards.
    """
    from moto.securityhub.models import SecurityHubBackend

    if _installed(SecurityHubBackend, "disable_security_hub"):
        return
    original = SecurityHubBackend.disable_security_hub

    def disable_security_hub(self):
        result = original(self)
        _subscriptions(self).clear()
        _transitions(self).clear()
        return result

    _install(SecurityHubBackend, disable_security_hub)


def securityhub_describe_standards():
    """Security Hub DescribeStandards: the available standards (moto 5.2.5: HTTP 404).

    AWS answers each standard's ARN, name, description and whether it is enabled by default;
    the table here holds the standards AWS documents, with short descriptions of its own.
    """
    from moto.securityhub.responses import SecurityHubResponse

    if _installed(SecurityHubResponse, "describe_standards"):
        return

    def describe_standards(self):
        return json.dumps({"Standards": _standards(self.securityhub_backend.region_name)})

    _install(SecurityHubResponse, describe_standards)
    _route("{0}/standards$")


def securityhub_batch_enable_standards():
    """Security Hub BatchEnableStandards: subscribe the hub to standards (moto 5.2.5: HTTP 404).

    AWS answers each new subscription as PENDING, and lists it so until its controls are set
    up (then READY; here, the next GetEnabledStandards still answers PENDING, the one after
    READY), InvalidAccessException for an account without Security Hub, and
    InvalidInputException for a standard ARN it does not know.
    """
    from moto.securityhub.responses import SecurityHubResponse

    if _installed(SecurityHubResponse, "batch_enable_standards"):
        return

    def batch_enable_standards(self):
        backend = self.securityhub_backend
        _require_hub(backend)
        requests = json.loads(self.body or "{}").get("StandardsSubscriptionRequests") or []
        known = {s["StandardsArn"] for s in _standards(backend.region_name)}
        for request in requests:
            if request.get("StandardsArn") not in known:
                raise _error("InvalidInputException", f"Invalid StandardsArn: {request.get('StandardsArn')}")
        answered = []
        for request in requests:
            subscription = _subscribe(backend, request["StandardsArn"], "READY")
            _transitions(backend)[subscription["StandardsSubscriptionArn"]] = ("PENDING", subscription)
            answered.append({**subscription, "StandardsInput": request.get("StandardsInput") or {},
                             "StandardsStatus": "PENDING"})
        return json.dumps({"StandardsSubscriptions": answered})

    _install(SecurityHubResponse, batch_enable_standards)
    _route("{0}/standards/register$")


def securityhub_get_enabled_standards():
    """Security Hub GetEnabledStandards: the hub's standards subscriptions (moto 5.2.5: 404).

    AWS answers every subscription, or those StandardsSubscriptionArns names, and
    InvalidAccessException for an account without Security Hub. A subscription just enabled
    or disabled is answered once in its transitional state (PENDING, DELETING), as AWS lists
    it for a while.
    """
    from moto.securityhub.responses import SecurityHubResponse

    if _installed(SecurityHubResponse, "get_enabled_standards"):
        return

    def get_enabled_standards(self):
        backend = self.securityhub_backend
        _require_hub(backend)
        wanted = json.loads(self.body or "{}").get("StandardsSubscriptionArns")
        transitions = _transitions(backend)
        listed = dict(_subscriptions(backend))
        for arn, (state, subscription) in transitions.items():
            listed[arn] = {**subscription, "StandardsStatus": state}
        transitions.clear()
        subscriptions = [s for arn, s in listed.items() if not wanted or arn in wanted]
        return json.dumps({"StandardsSubscriptions": subscriptions})

    _install(SecurityHubResponse, get_enabled_standards)
    _route("{0}/standards/get$")


def securityhub_batch_disable_standards():
    """Security Hub BatchDisableStandards: end standards subscriptions (moto 5.2.5: HTTP 404).

    AWS answers each subscription as DELETING and lists it so for a while (here, for the next
    GetEnabledStandards), then it is gone;
    InvalidAccessException for an account without Security Hub, and InvalidInputException for
    a subscription ARN the hub does not have.
    """
    from moto.securityhub.responses import SecurityHubResponse

    if _installed(SecurityHubResponse, "batch_disable_standards"):
        return

    def batch_disable_standards(self):
        backend = self.securityhub_backend
        _require_hub(backend)
        arns = json.loads(self.body or "{}").get("StandardsSubscriptionArns") or []
        subscriptions = _subscriptions(backend)
        for arn in arns:
            if arn not in subscriptions:
                raise _error("InvalidInputException", f"Invalid StandardsSubscriptionArn: {arn}")
        answered = [{**subscriptions.pop(arn), "StandardsStatus": "DELETING"} for arn in arns]
        for subscription in answered:
            _transitions(backend)[subscription["StandardsSubscriptionArn"]] = ("DELETING", subscription)
        return json.dumps({"StandardsSubscriptions": answered})

    _install(SecurityHubResponse, batch_disable_standards)
    _route("{0}/standards/deregister$")


def securityhub_list_enabled_products_for_import():
    """Security Hub ListEnabledProductsForImport: the product integrations (moto 5.2.5: 404).

    AWS lists the integrations turned on with EnableImportFindingsForProduct, which the
    emulator does not have: the list is empty, with InvalidAccessException for an account
    without Security Hub.
    """
    from moto.securityhub.responses import SecurityHubResponse

    if _installed(SecurityHubResponse, "list_enabled_products_for_import"):
        return

    def list_enabled_products_for_import(self):
        _require_hub(self.securityhub_backend)
        return json.dumps({"ProductSubscriptions": []})

    _install(SecurityHubResponse, list_enabled_products_for_import)
    _route("{0}/productSubscriptions$")


def _hub_of(response):
    backend = response.securityhub_backend
    arn = unquote(response.path.split("/tags/", 1)[1])
    if not backend.enabled or arn != f"arn:aws:securityhub:{backend.region_name}:{backend.account_id}:hub/default":
        raise _error("ResourceNotFoundException", f"The request was rejected because no resource {arn} was found.")
    if getattr(backend, "tags", None) is None:
        backend.tags = {}
    return backend


def securityhub_tag_resource():
    """Security Hub TagResource, UntagResource and ListTagsForResource on the hub's ARN.

    AWS keeps the hub's tags (given at EnableSecurityHub; DescribeHub does not answer them)
    under these three operations, ResourceNotFoundException for another ARN. Moto 5.2.5 keeps
    the tags given at enable but has none of the three (HTTP 404).
    """
    from moto.securityhub.responses import SecurityHubResponse

    if _installed(SecurityHubResponse, "tag_resource"):
        return

    def tag_resource(self):
        _hub_of(self).tags.update(json.loads(self.body or "{}").get("Tags") or {})
        return "{}"

    def untag_resource(self):
        hub = _hub_of(self)
        for key in self.querystring.get("tagKeys", []):
            hub.tags.pop(key, None)
        return "{}"

    def list_tags_for_resource(self):
        return json.dumps({"Tags": dict(_hub_of(self).tags)})

    for function in (tag_resource, untag_resource, list_tags_for_resource):
        _install(SecurityHubResponse, function)
    _route(TAGS_PATH)


SECURITYHUB_ADDITIONS = [securityhub_enable_security_hub, securityhub_disable_security_hub,
                         securityhub_describe_standards, securityhub_batch_enable_standards,
                         securityhub_get_enabled_standards, securityhub_batch_disable_standards,
                         securityhub_list_enabled_products_for_import, securityhub_tag_resource]
