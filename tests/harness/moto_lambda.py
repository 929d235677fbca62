"""Lambda additions for the moto launcher: Python functions packaged as zip archives run
in-process, as AWS Lambda would run them, and Secrets Manager's rotation depends on what they
do.

Moto runs a function only in a Docker container; without Docker every invocation is an error
and Secrets Manager's RotateSecret goes on as if the function had done its work. Here a
function whose runtime is ``python3.x`` and whose package is a zip archive runs in the
emulator's own process: its handler module is loaded afresh from the archive for each
invocation, its environment variables are set, and boto3 inside it reaches this same emulator
(``AWS_ENDPOINT_URL``), whose port the launcher gives ``set_server_port`` once the server
answers. Other runtimes and image packages keep moto's behaviour. Secrets Manager's
RotateSecret then runs the function's steps for real, and a step that fails fails the
rotation. Moto's server answers each request on a thread of its own, so the calls a function
makes are answered while the request that invoked it waits.

Logs go to ``/aws/lambda/<name>`` only when the function's role has a policy naming a
CloudWatch Logs action, as on AWS, where Lambda writes them with the role's credentials.

What is not Lambda: the code is not sandboxed (it runs with the emulator's interpreter,
whatever Python version the runtime names, and may change the process), the timeout is not
enforced (``context.get_remaining_time_in_millis()`` counts it down all the same), layers are
not loaded, invocations run one at a time, and the working directory is the emulator's.

Each addition is one function named after the AWS operation it completes, patching moto's
classes idempotently like the launcher's others; ``LAMBDA_ADDITIONS`` lists them.
"""

import contextlib
import importlib.util
import io
import json
import logging
import math
import os
import shutil
import sys
import tempfile
import threading
import time
import traceback
import uuid
import zipfile

try:
    from .moto_patch import install as _install
    from .moto_patch import installed as _installed
    from .moto_secretsmanager import secretsmanager_rotate_secret as _schedule_addition
except ImportError:  # loaded as a top-level module, as the launcher run as a program does
    from moto_patch import install as _install
    from moto_patch import installed as _installed
    from moto_secretsmanager import secretsmanager_rotate_secret as _schedule_addition

# Test credentials the function's boto3 signs with (moto takes them for the default account),
# and no shared configuration or instance metadata for it to find instead.
FUNCTION_SETTINGS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                     "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                     "AWS_EC2_METADATA_DISABLED": "true"}
# Settings of the emulator's own environment that must not reach the function's boto3.
HIDDEN = ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE")
# How long an invocation waits for the one before it (a function that synchronously invokes
# another would otherwise wait forever).
WAIT_SECONDS = 60.0

_SERVER = {"port": None}
_RUN_LOCK = threading.Lock()        # os.environ, sys.path and sys.stdout are the process's
_ROTATION = threading.local()       # the rotation RotateSecret is running on this thread


def set_server_port(port):
    """Tell the additions the emulator's port; functions' boto3 calls go to 127.0.0.1:port."""
    _SERVER["port"] = int(port) if port else None


def _runs_in_process(function):
    """True for a function this module runs: a python3.x runtime and a zip package."""
    return (str(getattr(function, "run_time", "") or "").startswith("python3")
            and getattr(function, "package_type", "Zip") == "Zip"
            and bool(getattr(function, "code_bytes", b"")))


class Context:
    """The context object a Python handler gets, with the members AWS documents for it."""

    def __init__(self, function, request_id):
        self.function_name = function.function_name
        self.function_version = str(function.version)
        self.invoked_function_arn = function.function_arn
        self.memory_limit_in_mb = int(function.memory_size)
        self.aws_request_id = request_id
        self.log_group_name = function.logs_group_name
        self.log_stream_name = f"{time.strftime('%Y/%m/%d')}/[{self.function_version}]{request_id}"
        self._deadline = time.monotonic() + float(function.timeout or 3)

    def get_remaining_time_in_millis(self):
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class _ThreadWriter:
    """A stand-in for sys.stdout/sys.stderr: the invoking thread's writes go to the function's
    log, every other thread's to the stream it replaces."""

    def __init__(self, original, log, thread):
        self._original, self._log, self._thread = original, log, thread

    def write(self, text):
        target = self._log if threading.get_ident() == self._thread else self._original
        return target.write(text)

    def flush(self):
        if threading.get_ident() != self._thread and self._original is not None:
            self._original.flush()

    def __getattr__(self, name):
        return getattr(self._original, name)


def _error(error_type, message, stack=()):
    """A function error as AWS answers it."""
    return {"errorMessage": message, "errorType": error_type, "stackTrace": list(stack)}


def _handler_parts(handler):
    """``index.handler`` -> (module ``index``, function ``handler``); ``src/app.main`` ->
    (``src.app``, ``main``)."""
    module, _, name = (handler or "").rpartition(".")
    return module.replace("/", "."), name


def _load(root, module_name):
    """A new module object for ``module_name`` from the unpacked archive, never one already in
    sys.modules."""
    relative = module_name.replace(".", os.sep)
    for path in (os.path.join(root, relative + ".py"), os.path.join(root, relative, "__init__.py")):
        if os.path.isfile(path):
            spec = importlib.util.spec_from_file_location(module_name, path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
    raise ModuleNotFoundError(f"No module named '{module_name}'")


@contextlib.contextmanager
def _function_process(function, root, log, request_id):
    """The process as the function sees it for one invocation: its environment, the archive
    first on sys.path, its output and log records in ``log``; all put back afterwards."""
    saved_env, saved_path = dict(os.environ), list(sys.path)
    saved_modules = set(sys.modules)
    saved_out, saved_err = sys.stdout, sys.stderr
    root_logger = logging.getLogger()
    saved_level = root_logger.level
    thread = threading.get_ident()
    records = logging.StreamHandler(log)
    records.setFormatter(logging.Formatter(f"[%(levelname)s]\t%(asctime)s\t{request_id}\t%(message)s"))
    records.addFilter(lambda record: record.thread == thread)
    try:
        for name in HIDDEN:
            os.environ.pop(name, None)
        os.environ.update({
            "AWS_ENDPOINT_URL": f"http://127.0.0.1:{_SERVER['port']}",
            "AWS_REGION": function.region, "AWS_DEFAULT_REGION": function.region,
            **FUNCTION_SETTINGS,
            "AWS_LAMBDA_FUNCTION_NAME": function.function_name,
            "AWS_LAMBDA_FUNCTION_VERSION": str(function.version),
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_size),
            "AWS_LAMBDA_LOG_GROUP_NAME": function.logs_group_name,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{function.run_time}",
            "LAMBDA_TASK_ROOT": root, "_HANDLER": function.handler or "",
        })
        os.environ.update({str(k): str(v) for k, v in (function.environment_vars or {}).items()})
        sys.path.insert(0, root)
        sys.stdout = _ThreadWriter(saved_out, log, thread)
        sys.stderr = _ThreadWriter(saved_err, log, thread)
        root_logger.addHandler(records)
        yield
    finally:
        root_logger.removeHandler(records)
        root_logger.setLevel(saved_level)
        sys.stdout, sys.stderr = saved_out, saved_err
        sys.path[:] = saved_path
        # Modules the function imported from its own archive leave with it.
        for name in set(sys.modules) - saved_modules:
            origin = getattr(sys.modules.get(name), "__file__", None) or ""
            if origin.startswith(root + os.sep):
                del sys.modules[name]
        for name in set(os.environ) - set(saved_env):
            del os.environ[name]
        for name, value in saved_env.items():
            if os.environ.get(name) != value:
                os.environ[name] = value


def _call(function, event, log, request_id):
    """Run the handler once; (result as JSON text, errored)."""
    module_name, handler_name = _handler_parts(function.handler)
    if _SERVER["port"] is None:
        return json.dumps(_error("Runtime.EmulatorError", "The emulator's port is not known: "
                                 "the function's calls would leave it.")), True
    root = tempfile.mkdtemp(prefix="lambda-task-")
    try:
        with zipfile.ZipFile(io.BytesIO(function.code_bytes)) as archive:
            archive.extractall(root)
        with _function_process(function, root, log, request_id):
            try:
                module = _load(root, module_name) if module_name else None
                if module is None:
                    raise ModuleNotFoundError(f"No module named '{module_name}'")
            except Exception as err:  # noqa: BLE001 - any import failure is the function's
                message = f"Unable to import module '{module_name}': {err}"
                log.write(f"[ERROR] Runtime.ImportModuleError: {message}\n")
                return json.dumps(_error("Runtime.ImportModuleError", message)), True
            handler = getattr(module, handler_name, None)
            if not callable(handler):
                message = f"Handler '{handler_name}' missing on module '{module_name}'"
                log.write(f"[ERROR] Runtime.HandlerNotFound: {message}\n")
                return json.dumps(_error("Runtime.HandlerNotFound", message)), True
            try:
                result = handler(event, Context(function, request_id))
            except Exception as err:  # noqa: BLE001 - the handler's exception is a function error
                frames = traceback.extract_tb(err.__traceback__)[1:]
                log.write(f"[ERROR] {type(err).__name__}: {err}\nTraceback (most recent call last):\n"
                          + "".join(traceback.format_list(frames)))
                return json.dumps(_error(type(err).__name__, str(err),
                                         traceback.format_list(frames))), True
        try:
            return json.dumps(result), False
        except (TypeError, ValueError) as err:
            message = f"Unable to marshal response: {err}"
            log.write(f"[ERROR] Runtime.MarshalError: {message}\n")
            return json.dumps(_error("Runtime.MarshalError", message)), True
    finally:
        shutil.rmtree(root, ignore_errors=True)


def run_in_process(function, event):
    """Invoke a Python zip function here; (result text, errored, log text) as moto's
    ``LambdaFunction._invoke_lambda`` returns them."""
    if event is None or event == "{}":
        event = {}  # moto hands an empty payload on as the text "{}"; Lambda as {}
    request_id = str(uuid.uuid4())
    log = io.StringIO()
    started = time.monotonic()
    if not _RUN_LOCK.acquire(timeout=WAIT_SECONDS):
        result = json.dumps(_error("Runtime.EmulatorError", "Another invocation did not end "
                                   f"within {WAIT_SECONDS:.0f} s."))
        return result, True, ""
    try:
        result, errored = _call(function, event, log, request_id)
    finally:
        _RUN_LOCK.release()
    duration = (time.monotonic() - started) * 1000
    lines = [f"START RequestId: {request_id} Version: {function.version}",
             *log.getvalue().splitlines(),
             f"END RequestId: {request_id}",
             f"REPORT RequestId: {request_id}\tDuration: {duration:.2f} ms\t"
             f"Billed Duration: {math.ceil(duration)} ms\tMemory Size: {function.memory_size} MB"]
    text = "\n".join(lines)
    if _may_log(function):
        function.logs_backend.ensure_log_group(function.logs_group_name)
        function.save_logs(text)
    return result, errored, text


def _may_log(function):
    """Whether Lambda could write the function's logs: its role has a policy (inline or
    attached) naming a CloudWatch Logs action or every action. A role without one gets no
    log group and no log stream, as on AWS, where the writes are refused and dropped."""
    from moto.iam.models import iam_backends

    iam = iam_backends[function.account_id]["global"]
    name = function.role.rsplit("/", 1)[-1]
    role = next((r for r in iam.roles.values() if r.name == name), None)
    if role is None:
        return False
    documents = list(role.policies.values())
    documents += [v.document for p in role.managed_policies.values()
                  for v in p.versions if v.is_default]
    for document in documents:
        doc = json.loads(document) if isinstance(document, str) else document
        statements = doc.get("Statement", [])
        for statement in statements if isinstance(statements, list) else [statements]:
            if statement.get("Effect") != "Allow":
                continue
            actions = statement.get("Action", [])
            for action in actions if isinstance(actions, list) else [actions]:
                if action == "*" or action.lower().startswith("logs:"):
                    return True
    return False


def lambda_invoke_python_in_process():
    """Lambda Invoke: run Python functions packaged as zip archives here (moto 5.2.5 needs
    Docker, and answers an error without it).

    AWS loads the handler's module from the package, calls the handler with the event and a
    context object, and answers its return value as JSON, or, for an exception, a function
    error carrying errorMessage, errorType and stackTrace. The addition does that in the
    emulator's process (see the module's notes for what is not Lambda). Every other runtime,
    and an image package, goes to moto's Docker path as before.
    """
    from moto.awslambda.models import LambdaFunction

    if _installed(LambdaFunction, "_invoke_lambda"):
        return
    original = LambdaFunction._invoke_lambda

    def _invoke_lambda(self, event=None):
        if not _runs_in_process(self):
            return original(self, event)
        return run_in_process(self, event)

    _install(LambdaFunction, _invoke_lambda)


class _Rotation:
    """One RotateSecret call's rotation: its secret, and the first step that failed (its name
    and the function's error), if any."""

    def __init__(self, secret):
        self.secret, self.failed = secret, None


def lambda_invoke_rotation_steps():
    """Lambda Invoke as Secrets Manager's rotation calls it: the event names the secret by ARN,
    and no step runs after one that failed.

    AWS passes the rotation function ``SecretId`` as the secret's ARN (moto passes its name),
    has turned rotation on before the first step (a function may check DescribeSecret's
    RotationEnabled, as AWS's templates do; moto turns it on only for AutomaticallyAfterDays,
    and the schedule addition for a ScheduleExpression after the steps), and stops a rotation at
    the first step whose function errs (moto runs every step). While a RotateSecret runs on
    this thread, the addition does the same, noting the failed step for that call (see
    ``secretsmanager_rotate_secret_runs_the_function``). Invocations by other callers are left
    as they are.
    """
    from moto.awslambda.models import LambdaBackend

    if _installed(LambdaBackend, "invoke"):
        return
    original = LambdaBackend.invoke

    def invoke(self, function_name, qualifier, body, headers, response_headers):
        rotation = getattr(_ROTATION, "current", None)
        if rotation is None:
            return original(self, function_name, qualifier, body, headers, response_headers)
        if rotation.failed:
            return b"null"
        try:
            event = json.loads(body) if body else {}
        except ValueError:
            event = {}
        if isinstance(event, dict) and "SecretId" in event:
            event["SecretId"] = rotation.secret.arn
            body = json.dumps(event)
        rotation.secret.rotation_enabled = True
        payload = original(self, function_name, qualifier, body, headers, response_headers)
        if response_headers.pop("x-amz-function-error", None):
            text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else str(payload)
            try:
                error = json.loads(text)
            except ValueError:
                error = {"errorMessage": text}
            error = error if isinstance(error, dict) else {"errorMessage": text}
            rotation.failed = (event.get("Step") if isinstance(event, dict) else None, error)
        return payload

    _install(LambdaBackend, invoke)


def _follow_current(secret):
    """Make the version GetSecretValue answers by default the one labelled AWSCURRENT."""
    current = [v for v, version in secret.versions.items()
               if "AWSCURRENT" in version.get("version_stages", [])]
    if current:
        secret.default_version_id = current[0]


def secretsmanager_rotate_secret_runs_the_function():
    """Secrets Manager RotateSecret: the rotation is what the function does, and a step that
    fails fails the rotation.

    AWS calls the rotation function for createSecret, setSecret, testSecret and finishSecret
    (testSecret only, with RotateImmediately false); the function, not Secrets Manager, adds
    the AWSPENDING version and moves AWSCURRENT to it. A rotation whose step fails stops
    there: AWSCURRENT stays where it was and AWSPENDING stays on the new version (possibly an
    empty one), and while AWSPENDING is on a version other than the AWSCURRENT one, a later
    RotateSecret is refused as a rotation still in progress. Moto 5.2.5 ignores a failed step
    and makes the new version the one GetSecretValue answers whatever the function did.

    Modelled here, the rotation running during the call (AWS runs it after answering when
    RotateImmediately is true): the rotation settings the call carries are kept, as AWS stores
    them before it starts, and a call without RotationLambdaARN rotates with the function
    already set (moto 5.2.5 forgets it and makes an empty version current); the steps run
    until one fails; GetSecretValue then answers the
    version labelled AWSCURRENT; a failed step leaves LastRotatedDate as it was and answers
    InvalidRequestException naming the step and the function's error (with RotateImmediately
    false the test's AWSPENDING version is removed all the same, as the schedule addition does
    on success). After a rotation whose steps all succeeded, AWSPENDING is taken off the
    version that is now current (AWS allows either; moto would refuse the next rotation
    otherwise). A RotateSecret while AWSPENDING is on a version that is not current answers
    InvalidRequestException. Calls without a rotation function keep moto's behaviour.
    """
    from moto.secretsmanager.exceptions import InvalidRequestException
    from moto.secretsmanager.models import FakeSecret, SecretsManagerBackend

    _schedule_addition()  # the schedule addition this one wraps, installed first
    current = SecretsManagerBackend.rotate_secret
    if getattr(current, "healthcare_rotation_steps", False):
        return

    def rotate_secret(self, secret_id, client_request_token=None, rotation_lambda_arn=None,
                      rotation_rules=None, rotate_immediately=True):
        secret = self.secrets.get(secret_id) if self._is_valid_identifier(secret_id) else None
        function = rotation_lambda_arn or getattr(secret, "rotation_lambda_arn", None)
        if not isinstance(secret, FakeSecret) or secret.is_deleted() or not function:
            return current(self, secret_id, client_request_token, rotation_lambda_arn,
                           rotation_rules, rotate_immediately)
        if any("AWSPENDING" in v["version_stages"] and "AWSCURRENT" not in v["version_stages"]
               for v in secret.versions.values()):
            raise InvalidRequestException(
                "The secret's previous rotation has not finished: AWSPENDING is on a version "
                "that is not AWSCURRENT.")
        last_rotated = secret.last_rotation_date
        rotation = _ROTATION.current = _Rotation(secret)
        try:
            answer = current(self, secret_id, client_request_token, function, rotation_rules,
                             rotate_immediately)
        finally:
            _ROTATION.current = None
        _follow_current(secret)
        if rotation.failed:
            step, error = rotation.failed
            secret.last_rotation_date = last_rotated
            raise InvalidRequestException(
                f"The rotation function {function} failed the {step or 'rotation'} step: "
                f"{error.get('errorType', 'Error')}: {error.get('errorMessage', '')}")
        if rotate_immediately:
            for version in secret.versions.values():
                stages = version["version_stages"]
                if "AWSCURRENT" in stages and "AWSPENDING" in stages:
                    stages.remove("AWSPENDING")
        return answer

    rotate_secret.healthcare_rotation_steps = True
    _install(SecretsManagerBackend, rotate_secret)


def secretsmanager_update_secret_version_stage():
    """Secrets Manager UpdateSecretVersionStage: moving AWSCURRENT changes what GetSecretValue
    answers (moto 5.2.5 moves the label but keeps answering the old version).

    AWS answers GetSecretValue without VersionId or VersionStage with the AWSCURRENT version;
    a rotation function's finishSecret step moves that label with this operation.
    """
    from moto.secretsmanager.models import FakeSecret, SecretsManagerBackend

    if _installed(SecretsManagerBackend, "update_secret_version_stage"):
        return
    original = SecretsManagerBackend.update_secret_version_stage

    def update_secret_version_stage(self, secret_id, version_stage, remove_from_version_id,
                                    move_to_version_id):
        answer = original(self, secret_id, version_stage, remove_from_version_id,
                          move_to_version_id)
        secret = self.secrets.get(secret_id)
        if version_stage == "AWSCURRENT" and isinstance(secret, FakeSecret):
            _follow_current(secret)
        return answer

    _install(SecretsManagerBackend, update_secret_version_stage)


LAMBDA_ADDITIONS = [lambda_invoke_python_in_process, lambda_invoke_rotation_steps,
                    secretsmanager_rotate_secret_runs_the_function,
                    secretsmanager_update_secret_version_stage]
