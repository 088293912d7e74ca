"""The collection in an execution environment: ansible-builder sees our runtime requirements, and only those."""
import filecmp
import os
import re
import sys

import yaml
from packaging.requirements import Requirement

from conftest import ROOT, run, tool

COLLECTION = "fleetops.cloud"
# Things that must never reach an execution environment through this collection.
FORBIDDEN = ("ansible", "ansible-core", "ansible-base", "ansible-lint", "ansible-test", "pytest", "molecule",
             "ansible-runner", "ansible-builder", "galaxy-importer", "antsibull-changelog", "huaweicloudsdkcore",
             "huaweicloudsdkucs", "openstacksdk", "python-heatclient", "kubernetes", "tox", "black", "flake8")


def _ee_meta(collection_dir):
    with open(os.path.join(collection_dir, "meta", "execution-environment.yml")) as handle:
        return yaml.safe_load(handle)


def _requirements(lines):
    """``Requirement`` objects of pip requirement lines (comments such as ``# from collection x`` dropped)."""
    reqs = []
    for line in lines:
        text = line.split("#", 1)[0].strip()
        if text:
            reqs.append(Requirement(text))
    return reqs


def _read_lines(path):
    with open(path) as handle:
        return [line.rstrip("\n") for line in handle if line.strip()]


def _pip_lines(path):
    """The requirement lines introspection wrote; it writes no file when there are none."""
    return _read_lines(path) if os.path.exists(path) else []


def _assert_runtime_only(pip_lines):
    reqs = _requirements(pip_lines)
    # The modules run on the standard library and ansible-core: the collection brings no Python requirement.
    assert [r.name.lower() for r in reqs] == [], pip_lines
    for req in reqs:
        assert str(req.specifier) == "", "no pins or upper bounds: %s" % req
        assert req.url is None and not req.extras, req
    for line in pip_lines:
        assert line.endswith("# from collection %s" % COLLECTION), line
        assert not any(re.search(r"(^|\s)%s(\s|$|[<>=!~\[;])" % re.escape(bad), line.split("#")[0])
                       for bad in FORBIDDEN), line


def test_meta_points_at_runtime_files(installed):
    collection = os.path.join(installed, "ansible_collections", "fleetops", "cloud")
    meta = _ee_meta(collection)
    deps = meta["dependencies"]
    assert deps["python"] == "requirements.txt"
    assert deps["system"] == "bindep.txt"
    for name in ("requirements.txt", "bindep.txt"):
        assert os.path.isfile(os.path.join(collection, name)), "%s is missing from the built collection" % name
    # The shipped requirements are the checkout's runtime ones, not the development ones.
    assert filecmp.cmp(os.path.join(collection, "requirements.txt"), os.path.join(ROOT, "requirements.txt"),
                       shallow=False)


def test_introspect_sees_exactly_the_runtime_requirements(installed, tmp_path):
    pip_out, bindep_out = str(tmp_path / "pip.txt"), str(tmp_path / "bindep.txt")
    result = run([tool("ansible-builder"), "introspect", installed, "--write-pip", pip_out,
                  "--write-bindep", bindep_out], timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    data = yaml.safe_load(result.stdout.split("---", 1)[1])
    assert data["python"] == []
    _assert_runtime_only(_pip_lines(pip_out))
    bindep = _read_lines(bindep_out)
    assert bindep and all(line.endswith("# from collection %s" % COLLECTION) for line in bindep), bindep
    assert any(line.startswith("python3 ") for line in bindep), bindep


def test_builder_create_context_installs_the_tarball(tarball, tmp_path):
    """``ansible-builder create`` with a version 3 definition that installs the built tarball.

    The generated context is then exercised the way its Containerfile does, without a container engine: the
    galaxy stage (``ansible-galaxy collection install -r requirements.yml`` from ``_build``) and the builder
    stage (the context's own ``introspect.py``), whose output is what gets pip-installed into the image.
    """
    workdir = tmp_path / "ee"
    workdir.mkdir()
    artifact = os.path.basename(tarball)
    definition = {
        "version": 3,
        "images": {"base_image": {"name": "quay.io/centos/centos:stream9"}},
        "dependencies": {
            "python_interpreter": {"package_system": "python3.11", "python_path": "/usr/bin/python3.11"},
            "ansible_core": {"package_pip": "ansible-core"},
            "ansible_runner": {"package_pip": "ansible-runner"},
            "galaxy": {"collections": [{"name": "collections/%s" % artifact, "type": "file"}]},
        },
        "additional_build_files": [{"src": tarball, "dest": "collections"}],
    }
    (workdir / "execution-environment.yml").write_text(yaml.safe_dump(definition))
    context = workdir / "context"
    result = run([tool("ansible-builder"), "create", "-f", str(workdir / "execution-environment.yml"),
                  "-c", str(context), "--output-filename", "Containerfile"], cwd=str(workdir), timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr

    build = context / "_build"
    containerfile = (context / "Containerfile").read_text()
    assert "ansible-galaxy collection install" in containerfile and "-r requirements.yml" in containerfile
    assert "introspect.py introspect" in containerfile and "--write-pip" in containerfile
    galaxy_reqs = yaml.safe_load((build / "requirements.yml").read_text())
    assert galaxy_reqs["collections"] == [{"name": "collections/%s" % artifact, "type": "file"}]
    copied = build / "collections" / artifact
    assert copied.is_file() and filecmp.cmp(str(copied), tarball, shallow=False)

    # Galaxy stage, from the context only.
    collections = tmp_path / "usr-share-ansible" / "collections"
    result = run([tool("ansible-galaxy"), "collection", "install", "-r", "requirements.yml",
                  "--collections-path", str(collections)], cwd=str(build), timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    # Builder stage: the context's introspection script decides what pip installs into the image.
    pip_out, bindep_out = str(tmp_path / "req.txt"), str(tmp_path / "bindep.txt")
    result = run([sys.executable, str(build / "scripts" / "introspect.py"), "introspect", str(collections),
                  "--write-pip", pip_out, "--write-bindep", bindep_out], timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    _assert_runtime_only(_pip_lines(pip_out))
    assert any(line.startswith("python3 ") for line in _read_lines(bindep_out))
