"""The by-hand demo of docs/getting-started.md works verbatim, from a checkout and from the installed collection.

As a reader would: a fresh HOME, the collection built and installed with ansible-galaxy (into HOME's default
collections path), no HW_* variable beforehand, and the page's commands run one after the other by bash."""
import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)


def by_hand_commands():
    with open(os.path.join(ROOT, "docs", "getting-started.md")) as handle:
        text = handle.read()
    section = text.split("By hand,", 1)[1]
    block = re.search(r"```console\n(.*?)```", section, re.S).group(1)
    return [line[2:] for line in block.splitlines() if line.startswith("$ ")]


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    """A reader's HOME with the collection installed the way section 1 says."""
    home = tmp_path_factory.mktemp("home")
    env = dict((k, v) for k, v in os.environ.items()
               if not k.startswith(("HW_", "OS_", "ANSIBLE_", "FLEETOPS_")) and k != "PYTHONPATH")
    env.update({"HOME": str(home), "PATH": BIN + os.pathsep + env.get("PATH", ""), "ANSIBLE_NOCOLOR": "1",
                # Ansible writes async job results under $HOME but reads them under the account's home (passwd):
                # with a HOME of its own, both must be the same absolute directory (docs/troubleshooting.md).
                "ANSIBLE_ASYNC_DIR": str(home / ".ansible_async")})
    build = tmp_path_factory.mktemp("build")
    for cmd in (["ansible-galaxy", "collection", "build", ROOT, "--output-path", str(build)],
                ["ansible-galaxy", "collection", "install", "--offline",
                 str(build / "fleetops-cloud-0.1.0.tar.gz")]):
        result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600, check=False)
        assert result.returncode == 0, result.stdout + result.stderr
    installed = home / ".ansible" / "collections" / "ansible_collections" / "fleetops" / "cloud"
    assert (installed / "MANIFEST.json").is_file()
    return env, str(installed)


@pytest.mark.parametrize("where", ["checkout", "installed"])
def test_by_hand_demo_verbatim(where, reader):
    env, installed = reader
    commands = by_hand_commands()
    assert len(commands) == 4 and "ansible-playbook" in commands[2], commands
    # The page's commands in order; the emulator is stopped whatever happened.
    script = "set -e\ntrap %s EXIT\n%s\n" % (
        "'%s'" % commands[-1].replace("'", "'\\''"), "\n".join(commands[:-1]))
    cwd = ROOT if where == "checkout" else installed
    result = subprocess.run(["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=900,
                            check=False)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-5000:]
    recap = out.split("PLAY RECAP", 1)[1]
    assert re.search(r"localhost\s*:\s*ok=\d+\s+changed=[1-9]", recap), recap
    assert not re.search(r"(failed|unreachable)=[1-9]", recap), recap
