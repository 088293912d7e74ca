# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark: fleetops.cloud.stack vs openstack.cloud.stack on the same emulator, in the same run.

    python bench/stack_reapply.py [--reapply 20] [--speed 10] [--output FILE] [--check]

Starts one emulator (``tests/emulator``, 127.0.0.1, free port), then runs one playbook in which the two sides
alternate task by task (so that both see the same machine load) with the same operations: create a stack,
re-apply it unchanged ``--reapply`` times, list the stacks, delete the stack.
Each task's wall time comes from a small callback (``bench/callback_plugins/bench_timer.py``); each task's HTTP
requests come from the emulator's request log (``/_emulator/requests``), matched to the task by time.
Prints per-operation wall time (median, min, max) per side, the ratio ours/peer, and requests and writes per
task, and writes the figures as JSON (default ``bench/results/stack_reapply-<time>.json``).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.append(os.path.join(ROOT, "tests", "emulator"))  # appended: shadows nothing installed

import launcher  # noqa: E402  pylint: disable=wrong-import-position  # tests/emulator/launcher.py

EMULATOR_START_TIMEOUT = 30
PLAYBOOK_TIMEOUT = 900

TEMPLATE = """heat_template_version: 2018-08-31
description: fleetops.cloud benchmark stack
parameters:
  greeting:
    type: string
    default: hello
  size:
    type: number
    default: 1
resources:
  token:
    type: OS::Heat::RandomString
    properties:
      length: 12
  message:
    type: OS::Heat::Value
    properties:
      value: {get_param: greeting}
outputs:
  message:
    value: {get_attr: [message, value]}
  token:
    value: {get_attr: [token, value]}
"""

PARAMETERS = {"greeting": "bench", "size": 2}
SIDES = ("ours", "peer")


def fetch_log(base):
    """Every request the emulator logged (paged by ``since``), bounded."""
    entries = []
    since = 0
    for _page in range(1000):
        with urllib.request.urlopen("%s/_emulator/requests?since=%d" % (base, since), timeout=30) as resp:
            body = json.loads(resp.read().decode("utf-8"))
        page = body.get("requests") or []
        entries.extend(page)
        if not page or body.get("next", since) == since:
            break
        since = body["next"]
    return [entry for entry in entries if not str(entry.get("path", "")).startswith("/_emulator")]


def ours_auth(coords, cache_dir):
    return {"user_name": coords["user_name"], "password": coords["password"], "domain_name": coords["domain_name"],
            "project_name": coords["project_name"], "region": coords["project_name"],
            "endpoints": {"iam": coords["iam"], "orchestration": coords["orchestration"]},
            "token_cache_dir": cache_dir}


def peer_cloud(coords):
    return {"auth": {"auth_url": coords["iam"], "username": coords["user_name"], "password": coords["password"],
                     "project_name": coords["project_name"], "user_domain_name": coords["domain_name"],
                     "project_domain_name": coords["domain_name"]},
            "region_name": coords["project_name"], "auth_type": "password", "interface": "public"}


def side_tasks(side, template_path):
    """``(apply, list, delete)`` task bodies of one side."""
    name = "bench-%s" % side
    if side == "ours":
        return ({"fleetops.cloud.stack": {"name": name, "template": template_path, "parameters": PARAMETERS}},
                {"fleetops.cloud.stack_info": {}},
                {"fleetops.cloud.stack": {"name": name, "state": "absent"}})
    return ({"openstack.cloud.stack": {"name": name, "template": template_path, "parameters": PARAMETERS}},
            {"openstack.cloud.stack_info": {}},
            {"openstack.cloud.stack": {"name": name, "state": "absent"}})


def playbook(coords, template_path, reapply, cache_dir):
    """One playbook, the two sides interleaved task by task (so that both see the same machine load):
    create, re-apply N times, list, delete; task names are ``<side> <operation>``."""
    bodies = dict((side, side_tasks(side, template_path)) for side in SIDES)
    tasks = []

    def add(operation, index):
        for side in SIDES:
            tasks.append(dict(bodies[side][index], name="%s %s" % (side, operation)))

    add("create", 0)
    for number in range(reapply):
        add("reapply %02d" % (number + 1), 0)
    add("list", 1)
    add("delete", 2)
    defaults = {"group/fleetops.cloud.cloud": ours_auth(coords, cache_dir),
                "group/openstack.cloud.openstack": peer_cloud(coords)}
    return [{"name": "bench stacks", "hosts": "localhost", "gather_facts": False, "module_defaults": defaults,
             "tasks": tasks}]


def run_playbook(coords, workdir, reapply):
    """Run the interleaved playbook; return ``{side: [task timing]}``."""
    cache_dir = os.path.join(workdir, "tokens")
    os.mkdir(cache_dir, 0o700)
    book = os.path.join(workdir, "bench.yml")
    with open(book, "w") as handle:
        json.dump(playbook(coords, os.path.join(workdir, "template.yaml"), reapply, cache_dir), handle, indent=1)
    timings = os.path.join(workdir, "timings.json")
    env = dict(os.environ)
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": os.path.join(workdir, "collections"),
        "ANSIBLE_CALLBACK_PLUGINS": os.path.join(HERE, "callback_plugins"),
        "ANSIBLE_CALLBACKS_ENABLED": "bench_timer",
        "ANSIBLE_LOCALHOST_WARNING": "false",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
        "ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.minimal",
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        "FLEETOPS_BENCH_TIMINGS": timings,
        "OS_CLIENT_CONFIG_FILE": os.path.join(workdir, "no-clouds.yaml"),
    })
    for key in [key for key in env if key.startswith(("OS_", "HW_")) and key != "OS_CLIENT_CONFIG_FILE"]:
        del env[key]
    playbook_bin = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
    if not os.path.exists(playbook_bin):
        playbook_bin = shutil.which("ansible-playbook")
    cmd = [playbook_bin, "-i", "localhost,", "-c", "local", book]
    proc = subprocess.run(cmd, env=env, cwd=workdir, capture_output=True, text=True, timeout=PLAYBOOK_TIMEOUT, check=False)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit("The benchmark playbook failed (rc %s)" % proc.returncode)
    with open(timings) as handle:
        tasks = json.load(handle)
    result = dict((side, []) for side in SIDES)
    for task in tasks:
        side, _sep, operation = task["name"].partition(" ")
        if side in result:
            result[side].append(dict(task, name=operation))
    return result


def attribute(tasks, log):
    """Attach to each task the requests logged between its start and end."""
    for task in tasks:
        inside = [entry for entry in log if task["start"] <= entry["time"] <= task["end"]]
        task["requests"] = len(inside)
        task["writes"] = sum(1 for entry in inside if entry.get("write"))
        task["write_calls"] = ["%s %s" % (entry["method"], entry["path"]) for entry in inside if entry.get("write")]
        task["calls"] = ["%s %s %s" % (entry["method"], entry["path"], entry.get("status")) for entry in inside]
        task["seconds"] = task["end"] - task["start"]
    return tasks


def summarise(tasks):
    """Group the tasks into operations (create, reapply, list, delete): wall time and request figures."""
    groups = {}
    for task in tasks:
        op = task["name"].split(" ")[0]
        groups.setdefault(op, []).append(task)
    out = {}
    for op, items in groups.items():
        secs = [item["seconds"] for item in items]
        out[op] = {"count": len(items), "median_s": statistics.median(secs), "min_s": min(secs), "max_s": max(secs),
                   "requests_per_task": statistics.mean(item["requests"] for item in items),
                   "writes_per_task": statistics.mean(item["writes"] for item in items),
                   "changed": sum(1 for item in items if item.get("changed"))}
    return out


def print_table(summary, reapply):
    ops = ["create", "reapply", "list", "delete"]
    header = "%-8s %-5s %9s %9s %9s %10s %9s %8s" % ("op", "side", "median s", "min s", "max s", "requests", "writes", "changed")
    print(header)
    print("-" * len(header))
    for op in ops:
        for side in ("ours", "peer"):
            row = summary[side].get(op)
            if not row:
                continue
            print("%-8s %-5s %9.3f %9.3f %9.3f %10.1f %9.1f %5d/%-2d" % (
                op, side, row["median_s"], row["min_s"], row["max_s"], row["requests_per_task"], row["writes_per_task"],
                row["changed"], row["count"]))
    print()
    for op in ops:
        if op in summary["ours"] and op in summary["peer"] and summary["peer"][op]["median_s"]:
            print("ratio ours/peer (median wall time) %-8s %.3f" % (op, summary["ours"][op]["median_s"] / summary["peer"][op]["median_s"]))
    ratio = summary["ours"]["reapply"]["median_s"] / summary["peer"]["reapply"]["median_s"]
    writes = summary["ours"]["reapply"]["writes_per_task"]
    target = ratio <= 1.0 / 3 and writes == 0
    print("\nre-apply unchanged x%d: ours/peer = %.3f (target <= 0.333), our writes per re-apply = %s -> %s"
          % (reapply, ratio, writes, "TARGET MET" if target else "TARGET MISSED"))
    return target


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--reapply", type=int, default=20, help="unchanged re-applies per side (default 20)")
    parser.add_argument("--speed", type=float, default=10.0,
                        help="emulator speed factor for asynchronous transitions (default 10)")
    parser.add_argument("--output", help="JSON result file (default bench/results/stack_reapply-<time>.json)")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when the re-apply target (<= 1/3 of the peer's time, zero writes) is missed")
    args = parser.parse_args(argv)
    if not 1 <= args.reapply <= 200:
        parser.error("--reapply must be 1..200")

    workdir = tempfile.mkdtemp(prefix="fleetops-bench-")
    proc = None
    try:
        os.makedirs(os.path.join(workdir, "collections", "ansible_collections", "fleetops"))
        os.symlink(ROOT, os.path.join(workdir, "collections", "ansible_collections", "fleetops", "cloud"))
        with open(os.path.join(workdir, "template.yaml"), "w") as handle:
            handle.write(TEMPLATE)
        with open(os.path.join(workdir, "no-clouds.yaml"), "w") as handle:
            handle.write("clouds: {}\n")
        try:
            proc, coords = launcher.start(["--speed", str(args.speed)], timeout=EMULATOR_START_TIMEOUT)
        except launcher.StartError as exc:
            raise SystemExit("The emulator did not start: %s" % exc)
        base = launcher.base_url(coords)
        tasks = run_playbook(coords, workdir, args.reapply)
        log = fetch_log(base)
        summary = {}
        for side in ("ours", "peer"):
            summary[side] = summarise(attribute(tasks[side], log))
        print("fleetops.cloud stack benchmark: emulator speed %s, %d unchanged re-applies, python %s\n"
              % (args.speed, args.reapply, sys.version.split()[0]))
        met = print_table(summary, args.reapply)
        output = args.output or os.path.join(HERE, "results", "stack_reapply-%s.json" % time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()))
        os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
        with open(output, "w") as handle:
            json.dump({"reapply": args.reapply, "speed": args.speed, "summary": summary, "tasks": tasks,
                       "target_met": met}, handle, indent=1)
        print("figures written to %s" % output)
        return 1 if args.check and not met else 0
    finally:
        if proc is not None:
            launcher.stop(proc)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
