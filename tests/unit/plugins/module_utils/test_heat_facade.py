# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of HeatApi against a recording fake client: paths, paging, not-found as None, failed resources."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ApiError, ConfigurationError
from ansible_collections.fleetops.cloud.plugins.module_utils.heat import HeatApi


class Response(object):
    def __init__(self, body, status=200):
        self.body = body
        self.status = status
        self.headers = {}
        self.request_id = None


class FakeClient(object):
    """Answers from a dict ``{(method, path): body or callable(query, json)}``; records every call."""

    def __init__(self, routes):
        self.routes = routes
        self.calls = []

    def call(self, service, method, path, query=None, json=None, create=False, **_kwargs):
        self.calls.append((service, method, path, dict(query or {}), json, create))
        answer = self.routes.get((method, path))
        if answer is None:
            raise ApiError(status=404, code="Not Found", message="no route", method=method, url=path)
        if callable(answer):
            answer = answer(query or {}, json)
        if isinstance(answer, ApiError):
            raise answer
        return Response(answer)


def make_stacks(count):
    return [{"id": "id-%03d" % index, "stack_name": "s%03d" % index, "stack_status": "CREATE_COMPLETE"} for index in range(count)]


def paged(stacks):
    def answer(query, _json):
        start = 0
        if query.get("marker"):
            start = [item["id"] for item in stacks].index(query["marker"]) + 1
        return {"stacks": stacks[start:start + int(query["limit"])]}
    return answer


def test_list_follows_markers_until_a_short_page():
    stacks = make_stacks(5)
    client = FakeClient({("GET", "/stacks"): paged(stacks)})
    result = HeatApi(client).list_stacks({"tags": ["a", "b"], "name": None}, page_size=2)
    assert [item["id"] for item in result] == [item["id"] for item in stacks]
    queries = [call[3] for call in client.calls]
    assert [query.get("marker") for query in queries] == [None, "id-001", "id-003"]
    assert all(query["tags"] == "a,b" and "name" not in query for query in queries)
    assert all(call[0] == "orchestration" for call in client.calls)


def test_list_stops_when_the_service_repeats_a_page():
    stacks = make_stacks(2)
    client = FakeClient({("GET", "/stacks"): lambda query, _json: {"stacks": stacks}})
    assert len(HeatApi(client).list_stacks(page_size=2)) == 2
    assert len(client.calls) == 2


def test_find_ignores_deleted_and_other_names():
    entries = [{"id": "1", "stack_name": "web", "stack_status": "DELETE_COMPLETE"},
               {"id": "2", "stack_name": "web2", "stack_status": "CREATE_COMPLETE"},
               {"id": "3", "stack_name": "web", "stack_status": "UPDATE_FAILED"}]
    client = FakeClient({("GET", "/stacks"): {"stacks": entries}})
    api = HeatApi(client)
    assert api.find_stack("web")["id"] == "3"
    assert client.calls[0][3]["name"] == "web"
    assert HeatApi(FakeClient({("GET", "/stacks"): {"stacks": []}})).find_stack("web") is None


SID = "3095aefc-09fb-4bc7-b1f0-f21a304e864c"


def test_not_found_is_none_and_other_errors_raise():
    api = HeatApi(FakeClient({}))
    assert api.get_stack("web", SID) is None
    assert api.get_template("web", SID) is None
    assert api.get_environment("web", SID) is None
    assert api.list_events("web", SID) == []
    assert api.delete_stack("web", SID) is False
    assert api.preview_update("web", SID, {}) is None
    boom = ApiError(status=500, code="Internal Server Error", message="x", method="GET", url="/")
    with pytest.raises(ApiError):
        HeatApi(FakeClient({("GET", "/stacks/web/" + SID): boom})).get_stack("web", SID)


def test_a_deleted_stack_is_absent():
    """Real Heat answers GET /stacks/{name}/{id} of a deleted stack with 200 and DELETE_COMPLETE."""
    client = FakeClient({("GET", "/stacks/web/" + SID): {"stack": {"id": SID, "stack_status": "DELETE_COMPLETE"}}})
    assert HeatApi(client).get_stack("web", SID) is None


def test_paths_payloads_and_create_flag():
    client = FakeClient({("GET", "/stacks/web/" + SID): {"stack": {"id": SID}},
                         ("POST", "/stacks"): {"stack": {"id": "9", "links": []}},
                         ("PUT", "/stacks/web/" + SID): "",
                         ("PUT", "/stacks/web/%s/preview" % SID): {"resource_changes": {"replaced": []}},
                         ("DELETE", "/stacks/web/" + SID): "",
                         ("POST", "/validate"): {"Description": "d"},
                         ("GET", "/stacks/web/%s/template" % SID): "heat_template_version: 2021-04-16\n"})
    api = HeatApi(client)
    assert api.get_stack("web", SID) == {"id": SID}
    assert api.create_stack({"stack_name": "web"}) == {"id": "9", "links": []}
    assert client.calls[-1][5] is True
    api.update_stack("web", SID, {"template": {}})
    # never re-sent blindly by the transport: the module reads the state back after a lost answer
    assert client.calls[-1][1:3] == ("PUT", "/stacks/web/" + SID) and client.calls[-1][5] is True
    assert api.preview_update("web", SID, {"template": {}}) == {"replaced": []}
    assert api.delete_stack("web", SID) is True
    assert client.calls[-1][5] is True
    assert api.validate({"template": {}}) == {"Description": "d"}
    assert api.get_template("web", SID) == {"heat_template_version": "2021-04-16"}


@pytest.mark.parametrize("name,stack_id", [("we/b", SID), ("..", SID), ("9web", SID), ("", SID),
                                           ("web", "../clusters/x"), ("web", "1"), ("web", SID + "/x")])
def test_names_and_ids_are_checked_before_any_call(name, stack_id):
    client = FakeClient({})
    with pytest.raises(ConfigurationError):
        HeatApi(client).get_stack(name, stack_id)
    assert client.calls == []


def test_events_are_asked_oldest_first():
    client = FakeClient({("GET", "/stacks/web/%s/events" % SID): {"events": []}})
    HeatApi(client).list_events("web", SID)
    assert client.calls[0][3] == {"sort_dir": "asc"}


def test_failure_covers_the_last_operation_and_survives_a_rollback():
    events = [{"resource_name": "web", "physical_resource_id": SID, "resource_status": "CREATE_IN_PROGRESS"},
              {"resource_name": "old", "resource_status": "CREATE_FAILED", "resource_status_reason": "before"},
              {"resource_name": "web", "physical_resource_id": SID, "resource_status": "UPDATE_IN_PROGRESS"},
              {"resource_name": "a", "resource_status": "UPDATE_IN_PROGRESS"},
              {"resource_name": "a", "resource_status": "UPDATE_FAILED", "resource_status_reason": "boom"},
              {"resource_name": "b", "resource_status": "UPDATE_COMPLETE"},
              {"resource_name": "web", "physical_resource_id": SID, "resource_status": "UPDATE_FAILED",
               "resource_status_reason": "Resource UPDATE failed: boom"},
              {"resource_name": "web", "physical_resource_id": SID, "resource_status": "ROLLBACK_IN_PROGRESS"},
              {"resource_name": "a", "resource_status": "DELETE_COMPLETE"},
              {"resource_name": "web", "physical_resource_id": SID, "resource_status": "ROLLBACK_COMPLETE"}]
    api = HeatApi(FakeClient({("GET", "/stacks/web/%s/events" % SID): {"events": events}}))
    reason, failed = api.failure("web", SID)
    assert reason == "Resource UPDATE failed: boom"
    assert failed == [{"resource_name": "a", "resource_status": "UPDATE_FAILED", "resource_status_reason": "boom"}]
    assert HeatApi(FakeClient({})).failure("web", SID) == (None, [])
