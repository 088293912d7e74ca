# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""List mode of fleetops.cloud.ucs_cluster at fleet scale (issue 16 item 4), against a fresh local emulator.

    .venv/bin/python bench/cluster_list_mode.py [--clusters 200]

Prints one JSON object: for N CCE imports in one task (``clusters``) the first registration's controller CPU per
cluster (user + system of ansible-playbook and its children), the idempotent re-run's API calls (all, writes, auth)
and wall time (the module task alone, and the cluster_registration role in list mode), and the wall time of one
``ansible.builtin.uri`` task as the yardstick (ratio). Targets: re-run
<= 5 calls, 0 writes, 0 auth calls with a warm token cache, <= 3x the uri task; first run <= 0.3 CPU-s per cluster.
Needs ``make setup`` (the collection link in COLL_PARENT). Not a timed test: it only prints figures.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV_BIN = os.path.join(os.environ.get("VENV", os.path.join(ROOT, ".venv")), "bin")


def hook(base, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + "/_emulator" + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        text = resp.read().decode()
    return json.loads(text) if text.strip() else None


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_playbook(playbook, env):
    cpu0, wall0 = children_cpu(), time.monotonic()
    proc = subprocess.run([os.path.join(VENV_BIN, "ansible-playbook"), "-i", "localhost,", playbook],
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=1800, check=False)
    wall, cpu = time.monotonic() - wall0, children_cpu() - cpu0
    if proc.returncode != 0:
        sys.exit("ansible-playbook %s failed:\n%s" % (playbook, proc.stdout[-4000:]))
    return wall, cpu


def calls_since(base, since):
    log = hook(base, "GET", "/requests?since=%d" % since)
    reqs = log["requests"]
    return {"calls": len([r for r in reqs if r.get("service") != "iam"]),
            "writes": len([r for r in reqs if r.get("write")]),
            "auth_calls": len([r for r in reqs if r.get("service") == "iam"])}, log["next"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, default=200)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="fleetops-bench-list-")
    rundir = os.path.join(work, "emulator")
    subprocess.run([os.path.join(VENV_BIN, "python"), os.path.join(ROOT, "tools", "emulator_ctl.py"), "start", rundir,
                    "--speed", "50"], check=True, stdout=subprocess.DEVNULL)
    try:
        info = json.load(open(os.path.join(rundir, "info.json")))
        base = info["ucs"].rsplit("/ucs", 1)[0]
        hook(base, "PUT", "/config", {"ucs_cce_clusters": args.clusters, "quotas": {"ucs.clusters": args.clusters + 10}})
        env = dict(os.environ)
        env.update({"HW_USER_NAME": info["user_name"], "HW_USER_PASSWORD": info["password"],
                    "HW_DOMAIN_NAME": info["domain_name"], "HW_IAM_ENDPOINT": info["iam"], "HW_UCS_ENDPOINT": info["ucs"],
                    "HW_TOKEN_CACHE_DIR": os.path.join(work, "tokens"), "ANSIBLE_PIPELINING": "true",
                    "ANSIBLE_PYTHON_INTERPRETER": os.path.join(VENV_BIN, "python")})
        coll_parent = os.environ.get("COLL_PARENT")
        if coll_parent:
            env["ANSIBLE_COLLECTIONS_PATH"] = coll_parent
        names = ["cce-bulk-%03d" % i for i in range(args.clusters)]
        playbook = os.path.join(work, "register.yml")
        with open(playbook, "w") as handle:
            json.dump([{"hosts": "localhost", "connection": "local", "gather_facts": False, "tasks": [
                {"name": "Register the CCE clusters in one task", "fleetops.cloud.ucs_cluster": {
                    "category": "self", "clusters": [{"name": n} for n in names]}}]}], handle)
        role = os.path.join(work, "role.yml")
        with open(role, "w") as handle:
            json.dump([{"hosts": "localhost", "connection": "local", "gather_facts": False, "roles": [
                {"role": "fleetops.cloud.cluster_registration",
                 "vars": {"cluster_registration_clusters": [{"name": n, "category": "self"} for n in names]}}]}], handle)
        yardstick = os.path.join(work, "uri.yml")
        with open(yardstick, "w") as handle:
            json.dump([{"hosts": "localhost", "connection": "local", "gather_facts": False, "tasks": [
                {"name": "One GET", "ansible.builtin.uri": {"url": base + "/_emulator/readings"}}]}], handle)

        first = hook(base, "GET", "/requests?since=0")["next"]
        wall1, cpu1 = run_playbook(playbook, env)
        counts1, pos = calls_since(base, first)
        wall2, cpu2 = run_playbook(playbook, env)
        counts2, pos = calls_since(base, pos)
        wall3, cpu3 = run_playbook(role, env)
        counts3, pos = calls_since(base, pos)
        uri_wall, uri_cpu = run_playbook(yardstick, env)
        print(json.dumps({
            "clusters": args.clusters,
            "first_run": dict(counts1, wall_s=round(wall1, 2), cpu_s=round(cpu1, 2),
                              cpu_s_per_cluster=round(cpu1 / args.clusters, 4)),
            "rerun": dict(counts2, wall_s=round(wall2, 2), cpu_s=round(cpu2, 2),
                          wall_ratio_vs_uri_task=round(wall2 / uri_wall, 2)),
            "role_rerun": dict(counts3, wall_s=round(wall3, 2), cpu_s=round(cpu3, 2),
                               wall_ratio_vs_uri_task=round(wall3 / uri_wall, 2)),
            "uri_task": {"wall_s": round(uri_wall, 2), "cpu_s": round(uri_cpu, 2)},
        }, indent=2))
    finally:
        subprocess.run([os.path.join(VENV_BIN, "python"), os.path.join(ROOT, "tools", "emulator_ctl.py"), "stop", rundir],
                       stdout=subprocess.DEVNULL, check=False)


if __name__ == "__main__":
    main()
