# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bad input matrix: every module, every documented kind of invalid input fails with a message that names the
option, and the request log shows no write at all (the whole matrix runs after the mark, so one count covers
every case). One playbook runs the whole table; each row is one task."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import os

import pytest

FILES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "playbooks", "files")
STACK = os.path.join(FILES, "stack.yaml")
WDL = os.path.join(FILES, "hello.wdl")
MISSING = "/nonexistent/fleetops-reliability/missing.file"
GOOD_CONFIG = os.path.join(FILES, "hello.inputs.json")
NON_UUID = "not-a-uuid"

# (case id, module, args, word the message must contain) -- "auth": the case brings its own credentials.
CASES = [
    # ucs_policy
    ("policy-type-choice", "ucs_policy", {"name": "bad-policy", "type": "superuser"}, "type"),
    ("policy-custom-without-contents", "ucs_policy", {"name": "bad-policy", "type": "custom"}, "contents"),
    ("policy-users-wrong-type", "ucs_policy", {"name": "bad-policy", "type": "readonly", "iam_user_ids": {"a": 1}},
     "iam_user_ids"),
    ("policy-contents-missing-verbs", "ucs_policy", {"name": "bad-policy", "type": "custom",
                                                     "contents": [{"resources": ["pods"]}]}, "verbs"),
    ("policy-state-choice", "ucs_policy", {"name": "bad-policy", "state": "gone"}, "state"),
    # ucs_fleet
    ("fleet-policies-missing-namespaces", "ucs_fleet", {"name": "bad-fleet", "policies": [{"policies": ["rel-policy"]}]},
     "namespaces"),
    ("fleet-force-type", "ucs_fleet", {"name": "bad-fleet", "force": "perhaps"}, "force"),
    ("fleet-unknown-cluster", "ucs_fleet", {"name": "bad-fleet", "clusters": ["no-such-cluster"]}, "cluster"),
    ("fleet-unknown-policy", "ucs_fleet",
     {"name": "bad-fleet", "policies": [{"policies": ["no-such-policy"], "namespaces": ["default"]}]}, "polic"),
    # ucs_fleet_federation
    ("federation-unknown-fleet", "ucs_fleet_federation", {"fleet": "no-such-fleet"}, "fleet"),
    ("federation-negative-timeout", "ucs_fleet_federation", {"fleet": "rel-fleet", "wait_timeout": -5}, "wait_timeout"),
    ("federation-state-choice", "ucs_fleet_federation", {"fleet": "rel-fleet", "state": "on"}, "state"),
    # ucs_fleet_kubeconfig
    ("kubeconfig-negative-duration", "ucs_fleet_kubeconfig", {"fleet": "rel-fleet", "dest": "/tmp/x", "duration": -1},
     "duration"),
    ("kubeconfig-missing-dest", "ucs_fleet_kubeconfig", {"fleet": "rel-fleet"}, "dest"),
    ("kubeconfig-unknown-fleet", "ucs_fleet_kubeconfig", {"fleet": "no-such-fleet", "dest": "/tmp/x"}, "fleet"),
    ("kubeconfig-negative-min-valid", "ucs_fleet_kubeconfig", {"fleet": "rel-fleet", "dest": "/tmp/x",
                                                               "min_valid_days": -3}, "min_valid_days"),
    # ucs_cluster
    ("cluster-bad-city", "ucs_cluster", {"name": "bad-cluster", "category": "attachedcluster", "type": "privatek8s",
                                         "country": "CN", "city": "999999", "kubeconfig_path": "{{ rel_kubeconfig }}"},
     "city"),
    ("cluster-category-type-mismatch", "ucs_cluster", {"name": "bad-cluster", "category": "onpremise", "type": "privatek8s",
                                                       "country": "DE", "kubeconfig_path": "{{ rel_kubeconfig }}"}, "type"),
    ("cluster-category-choice", "ucs_cluster", {"name": "bad-cluster", "category": "cloud", "type": "privatek8s"},
     "category"),
    ("cluster-provider-mismatch", "ucs_cluster", {"name": "bad-cluster", "category": "attachedcluster", "type": "eks",
                                                  "provider": "azure", "country": "DE",
                                                  "kubeconfig_path": "{{ rel_kubeconfig }}"}, "provider"),
    ("cluster-cce-non-uuid", "ucs_cluster", {"name": "bad-cluster", "category": "self", "type": "cce",
                                             "cluster_id": NON_UUID, "cce_region": "cn-north-4",
                                             "cce_project_id": "{{ fleetops_auth.project_id }}", "country": "CN",
                                             "city": "110000"}, "cluster_id"),
    ("cluster-label-key", "ucs_cluster", {"name": "bad-cluster", "category": "attachedcluster", "type": "privatek8s",
                                          "country": "DE", "kubeconfig_path": "{{ rel_kubeconfig }}",
                                          "labels": {"bad key!": "v"}}, "label"),
    ("cluster-label-value-too-long", "ucs_cluster", {"name": "bad-cluster", "category": "attachedcluster",
                                                     "type": "privatek8s", "country": "DE",
                                                     "kubeconfig_path": "{{ rel_kubeconfig }}",
                                                     "labels": {"team": "x" * 64}}, "label"),
    ("cluster-missing-kubeconfig-file", "ucs_cluster", {"name": "bad-cluster", "category": "attachedcluster",
                                                        "type": "privatek8s", "country": "DE",
                                                        "kubeconfig_path": MISSING}, "kubeconfig_path"),
    ("cluster-two-kubeconfigs", "ucs_cluster", {"name": "bad-cluster", "category": "attachedcluster", "type": "privatek8s",
                                                "country": "DE", "kubeconfig_path": "{{ rel_kubeconfig }}",
                                                "kubeconfig": "{{ lookup('file', rel_kubeconfig) }}"}, "kubeconfig"),
    ("cluster-unknown-fleet", "ucs_cluster", {"name": "bad-cluster", "category": "attachedcluster", "type": "privatek8s",
                                              "country": "DE", "kubeconfig_path": "{{ rel_kubeconfig }}",
                                              "fleet": "no-such-fleet"}, "fleet"),
    ("cluster-unknown-policy", "ucs_cluster", {"name": "bad-cluster", "category": "attachedcluster", "type": "privatek8s",
                                               "country": "DE", "kubeconfig_path": "{{ rel_kubeconfig }}",
                                               "policies": [{"policies": ["no-such-policy"]}]}, "polic"),
    ("cluster-negative-wait", "ucs_cluster", {"name": "bad-cluster", "category": "attachedcluster", "type": "privatek8s",
                                              "country": "DE", "kubeconfig_path": "{{ rel_kubeconfig }}",
                                              "wait": True, "wait_timeout": -1}, "wait_timeout"),
    ("cluster-bad-country", "ucs_cluster", {"name": "bad-cluster", "category": "attachedcluster", "type": "privatek8s",
                                            "country": "XX1", "kubeconfig_path": "{{ rel_kubeconfig }}"}, "country"),
    ("cluster-bad-name", "ucs_cluster", {"name": "Bad_Cluster", "category": "attachedcluster", "type": "privatek8s",
                                         "country": "DE", "kubeconfig_path": "{{ rel_kubeconfig }}"}, "name"),
    # ucs_cluster_agent
    ("agent-unknown-cluster", "ucs_cluster_agent", {"cluster": "no-such-cluster", "dest": "/tmp/agent.yaml"}, "cluster"),
    ("agent-missing-dest", "ucs_cluster_agent", {"cluster": "rel-cluster"}, "dest"),
    # info modules
    ("cluster-info-non-uuid", "ucs_cluster_info", {"ids": [NON_UUID]}, "ids"),
    ("cluster-info-category-choice", "ucs_cluster_info", {"category": "cloud"}, "category"),
    ("cluster-info-manage-type-choice", "ucs_cluster_info", {"manage_type": "some"}, "manage_type"),
    ("cluster-info-unknown-fleet", "ucs_cluster_info", {"fleet": "no-such-fleet"}, "fleet"),
    ("cce-info-bool", "ucs_cce_cluster_info", {"unregistered": "perhaps"}, "unregistered"),
    # bce_pool
    ("pool-type-choice", "bce_pool", {"name": "bad-pool", "type": "gpu"}, "type"),
    ("pool-cromwell-without-bucket", "bce_pool", {"name": "bad-pool", "type": "cromwell",
                                                  "cromwell": {"database_url": "jdbc:mysql://192.0.2.1/c",
                                                               "database_username": "c", "database_password": "pw"}},
     "bucket_name"),
    ("pool-dedicate-without-cluster", "bce_pool", {"name": "bad-pool", "type": "dedicate"}, "cluster_id"),
    ("pool-negative-wait", "bce_pool", {"name": "bad-pool", "type": "shared", "cluster_id": "cci-ns", "wait_timeout": -2},
     "wait_timeout"),
    ("pool-replicas-type", "bce_pool", {"name": "bad-pool", "type": "cromwell", "bucket_name": "b",
                                        "cromwell": {"replicas": "many"}}, "replicas"),
    ("pool-info-type-choice", "bce_pool_info", {"type": "gpu"}, "type"),
    # bce_wdl_execution
    ("wdl-missing-file", "bce_wdl_execution", {"name": "bad-run", "pool": "rel-pool", "workflow_source": MISSING},
     "workflow_source"),
    ("wdl-unknown-pool", "bce_wdl_execution", {"name": "bad-run", "pool": "no-such-pool", "workflow_source": WDL}, "pool"),
    ("wdl-without-source", "bce_wdl_execution", {"name": "bad-run", "pool": "rel-pool"}, "workflow_source"),
    ("wdl-state-choice", "bce_wdl_execution", {"name": "bad-run", "state": "paused"}, "state"),
    ("wdl-negative-wait", "bce_wdl_execution", {"name": "bad-run", "pool": "rel-pool", "workflow_source": WDL,
                                                "wait_timeout": -1}, "wait_timeout"),
    ("wdl-info-status-choice", "bce_wdl_execution_info", {"status": "Sleeping"}, "status"),
    ("wdl-info-match-choice", "bce_wdl_execution_info", {"name": "x", "name_match": "regex"}, "name_match"),
    # stack
    ("stack-missing-template-file", "stack", {"name": "bad-stack", "template": MISSING}, "template"),
    ("stack-template-and-url", "stack", {"name": "bad-stack", "template": STACK,
                                         "template_url": "http://192.0.2.1/t.yaml"}, "template"),
    ("stack-negative-timeout", "stack", {"name": "bad-stack", "template": STACK, "timeout": -5}, "timeout"),
    ("stack-parameters-type", "stack", {"name": "bad-stack", "template": STACK, "parameters": [1, 2]},
     "parameters"),
    ("stack-unknown-parameter", "stack", {"name": "bad-stack", "template": STACK, "parameters": {"nope": 1}}, "nope"),
    ("stack-negative-wait", "stack", {"name": "bad-stack", "template": STACK, "wait_timeout": -1}, "wait_timeout"),
    ("stack-info-details-bool", "stack_info", {"details": "perhaps"}, "details"),
    ("template-info-missing-file", "stack_template_info", {"template": MISSING}, "template"),
    ("template-info-nothing", "stack_template_info", {}, "template"),
    # shared auth and connection options
    ("auth-access-key-without-secret", "ucs_cluster_version_info", {"auth": {"access_key": "AKONLY0000000001"}},
     "secret_key"),
    ("auth-user-without-password", "ucs_fleet_info", {"auth": {"user_name": "demo", "domain_name": "demo-domain"}},
     "password"),
    ("auth-no-credentials", "ucs_policy_info", {"auth": {}}, "access_key"),
    ("auth-timeout-string", "ucs_fleet_info", {"api_timeout": "soon"}, "api_timeout"),
    ("auth-negative-timeout", "ucs_fleet_info", {"api_timeout": -1}, "api_timeout"),
    ("auth-negative-retries", "ucs_fleet_info", {"max_retries": -1}, "max_retries"),
    ("auth-validate-certs-bool", "bce_pool_info", {"validate_certs": "perhaps"}, "validate_certs"),
]
# Names, ids and paths of every module (issue 15 items 1 and 9): empty, too long, control characters, "/", "." and
# "..", and ids that try to walk to another resource. "{{ rel_pool_id }}" etc. are the ids of the setup resources.
TRAVERSAL = "../clusters/{{ rel_pool_id }}"
LONG = "n" * 300
CASES += [
    ("policy-name-empty", "ucs_policy", {"name": "", "type": "readonly"}, "name"),
    ("policy-name-slash", "ucs_policy", {"name": "a/b", "type": "readonly"}, "name"),
    ("policy-name-control", "ucs_policy", {"name": "bad\nname", "type": "readonly"}, "name"),
    ("policy-info-name-traversal", "ucs_policy_info", {"name": "../rules/{{ rel_policy_id }}"}, "name"),
    ("fleet-name-empty", "ucs_fleet", {"name": ""}, "name"),
    ("fleet-name-dotdot", "ucs_fleet", {"name": ".."}, "name"),
    ("fleet-name-too-long", "ucs_fleet", {"name": LONG}, "name"),
    ("fleet-name-slash", "ucs_fleet", {"name": "rel-fleet/../x", "description": "d"}, "name"),
    ("fleet-info-name-traversal", "ucs_fleet_info", {"name": "../clustergroups/{{ rel_fleet_id }}"}, "name"),
    ("federation-fleet-traversal", "ucs_fleet_federation", {"fleet": "../clustergroups/{{ rel_fleet_id }}"}, "fleet"),
    ("federation-fleet-empty", "ucs_fleet_federation", {"fleet": ""}, "fleet"),
    ("kubeconfig-fleet-slash", "ucs_fleet_kubeconfig", {"fleet": "a/b", "dest": "/tmp/x"}, "fleet"),
    ("cluster-name-empty", "ucs_cluster", {"name": "", "category": "attachedcluster", "type": "privatek8s",
                                           "country": "DE", "kubeconfig_path": "{{ rel_kubeconfig }}"}, "name"),
    ("cluster-name-traversal", "ucs_cluster", {"name": "../clustergroups/{{ rel_fleet_id }}", "state": "absent"},
     "name"),
    ("cluster-name-too-long", "ucs_cluster", {"name": LONG, "category": "attachedcluster", "type": "privatek8s",
                                              "country": "DE", "kubeconfig_path": "{{ rel_kubeconfig }}"}, "name"),
    ("agent-cluster-traversal", "ucs_cluster_agent", {"cluster": "../clustergroups/{{ rel_fleet_id }}",
                                                      "dest": "/tmp/agent.yaml"}, "cluster"),
    ("agent-cluster-empty", "ucs_cluster_agent", {"cluster": "", "dest": "/tmp/agent.yaml"}, "cluster"),
    ("cluster-info-ids-traversal", "ucs_cluster_info", {"ids": ["../clustergroups/{{ rel_fleet_id }}"]}, "ids"),
    ("cce-info-name-control", "ucs_cce_cluster_info", {"name": "a\tb"}, "name"),
    ("pool-name-empty", "bce_pool", {"name": "", "type": "shared", "cluster_id": "cci-ns"}, "name"),
    ("pool-name-slash", "bce_pool", {"name": "p/../../x", "type": "shared", "cluster_id": "cci-ns"}, "name"),
    ("pool-id-traversal", "bce_pool", {"name": "rel-pool", "id": "../executions-extend", "state": "absent"}, "id"),
    ("pool-info-id-traversal", "bce_pool_info", {"id": "../executions-extend/x"}, "id"),
    ("wdl-id-traversal", "bce_wdl_execution", {"id": TRAVERSAL, "state": "absent"}, "id"),
    ("wdl-ids-traversal", "bce_wdl_execution", {"ids": [TRAVERSAL], "state": "absent"}, "ids"),
    ("wdl-name-empty", "bce_wdl_execution", {"name": "", "pool": "rel-pool", "workflow_source": WDL}, "name"),
    ("wdl-name-slash", "bce_wdl_execution", {"name": "a/b", "pool": "rel-pool", "workflow_source": WDL}, "name"),
    ("wdl-pool-traversal", "bce_wdl_execution", {"name": "bad-run", "pool": "../clusters/{{ rel_pool_id }}",
                                                 "workflow_source": WDL}, "pool"),
    ("wdl-info-ids-traversal", "bce_wdl_execution_info", {"ids": [TRAVERSAL]}, "ids"),
    ("stack-name-empty", "stack", {"name": "", "template": STACK}, "name"),
    ("stack-name-slash", "stack", {"name": "a/b", "template": STACK}, "name"),
    ("stack-name-dotdot", "stack", {"name": "..", "template": STACK}, "name"),
    ("stack-name-too-long", "stack", {"name": LONG, "template": STACK}, "name"),
    ("stack-info-name-traversal", "stack_info", {"name": "x/../../stacks"}, "name"),
]
# Rows that point at an existing resource: a request routed to that resource (2xx) is a path injection.
TARGETS = {
    "policy-info-name-traversal": "/v1/permissions/rules/{",
    "fleet-info-name-traversal": "/v1/clustergroups/{",
    "federation-fleet-traversal": "/v1/clustergroups/{",
    "cluster-name-traversal": "/v1/clustergroups/{",
    "agent-cluster-traversal": "/v1/clustergroups/{",
    "cluster-info-ids-traversal": "/v1/clustergroups/{",
    "pool-id-traversal": "/executions-extend",
    "pool-info-id-traversal": "/executions-extend/{",
    "wdl-id-traversal": "/clusters/{",
    "wdl-ids-traversal": "/clusters/{",
    "wdl-pool-traversal": "/clusters/{",
    "wdl-info-ids-traversal": "/clusters/{",
}
# Known gaps, each reported with its module and what happens (strict: the test fails once the gap is closed).
DEFECTS = {}
# The fast subset (make test): the first case of every module plus the credential cases; --full runs them all.
FAST_EXTRA = ("cluster-bad-city", "cluster-category-type-mismatch", "cluster-cce-non-uuid", "cluster-label-key",
              "cluster-missing-kubeconfig-file", "cluster-unknown-fleet", "kubeconfig-negative-duration",
              "stack-missing-template-file", "auth-access-key-without-secret", "auth-user-without-password",
              "auth-negative-timeout", "cluster-negative-wait", "fleet-name-empty", "stack-name-slash",
              "cluster-info-ids-traversal", "wdl-info-ids-traversal")


def _selected(full):
    if full:
        return list(CASES)
    seen, rows = set(), []
    for row in CASES:
        if row[1] not in seen or row[0] in FAST_EXTRA:
            seen.add(row[1])
            rows.append(row)
    return rows


def _task(case, module, args):
    args = dict(args)
    auth = args.pop("auth", None)
    task = {"name": case, "fleetops.cloud." + module: args, "ignore_errors": True}
    if auth is not None:
        # own credentials only: everything but the endpoints and ids is left out
        task["module_defaults"] = {"group/fleetops.cloud.cloud": "{{ rel_bare_auth | combine(%r) }}" % (auth,)}
    return task


def _epoch(stamp):
    return datetime.datetime.strptime(stamp.replace("Z", "+0000"), "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()


def _windows(results):
    """``{task name: (start, end)}`` in epoch seconds, from the JSON callback's task durations."""
    out = {}
    for play in (results or {}).get("plays", []):
        for task in play.get("tasks", []):
            duration = task["task"].get("duration") or {}
            if duration.get("start") and duration.get("end"):
                out[task["task"]["name"]] = (_epoch(duration["start"]), _epoch(duration["end"]))
    return out


def _matrix(rel, full):
    workdir = rel.scratch_dir("bad-input")
    emu = rel.Emulator(os.path.join(workdir, "emu"), ["--speed", "50", "--seed", "5"])
    try:
        kubeconfig = os.path.join(workdir, "member.kubeconfig")
        with open(kubeconfig, "w", encoding="utf-8") as handle:
            handle.write("apiVersion: v1\nkind: Config\nclusters:\n- name: m\n  cluster: {server: '%s/k8s/bad'}\n"
                         "users:\n- name: u\n  user: {token: t}\ncontexts:\n- name: c\n  context: {cluster: m, user: u}\n"
                         "current-context: c\n" % emu.base)
        setup = [
            {"name": "setup policy", "fleetops.cloud.ucs_policy": {"name": "rel-policy", "type": "readonly"},
             "register": "rel_setup_policy"},
            {"name": "setup fleet", "fleetops.cloud.ucs_fleet": {"name": "rel-fleet"}, "register": "rel_setup_fleet"},
            {"name": "setup cluster", "fleetops.cloud.ucs_cluster": {
                "name": "rel-cluster", "category": "attachedcluster", "type": "privatek8s", "country": "DE",
                "kubeconfig_path": kubeconfig}},
            {"name": "setup pool", "fleetops.cloud.bce_pool": {
                "name": "rel-pool", "type": "cromwell", "bucket_name": "b",
                "cromwell": {"database_url": "jdbc:mysql://192.0.2.1/c", "database_username": "c",
                             "database_password": "Bad-Input-Pw-1"}}, "register": "rel_setup_pool"},
            {"name": "ids of the setup resources", "ansible.builtin.set_fact": {
                "rel_policy_id": "{{ rel_setup_policy.policy.metadata.uid | default(rel_setup_policy.policy.id)"
                                 " | default('no-policy-id') }}",
                "rel_fleet_id": "{{ rel_setup_fleet.fleet.metadata.uid | default('no-fleet-id') }}",
                "rel_pool_id": "{{ rel_setup_pool.pool.guid | default(rel_setup_pool.pool.id) | default('no-pool-id') }}"}},
            {"name": "mark", "ansible.builtin.uri": {"url": "{{ emulator_base }}/_emulator/requests?since=1000000000",
                                                     "return_content": True}},
        ]
        rows = _selected(full)
        tasks = setup + [_task(case, module, args) for case, module, args, dummy in rows]
        play = {"name": "Bad input", "hosts": "localhost", "gather_facts": False,
                "module_defaults": {"group/fleetops.cloud.cloud": "{{ fleetops_auth }}"}, "tasks": tasks}
        path = rel.write_playbook(workdir, "bad_input.yml", [play])
        bare = emu.auth(aksk=False, password=False)
        extra = {"fleetops_auth": emu.auth(), "rel_bare_auth": bare, "emulator_base": emu.base,
                 "rel_kubeconfig": kubeconfig}
        run = rel.run_playbook(path, workdir, extra)
        results = dict((task, result) for dummy_play, task, dummy_host, result in run.host_results())
        mark = results.get("mark", {}).get("json", {}).get("next", 0)
        log = [e for e in emu.requests_since(0) if e["seq"] > mark]
        windows = _windows(run.results)
        per_case = {}
        for case, dummy_module, dummy_args, dummy_word in rows:
            start, end = windows.get(case, (0, 0))
            per_case[case] = [e for e in log if start - 0.05 <= e["time"] <= end + 0.05]
        return run, results, log, per_case, rows
    finally:
        emu.stop()


def prefetch(config, rel):
    """Started when the session starts (see conftest): the run overlaps the other tests."""
    full = config.getoption("--full")
    rel.start_job("bad_input", lambda: _matrix(rel, full))


@pytest.fixture(scope="module")
def matrix(rel, full):
    prefetch_config = type("Config", (), {"getoption": staticmethod(lambda name: full)})
    prefetch(prefetch_config, rel)
    return rel.job("bad_input").result()


def test_matrix_ran(rel, matrix):
    run, results, log, per_case, rows = matrix
    assert run.rc == 0, run.explain()
    for name in ("setup policy", "setup fleet", "setup cluster", "setup pool"):
        assert not results[name].get("failed"), results[name]
    assert all(case in results for case, dummy_m, dummy_a, dummy_w in rows)
    writes = [e for e in log if e["write"]]
    rel.record_figure("bad_input", {
        "cases": len(rows), "modules": len(set(row[1] for row in rows)), "requests": len(log),
        "writes": len(writes), "seconds": round(run.duration, 1),
        "rejected_naming_option": sum(1 for c, dummy_m, dummy_a, w in rows
                                      if results[c].get("failed") and w.lower() in (results[c].get("msg") or "").lower()),
        "cases_with_writes": sorted(c for c in per_case if [e for e in per_case[c] if e["write"]]),
        "cases_reaching_another_resource": sorted(c for c in per_case if _reached_elsewhere(c, per_case[c])),
        "info_filters_answered_empty": sorted(c for c in results if _harmless_filter(c, results[c])),
        "cases_accepted": sorted(c for c, dummy_m, dummy_a, dummy_w in rows
                                 if not results[c].get("failed") and not _harmless_filter(c, results[c]))})


def pytest_generate_tests(metafunc):
    if "row" in metafunc.fixturenames:
        params = []
        for row in _selected(metafunc.config.getoption("--full")):
            marks = [pytest.mark.xfail(strict=True, reason=DEFECTS[row[0]])] if row[0] in DEFECTS else []
            params.append(pytest.param(row, id=row[0], marks=marks))
        metafunc.parametrize("row", params)


# Name and id filters of *_info modules that may be answered with empty lists instead of an error.
FILTER_ROWS = ("policy-info-name-traversal", "fleet-info-name-traversal", "cce-info-name-control",
               "pool-info-id-traversal", "wdl-info-ids-traversal", "stack-info-name-traversal",
               "cluster-info-ids-traversal")


def _harmless_filter(case, result):
    """An ``*_info`` module may answer a name or id filter that cannot match anything with empty lists instead of
    an error: nothing was written and nothing else was read (checked by the caller)."""
    if case not in FILTER_ROWS or result.get("failed"):
        return False
    lists = [v for k, v in result.items() if isinstance(v, list) and k not in ("warnings", "deprecations")]
    return bool(lists) and all(not v for v in lists)


def test_bad_input_names_the_option_without_writing(matrix, row):
    dummy_run, results, dummy_log, per_case, dummy_rows = matrix
    case, dummy_module, dummy_args, word = row
    result = results[case]
    if _harmless_filter(case, result):
        assert not [e for e in per_case[case] if e["write"]]
        assert not _reached_elsewhere(case, per_case[case]), _reached_elsewhere(case, per_case[case])
        return
    assert result.get("failed") is True, "accepted: %s" % result.get("msg", result.get("changed"))
    msg = result.get("msg") or ""
    assert word.lower() in msg.lower(), "the message does not name %r: %r" % (word, msg)
    writes = [(e["method"], e["path"], e["status"]) for e in per_case[case] if e["write"]]
    assert not writes, "writes before the input was refused: %s" % writes
    assert not _reached_elsewhere(case, per_case[case]), "reached another resource: %s" % _reached_elsewhere(
        case, per_case[case])


def _reached_elsewhere(case, entries):
    """Requests of the case that reached another resource than named: a dot segment on the wire, or (for the rows
    of ``TARGETS``) a 2xx from the route of the resource the input points at."""
    found = []
    for entry in entries:
        raw = entry.get("raw_path") or ""
        if any(part in (".", "..") for part in raw.split("/")):
            found.append(("dot segment", entry["method"], raw))
        target = TARGETS.get(case)
        route = entry.get("route") or ""
        if target and target in route and entry.get("status") is not None and 200 <= entry["status"] < 300:
            found.append(("routed to %s" % route, entry["method"], raw, entry["status"]))
    return found
