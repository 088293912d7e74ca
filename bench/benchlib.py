# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plumbing shared by the benchmarks in ``bench/``: one emulator, its request log, playbook runs with CPU figures.

Nothing here measures by itself; ``bench/run_all.py`` (``make bench``) composes it. Every wait is bounded.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import collections
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CTL = os.path.join(ROOT, "tools", "emulator_ctl.py")
HTTP_TIMEOUT = 60
LOG_PAGES = 1000
# A member cluster's kubeconfig: its API on the emulator (``/k8s/<name>``), a bearer token.
KUBECONFIG = """apiVersion: v1
kind: Config
clusters:
  - name: {name}
    cluster:
      server: {base}/k8s/{name}
users:
  - name: admin
    user:
      token: {token}
contexts:
  - name: {name}
    context:
      cluster: {name}
      user: admin
current-context: {name}
"""
# The fleet and the policy that the clusters of the scale runs join (bench/run_all.py, bench/roles_scale.py).
SCALE_FLEET_PLAY = """---
- name: The fleet and policy the clusters join
  hosts: localhost
  gather_facts: false
  connection: local
  roles:
    - role: fleetops.cloud.fleet_setup
      vars:
        fleet_setup_fleet_name: scale-fleet
        fleet_setup_policies:
          - name: scale-readonly
            type: readonly
            namespaces: [default]
"""


def cpu_children():
    """CPU seconds (user + system) of every child process that has ended and been waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def proc_cpu(pid):
    """CPU seconds used so far by a running process (from /proc), or None when it cannot be read."""
    try:
        with open("/proc/%d/stat" % pid) as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / float(os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return None


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


class Emulator(object):
    """One emulator on 127.0.0.1 (started through ``tools/emulator_ctl.py``), stopped by its own PID."""

    def __init__(self, workdir, speed):
        self.rundir = os.path.join(workdir, "emulator")
        subprocess.run([sys.executable, CTL, "start", self.rundir, "--speed", str(speed)], check=True,
                       stdout=subprocess.DEVNULL, timeout=60)
        with open(os.path.join(self.rundir, "info.json")) as handle:
            self.info = json.load(handle)
        with open(os.path.join(self.rundir, "pid")) as handle:
            self.pid = int(handle.read())
        self.base = self.info["base"]
        exports = subprocess.run([sys.executable, CTL, "env", self.rundir], check=True, stdout=subprocess.PIPE,
                                 timeout=60).stdout.decode()
        self.env_vars = {}
        for line in exports.splitlines():
            key, value = line[len("export "):].split("=", 1)
            self.env_vars[key] = json.loads(value)

    def stop(self):
        subprocess.run([sys.executable, CTL, "stop", self.rundir], check=False, timeout=60)

    def http(self, path, method="GET", body=None, headers=None):
        data = json.dumps(body).encode() if body is not None else None
        head = {"Content-Type": "application/json"}
        head.update(headers or {})
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=head)
        with urllib.request.urlopen(req, timeout=HTTP_TIMEOUT) as resp:
            raw = resp.read()
            answer_headers = dict(resp.headers)
        return (json.loads(raw) if raw else None), answer_headers

    def hook(self, path, method="GET", body=None):
        return self.http("/_emulator" + path, method, body)[0]

    def reset(self, quotas=None):
        self.hook("/reset", "POST")
        self.hook("/config", "PUT", {"quotas": quotas or {"ucs.clusters": 2000, "ucs.fleets": 2000,
                                                          "ucs.policies": 2000}})
        shutil.rmtree(os.path.join(self.rundir, "tokens"), ignore_errors=True)

    def position(self):
        return self.hook("/requests?since=1000000000")["next"]

    def requests(self, since, until=None):
        """The logged API requests after ``since`` (and up to ``until``), test hooks excluded; bounded paging."""
        out = []
        for dummy in range(LOG_PAGES):
            body = self.hook("/requests?since=%d" % since)
            page = [r for r in body.get("requests") or [] if until is None or r["seq"] <= until]
            out.extend(page)
            if not page or body.get("next", since) == since or (until is not None and body["next"] >= until):
                break
            since = max(r["seq"] for r in page)
        return [r for r in out if not str(r.get("path", "")).startswith("/_emulator")]

    def cpu(self):
        return proc_cpu(self.pid)

    def project_token(self):
        """A project-scoped Keystone token (for the ``ansible.builtin.uri`` peer tasks)."""
        info = self.info
        body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
            "name": info["user_name"], "password": info["password"], "domain": {"name": info["domain_name"]}}}},
            "scope": {"project": {"name": info["project_name"], "domain": {"name": info["domain_name"]}}}}}
        req = urllib.request.Request(info["iam"] + "/auth/tokens", data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=HTTP_TIMEOUT) as resp:
            return resp.headers["X-Subject-Token"]


def classify(requests):
    """Counts of a list of logged requests: total, auth (token issuing), writes, reads; reads per service."""
    counts = collections.Counter()
    for entry in requests:
        counts["total"] += 1
        if entry.get("service") == "iam":
            counts["auth"] += 1
        elif entry.get("write"):
            counts["writes"] += 1
        else:
            counts["reads"] += 1
            counts["reads_%s" % entry.get("service")] += 1
    for key in ("total", "auth", "writes", "reads"):
        counts.setdefault(key, 0)
    return dict(counts)


def describe(requests):
    return ["%s %s%s -> %s" % (r["method"], r["path"], _query(r.get("query")), r.get("status")) for r in requests]


def _query(query):
    if not query:
        return ""
    if isinstance(query, dict):
        parts = []
        for key in sorted(query):
            value = query[key]
            parts.append("%s=%s" % (key, value[0] if isinstance(value, list) and len(value) == 1 else value))
        return "?" + "&".join(parts)
    return "?" + str(query)


def ansible_env(emulator, workdir, extra=None):
    """The environment of a benchmark ``ansible-playbook``: the checkout as the collection, the emulator's HW_*."""
    env = dict(os.environ)
    for key in [k for k in env if k.startswith(("HW_", "OS_", "ANSIBLE_"))]:
        del env[key]
    env.update(emulator.env_vars)
    coll = os.path.join(workdir, "collections")
    if not os.path.exists(coll):
        os.makedirs(os.path.join(coll, "ansible_collections", "fleetops"))
        os.symlink(ROOT, os.path.join(coll, "ansible_collections", "fleetops", "cloud"))
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": coll,
        "ANSIBLE_CALLBACK_PLUGINS": os.path.join(HERE, "callback_plugins"),
        "ANSIBLE_CALLBACKS_ENABLED": "bench_timer",
        "ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.minimal",
        "ANSIBLE_LOCALHOST_WARNING": "false",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        "ANSIBLE_PIPELINING": "true",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_HOST_KEY_CHECKING": "false",
        "ANSIBLE_DISPLAY_SKIPPED_HOSTS": "false",
        "OS_CLIENT_CONFIG_FILE": os.path.join(workdir, "no-clouds.yaml"),
    })
    if not os.path.exists(env["OS_CLIENT_CONFIG_FILE"]):
        with open(env["OS_CLIENT_CONFIG_FILE"], "w") as handle:
            handle.write("clouds: {}\n")
    env.update(extra or {})
    return env


def ansible_playbook(env, args, workdir, timeout):
    """Run ``ansible-playbook ARGS``; return wall seconds, controller CPU seconds, per-task and per-host records."""
    timings = os.path.join(workdir, "timings-%d.json" % int(time.time() * 1000))
    results = timings.replace("timings-", "results-")
    env = dict(env, FLEETOPS_BENCH_TIMINGS=timings, FLEETOPS_BENCH_RESULTS=results)
    cmd = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook")] + list(args)
    cpu_before = cpu_children()
    start = time.time()
    proc = subprocess.run(cmd, env=env, cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          timeout=timeout, check=False)
    wall = time.time() - start
    cpu = cpu_children() - cpu_before
    output = proc.stdout.decode("utf-8", "replace")
    if proc.returncode != 0:
        sys.stderr.write(output[-6000:])
        raise RuntimeError("ansible-playbook %s failed (rc %d)" % (" ".join(args), proc.returncode))
    tasks = _load(timings, [])
    hosts = _load(results, [])
    return {"wall": wall, "cpu": cpu, "tasks": tasks, "results": hosts, "start": start, "end": start + wall}


def _load(path, default):
    if not os.path.exists(path):
        return default
    with open(path) as handle:
        return json.load(handle)


def module_tasks(results, prefix="fleetops.cloud."):
    """Per-host task results of our modules that ran (not skipped), as ``[(action, changed)]``."""
    return [(r["action"], r["changed"]) for r in results
            if str(r.get("action", "")).startswith(prefix) and r.get("status") != "skipped"]


def ansible_core_version():
    try:
        from ansible.release import __version__
        return __version__
    except ImportError:
        return "unknown"
