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


def execution(guid, name="run", status="Succeeded"):
    return {"id": guid, "guid": guid, "name": name, "status": status,
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
    FakeBce.pools = {"pool-1": {"guid": "g-pool-1", "cluster_name": "pool-1", "cluster_type": "cromwell", "bucket_name": "b"}}
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


def test_lost_submission_found_by_name_continues(fake, capsys):
    fake.submit_error = OutcomeUnknownError(method="POST", url="http://x/executions-extend", reason="timeout")
    fake.found_after_loss = [execution("late-1", name="run-1")]
    code, result = run_module(bce_wdl_execution.BceWdlExecutionModule,
                              dict(name="run-1", pool="pool-1", workflow_source="obs://b/a.wdl", wait=False), capsys)
    assert code == 0 and result["changed"] is True and result["submitted"] is True
    assert result["execution"]["id"] == "late-1"
    submits = [c for c in FakeBce.last.calls if c[0] == "submit"]
    assert len(submits) == 1
    assert submits[0][1] == {"env_name": "pool-1", "name": "run-1", "workflow_source": "obs://b/a.wdl"}


def test_lost_submission_not_found_fails_clearly(fake, capsys):
    fake.submit_error = OutcomeUnknownError(method="POST", url="http://x/executions-extend", reason="timeout")
    code, result = run_module(bce_wdl_execution.BceWdlExecutionModule,
                              dict(name="run-1", pool="pool-1", workflow_source="obs://b/a.wdl"), capsys)
    assert code == 1 and "may not have happened" in result["msg"]
    assert len([c for c in FakeBce.last.calls if c[0] == "submit"]) == 1


def test_existing_name_is_not_submitted_again_and_failed_fails(fake, capsys):
    failed = execution("f-1", name="run-1", status="Failed")
    failed["status_summary"]["actual_node_status"] = {"name": "align", "status": "Failed"}
    fake.existing = {"f-1": failed}
    code, result = run_module(bce_wdl_execution.BceWdlExecutionModule,
                              dict(name="run-1", pool="pool-1", workflow_source="obs://b/a.wdl"), capsys)
    assert code == 1 and result["submitted"] is False
    assert "failing task align has status Failed" in result["msg"]
    assert not [c for c in FakeBce.last.calls if c[0] == "submit"]


def test_different_workflow_id_on_an_existing_execution_fails(fake, capsys):
    done = execution("d-1", name="run-1")
    done["workflow_id"] = "wf-1"
    fake.existing = {"d-1": done}
    code, result = run_module(bce_wdl_execution.BceWdlExecutionModule,
                              dict(name="run-1", pool="pool-1", workflow_id="wf-2"), capsys)
    assert code == 1 and "workflow_id" in result["msg"]


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
    for check_mode in (False, True):
        code, result = run_module(bce_wdl_execution.BceWdlExecutionModule,
                                  dict(name="run-1", pool="pool-1", workflow_source="obs://b/a.wdl",
                                       _ansible_check_mode=check_mode), capsys)
        assert code == 1 and result["msg"].startswith("pool:")
        assert wanted in result["msg"]
        assert [c[0] for c in FakeBce.last.calls] == ["find", "list_pools"]


def test_pool_given_by_guid_is_accepted(fake, capsys):
    fake.found_after_loss = [execution("new-1", name="run-1", status="Submitted")]
    code, result = run_module(bce_wdl_execution.BceWdlExecutionModule,
                              dict(name="run-1", pool="g-pool-1", workflow_source="obs://b/a.wdl", wait=False), capsys)
    assert code == 0 and result["submitted"] is True
    assert [c[1]["env_name"] for c in FakeBce.last.calls if c[0] == "submit"] == ["g-pool-1"]


def test_existing_execution_does_not_look_the_pool_up(fake, capsys):
    fake.existing = {"d-1": execution("d-1", name="run-1")}
    fake.pools = {}
    code, result = run_module(bce_wdl_execution.BceWdlExecutionModule,
                              dict(name="run-1", pool="gone-pool", workflow_source="obs://b/a.wdl"), capsys)
    assert code == 0 and result["changed"] is False
    assert "list_pools" not in [c[0] for c in FakeBce.last.calls]


@pytest.mark.parametrize("args, missing", [
    (dict(type="dedicate"), "cluster_id"),
    (dict(type="shared", cluster_id=""), "cluster_id"),
    (dict(type="cromwell", cromwell=dict(database_username="u", database_password="pw", database_url="jdbc:x")),
     "bucket_name"),
])
def test_pool_create_without_the_type_fields_fails_before_writing(fake, capsys, args, missing):
    fake.pools = {}
    for check_mode in (False, True):
        code, result = run_module(bce_pool.BcePoolModule, dict(args, name="p-1", _ansible_check_mode=check_mode), capsys)
        assert code == 1 and missing in result["msg"] and args["type"] in result["msg"]
        assert [c[0] for c in FakeBce.last.calls] == ["find_pool"]


def test_pool_recreate_without_the_type_fields_fails_before_the_delete(fake, capsys):
    fake.pools = {"p-1": {"guid": "g-1", "cluster_name": "p-1", "cluster_type": "shared", "cluster_id": "ns"}}
    code, result = run_module(bce_pool.BcePoolModule, dict(name="p-1", type="dedicate", recreate=True), capsys)
    assert code == 1 and "cluster_id" in result["msg"]
    assert [c[0] for c in FakeBce.last.calls] == ["find_pool"]


def test_existing_pool_needs_no_create_fields(fake, capsys):
    fake.pools = {"p-1": {"guid": "g-1", "cluster_name": "p-1", "cluster_type": "dedicate", "cluster_id": "c1"}}
    code, result = run_module(bce_pool.BcePoolModule, dict(name="p-1", type="dedicate"), capsys)
    assert code == 0 and result["changed"] is False
