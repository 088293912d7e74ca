"""Release hygiene: the built tarball, galaxy-importer (what Galaxy / Automation Hub run on upload), ansible-doc on
every plugin, and the antsibull-changelog files."""
import fnmatch
import json
import os
import shutil
import subprocess
import tarfile

import pytest
import yaml
from packaging.version import Version

from awx_helpers import ROOT, run, tool, tool_env

FORBIDDEN_PARTS = (".venv", "venv", "__pycache__", ".pytest_cache", ".git", ".tox", ".mypy_cache", ".emulator")


def _members(tarball):
    with tarfile.open(tarball, "r:gz") as archive:
        return [m.name for m in archive.getmembers()]


def test_tarball_holds_no_venv_outputs_or_caches(tarball):
    names = _members(tarball)
    assert "MANIFEST.json" in names and "FILES.json" in names
    bad = []
    for name in names:
        parts = name.split("/")
        if any(p in FORBIDDEN_PARTS or p.startswith(".venv-") for p in parts):
            bad.append(name)
        elif name == "tests/output" or name.startswith("tests/output/") or name.startswith("build/"):
            bad.append(name)
        elif fnmatch.fnmatch(name, "*.py[co]") or name.endswith((".tar.gz", ".whl")):
            bad.append(name)
    assert bad == []
    for required in ("meta/runtime.yml", "meta/execution-environment.yml", "requirements.txt", "bindep.txt",
                     "LICENSE", "README.md", "plugins/doc_fragments/auth.py", "plugins/inventory/ucs.py"):
        assert required in names, required


@pytest.mark.skipif(shutil.which("git") is None or not os.path.isdir(os.path.join(ROOT, ".git")),
                    reason="needs a git checkout")
def test_tarball_holds_no_git_ignored_file(tarball):
    """Files that .gitignore marks as generated (test outputs, emulator state, integration_config.yml with the
    emulator's credentials) must not ship."""
    files = [n for n in _members(tarball) if n not in ("MANIFEST.json", "FILES.json")]
    result = subprocess.run(["git", "-C", ROOT, "check-ignore", "--no-index", "--stdin"], input="\n".join(files),
                            capture_output=True, text=True, check=False, timeout=60)
    assert result.returncode in (0, 1), result.stderr
    assert result.stdout.split() == [], "git-ignored files in the tarball: add them to build_ignore in galaxy.yml"


def test_the_action_group_is_every_module_that_takes_the_auth_options(module_names, action_group):
    """module_defaults for group/fleetops.cloud.cloud hand the auth options to every member: a module without them
    (ucs_fleet_workload_info reads a Karmada API with a kubeconfig) would refuse them, so it stays out."""
    def takes_auth(name):
        with open(os.path.join(ROOT, "plugins", "modules", name + ".py")) as handle:
            return "- fleetops.cloud.auth\n" in handle.read()
    assert sorted(action_group) == [n for n in module_names if takes_auth(n)]
    assert "ucs_fleet_workload_info" in module_names and "ucs_fleet_workload_info" not in action_group


def test_ansible_doc_every_module(installed, module_names, action_group, galaxy_meta):
    env = tool_env({"ANSIBLE_COLLECTIONS_PATH": installed})
    fqcns = ["fleetops.cloud.%s" % m for m in module_names]
    result = run([tool("ansible-doc"), "-t", "module", "--json"] + fqcns, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "ERROR" not in result.stderr and "WARNING" not in result.stderr, result.stderr
    docs = json.loads(result.stdout)
    assert sorted(docs) == sorted(fqcns)
    for fqcn, data in docs.items():
        doc = data["doc"]
        assert doc.get("short_description") and doc.get("description"), fqcn
        assert doc.get("version_added"), "%s has no version_added (antsibull-changelog needs it)" % fqcn
        added, current = str(doc["version_added"]), str(galaxy_meta["version"])
        assert Version(added) <= Version(current), \
            "%s: version_added %s is after the collection's version %s" % (fqcn, added, current)
        options = doc.get("options") or {}
        if fqcn.rsplit(".", 1)[1] in action_group:
            assert {"access_key", "secret_key", "password", "endpoints"} <= set(options), \
                "%s does not extend fleetops.cloud.auth" % fqcn
        else:  # a module outside the group takes no cloud credentials at all
            assert not {"access_key", "secret_key", "password", "token"} & set(options), fqcn
        assert data.get("examples") and "fleetops.cloud.%s" % fqcn.rsplit(".", 1)[1] in data["examples"], fqcn
        returns = data.get("return") or {}
        assert "changed" in returns or len(returns) >= 1, fqcn
        for key, spec in returns.items():
            assert spec.get("description") and spec.get("returned") and spec.get("type"), (fqcn, key)
    # The text rendering users read (markup errors only show there).
    result = run([tool("ansible-doc"), "-t", "module"] + fqcns, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "ERROR" not in result.stderr and "WARNING" not in result.stderr, result.stderr
    for fqcn in fqcns:
        assert "> MODULE %s" % fqcn in result.stdout, fqcn


def test_ansible_doc_inventory_plugin(installed):
    env = tool_env({"ANSIBLE_COLLECTIONS_PATH": installed})
    result = run([tool("ansible-doc"), "-t", "inventory", "--json", "fleetops.cloud.ucs"], env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "ERROR" not in result.stderr and "WARNING" not in result.stderr, result.stderr
    doc = json.loads(result.stdout)["fleetops.cloud.ucs"]["doc"]
    env_names = set(e["name"] for o in doc["options"].values() for e in o.get("env", []))
    assert {"HW_ACCESS_KEY", "HW_SECRET_KEY", "HW_USER_PASSWORD", "HW_REGION_NAME"} <= env_names
    assert not [n for n in env_names if n.startswith("ANSIBLE_") and n not in _CORE_INVENTORY_ENV], env_names


# Environment variables that ansible-core's own inventory fragments (constructed, inventory_cache) define.
_CORE_INVENTORY_ENV = ("ANSIBLE_INVENTORY_USE_EXTRA_VARS", "ANSIBLE_INVENTORY_CACHE", "ANSIBLE_INVENTORY_CACHE_PLUGIN",
                       "ANSIBLE_CACHE_PLUGIN", "ANSIBLE_CACHE_PLUGIN_CONNECTION",
                       "ANSIBLE_INVENTORY_CACHE_CONNECTION", "ANSIBLE_CACHE_PLUGIN_PREFIX",
                       "ANSIBLE_INVENTORY_CACHE_PLUGIN_PREFIX", "ANSIBLE_CACHE_PLUGIN_TIMEOUT",
                       "ANSIBLE_INVENTORY_CACHE_TIMEOUT")


def test_galaxy_importer_accepts_the_tarball(tarball, module_names, tmp_path):
    """galaxy-importer as Galaxy / Automation Hub run it, minus its ansible-lint step: ansible-lint findings are
    only ever warnings there, the importer kills it after 180 s (an ERROR line, timing-dependent on a loaded
    machine), and ``make lint`` already runs ansible-lint with the same production profile on every change."""
    env = tool_env({"GALAXY_IMPORTER_RUN_ANSIBLE_LINT": "false"})
    result = run([tool("python"), "-m", "galaxy_importer.main", tarball], cwd=str(tmp_path), env=env, timeout=900)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-4000:]
    assert "Importer processing completed successfully" in result.stdout, log[-4000:]
    errors = [line for line in log.splitlines() if line.startswith(("ERROR", "CRITICAL"))]
    assert errors == [], errors
    with open(str(tmp_path / "importer_result.json")) as handle:
        data = json.load(handle)
    modules = dict((c["name"], c) for c in data["contents"] if c["content_type"] == "module")
    assert sorted(modules) == sorted(module_names)
    for name, content in modules.items():
        assert content.get("description"), name
    blobs = dict((c["content_name"], c) for c in data["docs_blob"]["contents"] if c["content_type"] == "module")
    assert sorted(blobs) == sorted(module_names)
    for name, blob in blobs.items():
        strings = blob.get("doc_strings") or {}
        assert strings.get("doc", {}).get("short_description"), name
        assert strings.get("examples") and strings.get("return"), name
    inventories = [c["name"] for c in data["contents"] if c["content_type"] == "inventory"]
    assert inventories == ["ucs"]
    assert data["docs_blob"]["collection_readme"]["html"], "README.md was not rendered"


def test_changelog_files(module_names):
    path = os.path.join(ROOT, "changelogs", "changelog.yaml")
    assert os.path.isfile(path), "run `antsibull-changelog release` (see docs/awx.md, Releasing)"
    with open(path) as handle:
        changes = yaml.safe_load(handle)
    with open(os.path.join(ROOT, "galaxy.yml")) as handle:
        version = str(yaml.safe_load(handle)["version"])
    assert version in changes["releases"], "galaxy.yml version %s is not released in changelog.yaml" % version
    release = changes["releases"][version]
    released_modules = set(m["name"] for m in release.get("modules", []))
    assert released_modules == set(module_names)
    assert "ucs" in set(p["name"] for p in release.get("plugins", {}).get("inventory", []))
    with open(os.path.join(ROOT, "CHANGELOG.rst")) as handle:
        rst = handle.read()
    assert "v%s" % version in rst
    for name in module_names:
        assert "fleetops.cloud.%s" % name in rst, name
    for args in (["lint"], ["lint-changelog-yaml", path]):
        result = run([tool("antsibull-changelog")] + args, cwd=ROOT, timeout=120)
        assert result.returncode == 0 and result.stdout.strip() == "", result.stdout + result.stderr
