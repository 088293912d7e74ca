# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""FleetopsModule: spec merge, env fallbacks, error mapping, diff, check mode, secret scrubbing."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest


from ansible_collections.fleetops.cloud.plugins.module_utils.base import AUTH_ARGUMENT_SPEC, FleetopsModule, scrub
from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ConfigurationError
from ansible_collections.fleetops.cloud.tests.unit.conftest import module_args, reply


class DemoModule(FleetopsModule):
    """A tiny module: reads a fleet by name and optionally creates it."""

    def __init__(self):
        super(DemoModule, self).__init__(
            argument_spec=dict(name=dict(type="str", required=True), description=dict(type="str"),
                               region=dict(type="str", default="module-default-region"),
                               behaviour=dict(type="str", default="create")),
            supports_check_mode=True)
        self.client_seen_at_init = self.client  # lazy: no I/O here

    def run(self):
        behaviour = self.params["behaviour"]
        if behaviour == "config":
            raise ConfigurationError("bad options for %s" % self.params["name"])
        if behaviour == "wait":
            self.wait(lambda: {"status": "x"}, lambda o: o["status"], ["y"], timeout=1)
        if behaviour == "waitfail":
            self.wait(lambda: {"status": "Failed"}, lambda o: o["status"], ["Available"], ["Failed"], timeout=1, delay=0)
        if behaviour == "echo":
            self.exit(changed=False, echo=self.params.get("password"), note="token %s" % self.params.get("token"))
        before = None
        after = {"name": self.params["name"], "description": self.params["description"]}
        if not self.check_mode:
            resp = self.client.call("ucs", "POST", "/v1/clustergroups", json={"metadata": {"name": self.params["name"]}},
                                    create=True)
            after["uid"] = resp.body["uid"]
        self.exit(changed=True, before=before, after=after, fleet=after)


def _run(args, capsys):
    with module_args(args):
        with pytest.raises(SystemExit) as info:
            DemoModule().execute()
    out = capsys.readouterr().out
    return info.value.code, json.loads(out)


def _auth(cloud):
    return dict(token="given-token-XYZ", endpoints=dict(ucs=cloud.base + "/ucs", iam=cloud.base + "/iam"), max_retries=0)


def test_spec_merge_module_wins():
    assert DemoModule.__init__  # the module defines region with its own default
    with module_args(dict(name="f", token="t")):
        module = DemoModule()
    assert module.params["region"] == "module-default-region"
    assert module.params["validate_certs"] is True
    assert module.params["token_cache_dir"].endswith(".cache/fleetops/tokens")
    assert "region" in AUTH_ARGUMENT_SPEC and AUTH_ARGUMENT_SPEC["region"].get("default") is None


def test_env_fallbacks(monkeypatch):
    monkeypatch.setenv("HW_ACCESS_KEY", "AK-ENV")
    monkeypatch.setenv("HW_SECRET_KEY", "SK-ENV")
    monkeypatch.setenv("OS_AUTH_URL", "http://keystone.invalid/v3")
    monkeypatch.setenv("HW_VALIDATE_CERTS", "false")
    monkeypatch.setenv("HW_TOKEN_CACHE", "no")
    with module_args(dict(name="f")):
        module = DemoModule()
    assert module.params["access_key"] == "AK-ENV"
    assert module.params["secret_key"] == "SK-ENV"
    assert module.params["auth_url"] == "http://keystone.invalid/v3"
    assert module.params["validate_certs"] is False
    assert module.params["token_cache"] is False


def test_no_ansible_prefix_and_no_log():
    for name, spec in AUTH_ARGUMENT_SPEC.items():
        fallback = spec.get("fallback")
        if fallback:
            assert all(not env.startswith("ANSIBLE_") for env in fallback[1])
    for name in ("secret_key", "security_token", "password", "token"):
        assert AUTH_ARGUMENT_SPEC[name]["no_log"] is True


def test_create_with_diff(fake_cloud, capsys):
    fake_cloud.script("POST", "/ucs/v1/clustergroups", reply(201, {"uid": "g-1"}))
    rc, result = _run(dict(_auth(fake_cloud), name="f1", description="d", _ansible_diff=True), capsys)
    assert rc == 0
    assert result["changed"] is True
    assert result["fleet"] == {"name": "f1", "description": "d", "uid": "g-1"}
    assert result["diff"] == {"before": {}, "after": {"description": "d", "name": "f1", "uid": "g-1"}}
    assert fake_cloud.count("POST", "/ucs/v1/clustergroups") == 1


def test_no_diff_without_diff_mode_and_check_mode_makes_no_call(fake_cloud, capsys):
    rc, result = _run(dict(_auth(fake_cloud), name="f1", _ansible_check_mode=True), capsys)
    assert rc == 0 and result["changed"] is True and "diff" not in result
    assert fake_cloud.requests == []


def test_api_error_mapped(fake_cloud, capsys):
    fake_cloud.script("POST", "/ucs/v1/clustergroups",
                      reply(409, {"error_code": "UCS.01100004", "error_msg": "exists"}, {"X-Request-Id": "r-1"}))
    rc, result = _run(dict(_auth(fake_cloud), name="f1"), capsys)
    assert rc == 1 and result["failed"] is True
    assert result["error"]["code"] == "UCS.01100004" and result["error"]["status"] == 409
    assert result["error"]["request_id"] == "r-1"
    assert "UCS.01100004" in result["msg"] and "already taken" in result["msg"]


def test_outcome_unknown_mapped(fake_cloud, capsys):
    fake_cloud.script("POST", "/ucs/v1/clustergroups", reply(502, "bad gateway"))
    rc, result = _run(dict(_auth(fake_cloud), name="f1"), capsys)
    assert rc == 1
    assert "may or may not" in result["msg"]
    assert result["error"]["status"] is None


def test_configuration_error_mapped(capsys):
    rc, result = _run(dict(name="f1", token="tok-config-1", behaviour="config"), capsys)
    assert rc == 1 and result["msg"] == "bad options for f1"


def test_incomplete_credentials_mapped(fake_cloud, capsys):
    rc, result = _run(dict(name="f1", access_key="AK", endpoints=dict(ucs=fake_cloud.base + "/ucs")), capsys)
    assert rc == 1 and "secret_key is missing" in result["msg"]
    assert fake_cloud.requests == []


def test_wait_refused_in_check_mode(capsys):
    rc, result = _run(dict(name="f1", token="t", behaviour="wait", _ansible_check_mode=True), capsys)
    assert rc == 1 and "check mode" in result["msg"]


def test_wait_timeout_and_failure_mapped(capsys):
    rc, result = _run(dict(name="f1", token="t", behaviour="waitfail"), capsys)
    assert rc == 1 and result["status"] == "Failed" and result["last"] == {"status": "Failed"}
    assert [h["status"] for h in result["status_history"]] == ["Failed"]


def test_secrets_scrubbed_from_results(capsys):
    rc, result = _run(dict(name="f1", token="tok-SECRET-1", password="pw-SECRET-2", user_name="u", domain_name="d",
                           behaviour="echo"), capsys)
    text = json.dumps(result)
    assert rc == 0
    assert "tok-SECRET-1" not in text and "pw-SECRET-2" not in text


def test_scrub_recursive():
    value = {"a": ["x secret-1 y", {"secret-1": "secret-22"}], "n": 3}
    assert scrub(value, ["secret-1", "secret-22", None]) == {"a": ["x ******** y", {"********": "********"}], "n": 3}
