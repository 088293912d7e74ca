# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: ucs
short_description: Huawei Cloud UCS clusters as inventory hosts
version_added: 0.1.0
author:
  - fleetops.cloud contributors (@fleetops)
description:
  - Turns the clusters registered in Huawei Cloud UCS into inventory hosts, one host per cluster.
  - Each host gets the cluster's id, category, type, provider, region, fleet, phase, Kubernetes version and API
    endpoint as host variables, is placed in a group per fleet, and can be grouped further with O(keyed_groups),
    O(groups) and O(compose).
  - Hosts are meant to be used with a local connection (C(ansible_connection=local)); the cluster_registration role
    and the UCS modules run on the controller and talk to the cloud APIs.
  - Such hosts should run the modules with the Python that runs C(ansible-playbook) (interpreter discovery on a
    local connection may pick another one, or a pyenv shim that does not work). O(compose)
    cannot see C(ansible_playbook_python); set C(ansible_python_interpreter) to V({{ ansible_playbook_python }}) in
    C(group_vars/all.yml) next to the inventory file (or with C(-e)).
  - The configuration file name must end with C(ucs.yml) or C(ucs.yaml).
  - Uses the same credentials and environment variables as the modules; AK/SK is tried first, then a token, then
    a password.
extends_documentation_fragment:
  - fleetops.cloud.auth.plugin
  - constructed
  - inventory_cache
options:
  plugin:
    description: The name of this plugin; must be V(fleetops.cloud.ucs).
    required: true
    type: str
    choices: [fleetops.cloud.ucs]
  fleets:
    description:
      - Only clusters that are members of these fleets (names or ids). Empty means every cluster.
    type: list
    elements: str
    default: []
  categories:
    description:
      - Only clusters of these categories.
    type: list
    elements: str
    choices: [self, onpremise, attachedcluster]
    default: []
  hostname_source:
    description:
      - Which cluster field becomes the inventory host name.
    type: str
    choices: [name, id]
    default: name
  fleet_group_prefix:
    description:
      - Prefix of the group created for each fleet. Clusters in no fleet go to the group C(<prefix>none).
    type: str
    default: fleet_
'''

EXAMPLES = r'''
# inventory/clusters.ucs.yml — every registered cluster, grouped by fleet and by category
plugin: fleetops.cloud.ucs
region: cn-north-4
keyed_groups:
  - key: ucs_category
    prefix: category
  - key: ucs_phase
    prefix: phase
compose:
  ansible_connection: "'local'"
# The modules then run on the controller, best with the Python that runs ansible-playbook. compose cannot see
# ansible_playbook_python, so set it in group_vars/all.yml next to this file:
#   ansible_python_interpreter: "{{ ansible_playbook_python }}"

# inventory/production.ucs.yml — only the members of one fleet, cached for an hour:
#
# plugin: fleetops.cloud.ucs
# fleets:
#   - production
# cache: true
# cache_plugin: ansible.builtin.jsonfile
# cache_connection: ~/.cache/fleetops/inventory
# cache_timeout: 3600
# groups:
#   unhealthy: ucs_phase != 'Available'
'''

from ansible.errors import AnsibleError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.fleetops.cloud.plugins.module_utils.base import AUTH_ARGUMENT_SPEC, scrub
from ansible_collections.fleetops.cloud.plugins.module_utils.client import CloudClient
from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ApiError, ConfigurationError
from ansible_collections.fleetops.cloud.plugins.module_utils.ucs import UcsApi, strip_cluster_secrets


def host_vars(cluster, fleet_names):
    """The host variables of one cluster (no secret: the kubeconfig annotation is never read)."""
    metadata = cluster.get("metadata") or {}
    spec = cluster.get("spec") or {}
    status = cluster.get("status") or {}
    fleet_id = spec.get("clusterGroupID") or None
    return {
        "ucs_id": metadata.get("uid"),
        "ucs_name": metadata.get("name"),
        "ucs_labels": metadata.get("labels") or {},
        "ucs_category": spec.get("category"),
        "ucs_type": spec.get("type"),
        "ucs_provider": spec.get("provider"),
        "ucs_region": spec.get("region"),
        "ucs_country": spec.get("country"),
        "ucs_city": spec.get("city"),
        "ucs_manage_type": spec.get("manageType"),
        "ucs_fleet_id": fleet_id,
        "ucs_fleet": fleet_names.get(fleet_id) if fleet_id else None,
        "ucs_phase": status.get("phase"),
        "ucs_kubernetes_version": status.get("kubernetesVersion"),
        "ucs_api_endpoint": spec.get("apiEndpoint"),
    }


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):

    NAME = "fleetops.cloud.ucs"

    def verify_file(self, path):
        return super(InventoryModule, self).verify_file(path) and path.endswith(("ucs.yml", "ucs.yaml"))

    def _client_params(self):
        return dict((name, self.get_option(name)) for name in AUTH_ARGUMENT_SPEC)

    def _fetch(self, client):
        """Read the clusters and fleets once; the result is what the cache keeps.

        Only collection paths are called (no id or name of the configuration goes into a URL): the fleet filter
        is applied to the listed fleets."""
        api = UcsApi(client)
        fleets = api.list_fleets()
        fleet_names = dict((f["metadata"]["uid"], f["metadata"]["name"]) for f in fleets)
        wanted = self.get_option("fleets")
        wanted_ids = None
        if wanted:
            wanted_ids = set(uid for uid, name in fleet_names.items() if uid in wanted or name in wanted)
            unknown = [w for w in wanted if w not in fleet_names and w not in fleet_names.values()]
            if unknown:
                raise AnsibleError("fleetops.cloud.ucs: no fleet named %s" % ", ".join(sorted(unknown)))
        hosts = []
        for cluster in api.list_clusters():
            variables = host_vars(strip_cluster_secrets(cluster), fleet_names)
            if wanted_ids is not None and variables["ucs_fleet_id"] not in wanted_ids:
                continue
            categories = self.get_option("categories")
            if categories and variables["ucs_category"] not in categories:
                continue
            hosts.append(variables)
        return hosts

    def _populate(self, hosts):
        prefix = self.get_option("fleet_group_prefix")
        strict = self.get_option("strict")
        for variables in hosts:
            name = variables["ucs_name"] if self.get_option("hostname_source") == "name" else variables["ucs_id"]
            group = self.inventory.add_group(self._sanitize_group_name(prefix + (variables["ucs_fleet"] or "none")))
            self.inventory.add_host(name, group=group)
            for key, value in variables.items():
                self.inventory.set_variable(name, key, value)
            self._set_composite_vars(self.get_option("compose"), variables, name, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), variables, name, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), variables, name, strict=strict)

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        self._read_config_data(path)
        cache_key = self.get_cache_key(path)
        use_cache = self.get_option("cache") and cache
        update_cache = self.get_option("cache") and not cache
        hosts = None
        if use_cache:
            try:
                hosts = self._cache[cache_key]
            except KeyError:
                update_cache = True
        if hosts is None:
            client = CloudClient(self._client_params())
            try:
                hosts = self._fetch(client)
            except ApiError as exc:
                raise AnsibleError(scrub("fleetops.cloud.ucs: %s" % exc.full_message(), client.secrets()))
            except ConfigurationError as exc:
                raise AnsibleError(scrub("fleetops.cloud.ucs: %s" % exc, client.secrets()))
            finally:
                for text in client.pop_warnings():
                    self.display.warning(scrub("fleetops.cloud.ucs: %s" % text, client.secrets()))
                client.close()
        if update_cache:
            self._cache[cache_key] = hosts
        self._populate(hosts)
