"""SNS additions for the moto launcher: subscriptions that wait for their endpoint's
confirmation, as AWS documents them.

Each addition is one function named after the AWS operation it completes, patching moto's SNS
response class idempotently like the launcher's others; ``SNS_ADDITIONS`` lists them.
"""

import re

# AWS: "If the endpoint type is HTTP/S or email, or if the endpoint and the topic are not in
# the same Amazon Web Services account, the endpoint owner must run the ConfirmSubscription
# action to confirm the subscription." The emulator sends no message, so these stay pending.
CONFIRMED_BY_ENDPOINT = {
    "email": re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
    "email-json": re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
    "http": re.compile(r"^http://[^\s/]+"),
    "https": re.compile(r"^https://[^\s/]+"),
}
PENDING_ANSWER = "pending confirmation"
PENDING_LISTED = "PendingConfirmation"


try:
    from .moto_patch import install as _install
    from .moto_patch import installed as _installed
except ImportError:  # loaded as a top-level module, as the launcher run as a program does
    from moto_patch import install as _install
    from moto_patch import installed as _installed


def _pending(subscription):
    return getattr(subscription, "healthcare_pending", False)


def _listed(subscription):
    return {"SubscriptionArn": PENDING_LISTED if _pending(subscription) else subscription.arn,
            "Owner": subscription.owner, "Protocol": subscription.protocol,
            "Endpoint": subscription.endpoint, "TopicArn": subscription.topic_arn}


def sns_subscribe():
    """SNS Subscribe: an email or HTTP(S) subscription waits for its endpoint's confirmation.

    AWS: such a subscription is pending until the endpoint confirms it; Subscribe answers
    "pending confirmation" instead of its ARN unless ReturnSubscriptionArn is true,
    ListSubscriptionsByTopic lists it as "PendingConfirmation", its PendingConfirmation
    attribute is true and the topic counts it in SubscriptionsPending. An endpoint that is not
    an address of the protocol is InvalidParameter. Moto 5.2.5 confirms every subscription at
    once and takes any endpoint. Nothing confirms a subscription here (no message is sent), as
    on AWS until someone follows the link.
    """
    from moto.core.responses import ActionResult
    from moto.sns.exceptions import SNSInvalidParameter
    from moto.sns.responses import SNSResponse

    if _installed(SNSResponse, "subscribe"):
        return
    original = SNSResponse.subscribe
    original_attributes = SNSResponse.get_topic_attributes

    def subscribe(self):
        protocol, endpoint = self._get_param("Protocol"), self._get_param("Endpoint") or ""
        pattern = CONFIRMED_BY_ENDPOINT.get(protocol)
        if pattern is not None and not pattern.match(endpoint):
            raise SNSInvalidParameter(f"Invalid parameter: Endpoint Reason: not a {protocol} endpoint")
        result = original(self)
        if pattern is None:
            return result
        subscription = self.backend.subscriptions.get(result.result["SubscriptionArn"])
        if subscription is not None and not getattr(subscription, "healthcare_confirmed", False):
            subscription.healthcare_pending = True
            subscription.attributes["PendingConfirmation"] = True
            subscription.attributes["ConfirmationWasAuthenticated"] = False
            if str(self._get_param("ReturnSubscriptionArn")).lower() != "true":
                return ActionResult({"SubscriptionArn": PENDING_ANSWER})
        return result

    def list_subscriptions_by_topic(self):
        subscriptions, token = self.backend.list_subscriptions_by_topic(
            self._get_param("TopicArn"), next_token=self._get_param("NextToken"))
        return ActionResult({"Subscriptions": [_listed(s) for s in subscriptions], "NextToken": token})

    def list_subscriptions(self):
        subscriptions, token = self.backend.list_subscriptions(next_token=self._get_param("NextToken"))
        return ActionResult({"Subscriptions": [_listed(s) for s in subscriptions], "NextToken": token})

    def get_topic_attributes(self):
        result = original_attributes(self)
        topic = self.backend.get_topic(self._get_param("TopicArn"))
        subscriptions = self.backend._get_topic_subscriptions(topic)
        pending = sum(1 for s in subscriptions if _pending(s))
        result.result["Attributes"]["SubscriptionsPending"] = pending
        result.result["Attributes"]["SubscriptionsConfirmed"] = len(subscriptions) - pending
        return result

    for function in (subscribe, list_subscriptions_by_topic, list_subscriptions, get_topic_attributes):
        _install(SNSResponse, function)


SNS_ADDITIONS = [sns_subscribe]
