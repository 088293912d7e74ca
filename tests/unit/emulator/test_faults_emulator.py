# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fault injection: each kind, lost responses, determinism, scoping."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time

import pytest
import requests

import faults


def set_faults(api, spec):
    resp = api.hook("PUT", "/faults", json={"spec": spec})
    assert resp.status_code == 200, resp.text
    assert api.hook("GET", "/faults").json() == {"spec": spec}


def fleet_names(api):
    return sorted(f["metadata"]["name"] for f in api.ucs("GET", "/v1/clustergroups").json()["items"])


@pytest.mark.parametrize("kind,code", [("500", "UCS.01000006"), ("502", "APIGW.0202"), ("503", "APIGW.0203")])
def test_status_faults(api, kind, code):
    api.token("domain")
    set_faults(api, "rate=1,kinds=%s" % kind)
    resp = api.ucs("GET", "/v1/clusters")
    assert resp.status_code == int(kind)
    assert resp.json()["error_code"] == code
    entry = api.requests_since(0)["requests"][-1]
    assert entry["fault"] == kind and entry["status"] == int(kind)


def test_429_has_retry_after_and_throttling_code(api):
    api.token("domain")
    set_faults(api, "rate=1,kinds=429,retry_after=2")
    resp = api.ucs("POST", "/v1/clustergroups", json={"metadata": {"name": "throttled"}})
    assert resp.status_code == 429
    assert resp.headers["Retry-After"] == "2"
    assert resp.json()["error_code"] == "UCS.01000002"
    set_faults(api, "")
    # a faulted write is not applied
    assert fleet_names(api) == []


def test_reset_closes_the_connection(api):
    api.token("domain")
    set_faults(api, "rate=1,kinds=reset")
    with pytest.raises(requests.exceptions.ConnectionError):
        api.ucs("GET", "/v1/clusters")
    set_faults(api, "")
    entry = api.requests_since(0)["requests"][-1]
    assert entry["fault"] == "reset" and entry["status"] is None


def test_latency_answers_normally_after_a_delay(api):
    api.token("domain")
    set_faults(api, "rate=1,kinds=latency,latency=0.4")
    started = time.monotonic()
    resp = api.ucs("GET", "/v1/clusters")
    assert time.monotonic() - started >= 0.4
    assert resp.status_code == 200
    assert api.requests_since(0)["requests"][-1]["fault"] == "latency"


def test_lost_response_applies_the_write(api):
    api.token("domain")
    set_faults(api, "lost=1")
    with pytest.raises(requests.exceptions.ConnectionError):
        api.ucs("POST", "/v1/clustergroups", json={"metadata": {"name": "applied-anyway"}})
    # reads are never "lost"
    assert fleet_names(api) == ["applied-anyway"]
    log = api.requests_since(0)["requests"]
    lost = [r for r in log if r["fault"] == "lost"]
    assert len(lost) == 1 and lost[0]["status"] == 201 and lost[0]["write"] is True


def test_hooks_and_token_issuing_are_not_faulted_by_default(api):
    set_faults(api, "rate=1,kinds=500")
    assert api.hook("GET", "/state").status_code == 200
    assert api.session.post(api.info["iam"] + "/auth/tokens", json=api.token_body("domain"), timeout=5).status_code == 201
    set_faults(api, "rate=1,kinds=500,services=iam")
    assert api.session.post(api.info["iam"] + "/auth/tokens", json=api.token_body("domain"), timeout=5).status_code == 500


def test_filters_and_limit(api):
    api.token("domain")
    set_faults(api, "rate=1,kinds=503,methods=POST,paths=/v1/permissions,limit=1")
    assert api.ucs("GET", "/v1/permissions/rules").status_code == 200
    assert api.ucs("POST", "/v1/clustergroups", json={"metadata": {"name": "not-faulted"}}).status_code == 201
    body = {"metadata": {"name": "rule-a"}, "spec": {"type": "admin"}}
    assert api.ucs("POST", "/v1/permissions/rules", json=body).status_code == 503
    assert api.ucs("POST", "/v1/permissions/rules", json=body).status_code == 201


def test_rate_is_a_fraction_and_bad_specs_are_refused(api):
    api.token("domain")
    set_faults(api, "rate=0.5,kinds=500")
    statuses = [api.ucs("GET", "/v1/clusters").status_code for dummy in range(40)]
    assert 5 <= statuses.count(500) <= 35
    assert set(statuses) == {200, 500}
    for spec in ("rate=1.5", "kinds=404", "bogus=1", "rate", "services=dns", "latency=-1"):
        resp = api.hook("PUT", "/faults", json={"spec": spec})
        assert resp.status_code == 400, spec
    assert api.hook("GET", "/faults").json() == {"spec": "rate=0.5,kinds=500"}


def test_same_seed_same_faults(start_emulator):
    runs = []
    for dummy in range(2):
        proc = start_emulator("--port", "0", "--seed", "42", "--faults", "rate=0.3,kinds=429+500+502+503")
        api = proc.api()
        api.token("domain")
        runs.append([api.ucs("GET", "/v1/clusters").status_code for dummy2 in range(30)])
        proc.stop()
    assert runs[0] == runs[1]
    assert set(runs[0]) - {200}


def test_parse_spec_defaults():
    conf = faults.parse_spec("")
    assert conf["rate"] == 0 and conf["lost"] == 0
    assert conf["services"] == ["ucs", "bce", "heat"]
    conf = faults.parse_spec("rate=0.2,kinds=429+reset,lost=0.05,latency=0.3,retry_after=1,services=ucs+bce+heat")
    assert conf["kinds"] == ["429", "reset"] and conf["lost"] == 0.05 and conf["retry_after"] == 1.0
    injector = faults.FaultInjector("lost=1", seed=1)
    assert injector.decide("ucs", "GET", "/v1/clusters", False) is None
    assert injector.decide("ucs", "POST", "/v1/clusters", True).kind == "lost"
    assert injector.decide("iam", "POST", "/v3/auth/tokens", False) is None


def test_504_without_forwarding_applies_nothing(api):
    api.token("domain")
    set_faults(api, "rate=1,kinds=504")
    resp = api.ucs("POST", "/v1/clustergroups", json={"metadata": {"name": "never-forwarded"}})
    assert resp.status_code == 504 and resp.json()["error_code"] == "APIGW.0204"
    set_faults(api, "")
    assert fleet_names(api) == []


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_after_the_backend_applied_the_request(api, status):
    """What real gateways do too: the backend applied the write, the client still gets a 5xx."""
    api.token("domain")
    set_faults(api, "rate=1,kinds=applied%d" % status)
    resp = api.ucs("POST", "/v1/clustergroups", json={"metadata": {"name": "applied-%d" % status}})
    assert resp.status_code == status
    set_faults(api, "")
    assert fleet_names(api) == ["applied-%d" % status]
    entry = [r for r in api.requests_since(0)["requests"] if r["method"] == "POST"][-1]
    # the log keeps what the backend answered (a 2xx: applied) and names the fault
    assert entry["fault"] == "applied%d" % status and 200 <= entry["status"] < 300


def test_default_kinds_are_never_applied():
    assert set(faults.parse_spec("rate=0.5")["kinds"]) == set(("429", "500", "502", "503", "reset", "latency"))


def test_echo_quotes_the_whole_request(api):
    token = api.token("domain")
    set_faults(api, "rate=1,kinds=echo")
    resp = api.ucs("POST", "/v1/clustergroups", json={"metadata": {"name": "echo-me"}})
    set_faults(api, "")
    assert resp.status_code == 400
    message = resp.json()["error_msg"]
    assert "echo-me" in message and token in message
    assert fleet_names(api) == []
