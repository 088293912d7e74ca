# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secrets never appear in output: every module runs with -vvv and --diff (playbooks/secrets.yml), once with the
default callback and once with the JSON callback; stdout, stderr, the callback results (module return values
included) and the token cache listing are searched for every secret the run handled. Token cache files are 0600
in a 0700 directory."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import json
import os
import secrets as pysecrets
import stat
import threading

import pytest
import requests
import yaml


def _b64(text):
    return base64.b64encode(text.encode()).decode()


def _token(emu, scope):
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": emu.info["user_name"], "password": emu.info["password"], "domain": {"name": emu.info["domain_name"]}}}},
        "scope": scope}}
    resp = requests.post(emu.info["iam"] + "/auth/tokens", json=body, timeout=10)
    resp.raise_for_status()
    return resp.headers["X-Subject-Token"]


def _member_kubeconfig(emu, material):
    return yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "member",
        "clusters": [{"name": "member", "cluster": {"server": emu.base + "/k8s/sec-member"}}],
        "users": [{"name": "admin", "user": {"client-certificate-data": material["cert"],
                                             "client-key-data": material["key"], "token": material["k8s_token"]}}],
        "contexts": [{"name": "member", "context": {"cluster": "member", "user": "admin"}}]})


# An API that echoes the request: a share of the UCS, BCE and Heat answers are a 400 quoting the whole request
# (headers with the token or signature, the body with kubeconfigs and passwords), which the modules turn into messages.
ECHO_SPEC = "rate=0.35,kinds=echo,services=ucs+bce+heat"


def _secret_run(rel, emu, workdir, json_callback, echo=False):
    material = {"cert": _b64("CERT-" + pysecrets.token_hex(24)), "key": _b64("KEY-" + pysecrets.token_hex(24)),
                "k8s_token": "k8s-" + pysecrets.token_hex(20)}
    files = os.path.join(workdir, "files")
    os.makedirs(files, mode=0o700, exist_ok=True)
    kubeconfig = _member_kubeconfig(emu, material)
    member_path = os.path.join(files, "member.kubeconfig")
    with open(member_path, "w", encoding="utf-8") as handle:
        handle.write(kubeconfig)
    os.chmod(member_path, 0o600)
    security_token = "STS-" + pysecrets.token_hex(24)
    auth = emu.auth(security_token=security_token)
    domain_token = _token(emu, {"domain": {"name": emu.info["domain_name"]}})
    project_token = _token(emu, {"project": {"id": emu.info["project_id"]}})
    token_auth = dict((k, v) for k, v in auth.items()
                      if k not in ("access_key", "secret_key", "security_token", "password", "user_name"))
    token_auth["token"] = domain_token
    wrong_password = "Wrong-" + pysecrets.token_hex(12)
    wrong_auth = dict((k, v) for k, v in auth.items() if k not in ("access_key", "secret_key", "security_token"))
    wrong_auth.update(password=wrong_password, token_cache=False)
    extra = {"fleetops_auth": auth, "emulator_base": emu.base, "sec_workdir": files,
             "sec_member_kubeconfig_path": member_path, "sec_member_kubeconfig": kubeconfig,
             "sec_cromwell_password": "Crom-" + pysecrets.token_hex(10), "sec_stack_secret": "Heat-" + pysecrets.token_hex(10),
             "sec_token_auth": token_auth, "sec_project_token": project_token, "sec_wrong_auth": wrong_auth}
    log_path = os.path.join(workdir, "ansible.log")
    if echo:
        extra["sec_ignore_errors"] = True
        emu.set_faults(ECHO_SPEC)
    run = rel.run_playbook("secrets.yml", workdir, extra, verbosity=3, diff=True, json_callback=json_callback,
                           env={"ANSIBLE_LOG_PATH": log_path})
    if echo:
        emu.set_faults("off")
        run.echoed = sum(1 for e in emu.requests_since(0) if e.get("fault") == "echo")
    with open(log_path, encoding="utf-8", errors="replace") if os.path.exists(log_path) else _Empty() as handle:
        run.log_text = handle.read()
    found = {
        "password": auth["password"], "secret_key": auth["secret_key"], "security_token": security_token,
        "wrong password": wrong_password, "given domain token": domain_token, "given project token": project_token,
        "cromwell database password": extra["sec_cromwell_password"], "stack secret parameter": extra["sec_stack_secret"],
        "member client key": material["key"], "member client certificate": material["cert"],
        "member kubeconfig token": material["k8s_token"],
    }
    return run, found, files


class _Empty(object):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    @staticmethod
    def read():
        return ""


def _cache_contents(token_dir):
    """Every file of the token cache as text (names and contents), for the search of non-token secrets."""
    out = []
    for root, dummy_dirs, names in os.walk(token_dir):
        for name in names:
            out.append(name)
            with open(os.path.join(root, name), encoding="utf-8", errors="replace") as handle:
                out.append(handle.read())
    return "\n".join(out)


def _collect_file_secrets(emu, files, found):
    """Key material of the files the modules wrote, and the tokens in the cache."""
    fleet, docs = {}, []
    if os.path.exists(os.path.join(files, "fleet.kubeconfig")):
        with open(os.path.join(files, "fleet.kubeconfig"), encoding="utf-8") as handle:
            fleet = yaml.safe_load(handle)
    for index, user in enumerate(fleet.get("users", [])):
        for key, value in (user.get("user") or {}).items():
            if isinstance(value, str) and len(value) >= 8:
                found["fleet kubeconfig %d %s" % (index, key)] = value
    if os.path.exists(os.path.join(files, "agent.yaml")):
        with open(os.path.join(files, "agent.yaml"), encoding="utf-8") as handle:
            docs = [d for d in yaml.safe_load_all(handle) if d]
    for doc in docs:
        if doc.get("kind") == "Secret":
            for key, value in (doc.get("data") or {}).items():
                found["agent secret %s" % key] = value
    listing = []
    for root, dirs, names in os.walk(emu.token_dir):
        for name in dirs + names:
            path = os.path.join(root, name)
            listing.append((os.path.relpath(path, emu.token_dir), stat.S_IMODE(os.lstat(path).st_mode)))
            if name in names:
                with open(path, encoding="utf-8") as handle:
                    try:
                        entry = json.load(handle)
                    except ValueError:
                        continue
                if isinstance(entry, dict) and entry.get("token"):
                    found["cached token %s" % name] = entry["token"]
    return listing


def _kinds(full):
    """--full: the default callback and the JSON callback; fast subset: the JSON callback only. Both: the JSON
    callback against an API that echoes the request."""
    return ["default", "json", "echo"] if full else ["json", "echo"]


def pytest_generate_tests(metafunc):
    if "kind" in metafunc.fixturenames:
        metafunc.parametrize("kind", _kinds(metafunc.config.getoption("--full")))


def _secret_runs(rel, kinds):
    """The playbook once per callback, concurrently, each against its own emulator (both with -vvv and --diff)."""
    out = {}

    def one(kind):
        workdir = rel.scratch_dir("secrets-" + kind)
        emu = rel.Emulator(os.path.join(workdir, "emu"), ["--speed", "50", "--seed", "11"])
        try:
            run, found, files = _secret_run(rel, emu, workdir, kind != "default", echo=kind == "echo")
            listing = _collect_file_secrets(emu, files, found)
            out[kind] = (run, found, listing, emu.token_dir)
        except Exception as exc:  # pylint: disable=broad-except
            out[kind] = exc
        finally:
            emu.stop()

    threads = [threading.Thread(target=one, args=(kind,)) for kind in kinds]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)
    for kind in kinds:
        if kind not in out:
            raise RuntimeError("the %s run did not finish" % kind)
        if isinstance(out.get(kind), Exception):
            raise out[kind]
    return out


def prefetch(config, rel):
    """Started when the session starts (see conftest): the runs overlap the other tests."""
    kinds = _kinds(config.getoption("--full"))
    rel.start_job("secrets", lambda: _secret_runs(rel, kinds))


@pytest.fixture(scope="module")
def secret_runs(rel, full):
    prefetch_config = type("Config", (), {"getoption": staticmethod(lambda name: full)})
    prefetch(prefetch_config, rel)
    return rel.job("secrets").result()


def test_every_module_ran(secret_runs, kind):
    run, found, dummy_listing, dummy_dir = secret_runs[kind]
    if kind == "echo":
        # the echoing API made tasks fail on purpose (ignore_errors): what counts is that it echoed, and the leaks
        assert run.echoed >= 5, run.explain()
        assert any(r.get("failed") and "injected echo" in (r.get("msg") or "")
                   for dummy_p, dummy_t, dummy_h, r in run.host_results()), run.explain()
        return
    assert run.rc == 0, run.explain() if kind == "json" else run.stdout[-4000:]
    assert "fleet kubeconfig 0 client-key-data" in found or any(k.startswith("fleet kubeconfig") for k in found)
    assert any(k.startswith("agent secret") for k in found)
    assert any(k.startswith("cached token") for k in found)
    if kind == "json":
        failed = [(task, r.get("msg")) for dummy_play, task, dummy_host, r in run.host_results() if r.get("failed")]
        assert not failed, failed
        # the wrong password was refused (failed_when in the playbook accepts only that refusal)
        wrong = [r for dummy_play, task, dummy_host, r in run.host_results() if task.startswith("A wrong password")]
        assert len(wrong) == 2 and all("401" in r["msg"] for r in wrong), wrong
        modules = set()
        for play in run.results["plays"]:
            for task in play["tasks"]:
                action = task["task"].get("action") or ""
                for result in task["hosts"].values():
                    action = result.get("action") or action
                modules.add(action.split(".")[-1])
        module_dir = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                                  "plugins", "modules")
        expected = set(n[:-3] for n in os.listdir(module_dir) if n.endswith(".py") and not n.startswith("_"))
        assert expected <= modules, "modules not run: %s" % sorted(expected - modules)


def test_no_secret_in_any_output(rel, secret_runs, kind):
    run, found, listing, token_dir = secret_runs[kind]
    haystacks = {"stdout": run.stdout, "stderr": run.stderr, "token cache listing": json.dumps(listing),
                 "ANSIBLE_LOG_PATH": run.log_text}
    cache_text = _cache_contents(token_dir)
    if run.results is not None:
        haystacks["callback results"] = json.dumps(run.results)
        haystacks["return values"] = json.dumps([r for dummy_p, dummy_t, dummy_h, r in run.host_results()])
    leaks = []
    for what, value in found.items():
        for where, text in haystacks.items():
            if value and value in text:
                leaks.append("%s found in %s" % (what, where))
        # the cache holds its own tokens by design; nothing else of the run may be in it
        if value and not what.startswith("cached token") and value in cache_text:
            leaks.append("%s found in the token cache files" % what)
    haystacks["token cache files"] = cache_text
    rel.record_figure("secrets.%s" % kind, {"secrets_checked": len(found), "places": sorted(haystacks),
                                            "bytes_searched": sum(len(t) for t in haystacks.values()), "leaks": leaks})
    assert not leaks, leaks


def test_token_cache_permissions(secret_runs):
    for kind in secret_runs:
        dummy_run, dummy_found, listing, token_dir = secret_runs[kind]
        assert stat.S_IMODE(os.stat(token_dir).st_mode) == 0o700
        files = [(name, mode) for name, mode in listing if os.path.isfile(os.path.join(token_dir, name))]
        assert files, "no token was cached"
        assert all(mode == 0o600 for dummy, mode in files), listing
        dirs = [(name, mode) for name, mode in listing if os.path.isdir(os.path.join(token_dir, name))]
        assert all(mode == 0o700 for dummy, mode in dirs), listing
