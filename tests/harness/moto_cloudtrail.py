"""CloudTrail additions for the moto launcher: a trail's name, key, CloudWatch Logs delivery and
event selectors, as AWS documents them.

Each addition is one function named after the AWS operation it completes, patching moto's
CloudTrail backend, trail or response class idempotently like the launcher's others;
``CLOUDTRAIL_ADDITIONS`` lists them.
"""

import json

# AWS: "By default, trails created without specific event selectors are configured to log all
# read and write management events, and no data events." GetEventSelectors answers it so.
BASIC_SELECTOR_DEFAULTS = {"ReadWriteType": "All", "IncludeManagementEvents": True,
                           "DataResources": [], "ExcludeManagementEventSources": []}


try:
    from .moto_patch import install as _install
    from .moto_patch import installed as _installed
except ImportError:  # loaded as a top-level module, as the launcher run as a program does
    from moto_patch import install as _install
    from moto_patch import installed as _installed


def _error(code, message):
    from moto.core.exceptions import JsonRESTError

    return JsonRESTError(code, message)


def _region_of(arn, default):
    parts = arn.split(":")
    return parts[3] if len(parts) > 5 and parts[3] else default


def _resolve_key(backend, key_id):
    """The key ARN CloudTrail stores for KmsKeyId (a key id, key ARN, alias or alias ARN)."""
    from moto.kms.models import kms_backends

    region = _region_of(key_id, backend.region_name) if key_id.startswith("arn:") else backend.region_name
    try:
        return kms_backends[backend.account_id][region].describe_key(key_id).arn
    except Exception:
        raise _error("KmsKeyNotFoundException",
                     f"KMS key {key_id} does not exist or is not in the trail's Region.")


def _check_cloudwatch_logs(backend, group_arn, role_arn):
    """AWS: the log group "must exist in your account" and is required with a role; the role
    "must exist in your account"."""
    from moto.iam.models import iam_backends
    from moto.logs.models import logs_backends

    if role_arn and not group_arn:
        raise _error("InvalidCloudWatchLogsLogGroupArnException",
                     "CloudWatchLogsLogGroupArn is required with CloudWatchLogsRoleArn.")
    if group_arn:
        name = group_arn.split(":log-group:", 1)[1] if ":log-group:" in group_arn else ""
        name = name[:-2] if name.endswith(":*") else name
        groups = logs_backends[backend.account_id][_region_of(group_arn, backend.region_name)].groups
        if not name or name not in groups:
            raise _error("InvalidCloudWatchLogsLogGroupArnException",
                         f"Access denied. Verify in IAM that the role has adequate permissions "
                         f"or the log group {group_arn} exists.")
    if role_arn:
        try:
            iam_backends[backend.account_id]["global"].get_role_by_arn(role_arn)
        except Exception:
            raise _error("InvalidCloudWatchLogsRoleArnException",
                         f"Access denied. Verify in IAM that the role {role_arn} exists.")


def _trails_named(backend, name):
    return name in backend.trails or any(t.arn == name for t in backend.trails.values())


def cloudtrail_create_trail():
    """CloudTrail CreateTrail: refuse a name in use, resolve the key, check the log delivery.

    AWS answers TrailAlreadyExistsException for a trail name already in the Region, stores
    KmsKeyId as the key's full ARN (it may be given as key id, alias or ARN) and answers
    KmsKeyNotFoundException for a key that does not exist, and needs the CloudWatch Logs
    group to exist (and to be given with a role), InvalidCloudWatchLogsLogGroupArnException /
    InvalidCloudWatchLogsRoleArnException otherwise. Moto 5.2.5 replaces the existing trail
    (settings, status and selectors lost) and stores the rest as given.
    """
    from moto.cloudtrail.models import CloudTrailBackend

    if _installed(CloudTrailBackend, "create_trail"):
        return
    original = CloudTrailBackend.create_trail

    def create_trail(self, name, bucket_name, s3_key_prefix, sns_topic_name, is_global, is_multi_region,
                     log_validation, is_org_trail, cw_log_group_arn, cw_role_arn, kms_key_id, tags_list):
        if _trails_named(self, name):
            raise _error("TrailAlreadyExistsException",
                         f"Trail {name} already exists for customer: {self.account_id}")
        if kms_key_id:
            kms_key_id = _resolve_key(self, kms_key_id)
        _check_cloudwatch_logs(self, cw_log_group_arn, cw_role_arn)
        return original(self, name, bucket_name, s3_key_prefix, sns_topic_name, is_global, is_multi_region,
                        log_validation, is_org_trail, cw_log_group_arn, cw_role_arn, kms_key_id, tags_list)

    _install(CloudTrailBackend, create_trail)


def cloudtrail_update_trail():
    """CloudTrail UpdateTrail: the same rules as CreateTrail for what it changes.

    AWS refuses a multi-Region trail that does not include global service events
    (InvalidParameterCombinationException, which moto already answers at create), resolves
    and checks a new KmsKeyId, and checks a new CloudWatch Logs group and role; an empty
    string removes the delivery. Moto 5.2.5 stores whatever is sent.
    """
    from moto.cloudtrail.models import CloudTrailBackend

    if _installed(CloudTrailBackend, "update_trail"):
        return
    original = CloudTrailBackend.update_trail

    def update_trail(self, name, s3_bucket_name, s3_key_prefix, sns_topic_name, include_global_service_events,
                     is_multi_region_trail, enable_log_file_validation, is_organization_trail,
                     cw_log_group_arn, cw_role_arn, kms_key_id):
        trail = self.get_trail(name)
        multi = trail.is_multi_region if is_multi_region_trail is None else is_multi_region_trail
        global_events = (trail.include_global_service_events if include_global_service_events is None
                         else include_global_service_events)
        if multi and not global_events:
            raise _error("InvalidParameterCombinationException",
                         "Multi-Region trail must include global service events.")
        if kms_key_id:
            kms_key_id = _resolve_key(self, kms_key_id)
        if cw_log_group_arn is not None or cw_role_arn is not None:
            group = trail.cw_log_group_arn if cw_log_group_arn is None else cw_log_group_arn
            role = trail.cw_role_arn if cw_role_arn is None else cw_role_arn
            _check_cloudwatch_logs(self, group, role)
        updated = original(self, name, s3_bucket_name, s3_key_prefix, sns_topic_name,
                           include_global_service_events, is_multi_region_trail, enable_log_file_validation,
                           is_organization_trail, cw_log_group_arn, cw_role_arn, kms_key_id)
        for attribute in ("cw_log_group_arn", "cw_role_arn", "kms_key_id"):
            if getattr(updated, attribute) == "":
                setattr(updated, attribute, None)
        return updated

    _install(CloudTrailBackend, update_trail)


def cloudtrail_delete_trail():
    """CloudTrail DeleteTrail: a trail that does not exist is TrailNotFoundException.

    AWS takes the trail's name or ARN and answers TrailNotFoundException for an unknown one.
    Moto 5.2.5 succeeds silently, and ignores an ARN.
    """
    from moto.cloudtrail.models import CloudTrailBackend

    if _installed(CloudTrailBackend, "delete_trail"):
        return

    def delete_trail(self, name):
        trail = self.get_trail(name)
        self.trails.pop(trail.trail_name, None)

    _install(CloudTrailBackend, delete_trail)


def cloudtrail_put_event_selectors():
    """CloudTrail PutEventSelectors: one kind of selectors at a time, with AWS's defaults.

    AWS: "You can use either AdvancedEventSelectors or EventSelectors, but not both"; applying
    one kind overwrites the other; a basic selector left without ReadWriteType or
    IncludeManagementEvents means All and true. The answer holds the kind applied, and the
    trail then reports HasCustomEventSelectors. Moto 5.2.5 takes both at once, keeps old
    advanced selectors beside new basic ones and stores selectors without defaults. A request
    with both is refused with InvalidParameterCombinationException.
    """
    from moto.cloudtrail.responses import CloudTrailResponse

    if _installed(CloudTrailResponse, "put_event_selectors"):
        return

    def put_event_selectors(self):
        params = json.loads(self.body)
        basic, advanced = params.get("EventSelectors"), params.get("AdvancedEventSelectors")
        if basic and advanced:
            raise _error("InvalidParameterCombinationException",
                         "You can use either EventSelectors or AdvancedEventSelectors, but not both.")
        trail = self.cloudtrail_backend.get_trail(params.get("TrailName"))
        answer = {"TrailARN": trail.arn}
        if basic:
            trail.event_selectors = [{**BASIC_SELECTOR_DEFAULTS, **s} for s in basic]
            trail.advanced_event_selectors = []
            answer["EventSelectors"] = trail.event_selectors
        elif advanced:
            trail.event_selectors = []
            trail.advanced_event_selectors = advanced
            answer["AdvancedEventSelectors"] = advanced
        else:
            raise _error("InvalidEventSelectorsException",
                         "Specify a valid number of event selectors (1 to 5) for a trail.")
        trail.healthcare_custom_selectors = True
        return json.dumps(answer)

    _install(CloudTrailResponse, put_event_selectors)


def cloudtrail_get_event_selectors():
    """CloudTrail GetEventSelectors: answer the kind in use, and the default for a new trail.

    AWS answers EventSelectors or AdvancedEventSelectors, whichever the trail uses; a trail
    never given selectors logs all read and write management events, answered as one basic
    selector. Moto 5.2.5 answers both lists, empty for a new trail.
    """
    from moto.cloudtrail.responses import CloudTrailResponse

    if _installed(CloudTrailResponse, "get_event_selectors"):
        return

    def get_event_selectors(self):
        trail = self.cloudtrail_backend.get_trail(json.loads(self.body).get("TrailName"))
        answer = {"TrailARN": trail.arn}
        if trail.advanced_event_selectors:
            answer["AdvancedEventSelectors"] = trail.advanced_event_selectors
        elif trail.event_selectors:
            answer["EventSelectors"] = trail.event_selectors
        else:
            answer["EventSelectors"] = [dict(BASIC_SELECTOR_DEFAULTS)]
        return json.dumps(answer)

    _install(CloudTrailResponse, get_event_selectors)


def cloudtrail_get_trail():
    """CloudTrail GetTrail and DescribeTrails: HasCustomEventSelectors once selectors are put.

    Moto 5.2.5 always answers false.
    """
    from moto.cloudtrail.models import Trail

    if _installed(Trail, "description"):
        return
    original = Trail.description

    def description(self, include_region=False):
        desc = original(self, include_region)
        desc["HasCustomEventSelectors"] = bool(getattr(self, "healthcare_custom_selectors", False))
        return {k: v for k, v in desc.items() if v is not None}

    _install(Trail, description)


def cloudtrail_describe_trails():
    """CloudTrail DescribeTrails: answer only the trails trailNameList names.

    AWS: names match the trails of the current Region, ARNs any trail; a name that matches
    nothing is left out. Moto 5.2.5 ignores the list and answers every trail.
    """
    from moto.cloudtrail.responses import CloudTrailResponse

    if _installed(CloudTrailResponse, "describe_trails"):
        return

    def describe_trails(self):
        shadow = self._get_bool_param("includeShadowTrails", True)
        wanted = self._get_param("trailNameList") or []
        trails = list(self.cloudtrail_backend.describe_trails(shadow))
        if wanted:
            region = self.cloudtrail_backend.region_name
            trails = [t for t in trails
                      if t.arn in wanted or (t.trail_name in wanted and t.region_name == region)]
        return json.dumps({"trailList": [t.description(include_region=True) for t in trails]})

    _install(CloudTrailResponse, describe_trails)


def cloudtrail_get_trail_status():
    """CloudTrail GetTrailStatus: LatestCloudWatchLogsDeliveryTime for a trail delivering to
    CloudWatch Logs.

    AWS answers when CloudTrail last delivered to the trail's log group. Moto 5.2.5 already
    counts a logging trail as delivering to S3 at each status call (LatestDeliveryTime now)
    but never answers the CloudWatch Logs time; the addition answers it the same way for a
    logging trail with a log group, and keeps the last one after logging stops.
    """
    from moto.cloudtrail.models import CloudTrailBackend, TrailStatus, datetime2int
    from moto.core.utils import utcnow

    if _installed(CloudTrailBackend, "get_trail_status"):
        return
    original = CloudTrailBackend.get_trail_status
    original_description = TrailStatus.description

    def get_trail_status(self, name):
        status = original(self, name)
        trail = next((t for t in self.describe_trails(include_shadow_trails=True)
                      if t.status is status), None)
        if trail is not None and trail.cw_log_group_arn and status.is_logging:
            status.healthcare_cw_delivery = datetime2int(utcnow())
        return status

    def description(self):
        desc = original_description(self)
        if getattr(self, "healthcare_cw_delivery", None):
            desc["LatestCloudWatchLogsDeliveryTime"] = self.healthcare_cw_delivery
        return desc

    _install(TrailStatus, description)
    _install(CloudTrailBackend, get_trail_status)


CLOUDTRAIL_ADDITIONS = [cloudtrail_create_trail, cloudtrail_update_trail, cloudtrail_delete_trail,
                        cloudtrail_put_event_selectors, cloudtrail_get_event_selectors,
                        cloudtrail_get_trail, cloudtrail_describe_trails, cloudtrail_get_trail_status]
