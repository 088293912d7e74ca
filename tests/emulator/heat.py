# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Emulated OpenStack Heat (orchestration) API, as the EasyStack reference and standard Heat describe it.

Paths after ``<base>/heat``, all under ``/v1/{tenant_id}``, project-scoped auth, errors in Heat's
``{"error": {"code", "title", "message"}}`` form.

* ``POST /validate`` -- the template comes as a dict, a YAML/JSON string or ``template_url`` (``file://`` URLs
  only: the emulator never touches the network).  Checks: the template is a mapping; ``heat_template_version``
  is present and valid (the known HOT dates and release names, or any ``YYYY-MM-DD`` date since 2013-05-23);
  no unknown top-level section; every resource is a mapping with a string ``type`` and only known keys;
  ``depends_on``/``get_resource``/``get_attr`` name existing resources; parameters have a known ``type``, a
  default of that type and valid constraints; every ``get_param`` names a declared parameter (or a pseudo
  parameter); ``parameter_groups`` name declared parameters.  Answers ``{Description, Parameters,
  ParameterGroups, Environment}`` with Heat's parameter shape (``Type``, ``Description``, ``Default``,
  ``Label``, ``NoEcho``, ``AllowedValues``...).
* ``POST /stacks`` -- 201 ``{stack: {id, links}}``; 409 when the name is taken (by a stack not deleted); 400
  for a bad name, template, parameter value (type, constraint, missing required, undeclared), timeout.
  Accepts ``files``, ``environment`` (dict or YAML string; ``parameters`` and ``parameter_defaults``),
  ``environment_files`` (names in ``files``), ``parameters``, ``tags`` (comma string),
  ``timeout_mins``, ``disable_rollback`` (default true, like Heat).
* ``GET /stacks`` -- filters ``id``, ``name``, ``status`` (full ``CREATE_COMPLETE`` or the status part
  ``COMPLETE``), ``action``, ``tags`` (all), ``tags_any``, ``not_tags``, ``not_tags_any``; ``show_deleted``;
  ``sort_keys`` (``stack_name``, ``stack_status``, ``creation_time``, ``updated_time``) and ``sort_dir``
  (default: newest first); ``limit`` + ``marker`` (a stack id) paging; ``with_count`` adds ``count``.
* ``GET /stacks/{name_or_id}`` and ``GET /stacks/{name_or_id}/{template,environment,files,events,resources,outputs}``
  -- 302 to ``/stacks/{name}/{id}[/...]`` with the query string kept, like Heat's lookup.  ``PUT``, ``PATCH``
  and ``DELETE`` on ``/stacks/{name_or_id}`` act directly.
* ``GET /stacks/{name}/{id}`` (and the source's form ``/{name}/{id}`` without ``stacks/``) -- 200
  ``{stack: {...}}`` with ``parameters`` as Heat shows them (every value a string, hidden ones ``******``,
  plus ``OS::stack_id``, ``OS::stack_name``, ``OS::project_id``) and ``outputs`` as ``[{output_key,
  output_value, description}]`` (``resolve_outputs=false`` leaves them out).  404 for unknown; a deleted
  stack answers 200 with ``DELETE_COMPLETE`` and ``deletion_time``, as real Heat does (its sub-paths 404).
* ``GET .../template`` (the template as stored, parsed), ``.../environment``, ``.../files``, ``.../outputs``
  (``{outputs: [{output_key, description}]}``) and ``.../outputs/{key}`` (``{output: {...}}``).
* ``PUT /stacks/{name}/{id}`` -- full replace (parameters not given fall back to defaults); ``PATCH`` keeps
  the current template, parameters, environment and files unless given (``clear_parameters`` drops some).
  202, no body.  409 while the stack has an action in progress.
* ``PUT /stacks/{name}/{id}/preview`` -- 200 ``{resource_changes: {added, updated, replaced, deleted, unchanged}}``
  for the PUT body given (no change made); reading ``heat_no_preview``: 404, as on a service without it.
* ``tags`` -- a comma separated string, stored split: ``""`` is stored as ``[""]`` (real Heat); a JSON list is a 400.
* ``DELETE /stacks/{name}/{id}`` -- 204; DELETE_IN_PROGRESS, then gone (``show_deleted`` lists it as
  DELETE_COMPLETE).  Deleting a stack already being deleted answers 204 again.
* ``GET .../events`` -- ``{events: [...]}`` with ``id``, ``event_time``, ``resource_name``,
  ``logical_resource_id``, ``physical_resource_id``, ``resource_status`` (``CREATE_COMPLETE`` style),
  ``resource_status_reason``, ``links`` (self, resource, stack); stack events use the stack name as
  ``resource_name`` and the stack id as ``physical_resource_id``.  Filters ``resource_name``,
  ``resource_status``, ``resource_action``, ``resource_type``; ``sort_dir`` (default desc, newest first, as Heat), ``marker`` (an
  event id), ``limit``.
* ``GET .../resources`` and ``GET .../resources/{name}`` -- the template's resources with their status.

Asynchronous life cycle (emulated seconds = wall seconds x ``--speed``; ``STACK_OP_DELAY`` = 2):
``<ACTION>_IN_PROGRESS`` for ``STACK_OP_DELAY`` seconds, then ``<ACTION>_COMPLETE``.  Transitions are computed
lazily when a stack is read, and recorded as events.

Failure trigger: a resource of type ``FleetOps::Test::Fail``, or any resource whose ``properties.fail``
evaluates to ``true`` (``get_param`` allowed), fails: the stack goes ``CREATE_FAILED`` (or ``UPDATE_FAILED``)
with ``stack_status_reason`` ``Resource CREATE failed: FleetOpsTestFailure: resources.<name>: ...``.  With
rollback enabled (``disable_rollback: false``) the failure is followed by ``ROLLBACK_IN_PROGRESS`` and, one
more ``STACK_OP_DELAY`` later, ``ROLLBACK_COMPLETE`` (an update rollback restores the previous template,
parameters, environment, files and tags).  The failure events are recorded.

Hidden parameters: their values never reach the state (``GET /_emulator/state``, ``--state`` file) nor any
answer; they stay in process memory for outputs and PATCH (after a restart from a state file they read as
``******``).  ``GET .../environment`` masks them too.

Resource types are never executed: any ``type`` string is valid.  Fake attributes for ``get_attr``: the
resolved property of that name when the resource has one, ``{"id", "name", "type"}`` for ``show``, otherwise the
string ``"<resource>.<attribute>"``.  ``get_resource`` gives the resource's physical id (a UUID derived from the
stack id and the resource name).  Functions evaluated in outputs and properties: ``get_param``, ``get_attr``,
``get_resource``, ``list_join``, ``str_replace``; others are returned as written.

YAML is parsed with PyYAML when it is importable (it is wherever Ansible is; imported on the first YAML
document, not at start-up); otherwise with the built-in
``mini_yaml_load``, which reads the subset templates use (block and flow collections, plain and quoted scalars,
``|``/``>`` block scalars, comments; no anchors, tags or multi-documents).  Dates such as
``heat_template_version: 2018-08-31`` stay strings, as in Heat.
"""

import copy
import json
import re
import time
import uuid
from urllib.parse import unquote, urlsplit

import readings
from core import heat_error

# Readings (see readings.py and docs/emulator.md): where the source leaves room, the alternative behind a switch.
NO_PREVIEW = readings.declare(
    "heat_no_preview", "heat", "EasyStack stack API list (no preview)",
    "the reference lists no update preview: PUT /stacks/{name}/{id}/preview answers 404 instead of Heat's "
    "resource_changes")

STACK_OP_DELAY = 2.0
MASK = "******"
# values of hidden parameters, by configuration: kept in process memory only, never in the state (dump, file)
_SECRETS = {}

HOT_VERSIONS = ("2013-05-23", "2014-10-16", "2015-04-30", "2015-10-15", "2016-04-08", "2016-10-14",
                "2017-02-24", "2017-09-01", "2018-03-02", "2018-08-31", "2021-04-16", "newton", "ocata",
                "pike", "queens", "rocky", "wallaby")
HOT_SECTIONS = ("heat_template_version", "description", "parameter_groups", "parameters", "resources",
                "outputs", "conditions")
RESOURCE_KEYS = ("type", "properties", "metadata", "depends_on", "update_policy", "deletion_policy",
                 "external_id", "condition")
PARAM_KEYS = ("type", "label", "description", "default", "hidden", "constraints", "immutable", "tags")
PARAM_TYPES = {"string": "String", "number": "Number", "json": "Json", "comma_delimited_list": "CommaDelimitedList",
               "boolean": "Boolean"}
PSEUDO_PARAMS = ("OS::stack_id", "OS::stack_name", "OS::project_id")
FAIL_TYPE = "FleetOps::Test::Fail"
STACK_NAME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9_.-]{0,254}$")
SUBPATHS = ("template", "environment", "files", "events", "resources", "outputs")
TRUE_STRINGS = ("1", "t", "true", "on", "y", "yes")
FALSE_STRINGS = ("0", "f", "false", "off", "n", "no")


def _bad(msg):
    return heat_error(400, "Bad Request", msg)


def _ts(when):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when))


def _data(state):
    heat = state.data.setdefault("heat", {})
    heat.setdefault("stacks", {})
    heat.setdefault("seq", 0)
    return heat


def _next_seq(heat):
    heat["seq"] = heat.get("seq", 0) + 1
    return heat["seq"]


# ------------------------------------------------------------------------------------------------ parsing

_YAML = {}  # "module" and "loader" once PyYAML was looked for (lazily: importing it costs start-up time)


def _yaml():
    """(yaml module, loader class) -- or (None, None) without PyYAML -- imported on the first YAML document."""
    if "module" not in _YAML:
        try:
            import yaml  # pylint: disable=import-outside-toplevel
        except ImportError:  # pragma: no cover - PyYAML comes with Ansible
            _YAML.update(module=None, loader=None)
        else:
            class _Loader(yaml.SafeLoader):  # pylint: disable=too-many-ancestors
                """SafeLoader that keeps timestamps (template versions) as strings, like Heat's loader."""

            def _timestamp_as_str(loader, node):
                return loader.construct_scalar(node)

            _Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_str)
            _YAML.update(module=yaml, loader=_Loader)
    return _YAML["module"], _YAML["loader"]


def _parse_document(text, what):
    """A mapping from a YAML or JSON string."""
    text = text.strip()
    if not text:
        raise _bad("The %s is empty" % what)
    try:
        doc = json.loads(text)
    except ValueError:
        yaml, loader = _yaml()
        if yaml is None:
            try:
                doc = mini_yaml_load(text)
            except (MiniYamlError, IndexError) as exc:
                raise _bad("Error parsing %s: %s" % (what, exc))
        else:
            try:
                doc = yaml.load(text, Loader=loader)  # nosec - SafeLoader subclass
            except yaml.YAMLError as exc:
                raise _bad("Error parsing %s: %s" % (what, exc))
    if not isinstance(doc, dict):
        raise _bad("The %s is not a JSON object or YAML mapping." % what)
    return doc


def _read_url(url):
    parts = urlsplit(url)
    if parts.scheme != "file":
        raise _bad("Could not retrieve template: the emulator only reads file:// URLs, not %s" % url)
    try:
        with open(unquote(parts.path), "r") as handle:
            return handle.read()
    except (IOError, OSError, UnicodeDecodeError) as exc:
        raise _bad("Could not retrieve template: %s" % exc)


def _template_from(body):
    template = body.get("template")
    url = body.get("template_url")
    if template is None and not url:
        raise _bad("Need more arguments: template or template_url is required")
    if template is None:
        if not isinstance(url, str):
            raise _bad("template_url must be a string")
        return _parse_document(_read_url(url), "template")
    if isinstance(template, str):
        return _parse_document(template, "template")
    if not isinstance(template, dict):
        raise _bad("The template is not a JSON object or YAML mapping.")
    return template


def _environment_from(body, files):
    env = body.get("environment") or {}
    if isinstance(env, str):
        env = _parse_document(env, "environment")
    if not isinstance(env, dict):
        raise _bad("The environment is not a JSON object or YAML mapping.")
    merged = {"parameters": {}, "parameter_defaults": {}, "resource_registry": {"resources": {}},
              "event_sinks": [], "encrypted_param_names": []}
    layers = [env]
    env_files = body.get("environment_files") or []
    if not isinstance(env_files, list):
        raise _bad("environment_files must be a list of file names")
    for name in env_files:
        if name not in files:
            raise _bad("Could not fetch environment file %s: it is not in files" % name)
        layers.append(_parse_document(files[name], "environment file %s" % name))
    for layer in layers:
        unknown = sorted(set(layer) - set(merged))
        if unknown:
            raise _bad("environment has wrong section \"%s\"" % unknown[0])
        for key in ("parameters", "parameter_defaults"):
            if layer.get(key) is not None and not isinstance(layer.get(key), dict):
                raise _bad("environment section %s must be a mapping" % key)
            merged[key].update(layer.get(key) or {})
        registry = layer.get("resource_registry") or {}
        if not isinstance(registry, dict):
            raise _bad("environment section resource_registry must be a mapping")
        for key, value in registry.items():
            if key == "resources" and isinstance(value, dict):
                merged["resource_registry"]["resources"].update(value)
            else:
                merged["resource_registry"][key] = value
        merged["event_sinks"].extend(layer.get("event_sinks") or [])
    return merged


def _files_from(body):
    files = body.get("files") or {}
    if not isinstance(files, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
        raise _bad("files must be a mapping of file names to file contents")
    return files


# ------------------------------------------------------------------------------------ mini YAML

class MiniYamlError(ValueError):
    """A template the YAML subset parser cannot read."""


_INT_RE = re.compile(r"^[-+]?(0|[1-9][0-9_]*)$")
_FLOAT_RE = re.compile(r"^[-+]?([0-9][0-9_]*)?\.[0-9]+([eE][-+]?[0-9]+)?$|^[-+]?[0-9]+[eE][-+]?[0-9]+$")
_YAML_TRUE = ("true", "yes", "on")
_YAML_FALSE = ("false", "no", "off")


def _plain_scalar(text):
    """Resolve a plain scalar the way YAML 1.1 (PyYAML) does, but keep dates as strings."""
    lower = text.lower()
    if text in ("", "~") or lower == "null":
        return None
    if lower in _YAML_TRUE:
        return True
    if lower in _YAML_FALSE:
        return False
    if _INT_RE.match(text):
        return int(text.replace("_", ""))
    if _FLOAT_RE.match(text):
        return float(text.replace("_", ""))
    return text


def _strip_comment(text):
    quote = None
    for index, char in enumerate(text):
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"" and (index == 0 or text[index - 1] in " [{,:-"):
            quote = char
        elif char == "#" and (index == 0 or text[index - 1] in " \t"):
            return text[:index].rstrip()
    return text.rstrip()


class _Flow(object):
    """Parser for one flow value: ``[..]``, ``{..}``, quoted or plain scalars."""

    def __init__(self, text):
        self.text = text
        self.pos = 0

    def parse(self):
        value = self.value(top=True)
        self.skip()
        if self.pos != len(self.text):
            raise MiniYamlError("unexpected text after a value: %r" % self.text[self.pos:])
        return value

    def skip(self):
        while self.pos < len(self.text) and self.text[self.pos] in " \t\n":
            self.pos += 1

    def value(self, top=False):
        self.skip()
        if self.pos >= len(self.text):
            return None
        char = self.text[self.pos]
        if char == "[":
            return self.sequence()
        if char == "{":
            return self.mapping()
        if char in "'\"":
            return self.quoted()
        start = self.pos
        stops = "" if top else ",]}"
        while self.pos < len(self.text) and self.text[self.pos] not in stops:
            if not top and self.text[self.pos] == ":" and self.text[self.pos + 1:self.pos + 2] in (" ", ""):
                break
            self.pos += 1
        return _plain_scalar(self.text[start:self.pos].strip())

    def quoted(self):
        quote = self.text[self.pos]
        self.pos += 1
        out = []
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if quote == "'" and char == "'":
                if self.text[self.pos + 1:self.pos + 2] == "'":
                    out.append("'")
                    self.pos += 2
                    continue
                self.pos += 1
                return "".join(out)
            if quote == '"' and char == "\\":
                escape = self.text[self.pos + 1:self.pos + 2]
                out.append({"n": "\n", "t": "\t", '"': '"', "\\": "\\", "/": "/", "r": "\r"}.get(escape, escape))
                self.pos += 2
                continue
            if quote == '"' and char == '"':
                self.pos += 1
                return "".join(out)
            out.append(char)
            self.pos += 1
        raise MiniYamlError("unterminated quoted string")

    def expect(self, char):
        self.skip()
        if self.text[self.pos:self.pos + 1] != char:
            raise MiniYamlError("expected %r at %r" % (char, self.text[self.pos:self.pos + 20]))
        self.pos += 1

    def sequence(self):
        self.expect("[")
        items = []
        self.skip()
        if self.text[self.pos:self.pos + 1] == "]":
            self.pos += 1
            return items
        for dummy in range(len(self.text)):
            items.append(self.value())
            self.skip()
            if self.text[self.pos:self.pos + 1] == ",":
                self.pos += 1
                continue
            self.expect("]")
            return items
        raise MiniYamlError("unterminated flow sequence")

    def mapping(self):
        self.expect("{")
        result = {}
        self.skip()
        if self.text[self.pos:self.pos + 1] == "}":
            self.pos += 1
            return result
        for dummy in range(len(self.text)):
            key = self.value()
            self.expect(":")
            result[key] = self.value()
            self.skip()
            if self.text[self.pos:self.pos + 1] == ",":
                self.pos += 1
                continue
            self.expect("}")
            return result
        raise MiniYamlError("unterminated flow mapping")


def _split_key(text):
    """(key, rest) when ``text`` is ``key: rest`` (or ``key:``), else None."""
    if text[:1] in "'\"":
        flow = _Flow(text)
        key = flow.quoted()
        rest = text[flow.pos:].lstrip()
        if rest == ":" or rest.startswith(": "):
            return key, rest[1:].strip()
        return None
    if text[:1] in "[{":
        return None
    for index, char in enumerate(text):
        if char == ":" and (index + 1 == len(text) or text[index + 1] in " \t"):
            return _plain_scalar(text[:index].strip()), text[index + 1:].strip()
        if char == "#" and index and text[index - 1] == " ":
            return None
    return None


class _Block(object):
    """Indentation-based parser for the block part of a YAML document."""

    def __init__(self, text):
        self.raw = text.replace("\t", "    ").split("\n")
        self.lines = []
        index = 0
        while index < len(self.raw):
            line = self.raw[index]
            stripped = _strip_comment(line)
            if stripped.strip() and stripped.strip() not in ("---", "..."):
                self.lines.append([len(line) - len(line.lstrip(" ")), stripped.strip(), index])
            index += 1

    def parse(self):
        if not self.lines:
            return None
        value, pos = self.node(0, self.lines[0][0])
        if pos != len(self.lines):
            raise MiniYamlError("bad indentation at line %d" % (self.lines[pos][2] + 1))
        return value

    def node(self, pos, indent):
        text = self.lines[pos][1]
        if text == "-" or text.startswith("- "):
            return self.sequence(pos, indent)
        if _split_key(text) is not None:
            return self.mapping(pos, indent)
        return self.inline(pos, text, indent)

    def inline(self, pos, text, indent):
        """A scalar or flow value starting on line ``pos``; flow collections may span lines."""
        if text[:1] in "|>":
            return self.block_scalar(pos, text, indent)
        pos += 1
        if text[:1] in "[{":
            depth = _depth(text)
            while depth > 0 and pos < len(self.lines):
                text += " " + self.lines[pos][1]
                depth = _depth(text)
                pos += 1
        elif text[:1] not in "'\"":
            while pos < len(self.lines) and self.lines[pos][0] > indent and _split_key(self.lines[pos][1]) is None \
                    and not self.lines[pos][1].startswith("- "):
                text += " " + self.lines[pos][1]
                pos += 1
        return _Flow(text).parse(), pos

    def block_scalar(self, pos, header, indent):
        style, chomp = header[0], header[1:2]
        first_raw = self.lines[pos][2] + 1
        raw_lines = []
        index = first_raw
        while index < len(self.raw):
            line = self.raw[index]
            if line.strip() and len(line) - len(line.lstrip(" ")) <= indent:
                break
            raw_lines.append(line)
            index += 1
        while raw_lines and not raw_lines[-1].strip():
            raw_lines.pop()
        body_indent = min([len(line) - len(line.lstrip(" ")) for line in raw_lines if line.strip()] or [0])
        body = [line[body_indent:] for line in raw_lines]
        if style == "|":
            text = "\n".join(body)
        else:
            text = " ".join(line.strip() for line in body if line.strip())
        if chomp != "-" and text:
            text += "\n"
        pos += 1
        while pos < len(self.lines) and self.lines[pos][2] < index:
            pos += 1
        return text, pos

    def value_after(self, pos, rest, indent):
        """The value of a ``key:`` or ``-`` whose inline part is ``rest``; the nested block follows."""
        if rest:
            return self.inline(pos, rest, indent)
        pos += 1
        if pos < len(self.lines) and self.lines[pos][0] > indent:
            return self.node(pos, self.lines[pos][0])
        if pos < len(self.lines) and self.lines[pos][0] == indent and self.lines[pos][1].startswith("-"):
            return self.sequence(pos, indent)
        return None, pos

    def mapping(self, pos, indent):
        result = {}
        while pos < len(self.lines) and self.lines[pos][0] == indent:
            split = _split_key(self.lines[pos][1])
            if split is None:
                raise MiniYamlError("expected a mapping key at line %d" % (self.lines[pos][2] + 1))
            key, rest = split
            if key in result:
                raise MiniYamlError("duplicate key %s at line %d" % (key, self.lines[pos][2] + 1))
            result[key], pos = self.value_after(pos, rest, indent)
        if pos < len(self.lines) and self.lines[pos][0] > indent:
            raise MiniYamlError("bad indentation at line %d" % (self.lines[pos][2] + 1))
        return result, pos

    def sequence(self, pos, indent):
        items = []
        while pos < len(self.lines) and self.lines[pos][0] == indent and (
                self.lines[pos][1] == "-" or self.lines[pos][1].startswith("- ")):
            rest = self.lines[pos][1][1:].strip()
            if rest and _split_key(rest) is not None and rest[:1] not in "[{":
                inner = indent + len(self.lines[pos][1]) - len(rest)
                self.lines[pos] = [inner, rest, self.lines[pos][2]]
                value, pos = self.mapping(pos, inner)
            elif rest.startswith("- "):
                inner = indent + len(self.lines[pos][1]) - len(rest)
                self.lines[pos] = [inner, rest, self.lines[pos][2]]
                value, pos = self.sequence(pos, inner)
            else:
                value, pos = self.value_after(pos, rest, indent)
            items.append(value)
        return items, pos


def _depth(text):
    depth = 0
    quote = None
    for char in text:
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
    return depth


def mini_yaml_load(text):
    """Parse the YAML subset Heat templates use (block and flow collections, scalars, ``|``/``>`` blocks)."""
    return _Block(text).parse()


# ----------------------------------------------------------------------------------------- validation

def _version_ok(version):
    if not isinstance(version, str):
        return False
    if version in HOT_VERSIONS:
        return True
    return bool(re.match(r"^\d{4}-\d{2}-\d{2}$", version)) and version >= "2013-05-23"


def _walk_functions(node, path, found):
    """Collect (function, argument, path) of every intrinsic function call in ``node``."""
    if isinstance(node, dict):
        if len(node) == 1:
            key = next(iter(node))
            if key in ("get_param", "get_resource", "get_attr"):
                found.append((key, node[key], path))
        for key, value in node.items():
            _walk_functions(value, "%s.%s" % (path, key), found)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _walk_functions(value, "%s[%d]" % (path, index), found)


def _param_type(name, schema):
    ptype = schema.get("type")
    if not isinstance(ptype, str) or ptype.lower() not in PARAM_TYPES:
        raise _bad("Parameter '%s' is invalid: Invalid type (%s)" % (name, ptype))
    return ptype.lower()


def _constraints(name, schema):
    constraints = schema.get("constraints") or []
    if not isinstance(constraints, list):
        raise _bad("Parameter '%s' is invalid: constraints must be a list" % name)
    for constraint in constraints:
        if not isinstance(constraint, dict):
            raise _bad("Parameter '%s' is invalid: each constraint must be a mapping" % name)
        known = set(constraint) - set(("description",))
        if not known <= set(("allowed_values", "length", "range", "allowed_pattern", "custom_constraint",
                             "modulo")):
            raise _bad("Parameter '%s' is invalid: unknown constraint %s" % (name, ", ".join(sorted(known))))
    return constraints


def _to_bool(value):
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE_STRINGS:
        return True
    if text in FALSE_STRINGS:
        return False
    accepted = ", ".join(TRUE_STRINGS + FALSE_STRINGS)
    raise ValueError("Unrecognized value '%s', acceptable values are: %s" % (value, accepted))


def _to_number(value):
    if isinstance(value, bool):
        raise ValueError("could not convert %r to a number" % value)
    if isinstance(value, (int, float)):
        return value
    text = str(value).strip()
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            raise ValueError("could not convert string to float: '%s'" % text)


def _coerce(name, ptype, value):
    """The typed value of parameter ``name`` or a 400."""
    try:
        if ptype == "number":
            return _to_number(value)
        if ptype == "boolean":
            return _to_bool(value)
        if ptype == "json":
            if isinstance(value, str):
                value = json.loads(value) if value.strip() else {}
            if not isinstance(value, (dict, list)):
                raise ValueError("Value must be valid JSON")
            return value
        if ptype == "comma_delimited_list":
            if isinstance(value, list):
                return [str(v) for v in value]
            text = str(value)
            return [item.strip() for item in text.split(",")] if text else []
        if isinstance(value, (dict, list)):
            return json.dumps(value)
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)
    except ValueError as exc:
        raise _bad("Parameter '%s' is invalid: %s" % (name, exc))


def _check_constraints(name, ptype, value, constraints):
    try:
        _apply_constraints(name, value, constraints)
    except (TypeError, re.error) as exc:
        raise _bad("Parameter '%s' is invalid: the constraints do not fit its type %s (%s)" % (name, ptype, exc))


def _apply_constraints(name, value, constraints):
    for constraint in constraints:
        desc = constraint.get("description")
        problem = None
        if "allowed_values" in constraint:
            allowed = constraint["allowed_values"] or []
            comparable = [str(v) for v in allowed]
            values = value if isinstance(value, list) else [value]
            if any(str(v) not in comparable for v in values):
                problem = '"%s" is not an allowed value %s' % (value, comparable)
        elif "length" in constraint and isinstance(constraint["length"], dict):
            size = len(value)
            low, high = constraint["length"].get("min"), constraint["length"].get("max")
            if (low is not None and size < low) or (high is not None and size > high):
                problem = "length (%d) is out of range (min: %s, max: %s)" % (size, low, high)
        elif "range" in constraint and isinstance(constraint["range"], dict):
            low, high = constraint["range"].get("min"), constraint["range"].get("max")
            if (low is not None and value < low) or (high is not None and value > high):
                problem = "%s is out of range (min: %s, max: %s)" % (value, low, high)
        elif "allowed_pattern" in constraint:
            if not re.match("^(?:%s)$" % constraint["allowed_pattern"], str(value)):
                problem = '"%s" does not match pattern "%s"' % (value, constraint["allowed_pattern"])
        if problem:
            raise _bad("Parameter '%s' is invalid: %s" % (name, desc or problem))


def validate_template(template):
    """Check a parsed HOT template; returns {name: (type, schema, constraints)} of its parameters."""
    version = template.get("heat_template_version")
    if version is None:
        if "AWSTemplateFormatVersion" in template or "HeatTemplateFormatVersion" in template:
            raise _bad("The emulator supports HOT templates only (heat_template_version)")
        raise _bad("Template format version not found.")
    if not _version_ok(version):
        raise _bad('The template version is invalid: "heat_template_version: %s". "heat_template_version" should be '
                   'one of: %s' % (version, ", ".join(HOT_VERSIONS)))
    for key in template:
        if key not in HOT_SECTIONS:
            raise _bad("The template section is invalid: %s" % key)
    desc = template.get("description")
    if desc is not None and not isinstance(desc, str):
        raise _bad("The template description must be a string")
    params = template.get("parameters") or {}
    if not isinstance(params, dict):
        raise _bad("The template section parameters must be a mapping")
    schemas = {}
    for name, schema in params.items():
        if not isinstance(schema, dict):
            raise _bad("Parameter '%s' is invalid: the definition must be a mapping" % name)
        unknown = sorted(set(schema) - set(PARAM_KEYS))
        if unknown:
            raise _bad('Parameter \'%s\' is invalid: "%s" is not a valid keyword inside a parameter definition'
                       % (name, unknown[0]))
        ptype = _param_type(name, schema)
        constraints = _constraints(name, schema)
        if "default" in schema and schema["default"] is not None:
            value = _coerce(name, ptype, schema["default"])
            _check_constraints(name, ptype, value, constraints)
        schemas[name] = (ptype, schema, constraints)
    groups = template.get("parameter_groups") or []
    if not isinstance(groups, list):
        raise _bad("The template section parameter_groups must be a list")
    for group in groups:
        if not isinstance(group, dict) or not isinstance(group.get("parameters", []), list):
            raise _bad("Parameters must be provided for each Parameter Group.")
        for pname in group.get("parameters") or []:
            if pname not in schemas:
                raise _bad("The grouped parameter %s does not reference a valid parameter." % pname)
    resources = template.get("resources") or {}
    if not isinstance(resources, dict):
        raise _bad("The template section resources must be a mapping")
    for rname, rdef in resources.items():
        if not isinstance(rdef, dict):
            raise _bad('Resource %s is invalid: the definition must be a mapping' % rname)
        unknown = sorted(set(rdef) - set(RESOURCE_KEYS))
        if unknown:
            raise _bad('"%s" is not a valid keyword inside a resource definition' % unknown[0])
        if not isinstance(rdef.get("type"), str) or not rdef.get("type"):
            raise _bad('Resource %s is missing "type"' % rname)
        if rdef.get("properties") is not None and not isinstance(rdef["properties"], dict):
            raise _bad("Resource %s: properties must be a mapping" % rname)
        deps = rdef.get("depends_on") or []
        for dep in deps if isinstance(deps, list) else [deps]:
            if not isinstance(dep, str) or dep not in resources:
                raise _bad('The specified reference "%s" (in %s) is incorrect.' % (dep, rname))
    outputs = template.get("outputs") or {}
    if not isinstance(outputs, dict):
        raise _bad("The template section outputs must be a mapping")
    for oname, odef in outputs.items():
        if not isinstance(odef, dict) or "value" not in odef:
            raise _bad('Output %s: each output must be a mapping with a "value"' % oname)
    found = []
    _walk_functions(resources, "resources", found)
    _walk_functions(outputs, "outputs", found)
    for func, arg, path in found:
        if func == "get_param":
            pname = arg[0] if isinstance(arg, list) and arg else arg
            if not isinstance(pname, str):
                raise _bad("%s: Arguments to \"get_param\" must be a parameter name or a list" % path)
            if pname not in schemas and pname not in PSEUDO_PARAMS:
                raise _bad("%s: The Parameter (%s) was not defined in template." % (path, pname))
        else:
            rname = arg[0] if isinstance(arg, list) and arg else arg
            if not isinstance(rname, str) or rname not in resources:
                raise _bad('The specified reference "%s" (in %s) is incorrect.' % (rname, path))
    return schemas


def _resolve_parameters(schemas, env, given, validate_values=True):
    """{name: typed value or None}; 400 for an undeclared, missing or invalid parameter."""
    given = given or {}
    if not isinstance(given, dict):
        raise _bad("parameters must be a mapping")
    for name in given:
        if name not in schemas:
            raise _bad("The Parameter (%s) was not defined in template." % name)
    values = {}
    for name, (ptype, schema, constraints) in schemas.items():
        if name in given:
            raw = given[name]
        elif name in env.get("parameters", {}):
            raw = env["parameters"][name]
        elif name in env.get("parameter_defaults", {}):
            raw = env["parameter_defaults"][name]
        elif schema.get("default") is not None:
            raw = schema["default"]
        else:
            if validate_values:
                raise _bad("The Parameter (%s) was not provided." % name)
            values[name] = None
            continue
        value = _coerce(name, ptype, raw)
        if validate_values:
            _check_constraints(name, ptype, value, constraints)
        values[name] = value
    return values


def _param_schema_view(name, ptype, schema, constraints, env):
    view = {"Type": PARAM_TYPES[ptype], "Description": schema.get("description", ""),
            "Label": schema.get("label") or name, "NoEcho": "true" if schema.get("hidden") else "false"}
    if "default" in schema:
        view["Default"] = schema["default"]
    if name in env.get("parameters", {}):
        view["Value"] = env["parameters"][name]
    elif name in env.get("parameter_defaults", {}):
        view["Value"] = env["parameter_defaults"][name]
    for constraint in constraints:
        if "allowed_values" in constraint:
            view["AllowedValues"] = constraint["allowed_values"]
        if "allowed_pattern" in constraint:
            view["AllowedPattern"] = constraint["allowed_pattern"]
        if isinstance(constraint.get("length"), dict):
            if "min" in constraint["length"]:
                view["MinLength"] = constraint["length"]["min"]
            if "max" in constraint["length"]:
                view["MaxLength"] = constraint["length"]["max"]
        if isinstance(constraint.get("range"), dict):
            if "min" in constraint["range"]:
                view["MinValue"] = constraint["range"]["min"]
            if "max" in constraint["range"]:
                view["MaxValue"] = constraint["range"]["max"]
        if "custom_constraint" in constraint:
            view["CustomConstraint"] = constraint["custom_constraint"]
        if constraint.get("description"):
            view["ConstraintDescription"] = constraint["description"]
    if schema.get("tags"):
        view["Tags"] = schema["tags"]
    return view


def validate(req):
    body = req.json()
    if not isinstance(body, dict):
        raise _bad("The request body must be a JSON object")
    files = _files_from(body)
    template = _template_from(body)
    schemas = validate_template(template)
    env = _environment_from(body, files)
    _resolve_parameters(schemas, env, {}, validate_values=False)
    params = dict((name, _param_schema_view(name, ptype, schema, constraints, env))
                  for name, (ptype, schema, constraints) in schemas.items())
    groups = [dict((k, v) for k, v in group.items()) for group in template.get("parameter_groups") or []]
    return 200, {"Description": template.get("description", "No description"), "Parameters": params,
                 "ParameterGroups": groups, "Environment": env}


# -------------------------------------------------------------------------------------- evaluation

def _physical_id(stack_id, rname):
    return str(uuid.uuid5(uuid.UUID(stack_id), rname))


def _evaluate(node, ctx, depth=0):
    """Evaluate the supported intrinsic functions in ``node``."""
    if depth > 50:
        return node
    if isinstance(node, list):
        return [_evaluate(v, ctx, depth + 1) for v in node]
    if not isinstance(node, dict):
        return node
    if len(node) == 1:
        key, arg = next(iter(node.items()))
        if key == "get_param":
            return _get_param(arg, ctx, depth)
        if key == "get_resource" and isinstance(arg, str):
            return _physical_id(ctx["stack_id"], arg)
        if key == "get_attr" and isinstance(arg, list) and len(arg) >= 2:
            return _get_attr(arg, ctx, depth)
        if key == "list_join" and isinstance(arg, list) and len(arg) >= 2:
            items = []
            for part in arg[1:]:
                value = _evaluate(part, ctx, depth + 1)
                items.extend(value if isinstance(value, list) else [value])
            return str(_evaluate(arg[0], ctx, depth + 1)).join(str(i) for i in items)
        if key == "str_replace" and isinstance(arg, dict):
            text = str(_evaluate(arg.get("template", ""), ctx, depth + 1))
            params = _evaluate(arg.get("params") or {}, ctx, depth + 1)
            for pkey, pval in (params.items() if isinstance(params, dict) else []):
                text = text.replace(str(pkey), pval if isinstance(pval, str) else json.dumps(pval))
            return text
    return dict((k, _evaluate(v, ctx, depth + 1)) for k, v in node.items())


def _get_param(arg, ctx, depth):
    path = arg if isinstance(arg, list) else [arg]
    name = _evaluate(path[0], ctx, depth + 1)
    if name == "OS::stack_id":
        value = ctx["stack_id"]
    elif name == "OS::stack_name":
        value = ctx["stack_name"]
    elif name == "OS::project_id":
        value = ctx["project_id"]
    else:
        value = ctx["params"].get(name)
    for key in path[1:]:
        key = _evaluate(key, ctx, depth + 1)
        try:
            value = value[int(key)] if isinstance(value, list) else value[key]
        except (KeyError, IndexError, TypeError, ValueError):
            return None
    return value


def _get_attr(arg, ctx, depth):
    rname, attr = arg[0], _evaluate(arg[1], ctx, depth + 1)
    rdef = ctx["resources"].get(rname) or {}
    if attr == "show":
        value = {"id": _physical_id(ctx["stack_id"], rname), "name": rname, "type": rdef.get("type")}
    else:
        props = rdef.get("properties") or {}
        if isinstance(attr, str) and attr in props:
            value = _evaluate(props[attr], ctx, depth + 1)
        else:
            value = "%s.%s" % (rname, attr)
    for key in arg[2:]:
        key = _evaluate(key, ctx, depth + 1)
        try:
            value = value[int(key)] if isinstance(value, list) else value[key]
        except (KeyError, IndexError, TypeError, ValueError):
            return None
    return value


def _seal(state, config):
    """Move the values of hidden parameters out of the stored configuration (into process memory)."""
    secret = {"given": {}, "values": {}, "env": {"parameters": {}, "parameter_defaults": {}}}
    for name, schema in (config["template"].get("parameters") or {}).items():
        if not schema.get("hidden"):
            continue
        if name in config["given"]:
            secret["given"][name] = config["given"][name]
            config["given"][name] = MASK
        if config["values"].get(name) is not None:
            secret["values"][name] = config["values"][name]
            config["values"][name] = MASK
        for section in ("parameters", "parameter_defaults"):
            if name in config["environment"].get(section, {}):
                secret["env"][section][name] = config["environment"][section][name]
                config["environment"][section][name] = MASK
    config["secret_ref"] = state.new_id()
    _SECRETS[config["secret_ref"]] = secret
    return config


def _unsealed(config):
    """A copy of a stored configuration with the hidden values put back (when this process still has them)."""
    result = copy.deepcopy(config)
    secret = _SECRETS.get(config.get("secret_ref")) or {}
    result["given"].update(secret.get("given") or {})
    result["values"].update(secret.get("values") or {})
    for section, values in (secret.get("env") or {}).items():
        result["environment"].setdefault(section, {}).update(values)
    return result


def _context(stack, config):
    values = _unsealed(config)["values"]
    return {"stack_id": stack["id"], "stack_name": stack["stack_name"], "project_id": stack["project_id"],
            "params": values, "resources": config["template"].get("resources") or {}}


def _failing_resource(stack, config):
    ctx = _context(stack, config)
    for rname, rdef in (config["template"].get("resources") or {}).items():
        if rdef.get("type") == FAIL_TYPE:
            return rname
        props = rdef.get("properties") or {}
        if "fail" in props:
            value = _evaluate(props["fail"], ctx)
            try:
                if _to_bool(value):
                    return rname
            except ValueError:
                continue
    return None


# ------------------------------------------------------------------------------------- life cycle

def _phases(action, resources, failing, rollback):
    """The timeline of an operation: [offset, stack status, reason, [(resource, status, reason)], effect]."""
    started = [[0.0, "%s_IN_PROGRESS" % action, "Stack %s started" % action,
                [(r, "%s_IN_PROGRESS" % action, "state changed") for r in resources], None]]
    if action == "DELETE":
        return started + [[STACK_OP_DELAY, "DELETE_COMPLETE", "Stack DELETE completed successfully",
                           [(r, "DELETE_COMPLETE", "state changed") for r in resources], "deleted"]]
    if failing is None:
        return started + [[STACK_OP_DELAY, "%s_COMPLETE" % action, "Stack %s completed successfully" % action,
                           [(r, "%s_COMPLETE" % action, "state changed") for r in resources], None]]
    error = "FleetOpsTestFailure: resources.%s: forced failure (%s or properties.fail)" % (failing, FAIL_TYPE)
    res_events = []
    for rname in resources:
        if rname == failing:
            res_events.append((rname, "%s_FAILED" % action, error))
        else:
            res_events.append((rname, "%s_COMPLETE" % action, "state changed"))
    timeline = started + [[STACK_OP_DELAY, "%s_FAILED" % action, "Resource %s failed: %s" % (action, error),
                           res_events, None]]
    if rollback:
        undo = "DELETE" if action == "CREATE" else "UPDATE"
        timeline.append([STACK_OP_DELAY, "ROLLBACK_IN_PROGRESS", "Stack ROLLBACK started", [], None])
        timeline.append([2 * STACK_OP_DELAY, "ROLLBACK_COMPLETE", "Stack ROLLBACK completed successfully",
                         [(r, "%s_COMPLETE" % undo, "state changed") for r in resources], "rollback"])
    return timeline


def _start(state, stack, action, rollback):
    config = stack["config"]
    resources = list((config["template"].get("resources") or {}).keys())
    failing = None if action == "DELETE" else _failing_resource(stack, config)
    stack["op"] = {"action": action, "t0": state.now(), "done": 0,
                   "phases": _phases(action, resources, failing, rollback)}
    _advance(state, stack)


def _event(stack, rname, status, reason, when, rtype):
    stack["events_seq"] = stack.get("events_seq", 0) + 1
    is_stack = rname is None
    return {"id": str(uuid.uuid5(uuid.UUID(stack["id"]), "event-%d" % stack["events_seq"])),
            "seq": stack["events_seq"],
            "event_time": _ts(when),
            "resource_name": stack["stack_name"] if is_stack else rname,
            "logical_resource_id": stack["stack_name"] if is_stack else rname,
            "physical_resource_id": stack["id"] if is_stack else _physical_id(stack["id"], rname),
            "resource_status": status,
            "resource_status_reason": reason,
            "resource_type": "OS::Heat::Stack" if is_stack else rtype}


def _advance(state, stack):
    """Materialise the phases of the current operation that are due (lazy transitions)."""
    op = stack.get("op")
    if not op:
        return
    elapsed = state.elapsed(op["t0"])
    while op["done"] < len(op["phases"]) and op["phases"][op["done"]][0] <= elapsed:
        offset, status, reason, res_events, effect = op["phases"][op["done"]]
        when = op["t0"] + offset / state.speed
        types = dict((r, d.get("type")) for r, d in (stack["config"]["template"].get("resources") or {}).items())
        for rname, rstatus, rreason in res_events:
            stack["events"].append(_event(stack, rname, rstatus, rreason, when, types.get(rname)))
            stack["resource_status"][rname] = [rstatus, rreason, _ts(when)]
        stack["events"].append(_event(stack, None, status, reason, when, None))
        stack["stack_status"] = status
        stack["stack_status_reason"] = reason
        if effect == "deleted":
            stack["deleted"] = True
            stack["deletion_time"] = _ts(when)
        elif effect == "rollback":
            if op["action"] == "CREATE":
                stack["resource_status"] = {}
            elif stack.get("previous"):
                stack["config"] = stack["previous"]
                stack["resource_status"] = dict((r, ["UPDATE_COMPLETE", "state changed", _ts(when)])
                                                for r in stack["config"]["template"].get("resources") or {})
        op["done"] += 1


def _advance_all(state, heat):
    for stack in heat["stacks"].values():
        _advance(state, stack)


# ---------------------------------------------------------------------------------------- views

def _base(req):
    return "%s/heat/v1/%s" % (req.state.base_url, req.params["tenant_id"])


def _stack_href(req, stack):
    return "%s/stacks/%s/%s" % (_base(req), stack["stack_name"], stack["id"])


def _display_params(stack):
    config = stack["config"]
    shown = {}
    for name, (ptype, schema, dummy) in _schemas_of(config).items():
        value = config["values"].get(name)
        if schema.get("hidden"):
            shown[name] = MASK
        elif value is None:
            shown[name] = ""
        elif ptype == "json":
            shown[name] = json.dumps(value)
        elif ptype == "comma_delimited_list":
            shown[name] = ",".join(value)
        elif ptype == "boolean":
            shown[name] = "True" if value else "False"
        else:
            shown[name] = str(value)
    shown["OS::stack_id"] = stack["id"]
    shown["OS::stack_name"] = stack["stack_name"]
    shown["OS::project_id"] = stack["project_id"]
    return shown


def _schemas_of(config):
    schemas = {}
    for name, schema in (config["template"].get("parameters") or {}).items():
        schemas[name] = (schema["type"].lower(), schema, schema.get("constraints") or [])
    return schemas


def _outputs(stack):
    config = stack["config"]
    ctx = _context(stack, config)
    result = []
    for key, odef in (config["template"].get("outputs") or {}).items():
        entry = {"output_key": key, "output_value": _evaluate(odef.get("value"), ctx),
                 "description": odef.get("description", "No description given")}
        result.append(entry)
    return result


def _summary(req, stack):
    return {
        "id": stack["id"],
        "stack_name": stack["stack_name"],
        "stack_status": stack["stack_status"],
        "stack_status_reason": stack["stack_status_reason"],
        "creation_time": stack["creation_time"],
        "updated_time": stack["updated_time"],
        "deletion_time": stack.get("deletion_time"),
        "description": stack["config"]["template"].get("description", "No description"),
        "links": [{"href": _stack_href(req, stack), "rel": "self"}],
        "parent": None,
        "stack_owner": stack["owner"],
        "stack_user_project_id": stack["project_id"],
        "project": stack["project_id"],
        "tags": list(stack["config"]["tags"]) or None,
    }


def _detail(req, stack, resolve_outputs=True):
    view = _summary(req, stack)
    view.update({
        "capabilities": [],
        "disable_rollback": stack["config"]["disable_rollback"],
        "notification_topics": [],
        "parameters": _display_params(stack),
        "template_description": stack["config"]["template"].get("description", "No description"),
        "timeout_mins": stack["config"]["timeout_mins"],
        # real Heat: the stack shows [] when it has no tags, the list null
        "tags": list(stack["config"]["tags"]),
    })
    if resolve_outputs:
        view["outputs"] = _outputs(stack)
    return view


# --------------------------------------------------------------------------------------- lookups

def _not_found(name):
    return heat_error(404, "Not Found", "The Stack (%s) could not be found." % name)


def _live(heat):
    return [s for s in heat["stacks"].values() if not s.get("deleted")]


def _lookup(req, name_or_id):
    heat = _data(req.state)
    _advance_all(req.state, heat)
    for stack in _live(heat):
        if stack["id"] == name_or_id or stack["stack_name"] == name_or_id:
            return stack
    raise _not_found(name_or_id)


def _lookup_exact(req, deleted_too=False):
    """The stack at /stacks/{name}/{id}. A deleted one is found too where Heat finds it (the stack GET answers 200
    with DELETE_COMPLETE until the database is purged; its sub-resources and writes answer 404)."""
    heat = _data(req.state)
    _advance_all(req.state, heat)
    name, sid = req.params["stack_name"], req.params["stack_id"]
    stack = heat["stacks"].get(sid)
    if stack is None or (stack.get("deleted") and not deleted_too) or name not in (stack["stack_name"], stack["id"]):
        raise _not_found(name)
    return stack


# -------------------------------------------------------------------------------------- handlers

def _bool_arg(value, what, default):
    if value is None:
        return default
    try:
        return _to_bool(value)
    except ValueError:
        raise _bad("Invalid value for %s: %s" % (what, value))


def _tags_arg(value):
    """Tags as Heat takes them: a comma separated string, stored as split ("" is stored as [""], as the real
    engine does); a JSON list answers 400 there, and here."""
    if value is None:
        return []
    if isinstance(value, str):
        return [t.strip() for t in value.split(",")]
    raise _bad("tags must be a comma separated string")


def _timeout_arg(value):
    if value is None:
        return None
    if isinstance(value, bool):
        raise _bad("Invalid timeout value %s" % value)
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        raise _bad("Invalid timeout value %s" % value)
    if minutes <= 0:
        raise _bad("Invalid timeout value %s" % value)
    return minutes


def _build_config(body, base=None):
    """The stack configuration from a create/update body; ``base`` is the current one for PATCH."""
    patch = base is not None
    files = dict(base["files"]) if patch else {}
    files.update(_files_from(body))
    if patch and body.get("template") is None and not body.get("template_url"):
        template = base["template"]
    else:
        template = _template_from(body)
    schemas = validate_template(template)
    if patch and body.get("environment") is None and not body.get("environment_files"):
        env = base["environment"]
    else:
        env = _environment_from(dict(body, files=files), files)
    given = body.get("parameters") or {}
    if not isinstance(given, dict):
        raise _bad("parameters must be a mapping")
    if patch:
        merged = dict(base["given"])
        for name in body.get("clear_parameters") or []:
            merged.pop(name, None)
        merged.update(given)
        given = dict((k, v) for k, v in merged.items() if k in schemas)
    values = _resolve_parameters(schemas, env, given)
    tags = _tags_arg(body["tags"]) if "tags" in body else (list(base["tags"]) if patch else [])
    timeout = _timeout_arg(body["timeout_mins"]) if "timeout_mins" in body else (base["timeout_mins"] if patch
                                                                                 else None)
    default_rollback = base["disable_rollback"] if base is not None else True
    disable_rollback = _bool_arg(body.get("disable_rollback"), "disable_rollback", default_rollback)
    return {"template": template, "files": files, "environment": env, "given": given, "values": values,
            "tags": tags, "timeout_mins": timeout, "disable_rollback": disable_rollback}


def stacks_create(req):
    state = req.state
    heat = _data(state)
    _advance_all(state, heat)
    body = req.json()
    if not isinstance(body, dict):
        raise _bad("The request body must be a JSON object")
    name = body.get("stack_name")
    if not isinstance(name, str) or not name:
        raise _bad("The Parameter (stack_name) was not provided.")
    if not STACK_NAME_RE.match(name):
        raise _bad('Invalid stack name %s must contain only alphanumeric or "_-." characters, must start with '
                   'alpha and must be 255 characters or less.' % name)
    config = _seal(state, _build_config(body))
    for stack in _live(heat):
        if stack["stack_name"] == name:
            raise heat_error(409, "Conflict", "The Stack (%s) already exists." % name)
    now = state.now()
    sid = state.new_id()
    stack = {"id": sid, "stack_name": name, "project_id": req.params["tenant_id"],
             "owner": (req.auth or {}).get("user") or state.user_name, "seq": _next_seq(heat),
             "creation_time": _ts(now), "updated_time": None, "deletion_time": None, "deleted": False,
             "stack_status": "CREATE_IN_PROGRESS", "stack_status_reason": "Stack CREATE started",
             "config": config, "previous": None, "events": [], "resource_status": {}, "op": None}
    heat["stacks"][sid] = stack
    _start(state, stack, "CREATE", rollback=not config["disable_rollback"])
    return 201, {"stack": {"id": sid, "links": [{"href": _stack_href(req, stack), "rel": "self"}]}}


def _filter_values(req, name):
    values = []
    for raw in req.query.get(name) or []:
        values.extend(v for v in raw.split(",") if v)
    return values


def stacks_list(req):
    state = req.state
    heat = _data(state)
    _advance_all(state, heat)
    show_deleted = _bool_arg(req.q("show_deleted"), "show_deleted", False)
    stacks = list(heat["stacks"].values()) if show_deleted else _live(heat)
    for key in ("id", "name"):
        wanted = req.query.get(key)
        if wanted:
            field = "stack_name" if key == "name" else "id"
            stacks = [s for s in stacks if s[field] in wanted]
    statuses = req.query.get("status")
    if statuses:
        stacks = [s for s in stacks if s["stack_status"] in statuses
                  or s["stack_status"].split("_", 1)[-1] in statuses]
    actions = req.query.get("action")
    if actions:
        stacks = [s for s in stacks if s["stack_status"].split("_", 1)[0] in actions]
    tag_all, tag_any = _filter_values(req, "tags"), _filter_values(req, "tags_any")
    not_all, not_any = _filter_values(req, "not_tags"), _filter_values(req, "not_tags_any")
    if tag_all:
        stacks = [s for s in stacks if set(tag_all) <= set(s["config"]["tags"])]
    if tag_any:
        stacks = [s for s in stacks if set(tag_any) & set(s["config"]["tags"])]
    if not_all:
        stacks = [s for s in stacks if not set(not_all) <= set(s["config"]["tags"])]
    if not_any:
        stacks = [s for s in stacks if not set(not_any) & set(s["config"]["tags"])]
    sort_keys = _filter_values(req, "sort_keys") or ["creation_time"]
    for key in sort_keys:
        if key not in ("stack_name", "stack_status", "creation_time", "updated_time"):
            raise _bad("Sortkey %s is not supported" % key)
    sort_dir = req.q("sort_dir") or ("desc" if sort_keys == ["creation_time"] and not req.q("sort_keys") else "asc")
    if sort_dir not in ("asc", "desc"):
        raise _bad("Unknown sort direction, must be 'desc' or 'asc'")

    def sort_key(stack):
        return tuple(stack.get(k) or "" for k in sort_keys) + (stack["seq"],)
    stacks.sort(key=sort_key, reverse=sort_dir == "desc")
    total = len(stacks)
    marker = req.q("marker")
    if marker:
        ids = [s["id"] for s in stacks]
        if marker not in ids:
            raise _not_found(marker)
        stacks = stacks[ids.index(marker) + 1:]
    limit = req.q("limit")
    if limit is not None and limit != "":
        try:
            limit = int(limit)
        except ValueError:
            raise _bad("Invalid value for limit: %s" % limit)
        if limit < 0:
            raise _bad("limit must be >= 0")
        stacks = stacks[:limit]
    result = {"stacks": [_summary(req, s) for s in stacks]}
    if _bool_arg(req.q("with_count"), "with_count", False):
        result["count"] = total
    return 200, result


def _redirect(req, stack, suffix=""):
    location = _stack_href(req, stack) + suffix
    if req.raw_query:
        location += "?" + req.raw_query
    return 302, {"location": location}, {"Location": location}


def stack_lookup(req):
    return _redirect(req, _lookup(req, req.params["name_or_id"]))


def stack_lookup_sub(req):
    sub = req.path.rstrip("/").rsplit("/", 1)[-1]
    stack = _lookup(req, req.params["name_or_id"])
    return _redirect(req, stack, "/" + sub)


def stack_show(req):
    stack = _lookup_exact(req, deleted_too=True)
    return 200, {"stack": _detail(req, stack, _bool_arg(req.q("resolve_outputs"), "resolve_outputs", True))}


def stack_template(req):
    return 200, _lookup_exact(req)["config"]["template"]


def stack_environment(req):
    return 200, _lookup_exact(req)["config"]["environment"]


def stack_files(req):
    return 200, _lookup_exact(req)["config"]["files"]


def stack_outputs(req):
    stack = _lookup_exact(req)
    return 200, {"outputs": [{"output_key": o["output_key"], "description": o["description"]}
                             for o in _outputs(stack)]}


def stack_output(req):
    stack = _lookup_exact(req)
    for output in _outputs(stack):
        if output["output_key"] == req.params["output_key"]:
            return 200, {"output": output}
    raise heat_error(404, "Not Found", "Specified output key %s not found." % req.params["output_key"])


def _update(req, stack, patch):
    state = req.state
    body = req.json()
    if not isinstance(body, dict):
        raise _bad("The request body must be a JSON object")
    if stack["stack_status"].endswith("_IN_PROGRESS"):
        raise heat_error(409, "Conflict", "Stack %s already has an action (%s) in progress."
                         % (stack["stack_name"], stack["op"]["action"] if stack.get("op") else "UNKNOWN"))
    config = _seal(state, _build_config(body, base=_unsealed(stack["config"]) if patch else None))
    if not patch and "disable_rollback" not in body:
        config["disable_rollback"] = stack["config"]["disable_rollback"]
    stack["previous"] = stack["config"]
    stack["config"] = config
    stack["updated_time"] = _ts(state.now())
    _start(state, stack, "UPDATE", rollback=not config["disable_rollback"])
    return 202, None


def stack_update(req):
    return _update(req, _lookup_exact(req), patch=req.method == "PATCH")


def _resource_values(stack, config):
    ctx = _context(stack, config)
    out = {}
    for rname, rdef in (config["template"].get("resources") or {}).items():
        rdef = rdef if isinstance(rdef, dict) else {}
        out[rname] = (rdef.get("type"), json.dumps(_evaluate(rdef.get("properties") or {}, ctx), sort_keys=True,
                                                   default=str), bool((rdef.get("properties") or {}).get("update_replace")))
    return out


def stack_preview(req):
    """PUT .../preview: which resources a PUT with this body would add, update, replace, delete or keep.

    A changed type is a replacement; changed (resolved) properties an update, or a replacement for a resource
    with ``update_replace: true`` (as OS::Heat::TestResource does in Heat)."""
    if req.state.reading(NO_PREVIEW):
        raise heat_error(404, "Not Found", "The resource could not be found.")
    stack = _lookup_exact(req)
    body = req.json()
    if not isinstance(body, dict):
        raise _bad("The request body must be a JSON object")
    config = _build_config(body)
    old, new = _resource_values(stack, _unsealed(stack["config"])), _resource_values(stack, config)
    changes = dict((key, []) for key in ("added", "deleted", "replaced", "unchanged", "updated"))
    for rname in sorted(set(old) | set(new)):
        if rname not in old:
            kind = "added"
        elif rname not in new:
            kind = "deleted"
        elif old[rname][0] != new[rname][0]:
            kind = "replaced"
        elif old[rname][1] != new[rname][1]:
            kind = "replaced" if new[rname][2] else "updated"
        else:
            kind = "unchanged"
        rtype = (new.get(rname) or old.get(rname))[0]
        changes[kind].append({"resource_name": rname, "logical_resource_id": rname, "resource_type": rtype,
                              "stack_name": stack["stack_name"], "stack_identity": {"stack_id": stack["id"]}})
    return 200, {"resource_changes": changes}


def stack_update_by_name(req):
    return _update(req, _lookup(req, req.params["name_or_id"]), patch=req.method == "PATCH")


def _delete(req, stack):
    if not (stack.get("op") or {}).get("action") == "DELETE":
        stack["previous"] = None
        _start(req.state, stack, "DELETE", rollback=False)
    return 204, None


def stack_delete(req):
    return _delete(req, _lookup_exact(req))


def stack_delete_by_name(req):
    return _delete(req, _lookup(req, req.params["name_or_id"]))


def _event_view(req, stack, event):
    href = _stack_href(req, stack)
    res_href = "%s/resources/%s" % (href, event["resource_name"])
    return {"id": event["id"], "event_time": event["event_time"], "resource_name": event["resource_name"],
            "logical_resource_id": event["logical_resource_id"],
            "physical_resource_id": event["physical_resource_id"], "resource_status": event["resource_status"],
            "resource_status_reason": event["resource_status_reason"],
            "links": [{"href": "%s/events/%s" % (res_href, event["id"]), "rel": "self"},
                      {"href": res_href, "rel": "resource"}, {"href": href, "rel": "stack"}]}


def stack_events(req):
    stack = _lookup_exact(req)
    events = list(stack["events"])
    if req.params.get("resource_name"):
        events = [e for e in events if e["resource_name"] == req.params["resource_name"]]
    for key in ("resource_name", "resource_status", "resource_type"):
        wanted = req.query.get(key)
        if wanted:
            events = [e for e in events if e[key] in wanted]
    actions = req.query.get("resource_action")
    if actions:
        events = [e for e in events if e["resource_status"].split("_", 1)[0] in actions]
    sort_dir = req.q("sort_dir") or "desc"  # Heat lists events newest first unless asked
    if sort_dir not in ("asc", "desc"):
        raise _bad("Unknown sort direction, must be 'desc' or 'asc'")
    events.sort(key=lambda e: e["seq"], reverse=sort_dir == "desc")
    marker = req.q("marker")
    if marker:
        ids = [e["id"] for e in events]
        if marker not in ids:
            raise heat_error(404, "Not Found", "The Event (%s) could not be found." % marker)
        events = events[ids.index(marker) + 1:]
    limit = req.q("limit")
    if limit:
        try:
            events = events[:max(0, int(limit))]
        except ValueError:
            raise _bad("Invalid value for limit: %s" % limit)
    return 200, {"events": [_event_view(req, stack, e) for e in events]}


def _resource_view(req, stack, rname, rdef, required_by):
    status = stack["resource_status"].get(rname) or ["INIT_COMPLETE", "", stack["creation_time"]]
    href = _stack_href(req, stack)
    return {"resource_name": rname, "logical_resource_id": rname,
            "physical_resource_id": _physical_id(stack["id"], rname), "resource_type": rdef.get("type"),
            "resource_status": status[0], "resource_status_reason": status[1], "updated_time": status[2],
            "creation_time": stack["creation_time"], "required_by": required_by.get(rname, []),
            "links": [{"href": "%s/resources/%s" % (href, rname), "rel": "self"}, {"href": href, "rel": "stack"}]}


def _resources(req, stack):
    resources = stack["config"]["template"].get("resources") or {}
    if stack["stack_status"] in ("ROLLBACK_COMPLETE", "DELETE_COMPLETE") and not stack["resource_status"]:
        return {}, {}
    required_by = {}
    for rname, rdef in resources.items():
        found = []
        _walk_functions(rdef, rname, found)
        deps = rdef.get("depends_on") or []
        deps = set(deps if isinstance(deps, list) else [deps])
        deps.update(arg[0] if isinstance(arg, list) else arg for func, arg, dummy in found if func != "get_param")
        for dep in deps:
            required_by.setdefault(dep, []).append(rname)
    return resources, required_by


def stack_resources(req):
    stack = _lookup_exact(req)
    resources, required_by = _resources(req, stack)
    return 200, {"resources": [_resource_view(req, stack, r, d, required_by) for r, d in resources.items()]}


def stack_resource(req):
    stack = _lookup_exact(req)
    resources, required_by = _resources(req, stack)
    rname = req.params["resource_name"]
    if rname not in resources:
        raise heat_error(404, "Not Found", "The Resource (%s) could not be found in Stack %s."
                         % (rname, stack["stack_name"]))
    view = _resource_view(req, stack, rname, resources[rname], required_by)
    view["attributes"] = {}
    view["description"] = ""
    return 200, {"resource": view}


def register(router):
    base = "/v1/{tenant_id}"
    full = base + "/stacks/{stack_name}/{stack_id}"
    routes = [
        ("POST", base + "/validate", validate),
        ("GET", base + "/stacks", stacks_list),
        ("POST", base + "/stacks", stacks_create),
        ("GET", full + "/template", stack_template),
        ("GET", full + "/environment", stack_environment),
        ("GET", full + "/files", stack_files),
        ("GET", full + "/outputs", stack_outputs),
        ("GET", full + "/outputs/{output_key}", stack_output),
        ("GET", full + "/events", stack_events),
        ("GET", full + "/resources/{resource_name}/events", stack_events),
        ("GET", full + "/resources/{resource_name}", stack_resource),
        ("GET", full + "/resources", stack_resources),
    ]
    for sub in SUBPATHS:
        routes.append(("GET", base + "/stacks/{name_or_id}/" + sub, stack_lookup_sub))
    routes += [
        ("GET", full, stack_show),
        ("PUT", full + "/preview", stack_preview),
        ("PUT", full, stack_update),
        ("PATCH", full, stack_update),
        ("DELETE", full, stack_delete),
        ("GET", base + "/stacks/{name_or_id}", stack_lookup),
        ("PUT", base + "/stacks/{name_or_id}", stack_update_by_name),
        ("PATCH", base + "/stacks/{name_or_id}", stack_update_by_name),
        ("DELETE", base + "/stacks/{name_or_id}", stack_delete_by_name),
        # the EasyStack reference writes the stack path without "stacks/"
        ("GET", base + "/{stack_name}/{stack_id}", stack_show),
        ("PUT", base + "/{stack_name}/{stack_id}", stack_update),
        ("PATCH", base + "/{stack_name}/{stack_id}", stack_update),
        ("DELETE", base + "/{stack_name}/{stack_id}", stack_delete),
    ]
    for method, pattern, handler in routes:
        router.add("heat", method, pattern, handler, scope="project")
