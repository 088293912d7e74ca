# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``openstack.cloud.stack`` and ``stack_info`` modules (from the ``ansible`` package) against the emulator.

``ansible-playbook`` from the same environment as pytest runs ``playbooks/stack.yml`` with the JSON stdout
callback; the test reads the structured result and cross-checks it with the emulator's request log and state.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import subprocess
import sys
import tempfile
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
PLAYBOOK = os.path.join(HERE, "playbooks", "stack.yml")
PLAYBOOK_TIMEOUT = 150


def run_playbook(emulator, stack_name, workdir):
    extra = {
        "conformance_auth": {
            "auth_url": emulator["iam"], "username": emulator["user_name"], "password": emulator["password"],
            "project_id": emulator["project_id"], "user_domain_name": emulator["domain_name"],
            "project_domain_name": emulator["domain_name"],
        },
        "conformance_region": emulator["project_name"],
        "conformance_stack": stack_name,
    }
    extra_file = os.path.join(workdir, "extra.json")
    fd = os.open(extra_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(extra, handle)
    env = dict((k, v) for k, v in os.environ.items() if k not in ("ANSIBLE_CALLBACKS_ENABLED", "ANSIBLE_CONFIG"))
    env.update({
        "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_RETRY_FILES_ENABLED": "0",
        "ANSIBLE_LOCAL_TEMP": os.path.join(workdir, "tmp"),
        "ANSIBLE_HOME": os.path.join(workdir, "home"),
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
        "ANSIBLE_LOCALHOST_WARNING": "0",
    })
    ansible_playbook = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
    proc = subprocess.run(
        [ansible_playbook, "-i", "localhost,", PLAYBOOK, "-e", "@" + extra_file],
        cwd=workdir, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        universal_newlines=True, timeout=PLAYBOOK_TIMEOUT, check=False,
    )
    return proc


def test_openstack_cloud_stack_modules(emulator):
    stack_name = "conf-playbook-%s" % uuid.uuid4().hex[:6]
    mark = emulator.log_mark()
    with tempfile.TemporaryDirectory(prefix="fleetops-conformance-play-") as workdir:
        proc = run_playbook(emulator, stack_name, workdir)

    assert emulator["password"] not in proc.stdout and emulator["password"] not in proc.stderr
    try:
        result = json.loads(proc.stdout)
    except ValueError:
        raise AssertionError("no JSON from ansible-playbook (rc %s): %s\n%s"
                             % (proc.returncode, proc.stdout[-3000:], proc.stderr[-3000:]))
    tasks = result["plays"][0]["tasks"]
    outcome = {t["task"]["name"]: t["hosts"]["localhost"] for t in tasks}
    failed = {name: r.get("msg") for name, r in outcome.items() if r.get("failed")}
    assert not failed, "failed tasks: %s\nstderr: %s" % (failed, proc.stderr[-2000:])
    stats = result["stats"]["localhost"]
    assert stats["failures"] == 0 and stats["unreachable"] == 0, stats
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert len(tasks) == 8, [t["task"]["name"] for t in tasks]

    created = outcome["Create the stack"]
    assert created["changed"] is True
    stack = created["stack"]
    assert stack["status"] == "CREATE_COMPLETE"
    assert stack["id"] and stack["name"] == stack_name
    assert outcome["Read the stack"]["stacks"][0]["id"] == stack["id"]
    assert outcome["Delete the stack"]["changed"] is True
    assert outcome["Delete the stack again"]["changed"] is False

    heat_calls = [e for e in emulator.requests_since(mark) if e["service"] == "heat"]
    assert heat_calls and all(e["auth"] == "token" for e in heat_calls), heat_calls
    stacks_path = "/v1/%s/stacks" % emulator["project_id"]
    creates = [e for e in heat_calls if e["method"] == "POST" and e["path"].rstrip("/") == stacks_path]
    assert [e["status"] for e in creates] == [201]
    deletes = [e for e in heat_calls if e["method"] == "DELETE" and stack["id"] in e["path"]]
    assert deletes and deletes[-1]["status"] == 204, deletes
    events = [e for e in heat_calls if e["method"] == "GET" and e["path"].endswith("/events")]
    assert events, "openstack.cloud waits by reading stack events; none were requested"

    # the emulator's state keeps the stack record: created, completed, then deleted
    records = [s for s in _stacks_in_state(emulator.state()) if s.get("id") == stack["id"]]
    assert len(records) == 1, "stack %s not found in the emulator state" % stack["id"]
    record = records[0]
    assert record["stack_name"] == stack_name
    assert record["stack_status"] == "DELETE_COMPLETE"
    stack_events = [e["resource_status"] for e in record.get("events", []) if e.get("physical_resource_id") == stack["id"]]
    assert stack_events.index("CREATE_COMPLETE") < stack_events.index("DELETE_COMPLETE"), stack_events
    live = [s for s in _stacks_in_state(emulator.state()) if s.get("stack_name") == stack_name
            and s.get("stack_status") != "DELETE_COMPLETE"]
    assert not live, live


def _stacks_in_state(dump):
    """Every stack-like object in the emulator's state dump, wherever the Heat emulator keeps them."""
    found = []

    def walk(node, depth):
        if depth > 6:
            return
        if isinstance(node, dict):
            if "stack_name" in node and "stack_status" in node:
                found.append(node)
                return
            for value in node.values():
                walk(value, depth + 1)
        elif isinstance(node, list):
            for value in node:
                walk(value, depth + 1)

    walk(dump, 0)
    return found
