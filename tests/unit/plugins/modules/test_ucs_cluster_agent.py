# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the pure helpers of the ucs_cluster_agent module: parsing the answer, writing the file."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import stat

import yaml

from ansible_collections.fleetops.cloud.plugins.modules import ucs_cluster_agent as m

DEPLOYMENT = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "proxy-agent", "namespace": "kube-system"},
              "spec": {"replicas": 2}}
SECRET = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "proxy-agent-cert", "namespace": "kube-system"},
          "type": "Opaque", "data": {"proxy-agent.key": "c2VjcmV0LWtleQ=="}}


def test_answers_as_objects_or_as_the_sdks_strings_give_the_same_objects():
    assert m.manifests_from_answer([DEPLOYMENT, SECRET]) == [DEPLOYMENT, SECRET]
    assert m.manifests_from_answer([json.dumps(DEPLOYMENT), json.dumps(SECRET)]) == [DEPLOYMENT, SECRET]
    assert m.manifests_from_answer(json.dumps([DEPLOYMENT, SECRET])) == [DEPLOYMENT, SECRET]


def test_other_answers_are_not_manifests():
    for body in (u"\u5df2\u4e0b\u8f7d", "", None, [], {"items": []}, ["not json"], [{"no": "kind"}], [1]):
        assert m.manifests_from_answer(body) is None


def test_describe_keeps_no_data():
    described = m.describe([DEPLOYMENT, SECRET])
    assert described == [{"kind": "Deployment", "name": "proxy-agent", "namespace": "kube-system"},
                         {"kind": "Secret", "name": "proxy-agent-cert", "namespace": "kube-system"}]
    assert "c2VjcmV0LWtleQ" not in json.dumps(described)


def test_written_file_is_private_multi_document_yaml(tmp_path):
    dest = str(tmp_path / "agent.yaml")
    m.write_atomically(dest, m.render([DEPLOYMENT, SECRET]))
    assert stat.S_IMODE(os.stat(dest).st_mode) == 0o600
    with open(dest) as handle:
        docs = list(yaml.safe_load_all(handle))
    assert docs == [DEPLOYMENT, SECRET]
    assert m.read_objects(dest) == m.describe([DEPLOYMENT, SECRET])
    assert [p.name for p in tmp_path.iterdir()] == ["agent.yaml"]


def test_write_replaces_an_existing_file_and_leaves_no_temporary_file(tmp_path):
    dest = tmp_path / "agent.yaml"
    dest.write_text("old")
    os.chmod(str(dest), 0o644)
    m.write_atomically(str(dest), "new\n")
    assert dest.read_text() == "new\n"
    assert stat.S_IMODE(os.stat(str(dest)).st_mode) == 0o600
    assert len(list(tmp_path.iterdir())) == 1


def test_unreadable_files_describe_no_objects(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("{{{ not yaml")
    assert m.read_objects(str(bad)) == []
    assert m.read_objects(str(tmp_path / "missing.yaml")) == []


def test_the_taken_message_says_how_to_recover():
    msg = m.taken_message("edge-1", "/tmp/x.yaml")
    assert "already downloaded" in msg and "/tmp/x.yaml" in msg
    assert "state=absent" in msg and "register it again" in msg
