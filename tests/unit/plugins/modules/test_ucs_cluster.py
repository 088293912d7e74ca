# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the pure helpers of the ucs_cluster module (payloads, fixed fields, updates, predictions)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import types

import pytest

from ansible_collections.fleetops.cloud.plugins.module_utils.base import MAX_SENDS
from ansible_collections.fleetops.cloud.plugins.module_utils.errors import OutcomeUnknownError
from ansible_collections.fleetops.cloud.plugins.modules import ucs_cluster as m

UID = "44052cdd-8cd2-11ee-abd1-0255ac1001bd"
FLEET = "bffbb35b-7949-11ee-886c-0255ac100037"


def params(**overrides):
    base = dict(name="edge-1", category="attachedcluster", type="privatek8s", provider=None, country="CN", city="110000",
                cluster_id=None, cce_region=None, cce_project_id=None, labels=None, network=None)
    base.update(overrides)
    return base


def registered(**spec):
    cluster = {"kind": "Cluster", "apiVersion": "v1",
               "metadata": {"uid": "b0d1ecb5-7947-11ee-9467-0255ac1001bf", "name": "edge-1", "labels": {"env": "prod", "FeatureGates": "x"}},
               "spec": {"category": "attachedcluster", "type": "privatek8s", "provider": "privatek8s", "country": "CN",
                        "city": "110000", "clusterGroupID": "", "manageType": "discrete"},
               "status": {"phase": "Pending"}}
    cluster["spec"].update(spec)
    return cluster


def test_register_body_of_an_attached_cluster():
    body = m.register_body(params(labels={"env": "prod"}, network={"pod_cidr": "10.0.0.0/16", "service_cidr": None}),
                           "privatek8s", '{"clusters":[]}', None)
    assert body["kind"] == "Cluster" and body["apiVersion"] == "v1"
    assert body["metadata"] == {"name": "edge-1", "labels": {"env": "prod"}, "annotations": {"kubeconfig": '{"clusters":[]}'}}
    assert body["spec"] == {"category": "attachedcluster", "type": "privatek8s", "provider": "privatek8s", "country": "CN",
                            "city": "110000", "clusterGroupID": "", "manageType": "discrete",
                            "network": {"podCIDR": "10.0.0.0/16"}}


def test_register_body_of_a_cce_import_in_a_fleet():
    body = m.register_body(params(name="cce-1", category="self", type="turbo", country=None, city=None, cluster_id=UID,
                                  cce_region="cn-north-7", cce_project_id="p1"), "huaweicloud", None, FLEET)
    assert body["metadata"] == {"name": "cce-1", "uid": UID}
    assert body["spec"] == {"category": "self", "type": "turbo", "provider": "huaweicloud", "region": "cn-north-7",
                            "projectID": "p1", "clusterGroupID": FLEET, "manageType": "grouped"}


def test_fixed_fields_only_compare_what_is_set():
    assert m.fixed_field_differences(params(), registered()) == []
    assert m.fixed_field_differences(params(category=None, type=None), registered(type="eks")) == []


def test_fixed_fields_name_every_difference():
    diffs = m.fixed_field_differences(params(type="eks", provider="aws"), registered())
    assert diffs == ["type (registered 'privatek8s', requested 'eks')", "provider (registered 'privatek8s', requested 'aws')"]
    cce = registered(category="self", type="cce", provider="huaweicloud", region="cn-north-4", projectID="p1")
    cce["metadata"]["uid"] = UID
    diffs = m.fixed_field_differences(params(category="self", type="cce", cce_region="cn-north-7", cce_project_id="p2",
                                             cluster_id="55052cdd-8cd2-11ee-abd1-0255ac1001bd"), cce)
    assert [d.split(" ")[0] for d in diffs] == ["cce_region", "cce_project_id", "cluster_id"]


def test_labels_are_a_subset_check():
    assert m.fixed_field_differences(params(labels={"env": "prod"}), registered()) == []
    assert m.fixed_field_differences(params(labels={}), registered()) == []
    diffs = m.fixed_field_differences(params(labels={"env": "dev", "team": "a"}), registered())
    assert diffs == ["labels (env: registered 'prod', requested 'dev', team: registered None, requested 'a')"]


def test_location_update():
    assert m.location_update(params(), registered()) == {}
    assert m.location_update(params(country=None, city=None), registered()) == {}
    assert m.location_update(params(city="310000"), registered()) == {"country": "CN", "city": "310000"}
    assert m.location_update(params(country="DE", city=None), registered()) == {"country": "DE"}
    assert m.location_update(params(country=None, city="440300"), registered()) == {"country": "CN", "city": "440300"}


def test_kubeconfig_needs_update():
    same = json.dumps({"a": 1, "b": [1, 2]})
    assert not m.kubeconfig_needs_update('{"b":[1,2],"a":1}', same, "on_create")
    assert not m.kubeconfig_needs_update('{"b":[1,2],"a":1}', same, "always")
    assert m.kubeconfig_needs_update('{"a":2}', same, "on_create")
    assert not m.kubeconfig_needs_update('{"a":2}', None, "on_create")
    assert m.kubeconfig_needs_update('{"a":2}', None, "always")


def test_predicted_cluster_applies_the_body_without_touching_the_current_object():
    current = registered()
    predicted = m.predicted_cluster({"spec": {"city": "310000"}}, current)
    assert predicted["spec"]["city"] == "310000"
    assert predicted["status"] == {"phase": "Pending"}
    assert current["spec"]["city"] == "110000"
    fresh = m.predicted_cluster(m.register_body(params(), "privatek8s", None, None))
    assert fresh["metadata"] == {"name": "edge-1"}
    assert fresh["spec"]["provider"] == "privatek8s"
    assert "uid" not in fresh["metadata"]


def test_network_is_compared_only_when_the_api_reports_it():
    wanted = params(network={"pod_cidr": "10.0.0.0/16", "service_cidr": None})
    assert m.fixed_field_differences(wanted, registered()) == []
    assert m.fixed_field_differences(wanted, registered(network={"podCIDR": "10.0.0.0/16"})) == []
    diffs = m.fixed_field_differences(wanted, registered(network={"podCIDR": "10.1.0.0/16"}))
    assert diffs == ["network.pod_cidr (registered '10.1.0.0/16', requested '10.0.0.0/16')"]


def test_predicted_bindings_compare_equal_to_the_requested_ones():
    from ansible_collections.fleetops.cloud.plugins.module_utils.ucs import canonical_bindings
    bindings = [{"ruleIDs": ["r2", "r1"], "namespaces": ["b", "a"]}]
    shaped = m.rule_namespaces(bindings)
    assert shaped == [{"rules": [{"ruleID": "r2"}, {"ruleID": "r1"}], "namespaces": ["b", "a"]}]
    assert canonical_bindings(shaped) == canonical_bindings(bindings)


class Failed(Exception):
    pass


def _raise(msg, **extra):
    raise Failed(msg)


def validating_module(**overrides):
    module = m.UcsClusterModule.__new__(m.UcsClusterModule)
    settings = dict(state="absent", kubeconfig=None, kubeconfig_path=None, wait=True, wait_timeout=600, fleet=None,
                    policies=None, clusters=None, update_kubeconfig="on_create")
    settings.update(overrides)
    module.params = params(**settings)
    module.fail = _raise
    module.module = types.SimpleNamespace(check_mode=False, no_log_values=set())
    module.api = None
    module.lookups = None
    return module


def validate(module):
    return module.validate(module.tasks())


def test_negative_wait_timeout_is_refused_by_the_validation():
    assert validate(validating_module()) is None
    assert validate(validating_module(wait_timeout=0)) is None
    with pytest.raises(Failed) as exc:
        validate(validating_module(wait_timeout=-1))
    assert "wait_timeout" in str(exc.value)


# ---- ClusterTask against a fake facade: reads at the floor, confirmed writes, teardown -------------------------

class FakeApi(object):
    def __init__(self, clusters=(), lose=()):
        self.clusters = dict((c["metadata"]["uid"], c) for c in clusters)
        self.calls = []
        self.lose = set(lose)

    def _log(self, name):
        self.calls.append(name)
        if name in self.lose:
            self.lose.discard(name)
            raise OutcomeUnknownError(method="POST", url="x", reason="lost")

    def list_clusters(self):
        self.calls.append("list_clusters")
        return list(self.clusters.values())

    def list_policies(self):
        self.calls.append("list_policies")
        return [{"metadata": {"uid": "p-1", "name": "ops"}}]

    def list_fleets(self):
        self.calls.append("list_fleets")
        return [{"metadata": {"uid": FLEET, "name": "prod"}}]

    def get_cluster(self, cluster_id):
        self.calls.append("get_cluster")
        return self.clusters.get(cluster_id)

    def join_fleet(self, cluster_id, fleet_id, once=False):
        assert once
        self.clusters[cluster_id]["spec"]["clusterGroupID"] = fleet_id  # applied, then maybe lost
        self._log("join_fleet")

    def unjoin_fleet(self, cluster_id, once=False):
        self.clusters[cluster_id]["spec"]["clusterGroupID"] = ""
        self._log("unjoin_fleet")

    def unregister_cluster(self, cluster_id):
        self.calls.append("unregister_cluster")
        return self.clusters.pop(cluster_id, None) is not None


class FakeModule(object):
    check_mode = False

    def __init__(self, api):
        self.api = api
        self.warnings = []

    def warn(self, msg):
        self.warnings.append(msg)

    def add_kubeconfig_secrets(self, text):
        pass

    confirmed_write = m.FleetopsModule.confirmed_write
    create_or_find = staticmethod(m.FleetopsModule.create_or_find)


def task_for(api, **overrides):
    settings = dict(state="present", kubeconfig=None, kubeconfig_path=None, fleet=None, policies=None,
                    update_kubeconfig="on_create")
    settings.update(overrides)
    module = FakeModule(api)
    return m.ClusterTask(module, params(**settings), m.Lookups(api))


def bound(**spec):
    cluster = registered(clusterGroupID=FLEET, manageType="grouped", **spec)
    cluster["spec"]["ruleNamespaces"] = [{"rules": [{"ruleID": "p-1", "ruleName": "ops"}], "namespaces": ["default"]}]
    return cluster


def test_unchanged_cluster_costs_one_read_policies_compared_by_reported_names():
    api = FakeApi([bound()])
    outcome = task_for(api, fleet=FLEET, policies=[{"policies": ["ops"], "namespaces": ["default"]}]).run()
    assert outcome["changed"] is False
    assert api.calls == ["list_clusters"]


def test_a_policy_name_the_cluster_does_not_report_is_resolved_with_one_list():
    api = FakeApi([bound()])
    task = task_for(api, policies=[{"policies": ["other"], "namespaces": ["default"]}])
    with pytest.raises(m.ClusterFailed) as info:
        task.run()
    assert "'other'" in info.value.msg and api.calls == ["list_clusters", "list_policies"]


def test_a_lost_join_answer_is_read_back_and_counts_as_done():
    api = FakeApi([registered()], lose=["join_fleet"])
    outcome = task_for(api, fleet="prod").run()
    assert outcome["changed"] is True
    assert api.calls == ["list_clusters", "list_fleets", "join_fleet", "get_cluster"]  # read back, not re-sent


def test_absent_is_re_runnable():
    api = FakeApi([bound()])
    assert task_for(api, state="absent").run()["changed"] is True
    assert "unregister_cluster" in api.calls
    again = FakeApi([])
    assert task_for(again, state="absent").run()["changed"] is False
    assert again.calls == ["list_clusters"]


def test_check_mode_predicts_a_placeholder_id_and_unknown_fleets_with_a_warning():
    api = FakeApi([])
    task = task_for(api, fleet="not-yet", kubeconfig="{}")
    task.check_mode = True
    task.module.check_mode = True
    task.annotation = "{}"
    outcome = task.run()
    assert outcome["changed"] is True and outcome["after"]["metadata"]["uid"] == m.PLACEHOLDER_ID
    assert outcome["after"]["spec"]["clusterGroupID"] == "not-yet" and task.module.warnings
    assert "join_fleet" not in api.calls


def test_list_entries_inherit_task_options_but_not_their_identity():
    task = dict(state="absent", category="self", fleet="prod", kubeconfig="x", cluster_id=UID, name=None)
    entry = m.entry_params(task, {"name": "a", "state": None, "fleet": ""})
    assert entry["state"] == "absent" and entry["category"] == "self" and entry["fleet"] == ""
    assert entry["kubeconfig"] is None and entry["cluster_id"] is None


# ---- answers lost more than once: the state read back decides, the write is never made twice -----------------

class LossyApi(FakeApi):
    """``plan[name]``: for each send of that call in turn, "lost" (not applied, no answer), "applied-lost" (applied,
    no answer) or "500" (not applied); sends beyond the plan succeed."""

    def __init__(self, clusters=(), plan=None):
        super(LossyApi, self).__init__(clusters)
        self.plan = dict((name, list(steps)) for name, steps in (plan or {}).items())

    def _send(self, name, apply):
        from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ApiError
        self.calls.append(name)
        step = self.plan.get(name, []).pop(0) if self.plan.get(name) else "ok"
        if step in ("ok", "applied-lost"):
            apply()
        if step in ("lost", "applied-lost"):
            raise OutcomeUnknownError(method="POST", url="x", reason="lost")
        if step == "500":
            raise ApiError(status=500, code="UCS.01000006", message="Internal server error")

    def find_cluster_by_name(self, name):
        self.calls.append("find_cluster_by_name")
        return next((c for c in self.clusters.values() if c["metadata"]["name"] == name), None)

    def register_cluster(self, body):
        cluster = registered()
        cluster["metadata"]["name"] = body["metadata"]["name"]
        uid = cluster["metadata"]["uid"]

        def apply():
            assert uid not in self.clusters, "registered twice"
            self.clusters[uid] = cluster
        self._send("register_cluster", apply)
        return uid

    def bind_cluster_policies(self, cluster_id, bindings, once=False):
        assert once

        def apply():
            self.clusters[cluster_id]["spec"]["ruleNamespaces"] = m.rule_namespaces(bindings)
        self._send("bind_cluster_policies", apply)

    def unregister_cluster(self, cluster_id):
        self._send("unregister_cluster", lambda: self.clusters.pop(cluster_id, None))
        return True


def register_task(api):
    task = task_for(api)
    task.annotation = "{}"  # the kubeconfig annotation an attached cluster is registered with
    return task


def test_a_register_whose_answers_are_lost_twice_is_found_or_sent_again_never_twice():
    api = LossyApi(plan={"register_cluster": ["lost", "lost"]})
    outcome = register_task(api).run()
    assert outcome["changed"] is True and len(api.clusters) == 1
    assert api.calls.count("register_cluster") == 3
    # applied on the second send, whose answer is lost too: found by name, not sent a third time
    api = LossyApi(plan={"register_cluster": ["lost", "applied-lost"]})
    outcome = register_task(api).run()
    assert outcome["changed"] is True and len(api.clusters) == 1 and api.calls.count("register_cluster") == 2


def test_a_register_answered_500_is_looked_up_then_sent_again():
    api = LossyApi(plan={"register_cluster": ["500"]})
    assert register_task(api).run()["changed"] is True
    assert len(api.clusters) == 1 and api.calls.count("register_cluster") == 2
    assert api.calls == ["list_clusters", "register_cluster", "find_cluster_by_name", "register_cluster"]


def test_bindings_whose_answers_are_lost_twice_are_read_back_again():
    api = LossyApi([registered()], plan={"bind_cluster_policies": ["lost", "applied-lost"]})
    outcome = task_for(api, policies=[{"policies": ["ops"], "namespaces": ["default"]}]).run()
    assert outcome["changed"] is True
    assert api.calls.count("bind_cluster_policies") == 2  # the effect was read back after the second lost answer
    assert m.canonical_bindings(api.clusters[registered()["metadata"]["uid"]]["spec"]["ruleNamespaces"]) == \
        m.canonical_bindings([{"ruleIDs": ["p-1"], "namespaces": ["default"]}])


def test_bindings_lost_more_often_than_the_rounds_allow_are_reported():
    api = LossyApi([registered()], plan={"bind_cluster_policies": ["lost"] * 4})
    with pytest.raises(OutcomeUnknownError):
        task_for(api, policies=[{"policies": ["ops"], "namespaces": ["default"]}]).run()
    assert api.calls.count("bind_cluster_policies") == MAX_SENDS


def test_an_unregister_answered_500_is_settled_by_looking_the_cluster_up():
    api = LossyApi([registered()], plan={"unregister_cluster": ["500"]})
    assert task_for(api, state="absent").run()["changed"] is True
    assert not api.clusters and api.calls.count("unregister_cluster") == 2
