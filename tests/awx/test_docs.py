"""The user guides stay true: links resolve, documented codes and options match the code, and the first playbook
of the getting-started guide runs (twice, the second time without a write) against the emulator."""
import json
import os
import re

import pytest
import requests
import yaml

from awx_helpers import BIN, ROOT, run, tool_env
from ansible_collections.fleetops.cloud.plugins.inventory import ucs as ucs_inventory
from ansible_collections.fleetops.cloud.plugins.module_utils import errors, ucs

DOCS = os.path.join(ROOT, "docs")
GUIDES = ("awx.md", "getting-started.md", "troubleshooting.md", "inventory.md")


def _read(name):
    with open(os.path.join(DOCS, name)) as handle:
        return handle.read()


@pytest.mark.parametrize("guide", GUIDES)
def test_relative_links_resolve(guide):
    text = _read(guide)
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text)
    local = [t for t in targets if not re.match(r"^[a-z]+://", t)]
    assert local, "no link in %s" % guide
    for target in local:
        assert os.path.exists(os.path.normpath(os.path.join(DOCS, target))), "%s links to missing %s" % (guide, target)


def test_docsite_links():
    with open(os.path.join(DOCS, "docsite", "links.yml")) as handle:
        links = yaml.safe_load(handle)
    with open(os.path.join(ROOT, "galaxy.yml")) as handle:
        galaxy = yaml.safe_load(handle)
    assert set(links) <= {"edit_on_github", "extra_links", "communication"}
    assert galaxy["repository"].endswith("/" + links["edit_on_github"]["repository"])
    assert links["extra_links"]
    for link in links["extra_links"]:
        assert set(link) == {"description", "url"} and link["url"].startswith("https://"), link
        match = re.search(r"/blob/main/(.+)$", link["url"])
        if match:
            assert os.path.isfile(os.path.join(ROOT, match.group(1))), link["url"]


def _emulator_codes():
    codes = set()
    for name in os.listdir(os.path.join(ROOT, "tests", "emulator")):
        if name.endswith(".py"):
            with open(os.path.join(ROOT, "tests", "emulator", name)) as handle:
                codes.update(re.findall(r'"(UCS\.\d{8})"', handle.read()))
    return codes


def test_troubleshooting_covers_the_codes_users_meet():
    text = _read("troubleshooting.md")
    documented = set(re.findall(r"UCS\.\d{8}", text))
    code_constants = set(errors.QUOTA_CODES + errors.NAME_TAKEN_CODES + errors.THROTTLED_CODES)
    code_constants |= {ucs.CODE_ALREADY_FEDERATED, ucs.CODE_NOT_FEDERATED}
    assert code_constants <= documented, sorted(code_constants - documented)
    # Every UCS code the emulator answers with (it follows the reference's table) has an entry; ranges such as
    # "UCS.01120001 ... UCS.01120016" count for their first code.
    missing = _emulator_codes() - documented
    assert not missing, sorted(missing)
    assert "已下载" in text and "Heat" in text and "BCE" in text


def test_inventory_guide_documents_options_and_host_vars():
    text = _read("inventory.md")
    doc = yaml.safe_load(ucs_inventory.DOCUMENTATION)
    own = [name for name in doc["options"] if name != "plugin"]
    for name in own:
        assert "`%s`" % name in text, "option %s is not documented" % name
    for name in ucs_inventory.host_vars({}, {}):
        assert "`%s`" % name in text, "host variable %s is not documented" % name


def _first_playbook():
    text = _read("getting-started.md")
    section = text.split("## 4. A first playbook", 1)[1]
    return re.search(r"```yaml\n(.*?)```", section, re.S).group(1)


def _env(info, installed, home):
    env = tool_env({"ANSIBLE_COLLECTIONS_PATH": installed, "HOME": home,
                    "HW_ACCESS_KEY": info["access_key"], "HW_SECRET_KEY": info["secret_key"],
                    "HW_DOMAIN_ID": info["domain_id"], "HW_REGION_NAME": info["project_name"],
                    "HW_IAM_ENDPOINT": info["iam"], "HW_UCS_ENDPOINT": info["ucs"]})
    return env


def test_getting_started_playbook_runs_and_is_idempotent(emulator, installed, tmp_path):
    playbook = tmp_path / "first.yml"
    playbook.write_text("---\n" + _first_playbook())
    (tmp_path / "home").mkdir()
    env = _env(emulator, installed, str(tmp_path / "home"))
    cmd = [os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", "-c", "local",
           "-e", "ansible_python_interpreter=%s" % os.path.join(BIN, "python"), str(playbook)]
    base = emulator["base"] + "/_emulator/requests"
    first = run(cmd, env=env, timeout=300)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-2000:]
    assert re.search(r"localhost\s*:\s*ok=\d+\s+changed=2\b", first.stdout), first.stdout[-1500:]
    since = requests.get(base, params={"since": 10 ** 9}, timeout=10).json()["next"]
    second = run(cmd + ["--diff"], env=env, timeout=300)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-2000:]
    assert re.search(r"localhost\s*:\s*ok=\d+\s+changed=0\b", second.stdout), second.stdout[-1500:]
    writes = [r for r in requests.get(base, params={"since": since}, timeout=10).json()["requests"] if r["write"]]
    assert writes == [], json.dumps(writes)
    assert "production" in first.stdout
