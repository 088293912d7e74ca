"""The emulator's Heat follows the real engine: the same raw calls against both, the same observations.

Each observation is one the real engine showed and the stack modules depend on (docs/emulator.md, "A real Heat
engine"): a deleted stack's GET answers 200 DELETE_COMPLETE, tags "" are stored as [""] and a JSON list is
refused, a PUT without tags clears them, events come newest first unless asked, hidden values are masked in the
stack and its environment, the update preview exists and names the replaced resource.
"""

import time

TEMPLATE = {
    "heat_template_version": "2021-04-16",
    "parameters": {"word": {"type": "string"}, "secret": {"type": "string", "hidden": True, "default": "d"}},
    "resources": {
        "value": {"type": "OS::Heat::Value", "properties": {"value": {"get_param": "word"}}},
        "test": {"type": "OS::Heat::TestResource", "properties": {"value": {"get_param": "word"}, "update_replace": True}},
    },
}


def _settle(call, path, budget=120):
    deadline = time.time() + budget
    while time.time() < deadline:
        status, _headers, body = call("GET", path)
        if status == 200 and not body["stack"]["stack_status"].endswith("_IN_PROGRESS"):
            return body["stack"]
        time.sleep(0.3)
    raise AssertionError("%s did not settle" % path)


def observe(call, name):
    seen = {}
    status, _h, _b = call("POST", "/stacks", {"stack_name": name + "-list", "template": TEMPLATE,
                                              "parameters": {"word": "a"}, "tags": ["x", "y"]})
    seen["tags as a JSON list"] = status
    status, _h, body = call("POST", "/stacks", {"stack_name": name, "template": TEMPLATE, "tags": "",
                                                "parameters": {"word": "a", "secret": "clear-secret"},
                                                "environment": {"parameter_defaults": {"secret": "clear-secret"}}})
    assert status == 201, body
    path = "/stacks/%s/%s" % (name, body["stack"]["id"])
    stack = _settle(call, path)
    seen["created"] = stack["stack_status"]
    seen["tags '' stored as"] = stack["tags"]
    seen["hidden in stack"] = stack["parameters"]["secret"]
    seen["hidden in environment"] = call("GET", path + "/environment")[2]["parameter_defaults"]["secret"]
    newest = [e["id"] for e in call("GET", path + "/events")[2]["events"]]
    oldest = [e["id"] for e in call("GET", path + "/events", query="sort_dir=asc")[2]["events"]]
    seen["events default order is newest first"] = newest == list(reversed(oldest)) and len(newest) > 1
    status, _h, preview = call("PUT", path + "/preview", {"template": TEMPLATE, "parameters": {"word": "b"}})
    seen["preview status"] = status
    changes = (preview or {}).get("resource_changes") or {}
    seen["preview keys"] = sorted(changes)
    seen["preview replaced"] = sorted(item["resource_name"] for item in changes.get("replaced", []))
    status, _h, _b = call("PUT", path, {"template": TEMPLATE, "parameters": {"word": "a"}, "tags": "p,q"})
    seen["put"] = status
    _settle(call, path)
    status, _h, _b = call("PUT", path, {"template": TEMPLATE, "parameters": {"word": "a"}})
    stack = _settle(call, path)
    seen["tags after a PUT without tags"] = stack["tags"]
    listed = call("GET", "/stacks", query="name=" + name)[2]["stacks"]
    seen["list shows no tags as"] = listed[0].get("tags") if listed else "missing"
    seen["delete"] = call("DELETE", path)[0]
    deadline = time.time() + 120
    while time.time() < deadline:
        status, _h, body = call("GET", path)
        if status != 200 or body["stack"]["stack_status"] == "DELETE_COMPLETE":
            break
        time.sleep(0.3)
    seen["deleted stack GET"] = (status, body["stack"]["stack_status"] if status == 200 else None)
    seen["second delete"] = call("DELETE", path)[0]
    names = [item["stack_name"] for item in call("GET", "/stacks", query="name=" + name)[2]["stacks"]]
    seen["list shows the deleted stack"] = name in names and any(
        item["stack_status"] != "DELETE_COMPLETE" for item in call("GET", "/stacks", query="name=" + name)[2]["stacks"])
    return seen


def test_emulator_follows_the_real_engine(heat_http, emulator_heat):
    real = observe(heat_http, "cmp-real")
    emulated = observe(emulator_heat, "cmp-emul")
    assert real["created"] == "CREATE_COMPLETE"
    assert real["preview replaced"] == ["test"]
    differences = dict((key, (real[key], emulated.get(key))) for key in real if real[key] != emulated.get(key))
    assert differences == {}, "the emulator differs from the real engine (real, emulator): %s" % differences
