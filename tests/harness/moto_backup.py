"""AWS Backup additions for the moto launcher: backup selections, plan updates, the
idempotency of ``CreatorRequestId`` and Backup Audit Manager's report plans, as AWS's Backup
API reference documents them.

Moto 5.2.5 keeps vaults, plans and report plans, but has no backup selections (a resource
assignment: which resources a plan backs up, and the role it uses), no UpdateBackupPlan, and
makes a second plan (or refuses one) for a ``CreatorRequestId`` AWS answers with the plan it
already made. Of Backup Audit Manager's report plans it has no UpdateReportPlan, ignores
``ReportPlanTags`` and ``IdempotencyToken``, checks nothing it is given, replaces a plan whose
name is taken and deletes one that does not exist without a word. What the additions keep
lives on moto's backend for the account and Region, so that moto's reset
(``POST /moto-api/reset``) forgets it with the rest.

Each addition is one function named after the AWS operation it completes, patching moto's
Backup backend or response class idempotently like the launcher's others;
``BACKUP_ADDITIONS`` lists them.
"""

import base64
import calendar
import copy
import json
import re
import threading
from urllib.parse import unquote

try:
    from .moto_patch import install as _install
    from .moto_patch import installed as _installed
except ImportError:  # loaded as a top-level module, as the launcher run as a program does
    from moto_patch import install as _install
    from moto_patch import installed as _installed

# AWS: SelectionName "^[a-zA-Z0-9\-\_\.]{1,50}$"; CreatorRequestId "must contain 1 to 50
# alphanumeric or '-_.' characters".
NAME = re.compile(r"[a-zA-Z0-9_.\-]{1,50}")
# ListBackupSelections: MaxResults "Valid Range: Minimum value of 1. Maximum value of 1000."
MAX_RESULTS = 1000
ROLE_ARN = re.compile(r"arn:aws[a-z\-]*:iam::(\d{12}):role/.+")
# The SDKs differ on the model's trailing slashes (the Rust SDK drops them): both are taken.
SELECTION_PATH = re.compile(r"^/backup/plans/(?P<plan>[^/]+)/selections(?:/(?P<selection>[^/]*))?/?$")
PLAN_PATH = re.compile(r"^/backup/plans/(?P<plan>[^/]+)/?$")
REPORT_PLAN_PATH = re.compile(r"^/audit/report-plans/(?P<name>[^/]+)/?$")
# What GetBackupSelection answers for a member the request left out (AWS answers them empty).
CONDITION_LISTS = ("StringEquals", "StringNotEquals", "StringLike", "StringNotLike")
IN_USE = "Related backup plan selections must be deleted prior to backup plan deletion"
# AWS: ReportPlanName "between 1 and 256 characters, starting with a letter, and consisting of
# letters (a-z, A-Z), numbers (0-9), and underscores (_)"; pattern [a-zA-Z][_a-zA-Z0-9]*.
REPORT_PLAN_NAME = re.compile(r"[a-zA-Z][_a-zA-Z0-9]{0,255}")
# ReportSetting.ReportTemplate, as the API reference lists them.
REPORT_TEMPLATES = ("RESOURCE_COMPLIANCE_REPORT", "CONTROL_COMPLIANCE_REPORT", "BACKUP_JOB_REPORT",
                    "COPY_JOB_REPORT", "RESTORE_JOB_REPORT", "SCAN_JOB_REPORT")
# ReportDeliveryChannel.Formats: "CSV, JSON, or both. If not specified, the default format is CSV."
REPORT_FORMATS = ("CSV", "JSON")
# ReportPlanDescription: "a maximum of 1,024 characters".
REPORT_PLAN_DESCRIPTION_MAX = 1024

_lock = threading.Lock()


def _error(code, message):
    """A Backup client error (HTTP 400): ResourceNotFoundException, InvalidParameterValueException..."""
    from moto.core.exceptions import JsonRESTError

    return JsonRESTError(code, message)


def _state(backend):
    """The additions' state, kept on moto's backend for the account and Region: the selections
    of each plan (plan id -> selection id -> selection), the earlier versions of each plan
    (plan id -> version id -> (document, advanced settings)), and the selections made so far."""
    return backend.__dict__.setdefault("healthcare_backup", {"selections": {}, "versions": {}, "made": 0})


def _live_plan(backend, plan_id):
    """The plan, unless it does not exist or was deleted (ResourceNotFoundException)."""
    plan = backend.plans.get(plan_id)
    if plan is None or plan.deletion_date is not None:
        raise _error("ResourceNotFoundException", f"Cannot find Backup plan {plan_id}.")
    return plan


def _required(value, name):
    if value is None or value == "":
        raise _error("MissingParameterValueException", f"{name} is required.")
    return value


def _check_request_id(creator_request_id):
    if creator_request_id is not None and not NAME.fullmatch(str(creator_request_id)):
        raise _error("InvalidParameterValueException",
                     "CreatorRequestId must contain 1 to 50 alphanumeric or '-_.' characters.")


def _check_role(backend, arn):
    """The selection's role: an IAM role ARN; one of this account's must exist in IAM."""
    match = ROLE_ARN.fullmatch(str(arn))
    if not match:
        raise _error("InvalidParameterValueException", f"Invalid IAM Role ARN: {arn}")
    if match.group(1) != backend.account_id:
        return  # another account's role: not seen from here
    from moto.iam.models import iam_backends
    from moto.utilities.utils import get_partition

    iam = iam_backends[backend.account_id][get_partition(backend.region_name)]
    if not any(role.arn == arn for role in iam.get_roles()):
        raise _error("InvalidParameterValueException", f"IAM Role {arn} cannot be assumed by AWS Backup")


def _selection_as_answered(document):
    """A selection as GetBackupSelection answers it: as given, the lists it left out empty."""
    answer = copy.deepcopy(document)
    for member in ("Resources", "NotResources", "ListOfTags"):
        answer.setdefault(member, [])
    conditions = answer.setdefault("Conditions", {})
    for member in CONDITION_LISTS:
        conditions.setdefault(member, [])
    return answer


def _json(answer):
    return 200, {"Content-Type": "application/json"}, json.dumps(answer)


def _body(response):
    try:
        body = json.loads(response.body or "{}")
    except ValueError:
        raise _error("InvalidParameterValueException", "The request body is not valid JSON.") from None
    return body if isinstance(body, dict) else {}


def _ids(response, pattern):
    match = pattern.match(response.path)
    if not match:
        raise _error("InvalidParameterValueException", f"Unexpected path {response.path}")
    return {key: unquote(value or "") for key, value in match.groupdict().items()}


def backup_create_backup_selection():
    """Backup CreateBackupSelection (``PUT /backup/plans/{id}/selections/``; moto 5.2.5: HTTP 500).

    AWS assigns resources to a plan: SelectionName (1-50 of ``[a-zA-Z0-9-_.]``) and IamRoleArn
    are required (MissingParameterValueException; a name out of pattern
    InvalidParameterValueException), ``Resources`` or ``ListOfTags`` must select something
    (InvalidParameterValueException "Invalid backup selection. Either 'ListOfTags' or
    'Resources' section must be non-empty.", as AWS answers it), and a plan that does not
    exist or was deleted is refused (ResourceNotFoundException). The role must be one AWS
    Backup can assume: an IAM role ARN, and this account's must exist (else
    InvalidParameterValueException "IAM Role <arn> cannot be assumed by AWS Backup").
    CreatorRequestId "allows failed requests to be retried without the risk of running the
    operation twice": the same one on the same plan answers the selection that request made,
    while it is not deleted, instead of a second one.
    """
    from moto.backup.models import BackupBackend
    from moto.backup.responses import BackupResponse
    from moto.core.utils import unix_time
    from moto.moto_api._internal import mock_random

    if _installed(BackupResponse, "create_backup_selection"):
        return

    def create_backup_selection(self, backup_plan_id, backup_selection, creator_request_id):
        if not isinstance(backup_selection, dict):
            raise _error("MissingParameterValueException", "BackupSelection is required.")
        name = _required(backup_selection.get("SelectionName"), "BackupSelection.SelectionName")
        role = _required(backup_selection.get("IamRoleArn"), "BackupSelection.IamRoleArn")
        if not NAME.fullmatch(str(name)):
            raise _error("InvalidParameterValueException",
                         f"Invalid SelectionName {name}: it must be 1 to 50 alphanumeric or '-_.' "
                         "characters.")
        _check_request_id(creator_request_id)
        _live_plan(self, backup_plan_id)
        with _lock:
            state = _state(self)
            selections = state["selections"].setdefault(backup_plan_id, {})
            for selection in selections.values():
                if creator_request_id and selection["CreatorRequestId"] == creator_request_id:
                    return selection
            if not (backup_selection.get("Resources") or backup_selection.get("ListOfTags")):
                raise _error("InvalidParameterValueException", "Invalid backup selection. Either "
                             "'ListOfTags' or 'Resources' section must be non-empty.")
            _check_role(self, role)
            state["made"] += 1
            selection = {"SelectionId": str(mock_random.uuid4()), "BackupPlanId": backup_plan_id,
                         "CreationDate": unix_time(), "CreatorRequestId": creator_request_id,
                         "BackupSelection": copy.deepcopy(backup_selection), "order": state["made"]}
            selections[selection["SelectionId"]] = selection
            return selection

    def create_backup_selection_response(self):
        plan_id = _ids(self, SELECTION_PATH)["plan"]
        body = _body(self)
        selection = self.backup_backend.create_backup_selection(
            plan_id, body.get("BackupSelection"), body.get("CreatorRequestId"))
        return _json({key: selection[key] for key in ("SelectionId", "BackupPlanId", "CreationDate")})

    _install(BackupBackend, create_backup_selection)
    _install(BackupResponse, create_backup_selection_response, "create_backup_selection")


def _selection(backend, plan_id, selection_id):
    _live_plan(backend, plan_id)
    selection = _state(backend)["selections"].get(plan_id, {}).get(selection_id)
    if selection is None:
        raise _error("ResourceNotFoundException",
                     f"Cannot find Backup selection {selection_id} in Backup plan {plan_id}.")
    return selection


def backup_get_backup_selection():
    """Backup GetBackupSelection (``GET /backup/plans/{id}/selections/{selectionId}``; moto
    5.2.5: HTTP 500).

    AWS answers the selection's document, SelectionId, BackupPlanId, CreationDate and
    CreatorRequestId; a plan or selection that does not exist is ResourceNotFoundException.
    The document is answered as it was given, the list members it left out (Resources,
    NotResources, ListOfTags, and each list of Conditions) empty, as AWS answers them.
    """
    from moto.backup.models import BackupBackend
    from moto.backup.responses import BackupResponse

    if _installed(BackupResponse, "get_backup_selection"):
        return

    def get_backup_selection(self, backup_plan_id, selection_id):
        return _selection(self, backup_plan_id, selection_id)

    def get_backup_selection_response(self):
        ids = _ids(self, SELECTION_PATH)
        selection = self.backup_backend.get_backup_selection(ids["plan"], ids["selection"])
        answer = {key: selection[key] for key in ("SelectionId", "BackupPlanId", "CreationDate")}
        answer["BackupSelection"] = _selection_as_answered(selection["BackupSelection"])
        if selection["CreatorRequestId"] is not None:
            answer["CreatorRequestId"] = selection["CreatorRequestId"]
        return _json(answer)

    _install(BackupBackend, get_backup_selection)
    _install(BackupResponse, get_backup_selection_response, "get_backup_selection")


def _page_start(next_token):
    """The order number a NextToken continues after (0 without one)."""
    if not next_token:
        return 0
    try:
        return int(base64.urlsafe_b64decode(next_token.encode()).decode())
    except (ValueError, UnicodeDecodeError):
        raise _error("InvalidParameterValueException", f"Invalid NextToken: {next_token}") from None


def backup_list_backup_selections():
    """Backup ListBackupSelections (``GET /backup/plans/{id}/selections/``; moto 5.2.5: HTTP 500).

    AWS lists a plan's selections (SelectionId, SelectionName, BackupPlanId, CreationDate,
    CreatorRequestId, IamRoleArn) by pages of at most MaxResults (1 to 1000, else
    InvalidParameterValueException) with a NextToken while more remain; a plan that does not
    exist is ResourceNotFoundException. The pages follow the order of creation, and a token
    keeps its place when selections are deleted between pages.
    """
    from moto.backup.models import BackupBackend
    from moto.backup.responses import BackupResponse

    if _installed(BackupResponse, "list_backup_selections"):
        return

    def list_backup_selections(self, backup_plan_id, max_results, next_token):
        _live_plan(self, backup_plan_id)
        if max_results is None:
            max_results = MAX_RESULTS
        try:
            max_results = int(max_results)
        except (TypeError, ValueError):
            max_results = 0
        if not 1 <= max_results <= MAX_RESULTS:
            raise _error("InvalidParameterValueException",
                         f"MaxResults must be between 1 and {MAX_RESULTS}.")
        start = _page_start(next_token)
        with _lock:
            selections = sorted(_state(self)["selections"].get(backup_plan_id, {}).values(),
                                key=lambda s: s["order"])
        remaining = [s for s in selections if s["order"] > start]
        page = remaining[:max_results]
        token = None
        if len(remaining) > max_results:
            token = base64.urlsafe_b64encode(str(page[-1]["order"]).encode()).decode()
        return page, token

    def list_backup_selections_response(self):
        plan_id = _ids(self, SELECTION_PATH)["plan"]
        max_results = self.querystring.get("maxResults", [None])[0]
        next_token = self.querystring.get("nextToken", [None])[0]
        page, token = self.backup_backend.list_backup_selections(plan_id, max_results, next_token)
        members = []
        for selection in page:
            member = {key: selection[key] for key in ("SelectionId", "BackupPlanId", "CreationDate")}
            member["SelectionName"] = selection["BackupSelection"]["SelectionName"]
            member["IamRoleArn"] = selection["BackupSelection"]["IamRoleArn"]
            if selection["CreatorRequestId"] is not None:
                member["CreatorRequestId"] = selection["CreatorRequestId"]
            members.append(member)
        answer = {"BackupSelectionsList": members}
        if token:
            answer["NextToken"] = token
        return _json(answer)

    _install(BackupBackend, list_backup_selections)
    _install(BackupResponse, list_backup_selections_response, "list_backup_selections")


def backup_delete_backup_selection():
    """Backup DeleteBackupSelection (``DELETE /backup/plans/{id}/selections/{selectionId}``;
    moto 5.2.5: HTTP 500).

    AWS deletes the selection; a plan or selection that does not exist is
    ResourceNotFoundException.
    """
    from moto.backup.models import BackupBackend
    from moto.backup.responses import BackupResponse

    if _installed(BackupResponse, "delete_backup_selection"):
        return

    def delete_backup_selection(self, backup_plan_id, selection_id):
        with _lock:
            _selection(self, backup_plan_id, selection_id)
            del _state(self)["selections"][backup_plan_id][selection_id]

    def delete_backup_selection_response(self):
        ids = _ids(self, SELECTION_PATH)
        self.backup_backend.delete_backup_selection(ids["plan"], ids["selection"])
        return 200, {}, ""

    _install(BackupBackend, delete_backup_selection)
    _install(BackupResponse, delete_backup_selection_response, "delete_backup_selection")


def backup_delete_backup_plan():
    """Backup DeleteBackupPlan: only once the plan's selections are deleted, and only once.

    AWS: "A backup plan can only be deleted after all associated selections of resources have
    been deleted"; while any remain the call is refused with InvalidRequestException "Related
    backup plan selections must be deleted prior to backup plan deletion". A plan already
    deleted is ResourceNotFoundException (its current version is gone), where moto 5.2.5
    deletes it again and moves its DeletionDate.
    """
    from moto.backup.models import BackupBackend

    if _installed(BackupBackend, "delete_backup_plan"):
        return
    original = BackupBackend.delete_backup_plan

    def delete_backup_plan(self, backup_plan_id):
        if backup_plan_id in self.plans:
            _live_plan(self, backup_plan_id)  # not deleted already
            with _lock:
                if _state(self)["selections"].get(backup_plan_id):
                    raise _error("InvalidRequestException", IN_USE)
        return original(self, backup_plan_id)

    _install(BackupBackend, delete_backup_plan)


def backup_update_backup_plan():
    """Backup UpdateBackupPlan (``POST /backup/plans/{id}``; moto 5.2.5: HTTP 500).

    AWS replaces the plan's document (BackupPlanName and Rules required, each rule's RuleName
    and TargetBackupVaultName: MissingParameterValueException) and makes it a new version:
    the answer carries BackupPlanId, BackupPlanArn, CreationDate, a new VersionId and
    AdvancedBackupSettings, and GetBackupPlan then answers the new document. A plan that does
    not exist or was deleted is ResourceNotFoundException. Rules get moto's defaults for what
    they leave out, as at CreateBackupPlan.
    """
    from moto.backup.models import BackupBackend, Plan
    from moto.backup.responses import BackupResponse

    if _installed(BackupResponse, "update_backup_plan"):
        return

    def update_backup_plan(self, backup_plan_id, backup_plan):
        plan = _live_plan(self, backup_plan_id)
        if not isinstance(backup_plan, dict):
            raise _error("MissingParameterValueException", "BackupPlan is required.")
        _required(backup_plan.get("BackupPlanName"), "BackupPlan.BackupPlanName")
        rules = _required(backup_plan.get("Rules"), "BackupPlan.Rules")
        if not isinstance(rules, list) or not all(isinstance(rule, dict) for rule in rules):
            raise _error("InvalidParameterValueException", "BackupPlan.Rules must be a list of rules.")
        for rule in rules:
            _required(rule.get("RuleName"), "BackupPlan.Rules.RuleName")
            _required(rule.get("TargetBackupVaultName"), "BackupPlan.Rules.TargetBackupVaultName")
        with _lock:
            versions = _state(self)["versions"].setdefault(backup_plan_id, {})
            versions[plan.version_id] = (copy.deepcopy(plan.backup_plan),
                                         copy.deepcopy(plan.advanced_backup_settings))
            # moto's own Plan fills the rules' defaults and draws the new version id.
            new = Plan(backup_plan=copy.deepcopy(backup_plan), creator_request_id=None, backend=self)
            plan.backup_plan, plan.version_id = new.backup_plan, new.version_id
            plan.advanced_backup_settings = new.advanced_backup_settings
        return plan

    def update_backup_plan_response(self):
        plan_id = _ids(self, PLAN_PATH)["plan"]
        plan = self.backup_backend.update_backup_plan(plan_id, _body(self).get("BackupPlan"))
        return _json(plan.to_dict())

    _install(BackupBackend, update_backup_plan)
    _install(BackupResponse, update_backup_plan_response, "update_backup_plan")


def backup_get_backup_plan():
    """Backup GetBackupPlan with the VersionId of an earlier version: that version.

    AWS keeps a plan's earlier versions when UpdateBackupPlan makes a new one ("previous
    versions, if any, will still exist"), and GetBackupPlan with one's VersionId answers it.
    Moto 5.2.5 knows only the current version; without VersionId, or with the current one,
    moto answers as before.
    """
    from moto.backup.models import BackupBackend

    if _installed(BackupBackend, "get_backup_plan"):
        return
    original = BackupBackend.get_backup_plan

    def get_backup_plan(self, backup_plan_id, version_id):
        plan = self.plans.get(backup_plan_id)
        earlier = _state(self)["versions"].get(backup_plan_id, {}).get(version_id) if plan else None
        if earlier is None or version_id == plan.version_id:
            return original(self, backup_plan_id, version_id)
        answer = copy.copy(plan)
        answer.backup_plan, answer.advanced_backup_settings = copy.deepcopy(earlier)
        answer.version_id = version_id
        return answer

    _install(BackupBackend, get_backup_plan)


def backup_create_backup_plan():
    """Backup CreateBackupPlan: a CreatorRequestId used before answers that plan.

    AWS: CreatorRequestId "allows failed requests to be retried without the risk of running
    the operation twice. If the request includes a CreatorRequestId that matches an existing
    backup plan, that plan is returned"; it must be 1 to 50 alphanumeric or '-_.' characters
    (InvalidParameterValueException). Moto 5.2.5 ignores it: the same request again is
    refused as a plan of the same name (AlreadyExistsException). A deleted plan's
    CreatorRequestId makes a plan anew.

    A plan's name is refused while a plan that is not deleted has it (AlreadyExistsException,
    as moto answers); moto 5.2.5 also refused the name of a deleted plan, which AWS lists only
    as deleted (ListBackupPlans' IncludeDeleted), so a plan deleted could never be made again
    under its name.
    """
    from moto.backup.exceptions import AlreadyExistsException
    from moto.backup.models import BackupBackend, Plan

    if _installed(BackupBackend, "create_backup_plan"):
        return

    def create_backup_plan(self, backup_plan, backup_plan_tags, creator_request_id):
        _check_request_id(creator_request_id)
        with _lock:
            live = [p for p in self.plans.values() if p.deletion_date is None]
            for plan in live:
                if creator_request_id and plan.creator_request_id == creator_request_id:
                    return plan
            if any(p.backup_plan["BackupPlanName"] == backup_plan["BackupPlanName"] for p in live):
                raise AlreadyExistsException(
                    msg="Backup plan with the same plan document already exists")
            plan = Plan(backup_plan=backup_plan, creator_request_id=creator_request_id, backend=self)
            if backup_plan_tags:
                self.tag_resource(plan.backup_plan_arn, backup_plan_tags)
            self.plans[plan.backup_plan_id] = plan
            return plan

    _install(BackupBackend, create_backup_plan)


def backup_list_tags():
    """Backup ListTags (``GET /tags/{resourceArn}/``) as the AWS SDK for Rust sends it.

    AWS answers the tags of the vault or plan the ARN names. Moto 5.2.5 reads the ARN as the
    path's last segment but one, which is right only with the model's trailing slash: the
    Rust SDK sends ``/tags/{resourceArn}`` without it, and moto answered no tags at all.
    """
    from moto.backup.responses import BackupResponse

    if _installed(BackupResponse, "list_tags"):
        return

    def list_tags(self):
        arn = unquote(self.path.split("/tags/", 1)[1].rstrip("/"))
        return _json({"Tags": self.backup_backend.list_tags(resource_arn=arn)})

    _install(BackupResponse, list_tags)


def _epoch(moment):
    """A moment (moto keeps a report plan's as a naive UTC datetime) as the epoch seconds, to
    the millisecond, that the SDKs read and moto's own answers give."""
    return calendar.timegm(moment.timetuple()) + moment.microsecond // 1000 / 1000


def _report_plan_answer(plan):
    """What CreateReportPlan and UpdateReportPlan answer."""
    return {"ReportPlanName": plan.report_plan_name, "ReportPlanArn": plan.report_plan_arn,
            "CreationTime": _epoch(plan.creation_time)}


def _live_report_plan(backend, name):
    """The report plan of that name (ResourceNotFoundException, as moto's DescribeReportPlan)."""
    plan = backend.report_plans.get(name)
    if plan is None:
        raise _error("ResourceNotFoundException", f"Report Plan {name} not found")
    return plan


def _check_report_description(description):
    if description is not None and len(str(description)) > REPORT_PLAN_DESCRIPTION_MAX:
        raise _error("InvalidParameterValueException",
                     f"ReportPlanDescription must be at most {REPORT_PLAN_DESCRIPTION_MAX} characters.")


def _report_delivery_channel(channel):
    """The delivery channel as kept: S3BucketName required, Formats CSV or JSON (CSV when not
    given, as AWS documents)."""
    if not isinstance(channel, dict):
        raise _error("MissingParameterValueException", "ReportDeliveryChannel is required.")
    _required(channel.get("S3BucketName"), "ReportDeliveryChannel.S3BucketName")
    kept = copy.deepcopy(channel)
    formats = kept.get("Formats") or ["CSV"]
    if not isinstance(formats, list) or any(f not in REPORT_FORMATS for f in formats):
        raise _error("InvalidParameterValueException",
                     f"Invalid ReportDeliveryChannel.Formats {formats}: each must be CSV or JSON.")
    kept["Formats"] = formats
    return kept


def _report_setting(setting):
    """The report setting as kept: ReportTemplate required, one of AWS's templates."""
    if not isinstance(setting, dict):
        raise _error("MissingParameterValueException", "ReportSetting is required.")
    template = _required(setting.get("ReportTemplate"), "ReportSetting.ReportTemplate")
    if template not in REPORT_TEMPLATES:
        raise _error("InvalidParameterValueException",
                     f"Invalid ReportSetting.ReportTemplate {template}: it must be one of "
                     f"{', '.join(REPORT_TEMPLATES)}.")
    return copy.deepcopy(setting)


def backup_create_report_plan():
    """Backup CreateReportPlan (``POST /audit/report-plans``) as AWS's API reference documents it.

    ReportPlanName (1 to 256 characters, a letter then letters, digits or underscores),
    ReportDeliveryChannel.S3BucketName and ReportSetting.ReportTemplate are required
    (MissingParameterValueException; a name out of pattern InvalidParameterValueException);
    the template must be one of RESOURCE_COMPLIANCE_REPORT, CONTROL_COMPLIANCE_REPORT,
    BACKUP_JOB_REPORT, COPY_JOB_REPORT, RESTORE_JOB_REPORT and SCAN_JOB_REPORT, each format
    CSV or JSON (CSV when none is given), the description at most 1,024 characters
    (InvalidParameterValueException). "If you call CreateReportPlan with a plan that already
    exists, you receive an AlreadyExistsException", where moto 5.2.5 replaced it. The
    ReportPlanTags are the plan's tags (moto dropped them), and "retrying a successful request
    with the same idempotency token results in a success message with no action taken": the
    same IdempotencyToken for the same name answers the plan that request made, while it
    exists. The ARN is AWS's ``arn:aws:backup:<region>:<account>:report-plan:<name>-<id>``
    (moto's lacked the id). Whether the bucket exists is not checked: the API reference
    documents no refusal for it at create.
    """
    from moto.backup.exceptions import AlreadyExistsException
    from moto.backup.models import BackupBackend, ReportPlan
    from moto.backup.responses import BackupResponse
    from moto.moto_api._internal import mock_random

    if _installed(BackupResponse, "create_report_plan"):
        return

    def create_report_plan(self, report_plan_name, report_plan_description, report_delivery_channel,
                           report_setting, report_plan_tags=None, idempotency_token=None):
        name = _required(report_plan_name, "ReportPlanName")
        if not REPORT_PLAN_NAME.fullmatch(str(name)):
            raise _error("InvalidParameterValueException",
                         f"Invalid ReportPlanName {name}: it must be 1 to 256 characters, starting with "
                         "a letter, and consisting of letters, numbers and underscores.")
        _check_report_description(report_plan_description)
        channel = _report_delivery_channel(report_delivery_channel)
        setting = _report_setting(report_setting)
        with _lock:
            existing = self.report_plans.get(name)
            if existing is not None:
                if idempotency_token and getattr(existing, "idempotency_token", None) == idempotency_token:
                    return existing
                raise AlreadyExistsException(msg=f"Report plan {name} already exists")
            plan = ReportPlan(name=name, report_plan_description=report_plan_description,
                              report_delivery_channel=channel, report_setting=setting, backend=self)
            plan.report_plan_arn = f"{plan.report_plan_arn}-{mock_random.uuid4()}"
            plan.idempotency_token = idempotency_token
            plan.update_tokens = set()
            if report_plan_tags:
                self.tag_resource(plan.report_plan_arn, report_plan_tags)
            self.report_plans[name] = plan
            return plan

    def create_report_plan_response(self):
        body = _body(self)
        plan = self.backup_backend.create_report_plan(
            body.get("ReportPlanName"), body.get("ReportPlanDescription"), body.get("ReportDeliveryChannel"),
            body.get("ReportSetting"), body.get("ReportPlanTags"), body.get("IdempotencyToken"))
        return _json(_report_plan_answer(plan))

    _install(BackupBackend, create_report_plan)
    _install(BackupResponse, create_report_plan_response, "create_report_plan")


def backup_update_report_plan():
    """Backup UpdateReportPlan (``PUT /audit/report-plans/{reportPlanName}``; moto 5.2.5: HTTP 500).

    AWS replaces what the request gives of the plan's description, delivery channel and report
    setting, checked as at CreateReportPlan (a channel without S3BucketName or a setting without
    ReportTemplate MissingParameterValueException; a template, format or description AWS does
    not take InvalidParameterValueException), and answers ReportPlanName, ReportPlanArn and
    CreationTime; a plan that does not exist is ResourceNotFoundException. An IdempotencyToken
    already applied to the plan answers it again with no action taken, as AWS documents.
    """
    from moto.backup.models import BackupBackend
    from moto.backup.responses import BackupResponse

    if _installed(BackupResponse, "update_report_plan"):
        return

    def update_report_plan(self, report_plan_name, report_plan_description, report_delivery_channel,
                           report_setting, idempotency_token):
        _live_report_plan(self, report_plan_name)
        _check_report_description(report_plan_description)
        channel = None if report_delivery_channel is None else _report_delivery_channel(report_delivery_channel)
        setting = None if report_setting is None else _report_setting(report_setting)
        with _lock:
            plan = _live_report_plan(self, report_plan_name)
            tokens = plan.__dict__.setdefault("update_tokens", set())
            if idempotency_token and idempotency_token in tokens:
                return plan
            if report_plan_description is not None:
                plan.report_plan_description = report_plan_description
            if channel is not None:
                plan.report_delivery_channel = channel
            if setting is not None:
                plan.report_setting = setting
            if idempotency_token:
                tokens.add(idempotency_token)
            return plan

    def update_report_plan_response(self):
        name = _ids(self, REPORT_PLAN_PATH)["name"]
        body = _body(self)
        plan = self.backup_backend.update_report_plan(
            name, body.get("ReportPlanDescription"), body.get("ReportDeliveryChannel"), body.get("ReportSetting"),
            body.get("IdempotencyToken"))
        return _json(_report_plan_answer(plan))

    _install(BackupBackend, update_report_plan)
    _install(BackupResponse, update_report_plan_response, "update_report_plan")


def backup_delete_report_plan():
    """Backup DeleteReportPlan: a plan that does not exist is ResourceNotFoundException.

    Moto 5.2.5 answered success for any name. The plan's tags go with it.
    """
    from moto.backup.models import BackupBackend

    if _installed(BackupBackend, "delete_report_plan"):
        return

    def delete_report_plan(self, report_plan_name):
        with _lock:
            plan = _live_report_plan(self, report_plan_name)
            del self.report_plans[report_plan_name]
            self.tagger.delete_all_tags_for_resource(plan.report_plan_arn)

    _install(BackupBackend, delete_report_plan)


BACKUP_ADDITIONS = [backup_create_backup_selection, backup_get_backup_selection,
                    backup_list_backup_selections, backup_delete_backup_selection,
                    backup_delete_backup_plan, backup_update_backup_plan, backup_get_backup_plan,
                    backup_create_backup_plan, backup_list_tags, backup_create_report_plan,
                    backup_update_report_plan, backup_delete_report_plan]
