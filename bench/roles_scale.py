# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Scale check of the roles (docs/performance.md, "Roles at scale").

    python bench/roles_scale.py [--clusters 50] [--forks 10] [--serial 5] [--speed 50] [--output FILE]

Starts one emulator (127.0.0.1, free port) and, for each measurement, resets it and:

* registers ``--clusters`` attached clusters as as many inventory hosts with ``--forks`` forks
  (``fleetops.cloud.cluster_registration``: register, agent download, agent applied with kubernetes.core.k8s on
  the emulated member API, wait Available, join the fleet, bind a policy), then re-runs the playbook unchanged;
* registers ``--serial`` clusters the same way with one fork;
* runs ``fleetops.cloud.fleet_setup`` and ``fleetops.cloud.stack_deployment`` twice.

Wall times are measured around ``ansible-playbook``; HTTP calls come from the emulator's request log
(``/_emulator/requests``), split into token requests, other reads and writes, per service. Prints a summary and
writes the figures as JSON (default ``bench/results/roles_scale-<time>.json``).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402  pylint: disable=wrong-import-position

HERE = benchlib.HERE
ROOT = benchlib.ROOT
PLAYBOOK_TIMEOUT = 1800

STACK_PLAY = """---
- name: A stack
  hosts: localhost
  gather_facts: false
  connection: local
  roles:
    - role: fleetops.cloud.stack_deployment
      vars:
        stack_deployment_name: scale-stack
        stack_deployment_template:
          heat_template_version: "2018-08-31"
          parameters:
            greeting: {type: string, default: hello}
          resources:
            message:
              type: OS::Heat::Value
              properties:
                value: {get_param: greeting}
          outputs:
            message:
              value: {get_attr: [message, value]}
        stack_deployment_parameters:
          greeting: scale
        stack_deployment_tags: [scale]
"""


def http(base, path, method="GET", body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        raw = resp.read()
    return json.loads(raw) if raw else None


def log_position(base):
    return http(base, "/_emulator/requests?since=1000000000")["next"]


def calls_since(base, position):
    requests = http(base, "/_emulator/requests?since=%d" % position)["requests"]
    summary = collections.Counter()
    for entry in requests:
        if entry["service"] == "iam":
            summary["auth"] += 1
        elif entry["write"]:
            summary["writes"] += 1
            summary["write %s %s" % (entry["service"], entry["method"])] += 1
        else:
            summary["reads"] += 1
            summary["read %s" % entry["service"]] += 1
    summary["total"] = len(requests)
    return dict(summary)


def write_inventory(workdir, base, count, prefix):
    hosts = {}
    for index in range(count):
        name = "%s-%02d" % (prefix, index + 1)
        path = os.path.join(workdir, name + ".kubeconfig")
        with open(path, "w") as handle:
            handle.write(benchlib.KUBECONFIG.format(name=name, base=base, token="bench-token"))
        os.chmod(path, 0o600)
        hosts[name] = {"cluster_registration_kubeconfig_path": path}
    inventory = {"all": {"vars": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable},
                         "children": {"ucs_clusters": {
                             "vars": {"cluster_registration_category": "attachedcluster",
                                      "cluster_registration_type": "privatek8s",
                                      "cluster_registration_country": "CN",
                                      "cluster_registration_city": "310000",
                                      "cluster_registration_fleet": "scale-fleet",
                                      "cluster_registration_policies": [{"policies": ["scale-readonly"],
                                                                         "namespaces": ["default"]}],
                                      "cluster_registration_agent_dir": os.path.join(workdir, "agents"),
                                      "cluster_registration_wait_timeout": 600},
                             "hosts": hosts}}}}
    path = os.path.join(workdir, "inventory-%s.json" % prefix)
    with open(path, "w") as handle:
        json.dump(inventory, handle)
    return path


def run_playbook(env, playbook, inventory=None, forks=1):
    cmd = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), playbook, "--forks", str(forks)]
    if inventory:
        cmd += ["-i", inventory]
    start = time.time()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=PLAYBOOK_TIMEOUT,
                          check=False)
    elapsed = time.time() - start
    output = proc.stdout.decode("utf-8", "replace")
    recap = output[output.rfind("PLAY RECAP"):]
    if proc.returncode != 0:
        sys.stderr.write(output[-6000:])
        raise SystemExit("%s failed (rc %d)" % (playbook, proc.returncode))
    changed = sum(int(part.split("=")[1]) for part in recap.split() if part.startswith("changed="))
    return round(elapsed, 1), changed


def measure(env, base, playbook, inventory=None, forks=1):
    """Run twice; return wall time, changed count and HTTP calls of each run."""
    first_pos = log_position(base)
    first_time, first_changed = run_playbook(env, playbook, inventory, forks)
    second_pos = log_position(base)
    second_time, second_changed = run_playbook(env, playbook, inventory, forks)
    return {"first": {"seconds": first_time, "changed": first_changed, "calls": calls_since_range(base, first_pos, second_pos)},
            "rerun": {"seconds": second_time, "changed": second_changed, "calls": calls_since(base, second_pos)}}


def calls_since_range(base, start, end):
    requests = [r for r in http(base, "/_emulator/requests?since=%d" % start)["requests"] if r["seq"] <= end]
    return {"total": len(requests), "writes": sum(1 for r in requests if r["write"])}


def reset(base, rundir):
    http(base, "/_emulator/reset", "POST")
    http(base, "/_emulator/config", "PUT", {"quotas": {"ucs.clusters": 200}})
    shutil.rmtree(os.path.join(rundir, "tokens"), ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, default=50)
    parser.add_argument("--forks", type=int, default=10)
    parser.add_argument("--serial", type=int, default=5)
    parser.add_argument("--speed", type=float, default=50)
    parser.add_argument("--output")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="fleetops-roles-scale.")
    emulator = None
    try:
        emulator = benchlib.Emulator(workdir, args.speed)
        base, rundir = emulator.base, emulator.rundir
        env = dict(os.environ)
        env.update(emulator.env_vars)
        coll_parent = os.environ.get("COLL_PARENT", "/tmp/fleetops-dev")
        env.update({"ANSIBLE_COLLECTIONS_PATH": coll_parent, "ANSIBLE_PIPELINING": "true", "ANSIBLE_NOCOLOR": "1",
                    "ANSIBLE_HOST_KEY_CHECKING": "false"})
        fleet_play = os.path.join(workdir, "fleet.yml")
        stack_play = os.path.join(workdir, "stack.yml")
        with open(fleet_play, "w") as handle:
            handle.write(benchlib.SCALE_FLEET_PLAY)
        with open(stack_play, "w") as handle:
            handle.write(STACK_PLAY)
        os.makedirs(os.path.join(workdir, "agents"), mode=0o700)
        results = {"clusters": args.clusters, "forks": args.forks, "serial": args.serial, "speed": args.speed,
                   "cpus": os.cpu_count(), "load_before": os.getloadavg()[0]}

        reset(base, rundir)
        results["fleet_setup"] = measure(env, base, fleet_play)
        inventory = write_inventory(workdir, base, args.clusters, "scale")
        results["parallel"] = measure(env, base, "fleetops.cloud.cluster_registration", inventory, args.forks)

        reset(base, rundir)
        run_playbook(env, fleet_play)
        inventory = write_inventory(workdir, base, args.serial, "serial")
        results["serial_run"] = measure(env, base, "fleetops.cloud.cluster_registration", inventory, 1)

        reset(base, rundir)
        results["stack_deployment"] = measure(env, base, stack_play)
        results["load_after"] = os.getloadavg()[0]

        par, ser = results["parallel"], results["serial_run"]
        results["per_cluster_seconds"] = {"parallel": round(par["first"]["seconds"] / args.clusters, 2),
                                          "serial": round(ser["first"]["seconds"] / args.serial, 2)}
        results["rerun_reads_per_cluster"] = round(par["rerun"]["calls"].get("reads", 0) / float(args.clusters), 2)
        print(json.dumps(results, indent=2, sort_keys=True))
        output = args.output or os.path.join(HERE, "results", "roles_scale-%s.json" % time.strftime("%Y%m%dT%H%M%S"))
        os.makedirs(os.path.dirname(output), exist_ok=True)
        with open(output, "w") as handle:
            json.dump(results, handle, indent=2, sort_keys=True)
        print("written to %s" % output)
    finally:
        if emulator is not None:
            emulator.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
