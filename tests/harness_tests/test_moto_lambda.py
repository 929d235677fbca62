"""Python Lambda functions run by the emulator itself, and the secret rotation they do, as AWS
documents Lambda and Secrets Manager: the handler gets its event, a context and its
environment, its boto3 reaches the emulator, an exception is a function error, and
RotateSecret's steps are what the function does."""

import base64
import io
import json
import textwrap
import uuid
import zipfile
from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.exceptions import ClientError

from harness.inventory import inventory
from harness.moto_process import ACCOUNT_ID

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})

# A rotation function in the shape of AWS's templates: each step notes that it ran (a tag on
# the secret), createSecret writes the new value as AWSPENDING, finishSecret moves AWSCURRENT.
# FAIL_STEP names a step that raises instead.
ROTATOR = textwrap.dedent('''
    import json
    import os

    import boto3


    def handler(event, context):
        client = boto3.client("secretsmanager")
        arn, token, step = event["SecretId"], event["ClientRequestToken"], event["Step"]
        assert arn.startswith("arn:aws:secretsmanager:"), "Secrets Manager names the secret by ARN"
        client.tag_resource(SecretId=arn, Tags=[{"Key": "ran-" + step, "Value": token}])
        if step == os.environ.get("FAIL_STEP"):
            raise RuntimeError("cannot " + step)
        described = client.describe_secret(SecretId=arn)
        if not described["RotationEnabled"]:
            raise ValueError("rotation is not enabled")
        stages = described["VersionIdsToStages"]
        if step == "createSecret":
            value = {"v": "two", "mark": os.environ["MARK"]}
            client.put_secret_value(SecretId=arn, ClientRequestToken=token,
                                    SecretString=json.dumps(value), VersionStages=["AWSPENDING"])
        elif step == "finishSecret":
            current = next(v for v, s in stages.items() if "AWSCURRENT" in s)
            if current != token:
                client.update_secret_version_stage(SecretId=arn, VersionStage="AWSCURRENT",
                                                   MoveToVersionId=token,
                                                   RemoveFromVersionId=current)
''')


def _code(err):
    return err.value.response["Error"]["Code"]


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def package(**files):
    """A zip archive holding the given files (name -> source text)."""
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return data.getvalue()


LOGS = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
    "Resource": "*"}]})


@pytest.fixture(scope="module")
def role(moto):
    """A role that may write the function's logs, as Lambda's basic execution policy allows."""
    iam = moto.client("iam")
    role = iam.create_role(RoleName=unique("fn-role"), AssumeRolePolicyDocument=TRUST)["Role"]
    iam.put_role_policy(RoleName=role["RoleName"], PolicyName="logs", PolicyDocument=LOGS)
    return role["Arn"]


@pytest.fixture
def function(moto, role):
    """Factory: ``function(code, runtime="python3.13", env=None, **files)`` -> the new
    function's ARN; ``code`` is index.py. Each function is deleted at teardown."""
    lam, made = moto.client("lambda"), []

    def make(code, runtime="python3.13", env=None, **files):
        name = unique("fn")
        arn = lam.create_function(
            FunctionName=name, Runtime=runtime, Role=role, Handler="index.handler", Timeout=30,
            Code={"ZipFile": package(**{"index.py": code}, **files)},
            Environment={"Variables": env or {}})["FunctionArn"]
        made.append(name)
        return arn

    yield make
    for name in made:
        try:
            lam.delete_function(FunctionName=name)
        except lam.exceptions.ResourceNotFoundException:
            pass  # the test deleted it


def invoke(moto, arn, event=None):
    """(payload as JSON, FunctionError or None, the log tail) of a synchronous invocation."""
    answer = moto.client("lambda").invoke(FunctionName=arn, LogType="Tail",
                                          Payload=json.dumps(event if event is not None else {}))
    log = base64.b64decode(answer.get("LogResult", "")).decode()
    return json.loads(answer["Payload"].read()), answer.get("FunctionError"), log


def test_a_handler_gets_its_event_context_and_environment_and_reaches_the_emulator(moto, function):
    moto.client("s3").create_bucket(Bucket=(bucket := unique("fn-bucket")))
    arn = function(textwrap.dedent('''
        import os

        import boto3
        import helper


        def handler(event, context):
            boto3.client("s3").put_object(Bucket=event["bucket"], Key="k", Body=b"from the function")
            print("handled", event["bucket"])
            return {"greeting": os.environ["GREETING"], "helper": helper.NAME,
                    "name": context.function_name, "arn": context.invoked_function_arn,
                    "version": context.function_version, "memory": context.memory_limit_in_mb,
                    "request": context.aws_request_id,
                    "remaining": 0 < context.get_remaining_time_in_millis() <= 30000,
                    "region": os.environ["AWS_REGION"],
                    "function": os.environ["AWS_LAMBDA_FUNCTION_NAME"]}
    '''), env={"GREETING": "hello"}, **{"helper.py": 'NAME = "packaged"\n'})
    name = arn.rsplit(":", 1)[1]
    result, error, log = invoke(moto, arn, {"bucket": bucket})
    assert error is None
    assert {k: v for k, v in result.items() if k != "request"} == {
        "greeting": "hello", "helper": "packaged", "name": name, "arn": arn, "version": "$LATEST",
        "memory": 128, "remaining": True, "region": "us-east-1", "function": name}
    assert f"START RequestId: {result['request']}" in log and f"handled {bucket}" in log
    body = moto.client("s3").get_object(Bucket=bucket, Key="k")["Body"].read()
    assert body == b"from the function"
    # The log is in CloudWatch Logs, in the function's group, as Lambda writes it.
    group = f"/aws/lambda/{name}"
    events = moto.client("logs").filter_log_events(logGroupName=group)["events"]
    assert any(f"handled {bucket}" in e["message"] for e in events)


def test_each_invocation_loads_its_own_module_and_leaves_the_environment_as_it_was(moto, function):
    counter = textwrap.dedent('''
        import os

        CALLS = []


        def handler(event, context):
            CALLS.append(1)
            return {"calls": len(CALLS), "greeting": os.environ.get("GREETING")}
    ''')
    first, second = function(counter, env={"GREETING": "one"}), function(counter)
    assert invoke(moto, first)[0] == {"calls": 1, "greeting": "one"}
    assert invoke(moto, first)[0] == {"calls": 1, "greeting": "one"}
    assert invoke(moto, second)[0] == {"calls": 1, "greeting": None}
    # None is answered as null.
    assert invoke(moto, function("def handler(event, context):\n    pass\n"))[:2] == (None, None)


def test_invocations_at_the_same_time_each_see_their_own_environment(moto, function):
    code = textwrap.dedent('''
        import os
        import time

        import boto3


        def handler(event, context):
            time.sleep(0.2)
            boto3.client("sts").get_caller_identity()
            return os.environ["WHO"]
    ''')
    arns = [function(code, env={"WHO": who}) for who in ("a", "b", "c")]
    with ThreadPoolExecutor(3) as pool:
        answers = list(pool.map(lambda arn: invoke(moto, arn)[:2], arns))
    assert answers == [("a", None), ("b", None), ("c", None)]


def test_an_exception_is_a_function_error_shaped_as_aws_answers_it(moto, function):
    arn = function(textwrap.dedent('''
        def handler(event, context):
            return check(event)


        def check(event):
            raise ValueError("no good: " + event["why"])
    '''))
    result, error, log = invoke(moto, arn, {"why": "testing"})
    assert error
    assert result["errorMessage"] == "no good: testing" and result["errorType"] == "ValueError"
    assert len(result["stackTrace"]) == 2 and "in check" in result["stackTrace"][-1]
    assert "[ERROR] ValueError: no good: testing" in log
    result, error, _ = invoke(moto, function("def main(event, context):\n    return 1\n"))
    assert error and result["errorType"] == "Runtime.HandlerNotFound"
    result, error, _ = invoke(moto, function("import no_such_module\n"))
    assert error and result["errorType"] == "Runtime.ImportModuleError"


def test_a_role_that_does_not_exist_is_refused(moto):
    with pytest.raises(ClientError) as err:
        moto.client("lambda").create_function(
            FunctionName=unique("fn"), Runtime="python3.13", Handler="index.handler",
            Role=f"arn:aws:iam::{ACCOUNT_ID}:role/no-such-role",
            Code={"ZipFile": package(**{"index.py": "def handler(e, c):\n    return 1\n"})})
    assert _code(err) == "InvalidParameterValueException"
    assert err.value.response["Error"]["Message"] == \
        "The role defined for the function cannot be assumed by Lambda."


def test_the_inventory_counts_functions(moto, function):
    arn = function("def handler(event, context):\n    return 1\n")
    name = arn.rsplit(":", 1)[1]
    assert name in inventory(moto)["lambda:function"]
    moto.client("lambda").delete_function(FunctionName=name)
    assert name not in inventory(moto)["lambda:function"]


@pytest.fixture
def secret(moto):
    """(client, ARN) of a new secret encrypted with its own KMS key, its value {"v": "one"}."""
    key = moto.client("kms").create_key()["KeyMetadata"]["Arn"]
    sm = moto.client("secretsmanager")
    arn = sm.create_secret(Name=unique("rotated"), KmsKeyId=key, SecretString=json.dumps({"v": "one"}))["ARN"]
    return sm, arn


def _value(sm, arn):
    return json.loads(sm.get_secret_value(SecretId=arn)["SecretString"])


def _ran(sm, arn):
    return sorted(t["Key"][4:] for t in sm.describe_secret(SecretId=arn).get("Tags", [])
                  if t["Key"].startswith("ran-"))


def _stages(sm, arn):
    return sorted(sorted(s) for s in sm.describe_secret(SecretId=arn)["VersionIdsToStages"].values())


def test_rotating_now_runs_every_step_and_makes_the_new_value_current(secret, function):
    sm, arn = secret
    rotator = function(ROTATOR, env={"MARK": "set-by-env"})
    version = sm.rotate_secret(SecretId=arn, RotationLambdaARN=rotator,
                               RotationRules={"AutomaticallyAfterDays": 30})["VersionId"]
    assert _value(sm, arn) == {"v": "two", "mark": "set-by-env"}
    assert sm.get_secret_value(SecretId=arn)["VersionId"] == version
    assert sm.get_secret_value(SecretId=arn, VersionStage="AWSPREVIOUS")["SecretString"] == '{"v": "one"}'
    assert _ran(sm, arn) == ["createSecret", "finishSecret", "setSecret", "testSecret"]
    described = sm.describe_secret(SecretId=arn)
    assert described["RotationEnabled"] is True and described["RotationLambdaARN"] == rotator
    assert described["RotationRules"] == {"AutomaticallyAfterDays": 30}
    assert "LastRotatedDate" in described
    assert described["VersionIdsToStages"][version] == ["AWSCURRENT"]
    # Nothing is left in progress: the next rotation runs too.
    again = sm.rotate_secret(SecretId=arn)["VersionId"]
    assert sm.get_secret_value(SecretId=arn)["VersionId"] == again
    stages = sm.describe_secret(SecretId=arn)["VersionIdsToStages"]
    assert (stages[again], stages[version]) == (["AWSCURRENT"], ["AWSPREVIOUS"])


def test_a_schedule_expression_rotates_too(secret, function):
    sm, arn = secret
    rotator = function(ROTATOR, env={"MARK": "scheduled"})
    rules = {"ScheduleExpression": "rate(10 days)"}
    sm.rotate_secret(SecretId=arn, RotationLambdaARN=rotator, RotationRules=rules)
    assert _value(sm, arn) == {"v": "two", "mark": "scheduled"}
    described = sm.describe_secret(SecretId=arn)
    assert described["RotationEnabled"] is True and described["RotationRules"] == rules


def test_rotating_later_only_tests_the_function(secret, function):
    sm, arn = secret
    rotator = function(ROTATOR, env={"MARK": "unused"})
    sm.rotate_secret(SecretId=arn, RotationLambdaARN=rotator, RotationRules={"AutomaticallyAfterDays": 30},
                     RotateImmediately=False)
    assert _ran(sm, arn) == ["testSecret"]
    assert _value(sm, arn) == {"v": "one"}
    assert _stages(sm, arn) == [["AWSCURRENT"]]
    described = sm.describe_secret(SecretId=arn)
    assert described["RotationEnabled"] is True and described["RotationLambdaARN"] == rotator
    assert "LastRotatedDate" not in described


def test_a_step_that_fails_fails_the_rotation(secret, function):
    sm, arn = secret
    rotator = function(ROTATOR, env={"MARK": "m", "FAIL_STEP": "setSecret"})
    with pytest.raises(ClientError) as err:
        sm.rotate_secret(SecretId=arn, RotationLambdaARN=rotator, RotationRules={"AutomaticallyAfterDays": 30})
    assert _code(err) == "InvalidRequestException"
    assert "setSecret" in str(err.value) and "cannot setSecret" in str(err.value)
    # The rotation stopped at the failed step: the value is unchanged, the new version stays
    # AWSPENDING, and no later step ran.
    assert _value(sm, arn) == {"v": "one"}
    assert _ran(sm, arn) == ["createSecret", "setSecret"]
    assert _stages(sm, arn) == [["AWSCURRENT"], ["AWSPENDING"]]
    assert "LastRotatedDate" not in sm.describe_secret(SecretId=arn)
    # A rotation is still pending: the next RotateSecret is refused.
    with pytest.raises(ClientError) as err:
        sm.rotate_secret(SecretId=arn)
    assert _code(err) == "InvalidRequestException"


def test_a_failed_test_step_is_answered_and_changes_nothing(secret, function):
    sm, arn = secret
    rotator = function(ROTATOR, env={"MARK": "m", "FAIL_STEP": "testSecret"})
    with pytest.raises(ClientError) as err:
        sm.rotate_secret(SecretId=arn, RotationLambdaARN=rotator, RotationRules={"AutomaticallyAfterDays": 30},
                         RotateImmediately=False)
    assert _code(err) == "InvalidRequestException" and "testSecret" in str(err.value)
    assert _value(sm, arn) == {"v": "one"} and _stages(sm, arn) == [["AWSCURRENT"]]


def test_a_function_that_raises_when_loaded_fails_the_rotation(secret, function):
    sm, arn = secret
    rotator = function('raise ImportError("broken package")\n')
    with pytest.raises(ClientError) as err:
        sm.rotate_secret(SecretId=arn, RotationLambdaARN=rotator, RotationRules={"AutomaticallyAfterDays": 30})
    assert _code(err) == "InvalidRequestException" and "createSecret" in str(err.value)
    assert _value(sm, arn) == {"v": "one"}


def test_moving_awscurrent_changes_the_value_answered(secret):
    sm, arn = secret
    old = sm.get_secret_value(SecretId=arn)["VersionId"]
    new = sm.put_secret_value(SecretId=arn, SecretString='{"v": "staged"}', VersionStages=["STAGED"])["VersionId"]
    assert _value(sm, arn) == {"v": "one"}
    sm.update_secret_version_stage(SecretId=arn, VersionStage="AWSCURRENT", MoveToVersionId=new,
                                   RemoveFromVersionId=old)
    assert _value(sm, arn) == {"v": "staged"}
    assert sm.get_secret_value(SecretId=arn, VersionStage="AWSPREVIOUS")["VersionId"] == old


def test_a_function_whose_role_may_not_write_logs_leaves_no_log_group(moto):
    iam, lam = moto.client("iam"), moto.client("lambda")
    role = iam.create_role(RoleName=unique("quiet-role"), AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    name = unique("quiet")
    arn = lam.create_function(FunctionName=name, Runtime="python3.13", Role=role,
                              Handler="index.handler", Timeout=30,
                              Code={"ZipFile": package(**{"index.py": "def handler(e, c):\n    print('x')\n"})})["FunctionArn"]
    try:
        _, error, _ = invoke(moto, arn)
        assert error is None
        groups = moto.client("logs").describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{name}")["logGroups"]
        assert groups == []
    finally:
        lam.delete_function(FunctionName=name)
