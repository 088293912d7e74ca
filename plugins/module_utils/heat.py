# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Facade of the Heat-compatible orchestration API, and the pure helpers the stack modules share.

``HeatApi(client)`` knows the paths (relative to the orchestration endpoint: ``/stacks``, ``/validate``),
the payloads, marker paging and find-by-name; ``None`` means "not found" (a deleted stack too: Heat shows it as
``DELETE_COMPLETE``). Names and ids are checked (Heat's stack name rule, UUID ids) and percent-encoded before
they go into a path. The helpers parse and normalise templates and environments (YAML or JSON, compared as
structures; loading them safely is ``heat_templates.py``'s job), compare parameters the way Heat reports
them (every value a string, hidden ones as ``******``, defaults and ``OS::*`` keys added) and turn a Heat
stack into the object the modules return.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ast
import datetime
import json
import re

from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ApiError, ConfigurationError
from ansible_collections.fleetops.cloud.plugins.module_utils.paths import segment

SERVICE = "orchestration"
HIDDEN_VALUE = "******"
PAGE_SIZE = 100
MAX_PAGES = 1000
# Heat's rule for stack names (heat.engine.stack): a letter, then letters, digits, "_", "." or "-"; 255 at most.
STACK_NAME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9_.-]{0,254}$")
STACK_ID_RE = re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")
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


def check_stack_name(name):
    """Refuse a name Heat would refuse (before any call): a letter, then letters, digits, ``_.-``; 255 at most."""
    if not isinstance(name, str) or not STACK_NAME_RE.match(name):
        raise ConfigurationError("Invalid stack name %r: it must start with a letter and contain only letters, digits, "
                                 "'_', '.' and '-', 255 characters at most (Heat's rule)." % (name,))
    return name


def check_stack_id(stack_id):
    """A stack id is a UUID; anything else never reaches a URL path."""
    if not isinstance(stack_id, str) or not STACK_ID_RE.match(stack_id):
        raise ConfigurationError("Invalid stack id %r: a stack id is a UUID." % (stack_id,))
    return stack_id


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
            # Heat registers every template resource type as itself ("nested.yaml": "nested.yaml") in the
            # stored registry: that entry is Heat's, not the user's.
            value = dict((k, v) for k, v in value.items() if not (k == "resources" and not v) and k != v)
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
        return "/stacks/%s/%s%s" % (segment(check_stack_name(name), "stack name"),
                                    segment(check_stack_id(stack_id), "stack id"), suffix)

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
        """The full stack (parameters, outputs, ...) or None when it is gone.

        Heat answers ``GET /stacks/{name}/{id}`` of a deleted stack with 200 and ``DELETE_COMPLETE`` (until the
        database is purged): such a stack is absent.
        """
        body = self._get_or_none(self._stack_path(name, stack_id))
        if body is None:
            return None
        stack = body.get("stack", body)
        if stack.get("stack_status") == "DELETE_COMPLETE":
            return None
        return stack

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
        """The events of a stack, oldest first, or [] when they cannot be read.

        Heat lists events newest first unless asked: the order is asked for (``sort_dir=asc``).
        """
        body = self._get_or_none(self._stack_path(name, stack_id, "/events"), query={"sort_dir": "asc"})
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
        return self._call("POST", "/validate", json=payload, read=True).body or {}

    def create_stack(self, payload):
        """POST /stacks (non-idempotent: may raise OutcomeUnknownError): ``{id, links}``."""
        body = self._call("POST", "/stacks", json=payload, create=True).body or {}
        return body.get("stack", body)

    def update_stack(self, name, stack_id, payload):
        """PUT /stacks/{name}/{id}: full replace of the stack definition (never re-sent blindly: the module reads
        the state back after a lost answer)."""
        self._call("PUT", self._stack_path(name, stack_id), json=payload, create=True)

    def preview_update(self, name, stack_id, payload):
        """PUT /stacks/{name}/{id}/preview: ``{added, updated, replaced, deleted, unchanged}`` resource lists, or
        None when the service does not offer the call (404/405/501)."""
        try:
            body = self._call("PUT", self._stack_path(name, stack_id, "/preview"), json=payload, read=True).body
        except ApiError as exc:
            if exc.status in (404, 405, 501):
                return None
            raise
        if not isinstance(body, dict):
            return None
        return body.get("resource_changes", body)

    def delete_stack(self, name, stack_id):
        """DELETE /stacks/{name}/{id}; False when it was already gone (never re-sent blindly)."""
        try:
            self._call("DELETE", self._stack_path(name, stack_id), create=True)
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
    if tags:
        # Heat stores "" as [""]: no tags is sent as no "tags" (a PUT without tags clears them).
        body["tags"] = ",".join(tags)
    if timeout is not None:
        body["timeout_mins"] = timeout
    if rollback is not None:
        body["disable_rollback"] = not rollback
    return body


def resource_changes_view(changes):
    """Heat's preview answer as ``{added, updated, replaced, deleted, unchanged}``, each a sorted list of names."""
    out = {}
    for key in ("added", "updated", "replaced", "deleted", "unchanged"):
        items = (changes or {}).get(key) or []
        names = []
        for item in items:
            if isinstance(item, dict):
                names.append(item.get("resource_name") or item.get("logical_resource_id"))
            else:
                names.append(item)
        out[key] = sorted(str(name) for name in names if name)
    return out


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
