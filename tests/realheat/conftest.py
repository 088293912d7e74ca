"""Fixtures of the real-Heat layer: one Keystone + Heat (tests/realheat/harness.py) per test session.

The layer never skips: when the engine cannot be installed or started, every test fails with the reason.
"""

import hashlib
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import harness  # noqa: E402  (tests/realheat is not a package)

CHECKOUT = os.path.dirname(os.path.dirname(HERE))
sys.path.append(os.path.join(CHECKOUT, "tests", "emulator"))  # appended: shadows nothing installed

import launcher  # noqa: E402  (tests/emulator/launcher.py: start the emulator, wait for its ready line)


def _collections_path():
    """The collection link the Makefile makes (same rule as COLL_PARENT), unless the environment gives one."""
    if os.environ.get("ANSIBLE_COLLECTIONS_PATH"):
        return os.environ["ANSIBLE_COLLECTIONS_PATH"]
    digest = hashlib.md5(CHECKOUT.encode()).hexdigest()[:10]  # nosec - a name, not a secret
    return os.path.join(os.environ.get("TMPDIR") or "/tmp", "fleetops-" + digest)


@pytest.fixture(scope="session")
def realheat():
    engine = harness.RealHeat()
    reuse = os.environ.get("REALHEAT_REUSE") == "1" and engine.running()
    if reuse:  # a developer's running engine (harness.py start); left running
        yield engine.running()
        return
    try:
        info = engine.start()
    except harness.RealHeatError as exc:
        engine.stop()
        pytest.fail("The real Heat engine could not be started: %s" % exc)
    sys.stderr.write("\nrealheat: %s start in %.1f s\n" % ("warm" if info["warm"] else "cold", info["start_seconds"]))
    try:
        yield info
    finally:
        engine.stop()


@pytest.fixture(scope="session")
def run_playbook(realheat):
    """``run_playbook(name, *args)``: ansible-playbook on tests/realheat/playbooks/<name> with the documented HW_*
    environment only (the orchestration endpoint comes from the Keystone catalog); returns (rc, output)."""
    info_path = os.path.join(harness.BASE, "run", "info.json")
    env = dict(os.environ)
    for key in list(env):
        if key.startswith(("HW_", "OS_")):
            del env[key]
    env.update(HW_AUTH_URL=realheat["auth_url"], HW_USER_NAME=realheat["user_name"],
               HW_USER_PASSWORD=realheat["password"], HW_DOMAIN_NAME=realheat["domain_name"],
               HW_PROJECT_NAME=realheat["project_name"], ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0",
               HW_TOKEN_CACHE="false", ANSIBLE_COLLECTIONS_PATH=_collections_path())
    playbook_bin = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")

    def run(name, *args):
        command = [playbook_bin, os.path.join(HERE, "playbooks", name), "-e", "realheat_info=%s" % info_path]
        command.extend(args)
        proc = subprocess.run(command, env=env, cwd=CHECKOUT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              universal_newlines=True, timeout=1200, check=False)
        with open(os.path.join(harness.BASE, "run", "%s.out" % os.path.splitext(name)[0]), "w") as handle:
            handle.write(proc.stdout)  # for reading after a failure (under .realheat/, gitignored)
        return proc.returncode, proc.stdout

    return run


@pytest.fixture()
def heat_http(realheat):
    """A tiny raw client of the real Heat API (through the logging proxy), for the emulator comparison."""
    token = harness.RealHeat()._token(realheat["ports"], realheat["user_name"], realheat["password"],
                                      realheat["project_name"])[0]

    def call(method, path, body=None, query=""):
        url = realheat["orchestration"] + path + (("?" + query) if query else "")
        return harness._http(method, url, body, {"X-Auth-Token": token})

    return call


@pytest.fixture(scope="session")
def emulator_heat():
    """The emulator (``tests/emulator --port 0 --speed 20``) as a raw Heat client, for the comparison test."""
    try:
        proc, info = launcher.start(["--speed", "20"], timeout=30)
    except launcher.StartError as exc:
        pytest.fail(str(exc))
    try:
        body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
            "name": info["user_name"], "password": info["password"], "domain": {"name": info["domain_name"]}}}},
            "scope": {"project": {"id": info["project_id"]}}}}
        status, headers, _answer = harness._http("POST", info["iam"].rstrip("/") + "/auth/tokens", body)
        assert status == 201, "the emulator refused the token"
        token = headers.get("X-Subject-Token")

        def call(method, path, body=None, query=""):
            url = info["orchestration"].rstrip("/") + path + (("?" + query) if query else "")
            return harness._http(method, url, body, {"X-Auth-Token": token})

        yield call
    finally:
        launcher.stop(proc)
