# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the pure cluster registration rules in module_utils/ucs_validation.py."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from ansible_collections.fleetops.cloud.plugins.module_utils import ucs_validation as v

UID = "44052cdd-8cd2-11ee-abd1-0255ac1001bd"
KUBECONFIG_YAML = """
apiVersion: v1
kind: Config
clusters:
- name: member
  cluster: {server: "https://127.0.0.1:6443", certificate-authority-data: Q0E=}
users:
- name: admin
  user: {token: not-a-real-token}
contexts:
- name: member
  context: {cluster: member, user: admin}
current-context: member
"""


def attached(**overrides):
    params = dict(name="edge-1", state="present", category="attachedcluster", type="privatek8s", provider=None,
                  country="CN", city="110000", kubeconfig=KUBECONFIG_YAML)
    params.update(overrides)
    return params


def cce(**overrides):
    params = dict(name="cce-1", state="present", category="self", type="turbo", cluster_id=UID,
                  cce_region="cn-north-7", cce_project_id="05495693df80d3c92fa1c01795c2be02")
    params.update(overrides)
    return params


@pytest.mark.parametrize("category,cluster_type,provider", [
    ("self", "cce", "huaweicloud"), ("self", "turbo", "huaweicloud"), ("onpremise", "baremetal", "huaweicloud"),
    ("attachedcluster", "ack", "aliyun"), ("attachedcluster", "aks", "azure"), ("attachedcluster", "eks", "aws"),
    ("attachedcluster", "gke", "googlecloud"), ("attachedcluster", "tke", "tencentcloud"),
    ("attachedcluster", "openshift", "openshift"), ("attachedcluster", "privatek8s", "privatek8s"),
])
def test_every_row_of_the_table_is_accepted_and_derives_its_provider(category, cluster_type, provider):
    assert v.check_category_type_provider(category, cluster_type, provider) == []
    assert v.check_category_type_provider(category, cluster_type, None) == []
    assert v.derive_provider(category, cluster_type) == provider


@pytest.mark.parametrize("category,cluster_type,provider,words", [
    ("self", "ack", None, ["type 'ack'", "category 'self'", "cce or turbo"]),
    ("attachedcluster", "cce", None, ["type 'cce'", "category 'attachedcluster'"]),
    ("onpremise", "eks", None, ["category onpremise takes type baremetal"]),
    ("attachedcluster", "eks", "azure", ["provider 'azure'", "type eks is provided by aws"]),
    ("self", "cce", "aliyun", ["provider 'aliyun'", "huaweicloud"]),
    ("multicloud", "cce", None, ["category must be one of attachedcluster, onpremise, self"]),
    ("self", "k3s", None, ["type must be one of"]),
    ("self", None, "nimbus", ["provider must be one of"]),
    ("onpremise", None, "aws", ["provider 'aws' does not belong to category 'onpremise'"]),
])
def test_table_mismatches_are_named(category, cluster_type, provider, words):
    errors = v.check_category_type_provider(category, cluster_type, provider)
    assert len(errors) == 1
    for word in words:
        assert word in errors[0]


def test_derive_provider_outside_the_table_is_none():
    assert v.derive_provider("self", "eks") is None
    assert v.derive_provider("nope", "cce") is None


def test_uuid():
    assert v.is_uuid(UID)
    assert v.is_uuid(UID.upper())
    for bad in ("", "44052cdd8cd211eeabd10255ac1001bd", UID + "0", UID[:-1] + "g", "cluster-1", None, 12):
        assert not v.is_uuid(bad)
    assert v.check_uuid("cluster_id", UID) is None
    assert v.check_uuid("cluster_id", None) is None
    assert "cluster_id must be a UUID" in v.check_uuid("cluster_id", "my-cce")


def test_city_codes_come_from_the_source_table():
    assert len(v.CN_CITY_CODES) == 394
    for code in ("110000", "310000", "440300", "659010", "820000", "unknown"):
        assert code in v.CN_CITY_CODES
    for code in ("110100", "999999", "BJ", ""):
        assert code not in v.CN_CITY_CODES


def test_city_rules():
    assert v.check_city("CN", "440300") is None
    assert v.check_city("CN", None) is None
    assert v.check_city("DE", None) is None
    msg = v.check_city("CN", "123456")
    assert "city '123456' is not a UCS city code" in msg and "section 5.5" in msg
    # 3.1.3: "仅支持中国城市，其他国家无需填写"; 3.1.4's example sends country AL, city AL: passed on as given
    assert v.check_city("DE", "110000") is None
    assert v.check_city("AL", "AL") is None
    assert "non-empty" in v.check_city("DE", "")
    assert "control characters" in v.check_city("DE", "Berlin\n")


def test_country_rules():
    assert len(v.ISO_COUNTRY_CODES) == 249
    assert v.check_country("CN") is None
    assert v.check_country("DE") is None
    assert v.check_country(None) is None
    assert "use 'CN' instead of 'cn'" in v.check_country("cn")
    # the source only says "country code": nothing narrower is enforced
    assert v.check_country("XX") is None
    assert v.check_country("CHN") is None
    assert "non-empty" in v.check_country("")


@pytest.mark.parametrize("key", ["app", "a", "app.kubernetes.io/name", "example.com/tier_1", "A-b.c_D", "x" * 63,
                                 "a.b/" + "y" * 63])
def test_valid_label_keys(key):
    assert v.label_key_problem(key) is None


@pytest.mark.parametrize("key,words", [
    ("", "non-empty"), ("/app", "prefix before '/'"), ("Example.com/app", "DNS subdomain"),
    ("-app", "start and end"), ("app-", "start and end"), ("a b", "letters, digits"), ("x" * 64, "longer than 63"),
    ("a/b/c", "DNS subdomain"), ("ex_ample.com/app", "DNS subdomain"), ("app/", "start and end"),
])
def test_invalid_label_keys(key, words):
    assert words in v.label_key_problem(key)


def test_label_values():
    for good in ("", "v1", "a.b-c_d", "z" * 63):
        assert v.label_value_problem(good) is None
    assert "longer than 63" in v.label_value_problem("z" * 64)
    assert "start and end" in v.label_value_problem("-v")
    assert "must be strings" in v.label_value_problem(1)
    assert "must be strings" in v.label_value_problem(True)


def test_check_labels_names_each_bad_label_and_the_limit():
    assert v.check_labels(None) == []
    assert v.check_labels({"env": "prod", "team": ""}) == []
    errors = v.check_labels({"bad key": "x", "ok": "-no-"})
    assert len(errors) == 2
    assert "labels key 'bad key'" in errors[0]
    assert "labels value of 'ok'" in errors[1]
    many = dict(("k%d" % i, "v") for i in range(101))
    assert "at most 100 labels, got 101" in v.check_labels(many)[0]
    assert v.check_labels(dict(("k%d" % i, "v") for i in range(100))) == []


def test_cluster_names_are_never_stricter_than_the_source():
    # no document states a pattern: any of these may be a UCS (or CCE) cluster name
    for good in ("edge-1", "a", "a0", "x" * 255, "cce-turbo-01", "Edge", "edge_1", "-edge", "0cluster", "a.b", "a b"):
        assert v.check_cluster_name(good) is None
    for bad, words in (("", "non-empty"), (None, "non-empty"), ("   ", "non-empty"), ("x" * 256, "at most 255"),
                       ("a/b", "'/'"), ("../x", "'/'"), ("a\nb", "control characters"), (" a", "blanks")):
        assert words in v.check_cluster_name(bad), bad


@pytest.mark.parametrize("provider", ["huaweicloudstack", "other", "FlexibleEngine", "OpenTelekomCloud", "ctcloud", "cmcloud"])
def test_providers_of_the_register_example_are_accepted_for_attached_clusters(provider):
    # 3.1.3's example lists more providers than 5.6's table: the source contradicts itself, both are accepted
    assert v.check_category_type_provider("attachedcluster", "privatek8s", provider) == []
    assert "only accepted for attached clusters" in v.check_category_type_provider("self", "cce", provider)[0]


def test_cidr():
    assert v.check_cidr("network.pod_cidr", None) is None
    assert v.check_cidr("network.pod_cidr", "172.16.0.0/16") is None
    assert v.check_cidr("network.pod_cidr", "fd00::/64") is None
    assert "network.pod_cidr" in v.check_cidr("network.pod_cidr", "172.16.0.1/16")
    assert "network.pod_cidr" in v.check_cidr("network.pod_cidr", "10.0.0.1")
    assert "network.pod_cidr" in v.check_cidr("network.pod_cidr", "banana")


def test_sound_option_sets_pass():
    assert v.check_cluster_options(attached()) == []
    assert v.check_cluster_options(attached(country="DE", city=None)) == []
    assert v.check_cluster_options(attached(category="onpremise", type="baremetal", kubeconfig=None)) == []
    assert v.check_cluster_options(cce()) == []
    # a CCE import may leave id, region, project and type to the lookup by name (table 3-51/3-52: optional)
    assert v.check_cluster_options(cce(cluster_id=None, cce_region=None, cce_project_id=None, type=None)) == []
    # the kubeconfig of an attached cluster is needed to register it, not to update its location
    assert v.check_cluster_options(attached(kubeconfig=None)) == []
    assert v.check_cluster_options(attached(network={"pod_cidr": "10.0.0.0/16", "service_cidr": None})) == []


def test_absent_only_checks_the_name():
    assert v.check_cluster_options(dict(name="edge-1", state="absent", category="self", type="ack")) == []
    assert len(v.check_cluster_options(dict(name="", state="absent"))) == 1


@pytest.mark.parametrize("params,words", [
    (cce(cluster_id="my-cce"), "cluster_id must be a UUID"),
    (cce(kubeconfig="x"), "does not take kubeconfig"),
    (cce(network={"pod_cidr": "10.0.0.0/16"}), "does not take network"),
    (attached(cluster_id=UID), "cluster_id are only used when importing a CCE cluster"),
    (attached(country=None, city=None), "requires country"),
    (attached(city=None), "country CN requires city"),
    (attached(city="999999"), "city '999999' is not a UCS city code"),
    (attached(type="cce"), "type 'cce' does not belong to category 'attachedcluster'"),
    (attached(labels={"Bad Key": "x"}), "labels key 'Bad Key'"),
    (attached(name="edge/1"), "must not contain '/'"),
    (attached(network={"pod_cidr": "10.0.0.1/16"}), "network.pod_cidr"),
])
def test_bad_option_sets_are_named(params, words):
    errors = v.check_cluster_options(params)
    assert any(words in e for e in errors), errors


def test_several_problems_are_reported_together():
    errors = v.check_cluster_options(attached(city="999999", labels={"-x": "y"}, name=""))
    assert len(errors) == 3


def test_kubeconfig_annotation_accepts_yaml_and_json_and_normalises():
    from_yaml = v.kubeconfig_annotation(KUBECONFIG_YAML)
    data = json.loads(from_yaml)
    assert data["clusters"][0]["cluster"]["server"] == "https://127.0.0.1:6443"
    from_json = v.kubeconfig_annotation(json.dumps(data, indent=4))
    assert from_json == from_yaml
    assert v.same_kubeconfig(from_yaml, json.dumps(data, indent=2))
    other = dict(data, **{"current-context": "elsewhere"})
    assert not v.same_kubeconfig(from_yaml, json.dumps(other))


@pytest.mark.parametrize("text,words", [
    ("just words", "is not a kubeconfig"), ("[1, 2]", "is not a kubeconfig"),
    ("{'kind': 'Config', 'clusters': []}", "has no clusters, users, contexts"),
    ("kind: Config\nclusters: [{name: a}]\nusers: [{name: u, user: {token: sekrit}}]\n", "has no contexts"),
])
def test_kubeconfig_annotation_rejects_non_kubeconfigs_without_quoting_them(text, words):
    with pytest.raises(ValueError) as info:
        v.kubeconfig_annotation(text, option="kubeconfig_path")
    assert words in str(info.value)
    assert "kubeconfig_path" in str(info.value)
    assert "sekrit" not in str(info.value)


def test_kubeconfig_of_reads_the_annotation_whatever_its_case():
    assert v.kubeconfig_of({"metadata": {"annotations": {"kubeconfig": "{}", "vpclid": "x"}}}) == "{}"
    assert v.kubeconfig_of({"metadata": {"annotations": {"KubeConfig": "{}"}}}) == "{}"
    assert v.kubeconfig_of({"metadata": {"annotations": {"vpclid": "x"}}}) is None
    assert v.kubeconfig_of({"metadata": {}}) is None
    assert v.kubeconfig_of(None) is None
