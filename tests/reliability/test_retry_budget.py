# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A fault that outlasts the retry budget fails the task - never a silent success - with a message that says
what is known about the write: not done (no write reached the API, or the API refused it) or unknown (the write
may have been applied; the module looked the resource up)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re

import pytest

PLAYBOOK_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "playbooks", "files")
STACK = os.path.join(PLAYBOOK_DIR, "stack.yaml")

UNKNOWN_RE = re.compile(r"may not have (happened|been applied)|may or may not have been applied|outcome (is )?unknown"
                        r"|may have been applied|unknown whether", re.I)
NOT_DONE_RE = re.compile(r"nothing (was|has been) (changed|written|applied|created)|no change (was|has been) made"
                         r"|(was|were|has not been|have not been) not (applied|sent|made|written)|not (been )?applied"
                         r"|no write", re.I)

POOL = {"name": "budget-pool", "type": "cromwell", "bucket_name": "budget-bucket",
        "cromwell": {"database_url": "jdbc:mysql://192.0.2.9:3306/c", "database_username": "c",
                     "database_password": "Budget-Db-Pw-31"}}

# (case id, fault spec, module, args, setup module args or None, expected outcome)
CASES = [
    ("ucs-all-503", "rate=1,kinds=503,services=ucs", "fleetops.cloud.ucs_fleet", {"name": "budget-fleet-a"}, None,
     "not_done"),
    ("ucs-post-429", "rate=1,kinds=429,services=ucs,methods=POST", "fleetops.cloud.ucs_fleet",
     {"name": "budget-fleet-b"}, None, "not_done"),
    ("ucs-post-503", "rate=1,kinds=503,services=ucs,methods=POST", "fleetops.cloud.ucs_fleet",
     {"name": "budget-fleet-c"}, None, "unknown"),
    ("ucs-put-503", "rate=1,kinds=503,services=ucs,methods=PUT", "fleetops.cloud.ucs_fleet",
     {"name": "budget-fleet-d", "description": "changed"}, {"name": "budget-fleet-d", "description": "first"}, "unknown"),
    ("bce-post-reset", "rate=1,kinds=reset,services=bce,methods=POST", "fleetops.cloud.bce_pool", POOL, None, "unknown"),
    ("heat-create-502", "rate=1,kinds=502,services=heat,methods=POST,paths=/v1/{project_id}/stacks",
     "fleetops.cloud.stack", {"name": "budget-stack", "template": STACK}, None, "unknown"),
]
# Cases pinned to a known defect as strict xfail: {case id: reason}. None open.
EXPECTED_FAIL = {}


def _mark_task(name):
    return {"name": name, "ansible.builtin.uri": {"url": "{{ emulator_base }}/_emulator/requests?since=1000000000",
                                                  "return_content": True}}


def _budget_run(rel):
    workdir = rel.scratch_dir("budget")
    emu = rel.Emulator(os.path.join(workdir, "emu"), ["--speed", "50", "--seed", "7"])
    try:
        tasks = []
        for case, spec, module, args, setup, dummy in CASES:
            spec = spec.replace("{project_id}", emu.info["project_id"])
            if setup:
                tasks.append({"name": "%s setup" % case, module: setup})
            tasks.append(_mark_task("%s before" % case))
            tasks.append(rel.hook_task("%s faults" % case, "faults", body={"spec": spec}))
            tasks.append({"name": "%s run" % case, module: args, "ignore_errors": True})
            tasks.append(rel.hook_task("%s faults off" % case, "faults", body={"spec": "off"}))
            tasks.append(_mark_task("%s after" % case))
        play = {"name": "Retry budget", "hosts": "localhost", "gather_facts": False,
                "module_defaults": {"group/fleetops.cloud.cloud": "{{ fleetops_auth }}"}, "tasks": tasks}
        path = rel.write_playbook(workdir, "budget.yml", [play])
        auth = emu.auth(max_retries=2)
        run = rel.run_playbook(path, workdir, {"fleetops_auth": auth, "emulator_base": emu.base})
        return run, emu.requests_since(0), emu.state()
    finally:
        emu.stop()


def prefetch(dummy_config, rel):
    """Started when the session starts (see conftest): the run overlaps the other tests."""
    rel.start_job("budget", lambda: _budget_run(rel))


@pytest.fixture(scope="module")
def budget_run(rel):
    prefetch(None, rel)
    return rel.job("budget").result()


def _case_params():
    params = []
    for row in CASES:
        marks = [pytest.mark.xfail(strict=True, reason=EXPECTED_FAIL[row[0]])] if row[0] in EXPECTED_FAIL else []
        params.append(pytest.param(row, id=row[0], marks=marks))
    return params


def test_budget_playbook_ran(budget_run):
    run = budget_run[0]
    assert run.rc == 0, run.explain()
    assert len([r for r in run.host_results() if r[1].endswith(" run")]) == len(CASES)


@pytest.mark.parametrize("case", _case_params())
def test_exhausted_retries_fail_clearly(rel, budget_run, case):
    run, log, state = budget_run
    name, dummy_spec, dummy_module, args, dummy_setup, outcome = case
    results = dict((task, result) for dummy_play, task, dummy_host, result in run.host_results())
    result = results["%s run" % name]
    before = results["%s before" % name]["json"]["next"]
    after = results["%s after" % name]["json"]["next"]
    window = [e for e in log if before < e["seq"] <= after]
    faulted = [e for e in window if e.get("fault")]
    assert faulted, "no fault was injected in case %s" % name
    assert result.get("failed") is True, "silent success under a permanent fault: %s" % result
    msg = result.get("msg") or ""
    rel.record_figure("budget.%s" % name, {"requests": len(window), "faulted": len(faulted),
                                           "writes_sent": sum(1 for e in window if e["write"]), "msg": msg[:300]})
    applied = [e for e in window if e["write"] and e.get("status") and 200 <= e["status"] < 300]
    assert not applied, "a write was applied although the task failed: %s" % applied
    if outcome == "unknown":
        assert UNKNOWN_RE.search(msg), "the message does not say that the write may have happened: %r" % msg
    else:
        assert NOT_DONE_RE.search(msg), "the message does not say that nothing was changed: %r" % msg
    # the name of the resource or the request is in the message: the user knows what failed
    assert args["name"] in msg or "http" in msg.lower(), msg
