# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator's Heat (orchestration) service: validation, stack life cycle, failures, listing, events."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import subprocess
import sys
import time

import pytest

import core
import heat as heat_module

yaml = pytest.importorskip("yaml")

EMULATOR_DIR = os.path.dirname(os.path.abspath(heat_module.__file__))

TEMPLATE = """
heat_template_version: 2018-08-31
description: web tier
parameter_groups:
  - label: sizing
    description: how big
    parameters: [flavor, count]
parameters:
  flavor:
    type: string
    label: Flavor
    description: server flavor
    default: m1.small
    constraints:
      - allowed_values: [m1.small, m1.large]
  count:
    type: number
    default: 2
    constraints:
      - range: {min: 1, max: 5}
  admin_pass:
    type: string
    hidden: true
    default: s3cr3t-value
  zones:
    type: comma_delimited_list
    default: [az1, az2]
  extra:
    type: json
    default: {a: 1}
  debug:
    type: boolean
    default: false
  key_name:
    type: string
resources:
  net:
    type: OS::Neutron::Net
    properties:
      name: {list_join: ['-', [{get_param: 'OS::stack_name'}, net]]}
  server:
    type: OS::Nova::Server
    depends_on: net
    properties:
      flavor: {get_param: flavor}
      key_name: {get_param: key_name}
      networks: [{network: {get_resource: net}}]
outputs:
  net_name:
    description: the network name
    value: {get_attr: [net, name]}
  server_ip:
    value: {get_attr: [server, first_address]}
  greeting:
    value:
      str_replace:
        template: hello NAME
        params: {NAME: {get_param: key_name}}
"""

FAILING = """
heat_template_version: 2018-08-31
parameters:
  fail: {type: boolean, default: false}
resources:
  ok:
    type: OS::Heat::RandomString
  flaky:
    type: OS::Heat::None
    properties:
      fail: {get_param: fail}
"""

SIMPLE = {"heat_template_version": "2018-08-31", "resources": {"r": {"type": "OS::Heat::None"}}}


def heat(api, method, rest, **kwargs):
    return api.call(method, "heat", "/v1/%s%s" % (api.info["project_id"], rest), scope="project", **kwargs)


def set_speed(api, speed):
    assert api.hook("PUT", "/config", json={"speed": speed}).status_code == 200


def assert_heat_error(resp, status, needle=None):
    assert resp.status_code == status, resp.text
    error = resp.json()["error"]
    assert error["code"] == status and error["title"] and error["message"]
    if needle:
        assert needle in error["message"], error["message"]
    return error["message"]


def create(api, name="web", template=TEMPLATE, **extra):
    body = {"stack_name": name, "template": template, "parameters": {"key_name": "ops"}}
    body.update(extra)
    resp = heat(api, "POST", "/stacks", json=body)
    assert resp.status_code == 201, resp.text
    return resp.json()["stack"]


def show(api, name, sid, **params):
    resp = heat(api, "GET", "/stacks/%s/%s" % (name, sid), params=params)
    assert resp.status_code == 200, resp.text
    return resp.json()["stack"]


def wait_status(api, name, sid, statuses, timeout=5.0):
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        stack = show(api, name, sid)
        if not seen or seen[-1] != stack["stack_status"]:
            seen.append(stack["stack_status"])
        if stack["stack_status"] in statuses:
            return stack, seen
        time.sleep(0.02)
    raise AssertionError("stack %s never reached %s (seen %s)" % (name, statuses, seen))


def events(api, name, sid, **params):
    """The events oldest first (Heat, and the emulator, list them newest first unless asked)."""
    params.setdefault("sort_dir", "asc")
    resp = heat(api, "GET", "/stacks/%s/%s/events" % (name, sid), params=params)
    assert resp.status_code == 200, resp.text
    return resp.json()["events"]


# --------------------------------------------------------------------------------------------- validate

def test_validate_returns_heat_parameter_view(api):
    since = api.requests_since()["next"]
    resp = heat(api, "POST", "/validate", json={"template": TEMPLATE,
                                                "environment": {"parameters": {"key_name": "from-env"}}})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["Description"] == "web tier"
    params = body["Parameters"]
    assert params["flavor"] == {"Type": "String", "Description": "server flavor", "Label": "Flavor",
                                "NoEcho": "false", "Default": "m1.small",
                                "AllowedValues": ["m1.small", "m1.large"]}
    assert params["count"]["Type"] == "Number" and params["count"]["MinValue"] == 1
    assert params["admin_pass"]["NoEcho"] == "true"
    assert params["zones"]["Type"] == "CommaDelimitedList" and params["extra"]["Type"] == "Json"
    assert params["key_name"]["Label"] == "key_name" and "Default" not in params["key_name"]
    assert params["key_name"]["Value"] == "from-env"
    assert body["ParameterGroups"][0]["parameters"] == ["flavor", "count"]
    assert body["Environment"]["parameters"] == {"key_name": "from-env"}
    assert set(body["Environment"]) >= {"parameters", "parameter_defaults", "resource_registry", "event_sinks"}
    logged = api.requests_since(since)["requests"]
    assert [r["write"] for r in logged if r["service"] == "heat"] == [False]


def test_validate_template_as_dict_and_file_url(api, tmp_path):
    assert heat(api, "POST", "/validate", json={"template": SIMPLE}).status_code == 200
    template_file = tmp_path / "t.yaml"
    template_file.write_text(TEMPLATE)
    resp = heat(api, "POST", "/validate", json={"template_url": "file://%s" % template_file})
    assert resp.status_code == 200, resp.text
    assert "flavor" in resp.json()["Parameters"]


@pytest.mark.parametrize("template, needle", [
    ({"resources": {}}, "Template format version not found"),
    ({"heat_template_version": "2099-13-45x", "resources": {}}, "template version is invalid"),
    ({"heat_template_version": "2018-08-31", "resourcez": {}}, "template section is invalid: resourcez"),
    ({"heat_template_version": "2018-08-31", "resources": {"r": {"properties": {}}}}, 'missing "type"'),
    ({"heat_template_version": "2018-08-31", "resources": {"r": {"type": "X", "propertiez": {}}}},
     '"propertiez" is not a valid keyword'),
    ({"heat_template_version": "2018-08-31",
      "resources": {"r": {"type": "X", "properties": {"a": {"get_param": "nope"}}}}},
     "The Parameter (nope) was not defined"),
    ({"heat_template_version": "2018-08-31", "outputs": {"o": {"value": {"get_param": "ghost"}}}},
     "The Parameter (ghost)"),
    ({"heat_template_version": "2018-08-31", "parameters": {"p": {"type": "integer"}}}, "Invalid type (integer)"),
    ({"heat_template_version": "2018-08-31", "parameters": {"p": {"type": "number", "default": "abc"}}},
     "Parameter 'p' is invalid"),
    ({"heat_template_version": "2018-08-31", "resources": {"r": {"type": "X", "depends_on": "ghost"}}},
     'reference "ghost"'),
    ({"heat_template_version": "2018-08-31", "outputs": {"o": {"value": {"get_attr": ["ghost", "a"]}}}},
     'reference "ghost"'),
    ({"heat_template_version": "2018-08-31", "parameter_groups": [{"parameters": ["ghost"]}]},
     "grouped parameter ghost"),
    ("heat_template_version: 2018-08-31\nresources: [unclosed", "Error parsing template"),
    ("- just\n- a list\n", "not a JSON object or YAML mapping"),
])
def test_validate_errors(api, template, needle):
    assert_heat_error(heat(api, "POST", "/validate", json={"template": template}), 400, needle)


def test_validate_refuses_network_urls(api):
    resp = heat(api, "POST", "/validate", json={"template_url": "http://example.invalid/t.yaml"})
    assert_heat_error(resp, 400, "file://")
    assert_heat_error(heat(api, "POST", "/validate", json={}), 400, "template")


# ------------------------------------------------------------------------------------------ life cycle

def test_create_get_update_delete(api):
    set_speed(api, 1)
    ref = create(api, tags="web,prod", timeout_mins=30)
    sid = ref["id"]
    assert ref["links"][0]["rel"] == "self" and ref["links"][0]["href"].endswith("/stacks/web/%s" % sid)
    by_name = heat(api, "GET", "/stacks/web", allow_redirects=False)
    assert by_name.status_code == 302
    assert by_name.headers["Location"].endswith("/stacks/web/%s" % sid)
    followed = heat(api, "GET", "/stacks/web", params={"resolve_outputs": "false"})
    assert followed.status_code == 200 and "resolve_outputs=false" in followed.url
    assert "outputs" not in followed.json()["stack"]
    assert heat(api, "GET", "/stacks/%s" % sid).json()["stack"]["id"] == sid
    stack = show(api, "web", sid)
    assert stack["stack_status"] == "CREATE_IN_PROGRESS"
    set_speed(api, 1000)
    stack, dummy = wait_status(api, "web", sid, ("CREATE_COMPLETE",))
    assert stack["tags"] == ["web", "prod"] and stack["timeout_mins"] == 30
    assert stack["disable_rollback"] is True and stack["template_description"] == "web tier"
    params = stack["parameters"]
    assert params["flavor"] == "m1.small" and params["count"] == "2" and params["key_name"] == "ops"
    assert params["admin_pass"] == "******" and params["zones"] == "az1,az2"
    assert json.loads(params["extra"]) == {"a": 1} and params["debug"] == "False"
    assert params["OS::stack_id"] == sid and params["OS::stack_name"] == "web"
    assert params["OS::project_id"] == api.info["project_id"]
    outputs = dict((o["output_key"], o) for o in stack["outputs"])
    assert outputs["net_name"]["output_value"] == "web-net"
    assert outputs["net_name"]["description"] == "the network name"
    assert outputs["server_ip"]["output_value"] == "server.first_address"
    assert outputs["greeting"]["output_value"] == "hello ops"
    source_form = api.call("GET", "heat", "/v1/%s/web/%s" % (api.info["project_id"], sid), scope="project")
    assert source_form.status_code == 200 and source_form.json()["stack"]["id"] == sid

    set_speed(api, 1)
    resp = heat(api, "PUT", "/stacks/web/%s" % sid, json={"template": TEMPLATE, "parameters": {
        "key_name": "ops2", "count": 4}})
    assert resp.status_code == 202, resp.text
    assert show(api, "web", sid)["stack_status"] == "UPDATE_IN_PROGRESS"
    busy = heat(api, "PUT", "/stacks/web/%s" % sid, json={"template": TEMPLATE, "parameters": {"key_name": "x"}})
    assert_heat_error(busy, 409, "in progress")
    set_speed(api, 1000)
    stack, dummy = wait_status(api, "web", sid, ("UPDATE_COMPLETE",))
    assert stack["parameters"]["count"] == "4" and stack["parameters"]["key_name"] == "ops2"
    assert stack["updated_time"] is not None

    set_speed(api, 1)
    assert heat(api, "DELETE", "/stacks/web/%s" % sid).status_code == 204
    assert show(api, "web", sid)["stack_status"] == "DELETE_IN_PROGRESS"
    set_speed(api, 1000)
    # as real Heat: the deleted stack still answers by name and id, DELETE_COMPLETE with its deletion time;
    # by name alone it is gone, and a second DELETE is a 404
    gone = show(api, "web", sid)
    assert gone["stack_status"] == "DELETE_COMPLETE" and gone["deletion_time"]
    assert_heat_error(heat(api, "DELETE", "/stacks/web/%s" % sid), 404)
    assert_heat_error(heat(api, "GET", "/stacks/web"), 404)
    assert heat(api, "GET", "/stacks").json()["stacks"] == []
    deleted = heat(api, "GET", "/stacks", params={"show_deleted": "true"}).json()["stacks"]
    assert [(s["id"], s["stack_status"]) for s in deleted] == [(sid, "DELETE_COMPLETE")]
    create(api)


def test_template_environment_and_files(api):
    files = {"env.yaml": "parameters:\n  count: 3\n", "script.sh": "echo hi"}
    ref = create(api, files=files, environment_files=["env.yaml"],
                 environment={"parameter_defaults": {"flavor": "m1.large"}})
    template = heat(api, "GET", "/stacks/web/%s/template" % ref["id"]).json()
    assert template["heat_template_version"] == "2018-08-31"
    assert template["resources"]["server"]["properties"]["flavor"] == {"get_param": "flavor"}
    env = heat(api, "GET", "/stacks/web/%s/environment" % ref["id"]).json()
    assert env["parameters"] == {"count": 3} and env["parameter_defaults"] == {"flavor": "m1.large"}
    assert heat(api, "GET", "/stacks/web/%s/files" % ref["id"]).json() == files
    params = show(api, "web", ref["id"])["parameters"]
    assert params["count"] == "3" and params["flavor"] == "m1.large"
    listed = heat(api, "GET", "/stacks/web/outputs").json()["outputs"]
    assert sorted(o["output_key"] for o in listed) == ["greeting", "net_name", "server_ip"]
    one = heat(api, "GET", "/stacks/web/%s/outputs/greeting" % ref["id"])
    assert one.status_code == 200 and one.json()["output"]["output_value"] == "hello ops"
    assert_heat_error(heat(api, "GET", "/stacks/web/%s/outputs/nope" % ref["id"]), 404)
    redirected = heat(api, "GET", "/stacks/web/template", allow_redirects=False)
    assert redirected.status_code == 302 and redirected.headers["Location"].endswith("/%s/template" % ref["id"])


@pytest.mark.parametrize("body, status, needle", [
    ({"stack_name": "1bad", "template": SIMPLE}, 400, "Invalid stack name"),
    ({"template": SIMPLE}, 400, "stack_name"),
    ({"stack_name": "s", "template": TEMPLATE}, 400, "The Parameter (key_name) was not provided."),
    ({"stack_name": "s", "template": TEMPLATE, "parameters": {"key_name": "k", "nope": 1}}, 400,
     "The Parameter (nope) was not defined in template."),
    ({"stack_name": "s", "template": TEMPLATE, "parameters": {"key_name": "k", "flavor": "m1.huge"}}, 400,
     "Parameter 'flavor' is invalid"),
    ({"stack_name": "s", "template": TEMPLATE, "parameters": {"key_name": "k", "count": 9}}, 400,
     "Parameter 'count' is invalid"),
    ({"stack_name": "s", "template": TEMPLATE, "parameters": {"key_name": "k", "count": "many"}}, 400,
     "could not convert"),
    ({"stack_name": "s", "template": SIMPLE, "timeout_mins": "soon"}, 400, "Invalid timeout"),
    ({"stack_name": "s", "template": SIMPLE, "tags": [1, 2]}, 400, "tags"),
    ({"stack_name": "s", "template": SIMPLE, "tags": ["a", "b"]}, 400, "tags"),
])
def test_create_errors(api, body, status, needle):
    assert_heat_error(heat(api, "POST", "/stacks", json=body), status, needle)
    assert heat(api, "GET", "/stacks").json()["stacks"] == []


def test_name_taken_is_409(api):
    create(api, template=SIMPLE, parameters={})
    resp = heat(api, "POST", "/stacks", json={"stack_name": "web", "template": SIMPLE})
    assert_heat_error(resp, 409, "The Stack (web) already exists.")
    assert resp.json()["error"]["title"] == "Conflict"


def test_failure_without_rollback(api):
    ref = create(api, name="bad", template=FAILING, parameters={"fail": True})
    stack, seen = wait_status(api, "bad", ref["id"], ("CREATE_FAILED", "CREATE_COMPLETE"))
    assert stack["stack_status"] == "CREATE_FAILED"
    assert "resources.flaky" in stack["stack_status_reason"]
    assert stack["stack_status_reason"].startswith("Resource CREATE failed")
    assert "ROLLBACK_IN_PROGRESS" not in seen
    time.sleep(0.1)
    assert show(api, "bad", ref["id"])["stack_status"] == "CREATE_FAILED"
    failed = [e for e in events(api, "bad", ref["id"]) if e["resource_status"] == "CREATE_FAILED"]
    assert [e["resource_name"] for e in failed] == ["flaky", "bad"]
    assert "resources.flaky" in failed[0]["resource_status_reason"]


def test_failure_with_rollback(api):
    template = {"heat_template_version": "2018-08-31",
                "resources": {"boom": {"type": "FleetOps::Test::Fail"}, "ok": {"type": "OS::Heat::None"}}}
    ref = create(api, name="rb", template=template, parameters={}, disable_rollback=False)
    stack, seen = wait_status(api, "rb", ref["id"], ("ROLLBACK_COMPLETE", "CREATE_COMPLETE"))
    assert stack["stack_status"] == "ROLLBACK_COMPLETE"
    assert stack["disable_rollback"] is False
    statuses = [e["resource_status"] for e in events(api, "rb", ref["id"], resource_name="rb")]
    assert statuses == ["CREATE_IN_PROGRESS", "CREATE_FAILED", "ROLLBACK_IN_PROGRESS", "ROLLBACK_COMPLETE"]
    boom = events(api, "rb", ref["id"], resource_name="boom")
    assert "CREATE_FAILED" in [e["resource_status"] for e in boom]
    assert "FleetOps::Test::Fail" in [e for e in boom if e["resource_status"] == "CREATE_FAILED"][0][
        "resource_status_reason"]
    assert heat(api, "GET", "/stacks/rb/%s/resources" % ref["id"]).json()["resources"] == []


def test_update_failure_rolls_back_to_previous_template(api):
    ref = create(api, name="up", template=FAILING, parameters={}, disable_rollback=False)
    wait_status(api, "up", ref["id"], ("CREATE_COMPLETE",))
    broken = FAILING.replace("OS::Heat::RandomString", "FleetOps::Test::Fail")
    resp = heat(api, "PUT", "/stacks/up/%s" % ref["id"], json={"template": broken})
    assert resp.status_code == 202
    stack, seen = wait_status(api, "up", ref["id"], ("ROLLBACK_COMPLETE", "UPDATE_COMPLETE", "UPDATE_FAILED"))
    assert stack["stack_status"] == "ROLLBACK_COMPLETE"
    template = heat(api, "GET", "/stacks/up/%s/template" % ref["id"]).json()
    assert template["resources"]["ok"]["type"] == "OS::Heat::RandomString"
    update_events = [e["resource_status"] for e in events(api, "up", ref["id"], resource_name="up")]
    assert "UPDATE_FAILED" in update_events and update_events[-1] == "ROLLBACK_COMPLETE"


def test_update_failure_without_rollback_and_patch(api):
    ref = create(api, name="pt", template=FAILING, parameters={})
    wait_status(api, "pt", ref["id"], ("CREATE_COMPLETE",))
    resp = heat(api, "PATCH", "/stacks/pt/%s" % ref["id"], json={"parameters": {"fail": "true"}})
    assert resp.status_code == 202
    stack, dummy = wait_status(api, "pt", ref["id"], ("UPDATE_FAILED", "UPDATE_COMPLETE"))
    assert stack["stack_status"] == "UPDATE_FAILED" and "resources.flaky" in stack["stack_status_reason"]
    assert stack["parameters"]["fail"] == "True"
    resp = heat(api, "PATCH", "/stacks/pt", json={"clear_parameters": ["fail"]})
    assert resp.status_code == 202
    stack, dummy = wait_status(api, "pt", ref["id"], ("UPDATE_COMPLETE", "UPDATE_FAILED"))
    assert stack["stack_status"] == "UPDATE_COMPLETE" and stack["parameters"]["fail"] == "False"


def test_patch_keeps_existing_parameters(api):
    ref = create(api, parameters={"key_name": "keep-me", "count": 3})
    wait_status(api, "web", ref["id"], ("CREATE_COMPLETE",))
    assert heat(api, "PATCH", "/stacks/web/%s" % ref["id"], json={"parameters": {"count": 5}}).status_code == 202
    stack, dummy = wait_status(api, "web", ref["id"], ("UPDATE_COMPLETE",))
    assert stack["parameters"]["key_name"] == "keep-me" and stack["parameters"]["count"] == "5"
    full = {"template": TEMPLATE, "parameters": {"key_name": "k"}}
    assert heat(api, "PUT", "/stacks/web/%s" % ref["id"], json=full).status_code == 202
    stack, dummy = wait_status(api, "web", ref["id"], ("UPDATE_COMPLETE",))
    assert stack["parameters"]["count"] == "2"
    assert_heat_error(heat(api, "PUT", "/stacks/web/%s" % ref["id"], json={"template": TEMPLATE}), 400,
                      "key_name")


def test_hidden_parameter_values_stay_out_of_state_and_answers(api):
    secret = "Pw-9f2c-unique-hidden"
    template = {"heat_template_version": "2018-08-31",
                "parameters": {"db_pass": {"type": "string", "hidden": True}, "size": {"type": "number"}},
                "resources": {"db": {"type": "OS::Trove::Instance", "properties": {"password": {"get_param": "db_pass"}}}},
                "outputs": {"length": {"value": {"str_replace": {"template": "len=PW",
                                                                 "params": {"PW": {"get_param": "db_pass"}}}}}}}
    ref = create(api, name="db", template=template, parameters={"db_pass": secret, "size": 1},
                 environment={"parameter_defaults": {"db_pass": secret}})
    stack, dummy = wait_status(api, "db", ref["id"], ("CREATE_COMPLETE",))
    assert stack["parameters"]["db_pass"] == "******"
    assert stack["outputs"][0]["output_value"] == "len=%s" % secret
    assert heat(api, "PATCH", "/stacks/db/%s" % ref["id"], json={"parameters": {"size": 2}}).status_code == 202
    stack, dummy = wait_status(api, "db", ref["id"], ("UPDATE_COMPLETE",))
    assert stack["outputs"][0]["output_value"] == "len=%s" % secret and stack["parameters"]["size"] == "2"
    for text in (api.hook("GET", "/state").text, heat(api, "GET", "/stacks/db/%s/environment" % ref["id"]).text,
                 heat(api, "GET", "/stacks").text, json.dumps(events(api, "db", ref["id"]))):
        assert secret not in text


# -------------------------------------------------------------------------------------------- listing

def test_list_filters_sorting_and_marker_paging(api):
    names = ["alpha", "bravo", "charlie", "delta", "echo"]
    tags = {"alpha": "a,b", "bravo": "b", "charlie": "c", "delta": None, "echo": "a,c"}
    ids = {}
    for name in names:
        body = {"stack_name": name, "template": SIMPLE}
        if tags[name] is not None:
            body["tags"] = tags[name]
        ids[name] = heat(api, "POST", "/stacks", json=body).json()["stack"]["id"]

    def listed(**params):
        resp = heat(api, "GET", "/stacks", params=params)
        assert resp.status_code == 200, resp.text
        return [s["stack_name"] for s in resp.json()["stacks"]]

    assert listed() == list(reversed(names))
    assert listed(sort_keys="stack_name", sort_dir="asc") == names
    assert listed(name="charlie") == ["charlie"]
    assert listed(id=ids["bravo"]) == ["bravo"]
    assert sorted(listed(tags="a")) == ["alpha", "echo"]
    assert listed(tags="a,b") == ["alpha"]
    assert sorted(listed(tags_any="b,c")) == ["alpha", "bravo", "charlie", "echo"]
    assert sorted(listed(not_tags="a,c")) == ["alpha", "bravo", "charlie", "delta"]
    assert sorted(listed(not_tags_any="a,c")) == ["bravo", "delta"]
    pages, marker = [], None
    for dummy in range(5):
        params = {"limit": 2, "sort_keys": "stack_name", "sort_dir": "asc"}
        if marker:
            params["marker"] = marker
        resp = heat(api, "GET", "/stacks", params=params).json()["stacks"]
        if not resp:
            break
        pages.append([s["stack_name"] for s in resp])
        marker = resp[-1]["id"]
    assert pages == [["alpha", "bravo"], ["charlie", "delta"], ["echo"]]
    counted = heat(api, "GET", "/stacks", params={"with_count": "true", "limit": 1}).json()
    assert counted["count"] == 5 and len(counted["stacks"]) == 1
    set_speed(api, 1000)
    time.sleep(0.01)
    assert len(listed(status="CREATE_COMPLETE")) == 5 and len(listed(status="COMPLETE")) == 5
    assert listed(status="CREATE_FAILED") == []
    assert_heat_error(heat(api, "GET", "/stacks", params={"marker": "nope"}), 404)
    assert_heat_error(heat(api, "GET", "/stacks", params={"sort_keys": "owner"}), 400)
    summary = heat(api, "GET", "/stacks", params={"name": "alpha"}).json()["stacks"][0]
    assert "parameters" not in summary and summary["links"][0]["rel"] == "self"


def test_events_shape_marker_and_name_redirect(api):
    ref = create(api, name="ev", template=SIMPLE, parameters={})
    wait_status(api, "ev", ref["id"], ("CREATE_COMPLETE",))
    all_events = events(api, "ev", ref["id"])
    assert [(e["resource_name"], e["resource_status"]) for e in all_events] == [
        ("r", "CREATE_IN_PROGRESS"), ("ev", "CREATE_IN_PROGRESS"), ("r", "CREATE_COMPLETE"),
        ("ev", "CREATE_COMPLETE")]
    stack_event = all_events[-1]
    assert stack_event["physical_resource_id"] == ref["id"]
    assert stack_event["resource_status_reason"] == "Stack CREATE completed successfully"
    links = dict((link["rel"], link["href"]) for link in stack_event["links"])
    assert links["stack"].rsplit("/", 1)[-1] == ref["id"] and "self" in links and "resource" in links
    assert all(e["id"] and e["event_time"] for e in all_events)
    after = events(api, "ev", ref["id"], marker=all_events[1]["id"])
    assert [e["id"] for e in after] == [e["id"] for e in all_events[2:]]
    newest = events(api, "ev", ref["id"], sort_dir="desc", limit=1)
    assert [e["id"] for e in newest] == [all_events[-1]["id"]]
    by_name = heat(api, "GET", "/stacks/ev/events", params={"sort_dir": "asc"})
    assert by_name.status_code == 200 and len(by_name.json()["events"]) == 4
    resources = heat(api, "GET", "/stacks/ev/%s/resources" % ref["id"]).json()["resources"]
    assert [(r["resource_name"], r["resource_status"], r["resource_type"]) for r in resources] == [
        ("r", "CREATE_COMPLETE", "OS::Heat::None")]
    one = heat(api, "GET", "/stacks/ev/%s/resources/r" % ref["id"])
    assert one.status_code == 200 and one.json()["resource"]["physical_resource_id"]
    assert_heat_error(heat(api, "GET", "/stacks/ev/%s/resources/zz" % ref["id"]), 404)


def test_name_only_delete_and_unknown_stack(api):
    set_speed(api, 1)
    ref = create(api, name="gone", template=SIMPLE, parameters={})
    assert heat(api, "DELETE", "/stacks/gone").status_code == 204
    assert heat(api, "DELETE", "/stacks/gone/%s" % ref["id"]).status_code == 204
    set_speed(api, 1000)
    assert_heat_error(heat(api, "DELETE", "/stacks/gone"), 404)
    assert show(api, "gone", ref["id"])["stack_status"] == "DELETE_COMPLETE"
    assert_heat_error(heat(api, "GET", "/stacks/gone/%s/template" % ref["id"]), 404)
    assert_heat_error(heat(api, "PUT", "/stacks/nothing", json={"template": SIMPLE}), 404)


# ----------------------------------------------------------------------------------- YAML without PyYAML

TRICKY = """
heat_template_version: 2018-08-31  # a comment
description: >
  folded text
  on two lines
parameters:
  a:
    type: string
    default: "quoted # not a comment"
  b: {type: json, default: {x: [1, 2, {y: z}], 'k': "v"}}
resources:
  s:
    type: OS::Nova::Server
    properties:
      user_data: |
        #!/bin/bash
        echo "hi"

        echo done
      list:
      - a
      - b: 1
        c: 2
      - - nested
        - seq
      flow: [one,
             two]
      empty:
      nulls: ~
      yes_val: yes
      num: 1.5
      neg: -3
      quoted: 'it''s'
outputs:
  o:
    value: {get_attr: [s, name]}
"""


@pytest.mark.parametrize("text", [TEMPLATE, FAILING, TRICKY])
def test_mini_yaml_matches_pyyaml(text):
    expected = yaml.load(text, Loader=heat_module._yaml()[1])  # nosec - SafeLoader subclass
    assert heat_module.mini_yaml_load(text) == expected
    assert expected["heat_template_version"] == "2018-08-31"


def test_pyyaml_is_imported_lazily():
    """Importing the emulator's Heat part does not import PyYAML (start-up time); the first YAML document does."""
    code = ("import sys; sys.path.insert(0, %r); import heat; loaded = 'yaml' in sys.modules; "
            "heat._parse_document('a: 1', 'template'); print(loaded, 'yaml' in sys.modules)" % EMULATOR_DIR)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.split() == ["False", "True"]


def test_parse_without_pyyaml(monkeypatch):
    monkeypatch.setattr(heat_module, "_YAML", {"module": None, "loader": None})
    parsed = heat_module._parse_document(TEMPLATE, "template")
    assert parsed["parameters"]["count"]["default"] == 2
    with pytest.raises(core.HttpError) as info:
        heat_module._parse_document("resources:\n  r: {type: [unclosed\n", "template")
    assert info.value.status == 400 and "Error parsing template" in info.value.body["error"]["message"]


def test_preview_and_empty_tags_as_real_heat(api):
    """PUT .../preview names what a PUT would change; "" tags are stored as [""]; the heat_no_preview reading."""
    template = {"heat_template_version": "2021-04-16", "parameters": {"w": {"type": "string"}},
                "resources": {"v": {"type": "OS::Heat::Value", "properties": {"value": {"get_param": "w"}}},
                              "t": {"type": "OS::Heat::TestResource",
                                    "properties": {"value": {"get_param": "w"}, "update_replace": True}},
                              "k": {"type": "OS::Heat::None"}}}
    set_speed(api, 1000)
    ref = create(api, name="pv", template=template, parameters={"w": "a"}, tags="")
    assert show(api, "pv", ref["id"])["tags"] == [""]
    new = dict(template, resources=dict(template["resources"], n={"type": "OS::Heat::None"}))
    del new["resources"]["k"]
    resp = heat(api, "PUT", "/stacks/pv/%s/preview" % ref["id"], json={"template": new, "parameters": {"w": "b"}})
    assert resp.status_code == 200, resp.text
    changes = dict((key, sorted(item["resource_name"] for item in value))
                   for key, value in resp.json()["resource_changes"].items())
    assert changes == {"added": ["n"], "deleted": ["k"], "replaced": ["t"], "updated": ["v"], "unchanged": []}
    assert show(api, "pv", ref["id"])["parameters"]["w"] == "a"  # nothing changed
    assert api.hook("PUT", "/config", json={"readings": {"heat_no_preview": True}}).status_code == 200
    try:
        assert_heat_error(heat(api, "PUT", "/stacks/pv/%s/preview" % ref["id"], json={"template": new}), 404)
    finally:
        api.hook("PUT", "/config", json={"readings": {"heat_no_preview": False}})
