# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reads of a fleet's Karmada API (a Kubernetes API) through its kubeconfig, and the propagation report.

    endpoint = KubeEndpoint.from_kubeconfig(path, context=None, validate_certs=True)
    api = KarmadaApi(endpoint, Transport(timeout=60, max_retries=5, verify=endpoint.verify, cert=endpoint.cert))
    bindings = api.list_bindings("default")
    report = propagation_report(bindings, ["nginx-deployment"], expected=["edge-1", "edge-2"])
    report["done"], report["lagging"], report["clusters"]

Reads go through the same ``Transport`` as the cloud calls: 429 and 5xx answers and lost connections are retried
with backoff. Nothing here writes.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import binascii
import os
import shutil
import tempfile

from urllib.parse import urlsplit

from ansible_collections.fleetops.cloud.plugins.module_utils.base import _parse_kubeconfig as parse_kubeconfig
from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ApiError, ConfigurationError
from ansible_collections.fleetops.cloud.plugins.module_utils.paths import segment

BINDINGS = "/apis/work.karmada.io/v1alpha2/namespaces/%s/resourcebindings"
CLUSTERS = "/apis/cluster.karmada.io/v1alpha1/clusters"
_MAX_KUBECONFIG_BYTES = 1024 * 1024


def binding_name(kind, name):
    """The name Karmada gives the ResourceBinding of a resource template: ``<name>-<kind in lower case>``."""
    return ("%s-%s" % (name, kind)).lower()


def _load_document(path):
    try:
        path = os.path.expanduser(path)
        if os.path.getsize(path) > _MAX_KUBECONFIG_BYTES:
            raise ConfigurationError("kubeconfig %s is larger than 1 MiB: it is no kubeconfig" % path)
        with open(path, "r", encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError("cannot read kubeconfig %s: %s" % (path, getattr(exc, "strerror", None) or exc.__class__.__name__))
    doc = parse_kubeconfig(text)
    if doc is None:
        raise ConfigurationError("kubeconfig %s is no kubeconfig (a JSON or YAML mapping with users)" % path)
    return doc


def _named(doc, section, name, path):
    for entry in doc.get(section) or []:
        if isinstance(entry, dict) and entry.get("name") == name:
            inner = entry.get(section[:-1])
            return inner if isinstance(inner, dict) else {}
    raise ConfigurationError("kubeconfig %s has no %s named %r" % (path, section[:-1], name))


class KubeEndpoint(object):
    """Where and how to reach a Kubernetes API: ``server``, ``headers``, ``verify`` (True, False or a CA file),
    ``cert`` (``(certfile, keyfile)`` or None), ``secrets`` (values to scrub), ``warnings``. ``close()`` removes the
    temporary files that ``*-data`` entries were written to."""

    def __init__(self, server, headers=None, verify=True, cert=None, secrets=(), warnings=(), tempdir=None):
        self.server = server.rstrip("/")
        self.headers = dict(headers or {})
        self.verify = verify
        self.cert = cert
        self.secrets = list(secrets)
        self.warnings = list(warnings)
        self._tempdir = tempdir

    @classmethod
    def from_kubeconfig(cls, path, context=None, validate_certs=True):
        doc = _load_document(path)
        context_name = context or doc.get("current-context")
        if not context_name:
            raise ConfigurationError("kubeconfig %s names no current-context: set context" % path)
        ctx = _named(doc, "contexts", context_name, path)
        cluster = _named(doc, "clusters", ctx.get("cluster"), path)
        user = _named(doc, "users", ctx.get("user"), path) if ctx.get("user") else {}
        server = cluster.get("server")
        if not isinstance(server, str) or urlsplit(server).scheme not in ("http", "https") or not urlsplit(server).netloc:
            raise ConfigurationError("kubeconfig %s: cluster %r has no http(s) server URL" % (path, ctx.get("cluster")))
        tempdir = [None]

        def data_file(key, value):
            try:
                raw = base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                raise ConfigurationError("kubeconfig %s: %s is not base64" % (path, key))
            if tempdir[0] is None:
                tempdir[0] = tempfile.mkdtemp(prefix="fleetops-kube-")  # mode 0700
            target = os.path.join(tempdir[0], key)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(raw)
            return target

        def file_of(entry, key):
            if entry.get(key + "-data"):
                return data_file(key, entry[key + "-data"])
            if entry.get(key):
                return os.path.join(os.path.dirname(os.path.abspath(os.path.expanduser(path))), os.path.expanduser(entry[key]))
            return None

        warnings, secrets, headers = [], [], {}
        verify = True
        try:
            if not validate_certs or cluster.get("insecure-skip-tls-verify") is True:
                verify = False
                if server.startswith("https:"):
                    warnings.append("TLS verification of the Kubernetes API %s is off (%s): anyone on the path can "
                                    "read the token" % (urlsplit(server).netloc, "validate_certs: false" if not validate_certs
                                                        else "insecure-skip-tls-verify in the kubeconfig"))
            else:
                verify = file_of(cluster, "certificate-authority") or True
            token = user.get("token")
            if not token and user.get("tokenFile"):
                with open(os.path.expanduser(user["tokenFile"]), "r", encoding="utf-8") as handle:
                    token = handle.read().strip()
            if token:
                headers["Authorization"] = "Bearer %s" % token
                secrets.append(token)
            elif user.get("username") and user.get("password"):
                pair = "%s:%s" % (user["username"], user["password"])
                headers["Authorization"] = "Basic %s" % base64.b64encode(pair.encode("utf-8")).decode("ascii")
                secrets.extend([user["password"], headers["Authorization"][6:]])
            cert_file, key_file = file_of(user, "client-certificate"), file_of(user, "client-key")
            cert = (cert_file, key_file) if cert_file and key_file else None
        except (OSError, ConfigurationError):
            if tempdir[0]:
                shutil.rmtree(tempdir[0], ignore_errors=True)
            raise
        if server.startswith("http:") and headers:
            warnings.append("the Kubernetes API %s is plain http: its credentials travel unencrypted"
                            % urlsplit(server).netloc)
        return cls(server, headers=headers, verify=verify, cert=cert, secrets=secrets, warnings=warnings,
                   tempdir=tempdir[0])

    def close(self):
        if self._tempdir:
            shutil.rmtree(self._tempdir, ignore_errors=True)
            self._tempdir = None


class KarmadaApi(object):
    """GETs on a Karmada API server; non-2xx answers raise ``ApiError`` (after the transport's retries)."""

    def __init__(self, endpoint, transport):
        self.endpoint = endpoint
        self.transport = transport

    def get(self, path):
        url = self.endpoint.server + path
        headers = dict(self.endpoint.headers, Accept="application/json")
        response = self.transport.send("GET", lambda attempt: (url, headers, None))
        try:
            body = response.json()
        except ValueError:
            body = response.text
        if not 200 <= response.status_code < 300:
            code = message = None
            if isinstance(body, dict):  # a Kubernetes Status object
                code, message = body.get("reason"), body.get("message")
            raise ApiError(status=response.status_code, code=code or "Kubernetes", method="GET", url=url,
                           message=message or (body[:300] if isinstance(body, str) else None),
                           hint=_hint(response.status_code))
        if not isinstance(body, dict):
            raise ApiError(status=response.status_code, code="Kubernetes", method="GET", url=url,
                           message="the answer is not a JSON object", hint="Is the kubeconfig's server a Kubernetes API?")
        return body

    def list_bindings(self, namespace):
        return self.get(BINDINGS % segment(namespace, "namespace")).get("items") or []

    def list_clusters(self):
        return self.get(CLUSTERS).get("items") or []


def _hint(status):
    if status == 401:
        return ("The Karmada API refused the kubeconfig's credentials: the kubeconfig may have expired; download a new "
                "one with fleetops.cloud.ucs_fleet_kubeconfig.")
    if status == 403:
        return "The kubeconfig's user may not read ResourceBindings or Clusters in the Karmada API."
    if status == 404:
        return "The Karmada API does not know this path: is the kubeconfig the fleet's federation kubeconfig?"
    return None


def contains(outer, inner):
    """True when every field of ``inner`` is in ``outer`` with the same value (mappings compared recursively)."""
    if isinstance(inner, dict):
        return isinstance(outer, dict) and all(key in outer and contains(outer[key], value) for key, value in inner.items())
    return outer == inner


def _version_seen(seen, written):
    """Has a binding that saw resourceVersion ``seen`` caught up with the ``written`` one? Versions are opaque
    strings in Kubernetes; etcd's are numbers, and a later write may already have moved the binding on."""
    seen, written = str(seen or ""), str(written)
    if seen.isdigit() and written.isdigit():
        return int(seen) >= int(written)
    return seen == written


def _conditions(status):
    states, texts = {}, {}
    for cond in status.get("conditions") or []:
        if isinstance(cond, dict) and cond.get("type"):
            states[cond["type"]] = cond.get("status")
            texts[cond["type"]] = cond.get("message")
    return states, texts


def _blank():
    return {"scheduled": False, "replicas": 0, "ready_replicas": 0, "applied": False, "health": "Unknown", "messages": []}


def propagation_report(bindings, resources, expected=None, placement=None):
    """How far Karmada has placed ``resources`` (``[{"kind", "name", "resource_version"?}]``) on the clusters.

    ``expected``: the clusters that must run every resource (None: whatever Karmada scheduled); ``placement``: the
    placement the bindings must have taken. Returns ``{"done", "lagging": [sentence], "clusters": {name: status},
    "bindings": [the ResourceBindings of the resources]}``.
    """
    by_name = dict(((b.get("metadata") or {}).get("name"), b) for b in bindings if isinstance(b, dict))
    clusters = dict((name, _blank()) for name in (expected or []))
    lagging, mine = [], []
    for resource in resources:
        name = binding_name(resource["kind"], resource["name"])
        binding = by_name.get(name)
        if binding is None:
            lagging.append("%s: Karmada has no ResourceBinding for it yet" % name)
            continue
        mine.append(binding)
        lagging.extend(_binding_lag(binding, name, resource.get("resource_version"), expected, placement, clusters))
    return {"done": not lagging, "lagging": lagging, "clusters": clusters, "bindings": mine}


def _binding_lag(binding, name, written, expected, placement, clusters):
    spec, status = binding.get("spec") or {}, binding.get("status") or {}
    states, texts = _conditions(status)
    if placement and not contains(spec.get("placement") or {}, placement):
        return ["%s: Karmada has not taken the new placement yet" % name]
    if written is not None and not _version_seen((spec.get("resource") or {}).get("resourceVersion"), written):
        return ["%s: Karmada has not taken the new version of the template yet" % name]
    if states.get("Scheduled") != "True" or status.get("schedulerObservedGeneration", -1) != (binding.get("metadata") or {}).get("generation"):
        return ["%s: not scheduled: %s" % (name, texts.get("Scheduled") or "the scheduler has not run yet")]
    targets = [t for t in spec.get("clusters") or [] if isinstance(t, dict) and t.get("name")]
    target_names = [t["name"] for t in targets]
    lag = []
    if expected is not None:
        lag.extend("%s: Karmada did not schedule %s there (is the cluster Ready?)" % (c, name)
                   for c in expected if c not in target_names)
        lag.extend("%s: %s is still scheduled there though the cluster is not selected" % (c, name)
                   for c in target_names if c not in expected)
    items = dict((i.get("clusterName"), i) for i in status.get("aggregatedStatus") or [] if isinstance(i, dict))
    for target in targets:
        item = items.get(target["name"], {})
        applied = item.get("applied") is True
        health = item.get("health") or "Healthy"  # Karmada before 1.4 reports no health: applied is all there is
        message = ""
        if not applied:
            message = "%s: %s" % (name, item.get("appliedMessage") or "not applied yet")
        elif health != "Healthy":
            message = "%s: health %s" % (name, health)
        if message:
            lag.append("%s: %s" % (target["name"], message))
        entry = clusters.setdefault(target["name"], _blank())
        first = not entry["scheduled"]
        entry["scheduled"] = True
        entry["replicas"] += int(target.get("replicas") or 0)
        entry["ready_replicas"] += int((item.get("status") or {}).get("readyReplicas") or 0)
        entry["applied"] = applied and (first or entry["applied"])
        if entry["health"] in ("Unknown", "Healthy"):
            entry["health"] = item.get("health") or ("Healthy" if applied else "Unknown")
        if message:
            entry["messages"].append(message)
    if not lag and states.get("FullyApplied") != "True":
        lag.append("%s: Karmada does not report it fully applied yet: %s"
                   % (name, texts.get("FullyApplied") or "no FullyApplied condition"))
    return lag


def removal_report(bindings, resources):
    """``{"done", "lagging", "bindings"}``: done when no ResourceBinding of ``resources`` is left."""
    names = set(binding_name(r["kind"], r["name"]) for r in resources)
    left = [b for b in bindings if isinstance(b, dict) and (b.get("metadata") or {}).get("name") in names]
    lagging = []
    for binding in left:
        name = binding["metadata"]["name"]
        items = [i for i in (binding.get("status") or {}).get("aggregatedStatus") or [] if isinstance(i, dict)]
        if not items:
            lagging.append("%s: Karmada still holds the binding" % name)
        lagging.extend("%s: %s" % (i.get("clusterName"), i.get("appliedMessage") or "still removing " + name) for i in items)
    return {"done": not left, "lagging": lagging, "bindings": left}


def unready_clusters(clusters, names):
    """``["name (why)"]`` for each of ``names`` that Karmada does not report Ready."""
    out = []
    for cluster in clusters:
        name = (cluster.get("metadata") or {}).get("name")
        if name not in names:
            continue
        states, texts = _conditions(cluster.get("status") or {})
        if states.get("Ready") != "True":
            out.append("%s (%s)" % (name, texts.get("Ready") or "no Ready condition"))
    return out
