# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the pure helpers of module_utils/heat.py: loading, normalisation, comparison, views."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ConfigurationError
from ansible_collections.fleetops.cloud.plugins.module_utils import heat
from ansible_collections.fleetops.cloud.plugins.module_utils import heat_templates as ht

HOT = """
heat_template_version: 2021-04-16
description: demo
parameters:
  size: {type: number, default: 1}
  flag: {type: boolean, default: false}
  zones: {type: comma_delimited_list, default: "a,b"}
  meta: {type: json, default: {}}
  name: {type: string}
  secret: {type: string, hidden: true}
resources:
  boot:
    type: OS::Heat::Value
    properties:
      value: {get_file: scripts/boot.sh}
  child:
    type: nested/child.yaml
"""

CHILD = """
heat_template_version: 2021-04-16
resources:
  inner:
    type: OS::Heat::Value
    properties:
      value: {get_file: inner.txt}
"""


def test_yaml_dates_stay_strings():
    data = heat.parse_document(HOT)
    assert data["heat_template_version"] == "2021-04-16"
    assert isinstance(data["heat_template_version"], str)


def test_yaml_and_json_give_the_same_structure():
    yaml_text = "heat_template_version: '2018-08-31'\nresources: {a: {type: OS::Heat::None}}\n"
    json_text = '{"resources": {"a": {"type": "OS::Heat::None"}}, "heat_template_version": "2018-08-31"}'
    assert heat.canonical(heat.parse_document(yaml_text)) == heat.canonical(heat.parse_document(json_text))


@pytest.mark.parametrize("text", ["- a\n- b\n", "just text", "{not: [valid"])
def test_parse_rejects_non_mappings(text):
    with pytest.raises(ConfigurationError):
        heat.parse_document(text)


def test_load_template_from_file_collects_files(tmp_path):
    (tmp_path / "scripts").mkdir()
    (tmp_path / "nested").mkdir()
    (tmp_path / "main.yaml").write_text(HOT)
    (tmp_path / "scripts" / "boot.sh").write_text("#!/bin/sh\necho hi\n")
    (tmp_path / "nested" / "child.yaml").write_text(CHILD)
    (tmp_path / "nested" / "inner.txt").write_text("inner")
    loader = ht.Loader()
    template, source = loader.load_template(str(tmp_path / "main.yaml"))
    assert template["description"] == "demo"
    files = loader.collect_files(template, source)
    assert files == {"scripts/boot.sh": "#!/bin/sh\necho hi\n", "nested/child.yaml": CHILD, "inner.txt": "inner"}


def test_file_url_template(tmp_path):
    (tmp_path / "t.yaml").write_text("heat_template_version: 2021-04-16\nresources: {}\n")
    template, source = ht.Loader().load_template(template_url="file://%s" % (tmp_path / "t.yaml"))
    assert template["resources"] == {} and source.base_dir == str(tmp_path)


def test_given_files_win_and_missing_inline_references_fail():
    loader = ht.Loader()
    template, source = loader.load_template(HOT)
    with pytest.raises(ConfigurationError) as exc:
        loader.collect_files(template, source)
    assert "scripts/boot.sh" in str(exc.value)
    files = loader.collect_files(template, source, {"scripts/boot.sh": "x", "nested/child.yaml": CHILD, "inner.txt": "y"})
    assert files["scripts/boot.sh"] == "x"


def test_load_template_dict_and_refusals(tmp_path):
    loader = ht.Loader()
    data, _source = loader.load_template({"heat_template_version": "2021-04-16", "resources": {}})
    assert data["resources"] == {}
    with pytest.raises(ConfigurationError):
        loader.load_template({"resources": {}})
    with pytest.raises(ConfigurationError):
        loader.load_template(str(tmp_path / "missing.yaml"))
    with pytest.raises(ConfigurationError):
        loader.load_template(template_url="https://example.invalid/t.yaml")


def test_template_url_uses_the_fetcher_and_resolves_relative_references():
    seen = []

    def fetch(url, _policy, _ref, _origin):
        seen.append(url)
        if url.endswith("main.yaml"):
            return "heat_template_version: 2021-04-16\nresources:\n  a:\n    type: OS::Heat::Value\n" \
                   "    properties: {value: {get_file: data.txt}}\n"
        return "payload"

    loader = ht.Loader(fetch_url=fetch)
    template, source = loader.load_template(template_url="https://files.example/t/main.yaml")
    files = loader.collect_files(template, source)
    assert files == {"data.txt": "payload"}
    assert seen == ["https://files.example/t/main.yaml", "https://files.example/t/data.txt"]


def test_environments_merge_in_order(tmp_path):
    env_file = tmp_path / "env.yaml"
    env_file.write_text("parameters: {a: 1}\nresource_registry: {'My::T': one.yaml, resources: {x: {hooks: pre}}}\n")
    inline = {"parameters": {"b": 2}, "resource_registry": {"resources": {"y": {"hooks": "post"}}}}
    merged = ht.Loader().load_environment([str(env_file), inline])
    assert merged["parameters"] == {"a": 1, "b": 2}
    assert merged["resource_registry"] == {"My::T": "one.yaml", "resources": {"x": {"hooks": "pre"}, "y": {"hooks": "post"}}}
    with pytest.raises(ConfigurationError):
        ht.Loader().load_environment({"bogus": {}})


def test_normalise_environment_ignores_what_heat_adds():
    stored = {"parameters": {}, "parameter_defaults": {}, "event_sinks": [], "encrypted_param_names": [],
              "resource_registry": {"resources": {}}}
    assert heat.normalise_environment(stored) == {}
    assert heat.normalise_environment({"parameter_defaults": {"a": 1}, "resource_registry": {"resources": {}}}) == \
        {"parameter_defaults": {"a": 1}}


def test_parameters_compare_by_declared_type():
    decls = heat.template_parameters(heat.parse_document(HOT))
    assert decls["secret"] == {"type": "string", "hidden": True}
    current = {"size": "3", "flag": "True", "zones": "a,b", "meta": '{"k": [1, 2]}', "name": "web",
               "secret": "******", "OS::stack_name": "s", "unset_default": "x"}
    desired = {"size": 3, "flag": "true", "zones": ["a", "b"], "meta": {"k": [1, 2]}, "name": "web", "secret": "pw"}
    assert heat.compare_parameters(desired, current, decls) == ([], ["secret"])
    changed, _hidden = heat.compare_parameters({"size": 4, "flag": False, "zones": "a,c", "name": "db"}, current, decls)
    assert changed == ["flag", "name", "size", "zones"]


def test_string_parameters_compare_exactly():
    assert not heat.parameter_equal("True", "true", "string")
    assert heat.parameter_equal(5, "5", "string")
    assert not heat.parameter_equal("x", None, "string")
    assert heat.parameter_equal(["a", "b"], "['a', 'b']", "comma_delimited_list")


def test_mask_and_view():
    decls = {"secret": {"type": "string", "hidden": True}}
    stack = {"id": "1", "stack_name": "s", "stack_status": "CREATE_COMPLETE", "tags": ["b", "a"], "disable_rollback": "False",
             "timeout_mins": "30", "parameters": {"secret": "pw", "api": "k", "x": "1"},
             "outputs": [{"output_key": "url", "output_value": "http://x"},
                         {"output_key": "bad", "output_value": None, "output_error": "boom"}]}
    view = heat.stack_view(stack, decls, secret_names={"api"})
    assert view["parameters"] == {"secret": "******", "api": "******", "x": "1"}
    assert view["outputs"] == {"url": "http://x", "bad": None}
    assert view["output_errors"] == {"bad": "boom"}
    assert view["tags"] == ["a", "b"]
    assert view["rollback"] is True and view["disable_rollback"] is False
    assert view["timeout_mins"] == 30
    assert view["action"] == "CREATE"


@pytest.mark.parametrize("status,failed", [("CREATE_FAILED", True), ("ROLLBACK_COMPLETE", True), ("UPDATE_COMPLETE", False),
                                           ("CREATE_IN_PROGRESS", False), (None, False)])
def test_is_failed(status, failed):
    assert heat.is_failed(status) is failed


def test_payloads():
    body = heat.stack_payload(name="s", template={"heat_template_version": "2021-04-16"}, tags=["a", "b"], timeout=5,
                              rollback=False, parameters={"p": 1})
    assert body == {"stack_name": "s", "template": {"heat_template_version": "2021-04-16"}, "parameters": {"p": 1},
                    "tags": "a,b", "timeout_mins": 5, "disable_rollback": True}
    update = heat.stack_payload(template={"heat_template_version": "2021-04-16"})
    assert "stack_name" not in update and "disable_rollback" not in update and "tags" not in update
    assert heat.validation_view({"Description": "d", "Parameters": {"a": {}}, "ParameterGroups": [{"label": "g"}]}) == \
        {"description": "d", "parameters": {"a": {}}, "parameter_groups": [{"label": "g"}], "environment": {}}
