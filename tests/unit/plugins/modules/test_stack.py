# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the change detection of the stack module (no Ansible run, a fake facade)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy

import pytest

from ansible_collections.fleetops.cloud.plugins.module_utils.base import MAX_SENDS
from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ConfigurationError, OutcomeUnknownError
from ansible_collections.fleetops.cloud.plugins.modules import stack as stack_module
from ansible_collections.fleetops.cloud.plugins.modules.stack_info import matches

TEMPLATE = {
    "heat_template_version": "2018-08-31",
    "description": "unit",
    "parameters": {"size": {"type": "number", "default": 1}, "pw": {"type": "string", "hidden": True},
                   "zones": {"type": "comma_delimited_list", "default": "a"}},
    "resources": {"a": {"type": "OS::Heat::None"}},
}


class FakeApi(object):
    def __init__(self, template, environment=None, files=None):
        self.template = template
        self.environment = environment
        self.files = files
        self.reads = []

    def get_template(self, name, stack_id):
        self.reads.append("template")
        return copy.deepcopy(self.template)

    def get_environment(self, name, stack_id):
        self.reads.append("environment")
        return copy.deepcopy(self.environment)

    def get_files(self, name, stack_id):
        self.reads.append("files")
        return copy.deepcopy(self.files)


def make_module(api, **params):
    module = stack_module.StackModule.__new__(stack_module.StackModule)
    defaults = dict(name="s", state="present", template=copy.deepcopy(TEMPLATE), template_url=None, files=None,
                    environment=None, parameters=None, secret_parameters=None, update_hidden_parameters=False, tags=None,
                    timeout=None, rollback=None, recreate_failed=False, wait=True, wait_timeout=60,
                    template_sources=None, base_dir=None, preview=True)
    defaults.update(params)
    module.params = defaults
    module.api = api
    module.declarations = {}
    module.secret_names = set()
    module.hidden_names = set()
    module._added_secrets = []
    module.module = StubAnsibleModule()
    return module


class StubAnsibleModule(object):
    def __init__(self):
        self.no_log_values = set()
        self.check_mode = False


STORED = {"id": "3095aefc-09fb-4bc7-b1f0-f21a304e864c", "stack_name": "s", "stack_status": "CREATE_COMPLETE", "tags": ["b", "a"], "timeout_mins": 10,
          "disable_rollback": True,
          "parameters": {"size": "3", "pw": "******", "zones": "a,b", "OS::stack_id": "1", "OS::stack_name": "s"}}


def compare(api, **params):
    module = make_module(api, **params)
    desired = module.desired()
    return module.compare(copy.deepcopy(STORED), desired)


def test_identical_definition_has_no_changes_and_reads_no_environment_or_files():
    api = FakeApi(TEMPLATE)
    changes, hidden, before = compare(api, parameters={"size": 3, "zones": ["a", "b"]}, secret_parameters={"pw": "x"},
                                      tags=["a", "b", "a"], timeout=10, rollback=False)
    assert changes == []
    assert hidden == ["pw"]
    assert before["parameters"] == {"size": "3", "zones": "a,b", "pw": "******"}
    assert api.reads == ["template"]


@pytest.mark.parametrize("params,expected", [
    ({"parameters": {"size": 4}}, ["parameters"]),
    ({"tags": ["a"]}, ["tags"]),
    ({"tags": []}, ["tags"]),
    ({"timeout": 11}, ["timeout"]),
    ({"rollback": True}, ["rollback"]),
    ({"secret_parameters": {"pw": "y"}, "update_hidden_parameters": True}, ["parameters"]),
    ({"parameters": {"size": 4}, "tags": ["z"]}, ["parameters", "tags"]),
])
def test_each_difference_is_detected(params, expected):
    assert compare(FakeApi(TEMPLATE), **params)[0] == expected


def test_template_differences_are_structural():
    reordered = dict(reversed(list(copy.deepcopy(TEMPLATE).items())))
    assert compare(FakeApi(reordered))[0] == []
    changed = copy.deepcopy(TEMPLATE)
    changed["resources"]["b"] = {"type": "OS::Heat::None"}
    assert compare(FakeApi(changed))[0] == ["template"]
    assert compare(FakeApi(None))[0] == ["template"]


def test_environment_compared_without_heat_additions_and_its_parameters_as_parameters():
    stored_env = {"parameters": {"size": 3}, "parameter_defaults": {"zones": "a"}, "event_sinks": [],
                  "encrypted_param_names": [], "resource_registry": {"resources": {}}}
    same = {"parameters": {"size": 3}, "parameter_defaults": {"zones": "a"}}
    assert compare(FakeApi(TEMPLATE, environment=stored_env), environment=same)[0] == []
    other = {"parameters": {"size": 5}, "parameter_defaults": {"zones": "b"}}
    assert compare(FakeApi(TEMPLATE, environment=stored_env), environment=other)[0] == ["environment", "parameters"]
    # a service without GET .../environment: not comparable, not a change
    assert compare(FakeApi(TEMPLATE, environment=None), environment=other)[0] == ["parameters"]


def test_files_compared_when_given():
    template = copy.deepcopy(TEMPLATE)
    template["resources"]["a"]["properties"] = {"value": {"get_file": "x.txt"}}
    assert compare(FakeApi(template, files={"x.txt": "one"}), template=copy.deepcopy(template), files={"x.txt": "one"})[0] == []
    assert compare(FakeApi(template, files={"x.txt": "one"}), template=copy.deepcopy(template), files={"x.txt": "two"})[0] == ["files"]


def test_bad_options_fail_before_any_call():
    api = FakeApi(TEMPLATE)
    with pytest.raises(ConfigurationError):
        make_module(api, tags=["a,b"]).desired()
    with pytest.raises(ConfigurationError):
        make_module(api, timeout=0).desired()
    assert api.reads == []


def test_predicted_stack_masks_secrets():
    module = make_module(FakeApi(TEMPLATE), parameters={"size": 2}, secret_parameters={"pw": "top-secret"}, tags=["t"])
    desired = module.desired()
    predicted = module.predicted(desired)
    assert predicted["parameters"] == {"size": 2, "pw": "******"}
    assert predicted["tags"] == ["t"]
    assert "top-secret" not in repr(module.definition(desired))


def test_info_filters():
    item = {"stack_name": "a", "stack_status": "CREATE_COMPLETE", "tags": ["x", "y"]}
    assert matches(item, {"name": "a", "tags": ["x"], "tags_any": ["y", "z"]})
    assert not matches(item, {"not_tags": ["x", "y"]})
    assert matches(item, {"not_tags": ["x", "z"]})
    assert not matches(item, {"not_tags_any": ["z", "y"]})
    assert not matches(item, {"status": ["UPDATE_COMPLETE"]})
    assert matches({"stack_name": "b", "stack_status": "CREATE_COMPLETE", "tags": None}, {})


class NoCalls(object):
    """A facade that must not be used: any attribute access is a call the test did not expect."""

    def __getattr__(self, name):
        raise AssertionError("unexpected API call: %s" % name)


def test_undeclared_parameters_fail_naming_them_before_any_call():
    module = make_module(NoCalls(), parameters={"size": 2, "nope": 1}, secret_parameters={"other": "x", "pw": "y"})
    with pytest.raises(ConfigurationError) as exc:
        module.desired()
    assert "nope" in str(exc.value) and "other" in str(exc.value)
    assert "size" not in str(exc.value) and "pw," not in str(exc.value)


def test_undeclared_parameters_rules():
    undeclared = stack_module.undeclared_parameters
    assert undeclared(TEMPLATE, {"size": 1, "pw": "x", "zones": "a"}) == []
    assert undeclared(TEMPLATE, {"b": 1, "a": 2, "size": 3}) == ["a", "b"]
    # the environment's parameters must be declared too; parameter_defaults may feed nested templates
    assert undeclared(TEMPLATE, {}, {"parameters": {"ghost": 1}, "parameter_defaults": {"nested_only": 2}}) == ["ghost"]
    assert undeclared(TEMPLATE, {}, {"parameter_defaults": {"nested_only": 2}}) == []
    # pseudo parameters are never reported; a template without a parameters section declares none
    assert undeclared(TEMPLATE, {"OS::stack_name": "s"}) == []
    no_params = dict((k, v) for k, v in TEMPLATE.items() if k != "parameters")
    assert undeclared(no_params, {"size": 1}) == ["size"]
    cfn = {"AWSTemplateFormatVersion": "2010-09-09", "Parameters": {"Size": {"Type": "Number"}}, "Resources": {}}
    assert undeclared(cfn, {"Size": 1, "size": 2}) == ["size"]
    # declarations not known locally: nothing is rejected
    assert undeclared({"resources": {}}, {"size": 1}) == []


def test_environment_parameter_defaults_are_accepted():
    module = make_module(NoCalls(), parameters={"size": 2}, environment={"parameter_defaults": {"nested_only": 1}})
    assert module.desired()["parameters"] == {"size": 2}


def test_negative_wait_timeout_fails_before_any_call():
    for state in ("present", "absent"):
        module = make_module(NoCalls(), state=state, wait_timeout=-1)
        with pytest.raises(ConfigurationError) as exc:
            module.run()
        assert "wait_timeout" in str(exc.value)


def test_hidden_values_given_in_parameters_are_registered_as_no_log():
    """A template-hidden parameter given in ``parameters`` (not ``secret_parameters``) is still a secret."""
    module = make_module(FakeApi(TEMPLATE), parameters={"pw": "not-in-any-output", "size": 2})
    module.desired()
    assert "not-in-any-output" in module.module.no_log_values
    assert "2" not in module.module.no_log_values


def test_tags_payload_empty_and_unmanaged():
    module = make_module(FakeApi(TEMPLATE), tags=[])
    desired = module.desired()
    assert "tags" not in module.payload(desired, name="s")  # never "" (Heat stores it as [""])
    unmanaged = make_module(FakeApi(TEMPLATE)).desired()
    assert module.payload(unmanaged, current={"tags": ["b", "a"]})["tags"] == "a,b"  # a PUT keeps them


def test_hidden_parameter_defaults_masked_by_heat_are_not_changes():
    env = {"parameter_defaults": {"pw": "clear-value", "size": 3}}
    stored = {"parameter_defaults": {"pw": "******", "size": 3}, "resource_registry": {"resources": {}}}
    changes, hidden, _before = compare(FakeApi(TEMPLATE, environment=stored), environment=env)
    assert changes == [] and "pw" in hidden


def test_the_wait_ignores_the_previous_operation_status():
    before = {"stack_status": "CREATE_COMPLETE", "updated_time": None}
    ours = stack_module.StackModule._is_ours
    assert not ours({"stack_status": "CREATE_COMPLETE", "updated_time": None}, before, ("UPDATE",), False)
    assert ours({"stack_status": "UPDATE_IN_PROGRESS", "updated_time": None}, before, ("UPDATE",), False)
    assert ours({"stack_status": "UPDATE_COMPLETE", "updated_time": "t1"}, before, ("UPDATE",), False)
    again = {"stack_status": "UPDATE_COMPLETE", "updated_time": "t1"}
    assert not ours(dict(again), again, ("UPDATE", "ROLLBACK"), False)
    assert ours(dict(again), again, ("UPDATE", "ROLLBACK"), True)


def test_bad_stack_names_fail_before_any_call():
    for name in ("", "9abc", "a/b", "a b", "x" * 256):
        module = make_module(FakeApi(TEMPLATE), name=name)
        with pytest.raises(ConfigurationError):
            module.run()
        assert module.api.reads == []


class LostAnswerApi(FakeApi):
    """A write whose answer is lost (OutcomeUnknownError), then the state read back."""

    def __init__(self, state_after):
        super(LostAnswerApi, self).__init__(TEMPLATE)
        self.state_after = state_after
        self.writes = []

    def _lost(self, *args):
        self.writes.append(args)
        raise OutcomeUnknownError(method="PUT", url="/stacks", reason="connection reset")

    delete_stack = update_stack = _lost

    def get_stack(self, name, stack_id):
        self.reads.append("stack")
        return copy.deepcopy(self.state_after)


def test_a_lost_delete_answer_is_read_back_not_resent():
    api = LostAnswerApi({"id": STORED["id"], "stack_name": "s", "stack_status": "DELETE_IN_PROGRESS"})
    module = make_module(api, wait=False)
    assert module.delete(copy.deepcopy(STORED)) is True
    assert len(api.writes) == 1 and api.reads == ["stack"]


def test_a_lost_update_answer_that_did_not_apply_is_sent_again_then_raises():
    api = LostAnswerApi(copy.deepcopy(STORED))  # the update did not start
    module = make_module(api, wait=False)
    with pytest.raises(OutcomeUnknownError):
        module.confirmed_write(lambda: api.update_stack("s", STORED["id"], {}),
                               lambda: module._operation_started(copy.deepcopy(STORED), stack_module.UPDATE_ACTIONS))
    # re-sent only after each read back showed it did not start, never blind, and bounded
    assert len(api.writes) == MAX_SENDS
