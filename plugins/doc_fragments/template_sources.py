# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    """The O(template_sources) option of the modules that load Heat templates (fleetops.cloud.stack and
    fleetops.cloud.stack_template_info): one text, one set of defaults (module_utils/heat_templates.py)."""

    DOCUMENTATION = r'''
options:
  template_sources:
    description:
      - "What a template may pull in. By default a template read from a URL may only fetch the files it
        references (C(get_file), nested templates, the environment's C(resource_registry)) relative to its URL,
        over http(s), from the same host; C(file://) and absolute paths are read only for a local template;
        redirects are followed at most O(template_sources.max_redirects) times and checked the same way;
        link-local and cloud metadata addresses (169.254.0.0/16, fe80::/10, C(fd00:ec2::254)) are refused."
      - A refusal names the reference, the template it comes from and the option that allows it, and happens
        before any call to the service.
    type: dict
    suboptions:
      allow_hosts:
        description: Other hosts the references of a URL template may be fetched from.
        type: list
        elements: str
        default: []
      allow_local_files:
        description: Let a template read from a URL reference C(file://) URLs and absolute local paths.
        type: bool
        default: false
      allow_link_local:
        description: Let templates and their references be fetched from link-local and metadata addresses.
        type: bool
        default: false
      max_bytes:
        description: Largest template or referenced file, in bytes (Heat's own C(max_template_size) by default).
        type: int
        default: 524288
      max_redirects:
        description: Most redirects followed for one fetch.
        type: int
        default: 5
'''
