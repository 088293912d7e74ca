# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of bce_wdl_execution and bce_pool decisions with a fake BCE facade (no HTTP).

Covers what the emulator cannot provoke: per-id errors of the batch delete on ids that exist, a lost answer
whose resource never appeared, and the exact calls each branch makes.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest


from ansible_collections.fleetops.cloud.plugins.module_utils.errors import OutcomeUnknownError
from ansible_collections.fleetops.cloud.plugins.modules import bce_pool, bce_wdl_execution
from ansible_collections.fleetops.cloud.tests.unit.conftest import module_args


AUTH = dict(access_key="AK0000000000", secret_key="SK-unit-secret", project_id="p" * 32,
            endpoints={"bce": "http://127.0.0.1:9/bce"})


def run_module(module_cls, args, capsys):
    """Run a module class with ``args`` (auth added); returns (exit code, parsed result)."""
    with module_args(dict(AUTH, **args)):
        with pytest.raises(SystemExit) as exc:
            module_cls().execute()
    out = capsys.readouterr().out
    return exc.value.code, json.loads(out)


def execution(guid, name="run", status="Succeeded", workflow_name="wf", env_guid="g-pool-1", inputs_json="{}"):
    return {"id": guid, "guid": guid, "name": name, "status": status, "workflow_name": workflow_name,
            "env_guid": env_guid, "inputs_json": inputs_json, "create_at": "2026-01-01T00:00:%02dZ" % len(guid),
            "status_summary": {"node_number": 2, "finished_node_number": 2 if status == "Succeeded" else 0}}


class FakeBce(object):
    """Stands in for BceApi; records every call."""

    existing = {}
    batch_answer = None
    submit_error = None
    found_after_loss = []
    pools = {}

    def __init__(self, client):
        self.client = client
        self.calls = []
        FakeBce.last = self

    # executions
    def get_execution(self, exec_id):
        self.calls.append(("get", exec_id))
        return self.existing.get(exec_id)

    def find_executions(self, name):
        self.calls.append(("find", name))
        if any(c[0] == "submit" for c in self.calls):
            return list(self.found_after_loss)
        return [e for e in self.existing.values() if e["name"] == name]

    def find_runs(self, workflow_name=None, workflow_id=None):
        self.calls.append(("find_runs", workflow_name, workflow_id))
        if any(c[0] == "submit" for c in self.calls):
            return list(self.found_after_loss)
        return [e for e in self.existing.values()
                if workflow_name in (None, e.get("workflow_name")) and workflow_id in (None, e.get("workflow_id"))]

    def submit_execution(self, parameters, files=None):
        self.calls.append(("submit", json.loads(parameters), dict(files or {})))
        if self.submit_error is not None:
            raise self.submit_error
        return {"id": "new-1", "status": "Submitted"}

    def delete_executions(self, ids, clean_data=None):
        self.calls.append(("batch", list(ids), clean_data))
        return self.batch_answer

    def delete_execution(self, exec_id):
        self.calls.append(("delete", exec_id))
        return True

    def stop_execution(self, exec_id):
        self.calls.append(("stop", exec_id))
        return {"status": "Aborting"}

    # pools
    def find_pool(self, name):
        self.calls.append(("find_pool", name))
        if any(c[0] == "create_pool" for c in self.calls):
            return {"guid": "g-new", "cluster_name": name, "cluster_type": "dedicate", "cluster_id": "c1"}
        return self.pools.get(name)

    def list_pools(self, pool_type=None):
        self.calls.append(("list_pools", pool_type))
        return [p for p in self.pools.values() if pool_type is None or p.get("cluster_type") == pool_type]

    def get_pool(self, guid):
        self.calls.append(("get_pool", guid))
        return None

    def find_pool_by_name_or_id(self, value):
        self.calls.append(("pool_lookup", value))
        for pool in self.pools.values():
            if value in (pool.get("cluster_name"), pool.get("guid")):
                return pool
        return None

    def create_pool(self, body):
        self.calls.append(("create_pool", body))
        raise OutcomeUnknownError(method="POST", url="http://x/clusters", reason="connection reset")

    def delete_pool(self, guid):
        self.calls.append(("delete_pool", guid))
        return True


@pytest.fixture
def fake(monkeypatch):
    FakeBce.existing = {}
    FakeBce.batch_answer = None
    FakeBce.submit_error = None
    FakeBce.found_after_loss = []
    FakeBce.pools = {"pool-1": {"guid": "g-pool-1", "cluster_name": "pool-1", "cluster_type": "cromwell", "bucket_name": "b",
                                "status": "Running"}}
    monkeypatch.setattr(bce_wdl_execution, "BceApi", FakeBce)
    monkeypatch.setattr(bce_pool, "BceApi", FakeBce)
    return FakeBce


def test_batch_partial_failure_fails_listing_failed_and_deleted(fake, capsys):
    fake.existing = {"a": execution("a"), "b": execution("b")}
    fake.batch_answer = (["a"], {"b": {"error_code": "BCE.00020099", "error_msg": "execution is locked"}})
    code, result = run_module(bce_wdl_execution.BceWdlExecutionModule,
                              dict(ids=["a", "b", "zz"], state="absent", clean_data=False), capsys)
    assert code == 1 and result["failed"]
    assert result["deleted"] == ["a"]
    assert result["failures"] == {"b": {"error_code": "BCE.00020099", "error_msg": "execution is locked"}}
    assert result["not_found"] == ["zz"]
    assert result["changed"] is True
    assert "b: BCE.00020099 execution is locked" in result["msg"] and "Deleted: a" in result["msg"]
    assert ("batch", ["a", "b"], False) in FakeBce.last.calls


def test_batch_in_check_mode_writes_nothing(fake, capsys):
    fake.existing = {"a": execution("a")}
    code, result = run_module(bce_wdl_execution.BceWdlExecutionModule,
                              dict(ids=["a", "zz"], state="absent", _ansible_check_mode=True), capsys)
    assert code == 0 and result["changed"] is True and result["deleted"] == ["a"]
    assert [c[0] for c in FakeBce.last.calls] == ["get", "get"]


def test_batch_of_unknown_ids_is_unchanged(fake, capsys):
    code, result = run_module(bce_wdl_execution.BceWdlExecutionModule, dict(ids=["x", "y"], state="absent"), capsys)
    assert code == 0 and result["changed"] is False and result["not_found"] == ["x", "y"]
    assert not [c for c in FakeBce.last.calls if c[0] in ("batch", "delete")]


def test_lost_submission_found_by_identity_continues(fake, capsys):
    fake.submit_error = OutcomeUnknownError(method="POST", url="http://x/executions-extend", reason="timeout")
    fake.found_after_loss = [execution("late-1", name="wf-3f2a9c11")]
    code, result = run_module(bce_wdl_execution.BceWdlExecutionModule,
                              dict(pool="pool-1", workflow_name="wf", workflow_source="obs://b/a.wdl", wait=False), capsys)
    assert code == 0 and result["changed"] is True and result["submitted"] is True
    assert result["execution"]["id"] == "late-1"
    submits = [c for c in FakeBce.last.calls if c[0] == "submit"]
    assert len(submits) == 1
    # table 4-39 has no name: none is sent
    assert submits[0][1] == {"env_name": "pool-1", "workflow_source": "obs://b/a.wdl"}


def test_lost_submission_not_found_fails_clearly(fake, capsys):
    fake.submit_error = OutcomeUnknownError(method="POST", url="http://x/executions-extend", reason="timeout")
    code, result = run_module(bce_wdl_execution.BceWdlExecutionModule,
                              dict(pool="pool-1", workflow_name="wf", workflow_source="obs://b/a.wdl"), capsys)
    assert code == 1 and "may not have happened" in result["msg"]
    assert len([c for c in FakeBce.last.calls if c[0] == "submit"]) == 1


def test_name_is_never_sent_and_a_server_named_run_is_found_again(fake, capsys, tmp_path):
    """The API names runs itself: the repeat run finds the run by pool, workflow and inputs, whatever its name."""
    wdl = tmp_path / "a.wdl"
    wdl.write_text("version 1.0\nworkflow align {\n  call one\n}\n")
    inputs = tmp_path / "in.json"
    inputs.write_text('{"align.sample": "S1", "align.n": 2}')
    args = dict(pool="pool-1", workflow_source=str(wdl), workflow_inputs=str(inputs), wait=False)
    fake.found_after_loss = [execution("s-1", status="Submitted", workflow_name="align",
                                       inputs_json='{"align.sample": "S1", "align.n": 2}')]
    code, result = run_module(bce_wdl_execution.BceWdlExecutionModule, dict(args, name="my-label"), capsys)
    assert code == 0 and result["submitted"] is True
    submit = [c for c in FakeBce.last.calls if c[0] == "submit"][0]
    assert "name" not in submit[1]
    assert ("find_runs", "align", None) in FakeBce.last.calls
    # The server stored the inputs with other spacing and key order and named the run itself.
    fake.existing = {"s-1": execution("s-1", name="align-0b6f2a52", status="Running", workflow_name="align",
                                      inputs_json='{ "align.n": 2,  "align.sample": "S1" }')}
    code, result = run_module(bce_wdl_execution.BceWdlExecutionModule, args, capsys)
    assert code == 0 and result["changed"] is False and result["submitted"] is False
    assert result["execution"]["id"] == "s-1" and result["matched_by"] == "identity"
    assert not [c for c in FakeBce.last.calls if c[0] == "submit"]


def test_other_inputs_or_another_pool_are_another_run(fake, capsys, tmp_path):
    inputs = tmp_path / "in.json"
    inputs.write_text('{"wf.sample": "S2"}')
    fake.existing = {"o-1": execution("o-1", inputs_json='{"wf.sample": "S1"}'),
                     "o-2": execution("o-2", inputs_json='{"wf.sample": "S2"}', env_guid="g-other-pool")}
    fake.found_after_loss = [execution("new-1", status="Submitted", inputs_json='{"wf.sample": "S2"}')]
    code, result = run_module(bce_wdl_execution.BceWdlExecutionModule,
                              dict(pool="pool-1", workflow_name="wf", workflow_source="obs://b/a.wdl",
                                   workflow_inputs=str(inputs), wait=False), capsys)
    assert code == 0 and result["submitted"] is True


def test_a_run_that_cannot_be_told_apart_is_never_resubmitted(fake, capsys):
    """Inputs given as an OBS URL cannot be compared with the stored inputs: refuse, submit nothing."""
    fake.existing = {"u-1": execution("u-1", inputs_json='{"wf.sample": "S1"}')}
    code, result = run_module(bce_wdl_execution.BceWdlExecutionModule,
                              dict(pool="pool-1", workflow_name="wf", workflow_source="obs://b/a.wdl",
                                   workflow_inputs="obs://b/in.json"), capsys)
    assert code == 1 and "cannot tell apart" in result["msg"] and "u-1" in result["msg"]
    assert not [c for c in FakeBce.last.calls if c[0] == "submit"]


def test_a_run_without_identity_fails_before_any_call(fake, capsys):
    code, result = run_module(bce_wdl_execution.BceWdlExecutionModule,
                              dict(pool="pool-1", workflow_source="obs://b/a.wdl"), capsys)
    assert code == 1 and "workflow_name" in result["msg"]
    assert FakeBce.last.calls == []


def test_local_source_declaring_another_workflow_fails_before_any_call(fake, capsys, tmp_path):
    wdl = tmp_path / "a.wdl"
    wdl.write_text("workflow align {\n}\n")
    code, result = run_module(bce_wdl_execution.BceWdlExecutionModule,
                              dict(pool="pool-1", workflow_name="other", workflow_source=str(wdl)), capsys)
    assert code == 1 and "align" in result["msg"]
    assert FakeBce.last.calls == []


def test_existing_failed_run_is_not_submitted_again_and_fails(fake, capsys):
    failed = execution("f-1", name="run-1", status="Failed")
    failed["status_summary"]["actual_node_status"] = {"name": "align", "status": "Failed"}
    fake.existing = {"f-1": failed}
    code, result = run_module(bce_wdl_execution.BceWdlExecutionModule,
                              dict(pool="pool-1", workflow_name="wf", workflow_source="obs://b/a.wdl"), capsys)
    assert code == 1 and result["submitted"] is False
    assert "failing task align has status Failed" in result["msg"]
    assert not [c for c in FakeBce.last.calls if c[0] == "submit"]


def test_name_without_pool_selects_and_never_submits(fake, capsys):
    code, result = run_module(bce_wdl_execution.BceWdlExecutionModule, dict(name="run-1"), capsys)
    assert code == 1 and "No WDL execution run-1 exists" in result["msg"]
    assert [c[0] for c in FakeBce.last.calls] == ["find"]


@pytest.mark.parametrize("status", ["Installing", "Creating", "PENDING", "", None])
def test_pool_not_ready_is_named_and_nothing_is_submitted(fake, capsys, status):
    fake.pools["pool-1"]["status"] = status
    code, result = run_module(bce_wdl_execution.BceWdlExecutionModule,
                              dict(pool="pool-1", workflow_name="wf", workflow_source="obs://b/a.wdl", wait=False), capsys)
    assert code == 1 and "not ready" in result["msg"] and repr(status) in result["msg"]
    assert not [c for c in FakeBce.last.calls if c[0] == "submit"]


@pytest.mark.parametrize("value", ["", "a/b", "bad\x07name", "x" * 102401])
def test_bad_execution_names_fail_before_any_call(fake, capsys, value):
    code, result = run_module(bce_wdl_execution.BceWdlExecutionModule, dict(name=value, state="absent"), capsys)
    assert code == 1 and "name" in result["msg"]
    assert FakeBce.last.calls == []


def test_lost_stop_answer_is_decided_by_reading_back(fake, capsys):
    running = execution("r-1", name="run-1", status="Running")
    fake.existing = {"r-1": running}
    stops = []

    def stop(self, exec_id):
        stops.append(exec_id)
        fake.existing = {"r-1": dict(running, status="Aborting")}
        raise OutcomeUnknownError(method="POST", url="http://x/stop", reason="reset")

    FakeBce.stop_execution, original = stop, FakeBce.stop_execution
    try:
        code, result = run_module(bce_wdl_execution.BceWdlExecutionModule,
                                  dict(id="r-1", state="stopped", wait=False), capsys)
    finally:
        FakeBce.stop_execution = original
    assert code == 0 and result["changed"] is True and result["execution"]["status"] == "Aborting"
    assert stops == ["r-1"]


def test_missing_file_fails_before_any_call(fake, capsys, tmp_path):
    code, result = run_module(bce_wdl_execution.BceWdlExecutionModule,
                              dict(name="run-1", pool="pool-1", workflow_source=str(tmp_path / "nope.wdl")), capsys)
    assert code == 1 and "nope.wdl" in result["msg"]
    assert FakeBce.last.calls == []


def test_stop_only_active_executions(fake, capsys):
    fake.existing = {"r-1": execution("r-1", name="run-1", status="Running")}
    code, result = run_module(bce_wdl_execution.BceWdlExecutionModule,
                              dict(name="run-1", state="stopped", wait=False), capsys)
    assert code == 0 and result["changed"] is True
    assert ("stop", "r-1") in FakeBce.last.calls
    fake.existing = {"r-1": execution("r-1", name="run-1", status="Succeeded")}
    code, result = run_module(bce_wdl_execution.BceWdlExecutionModule, dict(name="run-1", state="stopped"), capsys)
    assert code == 0 and result["changed"] is False
    assert not [c for c in FakeBce.last.calls if c[0] == "stop"]


def test_clean_data_deletes_through_the_batch_call(fake, capsys):
    fake.existing = {"e-1": execution("e-1", name="run-1")}
    fake.batch_answer = (["e-1"], {})
    code, result = run_module(bce_wdl_execution.BceWdlExecutionModule,
                              dict(name="run-1", state="absent", clean_data=True), capsys)
    assert code == 0 and result["deleted"] == ["e-1"]
    assert ("batch", ["e-1"], True) in FakeBce.last.calls


def test_pool_lost_create_is_found_by_name(fake, capsys):
    code, result = run_module(bce_pool.BcePoolModule, dict(name="p-1", type="dedicate", cluster_id="c1"), capsys)
    assert code == 0 and result["changed"] is True
    assert result["pool"]["guid"] == "g-new"
    assert len([c for c in FakeBce.last.calls if c[0] == "create_pool"]) == 1


def test_pool_recreate_in_check_mode_writes_nothing(fake, capsys):
    fake.pools = {"p-1": {"guid": "g-1", "cluster_name": "p-1", "cluster_type": "dedicate", "cluster_id": "c1"}}
    code, result = run_module(bce_pool.BcePoolModule,
                              dict(name="p-1", type="shared", cluster_id="ns", recreate=True, _ansible_check_mode=True),
                              capsys)
    assert code == 0 and result["changed"] is True and result["recreated"] is True
    assert result["pool"]["cluster_type"] == "shared"
    assert [c[0] for c in FakeBce.last.calls] == ["find_pool"]


def test_pool_password_never_in_output(fake, capsys):
    fake.pools = {}
    code, result = run_module(bce_pool.BcePoolModule, dict(
        name="c-1", type="cromwell", bucket_name="b", _ansible_check_mode=True,
        cromwell=dict(database_username="u", database_password="Pool-Pw-0042", database_url="jdbc:x")), capsys)
    assert code == 0 and result["changed"] is True
    assert "Pool-Pw-0042" not in json.dumps(result)


def test_pool_password_is_scrubbed_even_from_api_answers(fake, capsys):
    fake.pools = {"c-1": {"guid": "g-1", "cluster_name": "c-1", "cluster_type": "cromwell", "bucket_name": "b",
                          "cromwell_detail": '{"url": "jdbc:x", "password": "Pool-Pw-0042"}'}}
    code, result = run_module(bce_pool.BcePoolModule, dict(
        name="c-1", type="cromwell", bucket_name="b",
        cromwell=dict(database_username="u", database_password="Pool-Pw-0042")), capsys)
    assert code == 0 and result["changed"] is False
    assert "Pool-Pw-0042" not in json.dumps(result)
    assert "********" in result["pool"]["cromwell_detail"]


@pytest.mark.parametrize("pools, wanted", [
    ({}, "no BCE pool"),
    ({"pool-1": {"guid": "g-2", "cluster_name": "pool-1", "cluster_type": "dedicate", "cluster_id": "c1"}}, "not a Cromwell"),
])
def test_unknown_or_wrong_pool_fails_naming_pool_before_submitting(fake, capsys, pools, wanted):
    fake.pools = pools
    code, result = run_module(bce_wdl_execution.BceWdlExecutionModule,
                              dict(pool="pool-1", workflow_name="wf", workflow_source="obs://b/a.wdl"), capsys)
    assert code == 1 and result["msg"].startswith("pool:")
    assert wanted in result["msg"]
    assert "submit" not in [c[0] for c in FakeBce.last.calls]


def test_check_mode_predicts_a_run_in_a_pool_created_earlier_in_the_same_check_run(fake, capsys):
    fake.pools = {}
    code, result = run_module(bce_wdl_execution.BceWdlExecutionModule,
                              dict(pool="pool-1", workflow_name="wf", workflow_source="obs://b/a.wdl",
                                   _ansible_check_mode=True), capsys)
    assert code == 0 and result["changed"] is True and result["execution"]["status"] == "Submitted"
    assert "submit" not in [c[0] for c in FakeBce.last.calls]


def test_pool_given_by_guid_is_accepted(fake, capsys):
    fake.found_after_loss = [execution("new-1", name="run-1", status="Submitted")]
    code, result = run_module(bce_wdl_execution.BceWdlExecutionModule,
                              dict(pool="g-pool-1", workflow_name="wf", workflow_source="obs://b/a.wdl", wait=False),
                              capsys)
    assert code == 0 and result["submitted"] is True
    assert [c[1]["env_name"] for c in FakeBce.last.calls if c[0] == "submit"] == ["g-pool-1"]


def test_teardown_of_a_run_whose_pool_is_gone_is_unchanged(fake, capsys):
    fake.existing = {"d-1": execution("d-1", name="run-1")}
    fake.pools = {}
    code, result = run_module(bce_wdl_execution.BceWdlExecutionModule,
                              dict(pool="gone-pool", workflow_name="wf", state="absent"), capsys)
    assert code == 0 and result["changed"] is False
    assert not [c for c in FakeBce.last.calls if c[0] in ("delete", "batch")]


@pytest.mark.parametrize("args, missing", [
    (dict(type="dedicate"), "cluster_id"),
    (dict(type="cromwell", cromwell=dict(database_username="u", database_password="pw", database_url="jdbc:x")),
     "bucket_name"),
    (dict(type="cromwell", bucket_name="b"), "cromwell"),
    (dict(type="cromwell", bucket_name="b", cromwell=dict(cpu=None)), "cromwell"),
])
def test_pool_create_without_the_type_fields_fails_before_any_call(fake, capsys, args, missing):
    fake.pools = {}
    for check_mode in (False, True):
        code, result = run_module(bce_pool.BcePoolModule, dict(args, name="p-1", _ansible_check_mode=check_mode), capsys)
        assert code == 1 and missing in result["msg"] and args["type"] in result["msg"]
        assert FakeBce.last.calls == []


def test_shared_pool_without_cluster_id_is_created(fake, capsys):
    """Table 4-8: cluster_id is optional; a shared pool without it is sent as it is."""
    fake.pools = {}
    code, result = run_module(bce_pool.BcePoolModule, dict(name="p-1", type="shared"), capsys)
    creates = [c for c in FakeBce.last.calls if c[0] == "create_pool"]
    assert len(creates) == 1 and creates[0][1] == {"cluster_name": "p-1", "cluster_type": "shared"}


@pytest.mark.parametrize("value", ["", "  ", "a/b", "tab\there", "x" * 102401])
def test_bad_pool_names_fail_before_any_call(fake, capsys, value):
    code, result = run_module(bce_pool.BcePoolModule, dict(name=value, type="shared"), capsys)
    assert code == 1 and "pool name" in result["msg"]
    assert FakeBce.last.calls == []


def test_pool_recreate_without_the_type_fields_fails_before_the_delete(fake, capsys):
    fake.pools = {"p-1": {"guid": "g-1", "cluster_name": "p-1", "cluster_type": "shared", "cluster_id": "ns"}}
    code, result = run_module(bce_pool.BcePoolModule, dict(name="p-1", type="dedicate", recreate=True), capsys)
    assert code == 1 and "cluster_id" in result["msg"]
    assert FakeBce.last.calls == []


def test_existing_pool_needs_no_create_fields(fake, capsys):
    fake.pools = {"p-1": {"guid": "g-1", "cluster_name": "p-1", "cluster_type": "dedicate", "cluster_id": "c1"}}
    code, result = run_module(bce_pool.BcePoolModule, dict(name="p-1", description=None), capsys)
    assert code == 0 and result["changed"] is False


@pytest.mark.parametrize("args", [
    dict(id="../clusters/g-pool-1", state="absent"),
    dict(ids=["../clusters/g-pool-1"], state="absent"),
    dict(id="..", state="stopped"),
])
def test_an_execution_id_that_is_a_path_never_reaches_the_api(fake, capsys, args):
    code, result = run_module(bce_wdl_execution.BceWdlExecutionModule, args, capsys)
    assert code == 1 and "id" in result["msg"]
    assert FakeBce.last.calls == []
