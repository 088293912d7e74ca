# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The demo playbook, which imports the three role playbooks (fleet_setup, cluster_registration,
stack_deployment) and adds a BCE pool and a WDL run, under injected faults, as a user runs it: the demo
inventory, the documented HW_* environment, and no retries/until anywhere in the playbooks.

* 20 % transient faults (429, 500, 502, 503, 504, resets, latency) + 5 % lost write answers: the share of runs
  that complete at once is measured (issue 15: >= 95 %, asserted with --full); a run that does not complete is
  re-run (up to 3 times) and must converge;
* 50 % transient faults (--full): every run converges within 3 re-runs;
* always: 0 duplicates, and 0 unreported failures (a run that reports success must have left the state of a
  fault-free run). The step that failed in a run that did not complete is recorded by module and task. The goals
  (convergence, >= 95 %) are asserted at full size (``make reliability``) and measured in the fast subset.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import threading

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEMO = os.path.join(ROOT, "playbooks", "demo.yml")
INVENTORY = os.path.join(ROOT, "playbooks", "inventories", "demo", "hosts.yml")
KINDS = "429+500+502+503+504+reset+latency"
SPEC_20 = "rate=0.2,kinds=%s,lost=0.05,latency=0.3,retry_after=1" % KINDS
SPEC_50 = "rate=0.5,kinds=%s,lost=0.05,latency=0.3,retry_after=1" % KINDS
RERUNS = 3
COMPLETION_GOAL = 0.95
# (fault spec, seeds) per size
FAST = [("20", SPEC_20, (201,))]
FULL = [("20", SPEC_20, tuple(range(201, 207))), ("50", SPEC_50, (301, 302))]
PARALLEL = 2
# FLEETOPS_DEMO_SEEDS=201,202,...: measure the 20 % case at these seeds instead (FLEETOPS_DEMO_SEEDS_50 likewise for
# the 50 % case, empty by default), to reproduce or measure a step without the whole --full campaign.
SEEDS_ENV = "FLEETOPS_DEMO_SEEDS"


def _seeds_from_env(name):
    return tuple(int(seed) for seed in os.environ.get(name, "").split(",") if seed.strip())


def _sizes(full):
    """(label, spec, seeds) of the faulted runs: FULL or FAST, or the seeds chosen through the environment."""
    chosen = [(label, spec, _seeds_from_env(var)) for label, spec, var in
              (("20", SPEC_20, SEEDS_ENV), ("50", SPEC_50, SEEDS_ENV + "_50"))]
    chosen = [size for size in chosen if size[2]]
    return chosen or (FULL if full else FAST)


def _inner_errors(result):
    """The per-item messages of a list-mode result (``clusters[].error`` and the like)."""
    found = []
    for value in result.values():
        if isinstance(value, list):
            for item in value:
                if isinstance(item, dict) and (item.get("error") or item.get("failed")):
                    error = item.get("error")
                    text = error.get("msg") or error.get("message") if isinstance(error, dict) else error
                    found.append("%s: %s" % (item.get("name") or item.get("cluster") or "?", text or item.get("msg")))
    return found


def _failed_step(run):
    failures = run.failures()
    if failures:
        play, task, host, result = failures[0]
        action = result.get("action") or ""
        inner = _inner_errors(result)
        return "%s / %s (%s) / %s: %s%s" % (play, task, action, host, (result.get("msg") or "")[:300],
                                            (" [%s]" % "; ".join(str(i)[:300] for i in inner[:2])) if inner else "")
    if run.rc != 0:
        return "rc=%s: %s" % (run.rc, (run.stderr or run.stdout)[-300:])
    return None


def _demo(rel, name, spec, seed, reruns):
    """One demo against its own emulator; re-run while it does not complete. Returns a dict of figures."""
    workdir = rel.scratch_dir("demo-%s" % name)
    emu = rel.Emulator(os.path.join(workdir, "emu"), ["--speed", "50", "--seed", str(seed)])
    try:
        env = emu.env()
        env["FLEETOPS_DEMO_DIR"] = os.path.join(workdir, "files")
        env["ANSIBLE_PIPELINING"] = "true"
        if spec:
            emu.set_faults(spec)
        runs = []
        for dummy in range(reruns + 1):
            run = rel.run_playbook(DEMO, workdir, {}, inventory=INVENTORY, forks=10, env=env)
            runs.append(run)
            if run.rc == 0 and not run.failures():
                break
        emu.set_faults("off")
        state, log = emu.state(), emu.requests_since(0)
    finally:
        emu.stop()
    last = runs[-1]
    return {"seed": seed, "runs": len(runs), "completed_first_run": len(runs) == 1 and last.rc == 0 and not last.failures(),
            "converged": last.rc == 0 and not last.failures(), "task_retries": sum(r.task_retries() for r in runs),
            "failed_steps": [s for s in (_failed_step(r) for r in runs) if s],
            "requests": len(log), "faulted": sum(1 for e in log if e.get("fault")),
            "lost": sum(1 for e in log if e.get("fault") == "lost"),
            "seconds": round(sum(r.duration for r in runs), 1),
            "canon": rel.canonical_state(state), "duplicates": rel.duplicates(state)}


def _campaign(rel, full):
    """The fault-free baseline, then every faulted run, PARALLEL at a time."""
    out = {"baseline": None, "runs": {}, "errors": []}
    jobs = [("baseline", None, 1, 0)]
    for label, spec, seeds in _sizes(full):
        jobs.extend(("%s-%d" % (label, seed), spec, seed, RERUNS) for seed in seeds)
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                if not jobs:
                    return
                name, spec, seed, reruns = jobs.pop(0)
            try:
                value = _demo(rel, name, spec, seed, reruns)
            except Exception as exc:  # pylint: disable=broad-except
                with lock:
                    out["errors"].append("%s: %r" % (name, exc))
                continue
            with lock:
                if name == "baseline":
                    out["baseline"] = value
                else:
                    out["runs"][name] = value

    threads = [threading.Thread(target=worker) for dummy in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(3 * 3600)
    return out


def prefetch(config, rel):
    full = config.getoption("--full")
    rel.start_job("demo_faults", lambda: _campaign(rel, full))


@pytest.fixture(scope="module")
def campaign(rel, full):
    prefetch(type("Config", (), {"getoption": staticmethod(lambda name: full)}), rel)
    return rel.job("demo_faults").result(timeout=4 * 3600)


def test_demo_under_faults(rel, campaign, full):
    base = campaign["baseline"]
    problems, summary = [], {}
    for name, fig in sorted(campaign["runs"].items()):
        label = name.split("-")[0]
        group = summary.setdefault(label, {"runs": 0, "completed_first_run": 0, "converged_within_3_reruns": 0,
                                           "reruns": 0, "duplicates": 0, "unreported_failures": 0, "requests": 0,
                                           "faulted": 0, "lost": 0, "task_level_retries": 0, "failed_steps": {}})
        state_equal = bool(base) and fig["canon"] == base["canon"]
        unreported = fig["converged"] and not state_equal
        group["runs"] += 1
        group["completed_first_run"] += int(fig["completed_first_run"])
        group["converged_within_3_reruns"] += int(fig["converged"])
        group["reruns"] += fig["runs"] - 1
        group["duplicates"] += int(bool(fig["duplicates"]))
        group["unreported_failures"] += int(unreported)
        group["requests"] += fig["requests"]
        group["faulted"] += fig["faulted"]
        group["lost"] += fig["lost"]
        group["task_level_retries"] += fig["task_retries"]
        if fig["failed_steps"]:
            group["failed_steps"][name] = fig["failed_steps"]
        if fig["duplicates"]:
            problems.append("%s: duplicates %s" % (name, fig["duplicates"]))
        if unreported:
            diff = dict((k, {"faulted": fig["canon"][k], "baseline": base["canon"][k]})
                        for k in fig["canon"] if fig["canon"][k] != base["canon"][k])
            problems.append("%s: reported success over a wrong state: %s" % (name, json.dumps(diff)[:2000]))
        if not fig["converged"] and full:  # a goal: asserted at full size, measured always
            problems.append("%s: did not converge within %d re-runs: %s" % (name, RERUNS, fig["failed_steps"]))
        if fig["task_retries"]:
            problems.append("%s: a playbook task used retries/until (%d extra attempts)" % (name, fig["task_retries"]))
    # the figures first, so that a failed assertion below still leaves them
    rel.record_figure("demo_faults", dict(summary, baseline=base and {"requests": base["requests"],
                                                                      "seconds": base["seconds"],
                                                                      "failed_steps": base["failed_steps"]},
                                          specs={"20": SPEC_20, "50": SPEC_50}))
    assert not campaign["errors"], campaign["errors"]
    assert base and base["converged"] and base["runs"] == 1, base and base["failed_steps"]
    assert not base["duplicates"], base["duplicates"]
    assert not problems, "\n".join(problems)
    if full:
        group = summary["20"]
        assert group["completed_first_run"] >= COMPLETION_GOAL * group["runs"], group["failed_steps"]
