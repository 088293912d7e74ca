# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the pure helpers of ucs_fleet_federation (returned view, failure message)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.fleetops.cloud.plugins.module_utils.ucs import normalize_fleet, normalize_job
from ansible_collections.fleetops.cloud.plugins.modules import ucs_fleet_federation as fed

FLEET = normalize_fleet({"metadata": {"name": "f", "uid": "id-f"},
                         "spec": {"federationId": "fed-1", "federationVersion": "v1.7.0", "dnsSuffix": ["a.example.com"]}})


def job(phase, sub_phases, reason=None):
    subs = [{"spec": {"type": t}, "status": {"phase": p, "reason": r}} for t, p, r in sub_phases]
    return normalize_job({"spec": {"type": "CreateFederationContainer", "federationUid": "fed-1", "subJobs": subs},
                          "status": {"phase": phase, "reason": reason}})


def test_view_of_a_successful_federation():
    view = fed.federation_view(FLEET, job("Success", [("CreateCert", "Success", None)]))
    assert view["enabled"] is True
    assert view["phase"] == "Success"
    assert view["federation_id"] == "fed-1"
    assert view["federation_version"] == "v1.7.0"
    assert view["dns_suffix"] == ["a.example.com"]
    assert view["sub_jobs"] == [{"type": "CreateCert", "phase": "Success", "reason": None, "start_time": None,
                                 "completion_time": None}]
    assert view["fleet"] == {"name": "f", "id": "id-f"}


def test_view_of_a_failed_or_absent_federation_is_not_enabled():
    failed = job("Failed", [("CreateNode", "Failed", "no capacity")], reason="sub job CreateNode failed")
    assert fed.federation_view(FLEET, failed)["enabled"] is False
    plain = normalize_fleet({"metadata": {"name": "g", "uid": "id-g"}, "spec": {}})
    view = fed.federation_view(plain, None)
    assert view["enabled"] is False and view["phase"] is None and view["sub_jobs"] == []


def test_view_of_a_running_job_without_federation_id_uses_the_job_uid():
    plain = normalize_fleet({"metadata": {"name": "g", "uid": "id-g"}, "spec": {}})
    view = fed.federation_view(plain, job("Running", [("InstallFederationChart", "Running", None)]))
    assert view["enabled"] is True
    assert view["federation_id"] == "fed-1"


def test_failure_message_names_the_sub_job_and_reason():
    failed = job("Failed", [("CreateCert", "Success", None), ("CreateNode", "Failed", "no capacity")])
    message = fed.failure_message("f", failed)
    assert "sub-job CreateNode failed: no capacity" in message
    assert "CreateCert" not in message
    assert "'f'" in message


def test_failure_message_without_failed_sub_job_uses_the_job_reason():
    message = fed.failure_message("f", job("Failed", [], reason="quota exceeded"))
    assert "job phase Failed: quota exceeded" in message
