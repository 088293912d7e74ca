# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Facade of the Heat-compatible orchestration API, and the pure helpers the stack modules share.

``HeatApi(client)`` knows the paths (relative to the orchestration endpoint: ``/stacks``, ``/validate``),
the payloads, marker paging and find-by-name; ``None`` means "not found". The helpers load and normalise
templates and environments (YAML or JSON, compared as structures), collect ``get_file`` references,
compare parameters the way Heat reports them (every value a string, hidden ones as ``******``, defaults and
``OS::*`` keys added) and turn a Heat stack into the object the modules return.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ast
import datetime
import json
import os
import socket

from urllib.error import HTTPError, URLError
from urllib.parse import quote, urljoin, urlsplit

from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ApiError, ConfigurationError

SERVICE = "orchestration"
HIDDEN_VALUE = "******"
PAGE_SIZE = 100
MAX_PAGES = 1000
MAX_NESTING = 10
TEMPLATE_VERSION_KEYS = ("heat_template_version", "HeatTemplateFormatVersion", "AWSTemplateFormatVersion")
TEMPLATE_EXTENSIONS = (".yaml", ".yml", ".template", ".json")
ENVIRONMENT_SECTIONS = ("parameters", "parameter_defaults", "resource_registry", "event_sinks",
                        "encrypted_param_names", "parameter_merge_strategies")
TRUE_WORDS = ("true", "t", "yes", "y", "on", "1")
FALSE_WORDS = ("false", "f", "no", "n", "off", "0")


# ------------------------------------------------------------------------------------------- YAML / JSON


_YAML = {}


def _timestamp_as_string(loader, node):
    return loader.construct_scalar(node)


def _yaml():
    """``(yaml, loader class)``, imported on first use (``(None, None)`` without PyYAML).

    Only a YAML document needs PyYAML: ``stack_info`` and JSON or dict templates never load it (module start cost).
    The loader is a safe loader that keeps timestamps as strings (``heat_template_version: 2021-04-16`` stays one).
    """
    if "yaml" not in _YAML:
        try:
            import yaml
        except ImportError:  # pragma: no cover - PyYAML ships with ansible-core
            return None, None

        class _TemplateLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # pylint: disable=too-many-ancestors
            pass

        _TemplateLoader.add_constructor(u"tag:yaml.org,2002:timestamp", _timestamp_as_string)
        _YAML.update(yaml=yaml, loader=_TemplateLoader)
    return _YAML["yaml"], _YAML["loader"]


def parse_document(text, what="template"):
    """Parse YAML or JSON ``text`` into a dict; raises ConfigurationError when it is not a mapping."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    stripped = text.strip()
    data = None
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except ValueError:
            data = None
    if data is None:
        yaml, loader = _yaml()
        if yaml is None:
            raise ConfigurationError("PyYAML is needed to read a YAML %s" % what)
        try:
            data = yaml.load(stripped, Loader=loader)  # nosec - a safe loader
        except yaml.YAMLError as exc:
            raise ConfigurationError("The %s is neither valid YAML nor JSON: %s" % (what, exc))
    if data is None and what == "environment":
        data = {}
    if not isinstance(data, dict):
        raise ConfigurationError("The %s must be a mapping (YAML/JSON object), not %s" % (what, type(data).__name__))
    return normalise(data)


def normalise(value):
    """Return ``value`` as plain JSON data: dates become ISO strings, tuples lists, keys strings."""
    if isinstance(value, dict):
        return dict((str(key), normalise(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return [normalise(item) for item in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def canonical(value):
    """A stable text form of a normalised structure (used to compare structures, never text)."""
    return json.dumps(normalise(value), sort_keys=True, separators=(",", ":"), default=str)


def is_template(data):
    """True when ``data`` is a mapping that declares a Heat (HOT) or CFN template version."""
    return isinstance(data, dict) and any(key in data for key in TEMPLATE_VERSION_KEYS)


# -------------------------------------------------------------------------------------- template sources


class Source(object):
    """Where a document came from: a local directory or a URL (for resolving relative references)."""

    def __init__(self, base_dir=None, base_url=None):
        self.base_dir = base_dir
        self.base_url = base_url

    def resolve(self, ref):
        """Return ``("file", path)`` or ``("url", url)`` for a reference relative to this source, or None."""
        if ref.startswith("file://"):
            return ("file", urlsplit(ref).path)
        scheme = urlsplit(ref).scheme
        if scheme in ("http", "https"):
            return ("url", ref)
        if self.base_url:
            return ("url", urljoin(self.base_url, ref))
        if os.path.isabs(ref):
            return ("file", ref)
        if self.base_dir is not None:
            return ("file", os.path.normpath(os.path.join(self.base_dir, ref)))
        return None

    def child(self, kind, location):
        if kind == "url":
            return Source(base_url=location)
        return Source(base_dir=os.path.dirname(location))


def fetch_text(url, validate_certs=True, ca_path=None, timeout=60):
    """The text at ``url`` (http/https), certificates verified unless the user turned that off for all calls."""
    scheme = urlsplit(url).scheme
    if scheme not in ("http", "https"):
        raise ConfigurationError("Only http and https URLs can be fetched, not %s" % url)
    # Imported here: only a template or file given by URL needs it, and it costs a module start ~50 ms.
    from ansible.module_utils.urls import open_url
    try:
        response = open_url(url, method="GET", validate_certs=validate_certs, ca_path=ca_path, timeout=timeout)
        return response.read().decode("utf-8")
    except HTTPError as exc:
        raise ConfigurationError("Cannot fetch %s: HTTP %s %s" % (url, exc.code, exc.reason))
    except (URLError, socket.timeout, OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError("Cannot fetch %s: %s" % (url, exc))


def read_local(path, what="file"):
    """Read a local text file; ConfigurationError when it cannot be read."""
    try:
        with open(path, "rb") as handle:
            return handle.read().decode("utf-8")
    except (IOError, OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError("Cannot read the %s %s: %s" % (what, path, exc))


class Loader(object):
    """Reads documents from local files, inline values or URLs.

    ``fetch_url(url)`` returns the text of a URL (the module passes one built on Ansible's ``open_url`` with
    certificate validation on); without it, URLs are refused with a clear message.
    """

    def __init__(self, fetch_url=None):
        self.fetch_url = fetch_url

    def read(self, kind, location, what):
        if kind == "file":
            return read_local(location, what)
        if self.fetch_url is None:
            raise ConfigurationError("Cannot fetch the %s %s: URLs are not supported here" % (what, location))
        return self.fetch_url(location)

    def load_template(self, template=None, template_url=None):
        """Return ``(template_dict, source)`` from a dict, a YAML/JSON string, a local path or a URL."""
        if template_url and template_url.startswith("file://"):
            path = urlsplit(template_url).path
            data = parse_document(read_local(path, "template"), "template %s" % template_url)
            source = Source(base_dir=os.path.dirname(path))
        elif template_url:
            text = self.read("url", template_url, "template")
            data = parse_document(text, "template")
            source = Source(base_url=template_url)
        elif isinstance(template, dict):
            data = normalise(template)
            source = Source()
        elif isinstance(template, str) and template.strip():
            looks_inline = "\n" in template.strip() or template.lstrip().startswith("{") or ":" in template.split("\n")[0]
            if not looks_inline or os.path.exists(template):
                path = os.path.abspath(os.path.expanduser(template))
                data = parse_document(read_local(path, "template"), "template %s" % template)
                source = Source(base_dir=os.path.dirname(path))
            else:
                data = parse_document(template, "template")
                source = Source()
        else:
            raise ConfigurationError("template must be a local file path, a YAML/JSON string or a dict")
        if not is_template(data):
            raise ConfigurationError("The template declares no version (one of %s): it is not a Heat template"
                                     % ", ".join(TEMPLATE_VERSION_KEYS))
        return data, source

    def load_environment(self, environment):
        """Merge ``environment`` (a dict, a path/YAML string, or a list of them, applied in order) into one dict."""
        if environment is None:
            return None
        items = environment if isinstance(environment, list) else [environment]
        merged = {}
        for item in items:
            if isinstance(item, dict):
                data = normalise(item)
            elif isinstance(item, str) and item.strip():
                if "\n" not in item.strip() and ":" not in item:
                    data = parse_document(read_local(os.path.expanduser(item), "environment file"), "environment")
                else:
                    data = parse_document(item, "environment")
            else:
                raise ConfigurationError("Each environment must be a dict, a YAML string or a file path")
            unknown = sorted(set(data) - set(ENVIRONMENT_SECTIONS))
            if unknown:
                raise ConfigurationError("Unknown environment section(s): %s (allowed: %s)"
                                         % (", ".join(unknown), ", ".join(ENVIRONMENT_SECTIONS)))
            merged = merge_environments(merged, data)
        return merged

    def collect_files(self, template, source, given=None):
        """Return the ``files`` map: ``given`` plus every ``get_file`` / nested template the template references.

        Keys stay as written in the template (Heat looks them up verbatim); references not in ``given`` are read
        relative to the template's directory (or URL). Nested templates (resource types ending in .yaml, .yml,
        .template) are searched too, up to 10 levels.
        """
        files = dict(given or {})
        missing = []
        self._collect(template, source, files, missing, 0)
        if missing:
            raise ConfigurationError(
                "The template references files that are neither given in 'files' nor readable relative to a template "
                "file: %s" % ", ".join(sorted(set(missing))))
        return files

    def _collect(self, template, source, files, missing, depth):
        if depth > MAX_NESTING:
            raise ConfigurationError("Nested templates go deeper than %d levels" % MAX_NESTING)
        for ref, nested in find_references(template):
            if ref in files:
                if nested and depth < MAX_NESTING:
                    data = _maybe_template(files[ref])
                    if data is not None:
                        self._collect(data, source, files, missing, depth + 1)
                continue
            where = source.resolve(ref)
            if where is None:
                missing.append(ref)
                continue
            text = self.read(where[0], where[1], "referenced file")
            files[ref] = text
            if nested:
                data = _maybe_template(text)
                if data is not None:
                    self._collect(data, source.child(*where), files, missing, depth + 1)


def _maybe_template(text):
    try:
        data = parse_document(text, "nested template")
    except ConfigurationError:
        return None
    return data if is_template(data) else None


def find_references(template):
    """List ``(reference, is_nested_template)`` for every ``get_file`` and template-file resource type."""
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
            if isinstance(rtype, str) and rtype.lower().endswith(TEMPLATE_EXTENSIONS[:3]):
                found.append((rtype, True))
    seen = set()
    unique = []
    for item in found:
        if item not in seen:
            seen.add(item)
            unique.append(item)
    return unique


def merge_environments(base, overlay):
    """Merge two environments the way Heat does for environment files: later wins, registries merge deeply."""
    result = dict((key, value) for key, value in base.items())
    for key, value in overlay.items():
        if key in ("parameters", "parameter_defaults", "parameter_merge_strategies") and isinstance(value, dict):
            merged = dict(result.get(key) or {})
            merged.update(value)
            result[key] = merged
        elif key == "resource_registry" and isinstance(value, dict):
            result[key] = _deep_merge(result.get(key) or {}, value)
        elif key in ("event_sinks", "encrypted_param_names") and isinstance(value, list):
            result[key] = list(result.get(key) or []) + list(value)
        else:
            result[key] = value
    return result


def _deep_merge(base, overlay):
    result = dict(base)
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = _deep_merge(result[key], value)
        else:
            result[key] = value
    return result


def normalise_environment(env):
    """Drop what Heat adds to a stored environment (empty sections, empty registries) so that it compares."""
    if not env:
        return {}
    out = {}
    for key, value in normalise(env).items():
        if key == "encrypted_param_names":
            continue
        if key == "resource_registry" and isinstance(value, dict):
            value = dict((k, v) for k, v in value.items() if not (k == "resources" and not v))
        if value in (None, {}, []):
            continue
        out[key] = value
    return out


# ----------------------------------------------------------------------------------------------- parameters


def template_parameters(template):
    """The parameter declarations of a HOT or CFN template: ``{name: {"type": lower-case type, "hidden": bool}}``."""
    decls = (template or {}).get("parameters")
    if decls is None:
        decls = (template or {}).get("Parameters")
    out = {}
    if not isinstance(decls, dict):
        return out
    for name, decl in decls.items():
        decl = decl if isinstance(decl, dict) else {}
        ptype = str(decl.get("type", decl.get("Type", "string"))).lower()
        hidden = decl.get("hidden", decl.get("NoEcho", False))
        if isinstance(hidden, str):
            hidden = hidden.lower() in TRUE_WORDS
        out[str(name)] = {"type": ptype, "hidden": bool(hidden)}
    return out


def _as_bool(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return bool(value)
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    return None


def _as_number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def _as_list(value):
    if isinstance(value, (list, tuple)):
        return [str(item).strip() for item in value]
    text = str(value).strip()
    if text.startswith("["):
        for parse in (json.loads, ast.literal_eval):
            try:
                parsed = parse(text)
            except (ValueError, SyntaxError):
                continue
            if isinstance(parsed, list):
                return [str(item).strip() for item in parsed]
    if text == "":
        return []
    return [item.strip() for item in text.split(",")]


def _as_json(value):
    if isinstance(value, (dict, list)):
        return normalise(value)
    text = str(value).strip()
    for parse in (json.loads, ast.literal_eval):
        try:
            return normalise(parse(text))
        except (ValueError, SyntaxError):
            continue
    return text


def parameter_equal(desired, current, ptype="string"):
    """Compare a desired parameter value with the string Heat reports, according to the declared type."""
    if current is None:
        return False
    ptype = (ptype or "string").lower()
    if ptype == "boolean":
        left, right = _as_bool(desired), _as_bool(current)
        return left is not None and left == right
    if ptype == "number":
        left, right = _as_number(desired), _as_number(current)
        return left is not None and left == right
    if ptype in ("comma_delimited_list", "commadelimitedlist", "list<string>"):
        return _as_list(desired) == _as_list(current)
    if ptype == "json":
        return canonical(_as_json(desired)) == canonical(_as_json(current))
    if isinstance(desired, bool):
        return _as_bool(current) == desired
    if isinstance(desired, (int, float)):
        return _as_number(current) == float(desired)
    if isinstance(desired, (dict, list)):
        return canonical(_as_json(desired)) == canonical(_as_json(current))
    return str(desired) == str(current)


def compare_parameters(desired, current, declarations):
    """Return ``(changed_names, hidden_names)`` for the parameters the user set.

    Only keys of ``desired`` are compared (defaults and ``OS::*`` keys Heat adds never count). A parameter
    that Heat reports as ``******`` or that the template declares hidden cannot be compared: it is listed in
    ``hidden_names`` and not in ``changed_names``.
    """
    changed, hidden = [], []
    current = current or {}
    for name in sorted(desired or {}):
        value = desired[name]
        if value is None:
            continue
        decl = declarations.get(name, {})
        now = current.get(name)
        if decl.get("hidden") or now == HIDDEN_VALUE:
            hidden.append(name)
            continue
        if not parameter_equal(value, now, decl.get("type")):
            changed.append(name)
    return changed, hidden


def mask_parameters(params, declarations, secret_names=()):
    """Copy of ``params`` with hidden/secret values replaced by ``******``."""
    out = {}
    for name, value in (params or {}).items():
        if name in secret_names or declarations.get(name, {}).get("hidden"):
            out[name] = HIDDEN_VALUE
        else:
            out[name] = value
    return out


# ------------------------------------------------------------------------------------------- stack objects


def parse_tags(value):
    """Heat reports tags as a list, a comma-separated string or null: return a sorted list of strings."""
    if value is None:
        return []
    if isinstance(value, str):
        return sorted(set(tag.strip() for tag in value.split(",") if tag.strip()))
    return sorted(set(str(tag) for tag in value))


def outputs_dict(outputs):
    """Heat's ``[{output_key, output_value}]`` (or an already plain dict) as ``{key: value}``."""
    if isinstance(outputs, dict):
        return dict(outputs)
    result = {}
    for item in outputs or []:
        if isinstance(item, dict) and "output_key" in item:
            result[item["output_key"]] = item.get("output_value")
    return result


def output_errors(outputs):
    """``{key: error}`` for outputs Heat could not resolve."""
    result = {}
    for item in outputs or []:
        if isinstance(item, dict) and item.get("output_error"):
            result[item.get("output_key")] = item["output_error"]
    return result


def _bool_or_none(value):
    if value is None:
        return None
    return _as_bool(value)


def _int_or_none(value):
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def stack_view(stack, declarations=None, secret_names=()):
    """The object the modules return for a Heat stack (list item or full stack)."""
    if stack is None:
        return None
    declarations = declarations or {}
    disable_rollback = _bool_or_none(stack.get("disable_rollback"))
    status = stack.get("stack_status")
    view = {
        "id": stack.get("id"),
        "name": stack.get("stack_name"),
        "status": status,
        "action": status.split("_", 1)[0] if isinstance(status, str) and "_" in status else None,
        "status_reason": stack.get("stack_status_reason"),
        "description": stack.get("description", stack.get("template_description")),
        "tags": parse_tags(stack.get("tags")),
        "creation_time": stack.get("creation_time"),
        "updated_time": stack.get("updated_time"),
        "parent": stack.get("parent"),
    }
    if "parameters" in stack:
        view["parameters"] = mask_parameters(stack.get("parameters"), declarations, secret_names)
    if "outputs" in stack:
        view["outputs"] = outputs_dict(stack.get("outputs"))
        errors = output_errors(stack.get("outputs"))
        if errors:
            view["output_errors"] = errors
    if "timeout_mins" in stack:
        view["timeout_mins"] = _int_or_none(stack.get("timeout_mins"))
    if "disable_rollback" in stack:
        view["disable_rollback"] = disable_rollback
        view["rollback"] = None if disable_rollback is None else not disable_rollback
    return view


def is_failed(status):
    """A status that needs repair: ``*_FAILED`` or any ``ROLLBACK_*``."""
    return isinstance(status, str) and (status.endswith("_FAILED") or status.startswith("ROLLBACK_"))


def in_progress(status):
    return isinstance(status, str) and status.endswith("_IN_PROGRESS")


# ------------------------------------------------------------------------------------------------- facade


def _is_stack_event(event, name, stack_id):
    """A stack-level event names the stack itself (Heat: resource_name = stack name, physical id = stack id)."""
    rname = event.get("resource_name") or event.get("logical_resource_id")
    return rname == name or (stack_id is not None and event.get("physical_resource_id") == stack_id)


class HeatApi(object):
    """Calls of the orchestration service (paths relative to its endpoint, which includes the tenant id)."""

    def __init__(self, client):
        self.client = client

    def _call(self, method, path, **kwargs):
        return self.client.call(SERVICE, method, path, **kwargs)

    @staticmethod
    def _stack_path(name, stack_id, suffix=""):
        return "/stacks/%s/%s%s" % (quote(str(name), safe=""), quote(str(stack_id), safe=""), suffix)

    def _get_or_none(self, path, query=None):
        try:
            return self._call("GET", path, query=query).body
        except ApiError as exc:
            if exc.status == 404:
                return None
            raise

    # ---- reads

    def list_stacks(self, filters=None, page_size=PAGE_SIZE, max_pages=MAX_PAGES):
        """Every stack matching ``filters`` (Heat query parameters), following marker paging."""
        query = dict((key, value) for key, value in (filters or {}).items() if value not in (None, [], ""))
        for key in ("tags", "tags_any", "not_tags", "not_tags_any"):
            if isinstance(query.get(key), list):
                query[key] = ",".join(query[key])
        stacks = []
        seen = set()
        marker = None
        for _page in range(max_pages):
            page_query = dict(query, limit=page_size)
            if marker:
                page_query["marker"] = marker
            body = self._call("GET", "/stacks", query=page_query).body or {}
            page = body.get("stacks") or []
            fresh = [item for item in page if item.get("id") not in seen]
            for item in fresh:
                seen.add(item.get("id"))
            stacks.extend(fresh)
            if len(page) < page_size or not fresh:
                break
            marker = page[-1].get("id")
        return stacks

    def find_stack(self, name):
        """The list entry of the live stack named ``name`` (deleted stacks ignored), or None."""
        for item in self.list_stacks({"name": name}):
            if item.get("stack_name") == name and item.get("stack_status") != "DELETE_COMPLETE":
                return item
        return None

    def get_stack(self, name, stack_id):
        """The full stack (parameters, outputs, ...) or None when it is gone."""
        body = self._get_or_none(self._stack_path(name, stack_id))
        if body is None:
            return None
        return body.get("stack", body)

    def get_template(self, name, stack_id):
        """The stored template (a dict), or None."""
        body = self._get_or_none(self._stack_path(name, stack_id, "/template"))
        if isinstance(body, str):
            return parse_document(body, "stored template")
        return normalise(body) if body is not None else None

    def get_environment(self, name, stack_id):
        """The stored environment (a dict), or None when the API does not offer it."""
        body = self._get_or_none(self._stack_path(name, stack_id, "/environment"))
        return normalise(body) if isinstance(body, dict) else None

    def get_files(self, name, stack_id):
        """The stored files map, or None when the API does not offer it."""
        body = self._get_or_none(self._stack_path(name, stack_id, "/files"))
        return normalise(body) if isinstance(body, dict) else None

    def list_events(self, name, stack_id):
        """The events of a stack (newest last as Heat sorts them), or [] when they cannot be read."""
        body = self._get_or_none(self._stack_path(name, stack_id, "/events"))
        if not isinstance(body, dict):
            return []
        return body.get("events") or []

    def failure(self, name, stack_id):
        """``(reason, failed_resources)`` of the last operation, from the events.

        The operation starts at the last stack-level ``*_IN_PROGRESS`` event that is not a rollback, so that a
        rolled-back stack still reports what failed. ``reason`` is the stack-level ``*_FAILED`` reason (or None);
        ``failed_resources`` is ``[{resource_name, resource_status, resource_status_reason}]``, the last failure of
        each resource.
        """
        events = self.list_events(name, stack_id)
        start = 0
        for index, event in enumerate(events):
            status = str(event.get("resource_status", ""))
            if _is_stack_event(event, name, stack_id) and status.endswith("_IN_PROGRESS") and not status.startswith("ROLLBACK"):
                start = index
        reason = None
        latest = {}
        for event in events[start:]:
            status = str(event.get("resource_status", ""))
            if not status.endswith("FAILED"):
                continue
            if _is_stack_event(event, name, stack_id):
                reason = event.get("resource_status_reason") or reason
                continue
            rname = event.get("resource_name") or event.get("logical_resource_id")
            latest[rname] = {"resource_name": rname, "resource_status": status,
                             "resource_status_reason": event.get("resource_status_reason")}
        return reason, [latest[key] for key in sorted(latest)]

    def failed_resources(self, name, stack_id):
        """The resources that failed in the last operation (see ``failure``)."""
        return self.failure(name, stack_id)[1]

    # ---- writes

    def validate(self, payload):
        """POST /validate: ``{Description, Parameters, ParameterGroups, Environment}``; ApiError 400 if invalid."""
        return self._call("POST", "/validate", json=payload).body or {}

    def create_stack(self, payload):
        """POST /stacks (non-idempotent: may raise OutcomeUnknownError): ``{id, links}``."""
        body = self._call("POST", "/stacks", json=payload, create=True).body or {}
        return body.get("stack", body)

    def update_stack(self, name, stack_id, payload):
        """PUT /stacks/{name}/{id}: full replace of the stack definition."""
        self._call("PUT", self._stack_path(name, stack_id), json=payload)

    def delete_stack(self, name, stack_id):
        """DELETE /stacks/{name}/{id}; False when it was already gone."""
        try:
            self._call("DELETE", self._stack_path(name, stack_id))
        except ApiError as exc:
            if exc.status == 404:
                return False
            raise
        return True


def stack_payload(name=None, template=None, files=None, environment=None, parameters=None, tags=None,
                  timeout=None, rollback=None):
    """The body of a create (``name`` given) or update (PUT) call; options left None are not sent."""
    body = {}
    if name is not None:
        body["stack_name"] = name
    body["template"] = template
    if files:
        body["files"] = files
    if environment:
        body["environment"] = environment
    body["parameters"] = dict(parameters or {})
    if tags is not None:
        body["tags"] = ",".join(tags)
    if timeout is not None:
        body["timeout_mins"] = timeout
    if rollback is not None:
        body["disable_rollback"] = not rollback
    return body


def validate_payload(template, files=None, environment=None):
    """The body of POST /validate."""
    body = {"template": template}
    if files:
        body["files"] = files
    if environment:
        body["environment"] = environment
    return body


def validation_view(body):
    """The validate answer as ``{description, parameters, parameter_groups, environment}``."""
    body = body or {}
    return {
        "description": body.get("Description", body.get("description")),
        "parameters": body.get("Parameters", body.get("parameters")) or {},
        "parameter_groups": body.get("ParameterGroups", body.get("parameter_groups")) or [],
        "environment": body.get("Environment", body.get("environment")) or {},
    }
