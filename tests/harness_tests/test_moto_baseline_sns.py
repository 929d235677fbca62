"""The account baseline's alarm topic on the emulator: an encrypted topic and subscriptions that
wait for their endpoint's confirmation, as AWS documents SNS."""

import uuid

import pytest
from botocore.exceptions import ClientError

from harness.moto_process import ACCOUNT_ID

KEY = f"arn:aws:kms:us-east-1:{ACCOUNT_ID}:key/11111111-2222-3333-4444-555555555555"


def _code(err):
    return err.value.response["Error"]["Code"]


def _topic(sns, **kwargs):
    return sns.create_topic(Name=f"security-alarms-{uuid.uuid4().hex[:8]}", **kwargs)["TopicArn"]


def test_an_encrypted_topic_reads_back_and_is_deleted(moto):
    sns = moto.client("sns")
    topic = _topic(sns, Attributes={"KmsMasterKeyId": "alias/aws/sns"}, Tags=[{"Key": "hipaa", "Value": "baseline"}])
    attributes = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    assert attributes["KmsMasterKeyId"] == "alias/aws/sns" and attributes["TopicArn"] == topic
    sns.set_topic_attributes(TopicArn=topic, AttributeName="KmsMasterKeyId", AttributeValue=KEY)
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["KmsMasterKeyId"] == KEY
    assert sns.list_tags_for_resource(ResourceArn=topic)["Tags"] == [{"Key": "hipaa", "Value": "baseline"}]
    # CreateTopic is idempotent for its owner.
    assert sns.create_topic(Name=topic.split(":")[-1])["TopicArn"] == topic
    sns.delete_topic(TopicArn=topic)
    with pytest.raises(ClientError) as err:
        sns.get_topic_attributes(TopicArn=topic)
    assert _code(err) == "NotFound"
    sns.delete_topic(TopicArn=topic)  # AWS: deleting a topic that does not exist is no error


@pytest.mark.parametrize("protocol, endpoint", [("email", "security@example.com"),
                                                ("https", "https://hooks.example.com/alarms")])
def test_email_and_https_subscriptions_wait_for_confirmation(moto, protocol, endpoint):
    sns = moto.client("sns")
    topic = _topic(sns)
    answer = sns.subscribe(TopicArn=topic, Protocol=protocol, Endpoint=endpoint)
    assert answer["SubscriptionArn"] == "pending confirmation"
    [listed] = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert listed == {"SubscriptionArn": "PendingConfirmation", "Owner": ACCOUNT_ID, "Protocol": protocol,
                      "Endpoint": endpoint, "TopicArn": topic}
    attributes = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    assert (attributes["SubscriptionsPending"], attributes["SubscriptionsConfirmed"]) == ("1", "0")
    # Subscribing again answers the same pending subscription.
    assert sns.subscribe(TopicArn=topic, Protocol=protocol, Endpoint=endpoint)["SubscriptionArn"] == \
        "pending confirmation"
    assert len(sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]) == 1


def test_return_subscription_arn_answers_the_pending_subscription_arn(moto):
    sns = moto.client("sns")
    topic = _topic(sns)
    arn = sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="soc@example.com",
                        ReturnSubscriptionArn=True)["SubscriptionArn"]
    assert arn.startswith(f"{topic}:")
    attributes = sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
    assert attributes["PendingConfirmation"] == "true" and attributes["Endpoint"] == "soc@example.com"
    sns.unsubscribe(SubscriptionArn=arn)
    assert sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] == []


@pytest.mark.parametrize("protocol, endpoint", [("email", "not-an-address"), ("https", "http://plain.example.com"),
                                                ("https", "hooks.example.com")])
def test_an_endpoint_that_does_not_fit_the_protocol_is_refused(moto, protocol, endpoint):
    sns = moto.client("sns")
    topic = _topic(sns)
    with pytest.raises(ClientError) as err:
        sns.subscribe(TopicArn=topic, Protocol=protocol, Endpoint=endpoint)
    assert _code(err) == "InvalidParameter"
    assert sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] == []


def test_a_topic_that_does_not_exist_is_not_found(moto):
    sns = moto.client("sns")
    missing = f"arn:aws:sns:us-east-1:{ACCOUNT_ID}:no-such-topic"
    for call, kwargs in ((sns.list_subscriptions_by_topic, {}),
                         (sns.subscribe, {"Protocol": "email", "Endpoint": "a@example.com"})):
        with pytest.raises(ClientError) as err:
            call(TopicArn=missing, **kwargs)
        assert _code(err) == "NotFound"
