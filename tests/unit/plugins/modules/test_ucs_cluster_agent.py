# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the pure helpers of the ucs_cluster_agent module: parsing the answer, writing the file."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import stat

import pytest
import yaml


from ansible_collections.fleetops.cloud.plugins.modules import ucs_cluster_agent as m
from ansible_collections.fleetops.cloud.tests.unit.conftest import RESET, module_args, reply


CLUSTER_ID = "514c1a3c-8ec7-11ec-b384-0255ac100189"
TAKEN = u"\u5df2\u4e0b\u8f7d"  # "已下载"

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
    # activation (3.1.7) only lets a cluster reconnect: no message may offer it as a way to a new certificate
    for text in (msg, m.lost_message("edge-1", "/tmp/x.yaml"), m.RECOVERY):
        assert "activat" not in text.lower()


# ---- the module end to end (facade, client, HTTP) against the scripted fake cloud ------------------------------


def run_agent(cloud, dest, capsys):
    args = dict(token="given-token", max_retries=0, endpoints={"ucs": cloud.base + "/ucs"}, cluster=CLUSTER_ID, dest=dest)
    with module_args(args):
        with pytest.raises(SystemExit) as exc:
            m.UcsClusterAgentModule().execute()
    return exc.value.code, json.loads(capsys.readouterr().out)


def script_cluster(cloud, accessinfo):
    # IsDownloadedCert still false (another process took the certificate in between): only the answer tells
    cluster = {"metadata": {"name": "edge-1", "uid": CLUSTER_ID},
               "spec": {"category": "attachedcluster", "type": "privatek8s", "IsDownloadedCert": False}}
    cloud.script("GET", "/ucs/v1/clusters/" + CLUSTER_ID, reply(200, cluster))
    cloud.script("GET", "/ucs/v1/clusters/%s/accessinfo" % CLUSTER_ID, accessinfo)


@pytest.mark.parametrize("answer", [
    reply(200, TAKEN),                                                            # the documented 200, plain text
    reply(200, json.dumps(TAKEN), {"Content-Type": "application/json"}),         # the same as a JSON string
    reply(200, [TAKEN]),                                                          # the SDK's list[str] shape
    reply(400, {"error_code": "UCS.01020002", "error_msg": TAKEN}),               # a 4xx saying so
], ids=["200-text", "200-json-string", "200-list", "400"])
def test_already_downloaded_answer_fails_with_recovery_and_writes_nothing(fake_cloud, tmp_path, capsys, answer):
    script_cluster(fake_cloud, answer)
    dest = str(tmp_path / "agent.yaml")
    code, result = run_agent(fake_cloud, dest, capsys)
    assert code == 1 and result["failed"] is True
    assert "already downloaded" in result["msg"] and "register it again" in result["msg"]
    assert result["cluster"] == {"uid": CLUSTER_ID, "name": "edge-1"}
    assert ("error" in result) == (answer["status"] == 400)
    assert list(tmp_path.iterdir()) == []
    assert fake_cloud.count("GET", "/ucs/v1/clusters/%s/accessinfo" % CLUSTER_ID) == 1


def test_server_error_is_not_taken_for_already_downloaded(fake_cloud, tmp_path, capsys):
    script_cluster(fake_cloud, reply(500, {"error_code": "UCS.01020002", "error_msg": "Failed to get certs"}))
    code, result = run_agent(fake_cloud, str(tmp_path / "agent.yaml"), capsys)
    assert code == 1
    assert "already downloaded" not in result["msg"] and "UCS.01020002" in result["msg"]
    assert list(tmp_path.iterdir()) == []


def test_manifests_are_written(fake_cloud, tmp_path, capsys):
    script_cluster(fake_cloud, reply(200, [DEPLOYMENT, SECRET]))
    dest = str(tmp_path / "agent.yaml")
    code, result = run_agent(fake_cloud, dest, capsys)
    assert code == 0 and result["changed"] is True
    assert result["objects"] == m.describe([DEPLOYMENT, SECRET])
    assert "c2VjcmV0LWtleQ" not in json.dumps(result)
    with open(dest) as handle:
        assert list(yaml.safe_load_all(handle)) == [DEPLOYMENT, SECRET]


def script_lost_then(cloud, downloaded_after_loss, *answers):
    """The first access-info request loses its answer; the cluster read back reports ``IsDownloadedCert``."""
    cluster = {"metadata": {"name": "edge-1", "uid": CLUSTER_ID},
               "spec": {"category": "attachedcluster", "type": "privatek8s", "IsDownloadedCert": False},
               "status": {"phase": "Pending"}}
    after = json.loads(json.dumps(cluster))
    after["spec"]["IsDownloadedCert"] = downloaded_after_loss
    cloud.script("GET", "/ucs/v1/clusters/" + CLUSTER_ID, reply(200, cluster), reply(200, after))
    cloud.script("GET", "/ucs/v1/clusters/%s/accessinfo" % CLUSTER_ID, RESET, *answers)


def test_a_lost_download_is_asked_again_while_the_certificate_was_not_handed_out(fake_cloud, tmp_path, capsys):
    script_lost_then(fake_cloud, False, reply(200, [DEPLOYMENT, SECRET]))
    dest = str(tmp_path / "agent.yaml")
    code, result = run_agent(fake_cloud, dest, capsys)
    assert code == 0 and result["changed"] is True and os.path.isfile(dest)
    assert fake_cloud.count("GET", "/ucs/v1/clusters/%s/accessinfo" % CLUSTER_ID) == 2


def test_a_lost_download_that_spent_the_certificate_is_not_asked_again(fake_cloud, tmp_path, capsys):
    script_lost_then(fake_cloud, True, reply(200, [DEPLOYMENT, SECRET]))
    code, result = run_agent(fake_cloud, str(tmp_path / "agent.yaml"), capsys)
    assert code == 1 and result["certificate_spent"] is True and result["phase"] == "Pending"
    assert "may be spent" in result["msg"] and "register it again" in result["msg"]
    assert fake_cloud.count("GET", "/ucs/v1/clusters/%s/accessinfo" % CLUSTER_ID) == 1
    assert list(tmp_path.iterdir()) == []


def test_a_repeat_answered_already_downloaded_means_the_lost_answer_took_it(fake_cloud, tmp_path, capsys):
    # a deployment that reports IsDownloadedCert late: the repeat's "已下载" tells, and nothing is minted twice
    script_lost_then(fake_cloud, False, reply(200, TAKEN))
    code, result = run_agent(fake_cloud, str(tmp_path / "agent.yaml"), capsys)
    assert code == 1 and result["certificate_spent"] is True
    assert "got no answer" in result["msg"] and "register it again" in result["msg"]
    assert fake_cloud.count("GET", "/ucs/v1/clusters/%s/accessinfo" % CLUSTER_ID) == 2


def test_downloads_that_never_get_an_answer_are_bounded_and_spend_nothing(fake_cloud, tmp_path, capsys):
    script_lost_then(fake_cloud, False, RESET)
    code, result = run_agent(fake_cloud, str(tmp_path / "agent.yaml"), capsys)
    assert code == 1 and "certificate_spent" not in result
    assert "Run the task again" in result["msg"]
    assert fake_cloud.count("GET", "/ucs/v1/clusters/%s/accessinfo" % CLUSTER_ID) == m.DOWNLOAD_ATTEMPTS
    assert list(tmp_path.iterdir()) == []


def test_the_keys_of_the_agent_secret_are_secrets_of_the_run():
    values = m.secret_values([DEPLOYMENT, SECRET, {"kind": "Secret", "stringData": {"token": "plain-agent-token"}}])
    assert "c2VjcmV0LWtleQ==" in values and "secret-key" in values and "plain-agent-token" in values
    assert not m.secret_values([DEPLOYMENT])
