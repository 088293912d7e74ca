# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the reliability and security suite (issue 9).

Every test starts its own emulator (``python tests/emulator --port 0``) so runs never share state, drives the
collection through ``ansible-playbook`` (the JSON callback collects the results) and counts API calls through
the emulator's request log, never through ``changed``.

``pytest tests/reliability`` runs the fast subset (one fault seed, fewer concurrent hosts); ``--full`` runs
every seed and the 50-host concurrency case. The figures measured are printed at the end of the session and
written to ``tests/output/reliability/figures.json``.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import pytest
import requests

HERE = os.path.dirname(os.path.abspath(__file__))
COLLECTION_ROOT = os.path.dirname(os.path.dirname(HERE))
PLAYBOOKS = os.path.join(HERE, "playbooks")
FAST_SEEDS = (101,)
FULL_SEEDS = (101, 102, 103, 104, 105)
START_TIMEOUT = 15.0
HOOK_TIMEOUT = 10.0
PLAYBOOK_TIMEOUT = 900
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$|^[0-9a-f]{32}$")

FIGURES = {}
_FIGURES_LOCK = threading.Lock()


def pytest_addoption(parser):
    parser.addoption("--full", action="store_true", default=False,
                     help="reliability suite: every fault seed and the 50-host concurrency case")
    parser.addoption("--seeds", default=None,
                     help="comma-separated fault seeds of test_faults.py (default: 101, or 101-105 with --full)")


def record_figure(key, value):
    """Remember a measured figure (printed at the end of the session)."""
    with _FIGURES_LOCK:
        FIGURES[key] = value


def pytest_terminal_summary(terminalreporter):
    if not FIGURES:
        return
    terminalreporter.section("reliability figures")
    for key in sorted(FIGURES):
        terminalreporter.write_line("%s: %s" % (key, json.dumps(FIGURES[key], sort_keys=True)))
    out_dir = os.path.join(COLLECTION_ROOT, "tests", "output", "reliability")
    try:
        os.makedirs(out_dir, exist_ok=True)
        with open(os.path.join(out_dir, "figures.json"), "w", encoding="utf-8") as handle:
            json.dump(FIGURES, handle, indent=2, sort_keys=True)
    except OSError:
        pass


def _no_proxy_for_loopback():
    for name in ("NO_PROXY", "no_proxy"):
        hosts = [h for h in os.environ.get(name, "").split(",") if h]
        for host in ("127.0.0.1", "localhost"):
            if host not in hosts:
                hosts.append(host)
        os.environ[name] = ",".join(hosts)


def _read_ready_line(proc, timeout):
    box = {}

    def reader():
        box["line"] = proc.stdout.readline()

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    thread.join(timeout)
    return box.get("line")


class Emulator(object):
    """One emulator process: coordinates, auth options, hooks, request log helpers."""

    def __init__(self, workdir, args=()):
        self.workdir = workdir
        os.makedirs(workdir, exist_ok=True)
        self.stderr_path = os.path.join(workdir, "emulator.stderr")
        with open(self.stderr_path, "wb") as stderr:
            self.proc = subprocess.Popen(  # pylint: disable=consider-using-with
                [sys.executable, "tests/emulator", "--port", "0"] + list(args),
                cwd=COLLECTION_ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr,
                universal_newlines=True)
        line = _read_ready_line(self.proc, START_TIMEOUT)
        if not line:
            self.stop()
            raise RuntimeError("the emulator printed no ready line within %.0fs" % START_TIMEOUT)
        self.info = json.loads(line)
        self.base = self.info["iam"].rsplit("/iam/v3", 1)[0]
        self.http = requests.Session()
        self.token_dir = os.path.join(workdir, "tokens")

    def env(self):
        """The documented ``HW_*`` environment of this emulator (what a user of the demo exports), plus the two
        variables the demo inventory reads (``FLEETOPS_EMULATOR_BASE``; ``FLEETOPS_DEMO_DIR`` is the caller's)."""
        opts = self.auth()
        names = {"access_key": "HW_ACCESS_KEY", "secret_key": "HW_SECRET_KEY", "domain_id": "HW_DOMAIN_ID",
                 "domain_name": "HW_DOMAIN_NAME", "project_id": "HW_PROJECT_ID", "project_name": "HW_PROJECT_NAME",
                 "user_name": "HW_USER_NAME", "password": "HW_USER_PASSWORD", "region": "HW_REGION_NAME",
                 "token_cache_dir": "HW_TOKEN_CACHE_DIR"}
        env = dict((var, str(opts[key])) for key, var in names.items())
        for service in ("iam", "ucs", "bce", "orchestration"):
            env["HW_%s_ENDPOINT" % service.upper()] = self.info[service]
        env["FLEETOPS_EMULATOR_BASE"] = self.base
        return env

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self.proc.stdout:
            self.proc.stdout.close()

    # -- hooks --------------------------------------------------------------------------------------------
    def hook(self, method, path, **kwargs):
        kwargs.setdefault("timeout", HOOK_TIMEOUT)
        resp = self.http.request(method, self.base + "/_emulator/" + path.lstrip("/"), **kwargs)
        resp.raise_for_status()
        return resp.json() if resp.content else None

    def set_faults(self, spec):
        return self.hook("PUT", "faults", json={"spec": spec})

    def set_config(self, **knobs):
        return self.hook("PUT", "config", json=knobs)

    def mark(self):
        return self.hook("GET", "requests", params={"since": 10 ** 9})["next"]

    def requests_since(self, mark=0):
        return self.hook("GET", "requests", params={"since": mark})["requests"]

    def state(self):
        return self.hook("GET", "state")

    # -- auth options ---------------------------------------------------------------------------------------
    def auth(self, aksk=True, password=True, **extra):
        """The ``fleetops_auth`` dict of the playbooks: endpoints, ids, and the chosen credentials."""
        info = self.info
        opts = {
            "domain_id": info["domain_id"], "domain_name": info["domain_name"],
            "project_id": info["project_id"], "project_name": info["project_name"],
            "region": info["project_name"],
            "endpoints": dict((k, info[k]) for k in ("iam", "ucs", "bce", "orchestration")),
            "token_cache_dir": self.token_dir,
        }
        if aksk:
            opts.update(access_key=info["access_key"], secret_key=info["secret_key"])
        if password:
            opts.update(user_name=info["user_name"], password=info["password"])
        opts.update(extra)
        return opts


class PlaybookRun(object):
    """What one ``ansible-playbook`` run left behind."""

    def __init__(self, rc, stdout, stderr, duration, results):
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.duration = duration
        self.results = results

    def host_results(self):
        """``[(play, task, host, result)]`` for every task result of the JSON callback."""
        rows = []
        for play in (self.results or {}).get("plays", []):
            for task in play.get("tasks", []):
                for host, result in task.get("hosts", {}).items():
                    rows.append((play["play"]["name"], task["task"]["name"], host, result))
        return rows

    def failures(self):
        return [row for row in self.host_results() if row[3].get("failed") and not row[3].get("ignore_errors")]

    def stats(self):
        return (self.results or {}).get("stats", {})

    def task_retries(self):
        """Extra attempts made by ``until`` loops (``attempts`` - 1, summed)."""
        return sum(max(0, int(row[3].get("attempts", 1)) - 1) for row in self.host_results())

    def explain(self):
        lines = ["rc=%s" % self.rc]
        for play, task, host, result in self.failures():
            lines.append("%s / %s / %s: %s" % (play, task, host, result.get("msg")))
        lines.append(self.stderr[-3000:])
        if not self.results:
            lines.append(self.stdout[-3000:])
        return "\n".join(lines)


def _parse_json_callback(stdout):
    """The JSON document of the ``ansible.posix.json`` callback (verbose lines may come before it)."""
    start = stdout.find('{\n    "custom_stats"')
    if start < 0:
        start = stdout.find("{")
    if start < 0:
        return None
    try:
        return json.loads(stdout[start:])
    except ValueError:
        return None


def collections_path():
    """Where ``ansible_collections/fleetops/cloud`` is reachable: ``ANSIBLE_COLLECTIONS_PATH`` (set by make), else the
    ``PYTHONPATH`` entry that holds it (how the suite is run by hand)."""
    candidates = [p for p in os.environ.get("ANSIBLE_COLLECTIONS_PATH", "").split(os.pathsep) if p]
    candidates += [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    for path in candidates:
        if os.path.isdir(os.path.join(path, "ansible_collections", "fleetops", "cloud")):
            return path
    raise RuntimeError("fleetops.cloud is not reachable as <dir>/ansible_collections/fleetops/cloud through "
                       "ANSIBLE_COLLECTIONS_PATH or PYTHONPATH")


def run_playbook(playbook, workdir, extra_vars, inventory=None, forks=5, verbosity=0, diff=False,
                 json_callback=True, timeout=PLAYBOOK_TIMEOUT, env=None):
    """Run ``ansible-playbook`` with the JSON callback (or the default one); return a ``PlaybookRun``."""
    os.makedirs(workdir, exist_ok=True)
    vars_path = os.path.join(workdir, "vars-%d.json" % int(time.time() * 1000))
    with open(vars_path, "w", encoding="utf-8") as handle:
        json.dump(extra_vars, handle)
    if inventory is None:
        inventory = {"all": {"hosts": {"localhost": {}}}}
    if isinstance(inventory, str):
        inv_path = inventory  # an inventory file of the collection (the demo's), used as it is
    else:
        for group in [inventory["all"]] + list(inventory["all"].get("children", {}).values()):
            for host_vars in group.get("hosts", {}).values():
                host_vars.setdefault("ansible_connection", "local")
                host_vars.setdefault("ansible_python_interpreter", sys.executable)
        inv_path = vars_path.replace("vars-", "inventory-")
        with open(inv_path, "w", encoding="utf-8") as handle:
            json.dump(inventory, handle)
    bindir = os.path.dirname(sys.executable)
    cmd = [os.path.join(bindir, "ansible-playbook"), "-i", inv_path, "-e", "@" + vars_path, "-f", str(forks)]
    if verbosity:
        cmd.append("-" + "v" * verbosity)
    if diff:
        cmd.append("--diff")
    cmd.append(os.path.join(PLAYBOOKS, playbook) if not os.path.isabs(playbook) else playbook)
    run_env = dict(os.environ)
    coll_parent = collections_path()
    run_env.update({
        "ANSIBLE_COLLECTIONS_PATH": coll_parent,
        "PYTHONPATH": coll_parent,
        "ANSIBLE_HOST_KEY_CHECKING": "False",
        "ANSIBLE_RETRY_FILES_ENABLED": "False",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_LOCAL_TEMP": os.path.join(workdir, "ansible-tmp"),
        "ANSIBLE_HOME": os.path.join(workdir, "ansible-home"),
        "PATH": bindir + os.pathsep + os.environ.get("PATH", ""),
    })
    for name in list(run_env):
        if name.startswith(("HW_", "OS_")):
            del run_env[name]
    if json_callback:
        run_env["ANSIBLE_STDOUT_CALLBACK"] = "ansible.posix.json"
    else:
        run_env["ANSIBLE_STDOUT_CALLBACK"] = "ansible.builtin.default"
    run_env.update(env or {})
    started = time.monotonic()
    proc = subprocess.run(cmd, cwd=workdir, env=run_env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, timeout=timeout, check=False)
    duration = time.monotonic() - started
    results = _parse_json_callback(proc.stdout) if json_callback else None
    return PlaybookRun(proc.returncode, proc.stdout, proc.stderr, duration, results)


# -- canonical state ----------------------------------------------------------------------------------------
def id_names(state):
    """Map every resource id of the dump to ``kind:name`` (ids differ between runs, names do not)."""
    names = {}
    ucs = state.get("ucs", {})
    for kind in ("clusters", "fleets", "rules"):
        for uid, obj in ucs.get(kind, {}).items():
            names[uid] = "%s:%s" % (kind, obj.get("name"))
    for uid, obj in state.get("heat", {}).get("stacks", {}).items():
        names[uid] = "stack:%s" % obj.get("stack_name")
    bce = state.get("bce", {})
    for uid, obj in bce.get("pools", {}).items():
        names[uid] = "pool:%s" % obj.get("cluster_name")
    for uid, obj in bce.get("executions", {}).items():
        names[uid] = "execution:%s" % obj.get("name")
    return names


def _rules(bindings, names):
    return sorted((tuple(sorted(names.get(r, "?") for r in b.get("ruleIDs", []))), tuple(sorted(b.get("namespaces", []))))
                  for b in bindings or [])


def canonical_state(state):
    """The dump reduced to what a run should produce, keyed by names (no ids, timestamps or counters)."""
    names = id_names(state)
    ucs = state.get("ucs", {})
    canon = {"policies": {}, "fleets": {}, "clusters": {}, "members": {}, "stacks": {}, "pools": {}, "executions": {}}
    for obj in ucs.get("rules", {}).values():
        spec = obj.get("spec", {})
        canon["policies"][obj["name"]] = {"type": spec.get("type"), "users": sorted(spec.get("iamUserIDs") or []),
                                          "description": spec.get("description"), "contents": spec.get("contents")}
    for obj in ucs.get("fleets", {}).values():
        fed = obj.get("federation") or {}
        canon["fleets"][obj["name"]] = {"description": obj.get("description"), "rules": _rules(obj.get("rules"), names),
                                        "federated": bool(fed), "federation_failed": bool(fed.get("fail")),
                                        "connection": bool(obj.get("connection")), "dns": sorted(obj.get("dnsSuffix") or [])}
    for obj in ucs.get("clusters", {}).values():
        spec = dict(obj.get("spec") or {})
        spec["clusterGroupID"] = names.get(spec.get("clusterGroupID"), spec.get("clusterGroupID") or "")
        canon["clusters"][obj["name"]] = {"labels": obj.get("labels"), "spec": spec, "rules": _rules(obj.get("rules"), names),
                                          "connected": obj.get("connected")}
    for member, data in state.get("k8s", {}).get("members", {}).items():
        canon["members"][member] = sorted("%s/%s" % (kind, key) for kind, objs in data.get("objects", {}).items() for key in objs)
    for obj in state.get("heat", {}).get("stacks", {}).values():
        if obj.get("deleted"):
            continue
        config = obj.get("config") or {}
        canon["stacks"][obj["stack_name"]] = {"status": obj.get("stack_status"), "values": config.get("values"),
                                              "tags": sorted(config.get("tags") or []), "template": config.get("template")}
    bce = state.get("bce", {})
    for obj in bce.get("pools", {}).values():
        canon["pools"][obj["cluster_name"]] = {"type": obj.get("cluster_type"), "bucket": obj.get("bucket_name"),
                                               "deleting": bool(obj.get("_deleted_at"))}
    uploads = bce.get("uploads", {})
    for uid, obj in bce.get("executions", {}).items():
        canon["executions"][obj["name"]] = {"pool": names.get(obj.get("env_guid")), "workflow": obj.get("workflow_name"),
                                            "inputs": obj.get("inputs_json"),
                                            "uploads": sorted((k, v.get("sha256")) for k, v in uploads.get(uid, {}).items())}
    return canon


def duplicates(state):
    """``{collection: [name, ...]}`` of names that exist more than once."""
    found = {}
    ucs = state.get("ucs", {})
    groups = {"clusters": [o["name"] for o in ucs.get("clusters", {}).values()],
              "fleets": [o["name"] for o in ucs.get("fleets", {}).values()],
              "policies": [o["name"] for o in ucs.get("rules", {}).values()],
              "stacks": [o["stack_name"] for o in state.get("heat", {}).get("stacks", {}).values() if not o.get("deleted")],
              "pools": [o["cluster_name"] for o in state.get("bce", {}).get("pools", {}).values()],
              "executions": [o["name"] for o in state.get("bce", {}).get("executions", {}).values()]}
    for member, data in state.get("k8s", {}).get("members", {}).items():
        objs = data.get("objects", {})
        # a name is unique per kind and namespace (a Deployment and a Service may share one)
        groups["k8s:" + member] = ["%s/%s/%s" % (o.get("kind"), o.get("metadata", {}).get("namespace") or "",
                                                 o.get("metadata", {}).get("name"))
                                   for kind in objs.values() for o in kind.values() if o.get("kind") != "Namespace"]
    for group, items in groups.items():
        dup = sorted(set(n for n in items if items.count(n) > 1))
        if dup:
            found[group] = dup
    return found


def write_key(entry, names):
    """A write's identity with ids replaced by names: ``(method, service, path, query)``."""
    parts = []
    for part in entry["path"].split("/"):
        parts.append("{%s}" % names[part] if part in names else ("{id}" if UUID_RE.match(part) else part))
    query = tuple(sorted((k, tuple(v)) for k, v in (entry.get("query") or {}).items()))
    return (entry["method"], entry["service"], "/".join(parts), query)


def delivered_success(entry):
    """A 2xx that the client certainly received (not a lost response)."""
    return entry.get("status") is not None and 200 <= entry["status"] < 300 and entry.get("fault") in (None, "latency")


@pytest.fixture(scope="session")
def full(request):
    return request.config.getoption("--full")


@pytest.fixture(scope="session")
def seeds(request, full):
    chosen = request.config.getoption("--seeds")
    if chosen:
        return tuple(int(seed) for seed in chosen.split(",") if seed.strip())
    return FULL_SEEDS if full else FAST_SEEDS


@pytest.fixture
def workdir():
    path = tempfile.mkdtemp(prefix="fleetops-reliability-")
    os.chmod(path, 0o700)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def emulators(workdir):
    """``start(name, *args)`` starts an emulator under ``workdir/name``; all of them stop after the test."""
    _no_proxy_for_loopback()
    started = []

    def start(name, *args):
        emu = Emulator(os.path.join(workdir, name), args)
        started.append(emu)
        return emu

    yield start
    for emu in started:
        emu.stop()


def write_playbook(workdir, name, plays):
    """Write ``plays`` (a list of dicts) as a playbook (JSON is YAML) and return its path."""
    path = os.path.join(workdir, name)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(plays, handle, indent=1)
    return path


def hook_task(name, path, method="PUT", body=None):
    """A play task calling an emulator hook with ansible.builtin.uri (hooks are never faulted nor logged)."""
    args = {"url": "{{ emulator_base }}/_emulator/" + path, "method": method, "status_code": [200, 201, 204]}
    if body is not None:
        args.update(body_format="json", body=body)
    return {"name": name, "ansible.builtin.uri": args}


class Job(object):
    """A long playbook run started in a thread when the session starts, so that it overlaps the others."""

    def __init__(self, name, func):
        self.name = name
        self.value = None
        self.error = None
        self.thread = threading.Thread(target=self._run, args=(func,), daemon=True)
        self.thread.start()

    def _run(self, func):
        try:
            self.value = func()
        except Exception as exc:  # pylint: disable=broad-except
            self.error = exc

    def result(self, timeout=PLAYBOOK_TIMEOUT * 2):
        self.thread.join(timeout)
        if self.thread.is_alive():
            raise RuntimeError("%s did not finish within %d s" % (self.name, timeout))
        if self.error is not None:
            raise self.error
        return self.value


_JOBS = {}
_SCRATCH = []


def start_job(name, func):
    """Start ``func`` in the background once per session; ``job(name).result()`` waits for it."""
    if name not in _JOBS:
        _JOBS[name] = Job(name, func)
    return _JOBS[name]


def job(name):
    return _JOBS[name]


def scratch_dir(prefix):
    """A private temporary directory removed at the end of the session."""
    path = tempfile.mkdtemp(prefix="fleetops-reliability-%s-" % prefix)
    os.chmod(path, 0o700)
    _SCRATCH.append(path)
    return path


@pytest.fixture(scope="session", autouse=True)
def _background_jobs(request):
    """Test modules may define ``prefetch(config, rel)``: it starts their long playbook runs at once."""
    _no_proxy_for_loopback()
    modules = []
    for item in request.session.items:
        module = getattr(item, "module", None)
        if module is not None and module not in modules:
            modules.append(module)
    for module in modules:
        starter = getattr(module, "prefetch", None)
        if starter is not None:
            starter(request.config, _Helpers)
    yield
    for pending in _JOBS.values():
        pending.thread.join(PLAYBOOK_TIMEOUT)
    for path in _SCRATCH:
        shutil.rmtree(path, ignore_errors=True)


class _Helpers(object):
    """The module-level helpers above, as a fixture (test files here are not a package)."""
    run_playbook = staticmethod(run_playbook)
    canonical_state = staticmethod(canonical_state)
    duplicates = staticmethod(duplicates)
    id_names = staticmethod(id_names)
    write_key = staticmethod(write_key)
    delivered_success = staticmethod(delivered_success)
    record_figure = staticmethod(record_figure)
    write_playbook = staticmethod(write_playbook)
    start_job = staticmethod(start_job)
    job = staticmethod(job)
    scratch_dir = staticmethod(scratch_dir)
    hook_task = staticmethod(hook_task)
    Emulator = Emulator
    playbooks = PLAYBOOKS


@pytest.fixture(scope="session")
def rel():
    return _Helpers
