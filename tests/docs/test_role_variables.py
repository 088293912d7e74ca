"""A mistyped role variable is not silently ignored: every role's first task warns, naming the closest known
variable, or with ``fleetops_unknown_role_variables=fail`` refuses before any API call."""
import os
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
ROLES = sorted(r for r in os.listdir(os.path.join(ROOT, "roles")) if os.path.isfile(
    os.path.join(ROOT, "roles", r, "tasks", "main.yml")))
# A known variable of each role and a typo of it.
TYPOS = {"fleet_setup": ("fleet_setup_federation", "fleet_setup_federaton"),
         "cluster_registration": ("cluster_registration_fleet", "cluster_registration_flet"),
         "stack_deployment": ("stack_deployment_template", "stack_deployment_tempalte"),
         "fleet_workload": ("fleet_workload_fleet", "fleet_workload_flet")}


@pytest.fixture(scope="module")
def collections(tmp_path_factory):
    path = tmp_path_factory.mktemp("collections")
    (path / "ansible_collections" / "fleetops").mkdir(parents=True)
    os.symlink(ROOT, str(path / "ansible_collections" / "fleetops" / "cloud"))
    return str(path)


def _playbook(tmp_path, collections, role, extra_vars):
    (tmp_path / "home").mkdir(exist_ok=True)
    (tmp_path / "play.yml").write_text(
        "- hosts: localhost\n  gather_facts: false\n  roles:\n    - role: fleetops.cloud.%s\n" % role)
    env = dict((k, v) for k, v in os.environ.items()
               if not k.startswith(("HW_", "OS_", "ANSIBLE_")) and k != "PYTHONPATH")
    # No endpoint answers here: a run that gets past the first task fails on its first API call instead.
    env.update({"HOME": str(tmp_path / "home"), "ANSIBLE_COLLECTIONS_PATH": collections, "ANSIBLE_NOCOLOR": "1",
                "HW_IAM_ENDPOINT": "http://127.0.0.1:9/iam/v3", "HW_UCS_ENDPOINT": "http://127.0.0.1:9/ucs",
                "HW_ORCHESTRATION_ENDPOINT": "http://127.0.0.1:9/heat", "HW_BCE_ENDPOINT": "http://127.0.0.1:9/bce",
                "HW_ACCESS_KEY": "ak", "HW_SECRET_KEY": "sk", "HW_PROJECT_ID": "p" * 32, "HW_DOMAIN_ID": "d" * 32})
    cmd = [os.path.join(BIN, "ansible-playbook"), str(tmp_path / "play.yml")]
    for name, value in extra_vars.items():
        cmd += ["-e", "%s=%s" % (name, value)]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, check=False)


def test_every_role_runs_the_check_first():
    for role in ROLES:
        with open(os.path.join(ROOT, "roles", role, "tasks", "main.yml")) as handle:
            text = handle.read()
        first = text.split("\n- name:", 2)[1]
        assert "fleetops.cloud.unknown_role_variables(role_path, '%s_'" % role in first, role
        assert role in TYPOS, "add a typo case for the role %s" % role


def _required(role):
    """The role's required variables, each set to a placeholder, so that its argument spec passes."""
    with open(os.path.join(ROOT, "roles", role, "meta", "argument_specs.yml")) as handle:
        options = yaml.safe_load(handle)["argument_specs"]["main"]["options"]
    return dict((name, "x") for name, spec in options.items() if spec.get("required"))


@pytest.mark.parametrize("role", ROLES)
def test_fail_mode_refuses_before_any_call(role, collections, tmp_path):
    known, typo = TYPOS[role]
    extra = dict(_required(role), **{typo: "x", "fleetops_unknown_role_variables": "fail"})
    result = _playbook(tmp_path, collections, role, extra)
    out = result.stdout + result.stderr
    assert result.returncode != 0, out[-3000:]
    assert "%s is not a variable of this role (did you mean %s?)" % (typo, known) in out, out[-3000:]
    assert "mistyped %s_* variables" % role in out.split("fatal:")[0].rsplit("TASK [", 1)[1], out[-3000:]


def test_warn_mode_names_the_closest_variable(collections, tmp_path):
    (tmp_path / "home").mkdir()
    (tmp_path / "warn.yml").write_text("""- hosts: localhost
  gather_facts: false
  vars:
    fleet_setup_federaton: true
    fleet_setup_fleet_id: left by an earlier run of the role
  tasks:
    - name: Check
      ansible.builtin.assert:
        that: unknown | length == 0
      vars:
        unknown: "{{ query('ansible.builtin.varnames', '^fleet_setup_') | fleetops.cloud.unknown_role_variables(
          playbook_dir ~ '/roles/fleet_setup', 'fleet_setup_') }}"
""")
    os.symlink(os.path.join(ROOT, "roles"), str(tmp_path / "roles"))
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith("ANSIBLE_") and k != "PYTHONPATH")
    env.update({"HOME": str(tmp_path / "home"), "ANSIBLE_COLLECTIONS_PATH": collections, "ANSIBLE_NOCOLOR": "1"})
    result = subprocess.run([os.path.join(BIN, "ansible-playbook"), str(tmp_path / "warn.yml")], env=env,
                            capture_output=True, text=True, timeout=300, check=False)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-3000:]
    assert "fleet_setup_federaton is not a variable of this role (did you mean fleet_setup_federation?)" in out
    assert "fleet_setup_fleet_id" not in out.split("[WARNING]", 1)[1], "a fact the role sets is not a typo"
