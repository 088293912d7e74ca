"""The fleetops.cloud.ucs inventory plugin against a fresh emulator, through ansible-inventory."""
import json
import os
import subprocess
import sys

import pytest
import requests

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
CTL = os.path.join(ROOT, "tools", "emulator_ctl.py")


@pytest.fixture(scope="module")
def emulator(tmp_path_factory):
    rundir = str(tmp_path_factory.mktemp("emulator"))
    subprocess.run([sys.executable, CTL, "start", rundir, "--speed", "50"], check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(rundir, "info.json")) as handle:
        info = json.load(handle)
    info["rundir"] = rundir
    yield info
    subprocess.run([sys.executable, CTL, "stop", rundir], check=True)


def _token(info):
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": info["user_name"], "password": info["password"], "domain": {"name": info["domain_name"]}}}},
        "scope": {"domain": {"name": info["domain_name"]}}}}
    resp = requests.post(info["iam"] + "/auth/tokens", json=body, timeout=10)
    resp.raise_for_status()
    return resp.headers["X-Subject-Token"]


def _kubeconfig(info, member):
    return json.dumps({"apiVersion": "v1", "kind": "Config", "current-context": member,
                       "clusters": [{"name": member, "cluster": {"server": "%s/k8s/%s" % (info["base"], member)}}],
                       "contexts": [{"name": member, "context": {"cluster": member, "user": member}}],
                       "users": [{"name": member, "user": {"token": "member-token-%s" % member}}]})


@pytest.fixture(scope="module")
def clusters(emulator):
    """Three attached clusters, two of them in fleet 'inv-blue', made directly through the API."""
    headers = {"X-Auth-Token": _token(emulator)}
    ucs = emulator["ucs"]
    fleet = requests.post(ucs + "/v1/clustergroups", headers=headers, timeout=10,
                          json={"metadata": {"name": "inv-blue"}, "spec": {"description": "inventory test"}})
    assert fleet.status_code == 201, fleet.text
    fleet_id = fleet.json()["uid"]
    ids = {}
    for name in ("inv-a", "inv-b", "inv-c"):
        body = {"kind": "Cluster", "apiVersion": "v1",
                "metadata": {"name": name, "annotations": {"kubeconfig": _kubeconfig(emulator, name)}},
                "spec": {"category": "attachedcluster", "type": "privatek8s", "provider": "privatek8s",
                         "country": "CN", "city": "110000", "manageType": "discrete"}}
        resp = requests.post(ucs + "/v1/clusters", headers=headers, json=body, timeout=10)
        assert resp.status_code == 201, resp.text
        ids[name] = resp.json()["uid"]
    for name in ("inv-a", "inv-b"):
        resp = requests.post(ucs + "/v1/clusters/%s/join" % ids[name], headers=headers, timeout=10,
                             json={"clusterGroupID": fleet_id})
        assert resp.status_code == 200, resp.text
    return ids


def _env(info, extra=None):
    env = dict(os.environ)
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": os.environ.get("ANSIBLE_COLLECTIONS_PATH", ""),
        "HW_ACCESS_KEY": info["access_key"], "HW_SECRET_KEY": info["secret_key"],
        "HW_DOMAIN_ID": info["domain_id"], "HW_UCS_ENDPOINT": info["ucs"], "HW_IAM_ENDPOINT": info["iam"],
        "HW_REGION_NAME": info["project_name"],
        "ANSIBLE_INVENTORY_ENABLED": "fleetops.cloud.ucs",
    })
    env.update(extra or {})
    return env


def _plain(value):
    """ansible-inventory marks values that came from the API as unsafe (never templated); unwrap them."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return dict((k, _plain(v)) for k, v in value.items())
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _inventory(info, config_path, extra_env=None):
    out = subprocess.run([os.path.join(BIN, "ansible-inventory"), "-i", config_path, "--list"],
                         env=_env(info, extra_env), capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    return _plain(json.loads(out.stdout)), out.stderr


def _ucs_reads(info, since):
    log = requests.get(info["base"] + "/_emulator/requests", params={"since": since}, timeout=10).json()
    return [r for r in log["requests"] if r["service"] == "ucs"], log["next"]


def _position(info):
    return requests.get(info["base"] + "/_emulator/requests", params={"since": 10 ** 9}, timeout=10).json()["next"]


def test_hosts_groups_and_hostvars(emulator, clusters, tmp_path):
    config = tmp_path / "clusters.ucs.yml"
    config.write_text("plugin: fleetops.cloud.ucs\nkeyed_groups:\n  - key: ucs_category\n    prefix: category\n"
                      "groups:\n  blue_members: ucs_fleet == 'inv-blue'\ncompose:\n  ansible_connection: \"'local'\"\n")
    inventory, stderr = _inventory(emulator, str(config))
    hostvars = inventory["_meta"]["hostvars"]
    assert sorted(hostvars) == ["inv-a", "inv-b", "inv-c"]
    assert sorted(inventory["fleet_inv_blue"]["hosts"]) == ["inv-a", "inv-b"]
    assert inventory["fleet_none"]["hosts"] == ["inv-c"]
    assert sorted(inventory["category_attachedcluster"]["hosts"]) == ["inv-a", "inv-b", "inv-c"]
    assert sorted(inventory["blue_members"]["hosts"]) == ["inv-a", "inv-b"]
    a = hostvars["inv-a"]
    assert a["ucs_id"] == clusters["inv-a"]
    assert (a["ucs_category"], a["ucs_type"], a["ucs_provider"]) == ("attachedcluster", "privatek8s", "privatek8s")
    assert a["ucs_fleet"] == "inv-blue"
    assert a["ansible_connection"] == "local"
    assert "member-token" not in json.dumps(inventory) and "kubeconfig" not in json.dumps(inventory)
    assert emulator["secret_key"] not in stderr


def test_fleet_filter_and_unknown_fleet(emulator, clusters, tmp_path):
    config = tmp_path / "blue.ucs.yaml"
    config.write_text("plugin: fleetops.cloud.ucs\nfleets: [inv-blue]\nhostname_source: id\n")
    inventory, dummy = _inventory(emulator, str(config))
    assert sorted(inventory["_meta"]["hostvars"]) == sorted([clusters["inv-a"], clusters["inv-b"]])
    bad = tmp_path / "bad.ucs.yml"
    bad.write_text("plugin: fleetops.cloud.ucs\nfleets: [no-such-fleet]\n")
    out = subprocess.run([os.path.join(BIN, "ansible-inventory"), "-i", str(bad), "--list"],
                         env=_env(emulator, {"ANSIBLE_INVENTORY_UNPARSED_FAILED": "true"}),
                         capture_output=True, text=True, check=False)
    assert out.returncode != 0
    assert "no-such-fleet" in out.stderr


def test_cache_hits_make_no_request(emulator, clusters, tmp_path):
    cache_dir = tmp_path / "cache"
    config = tmp_path / "cached.ucs.yml"
    config.write_text("plugin: fleetops.cloud.ucs\ncache: true\ncache_plugin: ansible.builtin.jsonfile\n"
                      "cache_connection: %s\ncache_timeout: 600\n" % cache_dir)
    start = _position(emulator)
    first, dummy = _inventory(emulator, str(config))
    reads, after_first = _ucs_reads(emulator, start)
    assert reads, "the first run must read the clusters from the API"
    assert all(r["method"] == "GET" for r in reads)
    second, dummy = _inventory(emulator, str(config))
    reads, dummy = _ucs_reads(emulator, after_first)
    assert reads == [], "a cache hit must not call UCS"
    assert first["_meta"]["hostvars"] == second["_meta"]["hostvars"]
    for path in cache_dir.iterdir():
        assert emulator["secret_key"] not in path.read_text()


def test_verify_file_rejects_other_names(emulator, tmp_path):
    config = tmp_path / "clusters.yml"
    config.write_text("plugin: fleetops.cloud.ucs\n")
    out = subprocess.run([os.path.join(BIN, "ansible-inventory"), "-i", str(config), "--list"],
                         env=_env(emulator, {"ANSIBLE_INVENTORY_UNPARSED_FAILED": "true"}),
                         capture_output=True, text=True, check=False)
    assert out.returncode != 0
