# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""compare.py: unset vs falsy, normalisation, differences with ordered/unordered lists, spelling drift."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.fleetops.cloud.plugins.module_utils.compare import (
    differences,
    is_different,
    is_unset,
    normalize,
    pick,
)


def test_is_unset_only_none():
    assert is_unset(None)
    for value in ("", 0, False, [], {}):
        assert not is_unset(value)


def test_normalize_drops_none_and_sorts_keys():
    value = {"b": 1, "a": {"z": None, "y": [{"k": None, "j": 2}]}, "c": None}
    result = normalize(value)
    assert result == {"a": {"y": [{"j": 2}]}, "b": 1}
    assert list(result) == ["a", "b"]
    assert value["c"] is None  # input untouched


def test_only_keys_set_in_desired_are_compared():
    current = {"name": "f", "description": "old", "labels": {"a": "1"}, "status": "Available"}
    assert differences({"name": "f", "description": None}, current) == []
    assert differences({"description": "new"}, current) == ["description"]
    assert differences({"labels": {"a": "1"}}, current) == []
    assert differences({"labels": {"a": "2", "b": None}}, current) == ["labels.a"]


def test_falsy_values_are_values():
    assert differences({"description": ""}, {"description": "x"}) == ["description"]
    assert differences({"count": 0}, {"count": None}) == ["count"]
    assert differences({"enabled": False}, {}) == ["enabled"]
    assert differences({"items": []}, {"items": ["a"]}) == ["items"]
    assert differences({"enabled": False}, {"enabled": 0}) == ["enabled"]  # bool is not int here
    assert differences({"enabled": True}, {"enabled": True}) == []


def test_ordered_and_unordered_lists():
    current = {"spec": {"iamUserIDs": ["u2", "u1"], "steps": ["a", "b"]}}
    desired = {"spec": {"iamUserIDs": ["u1", "u2"], "steps": ["b", "a"]}}
    assert differences(desired, current) == ["spec.iamUserIDs", "spec.steps"]
    assert differences(desired, current, unordered_paths=("spec.iamUserIDs",)) == ["spec.steps"]
    assert differences(desired, current, unordered_paths="*") == []


def test_unordered_lists_are_multisets_of_normalised_elements():
    current = {"contents": [{"verbs": ["get"], "resources": ["pods"], "extra": None}, {"verbs": ["list"]}]}
    desired = {"contents": [{"verbs": ["list"]}, {"resources": ["pods"], "verbs": ["get"]}]}
    assert differences(desired, current, unordered_paths=("contents",)) == []
    assert differences({"ids": ["a", "a"]}, {"ids": ["a"]}, unordered_paths="*") == ["ids"]
    assert differences({"ids": ["a", "b"]}, {"ids": ["b", "a", "c"]}, unordered_paths="*") == ["ids"]


def test_type_mismatch_and_missing_current():
    assert differences({"spec": {"a": 1}}, None) == ["."]
    assert differences({"spec": {"a": 1}}, {"spec": "text"}) == ["spec"]
    assert differences({"l": [1]}, {"l": "1"}) == ["l"]
    assert is_different({"a": 1}, {"a": 2}) and not is_different({"a": 1}, {"a": 1, "b": 2})


def test_pick_handles_spelling_drift():
    spec = {"projectId": "p1", "IsDownloadedCert": False}
    assert pick(spec, "projectID", "projectId") == "p1"
    assert pick(spec, "isDownloadedCert", "IsDownloadedCert") is False
    assert pick(spec, "missing", default="d") == "d"
    assert pick(None, "a") is None
    assert pick({"a": None, "b": 0}, "a", "b") == 0
