# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Token expiry and revoked credentials (password authentication, no AK/SK).

* Tokens are cached across tasks: after the first task of each scope no task asks IAM again.
* Mid-playbook every token expires and the lifetime drops to a few seconds: each 401 is followed by exactly one
  token request and the replayed call succeeds; the play completes.
* A revoked password fails fast: one clear error, one token request, no retry storm.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

import pytest

STACK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "playbooks", "files", "stack.yaml")
SHORT_LIFETIME = 3


def _is_token_request(entry):
    return entry["service"] == "iam" and entry["method"] == "POST" and entry["path"].endswith("/auth/tokens")


def _mark_task(name):
    return {"name": name, "ansible.builtin.uri": {"url": "{{ emulator_base }}/_emulator/requests?since=1000000000",
                                                  "return_content": True}}


def _play(tasks):
    return {"name": "Tokens", "hosts": "localhost", "gather_facts": False,
            "module_defaults": {"group/fleetops.cloud.cloud": "{{ fleetops_auth }}"}, "tasks": tasks}


@pytest.fixture
def token_emulator(emulators):
    return emulators("emu", "--speed", "20", "--seed", "3")


def _token_window_checks(after):
    """Every service 401 in ``after`` is followed by exactly one (successful) token request and the same call,
    which then succeeds. Returns the indexes of the 401s."""
    unauthorized = [i for i, e in enumerate(after) if e["status"] == 401 and e["service"] != "iam"]
    for index in unauthorized:
        entry = after[index]
        follow = after[index + 1:index + 3]
        assert len(follow) == 2 and _is_token_request(follow[0]) and follow[0]["status"] == 201, (entry, follow)
        assert (follow[1]["method"], follow[1]["path"]) == (entry["method"], entry["path"]), (entry, follow)
        assert follow[1]["status"] != 401, (entry, follow)
    return unauthorized


def _run_token_play(rel, emu, workdir, name, middle):
    tasks = [
        {"name": "ucs first", "fleetops.cloud.ucs_policy_info": {}},
        {"name": "ucs cached", "fleetops.cloud.ucs_fleet": {"name": "tok-fleet", "description": "tokens"}},
        {"name": "heat first", "fleetops.cloud.stack_info": {}},
        {"name": "heat cached", "fleetops.cloud.stack_info": {"name": "none-such"}},
        _mark_task("mark expiry"),
    ] + middle + [
        {"name": "ucs after expiry", "fleetops.cloud.ucs_fleet_info": {"name": "tok-fleet"}},
        {"name": "heat after expiry", "fleetops.cloud.stack_info": {}},
        {"name": "federation", "fleetops.cloud.ucs_fleet_federation": {"fleet": "tok-fleet", "wait_timeout": 120}},
        {"name": "stack", "fleetops.cloud.stack": {"name": "tok-stack", "template": STACK, "wait_timeout": 120}},
    ]
    path = rel.write_playbook(workdir, name, [_play(tasks)])
    run = rel.run_playbook(path, workdir, {"fleetops_auth": emu.auth(aksk=False), "emulator_base": emu.base})
    assert run.rc == 0, run.explain()
    assert not run.failures(), run.explain()
    log = emu.requests_since(0)
    results = dict((task, result) for dummy_play, task, dummy_host, result in run.host_results())
    mark = results["mark expiry"]["json"]["next"]
    before, after = [e for e in log if e["seq"] <= mark], [e for e in log if e["seq"] > mark]
    # before the expiry: one token per scope (domain for UCS, project for Heat), reused by the next tasks
    assert sum(1 for e in before if _is_token_request(e)) == 2, [e for e in before if _is_token_request(e)]
    assert not [e for e in before if e["status"] == 401]
    assert results["federation"]["changed"] is True
    assert results["stack"]["stack"]["status"] == "CREATE_COMPLETE"
    return run, after


def test_expired_tokens_refreshed_once(rel, token_emulator, workdir):
    """Every cached token is revoked by expiry mid-playbook: the first call of each later task gets a 401, asks
    IAM once, and the task goes on; the new token is cached again for the tasks after it."""
    emu = token_emulator
    run, after = _run_token_play(rel, emu, workdir, "expire.yml",
                                 [rel.hook_task("expire every token", "tokens/expire", method="POST")])
    unauthorized = _token_window_checks(after)
    token_requests = [e for e in after if _is_token_request(e)]
    # one 401 for the first task of each scope (UCS, then Heat); every later task reuses the new tokens
    assert len(unauthorized) == 2, [after[i] for i in unauthorized]
    assert len(token_requests) == 2, token_requests
    rel.record_figure("tokens.expired", {"unauthorized": len(unauthorized), "token_requests": len(token_requests),
                                         "requests_after_expiry": len(after), "seconds": round(run.duration, 1)})


def _short_lifetime(rel):
    """One run: the lifetime drops to a few seconds (real time) mid-playbook and every token expires."""
    workdir = rel.scratch_dir("short-lifetime")
    emu = rel.Emulator(os.path.join(workdir, "emu"), ["--speed", "20", "--seed", "3"])
    try:
        middle = [rel.hook_task("short lifetime, real time", "config", body={"token_lifetime": SHORT_LIFETIME, "speed": 1}),
                  rel.hook_task("expire every token", "tokens/expire", method="POST")]
        run, after = _run_token_play(rel, emu, workdir, "short.yml", middle)
    finally:
        emu.stop()
    token_requests = [e for e in after if _is_token_request(e)]
    service_calls = [e for e in after if e["service"] != "iam"]
    unauthorized = [e for e in service_calls if e["status"] == 401]
    rel.record_figure("tokens.short_lifetime", {"lifetime_s": SHORT_LIFETIME, "unauthorized": len(unauthorized),
                                                "token_requests": len(token_requests), "service_calls": len(service_calls),
                                                "seconds": round(run.duration, 1)})
    return after, token_requests, unauthorized


def prefetch(dummy_config, rel):
    """Started when the session starts (see conftest): the run overlaps the other tests."""
    rel.start_job("short_lifetime", lambda: _short_lifetime(rel))


@pytest.fixture(scope="module")
def short_lifetime(rel):
    prefetch(None, rel)
    return rel.job("short_lifetime").result()


def test_short_lifetime_play_completes(short_lifetime):
    """Lifetime of a few seconds from mid-playbook (the waits outlast it): the play completed (checked in the
    fixture), every 401 got exactly one refresh and the replayed call succeeded."""
    after, token_requests, dummy = short_lifetime
    _token_window_checks(after)
    assert token_requests


def test_short_lifetime_no_token_storm(short_lifetime):
    """Four tasks, two scopes: at most one token per task and scope plus one per 401 (measured: about one per call)."""
    dummy, token_requests, unauthorized = short_lifetime
    assert len(token_requests) <= 4 + len(unauthorized), len(token_requests)


@pytest.mark.parametrize("cached", [True, False], ids=["cached-token", "empty-cache"])
def test_revoked_password_fails_fast(rel, token_emulator, workdir, cached):
    emu = token_emulator
    auth = emu.auth(aksk=False)
    tasks = []
    if cached:
        tasks.append({"name": "warm the cache", "fleetops.cloud.ucs_policy_info": {}})
    tasks += [
        rel.hook_task("revoke the password", "config", body={"password": "rotated-Pw-4471"}),
        rel.hook_task("expire every token", "tokens/expire", method="POST"),
        _mark_task("mark"),
        {"name": "with the old password", "fleetops.cloud.ucs_fleet": {"name": "revoked-fleet"},
         "ignore_errors": True},
        _mark_task("mark after"),
    ]
    path = rel.write_playbook(workdir, "revoked.yml", [_play(tasks)])
    run = rel.run_playbook(path, workdir, {"fleetops_auth": auth, "emulator_base": emu.base})
    assert run.rc == 0, run.explain()
    results = dict((task, result) for dummy_play, task, dummy_host, result in run.host_results())
    result = results["with the old password"]
    start, end = results["mark"]["json"]["next"], results["mark after"]["json"]["next"]
    window = [e for e in emu.requests_since(0) if start < e["seq"] <= end]
    assert result.get("failed") is True, result
    msg = result["msg"]
    assert "401" in msg and "rejected" in msg and "password" in msg, msg
    assert auth["password"] not in msg
    token_requests = [e for e in window if _is_token_request(e)]
    assert len(token_requests) == 1, window
    assert token_requests[0]["status"] == 401
    # cached: the old token's 401, then one token request; empty cache: the token request only
    assert len(window) == (2 if cached else 1), window
    assert not [e for e in window if e["write"]]
    assert "revoked-fleet" not in str(emu.state().get("ucs", {}).get("fleets"))
    rel.record_figure("tokens.revoked.%s" % ("cached" if cached else "empty"),
                      {"requests": len(window), "token_requests": len(token_requests), "msg": msg[:200]})
