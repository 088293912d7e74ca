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
    type: raw
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
    HeatApi, Loader, fetch_text, validate_payload, validation_view)


class StackTemplateInfoModule(FleetopsModule):

    def __init__(self):
        super(StackTemplateInfoModule, self).__init__(
            argument_spec=dict(
                template=dict(type="raw"),
                template_url=dict(type="str"),
                files=dict(type="dict"),
                environment=dict(type="raw"),
            ),
            mutually_exclusive=[("template", "template_url")],
            required_one_of=[("template", "template_url")],
            supports_check_mode=True,
        )
        self.api = HeatApi(self.client)

    def _fetch(self, url):
        return fetch_text(url, validate_certs=self.params.get("validate_certs", True), ca_path=self.params.get("ca_path"),
                          timeout=self.params.get("api_timeout") or 60)

    def run(self):
        loader = Loader(fetch_url=self._fetch)
        template, source = loader.load_template(self.params["template"], self.params["template_url"])
        files = loader.collect_files(template, source, self.params["files"])
        environment = loader.load_environment(self.params["environment"])
        try:
            body = self.api.validate(validate_payload(template, files, environment))
        except ApiError as exc:
            if exc.status == 400:
                self.fail("The template is invalid: %s" % (exc.message or exc.describe()), error=exc.to_dict())
            raise
        info = validation_view(body)
        info["files"] = sorted(files)
        self.exit(changed=False, template_info=info)


def main():
    StackTemplateInfoModule().execute()


if __name__ == "__main__":
    main()
