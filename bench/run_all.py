# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``make bench``: every benchmark of fleetops.cloud in one run, printed as Markdown (counts and ratios).

    python bench/run_all.py [--doc docs/performance.md] [--parts stack,starts,lookups,roles,scale,listmode]
                            [--reps 4] [--reapply 10] [--clusters 10] [--forks 10] [--sizes 10,100,1000]
                            [--budget 900] [--output FILE]

Parts (each against a fresh state of one local emulator, 127.0.0.1):

* ``roles``    idempotent re-run of each role on the demo inventory: reads per managed object, writes, auth
               calls (warm token cache), module tasks that ran;
* ``lookups``  find-by-name through the facades (UCS policies, fleets, clusters; BCE pools) at 10 / 100 / 1000
               objects: API calls and client CPU milliseconds per lookup;
* ``starts``   each ``*_info`` module task, and no-op re-runs of resource modules, side by side with an
               ``ansible.builtin.uri`` task (one GET), interleaved pair by pair; and what each module imports
               when it loads (``python -X importtime``);
* ``scale``    ``cluster_registration`` in inventory-host mode (one host per cluster, forks): first run and
               re-run, controller CPU per cluster;
* ``stack``    ``bench/stack_reapply.py``: ``fleetops.cloud.stack`` vs ``openstack.cloud.stack``;
* ``listmode`` ``bench/cluster_list_mode.py`` (the role's list mode), when that script exists.

They run in the order roles, lookups, stack, starts, listmode, scale.

The machine may be shared: wall times are inflated by other load, so the figures that matter are call counts
and ratios of tasks run side by side in one playbook. Every loop is bounded, every subprocess has a timeout.
``--doc FILE`` writes the whole of ``docs/performance.md`` from this run's figures.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402  pylint: disable=wrong-import-position

HERE = benchlib.HERE
ROOT = benchlib.ROOT
PARTS = ("roles", "lookups", "stack", "starts", "listmode", "scale")
PLAYBOOK_TIMEOUT = 600
DEMO_INVENTORY = os.path.join(ROOT, "playbooks", "inventories", "demo", "hosts.yml")


def say(text=""):
    print(text)
    sys.stdout.flush()


def fmt(value, digits=2):
    if value is None:
        return "–"
    if isinstance(value, float):
        return ("%%.%df" % digits) % value
    return str(value)


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(fmt(cell) for cell in row) + " |")
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------------ roles


def write_member_kubeconfigs(emulator, directory, names):
    os.makedirs(directory, mode=0o700, exist_ok=True)
    for name in names:
        path = os.path.join(directory, name + ".kubeconfig")
        with open(path, "w") as handle:
            handle.write(benchlib.KUBECONFIG.format(name=name, base=emulator.base, token="bench-member-token"))
        os.chmod(path, 0o600)


def run_once(emulator, env, workdir, args, objects):
    """One run of a playbook: its calls (from the emulator's log), CPU, wall time and module tasks."""
    position = emulator.position()
    emu_cpu = emulator.cpu()
    played = benchlib.ansible_playbook(env, args, workdir, PLAYBOOK_TIMEOUT)
    calls = emulator.requests(position)
    counts = benchlib.classify(calls)
    ran = benchlib.module_tasks(played["results"])
    emu_after = emulator.cpu()
    return {"wall": played["wall"], "cpu": played["cpu"], "counts": counts, "calls": benchlib.describe(calls),
            "module_tasks": len(ran), "changed": sum(1 for action, changed in ran if changed),
            "module_actions": sorted(set(action for action, changed in ran)),
            "emulator_cpu": (emu_after - emu_cpu) if None not in (emu_after, emu_cpu) else None,
            "objects": objects}


def run_twice(emulator, env, workdir, args, objects):
    """First run and idempotent re-run of one playbook; figures of both."""
    return dict((run, run_once(emulator, env, workdir, args, objects)) for run in ("first", "rerun"))


def fleet_id(emulator, workdir, name):
    """The uid of the fleet ``name`` (read through the collection's facade, outside the measured runs)."""
    client = lookup_client(emulator, workdir)
    from ansible_collections.fleetops.cloud.plugins.module_utils.ucs import UcsApi  # on the path lookup_client set
    try:
        return UcsApi(client).find_fleet_by_name(name)["metadata"]["uid"]
    finally:
        client.close()


def part_roles(emulator, workdir, args):
    """Each role twice on the demo inventory (fleet, 3 clusters, stack); the second run is the idempotent one."""
    emulator.reset()
    demo_dir = os.path.join(workdir, "demo")
    write_member_kubeconfigs(emulator, demo_dir, ["edge-sh-1", "edge-bj-1"])
    env = benchlib.ansible_env(emulator, workdir, {"FLEETOPS_DEMO_DIR": demo_dir})
    result = {}
    result["fleet_setup"] = run_twice(emulator, env, workdir, ["fleetops.cloud.fleet_setup", "-i", DEMO_INVENTORY], 1)
    registration = ["fleetops.cloud.cluster_registration", "-i", DEMO_INVENTORY, "--forks", "10"]
    result["cluster_registration"] = run_twice(emulator, env, workdir, registration, 3)
    # The same re-run with the fleet handed down by id (as fleet_setup publishes it): no name to resolve.
    by_id = registration + ["-e", "cluster_registration_fleet=%s" % fleet_id(emulator, workdir, "demo-fleet")]
    result["cluster_registration (fleet by id)"] = {"rerun": run_once(emulator, env, workdir, by_id, 3)}
    result["stack_deployment"] = run_twice(emulator, env, workdir,
                                           ["fleetops.cloud.stack_deployment", "-i", DEMO_INVENTORY], 1)
    return result


ROLE_ROWS = ("fleet_setup", "cluster_registration", "cluster_registration (fleet by id)", "stack_deployment")
GOALS = {"cluster_registration": "1 read per cluster + 1 fleet-name lookup per play, 0 writes, 0 auth",
         "cluster_registration (fleet by id)": "1 read per cluster, 0 writes, 0 auth",
         "fleet_setup": "3 reads, 0 writes, 0 auth",
         "stack_deployment": "1 module task, <= 3 reads, 0 writes, 0 auth"}


def goal_met(role, rerun):
    counts = rerun["counts"]
    base = counts["writes"] == 0 and counts["auth"] == 0 and rerun["changed"] == 0
    if role == "cluster_registration":
        # A fleet given by name is resolved once for the whole play (a cluster reports only its fleet's id).
        return base and counts["reads"] <= rerun["objects"] + 1
    if role == "cluster_registration (fleet by id)":
        return base and counts["reads"] <= rerun["objects"]
    if role == "fleet_setup":
        return base and counts["reads"] <= 3
    return base and counts["reads"] <= 3 and rerun["module_tasks"] == 1


def md_roles(result):
    rows = []
    for role in ROLE_ROWS:
        if role not in result:
            continue
        rerun = result[role]["rerun"]
        counts = rerun["counts"]
        objects = rerun["objects"]
        rows.append([role, objects, counts["reads"], round(counts["reads"] / float(objects), 2), counts["writes"],
                     counts["auth"], rerun["module_tasks"], rerun["changed"], GOALS[role],
                     "met" if goal_met(role, rerun) else "**missed**"])
    text = [table(["role (demo inventory)", "managed objects", "reads", "reads / object", "writes", "auth calls",
                   "module tasks run", "changed", "goal", "goal met"], rows), ""]
    rows = []
    for role in ("fleet_setup", "cluster_registration", "stack_deployment"):
        if role in result:
            first = result[role]["first"]
            rows.append([role, first["objects"], first["counts"]["total"], first["counts"]["writes"],
                         first["counts"]["auth"], first["wall"], first["cpu"], first["cpu"] / first["objects"],
                         first["emulator_cpu"], first["changed"]])
    text += ["First runs, for scale (the CCE import and two attached clusters; agents applied with "
             "`kubernetes.core.k8s`):", "",
             table(["role, first run", "managed objects", "API calls", "writes", "auth calls", "wall s",
                    "controller CPU s", "controller CPU s / object", "emulator CPU s", "changed"], rows), ""]
    for role in ROLE_ROWS:
        if role in result:
            text.append("- `%s` re-run, every call: %s" % (role, "; ".join(
                "`%s`" % call for call in result[role]["rerun"]["calls"]) or "none"))
    return "\n".join(text)


# ---------------------------------------------------------------------------------------------- scale


def scale_inventory(emulator, workdir, count, kind):
    """One inventory host per cluster: CCE imports (``cce-bulk-NNN``, which the emulator's CCE lists up to the
    ``ucs_cce_clusters`` knob) or attached clusters in a fleet with a policy binding, agents applied."""
    if kind == "cce":
        names = ["cce-bulk-%03d" % index for index in range(count)]
        group_vars = {"cluster_registration_category": "self"}
        hosts = dict((name, {}) for name in names)
    else:
        names = ["scale-%03d" % (index + 1) for index in range(count)]
        kube_dir = os.path.join(workdir, "scale")
        write_member_kubeconfigs(emulator, kube_dir, names)
        hosts = dict((name, {"cluster_registration_kubeconfig_path": os.path.join(kube_dir, name + ".kubeconfig")})
                     for name in names)
        group_vars = {"cluster_registration_category": "attachedcluster", "cluster_registration_type": "privatek8s",
                      "cluster_registration_country": "CN", "cluster_registration_city": "310000",
                      "cluster_registration_fleet": "scale-fleet",
                      "cluster_registration_policies": [{"policies": ["scale-readonly"], "namespaces": ["default"]}],
                      "cluster_registration_agent_dir": os.path.join(kube_dir, "agents")}
    group_vars["cluster_registration_wait_timeout"] = 300
    inventory = {"all": {"vars": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable},
                         "children": {"ucs_clusters": {"vars": group_vars, "hosts": hosts}}}}
    path = os.path.join(workdir, "scale-inventory.json")
    with open(path, "w") as handle:
        json.dump(inventory, handle)
    return path


def part_scale(emulator, workdir, args):
    """cluster_registration with one inventory host per cluster and --forks."""
    emulator.reset()
    env = benchlib.ansible_env(emulator, workdir)
    if args.scale_kind == "cce":
        emulator.hook("/config", "PUT", {"ucs_cce_clusters": args.clusters})
    else:
        fleet_play = os.path.join(workdir, "scale-fleet.yml")
        with open(fleet_play, "w") as handle:
            handle.write(benchlib.SCALE_FLEET_PLAY)
        benchlib.ansible_playbook(env, [fleet_play], workdir, PLAYBOOK_TIMEOUT)
    inventory = scale_inventory(emulator, workdir, args.clusters, args.scale_kind)
    runs = run_twice(emulator, env, workdir, ["fleetops.cloud.cluster_registration", "-i", inventory, "--forks",
                                              str(args.forks)], args.clusters)
    return {"clusters": args.clusters, "forks": args.forks, "kind": args.scale_kind, "runs": runs}


KINDS = {"cce": "CCE imports", "attached": "attached, fleet, policy, agent applied"}


def md_scale(result):
    n = float(result["clusters"])
    rows = []
    for run in ("first", "rerun"):
        fig = result["runs"][run]
        counts = fig["counts"]
        rows.append(["%s (%s)" % (run, KINDS[result.get("kind", "attached")]), result["clusters"], result["forks"],
                     fig["wall"], fig["wall"] / n, fig["cpu"], fig["cpu"] / n,
                     fig["emulator_cpu"], counts["total"], counts["total"] / n, counts["writes"], counts["auth"],
                     fig["changed"]])
    return table(["inventory-host mode run", "clusters", "forks", "wall s", "wall s / cluster", "controller CPU s",
                  "controller CPU s / cluster", "emulator CPU s", "API calls", "calls / cluster", "writes",
                  "auth calls", "changed"], rows)


# -------------------------------------------------------------------------------------------- lookups


def lookup_client(emulator, workdir):
    """A CloudClient of the collection (from the checkout) with the emulator's coordinates."""
    coll = os.path.join(workdir, "collections")
    benchlib.ansible_env(emulator, workdir)  # makes the collection path
    if coll not in sys.path:
        sys.path.insert(0, coll)
    from ansible_collections.fleetops.cloud.plugins.module_utils.base import AUTH_ARGUMENT_SPEC
    from ansible_collections.fleetops.cloud.plugins.module_utils.client import CloudClient
    info = emulator.info
    params = dict((key, spec.get("default")) for key, spec in AUTH_ARGUMENT_SPEC.items())
    params.update({"access_key": info["access_key"], "secret_key": info["secret_key"],
                   "domain_id": info["domain_id"], "domain_name": info["domain_name"],
                   "project_id": info["project_id"], "project_name": info["project_name"],
                   "region": info["project_name"], "token_cache_dir": os.path.join(workdir, "lookup-tokens"),
                   "endpoints": dict((k, info[k]) for k in ("iam", "ucs", "bce", "orchestration"))})
    return CloudClient(params)


def seed(client, kind, start, stop, fleet_id):
    """Create objects number start+1..stop of one kind (names ``bench-<kind>-0001`` ...)."""
    for index in range(start, stop):
        name = "bench-%s-%04d" % (kind, index + 1)
        if kind == "policy":
            client.call("ucs", "POST", "/v1/permissions/rules", json={"metadata": {"name": name},
                                                                      "spec": {"type": "readonly"}}, create=True)
        elif kind == "fleet":
            client.call("ucs", "POST", "/v1/clustergroups", json={"metadata": {"name": name}, "spec": {}},
                        create=True)
        elif kind == "cluster":
            kubeconfig = json.dumps({"apiVersion": "v1", "kind": "Config",
                                     "clusters": [{"name": name, "cluster": {"server": "https://10.0.0.1:6443"}}],
                                     "users": [{"name": "u", "user": {"token": "t"}}],
                                     "contexts": [{"name": name, "context": {"cluster": name, "user": "u"}}],
                                     "current-context": name})
            client.call("ucs", "POST", "/v1/clusters", create=True, json={
                "kind": "Cluster", "apiVersion": "v1",
                "metadata": {"name": name, "annotations": {"kubeconfig": kubeconfig}},
                "spec": {"category": "attachedcluster", "type": "privatek8s", "provider": "privatek8s",
                         "manageType": "discrete", "country": "CN", "city": "310000"}})
        elif kind == "pool":
            client.call("bce", "POST", "/v1/{project_id}/clusters", create=True, json={
                "cluster_name": name, "cluster_type": "shared", "cluster_id": "bench-namespace-%04d" % (index + 1)})
    del fleet_id


def lookup_functions(client):
    from ansible_collections.fleetops.cloud.plugins.module_utils.ucs import UcsApi
    from ansible_collections.fleetops.cloud.plugins.module_utils.bce import BceApi
    ucs, bce = UcsApi(client), BceApi(client)
    return {"policy": ("UCS", "UcsApi.find_policy_by_name", ucs.find_policy_by_name),
            "fleet": ("UCS", "UcsApi.find_fleet_by_name", ucs.find_fleet_by_name),
            "cluster": ("UCS", "UcsApi.find_cluster_by_name", ucs.find_cluster_by_name),
            "pool": ("BCE", "BceApi.find_pool", bce.find_pool)}


def measure_lookup(emulator, func, name, reps):
    calls, cpu, wall = [], [], []
    found = None
    for dummy in range(reps):
        position = emulator.position()
        cpu0, wall0 = time.process_time(), time.perf_counter()
        found = func(name)
        cpu.append((time.process_time() - cpu0) * 1000.0)
        wall.append((time.perf_counter() - wall0) * 1000.0)
        calls.append(len(emulator.requests(position)))
    return {"calls": max(calls), "cpu_ms": benchlib.median(cpu), "wall_ms": benchlib.median(wall),
            "found": found is not None}


def part_lookups(emulator, workdir, args):
    emulator.reset()
    client = lookup_client(emulator, workdir)
    funcs = lookup_functions(client)
    sizes = sorted(args.sizes)
    out = []
    have = 0
    for size in sizes:
        for kind in funcs:
            seed(client, kind, have, size, None)
        have = size
        for kind, (service, label, func) in funcs.items():
            for target, name in (("oldest", "bench-%s-0001" % kind), ("newest", "bench-%s-%04d" % (kind, size)),
                                 ("missing", "bench-%s-none" % kind)):
                fig = measure_lookup(emulator, func, name, args.lookup_reps)
                fig.update({"service": service, "function": label, "kind": kind, "objects": size, "target": target})
                out.append(fig)
    return {"lookups": out}


def md_lookups(result):
    rows = []
    for fig in result["lookups"]:
        rows.append([fig["service"], "`%s`" % fig["function"], fig["objects"], fig["target"],
                     "yes" if fig["found"] else "no", fig["calls"], fig["cpu_ms"], fig["wall_ms"]])
    return table(["service", "lookup", "objects in the account", "name looked up", "found", "API calls",
                  "client CPU ms", "client wall ms"], rows)


# --------------------------------------------------------------------------------------------- starts


TEMPLATE_YAML = """heat_template_version: 2018-08-31
description: fleetops.cloud module-start benchmark
resources:
  message:
    type: OS::Heat::Value
    properties:
      value: bench
outputs:
  message:
    value: {get_attr: [message, value]}
"""


def start_tasks(template_path="template.yaml"):
    """(label, module, args, kind) of every measured module task; resource modules run as no-op re-runs.
    The template is a YAML file, as in most playbooks."""
    policy = {"name": "bench-start-policy", "type": "readonly", "description": "bench"}
    stack = {"name": "bench-start-stack", "template": template_path, "wait": True}
    pool = {"name": "bench-start-pool", "type": "shared", "cluster_id": "bench-namespace"}
    return [
        ("ucs_policy_info", "fleetops.cloud.ucs_policy_info", {}, "info"),
        ("ucs_fleet_info", "fleetops.cloud.ucs_fleet_info", {}, "info"),
        ("ucs_cluster_info", "fleetops.cloud.ucs_cluster_info", {}, "info"),
        ("ucs_cce_cluster_info", "fleetops.cloud.ucs_cce_cluster_info", {}, "info"),
        ("ucs_cluster_version_info", "fleetops.cloud.ucs_cluster_version_info", {}, "info"),
        ("bce_pool_info", "fleetops.cloud.bce_pool_info", {}, "info"),
        ("bce_wdl_execution_info", "fleetops.cloud.bce_wdl_execution_info", {}, "info"),
        ("stack_info", "fleetops.cloud.stack_info", {}, "info"),
        ("stack_template_info", "fleetops.cloud.stack_template_info", {"template": template_path}, "info"),
        ("ucs_policy (no-op re-run)", "fleetops.cloud.ucs_policy", policy, "resource"),
        ("bce_pool (no-op re-run)", "fleetops.cloud.bce_pool", pool, "resource"),
        ("stack (no-op re-run)", "fleetops.cloud.stack", stack, "resource"),
    ]


def starts_playbook(emulator, token, reps, template_path):
    tasks = start_tasks(template_path)
    setup = [{"name": "setup %s" % label, module: dict(body)} for label, module, body, kind in tasks
             if kind == "resource"]
    # One unmeasured run of every module first: Ansible packages a module once per playbook run, and that
    # one-time cost is not what a module start costs.
    setup += [{"name": "warm %s" % label, module: dict(body)} for label, module, body, kind in tasks]
    peer = {"ansible.builtin.uri": {"url": emulator.info["orchestration"] + "/stacks", "method": "GET",
                                    "headers": {"X-Auth-Token": token}, "status_code": 200}}
    setup.append(dict(peer, name="setup uri"))
    measured = []
    for rep in range(reps):
        for index, (label, module, body, kind) in enumerate(tasks):
            pair = [dict({module: dict(body)}, name="start %02d %d ours" % (index, rep)),
                    dict(peer, name="start %02d %d peer" % (index, rep))]
            if (rep + index) % 2:
                pair.reverse()
            measured.extend(pair)
    return [{"name": "module starts", "hosts": "localhost", "gather_facts": False, "connection": "local",
             "tasks": setup + measured}]


IMPORT_PROBES = ("requests", "yaml", "ansible.module_utils.urls", "cryptography")


def import_cost(workdir, module):
    """Cumulative import milliseconds of a module (after ansible.module_utils.basic) and the heavy libraries it
    loads at import time, from ``python -X importtime``."""
    env = dict(os.environ, PYTHONPATH=os.path.join(workdir, "collections"),
               PYTHONPYCACHEPREFIX=os.path.join(workdir, "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode cached alike for both sides (see module_processes)
    code = "import ansible.module_utils.basic; import %s" % module
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", code], env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, timeout=120, check=False)
    lines = proc.stderr.decode("utf-8", "replace").splitlines()
    marks = [i for i, line in enumerate(lines) if line.endswith("| ansible.module_utils.basic")]
    after = lines[marks[-1] + 1:] if marks else lines
    cumulative, loaded = None, set()
    for line in after:
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|\s*(\S+)$", line)
        if not match:
            continue
        name = match.group(2)
        for probe in IMPORT_PROBES:
            if name == probe:
                loaded.add(probe)
        if name == module:
            cumulative = int(match.group(1)) / 1000.0
    return cumulative, sorted(loaded), proc.returncode


def part_starts(emulator, workdir, args):
    emulator.reset()
    env = benchlib.ansible_env(emulator, workdir)
    token = emulator.project_token()
    book = os.path.join(workdir, "starts.yml")
    template_path = os.path.join(workdir, "template.yaml")
    with open(template_path, "w") as handle:
        handle.write(TEMPLATE_YAML)
    with open(book, "w") as handle:
        json.dump(starts_playbook(emulator, token, args.reps, template_path), handle, indent=1)
    played = benchlib.ansible_playbook(env, ["-i", "localhost,", book], workdir, PLAYBOOK_TIMEOUT)
    log = emulator.requests(0)
    by_name = dict((task["name"], task) for task in played["tasks"])
    tasks = start_tasks(template_path)
    rows = []
    for index, (label, module, body, kind) in enumerate(tasks):
        ratios, ours_s, peer_s, ours_calls, peer_calls, ours_writes, changed = [], [], [], [], [], [], 0
        for rep in range(args.reps):
            ours = by_name.get("start %02d %d ours" % (index, rep))
            peer = by_name.get("start %02d %d peer" % (index, rep))
            if not ours or not peer or ours.get("end") is None or peer.get("end") is None:
                continue
            o_wall, p_wall = ours["end"] - ours["start"], peer["end"] - peer["start"]
            ratios.append(o_wall / p_wall if p_wall else None)
            ours_s.append(o_wall)
            peer_s.append(p_wall)
            inside = [r for r in log if ours["start"] <= r["time"] <= ours["end"]]
            ours_calls.append(len(inside))
            ours_writes.append(sum(1 for r in inside if r.get("write")))
            peer_calls.append(len([r for r in log if peer["start"] <= r["time"] <= peer["end"]]))
            changed += 1 if ours.get("changed") else 0
        rows.append({"label": label, "module": module, "kind": kind, "pairs": len(ratios),
                     "ratio": benchlib.median(ratios), "ours_s": benchlib.median(ours_s),
                     "peer_s": benchlib.median(peer_s), "calls": max(ours_calls) if ours_calls else None,
                     "peer_calls": max(peer_calls) if peer_calls else None,
                     "writes": max(ours_writes) if ours_writes else None, "changed": changed})
    processes = module_processes(emulator, workdir, tasks, token, args.proc_reps)
    imports = []
    modules = sorted(name[:-3] for name in os.listdir(os.path.join(ROOT, "plugins", "modules"))
                     if name.endswith(".py") and not name.startswith("_"))
    for name in ["ansible.modules.uri"] + ["ansible_collections.fleetops.cloud.plugins.modules.%s" % module
                                           for module in modules]:
        import_cost(workdir, name)  # writes the bytecode
        samples = [import_cost(workdir, name) for dummy in range(args.import_reps)]
        imports.append({"module": name.rsplit(".", 1)[1], "ms": benchlib.median([s[0] for s in samples]),
                        "loads": samples[0][1], "rc": samples[0][2]})
    return {"reps": args.reps, "rows": rows, "imports": imports, "processes": processes}


def module_process(env, module, args_path):
    """CPU seconds (user + system) and wall seconds of one module process run directly (``python -m``)."""
    cpu0, wall0 = benchlib.cpu_children(), time.time()
    proc = subprocess.run([sys.executable, "-m", module, args_path], env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, timeout=120, check=False)
    cpu, wall = benchlib.cpu_children() - cpu0, time.time() - wall0
    try:
        failed = bool(json.loads(proc.stdout.decode("utf-8", "replace")).get("failed"))
    except ValueError:
        failed = True
    return cpu, wall, failed or proc.returncode != 0


def module_processes(emulator, workdir, tasks, token, reps):
    """Each module's own process (no Ansible controller around it) vs ``ansible.modules.uri``'s, alternating:
    CPU seconds per process, the part of a task's cost that the module decides."""
    env = benchlib.ansible_env(emulator, workdir)
    env["PYTHONPATH"] = os.path.join(workdir, "collections")
    # Bytecode cached for both sides alike (one unmeasured run each writes it): the site-packages have .pyc files
    # and the checkout would not, which would charge our side for compiling. Under Ansible both sides compile
    # their module_utils from the AnsiballZ zip on every task; that is in the task ratios.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = os.path.join(workdir, "pycache")
    uri_args = os.path.join(workdir, "proc-uri.json")
    with open(uri_args, "w") as handle:
        json.dump({"ANSIBLE_MODULE_ARGS": {"url": emulator.info["orchestration"] + "/stacks",
                                           "headers": {"X-Auth-Token": token}}}, handle)
    rows = []
    for index, (label, module, body, kind) in enumerate(tasks):
        args_path = os.path.join(workdir, "proc-%02d.json" % index)
        with open(args_path, "w") as handle:
            json.dump({"ANSIBLE_MODULE_ARGS": body}, handle)
        name = "ansible_collections.fleetops.cloud.plugins.modules.%s" % module.rsplit(".", 1)[1]
        ours, peer, failures = [], [], 0
        module_process(env, name, args_path)
        if index == 0:
            module_process(env, "ansible.modules.uri", uri_args)
        for rep in range(reps):
            order = [(name, args_path, ours), ("ansible.modules.uri", uri_args, peer)]
            if (rep + index) % 2:
                order.reverse()
            for mod, path, sink in order:
                cpu, dummy, failed = module_process(env, mod, path)
                sink.append(cpu)
                failures += 1 if failed else 0
        ratios = [o / p for o, p in zip(ours, peer) if p]
        rows.append({"label": label, "kind": kind, "ours_cpu": benchlib.median(ours), "uri_cpu": benchlib.median(peer),
                     "ratio": benchlib.median(ratios), "failures": failures, "runs": reps})
    return rows


def md_starts(result):
    rows = []
    for row in result["rows"]:
        same = row["calls"] == row["peer_calls"]
        rows.append(["`%s`" % row["label"], row["pairs"], row["calls"], row["peer_calls"], row["writes"],
                     row["changed"], row["ours_s"], row["peer_s"], row["ratio"],
                     ("met" if row["ratio"] is not None and row["ratio"] <= 1.1 else "**missed**")
                     if same else "calls differ"])
    text = [table(["module task", "pairs", "API calls", "uri calls", "writes", "changed", "median s", "uri median s",
                   "median ratio (pairs)", "goal <= 1.1x"], rows), ""]
    rows = []
    for row in result.get("processes") or []:
        rows.append(["`%s`" % row["label"], row["runs"], row["ours_cpu"], row["uri_cpu"], row["ratio"],
                     row["failures"]])
    if rows:
        text += ["The module process alone (`python -m <module> args.json`, same calls, no controller around it, "
                 "bytecode cached for both after one unmeasured run each), alternating with `ansible.modules.uri`; "
                 "CPU seconds (user + system) per process:", "",
                 table(["module process", "runs", "median CPU s", "uri median CPU s", "median ratio (pairs)",
                        "failed runs"], rows), ""]
    uri = [imp for imp in result["imports"] if imp["module"] == "uri"]
    uri_ms = uri[0]["ms"] if uri else None
    rows = []
    for imp in result["imports"]:
        rows.append(["`%s`" % imp["module"], imp["ms"], (imp["ms"] / uri_ms) if imp["ms"] and uri_ms else None,
                     ", ".join("`%s`" % name for name in imp["loads"]) or "none of them"])
    text.append(table(["module (import only, bytecode cached)", "import ms after `basic`", "x uri", "heavy libraries loaded at "
                       "import time (of %s)" % ", ".join(IMPORT_PROBES)], rows))
    return "\n".join(text)


# --------------------------------------------------------------------------------- list mode, stack


def run_list_script(script, workdir, clusters, help_text, timeout):
    """One run of bench/cluster_list_mode.py; its figures (the JSON object it prints, or writes with --output)."""
    cmd = [sys.executable, script]
    output = os.path.join(workdir, "list_mode-%d.json" % clusters)
    if "--output" in help_text:
        cmd += ["--output", output]
    if "--clusters" in help_text:
        cmd += ["--clusters", str(clusters)]
    env = dict(os.environ, COLL_PARENT=os.path.join(workdir, "collections"))
    command = " ".join(["python", "bench/cluster_list_mode.py"] + cmd[2:]).replace(output, "FILE")
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout,
                              check=False, cwd=ROOT, env=env)
    except subprocess.TimeoutExpired:
        return {"rc": None, "stdout": "timed out after %d s (--list-timeout)" % timeout, "figures": None,
                "command": command}
    text = proc.stdout.decode("utf-8", "replace")
    figures = None
    if os.path.exists(output):
        with open(output) as handle:
            figures = json.load(handle)
    elif "{" in text:  # the script prints one JSON object
        try:
            figures = json.loads(text[text.index("{"):text.rindex("}") + 1])
        except ValueError:
            figures = None
    return {"rc": proc.returncode, "stdout": text, "figures": figures, "command": command}


def part_listmode(emulator, workdir, args):
    """H5's list-mode script at the inventory-host part's size (same-size comparison) and at --list-clusters."""
    script = os.path.join(HERE, "cluster_list_mode.py")
    if not os.path.exists(script):
        return {"missing": True}
    help_text = subprocess.run([sys.executable, script, "--help"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               timeout=60, check=False).stdout.decode("utf-8", "replace")
    benchlib.ansible_env(emulator, workdir)  # makes the collection link the script is given
    runs = []
    for clusters in sorted(set([args.clusters, args.list_clusters])):
        runs.append(run_list_script(script, workdir, clusters, help_text, args.list_timeout))
    return {"missing": False, "runs": runs}


def md_listmode(result):
    if result.get("missing"):
        return "`bench/cluster_list_mode.py` does not exist in this checkout: list mode not measured."
    rows, text, raw = [], [], []
    for run in result["runs"]:
        fig = run.get("figures")
        if not (isinstance(fig, dict) and isinstance(fig.get("first_run"), dict) and isinstance(fig.get("rerun"), dict)):
            lines = run["stdout"].strip().splitlines()
            raw += ["`%s` (exit %s) printed:" % (run["command"], run["rc"]), "", "```text"] + lines[-40:] + ["```", ""]
            continue
        first, rerun = fig["first_run"], fig["rerun"]
        uri = (fig.get("uri_task") or {}).get("wall_s")
        rows.append(["first registration", fig.get("clusters"), first.get("calls"), first.get("writes"),
                     first.get("auth_calls"), first.get("wall_s"), first.get("cpu_s"), first.get("cpu_s_per_cluster"),
                     "–", "–"])
        rows.append(["idempotent re-run", fig.get("clusters"), rerun.get("calls"), rerun.get("writes"),
                     rerun.get("auth_calls"), rerun.get("wall_s"), rerun.get("cpu_s"), "–", uri,
                     rerun.get("wall_ratio_vs_uri_task")])
        text.append("`%s` (exit %s)" % (run["command"], run["rc"]))
    out = []
    if rows:
        out += ["Run: %s. CCE imports in one `fleetops.cloud.ucs_cluster` task (its `clusters` list), one module "
                "process; the yardstick is a playbook of one `ansible.builtin.uri` task, run right after." %
                ", ".join(text), "",
                table(["list-mode run", "clusters", "API calls (no auth)", "writes", "auth calls", "wall s",
                       "controller CPU s", "controller CPU s / cluster", "uri playbook wall s",
                       "wall x uri playbook"], rows), "",
                "Targets: re-run <= 5 API calls, 0 writes, 0 auth calls, <= 3x the uri playbook; first registration "
                "<= 0.3 controller CPU s per cluster.", ""]
    return "\n".join(out + raw).rstrip()


def part_stack(emulator, workdir, args):
    del emulator
    output = os.path.join(workdir, "stack_reapply.json")
    cmd = [sys.executable, os.path.join(HERE, "stack_reapply.py"), "--reapply", str(args.reapply), "--output", output]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=PLAYBOOK_TIMEOUT, check=False,
                          cwd=ROOT)
    if proc.returncode != 0 or not os.path.exists(output):
        raise RuntimeError("bench/stack_reapply.py failed (rc %s): %s" % (proc.returncode,
                                                                          proc.stdout.decode()[-3000:]))
    with open(output) as handle:
        return json.load(handle)


def md_stack(result):
    summary = result["summary"]
    rows = []
    for op in ("create", "reapply", "list", "delete"):
        for side, label in (("ours", "fleetops.cloud"), ("peer", "openstack.cloud")):
            row = summary.get(side, {}).get(op)
            if row:
                rows.append([op, label, row["count"], row["median_s"], row["requests_per_task"], row["writes_per_task"],
                             "%d/%d" % (row["changed"], row["count"])])
    text = [table(["operation", "side", "tasks", "median s", "requests / task", "writes / task", "changed"], rows), ""]
    ratios = []
    for op in ("create", "reapply", "list", "delete"):
        ours, peer = summary.get("ours", {}).get(op), summary.get("peer", {}).get(op)
        if ours and peer and peer["median_s"]:
            ratios.append("%s **%.3f**" % (op, ours["median_s"] / peer["median_s"]))
    text.append("Ratio ours / peer of the median wall times (tasks interleaved): " + ", ".join(ratios) + ".")
    return "\n".join(text)


# --------------------------------------------------------------------------------------------- main


def environment(args):
    return {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "ansible_core": benchlib.ansible_core_version(), "python": platform.python_version(),
            "cores": os.cpu_count(), "load_start": os.getloadavg(), "machine": platform.machine(),
            "parts": args.parts, "argv": list(sys.argv[1:])}


def md_environment(env):
    return ("Measured %s; ansible-core %s, Python %s, %s, %s CPU cores; load average (1/5/15 min) %s at the "
            "start and %s at the end; the run took %s s."
            % (env["date"], env["ansible_core"], env["python"], env["machine"], env["cores"],
               "/".join("%.1f" % v for v in env["load_start"]), "/".join("%.1f" % v for v in env["load_end"]),
               fmt(env.get("seconds"), 0))
            + " Command: `python bench/run_all.py %s`." % " ".join(env.get("argv") or []))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--parts", default=",".join(PARTS), help="comma-separated subset of %s" % ", ".join(PARTS))
    parser.add_argument("--reps", type=int, default=4, help="pairs per module in the module-start part (1..20)")
    parser.add_argument("--proc-reps", type=int, default=3, help="module processes per module, run directly (1..10)")
    parser.add_argument("--import-reps", type=int, default=3, help="python -X importtime samples per module (1..9)")
    parser.add_argument("--reapply", type=int, default=10, help="unchanged stack re-applies per side (1..50)")
    parser.add_argument("--clusters", type=int, default=10, help="clusters in the inventory-host scale part (1..50)")
    parser.add_argument("--forks", type=int, default=10, help="forks of the inventory-host scale part (1..50)")
    parser.add_argument("--scale-kind", choices=("cce", "attached"), default="cce",
                        help="clusters of the inventory-host scale part: CCE imports (as in list mode) or attached")
    parser.add_argument("--sizes", default="10,100,1000", help="account sizes of the lookup part (each 1..2000)")
    parser.add_argument("--lookup-reps", type=int, default=3, help="repetitions per lookup (1..10)")
    parser.add_argument("--list-clusters", type=int, default=200, help="clusters for bench/cluster_list_mode.py")
    parser.add_argument("--list-timeout", type=int, default=300, help="seconds allowed to bench/cluster_list_mode.py")
    parser.add_argument("--speed", type=float, default=50.0, help="emulator speed factor (default 50)")
    parser.add_argument("--budget", type=int, default=900,
                        help="seconds after which parts not yet started are skipped (default 900)")
    parser.add_argument("--doc", help="write docs/performance.md (the whole page) from this run")
    parser.add_argument("--output", help="JSON figures (default bench/results/bench-<time>.json)")
    args = parser.parse_args(argv)
    args.parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    unknown = [p for p in args.parts if p not in PARTS]
    if unknown:
        parser.error("unknown parts: %s" % ", ".join(unknown))
    args.sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    bounds = [(args.reps, 1, 20, "--reps"), (args.import_reps, 1, 9, "--import-reps"),
              (args.proc_reps, 1, 10, "--proc-reps"), (args.reapply, 1, 50, "--reapply"),
              (args.clusters, 1, 50, "--clusters"), (args.forks, 1, 50, "--forks"),
              (args.lookup_reps, 1, 10, "--lookup-reps"),
              (args.list_clusters, 1, 500, "--list-clusters"), (args.list_timeout, 10, 900, "--list-timeout"),
              (args.budget, 60, 3600, "--budget")]
    bounds += [(size, 1, 2000, "--sizes") for size in args.sizes]
    for value, low, high, name in bounds:
        if not low <= value <= high:
            parser.error("%s must be %d..%d" % (name, low, high))

    started = time.time()
    env = environment(args)
    workdir = tempfile.mkdtemp(prefix="fleetops-bench-")
    figures, errors = {"environment": env}, {}
    emulator = None
    try:
        emulator = benchlib.Emulator(workdir, args.speed)
        for part in PARTS:
            if part not in args.parts:
                continue
            if time.time() - started > args.budget:
                errors[part] = "skipped: the time budget (--budget %d s) was spent before this part" % args.budget
                continue
            say("... %s (%s)" % (part, time.strftime("%H:%M:%S")))
            try:
                figures[part] = globals()["part_" + part](emulator, workdir, args)
            except Exception as exc:  # pylint: disable=broad-exception-caught  # one failed part must not lose the others
                errors[part] = "%s: %s" % (type(exc).__name__, exc)
                traceback.print_exc()
    finally:
        if emulator is not None:
            emulator.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    env["load_end"] = os.getloadavg()
    env["seconds"] = time.time() - started
    figures["errors"] = errors
    markdown = render(figures)
    say()
    say(markdown)
    output = args.output or os.path.join(HERE, "results", "bench-%s.json" % time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()))
    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    with open(output, "w") as handle:
        json.dump(figures, handle, indent=1, default=str)
    say("\nfigures written to %s" % output)
    if args.doc:
        import docgen  # pylint: disable=import-outside-toplevel
        with open(args.doc, "w") as handle:
            handle.write(docgen.page(figures, markdown))
        say("%s written" % args.doc)
    return 1 if errors else 0


SECTIONS = (("roles", "Idempotent re-runs of the roles", md_roles),
            ("lookups", "Lookups by name", md_lookups),
            ("starts", "Module start cost", md_starts),
            ("stack", "Stack re-apply vs openstack.cloud.stack", md_stack),
            ("scale", "cluster_registration in inventory-host mode", md_scale),
            ("listmode", "cluster_registration in list mode", md_listmode))


def render(figures):
    out = ["## Environment", "", md_environment(figures["environment"]), ""]
    for key, title, func in SECTIONS:
        if key in figures:
            try:
                body = func(figures[key])
            except Exception as exc:  # pylint: disable=broad-exception-caught  # the JSON keeps the figures
                body = "Figures not rendered (%s: %s); see the JSON file." % (type(exc).__name__, exc)
            out += ["## %s" % title, "", body, ""]
        elif key in figures.get("errors", {}):
            out += ["## %s" % title, "", "Not measured: %s" % figures["errors"][key], ""]
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
