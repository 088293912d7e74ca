# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the BCE facade: payloads, spelling drift, file rules, pagination, find-by-exact-name, batch results."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from ansible_collections.fleetops.cloud.plugins.module_utils import bce
from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ApiError, ConfigurationError
from ansible_collections.fleetops.cloud.plugins.module_utils.waiter import WaitFailure, WaitTimeout, wait_for


class Resp(object):
    def __init__(self, body, status=200):
        self.body = body
        self.status = status


class FakeClient(object):
    """Records calls; ``handler(method, path, kwargs)`` returns a body or raises."""

    def __init__(self, handler):
        self.handler = handler
        self.calls = []

    def call(self, service, method, path, **kwargs):
        self.calls.append((service, method, path, kwargs))
        return Resp(self.handler(method, path, kwargs))


def not_found(method, path):
    return ApiError(status=404, code="BCE.00010004", message="not found", method=method, url=path)


# ---------------------------------------------------------------------------------------------- pure helpers

@pytest.mark.parametrize("value, expected", [
    ("obs://bucket/flow.wdl", True),
    ("OBS://bucket/flow.wdl", True),
    ("https://bucket.obs.cn-north-4.myhuaweicloud.com:443/path/object", True),
    ("http://example.invalid/x", True),
    ("files/flow.wdl", False),
    ("/abs/obs://weird", False),
    ("obs:/missing-slash", False),
])
def test_url_rule(value, expected):
    assert bce.is_url(value) is expected


def test_classify_workflow_parts_splits_urls_and_paths():
    urls, files = bce.classify_workflow_parts({
        "workflow_source": "flows/a.wdl", "workflow_inputs": "obs://b/in.json", "workflow_options": None,
        "workflow_depends": "https://b.obs.example/deps.zip", "other": "ignored"})
    assert urls == {"workflow_inputs": "obs://b/in.json", "workflow_depends": "https://b.obs.example/deps.zip"}
    assert files == {"workflow_source": "flows/a.wdl"}


def test_check_local_files_names_every_missing_file(tmp_path):
    present = tmp_path / "a.wdl"
    present.write_text("workflow a {}")
    with pytest.raises(ConfigurationError) as err:
        bce.check_local_files({"workflow_source": str(present), "workflow_inputs": str(tmp_path / "no.json"),
                               "workflow_depends": str(tmp_path / "no.zip")})
    assert "workflow_inputs" in str(err.value) and "no.json" in str(err.value)
    assert "workflow_depends" in str(err.value)
    assert "workflow_source" not in str(err.value)


def test_size_limit_applies_to_aksk_only(tmp_path):
    big = tmp_path / "big.json"
    big.write_bytes(b"x" * 600)
    small = tmp_path / "small.wdl"
    small.write_bytes(b"y" * 500)
    files = {"workflow_inputs": str(big), "workflow_source": str(small)}
    assert bce.check_local_files(files, aksk=False, limit=1000) == 1100
    assert bce.check_local_files({"workflow_inputs": str(big)}, aksk=True, limit=1000) == 600
    with pytest.raises(ConfigurationError) as err:
        bce.check_local_files(files, aksk=True, limit=1000)
    assert "1100 bytes" in str(err.value) and "12 MB" in str(err.value)


@pytest.mark.parametrize("spelling, expected", [
    ("CCE", "dedicate"), ("dedicate", "dedicate"), ("CCI", "shared"), ("shared", "shared"),
    ("Cromwell", "cromwell"), (None, None), ("ief", "ief")])
def test_pool_type_spellings(spelling, expected):
    assert bce.normalise_pool_type(spelling) == expected


def test_validate_pool_type():
    assert bce.validate_pool_type("shared") == "shared"
    assert bce.validate_pool_type(None) is None
    with pytest.raises(ConfigurationError) as err:
        bce.validate_pool_type("kubernetes")
    assert "kubernetes" in str(err.value) and "dedicate" in str(err.value)


def test_pool_body_leaves_unset_options_out_and_maps_cromwell_names():
    assert bce.build_pool_body("p", "dedicate", cluster_id="c1") == {
        "cluster_name": "p", "cluster_type": "dedicate", "cluster_id": "c1"}
    body = bce.build_pool_body("p", "cromwell", description="", bucket_name="b", cromwell={
        "cpu": "2", "replicas": 1, "database_url": "jdbc:x", "database_username": "u", "database_password": "pw",
        "open_auto_gc": False, "image": None})
    assert body["description"] == ""
    assert body["extend_parameter"] == {"create_cromwell_param": {
        "cpu": "2", "replicas": 1, "url": "jdbc:x", "username": "u", "password": "pw", "open_auto_gc": False}}


def test_predicted_and_normalised_pools_carry_no_password():
    body = bce.build_pool_body("p", "cromwell", bucket_name="b", cromwell={
        "database_password": "pw-123", "database_name": "db", "rds_instance_id": "rds-1", "cromwell_type": "cci"})
    predicted = bce.predict_pool(body)
    assert "pw-123" not in json.dumps(predicted)
    assert predicted["rds_database_name"] == "db" and predicted["rds_instance_id"] == "rds-1"
    assert predicted["cromwell_type"] == "cci"
    normalised = bce.normalise_pool({"guid": "g", "cluster_type": "CCI", "password": "pw-123"})
    assert normalised == {"guid": "g", "cluster_type": "shared"}
    assert bce.normalise_pool(None) is None


def test_immutable_differences_compare_only_set_options():
    current = bce.normalise_pool({"guid": "g", "cluster_type": "CCE", "cluster_id": "c1", "namespace_id": "",
                                  "bucket_name": None, "cromwell_type": None})
    unset = {"type": None, "cluster_id": None, "namespace_id": None, "bucket_name": None, "cromwell": None}
    assert bce.pool_immutable_differences(unset, current) == []
    same = dict(unset, type="dedicate", cluster_id="c1")
    assert bce.pool_immutable_differences(same, current) == []
    changed = dict(unset, type="shared", cluster_id="c2", namespace_id="")
    assert bce.pool_immutable_differences(changed, current) == ["type", "cluster_id"]
    # an empty string is a value, compared with the (empty) current one
    assert bce.pool_immutable_differences(dict(unset, namespace_id="ns"), current) == ["namespace_id"]


def test_immutable_cromwell_fields_only_when_reported():
    current = {"cluster_type": "cromwell", "bucket_name": "b", "cromwell_type": "cce", "rds_database_name": "db"}
    desired = {"type": "cromwell", "bucket_name": "b", "cromwell": {
        "cromwell_type": "cci", "database_name": "db", "rds_instance_id": "rds-9", "database_password": "x"}}
    assert bce.pool_immutable_differences(desired, current) == ["cromwell.cromwell_type"]


def test_execution_parameters_json():
    """Only the fields of table 4-39: env_name, workflow_id and the workflow parts; never a name."""
    text = bce.build_execution_parameters("pool-1", workflow_id="wf", urls={"workflow_source": "obs://b/a.wdl"})
    assert json.loads(text) == {"env_name": "pool-1", "workflow_id": "wf", "workflow_source": "obs://b/a.wdl"}
    assert json.loads(bce.build_execution_parameters("p")) == {"env_name": "p"}


RECORD = {
    "enterprise_project": {"id": "0", "name": "default"},
    "execution": {"guid": "e-1", "name": "run", "status": "Failed", "node_number": 3},
    "status": {"node_number": 3, "finished_node_number": 1,
               "actual_node_status": {"name": "align", "status": "Failed",
                                      "sub_job_status": {"name": "align-0", "status": "Failed"}}},
}


def test_normalise_execution_flattens_the_answer():
    execution = bce.normalise_execution(RECORD)
    assert execution["id"] == execution["guid"] == "e-1"
    assert execution["status"] == "Failed"
    assert execution["status_summary"]["finished_node_number"] == 1
    assert execution["enterprise_project"]["name"] == "default"
    assert RECORD["execution"].get("id") is None  # the input is not modified
    assert bce.normalise_execution(None) is None


def test_execution_failure_names_the_failing_task():
    text = bce.execution_failure(bce.normalise_execution(RECORD))
    assert "failing task align has status Failed" in text
    assert "sub job align-0" in text
    assert "1 of 3 tasks finished" in text


def test_split_batch_result():
    body = {"executions": [{"id": "a", "error": None},
                           {"id": "b", "error": {"error_code": "BCE.00020004", "error_msg": "not found"}},
                           {"id": "c", "error": {}}]}
    deleted, failed = bce.split_batch_result(["a", "b", "c", "d"], body)
    assert deleted == ["a", "c"]
    assert failed["b"] == {"error_code": "BCE.00020004", "error_msg": "not found"}
    assert "does not mention" in failed["d"]["error_msg"]


# ---------------------------------------------------------------------------------------------- BceApi calls

def test_list_pools_follows_pagination_with_item_offsets(monkeypatch):
    monkeypatch.setattr(bce, "PAGE_SIZE", 2)
    pools = [{"guid": "g%d" % i, "cluster_name": "p%d" % i, "cluster_type": "CCE"} for i in range(5)]

    def handler(method, path, kwargs):
        query = kwargs["query"]
        offset = query.get("offset", 0)
        return {"clusters": pools[offset:offset + query["limit"]], "total": len(pools)}

    client = FakeClient(handler)
    result = bce.BceApi(client).list_pools()
    assert [p["guid"] for p in result] == ["g0", "g1", "g2", "g3", "g4"]
    assert all(p["cluster_type"] == "dedicate" for p in result)
    assert [c[3]["query"].get("offset") for c in client.calls] == [None, 2, 4]
    assert all(c[2] == "/v1/{project_id}/clusters" and c[0] == "bce" for c in client.calls)


def test_pagination_stops_when_a_page_repeats(monkeypatch):
    monkeypatch.setattr(bce, "PAGE_SIZE", 2)
    client = FakeClient(lambda m, p, k: {"clusters": [{"guid": "a"}, {"guid": "b"}], "total": 10})
    assert [p["guid"] for p in bce.BceApi(client).list_pools()] == ["a", "b"]
    assert len(client.calls) == 2


def test_find_pool_is_exact_and_get_pool_404_is_none():
    pools = [{"guid": "1", "cluster_name": "genomics-a"}, {"guid": "2", "cluster_name": "genomics"}]

    def handler(method, path, kwargs):
        if path.endswith("/clusters"):
            return {"clusters": pools, "total": 2}
        raise not_found(method, path)

    api = bce.BceApi(FakeClient(handler))
    assert api.find_pool("genomics")["guid"] == "2"
    assert api.find_pool("genom") is None
    assert api.get_pool("nope") is None
    assert api.delete_pool("nope") is False


def test_other_errors_propagate():
    def handler(method, path, kwargs):
        raise ApiError(status=500, code="BCE.00000500", message="boom", method=method, url=path)

    with pytest.raises(ApiError):
        bce.BceApi(FakeClient(handler)).get_pool("x")


def test_create_update_delete_calls():
    client = FakeClient(lambda m, p, k: {"guid": "g", "cluster_type": "shared"})
    api = bce.BceApi(client)
    created = api.create_pool({"cluster_name": "p"})
    api.update_pool("g", description="d")
    api.update_pool("g", name="n")
    api.delete_pool("g")
    assert created["guid"] == "g"
    assert client.calls[0][1:3] == ("POST", "/v1/{project_id}/clusters") and client.calls[0][3]["create"] is True
    assert client.calls[1][1:] == ("PUT", "/v1/{project_id}/clusters/g", {"json": {"description": "d"}})
    assert client.calls[2][3] == {"json": {"cluster_name": "n"}}
    assert client.calls[3][1:3] == ("DELETE", "/v1/{project_id}/clusters/g")


def test_find_executions_keeps_exact_names_newest_first():
    records = [
        {"execution": {"guid": "1", "name": "run-10", "create_at": "2026-01-03T00:00:00Z"}, "status": {}},
        {"execution": {"guid": "2", "name": "run-1", "create_at": "2026-01-01T00:00:00Z"}, "status": {}},
        {"execution": {"guid": "3", "name": "run-1", "create_at": "2026-01-02T00:00:00Z"}, "status": {}},
    ]
    client = FakeClient(lambda m, p, k: {"executions": records, "total_num": 3})
    found = bce.BceApi(client).find_executions("run-1")
    assert [e["guid"] for e in found] == ["3", "2"]
    assert client.calls[0][3]["query"] == {"name": "run-1", "limit": bce.PAGE_SIZE}


def test_submit_sends_parameters_as_a_form_part_and_files(tmp_path):
    source = tmp_path / "hello.wdl"
    source.write_text("workflow hello {}")
    seen = {}

    def handler(method, path, kwargs):
        parts = kwargs["files"]
        seen["names"] = [name for name, dummy in parts]
        seen["parameters"] = parts[0][1]
        seen["source"] = (parts[1][1][0], parts[1][1][1].read())
        seen["create"] = kwargs["create"]
        return {"id": "e-1", "status": "Submitted"}

    answer = bce.BceApi(FakeClient(handler)).submit_execution('{"env_name": "p"}', {"workflow_source": str(source)})
    assert answer["id"] == "e-1"
    assert seen["names"] == ["parameters", "workflow_source"]
    assert seen["parameters"] == (None, '{"env_name": "p"}', "application/json")
    assert seen["source"] == ("hello.wdl", b"workflow hello {}")
    assert seen["create"] is True


def test_batch_delete_body_and_result():
    answer = {"executions": [{"id": "a", "error": None}, {"id": "b", "error": {"error_code": "X", "error_msg": "no"}}]}
    client = FakeClient(lambda m, p, k: answer)
    deleted, failed = bce.BceApi(client).delete_executions(["a", "b"], clean_data=True)
    assert deleted == ["a"] and failed == {"b": {"error_code": "X", "error_msg": "no"}}
    assert client.calls[0][1:] == ("DELETE", "/v1/{project_id}/executions-extend",
                                   {"json": {"execution_ids": ["a", "b"], "clean_data": True}})


def test_stop_and_single_delete():
    def handler(method, path, kwargs):
        if method == "DELETE" and path.endswith("/gone"):
            raise not_found(method, path)
        return {"id": "e", "status": "Aborting"} if method == "POST" else None

    client = FakeClient(handler)
    api = bce.BceApi(client)
    assert api.stop_execution("e")["status"] == "Aborting"
    assert api.delete_execution("e") is True
    assert api.delete_execution("gone") is False
    assert client.calls[0][2] == "/v1/{project_id}/executions-extend/e/stop"
    # never re-sent blindly by the transport: the module reads the execution back after a lost answer
    assert client.calls[0][3] == {"create": True}


def test_submission_through_the_real_client_is_multipart_and_signed(fake_cloud, tmp_path):
    from ansible_collections.fleetops.cloud.plugins.module_utils.client import CloudClient
    from ansible_collections.fleetops.cloud.tests.unit.conftest import PROJECT_ID, reply

    fake_cloud.script("POST", "/bce/v1/%s/executions-extend" % PROJECT_ID,
                      reply(201, {"id": "e-1", "message": "ok", "status": "Submitted"}))
    source = tmp_path / "hello.wdl"
    source.write_bytes(b"workflow hello { call a }")
    params = dict(access_key="AK0000000000", secret_key="SK-secret-value", project_id=PROJECT_ID,
                  endpoints={"bce": fake_cloud.base + "/bce"}, validate_certs=True, api_timeout=10, max_retries=0,
                  token_cache=False)
    client = CloudClient(params)
    try:
        answer = bce.BceApi(client).submit_execution(bce.build_execution_parameters("pool"),
                                                     {"workflow_source": str(source)})
    finally:
        client.close()
    assert answer["id"] == "e-1"
    request = [r for r in fake_cloud.requests if r["method"] == "POST"][0]
    assert request["headers"]["Content-Type"].startswith("multipart/form-data; boundary=")
    assert request["headers"]["Authorization"].startswith("SDK-HMAC-SHA256 ")
    assert request["headers"]["X-Project-Id"] == PROJECT_ID
    body = request["body"]
    assert b'name="parameters"\r\n' in body
    assert b'"env_name": "pool"' in body
    assert b'name="workflow_source"; filename="hello.wdl"' in body
    assert b"workflow hello { call a }" in body


# ---------------------------------------------------------------------------------------------- path segments

@pytest.mark.parametrize("call", [
    lambda api: api.get_execution("../clusters/g-pool"),
    lambda api: api.delete_execution("../clusters/g-pool"),
    lambda api: api.stop_execution("../../clusters/g-pool"),
    lambda api: api.get_pool("g/../../executions-extend"),
    lambda api: api.update_pool("a/b", description="d"),
    lambda api: api.delete_pool("x/y"),
])
def test_an_id_that_is_a_path_is_refused_before_any_call(call):
    """bce_wdl_execution id=../clusters/<pool> once read a pool as an execution and reported it deleted."""
    client = FakeClient(lambda m, p, k: {"guid": "g-pool", "cluster_name": "p"})
    with pytest.raises(ConfigurationError) as err:
        call(bce.BceApi(client))
    assert "id" in str(err.value)
    assert client.calls == []


@pytest.mark.parametrize("call, what", [
    (lambda api: api.get_execution("a b?c#%"), "/executions-extend/a%20b%3Fc%23%25"),
    (lambda api: api.stop_execution("e..1"), "/executions-extend/e..1/stop"),
    (lambda api: api.get_pool("g;x=1"), "/clusters/g%3Bx%3D1"),
    (lambda api: api.update_pool("g+1", description="d"), "/clusters/g%2B1"),
])
def test_every_id_is_one_encoded_path_segment(call, what):
    client = FakeClient(lambda m, p, k: {"id": "e", "status": "Aborting"} if m == "POST" else {})
    call(bce.BceApi(client))
    assert client.calls[0][2] == "/v1/{project_id}" + what


@pytest.mark.parametrize("bad", ["", ".", "..", "a\nb", None])
def test_ids_that_cannot_be_a_segment_are_refused_before_any_call(bad):
    client = FakeClient(lambda m, p, k: {})
    api = bce.BceApi(client)
    for call in (api.get_execution, api.delete_execution, api.stop_execution, api.get_pool, api.delete_pool):
        with pytest.raises(ConfigurationError):
            call(bad)
    assert client.calls == []


# ---------------------------------------------------------------------------------------------- not found as 400

def bad_request(method, path):
    # The generic invalid-request code: nothing in the body but the status can say "not there".
    return ApiError(status=400, code="BCE.00000400", message="request invalid", method=method, url=path)


def test_a_400_to_a_get_by_id_is_absent():
    def handler(method, path, kwargs):
        raise bad_request(method, path)

    api = bce.BceApi(FakeClient(handler))
    assert api.get_pool("g-1") is None
    assert api.get_execution("e-1") is None


def test_a_400_to_a_delete_is_decided_by_reading_back():
    state = {"exists": True}

    def handler(method, path, kwargs):
        if method == "DELETE":
            raise bad_request(method, path)
        if state["exists"]:
            return {"guid": "g-1", "cluster_name": "p", "execution": {"guid": "e-1"}}
        raise bad_request(method, path)

    api = bce.BceApi(FakeClient(handler))
    with pytest.raises(ApiError):
        api.delete_pool("g-1")          # refused, and it is still there: a real refusal
    with pytest.raises(ApiError):
        api.delete_execution("e-1")
    state["exists"] = False
    assert api.delete_pool("g-1") is False
    assert api.delete_execution("e-1") is False


def test_a_batch_entry_that_failed_but_is_gone_counts_as_deleted():
    def handler(method, path, kwargs):
        if method == "DELETE":
            return {"executions": [{"id": "a", "error": {"error_code": "BCE.00000400", "error_msg": "x"}},
                                   {"id": "b", "error": {"error_code": "BCE.00000400", "error_msg": "y"}}]}
        if path.endswith("/b"):
            return {"execution": {"guid": "b"}, "status": {}}
        raise bad_request(method, path)

    deleted, failed = bce.BceApi(FakeClient(handler)).delete_executions(["a", "b"])
    assert deleted == ["a"] and list(failed) == ["b"]


# ---------------------------------------------------------------------------------------------- lookups at scale

def paged_pools(count, cap=None):
    pools = [{"guid": "g%04d" % i, "cluster_name": "pool-%04d" % i, "cluster_type": "CCE"} for i in range(count)]

    def handler(method, path, kwargs):
        query = kwargs["query"]
        limit = int(query["limit"])
        if cap is not None:
            limit = min(limit, cap)
        offset = int(query.get("offset", 0))
        return {"clusters": pools[offset:offset + limit], "total": len(pools)}
    return handler


@pytest.mark.parametrize("count", [10, 100, 1000])
def test_find_pool_is_one_call_at_any_size(count):
    client = FakeClient(paged_pools(count))
    api = bce.BceApi(client)
    assert api.find_pool("pool-%04d" % (count - 1))["guid"] == "g%04d" % (count - 1)
    assert len(client.calls) == 1
    assert api.find_pool("missing") is None
    assert len(client.calls) == 2


@pytest.mark.parametrize("count, calls_first, calls_last", [(10, 1, 1), (100, 1, 1), (1000, 1, 10)])
def test_a_server_that_caps_the_page_is_followed_and_the_lookup_stops_at_the_first_match(count, calls_first, calls_last):
    client = FakeClient(paged_pools(count, cap=100))
    api = bce.BceApi(client)
    assert api.find_pool("pool-0000")["guid"] == "g0000"
    assert len(client.calls) == calls_first
    del client.calls[:]
    assert api.find_pool("pool-%04d" % (count - 1)) is not None
    assert len(client.calls) == calls_last
    assert [c[3]["query"].get("offset") for c in client.calls] == [None] + [100 * i for i in range(1, calls_last)]


def test_find_pool_normalises_only_the_match(monkeypatch):
    seen = []
    original = bce.normalise_pool
    monkeypatch.setattr(bce, "normalise_pool", lambda pool: seen.append(pool) or original(pool))
    bce.BceApi(FakeClient(paged_pools(1000))).find_pool("pool-0500")
    assert len(seen) == 1


@pytest.mark.parametrize("count", [10, 100, 1000])
def test_execution_lookups_are_one_filtered_call(count):
    records = [{"execution": {"guid": "e%04d" % i, "name": "wf-%04d" % i, "workflow_name": "wf" if i % 2 else "other",
                              "create_at": "2026-01-01T00:00:00Z"}, "status": {}} for i in range(count)]

    def handler(method, path, kwargs):
        query = kwargs["query"]
        items = [r for r in records if query.get("workflow_name") in (None, r["execution"]["workflow_name"])]
        items = [r for r in items if query.get("name", "") in r["execution"]["name"]]
        return {"executions": items[:int(query["limit"])], "total_num": len(items)}

    client = FakeClient(handler)
    api = bce.BceApi(client)
    assert [e["guid"] for e in api.find_executions("wf-0003")] == ["e0003"]
    runs = api.find_runs(workflow_name="wf")
    assert len(runs) == count // 2
    assert len(client.calls) == 2
    assert client.calls[1][3]["query"] == {"workflow_name": "wf", "limit": bce.PAGE_SIZE}


# ---------------------------------------------------------------------------------------------- identity helpers

def test_names_are_checked_for_emptiness_length_control_characters_and_slash():
    assert bce.validate_name("genomics-cromwell_1.x") == "genomics-cromwell_1.x"
    assert bce.validate_name("x" * bce.NAME_MAX)
    for bad in ("", "   ", "a/b", "a\x00b", "x" * (bce.NAME_MAX + 1), None, 3):
        with pytest.raises(ConfigurationError):
            bce.validate_name(bad, "pool name")


@pytest.mark.parametrize("status, expected", [
    ("Running", "ready"), ("AVAILABLE", "ready"), ("active", "ready"), ("Ready", "ready"), ("Normal", "ready"),
    ("Failed", "failed"), ("ERROR", "failed"), ("Abnormal", "failed"),
    ("Installing", "pending"), ("Creating", "pending"), ("Frobnicating", "pending"), ("", "pending"), (None, "pending"),
])
def test_pool_readiness_treats_every_unknown_status_as_not_ready(status, expected):
    assert bce.pool_readiness({"status": status}) == expected


def test_workflow_name_and_inputs_comparison():
    assert bce.wdl_workflow_name("version 1.0\n\nworkflow hello_fleet {\n call a\n}") == "hello_fleet"
    assert bce.wdl_workflow_name("task only {\n}") is None
    assert bce.same_inputs({"inputs_json": '{"b": 1, "a": [1, 2]}'}, {"a": [1, 2], "b": 1}) is True
    assert bce.same_inputs({"inputs_json": '{"a": 2}'}, {"a": 1}) is False
    assert bce.same_inputs({"inputs_json": ""}, {}) is True
    assert bce.same_inputs({"inputs_json": "obs://b/in.json"}, {}) is None
    assert bce.same_inputs({}, {}) is None
    assert bce.same_inputs({"inputs_json": "{}"}, None) is None
    # inputs given as a URL: the same URL stored matches; stored content cannot be compared with a URL
    assert bce.same_inputs({"inputs_json": "obs://b/in.json"}, None, "obs://b/in.json") is True
    assert bce.same_inputs({"inputs_json": '{"a": 1}'}, None, "obs://b/in.json") is None


# ---------------------------------------------------------------------------------------------- pool readiness wait

class FakeClock(object):
    def __init__(self):
        self.now = 0.0
        self.pauses = []

    def time(self):
        return self.now

    def sleep(self, seconds):
        self.pauses.append(seconds)
        self.now += seconds


def _pool_api(statuses):
    """A BceApi whose GET of pool ``g1`` answers the given statuses in turn (None: the pool is gone)."""
    answers = list(statuses)

    def handler(method, path, kwargs):
        status = answers.pop(0) if len(answers) > 1 else answers[0]
        if status is None:
            raise not_found(method, path)
        return {"guid": "g1", "cluster_name": "p1", "status": status}
    return bce.BceApi(FakeClient(handler))


def _waiter(clock):
    def wait(fetch, status_of, targets, failures, timeout, delay, max_delay):
        return wait_for(fetch, status_of, targets, failures, timeout=timeout, delay=delay, max_delay=max_delay,
                        sleep=clock.sleep, clock=clock.time)
    return wait


def test_wait_pool_ready_returns_a_ready_pool_without_a_read():
    api = _pool_api(["Running"])
    pool = {"guid": "g1", "status": "Running"}
    assert bce.wait_pool_ready(_waiter(FakeClock()), api, pool, 60) is pool
    assert api.client.calls == []


def test_wait_pool_ready_reads_until_ready_backing_off_to_the_cap():
    clock = FakeClock()
    api = _pool_api(["Creating", "Installing", "Creating", "Creating", "Creating", "Available"])
    pool = bce.wait_pool_ready(_waiter(clock), api, {"guid": "g1", "status": "Creating"}, 600)
    assert pool["status"] == "Available"
    assert len(api.client.calls) == 6
    assert clock.pauses == [bce.POOL_WAIT_DELAY, 2, 4, 8, bce.POOL_WAIT_MAX_DELAY]


@pytest.mark.parametrize("statuses, last", [(["Creating", "CreateFailed"], "CreateFailed"), (["Creating", None], None)])
def test_wait_pool_ready_fails_on_a_failed_or_vanished_pool(statuses, last):
    api = _pool_api(statuses)
    with pytest.raises(WaitFailure) as info:
        bce.wait_pool_ready(_waiter(FakeClock()), api, {"guid": "g1", "status": "Creating"}, 600)
    assert (info.value.last or {}).get("status") == last


def test_wait_pool_ready_times_out_on_an_unknown_status():
    api = _pool_api(["Scaling"])
    with pytest.raises(WaitTimeout) as info:
        bce.wait_pool_ready(_waiter(FakeClock()), api, {"guid": "g1", "status": "Scaling"}, 30)
    assert info.value.last["status"] == "Scaling"
