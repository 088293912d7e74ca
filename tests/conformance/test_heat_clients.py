# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""openstacksdk (orchestration proxy) and python-heatclient against the emulator's Keystone + Heat.

Both clients find the orchestration endpoint in the Keystone catalog (never configured by hand), then create,
list, get, update and delete a stack, waiting for the COMPLETE states the way their users do.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy
import uuid

import pytest

import openstack
from openstack import exceptions as os_exceptions
from heatclient import client as heat_client
from heatclient import exc as heat_exc
from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v3 as ks_v3

STACK_BUDGET = 30.0
TEMPLATE = {
    "heat_template_version": "2018-08-31",
    "description": "conformance stack",
    "parameters": {"greeting": {"type": "string", "default": "hello"}},
    "resources": {"marker": {"type": "OS::Heat::None"}},
    "outputs": {"greeting": {"description": "the greeting", "value": {"get_param": "greeting"}}},
}


def outputs_of(outputs):
    """Heat returns outputs as a list of {output_key, output_value}; turn them into a dict."""
    return {o["output_key"]: o.get("output_value") for o in outputs or []}


def heat_log(emulator, mark):
    return [(e["method"], e["status"]) for e in emulator.requests_since(mark) if e["service"] == "heat"]


def assert_token_auth(emulator, mark):
    entries = [e for e in emulator.requests_since(mark) if e["service"] == "heat"]
    assert entries, "no Heat call was logged"
    assert all(e["auth"] == "token" for e in entries), entries
    assert not [e for e in entries if e["status"] == 401], entries
    return entries


# --------------------------------------------------------------------------------------------------------------
# openstacksdk


@pytest.fixture(scope="module")
def conn(emulator):
    connection = openstack.connect(
        auth_url=emulator["iam"], username=emulator["user_name"], password=emulator["password"],
        project_id=emulator["project_id"], user_domain_name=emulator["domain_name"],
        project_domain_name=emulator["domain_name"], region_name=emulator["project_name"],
        load_yaml_config=False, load_envvars=False, app_name="fleetops-conformance", api_timeout=30,
    )
    yield connection
    connection.close()


def test_openstacksdk_finds_orchestration_in_catalog(conn, emulator):
    endpoint = conn.orchestration.get_endpoint()
    assert endpoint.rstrip("/") == emulator["orchestration"].rstrip("/")


def test_openstacksdk_validate(conn):
    result = conn.orchestration.validate_template(copy.deepcopy(TEMPLATE))
    assert result.description == "conformance stack"
    assert result.parameters["greeting"]["Type"] == "String"
    assert result.parameters["greeting"]["Default"] == "hello"
    broken = dict(copy.deepcopy(TEMPLATE), outputs={"x": {"value": {"get_param": "undeclared"}}})
    with pytest.raises(os_exceptions.BadRequestException):
        conn.orchestration.validate_template(broken)


def test_openstacksdk_stack_lifecycle(conn, emulator):
    name = "conf-sdk-%s" % uuid.uuid4().hex[:6]
    mark = emulator.log_mark()
    # tags as Heat takes them: a comma separated string. openstacksdk sends a list as it is, and a real Heat 27
    # answers 400 to that (tests/realheat shows it); the emulator does the same (asserted below).
    with pytest.raises(os_exceptions.BadRequestException):
        conn.orchestration.create_stack(name=name + "-list", template=copy.deepcopy(TEMPLATE), tags=["conf", "sdk"])
    stack = conn.orchestration.create_stack(name=name, template=copy.deepcopy(TEMPLATE),
                                            parameters={"greeting": "hi"}, timeout_mins=5, tags="conf,sdk")
    assert stack.id
    stack = conn.orchestration.wait_for_status(stack, status="CREATE_COMPLETE", failures=["CREATE_FAILED"],
                                               interval=0.2, wait=STACK_BUDGET)

    got = conn.orchestration.get_stack(stack.id)
    assert got.id == stack.id
    assert got.name == name
    assert got.status == "CREATE_COMPLETE"
    assert got.status_reason is not None
    assert got.parameters["greeting"] == "hi"
    assert outputs_of(got.outputs) == {"greeting": "hi"}
    assert sorted(got.tags) == ["conf", "sdk"]
    assert got.timeout_mins == 5
    assert got.created_at
    assert got.template_description == "conformance stack"

    listed = list(conn.orchestration.stacks(name=name))
    assert [(s.id, s.name, s.status) for s in listed] == [(stack.id, name, "CREATE_COMPLETE")]
    assert conn.orchestration.find_stack(name).id == stack.id

    with pytest.raises(os_exceptions.ConflictException):
        conn.orchestration.create_stack(name=name, template=copy.deepcopy(TEMPLATE))

    conn.orchestration.update_stack(got, template=copy.deepcopy(TEMPLATE), parameters={"greeting": "bye"})
    updated = conn.orchestration.wait_for_status(conn.orchestration.get_stack(stack.id), status="UPDATE_COMPLETE",
                                                 failures=["UPDATE_FAILED", "ROLLBACK_COMPLETE"],
                                                 interval=0.2, wait=STACK_BUDGET)
    updated = conn.orchestration.get_stack(stack.id)
    assert updated.status == "UPDATE_COMPLETE"
    assert updated.parameters["greeting"] == "bye"
    assert outputs_of(updated.outputs) == {"greeting": "bye"}
    assert updated.updated_at

    conn.orchestration.delete_stack(updated)
    conn.orchestration.wait_for_delete(updated, interval=0.2, wait=STACK_BUDGET)
    assert conn.orchestration.find_stack(name) is None
    assert not list(conn.orchestration.stacks(name=name))

    entries = assert_token_auth(emulator, mark)
    methods = [(e["method"], e["status"]) for e in entries]
    assert ("POST", 201) in methods and ("POST", 409) in methods
    assert [m for m in methods if m[0] == "PUT"] == [("PUT", 202)]
    assert [m for m in methods if m[0] == "DELETE"][-1] == ("DELETE", 204)


def test_openstacksdk_marker_paging(conn, emulator):
    tag = "page-%s" % uuid.uuid4().hex[:6]
    created = [conn.orchestration.create_stack(name="conf-page-%s-%d" % (tag, i), template=copy.deepcopy(TEMPLATE),
                                               tags=tag) for i in range(3)]
    try:
        for stack in created:
            conn.orchestration.wait_for_status(stack, status="CREATE_COMPLETE", failures=["CREATE_FAILED"],
                                               interval=0.2, wait=STACK_BUDGET)
        mark = emulator.log_mark()
        paged = [s.id for s in conn.orchestration.stacks(tags=tag, limit=1)]
        assert sorted(paged) == sorted(s.id for s in created), "marker paging lost or repeated stacks"
        pages = [e for e in emulator.requests_since(mark) if e["method"] == "GET" and e["service"] == "heat"]
        assert len(pages) >= 3
        assert [e["query"].get("limit") for e in pages] == [["1"]] * len(pages)
        assert all("marker" in e["query"] for e in pages[1:]), pages
    finally:
        for stack in created:
            conn.orchestration.delete_stack(stack)
        for stack in created:
            conn.orchestration.wait_for_delete(stack, interval=0.2, wait=STACK_BUDGET)


# --------------------------------------------------------------------------------------------------------------
# python-heatclient


@pytest.fixture(scope="module")
def heat(emulator):
    auth = ks_v3.Password(auth_url=emulator["iam"], username=emulator["user_name"], password=emulator["password"],
                          project_id=emulator["project_id"], user_domain_name=emulator["domain_name"],
                          project_domain_name=emulator["domain_name"])
    sess = ks_session.Session(auth=auth, timeout=30)
    client = heat_client.Client("1", session=sess, service_type="orchestration", interface="public",
                                region_name=emulator["project_name"])
    yield client
    sess.session.close()


def test_heatclient_validate(heat):
    result = heat.stacks.validate(template=copy.deepcopy(TEMPLATE))
    assert result["Description"] == "conformance stack"
    assert result["Parameters"]["greeting"]["Type"] == "String"
    assert "ParameterGroups" in result and "Environment" in result
    broken = dict(copy.deepcopy(TEMPLATE), resources={"marker": {"properties": {}}})
    with pytest.raises(heat_exc.HTTPBadRequest) as info:
        heat.stacks.validate(template=broken)
    # Heat's error format, {"error": {"message", "code", "title"}}, is what heatclient reads
    assert info.value.code == 400
    assert info.value.error["error"]["title"] and info.value.error["error"]["message"]


def _status(heat, stack_id):
    return heat.stacks.get(stack_id).stack_status


def test_heatclient_stack_lifecycle(heat, emulator, poll):
    name = "conf-heatclient-%s" % uuid.uuid4().hex[:6]
    mark = emulator.log_mark()
    created = heat.stacks.create(stack_name=name, template=copy.deepcopy(TEMPLATE), parameters={"greeting": "hey"},
                                 timeout_mins=7, tags="conf,heatclient", disable_rollback=True)
    stack_id = created["stack"]["id"]
    assert created["stack"]["links"]

    done = poll(lambda: _status(heat, stack_id) in ("CREATE_COMPLETE", "CREATE_FAILED"), STACK_BUDGET, 0.2)
    assert done, "stack did not leave CREATE_IN_PROGRESS within %ss" % STACK_BUDGET
    got = heat.stacks.get(stack_id)
    assert got.stack_status == "CREATE_COMPLETE", got.stack_status_reason
    assert got.stack_name == name
    assert got.id == stack_id
    assert got.parameters["greeting"] == "hey"
    assert outputs_of(got.outputs) == {"greeting": "hey"}
    assert sorted(got.tags) == ["conf", "heatclient"]
    assert got.timeout_mins == 7
    assert got.disable_rollback is True
    assert got.creation_time

    by_name = heat.stacks.get(name)
    assert by_name.id == stack_id

    listed = list(heat.stacks.list(filters={"name": name}))
    assert [(s.id, s.stack_name, s.stack_status) for s in listed] == [(stack_id, name, "CREATE_COMPLETE")]

    with pytest.raises(heat_exc.HTTPConflict):
        heat.stacks.create(stack_name=name, template=copy.deepcopy(TEMPLATE))

    heat.stacks.update(stack_id, template=copy.deepcopy(TEMPLATE), parameters={"greeting": "later"})
    update_ends = ("UPDATE_COMPLETE", "UPDATE_FAILED", "ROLLBACK_COMPLETE")
    done = poll(lambda: _status(heat, stack_id) in update_ends, STACK_BUDGET, 0.2)
    assert done, "stack did not finish its update within %ss" % STACK_BUDGET
    updated = heat.stacks.get(stack_id)
    assert updated.stack_status == "UPDATE_COMPLETE", updated.stack_status_reason
    assert outputs_of(updated.outputs) == {"greeting": "later"}
    assert updated.updated_time

    heat.stacks.delete(stack_id)

    def gone():
        try:
            return heat.stacks.get(stack_id).stack_status == "DELETE_COMPLETE"
        except heat_exc.HTTPNotFound:
            return True

    assert poll(gone, STACK_BUDGET, 0.2), "stack was not deleted within %ss" % STACK_BUDGET
    assert not list(heat.stacks.list(filters={"name": name}))
    with pytest.raises(heat_exc.HTTPNotFound):
        heat.stacks.get(name)

    entries = assert_token_auth(emulator, mark)
    methods = [(e["method"], e["status"]) for e in entries]
    assert ("POST", 201) in methods and ("POST", 409) in methods
    assert ("PUT", 202) in methods
    assert [m for m in methods if m[0] == "DELETE"][-1] == ("DELETE", 204)
