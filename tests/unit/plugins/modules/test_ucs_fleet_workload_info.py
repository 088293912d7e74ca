# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ucs_fleet_workload_info against a scripted Karmada API: reads through faults, waits, names what lags."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from ansible_collections.fleetops.cloud.plugins.modules import ucs_fleet_workload_info as m
from ansible_collections.fleetops.cloud.tests.unit.conftest import RESET, module_args, reply
from ansible_collections.fleetops.cloud.tests.unit.plugins.module_utils.test_karmada import binding

TOKEN = "karmada-token-0123456789"
BINDINGS = "/k8s/fleet-a/apis/work.karmada.io/v1alpha2/namespaces/default/resourcebindings"
CLUSTERS = "/k8s/fleet-a/apis/cluster.karmada.io/v1alpha1/clusters"


def kubeconfig(cloud, tmp_path):
    path = tmp_path / "fed.kubeconfig"
    path.write_text(json.dumps({
        "apiVersion": "v1", "kind": "Config", "current-context": "c",
        "clusters": [{"name": "k", "cluster": {"server": cloud.base + "/k8s/fleet-a"}}],
        "users": [{"name": "u", "user": {"token": TOKEN}}],
        "contexts": [{"name": "c", "context": {"cluster": "k", "user": "u"}}]}))
    return str(path)


def run(cloud, tmp_path, capsys, **args):
    params = dict(kubeconfig=kubeconfig(cloud, tmp_path), resources=[{"kind": "Deployment", "name": "nginx"}],
                  clusters=["a", "b"], wait_delay=1)
    params.update(args)
    with module_args(params):
        with pytest.raises(SystemExit) as exc:
            m.UcsFleetWorkloadInfoModule().execute()
    out = capsys.readouterr().out
    assert TOKEN not in out
    return exc.value.code, json.loads(out)


def items(*bindings):
    return reply(200, {"kind": "ResourceBindingList", "items": list(bindings)})


def test_one_read_without_wait(fake_cloud, tmp_path, capsys):
    fake_cloud.script("GET", BINDINGS, items(binding("nginx-deployment", applied=("a",), fully=False)))
    code, result = run(fake_cloud, tmp_path, capsys)
    assert code == 0 and result["changed"] is False and result["done"] is False
    assert result["lagging"] == ["b: nginx-deployment: member b unreachable"]
    assert fake_cloud.count("GET", BINDINGS) == 1
    assert fake_cloud.requests[0]["headers"]["Authorization"] == "Bearer " + TOKEN


def test_wait_reads_through_faults_until_done(fake_cloud, tmp_path, capsys):
    fake_cloud.script("GET", BINDINGS, RESET, reply(503, {"kind": "Status", "reason": "ServiceUnavailable"}),
                      items(), items(binding("nginx-deployment", applied=("a",), fully=False)),
                      items(binding("nginx-deployment")))
    code, result = run(fake_cloud, tmp_path, capsys, wait=True, wait_timeout=60)
    assert code == 0 and result["done"] is True and result["lagging"] == []
    assert result["clusters"]["b"]["applied"] is True
    assert fake_cloud.count("GET", BINDINGS) == 5
    assert [h["status"] for h in result["status_history"]][-1] == "done"
    assert any("no ResourceBinding" in str(h["status"]) for h in result["status_history"])


def test_a_timeout_names_the_lagging_and_the_unready_clusters(fake_cloud, tmp_path, capsys):
    fake_cloud.script("GET", BINDINGS, items(binding("nginx-deployment", applied=("a",), fully=False)))
    fake_cloud.script("GET", CLUSTERS, reply(200, {"items": [
        {"metadata": {"name": "a"}, "status": {"conditions": [{"type": "Ready", "status": "True"}]}},
        {"metadata": {"name": "b"}, "status": {"conditions": [{"type": "Ready", "status": "False",
                                                               "message": "cluster is not reachable"}]}}]}))
    code, result = run(fake_cloud, tmp_path, capsys, wait=True, wait_timeout=1)
    assert code == 1 and result["failed"] is True
    assert "After 1 s, not yet every selected cluster runs the workload" in result["msg"]
    assert "b: nginx-deployment: member b unreachable" in result["msg"]
    assert "Not Ready in Karmada: b (cluster is not reachable)" in result["msg"]
    assert result["unready_clusters"] == ["b (cluster is not reachable)"] and result["done"] is False


def test_removal_wait(fake_cloud, tmp_path, capsys):
    fake_cloud.script("GET", BINDINGS, items(binding("nginx-deployment")), items())
    code, result = run(fake_cloud, tmp_path, capsys, state="absent", wait=True, clusters=None)
    assert code == 0 and result["done"] is True and "clusters" not in result
    assert fake_cloud.count("GET", BINDINGS) == 2


def test_check_mode_reads_once_and_does_not_wait(fake_cloud, tmp_path, capsys):
    fake_cloud.script("GET", BINDINGS, items())
    code, result = run(fake_cloud, tmp_path, capsys, wait=True, _ansible_check_mode=True)
    assert code == 0 and result["done"] is False and fake_cloud.count("GET", BINDINGS) == 1


def test_bad_input_fails_before_any_call(fake_cloud, tmp_path, capsys):
    code, result = run(fake_cloud, tmp_path, capsys, resources=[{"kind": "Deployment", "name": " "}])
    assert code == 1 and "empty" in result["msg"]
    code, result = run(fake_cloud, tmp_path, capsys, wait_delay=0)
    assert code == 1 and "wait_delay" in result["msg"]
    assert fake_cloud.requests == []


def test_a_refused_kubeconfig_says_what_helps(fake_cloud, tmp_path, capsys):
    fake_cloud.script("GET", BINDINGS, reply(401, {"kind": "Status", "reason": "Unauthorized",
                                                   "message": "token %s expired" % TOKEN}))
    code, result = run(fake_cloud, tmp_path, capsys)
    assert code == 1 and "HTTP 401" in result["msg"] and "ucs_fleet_kubeconfig" in result["msg"]
    assert result["error"]["code"] == "Unauthorized"
