# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""FleetopsModule: spec merge, env fallbacks, error mapping, diff, check mode, secret scrubbing."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest


from ansible_collections.fleetops.cloud.plugins.module_utils.base import AUTH_ARGUMENT_SPEC, MAX_SENDS, FleetopsModule, scrub
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


# -- every secret of the run is scrubbed, even when the API echoes the request (issue 15 item 2) ----------------
import base64  # noqa: E402  (kept with the tests that need it)

from ansible_collections.fleetops.cloud.plugins.module_utils.base import kubeconfig_secrets  # noqa: E402
from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ApiError, OutcomeUnknownError  # noqa: E402

KEY_PEM = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkgSECRETKEYMATERIALxxxxxxxxxxxxxxxxxxxx\n-----END EC PRIVATE KEY-----\n"
KUBECONFIG = """apiVersion: v1
kind: Config
clusters:
- name: m
  cluster: {server: 'https://192.0.2.10:6443'}
users:
- name: admin
  user:
    token: kube-token-SECRET-3
    client-key-data: %s
    password: kube-password-SECRET-4
contexts:
- name: c
  context: {cluster: m, user: admin}
current-context: c
""" % base64.b64encode(KEY_PEM.encode()).decode()


def _echo(handler, record):
    """An API that answers every request with an error quoting the whole request (headers and body)."""
    echoed = {"headers": record["headers"], "body": record["body"].decode("utf-8", "replace")}
    return reply(400, {"error_code": "UCS.01000001", "error_msg": "bad request: %s" % json.dumps(echoed)})


class EchoModule(FleetopsModule):
    """Sends every secret it holds to an echoing API and lets the error end the task."""

    def __init__(self):
        super(EchoModule, self).__init__(argument_spec=dict(
            name=dict(type="str", required=True),
            kubeconfig=dict(type="str", no_log=True),
            api_key=dict(type="str", no_log=True),
            cromwell=dict(type="dict", options=dict(database_password=dict(type="str", no_log=True),
                                                    database_username=dict(type="str"))),
            minted=dict(type="str"),
        ))

    def run(self):
        import yaml
        if self.params["minted"]:
            self.add_secret(self.params["minted"])
        body = {"kubeconfig": yaml.safe_load(self.params["kubeconfig"]), "api_key": self.params["api_key"],
                "cromwell": self.params["cromwell"], "minted": self.params["minted"],
                "decoded_key": KEY_PEM}
        self.client.call("ucs", "POST", "/v1/clusters", json=body, create=True)


def _run_echo(args, capsys):
    with module_args(args):
        with pytest.raises(SystemExit) as info:
            EchoModule().execute()
    return info.value.code, capsys.readouterr().out


SECRETS = ["kube-token-SECRET-3", "kube-password-SECRET-4", "api-key-SECRET-5", "db-password-SECRET-6",
           "minted-SECRET-7", "SECRETKEYMATERIAL", base64.b64encode(KEY_PEM.encode()).decode()]


def test_echoed_request_leaks_no_secret(fake_cloud, capsys):
    fake_cloud.script("POST", "/ucs/v1/clusters", _echo)
    rc, out = _run_echo(dict(name="x", token="given-token-SECRET-8", kubeconfig=KUBECONFIG, api_key="api-key-SECRET-5",
                             cromwell=dict(database_password="db-password-SECRET-6", database_username="crom"),
                             minted="minted-SECRET-7",
                             endpoints=dict(ucs=fake_cloud.base + "/ucs", iam=fake_cloud.base + "/iam"), max_retries=0),
                        capsys)
    assert rc == 1
    assert "bad request" in out and "crom" in out  # the echo is there, the non-secret values too
    for secret in SECRETS + ["given-token-SECRET-8"]:
        assert secret not in out, secret


def test_issued_and_cached_tokens_are_scrubbed(fake_cloud, capsys, tmp_path):
    fake_cloud.script("POST", "/ucs/v1/clusters", _echo)
    args = dict(name="x", kubeconfig=KUBECONFIG, user_name=fake_cloud.user_name, password=fake_cloud.password,
                domain_name=fake_cloud.domain_name, token_cache_dir=str(tmp_path / "tokens"),
                endpoints=dict(ucs=fake_cloud.base + "/ucs", iam=fake_cloud.base + "/iam"), max_retries=0)
    for dummy in range(2):  # the first run issues the token, the second reads it from the cache
        rc, out = _run_echo(args, capsys)
        assert rc == 1 and "bad request" in out
        tokens = [r["headers"].get("X-Auth-Token") for r in fake_cloud.requests if r["path"] == "/ucs/v1/clusters"]
        assert tokens[-1] and tokens[-1] not in out
        assert fake_cloud.password not in out
    assert fake_cloud.count("POST", "/iam/v3/auth/tokens") == 1


def test_kubeconfig_secrets_yaml_json_and_dict():
    found = kubeconfig_secrets(KUBECONFIG)
    assert "kube-token-SECRET-3" in found and "kube-password-SECRET-4" in found
    assert any("SECRETKEYMATERIAL" in item for item in found)
    as_json = json.dumps({"users": [{"name": "u", "user": {"token": "json-token-SECRET"}}]})
    assert kubeconfig_secrets(as_json) == ["json-token-SECRET"]
    assert kubeconfig_secrets({"users": [{"user": {"exec": {"command": "aws", "env": [
        {"name": "AWS_SECRET", "value": "exec-env-SECRET"}]}}}]}) == ["exec-env-SECRET"]
    assert kubeconfig_secrets("not a kubeconfig") == []
    assert kubeconfig_secrets("users: [unclosed") == []


def test_kubeconfig_path_contents_are_scrubbed(fake_cloud, capsys, tmp_path):
    path = tmp_path / "member.kubeconfig"
    path.write_text(KUBECONFIG)

    class PathModule(FleetopsModule):
        def __init__(self):
            super(PathModule, self).__init__(argument_spec=dict(kubeconfig_path=dict(type="path")))

        def run(self):
            self.fail("the API said: token kube-token-SECRET-3 is wrong")

    with module_args(dict(kubeconfig_path=str(path), token="t-1")):
        with pytest.raises(SystemExit):
            PathModule().execute()
    assert "kube-token-SECRET-3" not in capsys.readouterr().out


# -- warnings ------------------------------------------------------------------------------------------------
def test_plain_http_and_validate_certs_false_warn(fake_cloud, capsys):
    fake_cloud.script("POST", "/ucs/v1/clustergroups", reply(201, {"uid": "g-1"}))
    rc, result = _run(dict(name="f1", token="t", validate_certs=False, endpoints=dict(ucs=fake_cloud.base + "/ucs")),
                      capsys)
    assert rc == 0
    text = json.dumps(result.get("warnings"))
    assert "plain http" in text and "validate_certs is false" in text


# -- confirmed_write (the lead's helper in base.py) ------------------------------------------------------------
class _Writes(object):
    def __init__(self, *outcomes):
        self.outcomes = list(outcomes)
        self.sent = 0

    def send(self):
        self.sent += 1
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


def _module():
    with module_args(dict(name="f1", token="t")):
        return DemoModule()


LOST = OutcomeUnknownError(method="POST", url="http://x/v1/clusters/c/join", reason="reset")


@pytest.mark.parametrize("error", [LOST, ApiError(status=504, method="PUT"), ApiError(status=500, method="PUT"),
                                   ApiError(status=None, code="ConnectionError", method="PUT")],
                         ids=["outcome-unknown", "504", "500", "connection"])
def test_confirmed_write_lost_answer_but_applied_is_success(error):
    writes = _Writes(error)
    assert _module().confirmed_write(writes.send, lambda: True) is None
    assert writes.sent == 1  # never re-sent once the effect is there


def test_confirmed_write_lost_and_not_applied_is_sent_once_more():
    writes = _Writes(LOST, "ok")
    assert _module().confirmed_write(writes.send, lambda: False) == "ok"
    assert writes.sent == 2


def test_confirmed_write_reads_back_after_every_lost_answer_up_to_max_sends():
    reads = []
    writes = _Writes(*([LOST] * MAX_SENDS + ["never"]))
    with pytest.raises(OutcomeUnknownError):
        _module().confirmed_write(writes.send, lambda: reads.append(1))
    assert writes.sent == MAX_SENDS and len(reads) == MAX_SENDS


def test_confirmed_write_found_applied_after_the_second_lost_answer():
    applied = iter([False, True])
    writes = _Writes(LOST, ApiError(status=502, method="PUT"), "never")
    assert _module().confirmed_write(writes.send, lambda: next(applied)) is None
    assert writes.sent == 2


def test_confirmed_write_that_mints_a_credential_is_never_resent():
    writes = _Writes(LOST, "second credential")
    with pytest.raises(OutcomeUnknownError):
        _module().confirmed_write(writes.send, lambda: False, resend=False)
    assert writes.sent == 1


def test_confirmed_write_refusal_from_an_earlier_attempt_that_applied():
    writes = _Writes(ApiError(status=409, code="UCS.01130002", method="POST"))
    assert _module().confirmed_write(writes.send, lambda: True) is None


def test_confirmed_write_refusal_not_applied_is_raised_unchanged():
    refusal = ApiError(status=400, code="UCS.01000001", method="POST")
    writes = _Writes(refusal, "never")
    with pytest.raises(ApiError) as info:
        _module().confirmed_write(writes.send, lambda: False)
    assert info.value is refusal and writes.sent == 1


def test_confirmed_write_read_back_failure_raises_the_write_error():
    def broken():
        raise ApiError(status=503, method="GET")

    with pytest.raises(OutcomeUnknownError):
        _module().confirmed_write(_Writes(LOST).send, broken)


def test_confirmed_write_success_does_not_read_back():
    reads = []
    assert _module().confirmed_write(_Writes("done").send, lambda: reads.append(1)) == "done"
    assert reads == []


# -- create_or_find ----------------------------------------------------------------------------------------------
def test_create_or_find_answer_kept():
    writes = _Writes("new-id")
    assert _module().create_or_find(writes.send, lambda: None) == ("new-id", None)
    assert writes.sent == 1


def test_create_or_find_lost_answer_but_created_is_found_not_resent():
    writes = _Writes(LOST, "never")
    assert _module().create_or_find(writes.send, lambda: {"name": "f1"}) == (None, {"name": "f1"})
    assert writes.sent == 1


def test_create_or_find_lost_and_absent_is_sent_once_more():
    writes = _Writes(LOST, "second-id")
    assert _module().create_or_find(writes.send, lambda: None) == ("second-id", None)
    assert writes.sent == 2


def test_create_or_find_gives_up_after_max_sends_lost_answers():
    writes = _Writes(*([LOST] * MAX_SENDS + ["never"]))
    finds = []
    with pytest.raises(OutcomeUnknownError):
        _module().create_or_find(writes.send, lambda: finds.append(1))
    assert writes.sent == MAX_SENDS and len(finds) == MAX_SENDS


@pytest.mark.parametrize("error", [ApiError(status=500, method="POST"), ApiError(status=502, method="POST"),
                                   ApiError(status=None, code="ConnectionError", method="POST")],
                         ids=["500", "502", "connection"])
def test_create_or_find_5xx_is_looked_up_then_sent_again(error):
    writes = _Writes(error, LOST, "third-id")
    assert _module().create_or_find(writes.send, lambda: None) == ("third-id", None)
    assert writes.sent == 3


def test_create_or_find_5xx_that_created_is_found():
    writes = _Writes(ApiError(status=500, method="POST"), "never")
    assert _module().create_or_find(writes.send, lambda: {"name": "f1"}) == (None, {"name": "f1"})
    assert writes.sent == 1


def test_create_or_find_read_back_failure_raises_the_create_error():
    def broken():
        raise ApiError(status=503, method="GET")

    with pytest.raises(OutcomeUnknownError):
        _module().create_or_find(_Writes(LOST).send, broken)


def test_create_or_find_second_refusal_means_the_first_went_through():
    found = []
    writes = _Writes(LOST, ApiError(status=400, code="UCS.01130002", method="POST"))

    def find():
        return found[-1] if found else None

    def send():
        try:
            return writes.send()
        finally:
            if writes.sent == 2:  # the first create did happen: its name shows up by the time of the refusal
                found.append({"name": "f1"})

    assert _module().create_or_find(send, find) == (None, {"name": "f1"})


def test_create_or_find_first_refusal_is_raised_unchanged():
    refusal = ApiError(status=400, code="UCS.01000001", method="POST")
    writes = _Writes(refusal)
    with pytest.raises(ApiError) as info:
        _module().create_or_find(writes.send, lambda: {"name": "f1"})
    assert info.value is refusal and writes.sent == 1
