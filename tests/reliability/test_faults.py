# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Injected faults: the scenario (fleet setup, 10 cluster registrations, a stack, a WDL run) under 20 % faulted
responses and 5 % lost write responses, WITHOUT any task-level retries. A run that does not complete is re-run (up
to 3 times, faults still on) and must converge; every run that reports success must have left the same state as a
fault-free run (an "unreported failure" otherwise); no duplicate, no write repeated after a definite success."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import collections
import json
import os
import threading

import pytest

CLUSTERS = 10
FAULT_SPEC = "rate=0.2,kinds=429+500+502+503+504+reset+latency,lost=0.05,latency=0.3,retry_after=1"
# Re-runs of a playbook that did not complete (issue 15: converge within 3 re-runs).
RERUNS = 3
# The share of first runs that must complete in --full (issue 15: >= 95 %).
COMPLETION_GOAL = 0.95
CROMWELL_PASSWORD = "Rel-Cromwell-Pw-8812"
# POSTs that create something: applied (even with a lost response) at most as often as in the fault-free run.
CREATE_SUFFIXES = ("/clusters", "/clustergroups", "/rules", "/stacks", "/executions-extend", "/federations", "/connection")


def first_failure(run):
    """``"play / task / host: message"`` of the first failed task of a run (which module / step failed)."""
    failures = run.failures()
    if not failures:
        return None if run.rc == 0 else "rc=%s without a failed task: %s" % (run.rc, run.stderr[-300:])
    play, task, host, result = failures[0]
    inner = [item.get("error") for value in result.values() if isinstance(value, list)
             for item in value if isinstance(item, dict) and item.get("error")]
    return "%s / %s (%s) / %s: %s%s" % (play, task, result.get("action") or "", host, (result.get("msg") or "")[:300],
                                        " [%s]" % str(inner[0])[:300] if inner else "")


def run_scenario(rel, emu, workdir, reruns=0):
    """Run playbooks/scenario.yml against ``emu``, and again (up to ``reruns`` times) while it does not complete.

    Returns (runs, state dump, request log)."""
    os.makedirs(os.path.join(workdir, "files"), exist_ok=True)
    hosts = dict(("rel-c%02d" % i, {}) for i in range(1, CLUSTERS + 1))
    inventory = {"all": {"hosts": {"localhost": {}}, "children": {"rel_clusters": {"hosts": hosts}}}}
    extra = {"fleetops_auth": emu.auth(), "emulator_base": emu.base, "rel_workdir": os.path.join(workdir, "files"),
             "rel_cromwell_password": CROMWELL_PASSWORD}
    runs = []
    for dummy in range(reruns + 1):
        run = rel.run_playbook("scenario.yml", workdir, extra, inventory=inventory, forks=5)
        runs.append(run)
        if run.rc == 0 and not run.failures():
            break
    return runs, emu.state(), emu.requests_since(0)


def _baseline_run(rel):
    """The fault-free run (started when the session starts, so that it overlaps the first faulted run)."""
    workdir = rel.scratch_dir("baseline")
    emu = rel.Emulator(os.path.join(workdir, "emu"), ["--speed", "50", "--seed", "1"])
    try:
        return run_scenario(rel, emu, workdir)
    finally:
        emu.stop()


def prefetch(dummy_config, rel):
    rel.start_job("baseline", lambda: _baseline_run(rel))


@pytest.fixture(scope="module")
def baseline(rel):
    prefetch(None, rel)
    return rel.job("baseline")


def check_no_repeat_after_success(rel, log, state, base_log, base_state):
    """Writes repeated after a definite (delivered 2xx) success, as ``{write identity: count}``.

    The log has no bodies, so a write's identity is (method, service, path with ids mapped to names, query).
    An identity the fault-free run writes once must not be written again after it succeeded once; an identity
    it writes n times (``POST /v1/clusters`` for n registrations) must not succeed more than n times, nor be
    applied (2xx, lost responses included) more than n times; and no write may be refused as a duplicate (409).
    """
    names, base_names = rel.id_names(state), rel.id_names(base_state)
    base_counts = collections.Counter(rel.write_key(e, base_names) for e in base_log if e["write"] and rel.delivered_success(e))
    delivered, applied, after_success = collections.Counter(), collections.Counter(), collections.Counter()
    conflicts = collections.Counter()
    for entry in log:
        if not entry["write"] or entry["service"] == "k8s":
            continue
        key = rel.write_key(entry, names)
        if delivered[key]:
            after_success[key] += 1
        if rel.delivered_success(entry):
            delivered[key] += 1
        if entry.get("status") is not None and 200 <= entry["status"] < 300:
            applied[key] += 1
        if entry.get("status") == 409:
            conflicts[key] += 1
    problems = {}
    for key in set(delivered) | set(applied) | set(after_success) | set(conflicts):
        expected = base_counts.get(key, 0)
        if expected <= 1 and after_success[key]:
            problems["%s after success" % (key,)] = after_success[key]
        if delivered[key] > expected or (key[0] == "POST" and key[2].endswith(CREATE_SUFFIXES) and applied[key] > expected):
            problems["%s succeeded" % (key,)] = "%d delivered / %d applied, fault-free %d" % (delivered[key], applied[key], expected)
        if conflicts[key]:
            problems["%s 409" % (key,)] = conflicts[key]
    return problems


def _one_seed(rel, emulators, workdir, seed, base_state, base_log, base_canon):
    emu = emulators("emu-%d" % seed, "--speed", "50", "--seed", str(seed))
    emu.set_faults(FAULT_SPEC)
    value = run_scenario(rel, emu, os.path.join(workdir, "seed-%d" % seed), RERUNS)
    emu.set_faults("off")
    return _evaluate(rel, seed, value, base_state, base_log, base_canon)


def _evaluate(rel, seed, value, base_state, base_log, base_canon):
    runs, state, log = value
    run = runs[-1]
    kinds = collections.Counter(e["fault"] for e in log if e.get("fault"))
    completed = run.rc == 0 and not run.failures()
    figures = {"rc": [r.rc for r in runs], "seconds": round(sum(r.duration for r in runs), 1), "requests": len(log),
               "faulted": sum(kinds.values()), "by_kind": dict(kinds), "task_retries": sum(r.task_retries() for r in runs),
               "completed_first_run": len(runs) == 1 and completed, "reruns": len(runs) - 1, "converged": completed,
               "failed_steps": [first_failure(r) for r in runs if first_failure(r)]}
    canon = rel.canonical_state(state)
    dups = rel.duplicates(state)
    repeats = check_no_repeat_after_success(rel, log, state, base_log, base_state)
    unreported = completed and canon != base_canon
    figures.update(state_equal=canon == base_canon, duplicates=dups, repeated_writes=repeats,
                   unreported_failure=unreported)
    problems = []
    if not completed:
        problems.append("goal: seed %d: did not converge within %d re-runs: %s" % (seed, RERUNS, run.explain()))
    if completed and canon != base_canon:
        diff = dict((k, {"faulted": canon[k], "baseline": base_canon[k]}) for k in canon if canon[k] != base_canon[k])
        problems.append("seed %d: final state differs from the fault-free run%s: %s"
                        % (seed, " although the run reported success (unreported failure)" if unreported else "",
                           json.dumps(diff)[:3000]))
    if dups:
        problems.append("seed %d: duplicates %s" % (seed, dups))
    if repeats:
        problems.append("seed %d: writes repeated after a definite success %s" % (seed, repeats))
    if not kinds:
        problems.append("seed %d: no fault was injected at all" % seed)
    return figures, problems


def test_faults_per_seed(rel, baseline, seeds, emulators, workdir, full):
    """Seeds run two at a time (each against its own emulator); the first overlaps the fault-free run."""
    per_seed, problems, errors = {}, [], []
    holder = {}

    def worker(batch):
        for seed in batch:
            try:
                holder[seed] = _one_seed(rel, emulators, workdir, seed, *holder["base"])
            except Exception as exc:  # pylint: disable=broad-except
                errors.append("seed %d: %r" % (seed, exc))

    first, rest = seeds[0], list(seeds[1:])
    # the first seed does not need the baseline until it has finished: run it while the baseline runs
    first_result = {}

    def first_worker():
        try:
            emu = emulators("emu-%d" % first, "--speed", "50", "--seed", str(first))
            emu.set_faults(FAULT_SPEC)
            first_result["value"] = run_scenario(rel, emu, os.path.join(workdir, "seed-%d" % first), RERUNS)
            emu.set_faults("off")
        except Exception as exc:  # pylint: disable=broad-except
            errors.append("seed %d: %r" % (first, exc))

    thread = threading.Thread(target=first_worker)
    thread.start()
    dummy_runs, base_state, base_log = baseline.result()
    holder["base"] = (base_state, base_log, rel.canonical_state(base_state))
    threads = [threading.Thread(target=worker, args=(rest[i::2],)) for i in range(2) if rest[i::2]]
    for extra in threads:
        extra.start()
    thread.join(1800)
    if "value" in first_result:
        holder[first] = _evaluate(rel, first, first_result["value"], *holder["base"])
    for extra in threads:
        extra.join(1800)
    for seed in seeds:
        if seed in holder:
            per_seed[seed], seed_problems = holder[seed]
            problems.extend(seed_problems)
    problems.extend(errors)
    rel.record_figure("faults.seeds", per_seed)
    completed_first = sum(1 for f in per_seed.values() if f["completed_first_run"])
    rel.record_figure("faults.summary", {
        "spec": FAULT_SPEC, "seeds": len(seeds), "clusters": CLUSTERS, "task_level_retries_in_playbook": 0,
        "completed_first_run": completed_first,
        "converged_within_%d_reruns" % RERUNS: sum(1 for f in per_seed.values() if f["converged"]),
        "unreported_failures": sum(1 for f in per_seed.values() if f["unreported_failure"]),
        "failed_steps": dict((seed, f["failed_steps"]) for seed, f in per_seed.items() if f["failed_steps"]),
        "state_equal": sum(1 for f in per_seed.values() if f["state_equal"]),
        "no_duplicates": sum(1 for f in per_seed.values() if not f["duplicates"]),
        "no_repeated_write": sum(1 for f in per_seed.values() if not f["repeated_writes"]),
        "faults_injected": sum(f["faulted"] for f in per_seed.values()),
        "requests": sum(f["requests"] for f in per_seed.values()),
        "task_retries": sum(f["task_retries"] for f in per_seed.values()),
    })
    assert len(per_seed) == len(seeds), errors
    # safety (always): no duplicate, no write repeated after a success, no success over a wrong state; the goals
    # (convergence within 3 re-runs, >= 95 % complete at once) are asserted at full size, and measured always
    safety = [p for p in problems if not p.startswith("goal: ")]
    assert not safety, "\n".join(safety)
    if full:
        assert not problems, "\n".join(problems)
        assert completed_first >= COMPLETION_GOAL * len(seeds), (
            "%d of %d runs completed without a re-run (goal %d %%): %s"
            % (completed_first, len(seeds), COMPLETION_GOAL * 100,
               dict((seed, f["failed_steps"]) for seed, f in per_seed.items() if f["failed_steps"])))


def test_fault_free_baseline(rel, baseline):
    """Runs after the seeds (which overlap it): the fault-free run itself is complete and sane."""
    runs, state, log = baseline.result()
    run = runs[-1]
    assert len(runs) == 1 and run.rc == 0, run.explain()
    assert not run.failures(), run.explain()
    canon = rel.canonical_state(state)
    assert len(canon["clusters"]) == CLUSTERS
    assert all(c["spec"]["clusterGroupID"] == "fleets:rel-fleet" for c in canon["clusters"].values())
    assert canon["stacks"]["rel-stack"]["status"] == "CREATE_COMPLETE"
    # one execution (its name is whatever bce_wdl_execution gives it: the task name or the WDL workflow's name)
    assert len(canon["executions"]) == 1, canon["executions"]
    assert not rel.duplicates(state)
    rel.record_figure("faults.baseline", {"seconds": round(run.duration, 1), "requests": len(log),
                                          "writes": sum(1 for e in log if e["write"])})
