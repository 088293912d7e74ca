"""`make test` on a fresh machine: the tools depend neither on what HOME holds nor on paths outside the checkout.

The integration shards used to run ansible-test at the same time in one HOME; both made ~/.ansible/test/id_rsa,
and the second stopped at "Overwrite (y/n)?". tools/private_home.sh gives ansible-test a HOME of the checkout's
own and makes the key once, under a lock."""
import glob
import os
import re
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = os.path.join(ROOT, "tools", "private_home.sh")
# What ansible-test would do in each shard: look for its key pair, and stop when it finds half of one.
PROBE = ('test -f "$HOME/.ansible/test/id_rsa" && test -f "$HOME/.ansible/test/id_rsa.pub" '
         '&& test -f "$HOME/.ansible/test/cache/get_pip_24_2.py" && cat "$HOME/.ansible/test/id_rsa.pub"')


def test_parallel_shards_share_one_key_made_once(tmp_path):
    env = dict(os.environ, COLL_PARENT=str(tmp_path / "state"), HOME=str(tmp_path / "empty-home"))
    shards = [subprocess.Popen([TOOL, "bash", "-c", PROBE], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL, text=True) for dummy in range(4)]
    results = [shard.communicate(timeout=120) + (shard.returncode,) for shard in shards]
    assert [rc for out, err, rc in results] == [0] * 4, results
    assert len(set(out for out, err, rc in results)) == 1, "the shards saw different keys"
    assert not os.path.exists(str(tmp_path / "empty-home")), "the user's HOME was written to"
    assert (tmp_path / "state" / "home" / ".ansible" / "test" / "id_rsa").read_text().startswith(
        "-----BEGIN RSA PRIVATE KEY-----")


def test_no_path_outside_the_checkout():
    """Scripts use temporary directories under $TMPDIR and nothing else outside the checkout."""
    offenders = []
    paths = glob.glob(os.path.join(ROOT, "tools", "*")) + [os.path.join(ROOT, "Makefile"), os.path.join(ROOT, ".ci", "run")]
    for path in paths:
        with open(path) as handle:
            for number, line in enumerate(handle, 1):
                code = line.split("#", 1)[0]
                if re.search(r"(?<![\w$}])/tmp/|/tmp/trial|fleetops-dev", code):
                    offenders.append("%s:%d: %s" % (os.path.relpath(path, ROOT), number, line.strip()))
    assert not offenders, offenders


def test_ci_runs_make_test_with_a_home_of_its_own():
    with open(os.path.join(ROOT, ".ci", "run")) as handle:
        text = handle.read()
    assert re.search(r'^HOME="\$home" .*make test$', text, re.M), text
    assert "mktemp -d" in text
