"""GuardDuty additions for the moto launcher: one detector per Region, and its tags, as AWS
documents them.

Each addition is one function named after the AWS operation it completes, patching moto's
GuardDuty backend, response class or URL table idempotently like the launcher's others;
``GUARDDUTY_ADDITIONS`` lists them.
"""

import json
from urllib.parse import unquote

try:
    from .moto_patch import install as _install
    from .moto_patch import installed as _installed
except ImportError:  # loaded as a top-level module, as the launcher run as a program does
    from moto_patch import install as _install
    from moto_patch import installed as _installed


TAGS_PATH = "{0}/tags/(?P<resource_arn>.+)$"
FINDINGS_PATH = "{0}/detector/(?P<detector_id>[^/]+)/findings$"


def _bad_request(message):
    """GuardDuty's client error: BadRequestException (HTTP 400)."""
    from moto.core.exceptions import JsonRESTError

    return JsonRESTError("BadRequestException", message)


def guardduty_create_detector():
    """GuardDuty CreateDetector: one detector per account per Region.

    AWS: "You can have only one detector per account per Region"; a second CreateDetector is
    refused with BadRequestException. Moto 5.2.5 makes as many as asked.
    """
    from moto.guardduty.models import GuardDutyBackend

    if _installed(GuardDutyBackend, "create_detector"):
        return
    original = GuardDutyBackend.create_detector

    def create_detector(self, enable, finding_publishing_frequency, data_sources, tags, features):
        if self.detectors:
            raise _bad_request("The request is rejected because a detector already exists for the "
                               "current account in this Region.")
        return original(self, enable, finding_publishing_frequency, data_sources, tags, features)

    _install(GuardDutyBackend, create_detector)


def guardduty_delete_detector():
    """GuardDuty DeleteDetector: a detector that does not exist is BadRequestException.

    AWS answers BadRequestException for a detector id the account does not own, as moto
    already does for GetDetector and UpdateDetector; moto 5.2.5's DeleteDetector succeeds.
    """
    from moto.guardduty.models import GuardDutyBackend

    if _installed(GuardDutyBackend, "delete_detector"):
        return

    def delete_detector(self, detector_id):
        self.get_detector(detector_id)
        self.detectors.pop(detector_id)

    _install(GuardDutyBackend, delete_detector)


def guardduty_update_detector():
    """GuardDuty UpdateDetector: change only the features named.

    AWS: Features "provides the features that will be updated for the detector"; a feature
    not named keeps its status. Moto 5.2.5 replaces the detector's whole feature list with
    the request's, and never moves UpdatedAt.
    """
    from moto.guardduty.models import Detector

    if _installed(Detector, "update"):
        return
    original = Detector.update

    def update(self, enable, finding_publishing_frequency, data_sources, features):
        if features is not None:
            merged = {f.get("name"): f for f in self.features}
            for feature in features:
                merged[feature.get("name")] = {**merged.get(feature.get("name"), {}), **feature}
            features = list(merged.values())
        original(self, enable, finding_publishing_frequency, data_sources, features)
        from datetime import datetime

        self.updated_at = datetime.now()

    _install(Detector, update)


def _detector_of(response):
    arn = unquote(response.path.split("/tags/", 1)[1])
    backend = response.guardduty_backend
    prefix = f"arn:aws:guardduty:{backend.region_name}:{backend.account_id}:detector/"
    detector = backend.detectors.get(arn[len(prefix):]) if arn.startswith(prefix) else None
    if detector is None:
        raise _bad_request(f"The request is rejected because the resource {arn} was not found.")
    return detector


def guardduty_tag_resource():
    """GuardDuty TagResource, UntagResource and ListTagsForResource on a detector's ARN.

    AWS keeps a detector's tags (given at CreateDetector and answered by GetDetector) under
    these three operations, BadRequestException for a resource that does not exist. Moto
    5.2.5 has none of them (HTTP 404).
    """
    from moto.guardduty import urls
    from moto.guardduty.responses import GuardDutyResponse

    if _installed(GuardDutyResponse, "tag_resource"):
        return

    def tag_resource(self):
        _detector_of(self).tags.update(json.loads(self.body or "{}").get("tags") or {})
        return "{}"

    def untag_resource(self):
        detector = _detector_of(self)
        for key in self.querystring.get("tagKeys", []):
            detector.tags.pop(key, None)
        return "{}"

    def list_tags_for_resource(self):
        return json.dumps({"tags": dict(_detector_of(self).tags)})

    for function in (tag_resource, untag_resource, list_tags_for_resource):
        _install(GuardDutyResponse, function)
    urls.url_paths[TAGS_PATH] = GuardDutyResponse.dispatch


def guardduty_list_findings():
    """GuardDuty ListFindings: the detector's findings (moto 5.2.5: HTTP 404).

    AWS lists the ids of the findings matching FindingCriteria, BadRequestException for a
    detector the account does not own. The emulator observes no traffic and makes no finding,
    so the list is empty, as for a quiet account.
    """
    from moto.guardduty import urls
    from moto.guardduty.responses import GuardDutyResponse

    if _installed(GuardDutyResponse, "list_findings"):
        return

    def list_findings(self):
        self.guardduty_backend.get_detector(self.path.split("/")[-2])
        return json.dumps({"findingIds": []})

    _install(GuardDutyResponse, list_findings)
    urls.url_paths[FINDINGS_PATH] = GuardDutyResponse.dispatch


GUARDDUTY_ADDITIONS = [guardduty_create_detector, guardduty_delete_detector, guardduty_update_detector,
                       guardduty_tag_resource, guardduty_list_findings]
