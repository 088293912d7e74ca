"""AWX-style runs: the documented credential type's env injectors, fed to ansible-runner (the engine AWX runs jobs
with), running the collection's playbooks against the emulator. No secret may reach the runner's event data."""
import json
import os
import re
import shutil
import stat

import ansible_runner
import jinja2
import jinja2.meta
import pytest
import requests

from awx_helpers import BIN, CREDENTIAL_TYPE, ROOT, load_credential_type, render_env_injectors
from ansible_collections.fleetops.cloud.plugins.module_utils.base import AUTH_ARGUMENT_SPEC, SECRET_OPTIONS
from ansible_collections.fleetops.cloud.plugins.module_utils.client import ENDPOINT_ENV

# AWX rejects env injectors that could change how Ansible itself behaves, and a few it sets itself.
AWX_RESERVED = ("PATH", "PYTHONPATH", "HOME", "JOB_ID", "INVENTORY_ID", "INVENTORY_SOURCE_ID", "INVENTORY_UPDATE_ID",
                "AWX_HOST", "PROJECT_REVISION", "SUPERVISOR_CONFIG_PATH", "SUPERVISOR_WEB_CONFIG_PATH")
MEMBER_TOKEN = "awx-member-cluster-token-4711"


def _option_env_names():
    """``{env var: option}`` for every variable the modules read (auth fallbacks and endpoint overrides)."""
    names = {}
    for option, spec in AUTH_ARGUMENT_SPEC.items():
        fallback = spec.get("fallback")
        if fallback:
            for var in fallback[1]:
                names[var] = option
    for service, var in ENDPOINT_ENV.items():
        names[var] = "endpoints.%s" % service
    return names


def _template_variables(template):
    return jinja2.meta.find_undeclared_variables(jinja2.Environment().parse(template))


def test_credential_type_is_valid_for_awx():
    ctype = load_credential_type()
    assert set(ctype) >= {"name", "kind", "inputs", "injectors"}
    assert ctype["kind"] == "cloud"
    fields = ctype["inputs"]["fields"]
    ids = [f["id"] for f in fields]
    assert len(ids) == len(set(ids)), "duplicate input ids"
    for field in fields:
        assert re.match(r"^[a-zA-Z_][a-zA-Z0-9_]*$", field["id"]), field
        assert field.get("label") and field.get("type", "string") in ("string", "boolean"), field
    assert set(ctype["inputs"].get("required", [])) <= set(ids)
    assert set(ctype["injectors"]) == {"env"}, "only environment variables are injected"

    readable = _option_env_names()
    secret_inputs = set(f["id"] for f in fields if f.get("secret"))
    used = set()
    for var, template in ctype["injectors"]["env"].items():
        assert not var.startswith("ANSIBLE_") and var not in AWX_RESERVED, var
        assert var in readable, "%s is injected but no module option reads it" % var
        variables = _template_variables(template)
        assert variables and variables <= set(ids), "%s uses undefined inputs %s" % (var, variables - set(ids))
        used |= variables
        if readable[var] in SECRET_OPTIONS:
            assert variables <= secret_inputs, "%s carries a secret: its input must be secret: true" % var
    assert used == set(ids), "inputs that are never injected: %s" % sorted(set(ids) - used)
    # Each secret option the credential can carry is injected from a secret input.
    injected_options = set(readable[v] for v in ctype["injectors"]["env"])
    assert {"secret_key", "security_token", "password"} <= injected_options
    assert {"access_key", "user_name", "domain_name", "project_id", "region"} <= injected_options
    assert {"endpoints.iam", "endpoints.ucs", "endpoints.bce", "endpoints.orchestration"} <= injected_options


def test_awx_doc_references_the_credential_type():
    with open(os.path.join(ROOT, "docs", "awx.md")) as handle:
        doc = handle.read()
    assert os.path.basename(CREDENTIAL_TYPE) in doc
    for var in load_credential_type()["injectors"]["env"]:
        assert var in doc, "docs/awx.md does not mention %s" % var


def test_unset_inputs_render_empty():
    """AWX renders an input the credential leaves unset as an empty string; the modules read that as unset."""
    env = render_env_injectors(load_credential_type(), {"access_key": "AK", "secret_key": "SK", "region": "r1"})
    assert env["HW_ACCESS_KEY"] == "AK" and env["HW_SECRET_KEY"] == "SK" and env["HW_REGION_NAME"] == "r1"
    assert env["HW_USER_PASSWORD"] == "" and env["HW_UCS_ENDPOINT"] == ""


def _credential_inputs(info):
    """The inputs an AWX admin would enter for the emulator's account."""
    return {
        "access_key": info["access_key"], "secret_key": info["secret_key"],
        "user_name": info["user_name"], "password": info["password"],
        "domain_name": info["domain_name"], "domain_id": info["domain_id"],
        "project_name": info["project_name"], "project_id": info["project_id"],
        "region": info["project_name"],
        "iam_endpoint": info["iam"], "ucs_endpoint": info["ucs"], "bce_endpoint": info["bce"],
        "orchestration_endpoint": info["orchestration"],
    }


def _secrets(info, home):
    """The secret values of the run: the credential's, the member cluster's token and every cached IAM token."""
    values = [info["secret_key"], info["password"], MEMBER_TOKEN]
    cache = os.path.join(home, ".cache", "fleetops", "tokens")
    for dirpath, dummy, filenames in os.walk(cache):
        for name in filenames:
            with open(os.path.join(dirpath, name)) as handle:
                try:
                    entry = json.load(handle)
                except ValueError:
                    continue
            if isinstance(entry, dict) and entry.get("token"):
                values.append(entry["token"])
    return values


def _assert_no_secret(runner, private_data_dir, secrets):
    events = list(runner.events)
    assert events, "the runner recorded no event"
    dumped = json.dumps(events)
    stdout = runner.stdout.read()
    artifacts = []
    for dirpath, dummy, filenames in os.walk(os.path.join(private_data_dir, "artifacts")):
        for name in filenames:
            with open(os.path.join(dirpath, name), "rb") as handle:
                artifacts.append((os.path.join(dirpath, name), handle.read()))
    assert artifacts, "no artifacts written"
    for secret in secrets:
        assert secret not in dumped, "a secret is in the event data"
        assert secret not in stdout, "a secret is in the job output"
        for path, data in artifacts:
            if _is_launch_record(path):
                continue
            assert secret.encode() not in data, "a secret is in %s" % path


def _is_launch_record(path):
    """``artifacts/<ident>/command``: ansible-runner's own record of the command line and of the environment it
    was launched with (written 0600 for every job, whatever the playbook). It holds the injected variables by
    construction, so it is checked separately (``_assert_launch_record``); everything the job produced is not."""
    return os.path.basename(path) == "command" and os.path.basename(os.path.dirname(os.path.dirname(path))) == "artifacts"


def _assert_launch_record(private_data_dir, injected):
    records = []
    for dirpath, dummy, filenames in os.walk(os.path.join(private_data_dir, "artifacts")):
        records.extend(os.path.join(dirpath, n) for n in filenames if _is_launch_record(os.path.join(dirpath, n)))
    assert len(records) == 1, records
    assert stat.S_IMODE(os.stat(records[0]).st_mode) == 0o600
    with open(records[0]) as handle:
        env = json.load(handle)["env"]
    for name, value in injected.items():
        assert env.get(name) == value, name


def _requests_since(info, since):
    resp = requests.get(info["base"] + "/_emulator/requests", params={"since": since}, timeout=10)
    resp.raise_for_status()
    return resp.json()


def _awx_run(info, installed, tmp_path, playbook, inventory, extravars):
    """Run a project playbook the way an AWX job does: private data dir, injected env, no env files kept."""
    private = tmp_path / "job"
    project = private / "project"
    shutil.copytree(os.path.join(ROOT, "playbooks"), str(project))
    (private / "inventory").mkdir()
    (private / "inventory" / "hosts.json").write_text(json.dumps(inventory))
    home = tmp_path / "home"
    home.mkdir()
    injected = render_env_injectors(load_credential_type(), _credential_inputs(info))
    envvars = dict(injected)
    envvars.update({
        "ANSIBLE_COLLECTIONS_PATH": installed,  # the built tarball, as installed in an execution environment
        "HOME": str(home),
        # Ansible writes async job results under $HOME but reads them under the account's home (passwd): with a
        # HOME of its own, both must be the same absolute directory (docs/troubleshooting.md).
        "ANSIBLE_ASYNC_DIR": str(home / ".ansible_async"),
        "PATH": BIN + os.pathsep + os.environ.get("PATH", ""),
    })
    since = _requests_since(info, 10 ** 9)["next"]
    runner = ansible_runner.run(private_data_dir=str(private), playbook=playbook, envvars=envvars,
                                extravars=extravars, quiet=True, timeout=420, suppress_env_files=True)
    _assert_launch_record(str(private), injected)
    return runner, str(private), str(home), since


@pytest.fixture(autouse=True)
def _no_inherited_credentials(monkeypatch):
    """ansible-runner passes its own environment on: keep only what the credential injects."""
    for name in list(os.environ):
        if name.startswith(("HW_", "OS_")) or name in ("PYTHONPATH", "ANSIBLE_COLLECTIONS_PATH",
                                                       "ANSIBLE_COLLECTIONS_PATHS"):
            monkeypatch.delenv(name)


def _failures(runner):
    return [e["event_data"].get("res", {}).get("msg") for e in runner.events if e.get("event") == "runner_on_failed"]


def test_stack_deployment_with_injected_credential(emulator, installed, tmp_path):
    inventory = {"all": {"hosts": {"localhost": {"ansible_connection": "local",
                                                 "ansible_python_interpreter": "{{ ansible_playbook_python }}"}}}}
    extravars = {"stack_deployment_name": "awx-web",
                 "stack_deployment_template": "{{ playbook_dir }}/files/demo-stack.yaml",
                 "stack_deployment_parameters": {"app_name": "awx-web", "flavor": "m1.small"},
                 "stack_deployment_tags": ["awx"], "stack_deployment_wait_timeout": 300}
    runner, private, home, since = _awx_run(emulator, installed, tmp_path, "stack_deployment.yml", inventory,
                                            extravars)
    assert runner.status == "successful" and runner.rc == 0, _failures(runner) or runner.stdout.read()[-3000:]
    assert runner.stats["changed"].get("localhost", 0) >= 1
    log = _requests_since(emulator, since)["requests"]
    creates = [r for r in log if r["service"] == "heat" and r["method"] == "POST"
               and r["path"].endswith("/stacks")]
    assert len(creates) == 1 and creates[0]["status"] == 201, creates
    assert [r for r in log if r["service"] == "heat" and r["auth"]], "orchestration was not authenticated"
    facts = [e["event_data"]["res"]["ansible_facts"] for e in runner.events
             if e.get("event") == "runner_on_ok" and "ansible_facts" in e["event_data"].get("res", {})
             and "stack_deployment_status" in e["event_data"]["res"]["ansible_facts"]]
    assert facts and facts[-1]["stack_deployment_status"] == "CREATE_COMPLETE"
    assert facts[-1]["stack_deployment_outputs"]["url"] == "http://awx-web.demo.example.com/"
    secrets = _secrets(emulator, home)
    assert len(secrets) > 3, "the orchestration token (password auth) should be in the token cache"
    _assert_no_secret(runner, private, secrets)


def test_cluster_registration_with_injected_credential(emulator, installed, tmp_path):
    kubeconfig = tmp_path / "awx-edge-1.kubeconfig"
    kubeconfig.write_text(json.dumps({
        "apiVersion": "v1", "kind": "Config", "current-context": "awx-edge-1",
        "clusters": [{"name": "awx-edge-1", "cluster": {"server": "%s/k8s/awx-edge-1" % emulator["base"]}}],
        "contexts": [{"name": "awx-edge-1", "context": {"cluster": "awx-edge-1", "user": "admin"}}],
        "users": [{"name": "admin", "user": {"token": MEMBER_TOKEN}}]}))
    kubeconfig.chmod(0o600)
    common = {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}",
              "cluster_registration_agent_dir": str(tmp_path / "agents"), "cluster_registration_wait_timeout": 120}
    inventory = {"all": {"children": {"ucs_clusters": {"vars": common, "hosts": {
        "awx-edge-1": {"cluster_registration_category": "attachedcluster", "cluster_registration_type": "privatek8s",
                       "cluster_registration_country": "CN", "cluster_registration_city": "310000",
                       "cluster_registration_kubeconfig_path": str(kubeconfig)},
        "cce-prod-01": {"cluster_registration_category": "self"}}}}}}
    runner, private, home, since = _awx_run(emulator, installed, tmp_path, "cluster_registration.yml", inventory, {})
    assert runner.status == "successful" and runner.rc == 0, _failures(runner) or runner.stdout.read()[-3000:]
    assert set(runner.stats["ok"]) == {"awx-edge-1", "cce-prod-01"}
    log = _requests_since(emulator, since)["requests"]
    registers = [r for r in log if r["service"] == "ucs" and r["method"] == "POST" and r["path"] == "/v1/clusters"]
    assert len(registers) == 2 and all(r["status"] == 201 for r in registers), registers
    # The agent went onto the member cluster through kubernetes.core, and both clusters ended up Available.
    assert [r for r in log if r["service"] == "k8s" and r["write"]], "the agent manifests were not applied"
    phases = {}
    for event in runner.events:
        facts = event.get("event_data", {}).get("res", {}).get("ansible_facts", {})
        if event.get("event") == "runner_on_ok" and "cluster_registration_phase" in facts:
            phases[event["event_data"]["host"]] = facts["cluster_registration_phase"]
    assert phases == {"awx-edge-1": "Available", "cce-prod-01": "Available"}
    _assert_no_secret(runner, private, _secrets(emulator, home))
