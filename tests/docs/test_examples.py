"""Every documented example runs as written against the emulator.

What counts as an example:
- each module's ``EXAMPLES`` (a task list: run as the tasks of one play on localhost), in the order of
  ``MODULE_ORDER`` on one account, so that a later module's example may use what an earlier one made;
- each code block of ``README.md``, ``docs/*.md``, ``docs/roles/*.md`` and ``roles/*/README.md`` that is a
  playbook or an inventory, page by page on a fresh account: inventories are written where their first comment
  line says (``# inventory/hosts.yml``), the page's ``ansible-playbook`` commands run verbatim, and each playbook
  runs with ``--check --diff`` first and then for real;
- the inventory plugin's ``EXAMPLES`` (``ansible-inventory --list``).

A user has the documented ``HW_*`` environment and nothing else: the emulator's coordinates reach the examples
only through it (no ``FLEETOPS_EMULATOR_BASE``, no ``integration_config.yml``), the examples run from a project
directory of their own with a fresh HOME, and no example may name a test-only variable. The files a user would
have next to the playbook (a Heat template, a WDL workflow, a member cluster's kubeconfig) come from
``tests/docs/files``; a vault a user would have is stood in for by ``vault_*`` extra variables.

The first example that breaks fails the run (``make docs`` runs pytest with ``-x``).
"""
import ast
import glob
import json
import os
import re
import shutil
import subprocess
import sys

import pytest
import requests
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
CTL = os.path.join(ROOT, "tools", "emulator_ctl.py")
FILES = os.path.join(ROOT, "tests", "docs", "files")
# Names a user never has: the emulator's test hooks and the integration targets' variables.
TEST_ONLY = ("emulator_base", "fleetops_auth", "web_params", "FLEETOPS_EMULATOR_BASE", "integration_config",
             "/_emulator/", "hw_access_key", "hw_secret_key", "hw_project_id", "hw_domain_id")
# The secrets a user keeps in a vault; the examples name them vault_*: each gets a placeholder, except the
# account's own keys and password (vault_hw_access_key, vault_hw_secret_key, vault_hw_password): the emulator's.
VAULT_NAME = re.compile(r"\bvault_\w+")
# Members whose kubeconfig a user of an attached cluster has (files/<name>.kubeconfig).
MEMBERS = ("edge-sh-1", "edge-bj-1", "edge-1", "edge-2", "aws-eu-1")
# A user's story: what a module's example needs, an earlier module's example makes.
MODULE_ORDER = ("ucs_policy", "ucs_policy_info", "ucs_cluster_version_info", "ucs_cce_cluster_info", "ucs_cluster",
                "ucs_cluster_agent", "ucs_cluster_info", "ucs_fleet_federation", "ucs_fleet_kubeconfig", "ucs_fleet_workload_info",
                "ucs_fleet_info", "ucs_fleet", "stack_template_info", "stack", "stack_info", "bce_pool", "bce_pool_info",
                "bce_wdl_execution", "bce_wdl_execution_info")
PAGES = (["README.md"] + sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")))
         + sorted(glob.glob(os.path.join(ROOT, "docs", "roles", "*.md")))
         + sorted(glob.glob(os.path.join(ROOT, "roles", "*", "README.md"))))
PAGES = [os.path.relpath(os.path.join(ROOT, page), ROOT) for page in PAGES]


def _string_constant(path, name):
    """The value of a module-level string constant, read without importing the file."""
    with open(os.path.join(ROOT, path)) as handle:
        tree = ast.parse(handle.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    return None


def _is_playbook(data):
    return isinstance(data, list) and any(
        isinstance(play, dict) and ("hosts" in play or any(k.endswith("import_playbook") for k in play))
        for play in data)


def _is_inventory(data):
    return isinstance(data, dict) and ("plugin" in data or "all" in data or any(
        isinstance(group, dict) and ("hosts" in group or "children" in group) for group in data.values()))


def page_examples(page):
    """(kind, text, line) of each playbook, inventory and ansible-playbook command of a Markdown page."""
    with open(os.path.join(ROOT, page)) as handle:
        text = handle.read()
    found = []
    for match in re.finditer(r"^```(\w*)\n(.*?)^```", text, re.S | re.M):
        lang, body = match.groups()
        line = text[:match.start()].count("\n") + 1
        if lang in ("yaml", "yml"):
            data = yaml.safe_load(body)  # a YAML block that does not parse is a broken example too
            if _is_playbook(data):
                found.append(("playbook", body, line))
            elif _is_inventory(data):
                found.append(("inventory", body, line))
        elif lang in ("console", "shell", "bash", "sh") and "emulator_ctl.py" not in body:
            # (a block that starts the emulator is the by-hand demo: test_getting_started.py runs it verbatim)
            for command in _commands(body):
                if command.startswith(("ansible-playbook ", "ansible-inventory ")) and "..." not in command:
                    found.append(("command", command, line))
    return found


def _commands(body):
    """The commands of a console block: `$ ` prompts stripped, continuation lines joined, comments dropped."""
    commands, current = [], ""
    for raw in body.splitlines():
        part = raw[2:] if raw.startswith("$ ") else raw
        current += part.rstrip("\\").strip() + " " if part.rstrip().endswith("\\") else part.strip()
        if not part.rstrip().endswith("\\"):
            if current and not current.startswith("#"):
                commands.append(re.sub(r"\s+#.*$", "", current).strip())
            current = ""
    return commands


def module_examples():
    """(module, EXAMPLES) in MODULE_ORDER, then any module the order does not name."""
    names = [os.path.basename(p)[:-3] for p in glob.glob(os.path.join(ROOT, "plugins", "modules", "*.py"))]
    ordered = [n for n in MODULE_ORDER if n in names] + sorted(n for n in names if n not in MODULE_ORDER)
    return [(n, _string_constant("plugins/modules/%s.py" % n, "EXAMPLES")) for n in ordered]


# ---- the run environment -----------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def emulator(tmp_path_factory):
    rundir = str(tmp_path_factory.mktemp("emulator"))
    subprocess.run([sys.executable, CTL, "start", rundir, "--speed", "50"], check=True, stdout=subprocess.DEVNULL,
                   timeout=60)
    try:
        out = subprocess.run([sys.executable, CTL, "env", rundir], check=True, capture_output=True, text=True,
                             timeout=60).stdout
        env = dict((k, json.loads(v)) for k, v in re.findall(r"^export (\w+)=(.*)$", out, re.M))
        base = env.pop("FLEETOPS_EMULATOR_BASE")  # a test hook, not part of the documented environment
        yield {"env": env, "base": base, "rundir": rundir}
    finally:
        subprocess.run([sys.executable, CTL, "stop", rundir], check=True, timeout=60)


@pytest.fixture(scope="session")
def collections(tmp_path_factory):
    """A collections path holding the checkout as fleetops.cloud (kubernetes.core comes with the venv)."""
    path = tmp_path_factory.mktemp("collections")
    (path / "ansible_collections" / "fleetops").mkdir(parents=True)
    os.symlink(ROOT, str(path / "ansible_collections" / "fleetops" / "cloud"))
    venv_collections = os.path.join(os.path.dirname(BIN), "collections")
    return os.pathsep.join([str(path), venv_collections])


def reset(emulator):
    requests.post(emulator["base"] + "/_emulator/reset", timeout=30).raise_for_status()
    shutil.rmtree(emulator["env"]["HW_TOKEN_CACHE_DIR"], ignore_errors=True)


def project(tmp_path, emulator):
    """A user's project directory: their files next to their playbooks, their own HOME."""
    shutil.copytree(FILES, str(tmp_path / "files"))
    shutil.copy(os.path.join(FILES, "web.yaml"), str(tmp_path / "web.yaml"))  # the template a page runs from $PWD
    (tmp_path / "inventory" / "templates").mkdir(parents=True)  # a template kept next to the inventory
    shutil.copy(os.path.join(FILES, "web.yaml"), str(tmp_path / "inventory" / "templates" / "web.yaml"))
    for name in MEMBERS:
        (tmp_path / "files" / ("%s.kubeconfig" % name)).write_text(yaml.safe_dump({
            "apiVersion": "v1", "kind": "Config", "current-context": name,
            "clusters": [{"name": name, "cluster": {"server": "%s/k8s/%s" % (emulator["base"], name)}}],
            "users": [{"name": name, "user": {"token": "member-token"}}],
            "contexts": [{"name": name, "context": {"cluster": name, "user": name}}]}))
    (tmp_path / "home").mkdir()
    names = set(VAULT_NAME.findall("\n".join(text for where, text in _all_example_texts())))
    vault = dict(dict((name, "example-%s" % name[6:].replace("_", "-")) for name in names),
                 vault_hw_access_key=emulator["env"]["HW_ACCESS_KEY"],
                 vault_hw_secret_key=emulator["env"]["HW_SECRET_KEY"],
                 vault_hw_password=emulator["env"]["HW_USER_PASSWORD"])
    (tmp_path / "vault.yml").write_text(yaml.safe_dump(vault))
    return tmp_path


def run(cmd, cwd, emulator, collections, timeout=600):
    env = dict((k, v) for k, v in os.environ.items()
               if not k.startswith(("HW_", "OS_", "ANSIBLE_", "FLEETOPS_", "MOLECULE_")) and k != "PYTHONPATH")
    env.update(emulator["env"])
    env.update({"HOME": str(cwd / "home"), "PATH": BIN + os.pathsep + env.get("PATH", ""), "ANSIBLE_NOCOLOR": "1",
                "ANSIBLE_COLLECTIONS_PATH": collections,
                # Ansible writes async job results under $HOME but reads them under the account's home (passwd):
                # with a HOME of its own, both must be the same absolute directory (docs/troubleshooting.md).
                "ANSIBLE_ASYNC_DIR": str(cwd / "home" / ".ansible_async")})
    result = subprocess.run(cmd, cwd=str(cwd), env=env, capture_output=True, text=True, timeout=timeout,
                            check=False)
    return result


def assert_ran(result, what):
    tail = (result.stdout[-4000:] + "\n" + result.stderr[-2000:]).strip()
    assert result.returncode == 0, "%s broke (exit %s):\n%s" % (what, result.returncode, tail)


def playbook_cmd(*args):
    return [os.path.join(BIN, "ansible-playbook"), "-e", "@vault.yml"] + list(args)


# ---- the tests ---------------------------------------------------------------------------------------------

def _all_example_texts():
    for name, text in module_examples():
        yield "plugins/modules/%s.py" % name, text or ""
    yield "plugins/inventory/ucs.py", _string_constant("plugins/inventory/ucs.py", "EXAMPLES") or ""
    for page in PAGES:
        for kind, text, line in page_examples(page):
            yield "%s:%s" % (page, line), text


@pytest.mark.parametrize("where,text", list(_all_example_texts()), ids=lambda v: v if "\n" not in v else "")
def test_no_test_only_variables(where, text):
    used = [name for name in TEST_ONLY if re.search(r"(?<![\w/])%s(?![\w])" % re.escape(name), text)]
    assert not used, "%s uses what only the tests have: %s" % (where, used)


@pytest.mark.parametrize("module", [name for name, dummy in module_examples()])
def test_module_examples(module, emulator, collections, tmp_path):
    text = dict(module_examples())[module]
    assert text and text.strip(), "%s has no EXAMPLES" % module
    if module == MODULE_ORDER[0]:
        reset(emulator)  # the module examples tell one story on one account, from an empty one
    cwd = project(tmp_path, emulator)
    tasks = yaml.safe_load(text)
    play = [{"name": "EXAMPLES of fleetops.cloud.%s" % module, "hosts": "localhost", "gather_facts": False,
             "tasks": tasks}]
    (cwd / "example.yml").write_text(yaml.safe_dump(play, sort_keys=False))
    assert_ran(run(playbook_cmd("example.yml"), cwd, emulator, collections), "EXAMPLES of %s" % module)


def test_inventory_plugin_examples(emulator, collections, tmp_path):
    text = _string_constant("plugins/inventory/ucs.py", "EXAMPLES")
    cwd = project(tmp_path, emulator)
    (cwd / "clusters.ucs.yml").write_text(text)
    result = run([os.path.join(BIN, "ansible-inventory"), "-i", "clusters.ucs.yml", "--list"], cwd, emulator,
                 collections)
    assert_ran(result, "EXAMPLES of the inventory plugin")
    assert "Failed to parse" not in result.stderr and "No inventory was parsed" not in result.stderr, result.stderr


def _inventory_path(text, line, taken):
    """Where the page says the inventory goes; else inventory/hosts.yml, or for the inventory plugin (whose file
    names end with ucs.yml) inventory/clusters.ucs.yml, as the pages call them."""
    match = re.match(r"\s*#\s*(\S+\.ya?ml)\b", text)
    if match:
        return match.group(1)
    path = "inventory/clusters.ucs.yml" if "plugin" in yaml.safe_load(text) else "inventory/hosts.yml"
    return path if path not in taken else path.replace("inventory/", "inventory/line%d-" % line)


@pytest.mark.parametrize("page", [p for p in PAGES if page_examples(p)])
def test_page_examples(page, emulator, collections, tmp_path):
    examples = page_examples(page)
    reset(emulator)
    cwd = project(tmp_path, emulator)
    inventories = []
    for kind, text, line in examples:
        if kind == "inventory":
            path = cwd / _inventory_path(text, line, inventories)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            inventories.append(str(path.relative_to(cwd)))
            result = run([os.path.join(BIN, "ansible-inventory"), "-i", inventories[-1], "--list"], cwd, emulator,
                         collections)
            assert_ran(result, "%s:%s (inventory)" % (page, line))
    for kind, text, line in examples:
        if kind == "command":
            # As typed in a shell ($PWD and the like expand); the vault stands in for the user's.
            if text.startswith("ansible-playbook "):
                text = "ansible-playbook -e @vault.yml " + text[len("ansible-playbook "):]
            result = run(["bash", "-c", text], cwd, emulator, collections)
            assert_ran(result, "%s:%s `%s`" % (page, line, text))
        elif kind == "playbook":
            path = cwd / ("playbook-%d.yml" % line)
            path.write_text(text)
            extra = [arg for inventory in inventories for arg in ("-i", inventory)]
            for mode in (["--check", "--diff"], []):
                result = run(playbook_cmd(*(extra + mode + [path.name])), cwd, emulator, collections)
                assert_ran(result, "%s:%s (playbook%s)" % (page, line, ", --check --diff" if mode else ""))


def _local_hosts_without_interpreter(node, inherited=False, path="all"):
    """Hosts and groups of a static inventory that connect locally without ansible_python_interpreter."""
    missing = []
    if not isinstance(node, dict):
        return missing
    group_vars = node.get("vars") or {}
    inherited = inherited or "ansible_python_interpreter" in group_vars
    group_local = group_vars.get("ansible_connection") == "local"
    for host, host_vars in (node.get("hosts") or {}).items():
        host_vars = host_vars or {}
        local = group_local or host_vars.get("ansible_connection") == "local"
        if local and not (inherited or "ansible_python_interpreter" in host_vars):
            missing.append("%s/%s" % (path, host))
    for name, child in (node.get("children") or {}).items():
        missing += _local_hosts_without_interpreter(child, inherited, "%s/%s" % (path, name))
    return missing


def _static_inventories():
    for page in PAGES:
        for kind, text, line in page_examples(page):
            data = yaml.safe_load(text) if kind == "inventory" else None
            if data and "plugin" not in data:
                yield "%s:%s" % (page, line), data, {}
    for hosts in glob.glob(os.path.join(ROOT, "playbooks", "inventories", "*", "hosts.yml")) + glob.glob(
            os.path.join(ROOT, "extensions", "molecule", "*", "inventory", "hosts.yml")):
        with open(hosts) as handle:
            data = yaml.safe_load(handle)
        all_vars = os.path.join(os.path.dirname(hosts), "group_vars", "all.yml")
        group_all = {}
        if os.path.isfile(all_vars):
            with open(all_vars) as handle:
                group_all = yaml.safe_load(handle) or {}
        yield os.path.relpath(hosts, ROOT), data, group_all


@pytest.mark.parametrize("where,data,group_all", list(_static_inventories()), ids=lambda v: v if isinstance(v, str) else "")
def test_local_hosts_run_the_playbook_python(where, data, group_all):
    """ansible_connection: local without ansible_playbook_python runs the modules with whatever python3 is first
    on the PATH, which may not have requests."""
    if "ansible_python_interpreter" in group_all:
        return
    missing = _local_hosts_without_interpreter(data.get("all", data))
    assert not missing, "%s: local hosts without ansible_python_interpreter: %s" % (where, missing)
