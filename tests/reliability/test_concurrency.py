# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Concurrency: N cluster registrations as N inventory hosts with forks=10 fill the cluster quota exactly: no
duplicate, no lost join; host N+1 fails with the quota message, and nothing retries the refused write.

Fast subset: N = 10 (quota set to 10); --full: N = 50 (the default quota)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import collections


KUBECONFIG = """apiVersion: v1
kind: Config
clusters:
- name: member
  cluster: {server: "%s/k8s/MEMBER"}
users:
- name: admin
  user: {token: member-token}
contexts:
- name: member
  context: {cluster: member, user: admin}
current-context: member
"""


def test_registrations_fill_the_quota(rel, emulators, workdir, full):
    count = 50 if full else 10
    emu = emulators("emu", "--speed", "50", "--seed", "9")
    emu.set_config(quotas={"ucs.clusters": count})
    hosts = dict(("conc-%02d" % i, {}) for i in range(1, count + 2))
    inventory = {"all": {"hosts": {"localhost": {}}, "children": {"conc_clusters": {"hosts": hosts}}}}
    extra = {"fleetops_auth": emu.auth(), "conc_kubeconfig": KUBECONFIG % emu.base}
    run = rel.run_playbook("concurrency.yml", workdir, extra, inventory=inventory, forks=10)
    state = emu.state()
    log = emu.requests_since(0)

    clusters = list(state["ucs"]["clusters"].values())
    fleets = list(state["ucs"]["fleets"].values())
    names = collections.Counter(c["name"] for c in clusters)
    failures = run.failures()
    registers = [e for e in log if e["method"] == "POST" and e["path"] == "/v1/clusters"]
    refused = [e for e in registers if e["status"] == 400]
    rel.record_figure("concurrency", {"hosts": count + 1, "forks": 10, "quota": count, "registered": len(clusters),
                                      "failed_hosts": len(failures), "register_calls": len(registers),
                                      "seconds": round(run.duration, 1), "requests": len(log)})
    assert len(fleets) == 1
    assert len(clusters) == count, sorted(names)
    assert not [n for n, k in names.items() if k > 1], names
    assert all(c["spec"].get("clusterGroupID") == fleets[0]["uid"] for c in clusters), "lost joins"
    assert len(failures) == 1, run.explain()
    dummy_play, dummy_task, host, result = failures[0]
    assert host not in names
    assert "quota" in result["msg"].lower(), result["msg"]
    # one register call per host: the successful ones and the single refusal, nothing re-sent
    assert len(registers) == count + 1, [(e["status"], e.get("fault")) for e in registers]
    assert len(refused) == 1
    assert run.rc != 0
