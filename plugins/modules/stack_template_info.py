#!/usr/bin/python
# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: stack_template_info
short_description: Validate an orchestration (Heat) template and describe its parameters
version_added: 0.1.0
description:
  - Sends a template to the orchestration service's C(POST /validate) and returns its description, parameters
    and parameter groups. A template the service rejects fails the task with the service's message.
  - Validation changes nothing, so the module runs the same in check mode; use it in CI before deploying.
  - Files referenced with C(get_file) (and nested template resource types) are read relative to the template
    file unless given in O(files), as the M(fleetops.cloud.stack) module does.
  - "Permissions: the Heat policy action C(stacks:validate_template)."
author:
  - fleetops.cloud contributors (@fleetops)
extends_documentation_fragment:
  - fleetops.cloud.auth
  - fleetops.cloud.template_sources
attributes:
  check_mode:
    support: full
    description: Validation is read-only; the module does the same in check mode.
  diff_mode:
    support: none
    description: Returns no diff.
options:
  template:
    description:
      - The template as a path of a local file (YAML or JSON), as a dict, or as a YAML/JSON string.
      - One of O(template) and O(template_url) is required.
    type: raw
  template_url:
    description:
      - URL of the template; the module fetches it with certificate validation as O(validate_certs) says.
    type: str
  files:
    description:
      - "Contents of referenced files, C({reference: content}), keys as written in the template."
    type: dict
  environment:
    description:
      - An environment (dict, file path, YAML string, or a list of those merged in order) to validate with.
      - Template files named in its C(resource_registry) are uploaded too, as with M(fleetops.cloud.stack).
    type: raw
  base_dir:
    description:
      - Directory that a relative O(template) path, relative environment paths and the references of an inline
        template resolve from. Not set - the current directory.
    type: path
notes:
  - Heat's validate call echoes hidden (C(NoEcho)) parameter values in clear; the module masks them (C(******))
    and registers them as secrets of the run.
seealso:
  - module: fleetops.cloud.stack
'''

EXAMPLES = r'''
- name: Validate a template in CI
  fleetops.cloud.stack_template_info:
    template: files/web.yaml
  register: web_template

- name: Every parameter without a default must be given
  ansible.builtin.assert:
    that:
      - web_template.template_info.parameters | dict2items | rejectattr('value.Default', 'defined')
        | map(attribute='key') | difference(web_parameters.keys()) | length == 0
  vars:
    web_parameters:
      flavor: m1.small
      replicas: 2
'''

RETURN = r'''
template_info:
  description: What the service reports about the template.
  returned: always
  type: dict
  contains:
    description:
      description: The template's description.
      type: str
      sample: Web tier
    parameters:
      description:
        - "The parameters, C({name: {Type, Default, Description, Label, NoEcho, ...}}) in the service's (CFN) spelling."
        - Values of hidden parameters (C(NoEcho) true) are C(******).
      type: dict
      sample: {"flavor": {"Type": "String", "Default": "m1.small", "NoEcho": "false", "Description": "Flavor"}}
    parameter_groups:
      description: The parameter groups, C([{label, description, parameters}]).
      type: list
      elements: dict
      sample: [{"label": "Sizing", "parameters": ["flavor"]}]
    environment:
      description: The environment the service merged for validation.
      type: dict
      sample: {"parameters": {}, "parameter_defaults": {}, "resource_registry": {"resources": {}}, "event_sinks": []}
    files:
      description: The names of the files sent along with the template (collected C(get_file) references included).
      type: list
      elements: str
      sample: [scripts/boot.sh]
'''

from ansible_collections.fleetops.cloud.plugins.module_utils.base import FleetopsModule
from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ApiError
from ansible_collections.fleetops.cloud.plugins.module_utils.heat import (
    HIDDEN_VALUE, HeatApi, validate_payload, validation_view)
from ansible_collections.fleetops.cloud.plugins.module_utils.heat_templates import (
    TEMPLATE_SOURCES_SPEC, Loader, TemplatePolicy, hidden_names, hidden_values)


class StackTemplateInfoModule(FleetopsModule):

    def __init__(self):
        super(StackTemplateInfoModule, self).__init__(
            argument_spec=dict(
                template=dict(type="raw"),
                template_url=dict(type="str"),
                files=dict(type="dict"),
                environment=dict(type="raw"),
                template_sources=dict(type="dict", options=TEMPLATE_SOURCES_SPEC),
                base_dir=dict(type="path"),
            ),
            mutually_exclusive=[("template", "template_url")],
            required_one_of=[("template", "template_url")],
            supports_check_mode=True,
        )
        self.api = HeatApi(self.client)

    def run(self):
        params = self.params
        loader = Loader(TemplatePolicy.from_params(params["template_sources"]),
                        validate_certs=params.get("validate_certs", True), ca_path=params.get("ca_path"),
                        timeout=params.get("api_timeout") or 60, base_dir=params["base_dir"])
        template, source = loader.load_template(params["template"], params["template_url"])
        files = loader.collect_files(template, source, params["files"])
        environment = loader.load_environment(params["environment"], source, files)
        hidden = hidden_names(template, files)
        for value in hidden_values(hidden, None, environment):
            self.add_secret(value)
        try:
            body = self.api.validate(validate_payload(template, files, environment))
        except ApiError as exc:
            if exc.status == 400:
                self.fail("The template is invalid: %s" % (exc.message or exc.describe()), error=exc.to_dict())
            raise
        info = validation_view(body)
        # Heat's validate echoes hidden (NoEcho) parameter values in clear: mask them, and never print them.
        for decl in info["parameters"].values():
            if isinstance(decl, dict) and str(decl.get("NoEcho", "")).lower() == "true":
                for key in ("Value", "Default"):
                    if decl.get(key) not in (None, ""):
                        self.add_secret(str(decl[key]))
                        decl[key] = HIDDEN_VALUE
        for section in ("parameters", "parameter_defaults"):
            values = info["environment"].get(section) if isinstance(info["environment"], dict) else None
            if isinstance(values, dict):
                info["environment"][section] = dict((key, HIDDEN_VALUE if key in hidden else value)
                                                    for key, value in values.items())
        info["files"] = sorted(files)
        self.exit(changed=False, template_info=info)


def main():
    StackTemplateInfoModule().execute()


if __name__ == "__main__":
    main()
