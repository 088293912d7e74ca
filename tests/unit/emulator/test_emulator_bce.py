# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator's BCE service: resource pools and WDL executions (rules, errors, life cycles)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import hashlib
import json
import time

import pytest

PASSWORD = "Cr0mwell-DB-pw-7c1f"
WDL = b"version 1.0\nworkflow hello {\n  call prepare\n  call align\n  call report\n}\n"


def path(api, rest):
    return "/v1/%s%s" % (api.info["project_id"], rest)


def bce(api, method, rest, **kwargs):
    return api.call(method, "bce", path(api, rest), scope="project", **kwargs)


def set_speed(api, speed):
    assert api.hook("PUT", "/config", json={"speed": speed}).status_code == 200


def cromwell_body(name="cromwell-1", **extra):
    body = {"cluster_name": name, "cluster_type": "cromwell", "bucket_name": "genes",
            "extend_parameter": {"create_cromwell_param": {"username": "cromwell", "password": PASSWORD,
                                                           "url": "jdbc:mysql://10.0.0.5:3306/cromwell",
                                                           "database_name": "cromwell", "replicas": 1}}}
    body.update(extra)
    return body


def make_pool(api, body=None):
    resp = bce(api, "POST", "/clusters", json=body or cromwell_body())
    assert resp.status_code == 201, resp.text
    return resp.json()


def submit(api, env="cromwell-1", source=WDL, inputs=None, name=None, extra_files=None, params=None):
    parameters = {"env_name": env}
    if name:
        parameters["name"] = name
    parameters.update(params or {})
    files = {"parameters": (None, json.dumps(parameters))}
    if source is not None:
        files["workflow_source"] = ("hello.wdl", source)
    if inputs is not None:
        files["workflow_inputs"] = ("inputs.json", json.dumps(inputs).encode("utf-8"))
    files.update(extra_files or {})
    return bce(api, "POST", "/executions-extend", files=files)


def get_exec(api, exec_id):
    resp = bce(api, "GET", "/executions-extend/%s" % exec_id)
    assert resp.status_code == 200, resp.text
    return resp.json()


def wait_exec(api, exec_id, statuses, timeout=5.0):
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        body = get_exec(api, exec_id)
        status = body["execution"]["status"]
        if not seen or seen[-1] != status:
            seen.append(status)
        if status in statuses:
            return body, seen
        time.sleep(0.02)
    raise AssertionError("execution %s never reached %s (seen %s)" % (exec_id, statuses, seen))


def assert_bce_error(resp, status, code):
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert body["error_code"] == code
    assert body["error_msg"]
    assert "extend" in body and "show_detail" in body


# ------------------------------------------------------------------------------------------------ pools

def test_create_pools_of_each_type(api):
    dedicate = make_pool(api, {"cluster_name": "ded", "cluster_type": "dedicate", "cluster_id": "cce-1",
                               "description": "d"})
    shared = make_pool(api, {"cluster_name": "sh", "cluster_type": "shared", "cluster_id": "ns-1",
                             "namespace_id": "nsid"})
    crom = make_pool(api)
    assert dedicate["cluster_type"] == "dedicate" and dedicate["cluster_id"] == "cce-1"
    assert dedicate["description"] == "d" and dedicate["status"] == "Running"
    assert shared["namespace_id"] == "nsid" and "info" in shared
    assert crom["bucket_name"] == "genes" and crom["rds_database_name"] == "cromwell"
    assert crom["cromwell_deployment"] and crom["cromwell_secret"]
    assert len({dedicate["guid"], shared["guid"], crom["guid"]}) == 3
    assert crom["project_id"] == api.info["project_id"] and crom["domain_id"] == api.info["domain_id"]


@pytest.mark.parametrize("body, needle", [
    ({"cluster_name": "x", "cluster_type": "ief", "cluster_id": "c"}, "cluster_type"),
    ({"cluster_type": "dedicate", "cluster_id": "c"}, "cluster_name"),
    ({"cluster_name": "x", "cluster_type": "dedicate"}, "cluster_id"),
    ({"cluster_name": "x", "cluster_type": "cromwell", "extend_parameter": {"create_cromwell_param": {
        "username": "u", "password": "p", "url": "jdbc:x"}}}, "bucket_name"),
    ({"cluster_name": "x", "cluster_type": "cromwell", "bucket_name": "b"}, "create_cromwell_param"),
    ({"cluster_name": "x", "cluster_type": "cromwell", "bucket_name": "b", "extend_parameter": {
        "create_cromwell_param": {"username": "u", "url": "jdbc:x"}}}, "password"),
    ({"cluster_name": "x", "cluster_type": "cromwell", "bucket_name": "b", "extend_parameter": {
        "create_cromwell_param": {"username": "u", "password": "p"}}}, "url or rds_instance_id"),
])
def test_create_pool_validation(api, body, needle):
    resp = bce(api, "POST", "/clusters", json=body)
    assert_bce_error(resp, 400, "BCE.00010001")
    assert needle in resp.json()["error_msg"]
    assert bce(api, "GET", "/clusters").json()["total"] == 0


def test_pool_names_are_unique(api):
    make_pool(api)
    resp = bce(api, "POST", "/clusters", json={"cluster_name": "cromwell-1", "cluster_type": "dedicate",
                                               "cluster_id": "c"})
    assert_bce_error(resp, 400, "BCE.00010002")
    assert bce(api, "GET", "/clusters").json()["total"] == 1


def test_get_unknown_pool_is_404(api):
    resp = bce(api, "GET", "/clusters/0b5c8f53-0000-4000-8000-000000000000")
    assert_bce_error(resp, 404, "BCE.00010004")


def test_list_pools_filter_and_paging(api):
    for index in range(3):
        make_pool(api, {"cluster_name": "ded-%d" % index, "cluster_type": "dedicate", "cluster_id": "c%d" % index})
    make_pool(api)
    everything = bce(api, "GET", "/clusters").json()
    assert everything["total"] == 4 and len(everything["clusters"]) == 4
    dedicated = bce(api, "GET", "/clusters", params={"cluster_type": "dedicate"}).json()
    assert dedicated["total"] == 3
    assert {p["cluster_type"] for p in dedicated["clusters"]} == {"dedicate"}
    page1 = bce(api, "GET", "/clusters", params={"limit": 2, "offset": 0}).json()
    page2 = bce(api, "GET", "/clusters", params={"limit": 2, "offset": 2}).json()
    assert page1["total"] == page2["total"] == 4
    names = [p["cluster_name"] for p in page1["clusters"] + page2["clusters"]]
    assert sorted(names) == sorted(p["cluster_name"] for p in everything["clusters"])
    assert_bce_error(bce(api, "GET", "/clusters", params={"limit": "x"}), 400, "BCE.00010001")
    assert_bce_error(bce(api, "GET", "/clusters", params={"cluster_type": "nope"}), 400, "BCE.00010001")


def test_update_only_name_and_description(api):
    pool = make_pool(api)
    make_pool(api, {"cluster_name": "other", "cluster_type": "dedicate", "cluster_id": "c"})
    resp = bce(api, "PUT", "/clusters/%s" % pool["guid"], json={"cluster_name": "renamed", "description": "new"})
    assert resp.status_code == 200, resp.text
    assert resp.json() == {"cluster_name": "renamed", "description": "new", "guid": pool["guid"]}
    got = bce(api, "GET", "/clusters/%s" % pool["guid"]).json()
    assert got["cluster_name"] == "renamed" and got["description"] == "new"
    resp = bce(api, "PUT", "/clusters/%s" % pool["guid"], json={"cluster_type": "dedicate"})
    assert_bce_error(resp, 400, "BCE.00010003")
    assert "cluster_type" in resp.json()["error_msg"]
    assert_bce_error(bce(api, "PUT", "/clusters/%s" % pool["guid"], json={"cluster_name": "other"}),
                     400, "BCE.00010002")
    assert_bce_error(bce(api, "PUT", "/clusters/unknown", json={"description": "x"}), 404, "BCE.00010004")


def test_delete_is_asynchronous(api):
    set_speed(api, 1)
    pool = make_pool(api)
    resp = bce(api, "DELETE", "/clusters/%s" % pool["guid"])
    assert resp.status_code == 200
    assert resp.text == "Starting to delete cluster"
    assert resp.headers["Content-Type"].startswith("text/plain")
    got = bce(api, "GET", "/clusters/%s" % pool["guid"])
    assert got.status_code == 200 and got.json()["status"] == "Deleting"
    assert_bce_error(bce(api, "POST", "/clusters", json=cromwell_body()), 400, "BCE.00010002")
    again = bce(api, "DELETE", "/clusters/%s" % pool["guid"])
    assert again.status_code == 200
    set_speed(api, 1000)
    assert_bce_error(bce(api, "GET", "/clusters/%s" % pool["guid"]), 404, "BCE.00010004")
    assert bce(api, "GET", "/clusters").json()["total"] == 0
    assert bce(api, "POST", "/clusters", json=cromwell_body()).status_code == 201


def test_database_password_never_returned(api):
    pool = make_pool(api)
    responses = [json.dumps(pool), bce(api, "GET", "/clusters/%s" % pool["guid"]).text,
                 bce(api, "GET", "/clusters").text, api.hook("GET", "/state").text]
    for text in responses:
        assert PASSWORD not in text
    assert "password" not in json.loads(pool["cromwell_detail"])


def test_domain_scoped_token_is_refused(api):
    resp = api.call("GET", "bce", path(api, "/clusters"), scope="domain")
    assert resp.status_code == 403


# ------------------------------------------------------------------------------------------- executions

def test_wdl_success_life_cycle(api):
    make_pool(api)
    set_speed(api, 1)
    resp = submit(api, name="run-ok", inputs={"hello.sample": "s1"})
    assert resp.status_code == 201, resp.text
    created = resp.json()
    assert created["status"] == "Submitted" and created["id"] and created["message"]
    first = get_exec(api, created["id"])
    assert first["execution"]["status"] == "Submitted"
    assert first["status"]["node_number"] == 3 and first["status"]["finished_node_number"] == 0
    running, dummy = wait_exec(api, created["id"], ("Running",))
    assert running["status"]["actual_node_status"]["status"] == "Running"
    set_speed(api, 1000)
    done, seen = wait_exec(api, created["id"], ("Succeeded", "Failed"))
    assert done["execution"]["status"] == "Succeeded"
    assert seen[-1] == "Succeeded" and "Failed" not in seen
    assert done["status"]["finished_node_number"] == 3
    assert done["status"]["actual_node_status"]["name"] == "report"
    execution = done["execution"]
    assert execution["name"] == "run-ok" and execution["workflow_name"] == "hello"
    assert execution["target"] == "cromwell" and execution["wdl_name"] == "hello.wdl"
    assert set(done) == {"enterprise_project", "execution", "status"}


@pytest.mark.parametrize("inputs, source, task", [
    ({"hello.fleetops.fail": True}, WDL, "report"),
    ({"fleetops.fail": True, "fleetops.fail_task": "align"}, WDL, "align"),
    (None, WDL.replace(b"call report", b"call report # FLEETOPS_FAIL"), "report"),
])
def test_wdl_failure_triggers(api, inputs, source, task):
    make_pool(api)
    exec_id = submit(api, inputs=inputs, source=source).json()["id"]
    done, dummy = wait_exec(api, exec_id, ("Succeeded", "Failed"))
    assert done["execution"]["status"] == "Failed"
    node = done["status"]["actual_node_status"]
    assert node["name"] == task and node["status"] == "Failed"
    assert done["status"]["finished_node_number"] < done["status"]["node_number"]


def test_wdl_not_failing_when_flag_false(api):
    make_pool(api)
    exec_id = submit(api, inputs={"fleetops.fail": False}).json()["id"]
    done, dummy = wait_exec(api, exec_id, ("Succeeded", "Failed"))
    assert done["execution"]["status"] == "Succeeded"


def test_wdl_stop(api):
    make_pool(api)
    set_speed(api, 1)
    exec_id = submit(api).json()["id"]
    resp = bce(api, "POST", "/executions-extend/%s/stop" % exec_id)
    assert resp.status_code == 200, resp.text
    assert resp.json()["id"] == exec_id and resp.json()["status"] == "Aborting"
    assert get_exec(api, exec_id)["execution"]["status"] == "Aborting"
    assert bce(api, "POST", "/executions-extend/%s/stop" % exec_id).status_code == 200
    set_speed(api, 1000)
    done, dummy = wait_exec(api, exec_id, ("Aborted",))
    assert done["status"]["actual_node_status"]["status"] == "Aborted"
    assert_bce_error(bce(api, "POST", "/executions-extend/%s/stop" % exec_id), 400, "BCE.00020005")


def test_stop_finished_execution_is_an_error(api):
    make_pool(api)
    exec_id = submit(api).json()["id"]
    wait_exec(api, exec_id, ("Succeeded",))
    resp = bce(api, "POST", "/executions-extend/%s/stop" % exec_id)
    assert_bce_error(resp, 400, "BCE.00020005")
    assert get_exec(api, exec_id)["execution"]["status"] == "Succeeded"
    assert_bce_error(bce(api, "POST", "/executions-extend/nope/stop"), 404, "BCE.00020004")


def test_multipart_upload_is_recorded(api):
    make_pool(api)
    options = b'{"write_to_cache": false}'
    depends = b"\x50\x4b\x03\x04zip-bytes\x00\xff"
    resp = submit(api, inputs={"hello.sample": "s1"}, extra_files={
        "workflow_options": ("opts.json", options), "workflow_depends": ("deps.zip", depends)})
    assert resp.status_code == 201, resp.text
    uploads = api.hook("GET", "/state").json()["bce"]["uploads"][resp.json()["id"]]
    assert uploads["workflow_source"] == {"filename": "hello.wdl", "size": len(WDL),
                                          "sha256": hashlib.sha256(WDL).hexdigest()}
    assert uploads["workflow_options"]["sha256"] == hashlib.sha256(options).hexdigest()
    assert uploads["workflow_depends"] == {"filename": "deps.zip", "size": len(depends),
                                           "sha256": hashlib.sha256(depends).hexdigest()}
    assert uploads["workflow_inputs"]["filename"] == "inputs.json"


def test_obs_url_source_is_accepted(api):
    make_pool(api)
    resp = submit(api, source=None, params={"workflow_source": "obs://bucket/flows/hello.wdl"})
    assert resp.status_code == 201, resp.text
    execution = get_exec(api, resp.json()["id"])["execution"]
    assert execution["wdl_name"] == "hello.wdl"
    assert api.hook("GET", "/state").json()["bce"]["uploads"][resp.json()["id"]] == {}


def test_submit_errors(api):
    make_pool(api)
    make_pool(api, {"cluster_name": "ded", "cluster_type": "dedicate", "cluster_id": "c"})
    assert_bce_error(submit(api, env="missing"), 400, "BCE.00020002")
    assert_bce_error(submit(api, env="ded"), 400, "BCE.00020002")
    assert_bce_error(submit(api, source=None), 400, "BCE.00020001")
    bad_inputs = {"workflow_inputs": ("inputs.json", b"{not json")}
    assert_bce_error(submit(api, extra_files=bad_inputs), 400, "BCE.00020001")
    no_params = bce(api, "POST", "/executions-extend", files={"workflow_source": ("a.wdl", WDL)})
    assert_bce_error(no_params, 400, "BCE.00020001")
    not_multipart = bce(api, "POST", "/executions-extend", json={"env_name": "cromwell-1"})
    assert not_multipart.status_code == 400
    assert bce(api, "GET", "/executions-extend").json()["total_num"] == 0


def test_submit_to_pool_being_deleted(api):
    set_speed(api, 1)
    pool = make_pool(api)
    assert bce(api, "DELETE", "/clusters/%s" % pool["guid"]).status_code == 200
    assert_bce_error(submit(api), 400, "BCE.00020002")


def test_list_executions_filters_and_paging(api):
    make_pool(api)
    ids = [submit(api, name="align-%d" % i).json()["id"] for i in range(3)]
    failing = submit(api, name="broken", inputs={"fleetops.fail": True}).json()["id"]
    wait_exec(api, failing, ("Failed",))
    for exec_id in ids:
        wait_exec(api, exec_id, ("Succeeded",))
    listed = bce(api, "GET", "/executions-extend").json()
    assert listed["total_num"] == 4
    assert set(listed["executions"][0]) == {"enterprise_project", "execution", "status"}
    by_name = bce(api, "GET", "/executions-extend", params={"name": "align"}).json()
    assert by_name["total_num"] == 3
    by_guid = bce(api, "GET", "/executions-extend", params={"guid": ids[1][:13]}).json()
    assert [e["execution"]["guid"] for e in by_guid["executions"]] == [ids[1]]
    failed = bce(api, "GET", "/executions-extend", params={"status": "Failed"}).json()
    assert [e["execution"]["guid"] for e in failed["executions"]] == [failing]
    page = bce(api, "GET", "/executions-extend", params={"limit": 3, "offset": 2}).json()
    assert page["total_num"] == 4 and len(page["executions"]) == 2
    assert_bce_error(bce(api, "GET", "/executions-extend", params={"status": "Done"}), 400, "BCE.00020001")


def test_delete_one_execution(api):
    make_pool(api)
    exec_id = submit(api).json()["id"]
    resp = bce(api, "DELETE", "/executions-extend/%s" % exec_id)
    assert resp.status_code == 204 and resp.content == b""
    assert_bce_error(bce(api, "GET", "/executions-extend/%s" % exec_id), 404, "BCE.00020004")
    assert_bce_error(bce(api, "DELETE", "/executions-extend/%s" % exec_id), 404, "BCE.00020004")
    assert exec_id not in api.hook("GET", "/state").json()["bce"]["uploads"]


def test_batch_delete_partial_success(api):
    make_pool(api)
    first = submit(api).json()["id"]
    second = submit(api).json()["id"]
    since = api.requests_since()["next"]
    resp = bce(api, "DELETE", "/executions-extend", json={"execution_ids": [first, "no-such-id"],
                                                          "clean_data": True})
    assert resp.status_code == 200, resp.text
    results = resp.json()["executions"]
    assert [r["id"] for r in results] == [first, "no-such-id"]
    assert results[0]["error"] is None
    assert results[1]["error"]["error_code"] == "BCE.00020004"
    remaining = [e["execution"]["guid"] for e in bce(api, "GET", "/executions-extend").json()["executions"]]
    assert remaining == [second]
    writes = [r for r in api.requests_since(since)["requests"] if r["write"] and r["service"] == "bce"]
    assert len(writes) == 1 and writes[0]["method"] == "DELETE"


@pytest.mark.parametrize("body", [{}, {"execution_ids": []}, {"execution_ids": "abc"},
                                  {"execution_ids": ["a"], "clean_data": "yes"}])
def test_batch_delete_validation(api, body):
    assert_bce_error(bce(api, "DELETE", "/executions-extend", json=body), 400, "BCE.00020001")


# ------------------------------------------------------------------------------------------------ readings

@pytest.fixture
def readings(api):
    """Turn BCE readings on for one test; all off again afterwards."""
    names = ("bce_exec_server_names", "bce_not_found_400", "bce_pool_status_unknown")

    def turn_on(*chosen):
        resp = api.hook("PUT", "/config", json={"readings": dict((n, n in chosen) for n in names)})
        assert resp.status_code == 200, resp.text

    yield turn_on
    turn_on()


def test_shared_pool_without_cluster_id_is_accepted(api):
    """Table 4-8: cluster_id is optional."""
    pool = make_pool(api, {"cluster_name": "sh", "cluster_type": "shared"})
    assert pool["cluster_type"] == "shared" and pool["cluster_id"] == ""


def test_readings_are_declared(api):
    listing = api.hook("GET", "/readings").json()
    listing = listing.get("readings", listing)
    for name in ("bce_exec_server_names", "bce_not_found_400", "bce_pool_status_unknown"):
        assert listing[name]["service"] == "bce" and listing[name]["section"].startswith("§4.")


def test_default_names_an_execution_after_its_workflow(api):
    make_pool(api)
    exec_id = submit(api).json()["id"]
    assert get_exec(api, exec_id)["execution"]["name"] == "hello"


def test_server_named_executions(api, readings):
    readings("bce_exec_server_names")
    make_pool(api)
    first = get_exec(api, submit(api, name="ignored").json()["id"])["execution"]
    second = get_exec(api, submit(api).json()["id"])["execution"]
    assert first["name"] != second["name"] and first["name"].startswith("hello-") and first["name"] != "ignored"
    assert first["workflow_name"] == "hello"


def test_not_found_as_400(api, readings):
    readings("bce_not_found_400")
    unknown = "0b5c8f53-0000-4000-8000-000000000000"
    for method, rest in (("GET", "/clusters/%s" % unknown), ("DELETE", "/clusters/%s" % unknown),
                         ("PUT", "/clusters/%s" % unknown), ("GET", "/executions-extend/%s" % unknown),
                         ("DELETE", "/executions-extend/%s" % unknown),
                         ("POST", "/executions-extend/%s/stop" % unknown)):
        kwargs = {"json": {"description": "d"}} if method == "PUT" else {}
        resp = bce(api, method, rest, **kwargs)
        assert resp.status_code == 400, (method, rest, resp.text)
        assert resp.json()["error_code"] in ("BCE.00010001", "BCE.00020001")
    batch = bce(api, "DELETE", "/executions-extend", json={"execution_ids": [unknown]}).json()
    assert batch["executions"][0]["error"]["error_code"] == "BCE.00020001"


def test_unknown_pool_statuses_and_no_submission_before_ready(api, readings):
    readings("bce_pool_status_unknown")
    set_speed(api, 1)
    try:
        pool = make_pool(api)
        assert pool["status"] == "Installing"
        assert_bce_error(submit(api), 400, "BCE.00020002")
        listed = bce(api, "GET", "/clusters").json()["clusters"][0]
        assert listed["status"] == "Installing"
        set_speed(api, 1000)
        time.sleep(0.05)  # 50 emulated seconds, well past the 10 s install phase, however fast the machine is
        assert bce(api, "GET", "/clusters/%s" % pool["guid"]).json()["status"] == "Available"
        assert submit(api).status_code == 201
    finally:
        set_speed(api, 50)


def test_an_encoded_id_never_reaches_another_resource(api):
    pool = make_pool(api)
    resp = bce(api, "GET", "/executions-extend/..%%2Fclusters%%2F%s" % pool["guid"])
    assert resp.status_code in (400, 404)
    assert bce(api, "GET", "/clusters/%s" % pool["guid"]).status_code == 200
