# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of ucs_fleet_federation: the returned view, failure messages and the federation state machine
(every reading the documents allow), with a scripted API and a fake clock."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import functools
import types

import pytest

from ansible_collections.fleetops.cloud.plugins.module_utils import base as base_mod
from ansible_collections.fleetops.cloud.plugins.module_utils import waiter
from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ApiError, OutcomeUnknownError
from ansible_collections.fleetops.cloud.plugins.module_utils.ucs import (
    UcsApi, UcsNotFoundError, normalize_fleet, normalize_job)
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


def test_view_takes_the_federation_from_the_fleet_not_from_the_job():
    plain = normalize_fleet({"metadata": {"name": "g", "uid": "id-g"}, "spec": {}})
    view = fed.federation_view(plain, job("Running", [("InstallFederationChart", "Running", None)]))
    assert view["enabled"] is False
    assert view["federation_id"] is None


def test_failure_message_names_the_sub_job_and_reason():
    failed = job("Failed", [("CreateCert", "Success", None), ("CreateNode", "Failed", "no capacity")])
    message = fed.failure_message("f", failed)
    assert "sub-job CreateNode failed: no capacity" in message
    assert "CreateCert" not in message
    assert "'f'" in message


def test_failure_message_without_failed_sub_job_uses_the_job_reason():
    message = fed.failure_message("f", job("Failed", [], reason="quota exceeded"))
    assert "job phase Failed: quota exceeded" in message


# ---------------------------------------------------------------------------------------------- state machine

FID = "6efb4a18-2fa4-11ee-ad1d-0255ac1001c4"
FED_OLD = "11111111-2fa4-11ee-ad1d-0255ac1001c4"
FED_NEW = "22222222-2fa4-11ee-ad1d-0255ac1001c4"


class Clock(object):
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


class Exited(Exception):
    def __init__(self, result):
        super(Exited, self).__init__("exit")
        self.result = result


class Failed(Exception):
    def __init__(self, result):
        super(Failed, self).__init__(result.get("msg"))
        self.result = result


def fleet_obj(federation_id=None, name="f"):
    spec = {"federationId": federation_id} if federation_id else {}
    return normalize_fleet({"metadata": {"name": name, "uid": FID}, "spec": spec})


def a_job(phase, uid=FED_NEW, subs=(), reason=None, completion=None):
    status = {"phase": phase}
    if reason:
        status["reason"] = reason
    if completion:
        status["completionTime"] = completion
    return normalize_job({"spec": {"type": "CreateFederationContainer", "federationUID": uid,
                                   "subJobs": [{"spec": {"type": t}, "status": {"phase": p}} for t, p in subs]},
                          "status": status})


class FakeApi(object):
    """Answers from functions of the fake clock; counts the calls."""

    def __init__(self, clock, fleet, job=None, enable_error=None, exists=True):
        self.clock = clock
        self.fleet = fleet          # function(t) -> fleet or None
        self.job = job or (lambda t: None)
        self.enable_error = enable_error
        self.exists = exists
        self.calls = []

    def resolve_fleet(self, name):
        self.calls.append("resolve")
        if not self.exists:
            raise UcsNotFoundError("fleet", [name])
        return self.fleet(self.clock.now)

    def get_fleet(self, fleet_id):
        self.calls.append("get_fleet")
        return self.fleet(self.clock.now)

    def get_federation_progress(self, fleet_id):
        self.calls.append("progress")
        return self.job(self.clock.now)

    def enable_federation(self, fleet_id, retry_join_all=None):
        self.calls.append("enable")
        if self.enable_error is not None:
            raise self.enable_error
        return "federation is being successfully provisioned"

    def disable_federation(self, fleet_id):
        self.calls.append("disable")
        return True

    def update_fleet_zones(self, fleet_id, dns, once=False):
        self.calls.append("zones")


@pytest.fixture
def clock(monkeypatch):
    clk = Clock()
    monkeypatch.setattr(base_mod, "wait_for", functools.partial(waiter.wait_for, sleep=clk.sleep, clock=clk))
    monkeypatch.setattr(fed, "time", types.SimpleNamespace(monotonic=clk))
    return clk


def run(api, check=False, **params):
    module = object.__new__(fed.FederationModule)

    def exit_json(**result):
        raise Exited(result)

    def fail_json(**result):
        raise Failed(result)

    module.module = types.SimpleNamespace(check_mode=check, _diff=False, no_log_values=set(), warn=lambda m: None,
                                          exit_json=exit_json, fail_json=fail_json)
    module.params = dict(dict(fleet="f", state="enabled", retry_join_all=None, dns_suffix=None, wait=True,
                              wait_timeout=600, progress_grace=30), **params)
    module._client = None
    module.wait_history = []
    module._added_secrets = []
    module._option_secrets = []
    module.api = api
    try:
        module.run()
    except Exited as done:
        return done.result
    raise AssertionError("the module neither exited nor failed")


def enabled_at(clock, t0=0.0):
    """A fleet that has its federation id from the moment of the enable call (t0) on."""
    return lambda t: fleet_obj(FED_NEW) if t >= t0 and clock.enabled else fleet_obj()


def test_progress_no_job_readings_are_none_in_the_facade():
    class Client(object):
        def __init__(self, exc):
            self.exc = exc

        def call(self, *args, **kwargs):
            raise self.exc
    for status, code in ((404, "UCS.01000013"), (400, "UCS.01080001"), (400, "UCS.00000003"), (400, "UCS.01080006")):
        assert UcsApi(Client(ApiError(status=status, code=code, message="x"))).get_federation_progress(FID) is None
    with pytest.raises(ApiError):
        UcsApi(Client(ApiError(status=500, code="UCS.00000001", message="x"))).get_federation_progress(FID)


def test_enable_waits_through_no_job_then_success(clock):
    state = {"enabled": False}
    api = FakeApi(clock, lambda t: fleet_obj(FED_NEW) if state["enabled"] else fleet_obj(),
                  job=lambda t: None if t < 2 else (a_job("Running") if t < 5 else a_job("Success")))
    original = api.enable_federation

    def enable(fleet_id, retry_join_all=None):
        state["enabled"] = True
        return original(fleet_id, retry_join_all)
    api.enable_federation = enable
    result = run(api)
    assert result["changed"] is True
    assert result["federation"]["enabled"] is True and result["federation"]["phase"] == "Success"
    statuses = [h["status"] for h in result["status_history"]]
    assert statuses[0] == "Waiting for the job" and statuses[-1] == "Success" and "Running" in statuses
    assert api.calls.count("enable") == 1


def test_already_federated_does_not_wait_and_reads_progress_once(clock):
    api = FakeApi(clock, lambda t: fleet_obj(FED_NEW), job=lambda t: a_job("Running"))
    result = run(api)
    assert result["changed"] is False
    assert api.calls == ["resolve", "progress"]
    assert clock.now == 0.0


def test_already_federated_with_no_job_served_is_federated(clock):
    api = FakeApi(clock, lambda t: fleet_obj(FED_NEW))
    result = run(api)
    assert result["changed"] is False and result["federation"]["enabled"] is True
    assert "enable" not in api.calls


def test_a_stale_job_is_not_taken_for_the_new_federation(clock):
    state = {"enabled": False}
    api = FakeApi(clock, lambda t: fleet_obj(FED_NEW) if state["enabled"] else fleet_obj(),
                  job=lambda t: a_job("Success", uid=FED_OLD) if t < 3 else a_job("Success", uid=FED_NEW))
    api.enable_federation = lambda fleet_id, retry_join_all=None: state.update(enabled=True)
    result = run(api)
    assert result["federation"]["federation_id"] == FED_NEW
    statuses = [h["status"] for h in result["status_history"]]
    assert statuses[0] == "Waiting for the job" and statuses[-1] == "Success"
    assert clock.now >= 3


def test_a_job_no_longer_served_after_success_ends_after_the_grace(clock):
    state = {"enabled": False}
    api = FakeApi(clock, lambda t: fleet_obj(FED_NEW) if state["enabled"] else fleet_obj())
    api.enable_federation = lambda fleet_id, retry_join_all=None: state.update(enabled=True)
    result = run(api, progress_grace=10)
    assert result["changed"] is True and result["federation"]["enabled"] is True
    assert 10 <= clock.now < 30


def test_no_federation_and_no_job_after_the_grace_is_a_failure(clock):
    api = FakeApi(clock, lambda t: fleet_obj())
    with pytest.raises(Failed) as failed:
        run(api, progress_grace=10)
    assert "no federation on the fleet and no federation job" in failed.value.result["msg"]
    assert clock.now < 30


@pytest.mark.parametrize("bad_job, words", [
    (a_job("Done", completion="2026-12-01 10:00:00 +0000 UTC"), "job phase Done"),
    (a_job("Running", subs=[("CreateNode", "Failed")]), "sub-job CreateNode failed"),
    (a_job("Running", reason="create cert error: quota"), "create cert error"),
    (a_job("Error"), "job phase Error"),
])
def test_terminal_failure_signals_end_the_wait(clock, bad_job, words):
    state = {"enabled": False}
    api = FakeApi(clock, lambda t: fleet_obj(FED_NEW) if state["enabled"] else fleet_obj(),
                  job=lambda t: bad_job)
    api.enable_federation = lambda fleet_id, retry_join_all=None: state.update(enabled=True)
    with pytest.raises(Failed) as failed:
        run(api)
    assert words in failed.value.result["msg"]
    assert clock.now < 5


def test_an_undocumented_phase_does_not_hang_for_the_whole_timeout(clock):
    state = {"enabled": False}
    api = FakeApi(clock, lambda t: fleet_obj(FED_NEW) if state["enabled"] else fleet_obj(),
                  job=lambda t: a_job("Provisioning"))
    api.enable_federation = lambda fleet_id, retry_join_all=None: state.update(enabled=True)
    with pytest.raises(Failed) as failed:
        run(api, wait_timeout=3600)
    assert "undocumented phase 'Provisioning'" in failed.value.result["msg"]
    assert clock.now < 3600


def test_a_lost_enable_answer_is_read_back_not_resent(clock):
    state = {"enabled": False}
    api = FakeApi(clock, lambda t: fleet_obj(FED_NEW) if state["enabled"] else fleet_obj(),
                  job=lambda t: a_job("Success"))

    def enable(fleet_id, retry_join_all=None):
        state["enabled"] = True
        api.calls.append("enable")
        raise OutcomeUnknownError(method="POST", url="/federations", reason="reset")
    api.enable_federation = enable
    result = run(api)
    assert result["changed"] is True and api.calls.count("enable") == 1


def test_disable_is_complete_when_the_federation_id_is_gone(clock):
    state = {"on": True}
    api = FakeApi(clock, lambda t: fleet_obj(FED_NEW) if state["on"] else fleet_obj(),
                  job=lambda t: a_job("Success"))  # progress still serves the old job
    api.disable_federation = lambda fleet_id: state.update(on=False) or True
    result = run(api, state="disabled")
    assert result["changed"] is True and result["federation"]["enabled"] is False
    assert "progress" not in api.calls


def test_disable_on_a_fleet_that_is_gone_changes_nothing(clock):
    api = FakeApi(clock, lambda t: None, exists=False)
    result = run(api, state="disabled")
    assert result["changed"] is False and result["federation"]["enabled"] is False


def test_disable_on_a_fleet_without_federation_ignores_a_served_job(clock):
    api = FakeApi(clock, lambda t: fleet_obj(), job=lambda t: a_job("Success", uid=FED_OLD))
    result = run(api, state="disabled")
    assert result["changed"] is False and "disable" not in api.calls and "progress" not in api.calls


def test_check_mode_with_a_predicted_fleet_predicts_the_federation(clock):
    api = FakeApi(clock, lambda t: None)
    result = run(api, check=True, fleet="(predicted) fleet f", dns_suffix=["a.example.com"])
    assert result["changed"] is True and result["federation"]["enabled"] is True
    assert api.calls == []


def test_a_dns_suffix_update_answered_500_that_applied_is_a_change_not_an_error(clock):
    zones = {"dns": []}

    def fleet(t):
        obj = fleet_obj(FED_NEW)
        obj["spec"]["dnsSuffix"] = list(zones["dns"])
        return obj

    api = FakeApi(clock, fleet, job=lambda t: a_job("Success"))

    def update(fleet_id, dns, once=False):
        assert once is True  # never re-sent blindly by the transport
        api.calls.append("zones")
        zones["dns"] = list(dns)
        raise ApiError(status=500, code="UCS.00000001", method="PUT", message="internal error")

    api.update_fleet_zones = update
    result = run(api, dns_suffix=["apps.example.com"])
    assert result["changed"] is True and api.calls.count("zones") == 1
