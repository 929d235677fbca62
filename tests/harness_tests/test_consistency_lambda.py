"""The eventual consistency of Lambda the fault proxy plays: a new role refused as a function's
execution role until it has propagated, and a grant to Secrets Manager on a function not in
force at once; each shown as AWS answers it, and shown to end."""

import io
import json
import zipfile

from harness.consistency import Consistency, function_key, rest_call
from harness_tests.test_consistency import (  # noqa: F401 (lagged is a fixture)
    eventually, lagged, name, new_role, refused, via)
from harness_tests.test_consistency_named import documented

ROLE_REFUSAL = ("InvalidParameterValueException",
                "The role defined for the function cannot be assumed by Lambda.", 400)
GRANT_REFUSAL = ("AccessDeniedException", "Secrets Manager cannot invoke the specified Lambda "
                 "function. Ensure that the function policy grants access to the principal "
                 "secretsmanager.amazonaws.com.", 400)
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
    "Action": "sts:AssumeRole"}]})


def code():
    """A function package whose handler does nothing (a rotation's testSecret passes)."""
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return None\n")
    return {"ZipFile": data.getvalue()}


def test_lambda_refuses_a_new_role_until_it_propagates(moto, lagged):
    proxy = lagged(scale=0.1)  # role 0.6-1.2 s
    lam, function = via(proxy, "lambda"), name()
    assert {"InvalidParameterValueException"} <= set(documented(lam, "CreateFunction"))
    role = new_role(proxy)

    def create():
        return lam.create_function(FunctionName=function, Runtime="python3.13", Role=role,
                                   Handler="index.handler", Code=code())

    assert refused(create) == ROLE_REFUSAL
    assert function not in [f["FunctionName"] for f in moto.client("lambda").list_functions()["Functions"]]
    assert eventually(create)["Role"] == role

    other = new_role(proxy)
    update = lambda: lam.update_function_configuration(FunctionName=function, Role=other)  # noqa: E731
    assert refused(update) == ROLE_REFUSAL
    assert moto.client("lambda").get_function(FunctionName=function)["Configuration"]["Role"] == role
    assert eventually(update)["Role"] == other
    assert proxy.consistency.counts()["iam.not_propagated"] >= 2
    moto.client("lambda").delete_function(FunctionName=function)


def test_rotation_waits_for_a_new_grant_to_secrets_manager(moto, lagged):
    proxy = lagged(scale=1.0)  # grant 0.5-2 s
    role = moto.client("iam").create_role(RoleName=name(), AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    function = moto.client("lambda").create_function(
        FunctionName=name(), Runtime="python3.13", Role=role, Handler="index.handler",
        Code=code())["FunctionArn"]
    secret = moto.client("secretsmanager").create_secret(Name=name(), SecretString="x")["ARN"]
    lam, sm = via(proxy, "lambda"), via(proxy, "secretsmanager")
    # A grant to another principal is not what Secrets Manager waits for.
    lam.add_permission(FunctionName=function, StatementId="events", Action="lambda:InvokeFunction",
                       Principal="events.amazonaws.com")
    assert proxy.consistency.drawn() == []
    lam.add_permission(FunctionName=function, StatementId="rotation", Action="lambda:InvokeFunction",
                       Principal="secretsmanager.amazonaws.com")

    def rotate():
        return sm.rotate_secret(SecretId=secret, RotationLambdaARN=function, RotateImmediately=False,
                                RotationRules={"AutomaticallyAfterDays": 30})

    assert refused(rotate) == GRANT_REFUSAL
    assert "RotationEnabled" not in moto.client("secretsmanager").describe_secret(SecretId=secret)
    assert eventually(rotate)["ARN"] == secret
    assert sm.describe_secret(SecretId=secret)["RotationLambdaARN"] == function
    assert proxy.consistency.counts()["lambda.permission_not_propagated"] >= 1
    assert [(kind, subject) for kind, subject, _ in proxy.consistency.drawn()] == [
        ("lambda.permission", function)]
    moto.client("lambda").delete_function(FunctionName=function)


def test_lambda_calls_are_named_and_read_from_their_json_body():
    arn = "arn:aws:lambda:us-east-1:123456789012:function:f"
    body = json.dumps({"FunctionName": "f", "Role": "arn:aws:iam::123456789012:role/r"}).encode()
    assert rest_call("rest", "lambda", "POST /2015-03-31/functions", {}, body) == (
        "CreateFunction", {"FunctionName": "f", "Role": "arn:aws:iam::123456789012:role/r"})
    assert rest_call("rest", "lambda", "PUT /2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1"
                     "%3A123456789012%3Afunction%3Af/configuration", {}, b"{}")[0] \
        == "UpdateFunctionConfiguration"
    assert rest_call("rest", "lambda", "POST /2015-03-31/functions/f/policy", {"Qualifier": ["1"]},
                     b'{"Principal": "s3.amazonaws.com"}') == (
        "AddPermission", {"Qualifier": ["1"], "Principal": "s3.amazonaws.com"})
    assert rest_call("rest", "lambda", "GET /2015-03-31/functions/f", {}, b"") == (
        "GET /2015-03-31/functions/f", {})
    assert rest_call("json", "kms", "CreateKey", {"a": "b"}, b"{}") == ("CreateKey", {"a": "b"})
    assert function_key(f"{arn}:live") == arn and function_key(arn) == arn

    model = Consistency(seed=2)
    model.after("query", "iam", "CreateRole", {}, 200,
                b'<CreateRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">'
                b"<CreateRoleResult><Role><RoleName>r</RoleName>"
                b"<Arn>arn:aws:iam::123456789012:role/r</Arn></Role></CreateRoleResult>"
                b"</CreateRoleResponse>")
    assert model.before("rest", "lambda", "POST /2015-03-31/functions", {}, body)[1:] \
        == ROLE_REFUSAL[:2]
    assert model.before("rest", "lambda", "GET /2015-03-31/functions/f", {}, b"") is None
    statement = {"Sid": "s", "Effect": "Allow", "Principal": {"Service": "secretsmanager.amazonaws.com"},
                 "Action": "lambda:InvokeFunction", "Resource": f"{arn}:live"}
    model.after("rest", "lambda", "POST /2015-03-31/functions/f/policy", {}, 201,
                json.dumps({"Statement": json.dumps(statement)}).encode())
    assert model.before("json", "secretsmanager", "RotateSecret",
                        {"SecretId": "s", "RotationLambdaARN": arn}, b"")[1] == GRANT_REFUSAL[0]
    assert model.counts() == {"iam.not_propagated": 1, "lambda.permission_not_propagated": 1}
