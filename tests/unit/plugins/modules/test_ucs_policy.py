# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the pure helpers of ucs_policy (validation, desired spec, order-insensitive comparison)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ConfigurationError
from ansible_collections.fleetops.cloud.plugins.modules import ucs_policy


def params(**kwargs):
    base = dict(name="p", state="present", type=None, iam_user_ids=None, contents=None, description=None)
    base.update(kwargs)
    return base


def test_contents_need_custom_type():
    with pytest.raises(ConfigurationError) as exc:
        ucs_policy.validate_policy_options(params(type="admin", contents=[{"verbs": ["get"], "resources": ["pods"]}]))
    assert "type=custom" in str(exc.value)
    with pytest.raises(ConfigurationError):
        ucs_policy.validate_policy_options(params(contents=[{"verbs": ["get"], "resources": ["pods"]}]))


def test_contents_entries_must_not_be_empty():
    with pytest.raises(ConfigurationError) as exc:
        ucs_policy.validate_policy_options(params(type="custom", contents=[{"verbs": [], "resources": ["pods"]}]))
    assert "contents[0].verbs" in str(exc.value)
    with pytest.raises(ConfigurationError):
        ucs_policy.validate_policy_options(params(type="custom", contents=[]))


def test_valid_options_and_absent_are_accepted():
    ucs_policy.validate_policy_options(params(type="custom", contents=[{"verbs": ["get"], "resources": ["pods"]}]))
    ucs_policy.validate_policy_options(params(type="readonly"))
    ucs_policy.validate_policy_options(params(state="absent", type="admin", contents=[{"verbs": [], "resources": []}]))


def test_desired_spec_only_set_options():
    assert ucs_policy.desired_spec(params(type="readonly")) == {"type": "readonly"}
    assert ucs_policy.desired_spec(params(iam_user_ids=[], description="")) == {"iamUserIDs": [], "description": ""}


def test_differences_ignore_order_and_unset_options():
    current = {"type": "custom", "iamUserIDs": ["a", "b"],
               "contents": [{"verbs": ["get", "list"], "resources": ["pods"]}, {"verbs": ["*"], "resources": ["deployments"]}]}
    same = {"iamUserIDs": ["b", "a"],
            "contents": [{"verbs": ["*"], "resources": ["deployments"]}, {"verbs": ["list", "get"], "resources": ["pods"]}]}
    assert ucs_policy.spec_differences(same, current) == []
    assert ucs_policy.spec_differences({}, current) == []
    assert ucs_policy.spec_differences({"iamUserIDs": ["a"]}, current) == ["iamUserIDs"]
    assert ucs_policy.spec_differences({"iamUserIDs": []}, current) == ["iamUserIDs"]
    assert ucs_policy.spec_differences({"type": "admin", "description": "x"}, current) == ["type", "description"]
    assert ucs_policy.spec_differences({"contents": [{"verbs": ["get"], "resources": ["pods"]}]}, current) == ["contents"]


def test_empty_description_equals_missing_description():
    assert ucs_policy.spec_differences({"description": ""}, {"type": "admin"}) == []
    assert ucs_policy.spec_differences({"description": "d"}, {"type": "admin"}) == ["description"]


class RecordingApi(object):
    def __init__(self):
        self.calls = []

    def __getattr__(self, name):
        def call(*args):
            self.calls.append(name)
        return call


def policy_module(**kwargs):
    module = ucs_policy.PolicyModule.__new__(ucs_policy.PolicyModule)
    module.params = params(**kwargs)
    module.api = RecordingApi()
    return module


@pytest.mark.parametrize("check_mode", [False, True])
def test_custom_policy_without_contents_is_refused_before_the_create(check_mode, monkeypatch):
    monkeypatch.setattr(ucs_policy.PolicyModule, "check_mode", check_mode)
    module = policy_module(type="custom")
    with pytest.raises(ConfigurationError) as exc:
        module.present(None)
    assert "contents" in str(exc.value)
    assert module.api.calls == []


def test_turning_a_policy_without_contents_custom_is_refused_before_the_update(monkeypatch):
    monkeypatch.setattr(ucs_policy.PolicyModule, "check_mode", False)
    module = policy_module(type="custom")
    current = {"metadata": {"name": "p", "uid": "u1"}, "spec": {"type": "readonly"}}
    with pytest.raises(ConfigurationError) as exc:
        module.present(current)
    assert "contents" in str(exc.value)
    assert module.api.calls == []
