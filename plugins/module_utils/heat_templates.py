# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Loading Heat templates, environments and the files they reference, safely.

A template read from a URL must not be able to turn the controller against itself or its network: a template
fetched from ``https://host/t/main.yaml`` may pull the files it references (``get_file``, nested template types,
the environment's ``resource_registry``) only relative to that URL, over http(s), from the same host; ``file://``
and absolute local paths are read only for a template that is itself local. Redirects are followed a bounded
number of times and each target is checked by the same rules; link-local and cloud metadata addresses
(169.254.0.0/16, fe80::/10, ``fd00:ec2::254``) are refused; every document and the number of files are bounded.
``TemplatePolicy`` (the ``template_sources`` option) relaxes each rule explicitly. A refusal is a
``ConfigurationError`` naming the reference, the template it comes from and the option that would allow it; it
happens while the desired state is computed, before any API call.

The environment's ``resource_registry`` entries that name template files are read and uploaded in ``files`` under
their absolute URL, and the entry is rewritten to that URL, as python-heatclient does: Heat looks the files up there.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress
import json
import os
import socket

from urllib.error import HTTPError, URLError
from urllib.parse import urljoin, urlsplit

from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ConfigurationError
from ansible_collections.fleetops.cloud.plugins.module_utils.heat import (
    ENVIRONMENT_SECTIONS, TEMPLATE_VERSION_KEYS, is_template, merge_environments, normalise, parse_document)

MAX_NESTING = 10
MAX_DOCUMENT_BYTES = 524288  # Heat's own max_template_size
MAX_FILES = 500
MAX_REDIRECTS = 5
TEMPLATE_SUFFIXES = (".yaml", ".yml", ".template")
BLOCKED_NETWORKS = ("169.254.0.0/16", "fe80::/10", "fd00:ec2::254/128")

TEMPLATE_SOURCES_SPEC = dict(
    allow_hosts=dict(type="list", elements="str", default=[]),
    allow_local_files=dict(type="bool", default=False),
    allow_link_local=dict(type="bool", default=False),
    max_bytes=dict(type="int", default=MAX_DOCUMENT_BYTES),
    max_redirects=dict(type="int", default=MAX_REDIRECTS),
)


class TemplatePolicy(object):
    """What a template may pull in (the ``template_sources`` option)."""

    def __init__(self, allow_hosts=(), allow_local_files=False, allow_link_local=False,
                 max_bytes=MAX_DOCUMENT_BYTES, max_redirects=MAX_REDIRECTS):
        self.allow_hosts = set(host.lower() for host in (allow_hosts or ()))
        self.allow_local_files = bool(allow_local_files)
        self.allow_link_local = bool(allow_link_local)
        self.max_bytes = int(max_bytes)
        self.max_redirects = int(max_redirects)
        if self.max_bytes <= 0 or self.max_redirects < 0:
            raise ConfigurationError("template_sources.max_bytes must be more than 0 and max_redirects 0 or more.")

    @classmethod
    def from_params(cls, value):
        return cls(**dict((key, item) for key, item in (value or {}).items() if item is not None))


def _refuse(ref, origin, reason, option):
    raise ConfigurationError("Refusing %s referenced by %s: %s. Nothing was sent. Set template_sources.%s to allow it."
                             % (ref, origin, reason, option))


def _host_key(url):
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return (parts.hostname or "").lower(), port


def check_address(url, policy, ref, origin):
    """Refuse a URL whose host is (or resolves to) a link-local or metadata address, unless allowed."""
    if policy.allow_link_local:
        return
    host = urlsplit(url).hostname or ""
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, None)
        except (socket.gaierror, UnicodeError):
            return  # unresolvable: the fetch itself fails with a clear message
        addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    blocked = [ipaddress.ip_network(net) for net in BLOCKED_NETWORKS]
    for address in addresses:
        if any(address.version == net.version and address in net for net in blocked):
            _refuse(ref, origin, "%s is a link-local or metadata address (%s)" % (host, address), "allow_link_local=true")


class Document(object):
    """Where a document came from: ``kind`` is ``file`` or ``url``; ``root_local`` is True when the top-level
    template is a local file or inline value (then local references are allowed); ``root_url`` is the URL of a
    top-level template that came from a URL."""

    def __init__(self, kind, location, root_local, root_url=None, label=None):
        self.kind = kind
        self.location = location
        self.root_local = root_local
        self.root_url = root_url
        self.label = label or location or "the inline template"

    @property
    def base_dir(self):
        return os.path.dirname(self.location) if self.kind == "file" and self.location else None

    def child(self, kind, location):
        return Document(kind, location, self.root_local, self.root_url)


class Loader(object):
    """Reads templates, environments and their referenced files under a ``TemplatePolicy``.

    ``fetch_url(url, policy, ref, origin)`` is injectable for tests; the default uses Ansible's ``open_url`` with
    redirects followed here (bounded and checked). ``base_dir`` resolves relative references of inline
    templates and environments (the playbook's directory, for example); None means the current directory.
    """

    def __init__(self, policy=None, fetch_url=None, validate_certs=True, ca_path=None, timeout=60, base_dir=None):
        self.policy = policy or TemplatePolicy()
        self.fetch_url = fetch_url
        self.validate_certs = validate_certs
        self.ca_path = ca_path
        self.timeout = timeout
        self.base_dir = base_dir
        self.read_count = 0

    # ---- reading

    def _bounded(self, data, ref, origin):
        if len(data) > self.policy.max_bytes:
            _refuse(ref, origin, "it is larger than %d bytes" % self.policy.max_bytes, "max_bytes")
        self.read_count += 1
        if self.read_count > MAX_FILES:
            raise ConfigurationError("The template references more than %d files (at %s)." % (MAX_FILES, ref))
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise ConfigurationError("%s referenced by %s is not UTF-8 text." % (ref, origin))

    def read_file(self, path, ref, origin):
        try:
            with open(path, "rb") as handle:
                data = handle.read(self.policy.max_bytes + 1)
        except (IOError, OSError) as exc:
            raise ConfigurationError("Cannot read %s (referenced by %s): %s" % (path, origin, exc))
        return self._bounded(data, ref, origin)

    def read_url(self, url, ref, origin):
        if self.fetch_url is not None:
            return self.fetch_url(url, self.policy, ref, origin)
        from ansible.module_utils.urls import open_url  # only on the path that fetches
        current = url
        for _hop in range(self.policy.max_redirects + 1):
            check_address(current, self.policy, ref, origin)
            try:
                response = open_url(current, method="GET", validate_certs=self.validate_certs, ca_path=self.ca_path,
                                    timeout=self.timeout, follow_redirects="none")
                return self._bounded(response.read(self.policy.max_bytes + 1), ref, origin)
            except HTTPError as exc:
                location = exc.headers.get("Location") if exc.code in (301, 302, 303, 307, 308) else None
                if not location:
                    raise ConfigurationError("Cannot fetch %s (referenced by %s): HTTP %s %s"
                                             % (current, origin, exc.code, exc.reason))
                target = urljoin(current, location)
                self._check_redirect(url, target, ref, origin)
                current = target
            except (URLError, socket.timeout, OSError) as exc:
                raise ConfigurationError("Cannot fetch %s (referenced by %s): %s" % (current, origin, exc))
        _refuse(ref, origin, "more than %d redirects" % self.policy.max_redirects, "max_redirects")
        return None

    def _check_redirect(self, url, target, ref, origin):
        if urlsplit(target).scheme not in ("http", "https"):
            _refuse(ref, origin, "it redirects to %s, which is not http(s)" % target, "allow_local_files=true")
        if _host_key(target) != _host_key(url) and urlsplit(target).hostname not in self.policy.allow_hosts:
            _refuse(ref, origin, "it redirects to another host (%s)" % target, "allow_hosts")

    # ---- resolving a reference

    def resolve(self, ref, doc):
        """``(kind, location)`` of ``ref`` written in ``doc``, after the policy checks; None when unresolvable."""
        parts = urlsplit(ref)
        scheme = parts.scheme.lower()
        if scheme == "file" or (not scheme and os.path.isabs(ref)):
            path = parts.path if scheme == "file" else ref
            if not doc.root_local and not self.policy.allow_local_files:
                _refuse(ref, doc.label, "a template from a URL may not read local files", "allow_local_files=true")
            return ("file", path)
        if scheme in ("http", "https"):
            return ("url", self._checked_url(ref, ref, doc))
        if scheme:
            _refuse(ref, doc.label, "only http, https and (for local templates) file references are read",
                    "allow_hosts")
        if doc.kind == "url":
            return ("url", self._checked_url(urljoin(doc.location, ref), ref, doc))
        base = doc.base_dir or self.base_dir
        if base is None:
            return None  # an inline template: the reference must be given in files
        return ("file", os.path.normpath(os.path.join(base, ref)))

    def _checked_url(self, url, ref, doc):
        if doc.root_url is not None and _host_key(url) != _host_key(doc.root_url) \
                and (urlsplit(url).hostname or "").lower() not in self.policy.allow_hosts:
            _refuse(ref, doc.label, "a template from %s may only pull files from the same host"
                    % urlsplit(doc.root_url).netloc, "allow_hosts")
        return url

    def read(self, kind, location, ref, origin):
        if kind == "file":
            return self.read_file(location, ref, origin)
        return self.read_url(location, ref, origin)

    # ---- templates

    def load_template(self, template=None, template_url=None):
        """``(template_dict, Document)`` from a dict, a YAML/JSON string, a local path or a URL."""
        if template_url:
            scheme = urlsplit(template_url).scheme.lower()
            if scheme == "file":
                path = urlsplit(template_url).path
                doc = Document("file", path, root_local=True, label=template_url)
            elif scheme in ("http", "https"):
                doc = Document("url", template_url, root_local=False, root_url=template_url)
            else:
                raise ConfigurationError("template_url must be an http, https or file URL, not %s" % template_url)
            text = self.read(doc.kind, doc.location, template_url, "template_url")
            data = parse_document(text, "template %s" % template_url)
        elif isinstance(template, dict):
            data = normalise(template)
            doc = Document("file", None, root_local=True, label="the inline template")
        elif isinstance(template, str) and template.strip():
            first = template.strip().split("\n")[0]
            looks_inline = "\n" in template.strip() or template.lstrip().startswith("{") or ":" in first
            if not looks_inline or os.path.exists(template):
                path = os.path.expanduser(template)
                if not os.path.isabs(path):
                    path = os.path.join(self.base_dir or os.getcwd(), path)
                path = os.path.normpath(path)
                doc = Document("file", path, root_local=True, label=template)
                data = parse_document(self.read_file(path, template, "the template option"), "template %s" % template)
            else:
                doc = Document("file", None, root_local=True, label="the inline template")
                data = parse_document(template, "template")
        else:
            raise ConfigurationError("template must be a local file path, a YAML/JSON string or a dict")
        if not is_template(data):
            raise ConfigurationError("The template declares no version (one of %s): it is not a Heat template"
                                     % ", ".join(TEMPLATE_VERSION_KEYS))
        return data, doc

    def collect_files(self, template, doc, given=None):
        """The ``files`` map: ``given`` plus every ``get_file`` / nested template the template references.

        Keys stay as written in the template (Heat looks them up verbatim); nested templates are searched too,
        up to 10 levels. References are resolved and checked by ``resolve``.
        """
        files = dict(given or {})
        missing = []
        self._collect(template, doc, files, 0, missing)
        if missing:
            raise ConfigurationError(
                "The template references files that are neither given in 'files' nor readable relative to a template "
                "file: %s" % ", ".join(sorted(set(missing))))
        return files

    def _collect(self, template, doc, files, depth, missing=None):
        if depth > MAX_NESTING:
            raise ConfigurationError("Nested templates go deeper than %d levels (at %s)" % (MAX_NESTING, doc.label))
        for ref, nested in find_references(template):
            if ref in files:
                data = _maybe_template(files[ref]) if nested else None
                if data is not None:
                    self._collect(data, doc, files, depth + 1, missing)
                continue
            where = self.resolve(ref, doc)
            if where is None:
                if missing is not None:
                    missing.append(ref)
                continue
            kind, location = where
            text = self.read(kind, location, ref, doc.label)
            files[ref] = text
            data = _maybe_template(text) if nested else None
            if data is not None:
                child = doc.child(kind, location)
                child.label = ref
                self._collect(data, child, files, depth + 1, missing)

    # ---- environments

    def load_environment(self, environment, template_doc=None, files=None):
        """Merge ``environment`` (a dict, a path/YAML string, or a list of them, applied in order) into one dict.

        Template files named in ``resource_registry`` are read (relative to the environment file, or to the
        template for inline environments), added to ``files`` under their absolute URL, and the registry entry is
        rewritten to that URL (python-heatclient's behaviour, which Heat relies on to find them).
        """
        if environment is None:
            return None
        items = environment if isinstance(environment, list) else [environment]
        merged = {}
        for item in items:
            if isinstance(item, dict):
                data = normalise(item)
                doc = template_doc or Document("file", None, root_local=True, label="the inline environment")
            elif isinstance(item, str) and item.strip():
                if "\n" not in item.strip() and ":" not in item:
                    path = os.path.expanduser(item)
                    if not os.path.isabs(path):
                        path = os.path.join(self.base_dir or os.getcwd(), path)
                    path = os.path.normpath(path)
                    data = parse_document(self.read_file(path, item, "the environment option"), "environment")
                    doc = Document("file", path, root_local=True, label=item)
                else:
                    data = parse_document(item, "environment")
                    doc = template_doc or Document("file", None, root_local=True, label="the inline environment")
            else:
                raise ConfigurationError("Each environment must be a dict, a YAML string or a file path")
            unknown = sorted(set(data) - set(ENVIRONMENT_SECTIONS))
            if unknown:
                raise ConfigurationError("Unknown environment section(s): %s (allowed: %s)"
                                         % (", ".join(unknown), ", ".join(ENVIRONMENT_SECTIONS)))
            if files is not None and isinstance(data.get("resource_registry"), dict):
                data["resource_registry"] = self._registry_files(data["resource_registry"], doc, files)
            merged = merge_environments(merged, data)
        # An empty section is left out, never sent as null.
        return dict((key, value) for key, value in merged.items() if value not in (None, {}, []))

    def _registry_files(self, registry, doc, files, depth=0):
        out = {}
        for key, value in registry.items():
            if key == "resources" and isinstance(value, dict) and depth == 0:
                out[key] = dict((name, self._registry_files(entry, doc, files, depth + 1) if isinstance(entry, dict)
                                 else entry) for name, entry in value.items())
            elif isinstance(value, str) and key not in ("hooks", "restricted_actions", "base_url") \
                    and "::" not in value and value.lower().endswith(TEMPLATE_SUFFIXES):
                where = self.resolve(value, doc)
                if where is None:
                    raise ConfigurationError("resource_registry entry %s: %s cannot be resolved for an inline "
                                             "environment; give a path or URL." % (key, value))
                kind, location = where
                url = location if kind == "url" else "file://" + location
                if url not in files:
                    text = self.read(kind, location, value, doc.label)
                    files[url] = text
                    data = _maybe_template(text)
                    if data is not None:
                        child = doc.child(kind, location)
                        child.label = value
                        self._collect(data, child, files, 1)
                out[key] = url
            else:
                out[key] = value
        return out


def _maybe_template(text):
    try:
        data = parse_document(text, "nested template")
    except ConfigurationError:
        return None
    return data if is_template(data) else None


def find_references(template):
    """``(reference, is_nested_template)`` for every ``get_file`` and template-file resource type."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if len(node) == 1 and isinstance(node.get("get_file"), str):
                found.append((node["get_file"], False))
                return
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(template)
    resources = template.get("resources") or template.get("Resources") or {}
    if isinstance(resources, dict):
        for resource in resources.values():
            if not isinstance(resource, dict):
                continue
            rtype = resource.get("type", resource.get("Type"))
            if isinstance(rtype, str) and rtype.lower().endswith(TEMPLATE_SUFFIXES):
                found.append((rtype, True))
    seen = set()
    unique = []
    for item in found:
        if item not in seen:
            seen.add(item)
            unique.append(item)
    return unique


def hidden_names(template, files=None):
    """Names of the parameters declared ``hidden`` by the template or by a nested template in ``files``."""
    from ansible_collections.fleetops.cloud.plugins.module_utils.heat import template_parameters
    names = set(name for name, decl in template_parameters(template).items() if decl.get("hidden"))
    for text in (files or {}).values():
        if isinstance(text, str) and "hidden" in text and any(key in text for key in TEMPLATE_VERSION_KEYS):
            data = _maybe_template(text)
            if data is not None:
                names.update(name for name, decl in template_parameters(data).items() if decl.get("hidden"))
    return names


def hidden_values(names, parameters=None, environment=None):
    """The values given for hidden parameters (options, the environment's parameters and parameter_defaults), as
    text, to register as secrets of the run."""
    environment = environment or {}
    values = []
    for section in (parameters, environment.get("parameters"), environment.get("parameter_defaults")):
        for name, value in (section or {}).items():
            if name in names and value is not None:
                values.append(value if isinstance(value, str) else json.dumps(value, sort_keys=True)
                              if isinstance(value, (dict, list)) else str(value))
    return values
