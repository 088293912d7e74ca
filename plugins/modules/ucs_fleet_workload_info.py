# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: ucs_fleet_workload_info
short_description: Report (and wait for) the propagation of workloads through the Karmada API of a UCS fleet
version_added: 0.1.0
description:
  - Reads the C(ResourceBinding) objects of the fleet's Karmada API (C(work.karmada.io/v1alpha2)) for the given
    resource templates and reports, per member cluster, whether Karmada scheduled them there, applied them and finds
    them healthy, and, for whatever lags, why.
  - With O(wait=true), polls until every selected cluster runs the workload (O(state=present)) or until Karmada has
    removed the bindings (O(state=absent)), then fails naming the clusters that lag and why, with the clusters that
    Karmada does not report C(Ready).
  - Only reads. The reads are retried on 429, 5xx and lost connections with backoff, and a wait keeps polling through
    such errors while its time budget lasts.
  - The kubeconfig is the fleet's federation kubeconfig (M(fleetops.cloud.ucs_fleet_kubeconfig) writes it). Tokens,
    passwords and keys in it never appear in results or messages.
author:
  - fleetops.cloud contributors (@fleetops)
attributes:
  check_mode:
    support: full
    description: Reads the same in check mode; it does not wait there (a check run changed nothing to wait for).
  diff_mode:
    support: none
    description: Nothing changes, so there is no diff.
options:
  kubeconfig:
    description:
      - Path of the fleet's federation kubeconfig (YAML or JSON). Its C(server) is the Karmada API.
    type: path
    required: true
  context:
    description:
      - The kubeconfig context to use. Default is its C(current-context).
    type: str
  validate_certs:
    description:
      - Verify the TLS certificate of the Karmada API against the kubeconfig's C(certificate-authority(-data)), or the
        system CAs when it has none. C(false) (or C(insecure-skip-tls-verify) in the kubeconfig) turns verification
        off, with a warning.
    type: bool
    default: true
  namespace:
    description:
      - The namespace of the resource templates.
    type: str
    default: default
  resources:
    description:
      - The resource templates whose propagation is reported. Karmada names each one's binding
        C(<name>-<kind in lower case>).
    type: list
    elements: dict
    required: true
    suboptions:
      kind:
        description: The template's C(kind), for example C(Deployment).
        type: str
        required: true
      name:
        description: The template's C(metadata.name).
        type: str
        required: true
      resource_version:
        description:
          - The C(metadata.resourceVersion) of the template as last written. The binding counts as up to date only
            once it has seen this version (or a later one), so that a status left from before the write is not taken
            for the new one.
        type: str
  clusters:
    description:
      - The clusters that must run every resource. Clusters scheduled beyond them count as lagging (Karmada has not
        removed the workload there yet).
      - Default is whatever Karmada scheduled.
    type: list
    elements: str
  placement:
    description:
      - The placement (of the PropagationPolicy) that the bindings must have taken. Fields not given are not compared.
    type: dict
  state:
    description:
      - C(present) reports how far the resources run on the clusters; C(absent) reports the bindings still left.
    type: str
    choices: [present, absent]
    default: present
  wait:
    description:
      - Poll until the resources run everywhere (O(state=present)) or are gone (O(state=absent)); fail after
        O(wait_timeout) seconds, naming what lags.
    type: bool
    default: false
  wait_timeout:
    description: Seconds to wait at most.
    type: int
    default: 300
  wait_delay:
    description: Seconds between two polls at most (the first polls come sooner).
    type: int
    default: 2
  api_timeout:
    description: Seconds to wait for each answer of the Karmada API.
    type: int
    default: 60
  max_retries:
    description: Retries of a read that got 429, a 5xx or no answer (with backoff).
    type: int
    default: 5
notes:
  - The Karmada API does not keep the status of a workload that no ResourceBinding selects; a resource that no
    PropagationPolicy matches lags with C(Karmada has no ResourceBinding for it yet).
seealso:
  - module: fleetops.cloud.ucs_fleet_kubeconfig
  - module: fleetops.cloud.ucs_fleet_federation
  - name: Karmada ResourceBinding API
    description: The fields read here (spec.clusters, status.conditions, status.aggregatedStatus).
    link: https://karmada.io/docs/reference/karmada-api/work-resources/resource-binding-v1alpha2/
'''

EXAMPLES = r'''
# The fleet's federation kubeconfig, as fleetops.cloud.ucs_fleet_kubeconfig writes it (see its examples).
- name: Kubeconfig of the federation of fleet production
  fleetops.cloud.ucs_fleet_kubeconfig:
    fleet: production
    vpc_id: 11c9fe72-5a90-4295-bcfe-774726fb9066
    subnet_id: 0de91d89-1e06-4e24-b371-35d5d3d3779b
    dest: "{{ playbook_dir }}/production-federation.kubeconfig"

- name: How far nginx runs on the members (one read, no wait)
  fleetops.cloud.ucs_fleet_workload_info:
    kubeconfig: "{{ playbook_dir }}/production-federation.kubeconfig"
    resources:
      - kind: Deployment
        name: nginx
  register: nginx_propagation

- name: Show what lags
  ansible.builtin.debug:
    msg: "{{ 'runs everywhere' if nginx_propagation.done else nginx_propagation.lagging }}"

# After kubernetes.core.k8s applied a Deployment and its PropagationPolicy through the same kubeconfig:
#   wait: true, clusters: [edge-sh-1, edge-sh-2] waits until both members run it (fleetops.cloud.fleet_workload
#   does exactly this).
- name: After deleting the Deployment, wait until Karmada has removed it from the members
  fleetops.cloud.ucs_fleet_workload_info:
    kubeconfig: "{{ playbook_dir }}/production-federation.kubeconfig"
    resources:
      - kind: Deployment
        name: nginx
    state: absent
    wait: true
    wait_timeout: 300
'''

RETURN = r'''
done:
  description: True when every selected cluster runs every resource (O(state=present)) or no binding is left
    (O(state=absent)).
  returned: always
  type: bool
  sample: true
lagging:
  description: One sentence per thing that is not there yet, naming the binding or the cluster and why.
  returned: always
  type: list
  elements: str
  sample: ["edge-sh-2: nginx-deployment: not applied yet"]
clusters:
  description: Per cluster (the selected ones and any Karmada scheduled), the state of the resources there.
  returned: when O(state=present)
  type: dict
  sample:
    edge-sh-1: {scheduled: true, replicas: 1, ready_replicas: 1, applied: true, health: Healthy, messages: []}
  contains:
    scheduled:
      description: Karmada scheduled every resource to the cluster.
      type: bool
    replicas:
      description: The replicas Karmada placed there (summed over the resources).
      type: int
    ready_replicas:
      description: The ready replicas the member reports (summed over the resources).
      type: int
    applied:
      description: Every resource is applied on the member.
      type: bool
    health:
      description: C(Healthy), C(Unhealthy) or C(Unknown), the worst over the resources.
      type: str
    messages:
      description: What lags on this cluster.
      type: list
      elements: str
bindings:
  description: The ResourceBindings of the resources, as the Karmada API returned them.
  returned: always
  type: list
  elements: dict
unready_clusters:
  description: The selected clusters that Karmada does not report C(Ready), with the reason; read only when a wait
    ends without success.
  returned: when a wait timed out
  type: list
  elements: str
  sample: ["edge-sh-2 (cluster is not reachable)"]
status_history:
  description: The transitions seen while waiting (what lagged, and when).
  returned: when O(wait=true) and not in check mode
  type: list
  elements: dict
'''

from ansible_collections.fleetops.cloud.plugins.module_utils.base import FleetopsModule
from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ConfigurationError
from ansible_collections.fleetops.cloud.plugins.module_utils.karmada import (
    KarmadaApi,
    KubeEndpoint,
    propagation_report,
    removal_report,
    unready_clusters,
)
from ansible_collections.fleetops.cloud.plugins.module_utils.waiter import WaitTimeout

DONE = "done"


class UcsFleetWorkloadInfoModule(FleetopsModule):

    def __init__(self):
        super(UcsFleetWorkloadInfoModule, self).__init__(
            auth=False,
            argument_spec=dict(
                kubeconfig=dict(type="path", required=True),
                context=dict(type="str"),
                validate_certs=dict(type="bool", default=True),
                namespace=dict(type="str", default="default"),
                resources=dict(type="list", elements="dict", required=True, options=dict(
                    kind=dict(type="str", required=True),
                    name=dict(type="str", required=True),
                    resource_version=dict(type="str"),
                )),
                clusters=dict(type="list", elements="str"),
                placement=dict(type="dict"),
                state=dict(type="str", choices=["present", "absent"], default="present"),
                wait=dict(type="bool", default=False),
                wait_timeout=dict(type="int", default=300),
                wait_delay=dict(type="int", default=2),
                api_timeout=dict(type="int", default=60),
                max_retries=dict(type="int", default=5),
            ),
            supports_check_mode=True,
        )

    def validate(self):
        p = self.params
        if p["wait_timeout"] < 0 or p["wait_delay"] < 1 or p["api_timeout"] < 1 or p["max_retries"] < 0:
            raise ConfigurationError("wait_timeout must be 0 or more, wait_delay and api_timeout 1 or more, "
                                     "max_retries 0 or more")
        for resource in p["resources"]:
            for key in ("kind", "name"):
                if not resource[key].strip() or any(ord(ch) < 32 for ch in resource[key]):
                    raise ConfigurationError("resources: %s %r is empty or holds control characters" % (key, resource[key]))

    def run(self):
        self.validate()
        from ansible_collections.fleetops.cloud.plugins.module_utils.transport import Transport
        p = self.params
        endpoint = KubeEndpoint.from_kubeconfig(p["kubeconfig"], p["context"], p["validate_certs"])
        try:
            for secret in endpoint.secrets:
                self.add_secret(secret)
            for text in endpoint.warnings:
                self.warn(text)
            transport = Transport(timeout=p["api_timeout"], max_retries=p["max_retries"], verify=endpoint.verify,
                                  cert=endpoint.cert)
            try:
                self.report(KarmadaApi(endpoint, transport))
            finally:
                transport.close()
        finally:
            endpoint.close()

    def read(self, api):
        p = self.params
        bindings = api.list_bindings(p["namespace"])
        if p["state"] == "absent":
            return removal_report(bindings, p["resources"])
        return propagation_report(bindings, p["resources"], p["clusters"], p["placement"])

    def report(self, api):
        p = self.params
        if not (p["wait"] and not self.check_mode):
            self.finish(self.read(api))
            return
        last = {}

        def fetch():
            last["report"] = self.read(api)
            return last["report"]

        def status_of(report):
            return DONE if report["done"] else "; ".join(report["lagging"])

        try:
            self.wait(fetch, status_of, [DONE], timeout=p["wait_timeout"], delay=1, max_delay=p["wait_delay"])
        except WaitTimeout:
            report = last["report"]
            names = p["clusters"] if p["clusters"] is not None else sorted(report.get("clusters") or {})
            unready = unready_clusters(api.list_clusters(), names) if p["state"] == "present" else []
            what = ("every selected cluster runs the workload" if p["state"] == "present"
                    else "Karmada has removed the workload from the members")
            msg = "After %s s, not yet %s: %s." % (p["wait_timeout"], what, "; ".join(report["lagging"]))
            if unready:
                msg += " Not Ready in Karmada: %s." % "; ".join(unready)
            self.fail(msg, unready_clusters=unready, status_history=self.wait_history, **self.returned(report))
        self.finish(last["report"])

    def returned(self, report):
        out = dict(done=report["done"], lagging=report["lagging"], bindings=report["bindings"])
        if self.params["state"] == "present":
            out["clusters"] = report["clusters"]
        return out

    def finish(self, report):
        self.exit(changed=False, **self.returned(report))


def main():
    UcsFleetWorkloadInfoModule().execute()


if __name__ == "__main__":
    main()
