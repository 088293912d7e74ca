#!/usr/bin/python
# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: stack
short_description: Create, update and delete orchestration (Heat) stacks, with real change detection
version_added: 0.1.0
description:
  - Manages a stack of an OpenStack-Heat-compatible orchestration service (such as EasyStack resource orchestration).
  - The stack is found by its exact O(name) (names are unique per project).
  - "Change detection: the template (parsed and compared as a structure, not as text), the parameters the user
    set, the environment, the referenced files, the tags (as a set), the timeout and the rollback setting are
    compared with the stored stack. When all of them match, no call other than reads is made and the task reports
    C(changed=false)."
  - "Parameters: Heat returns every value as a string; values are compared according to the type the template
    declares (C(number), C(boolean), C(comma_delimited_list), C(json), C(string)). Defaults filled in by Heat and
    the C(OS::*) keys it adds are never compared: only the parameters given in O(parameters),
    O(secret_parameters) and the C(parameters) section of O(environment) are."
  - "What cannot be compared: parameters the template declares C(hidden: true) (Heat shows them as C(******)).
    A change of only such a value is not detected unless O(update_hidden_parameters=true). The environment and
    the files are compared only when the service offers C(GET .../environment) and C(GET .../files); when it does
    not, they are not compared."
  - The template is validated (C(POST /validate)) before every create or update. In check mode validation and
    the update preview are the only calls besides reads, so a broken template fails in check mode too.
  - An update is a C(PUT) that replaces the whole stack definition; parameters not given return to their
    template defaults, as with C(openstack stack update) without C(--existing). Tags are the exception - an update
    by a task that does not set O(tags) keeps the stack's tags (Heat's C(PUT) would clear them).
  - "After an update or delete the module waits for the operation it started (its action, and a newer
    C(updated_time) or an C(*_IN_PROGRESS)), not for any C(*_COMPLETE): Heat's legacy engine can still show the
    previous status on the first poll. When the answer to the C(PUT) or C(DELETE) is lost, the module reads the
    stack back and decides from what it sees (an update that started counts as done); it never re-sends blindly."
  - "A deleted stack (Heat answers C(GET .../stacks/{name}/{id}) with C(DELETE_COMPLETE) until its database is
    purged) is absent: a deploy while or after a delete runs creates the stack again."
  - "Check mode on an existing stack asks Heat's update preview (C(PUT .../stacks/{name}/{id}/preview), no change
    made) and returns RV(resource_changes), also shown in C(--diff). A service without that call (the EasyStack
    reference does not list it) gets a warning and the definition comparison only. See O(preview)."
  - "Hidden parameters (C(hidden: true) in the template or in a nested template) are secrets of the run once the
    template is read: their values never appear in the result, the diff, a message or the C(-vvv) invocation,
    even when given in O(parameters) or in the environment's C(parameter_defaults)."
  - Stack names are checked against Heat's rule (a letter, then letters, digits, C(_), C(.), C(-); 255 at most)
    before any call; stack ids must be UUIDs.
  - "Waits through C(*_IN_PROGRESS). C(*_FAILED) and C(ROLLBACK_*) fail the task with the stack's
    C(stack_status_reason) and the failed resources (from the stack events)."
  - A stack left C(*_FAILED) or C(ROLLBACK_*) by an earlier run is never accepted as it is. It is updated
    (even when nothing differs), or deleted and created again with O(recreate_failed=true).
  - The orchestration service needs a project-scoped Keystone token (password or O(token) authentication);
    its endpoint comes from the token's service catalog, or from O(endpoints.orchestration).
  - "Permissions: the Heat policy actions C(stacks:index), C(stacks:show), C(stacks:template), C(stacks:validate_template),
    C(stacks:create), C(stacks:update), C(stacks:delete) and C(events:index) (the EasyStack document names no
    finer-grained IAM actions)."
author:
  - fleetops.cloud contributors (@fleetops)
extends_documentation_fragment:
  - fleetops.cloud.auth
  - fleetops.cloud.template_sources
attributes:
  check_mode:
    support: full
    description: Reads the stack, validates the template when something would change, and predicts the result.
  diff_mode:
    support: full
    description: Returns the compared definition (template, parameters, environment, files, tags, timeout, rollback) before and after.
options:
  name:
    description:
      - Name of the stack. Unique within the project.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the stack, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  template:
    description:
      - The template as a path of a local file (YAML or JSON), as a dict, or as a YAML/JSON string.
      - Required with O(state=present) unless O(template_url) is given.
      - Relative C(get_file) references and nested template resource types (C(type) ending in C(.yaml),
        C(.yml) or C(.template)) are read relative to the template file and sent in C(files).
    type: raw
  template_url:
    description:
      - URL of the template (C(http), C(https) or C(file)). The module fetches it (certificates verified as
        O(validate_certs) says) and sends its content, so that the stored template can be compared on later runs.
        Relative references are resolved against the URL, under the rules of O(template_sources).
    type: str
  files:
    description:
      - "Contents of files the template references, as C({reference: content}). The keys are the references as they
        are written in the template. References missing here are read from disk relative to the template file."
    type: dict
  environment:
    description:
      - The environment, as a dict, a path of an environment file, a YAML string, or a list of those merged in
        order (later entries win; C(resource_registry) merges deeply).
      - Template files named in C(resource_registry) are read (relative to the environment file, or to the
        template for an inline environment) and uploaded in C(files) under their absolute URL, as
        python-heatclient does. Empty sections are left out.
      - Its C(parameters) section is compared like O(parameters).
    type: raw
  parameters:
    description:
      - "Parameter values, C({name: value}). Lists and dicts are sent as they are."
      - Only the parameters set here are compared with the stack.
      - Every name must be declared in the template's C(parameters) section; undeclared names fail the task before
        any call. Values meant for nested templates belong in the O(environment)'s C(parameter_defaults).
    type: dict
  secret_parameters:
    description:
      - Parameter values that must never be logged nor returned (passwords, keys). Merged with O(parameters)
        (these win). Their values are shown as C(******) in results and diffs.
      - Declare them C(hidden) in the template too, so that Heat hides them; then see O(update_hidden_parameters).
    type: dict
  update_hidden_parameters:
    description:
      - Hidden parameters (template C(hidden) or reported as C(******)) cannot be compared.
      - With V(false), a hidden value is assumed unchanged. With V(true), a stack whose hidden parameters are
        set in O(parameters) or O(secret_parameters) is always updated and the task always reports C(changed).
    type: bool
    default: false
  tags:
    description:
      - Tags of the stack. Compared as a set. V([]) removes every tag (no tags are sent; Heat would store an empty
        string as the tag V("")). Not set - the tags are not compared and an update keeps them. A tag cannot
        contain a comma.
    type: list
    elements: str
  timeout:
    description:
      - Timeout of stack operations in minutes (C(timeout_mins)), enforced by the orchestration service.
    type: int
  rollback:
    description:
      - Whether a failed create or update is rolled back (maps to C(disable_rollback=not rollback)).
      - When not set, the service default applies and the setting is not compared.
    type: bool
  recreate_failed:
    description:
      - When the stack is C(*_FAILED) or C(ROLLBACK_*), delete it (waiting for the delete) and create it again instead of updating it.
    type: bool
    default: false
  wait:
    description:
      - Wait until the create, update or delete is complete (or failed).
      - With V(false), the task returns as soon as the service accepted the request.
      - An operation already in progress when the task starts is always waited for (within O(wait_timeout)),
        outside check mode, because the service refuses changes to a stack that is busy.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait. Must be zero or more.
    type: int
    default: 3600
  preview:
    description:
      - In check mode, on an existing stack that would change, ask the service's update preview and return
        RV(resource_changes). V(false) skips that call.
    type: bool
    default: true
  base_dir:
    description:
      - Directory that a relative O(template) path, relative environment file paths and the relative references
        of an inline template resolve from. Not set - the current directory (the template file's own directory
        for its references).
      - The M(fleetops.cloud.stack_deployment) role sets it to the user's playbook directory.
    type: path
notes:
  - The module never turns off TLS verification to fetch O(template_url).
seealso:
  - module: fleetops.cloud.stack_info
  - module: fleetops.cloud.stack_template_info
'''

EXAMPLES = r'''
- name: Deploy a stack from a local template
  fleetops.cloud.stack:
    name: web
    template: files/web.yaml
    parameters:
      flavor: m1.small
      replicas: 2
    tags: [web, prod]
    timeout: 30
    rollback: true
  register: web

- name: Use an output
  ansible.builtin.debug:
    msg: "{{ web.stack.outputs.url }}"

- name: Inline template, secrets kept out of logs
  fleetops.cloud.stack:
    name: db
    template:
      heat_template_version: "2021-04-16"
      parameters:
        admin_password: {type: string, hidden: true}
      resources:
        password:
          type: OS::Heat::Value
          properties:
            value: {get_param: admin_password}
    secret_parameters:
      admin_password: "{{ vault_db_password }}"

- name: Repair a stack left failed by an earlier run by creating it again
  fleetops.cloud.stack:
    name: web
    template: files/web.yaml
    recreate_failed: true

- name: Delete the stack
  fleetops.cloud.stack:
    name: web
    state: absent
'''

RETURN = r'''
stack:
  description: The stack after the task (the predicted stack in check mode); C({}) when it is absent.
  returned: always
  type: dict
  contains:
    id:
      description: Id (UUID) of the stack. None when check mode predicts a create.
      type: str
      sample: 3095aefc-09fb-4bc7-b1f0-f21a304e864c
    name:
      description: Name of the stack.
      type: str
      sample: web
    status:
      description: Status, C(<ACTION>_<STATE>). None when check mode predicts a create.
      type: str
      sample: CREATE_COMPLETE
    action:
      description: The action part of RV(stack.status).
      type: str
      sample: CREATE
    status_reason:
      description: Why the stack is in its status (C(stack_status_reason)).
      type: str
      sample: Stack CREATE completed successfully
    description:
      description: Description of the template.
      type: str
      sample: Web tier
    parameters:
      description:
        - Parameter values as the service reports them (strings), including defaults and C(OS::*) keys.
        - Hidden and secret values are C(******).
      type: dict
      sample: {"flavor": "m1.small", "admin_password": "******", "OS::stack_name": "web"}
    outputs:
      description: "Outputs as a plain dict C({output_key: output_value})."
      type: dict
      sample: {"url": "http://192.0.2.10/"}
    output_errors:
      description: "Outputs the service could not resolve, C({output_key: error})."
      type: dict
      returned: when some output has an error
      sample: {"url": "The Referenced Attribute (server first_address) is incorrect."}
    tags:
      description: Tags, sorted.
      type: list
      elements: str
      sample: [prod, web]
    timeout_mins:
      description: Operation timeout in minutes; None when not set.
      type: int
      sample: 30
    disable_rollback:
      description: Whether rollback is disabled.
      type: bool
      sample: false
    rollback:
      description: Whether a failed operation is rolled back (the opposite of RV(stack.disable_rollback)).
      type: bool
      sample: true
    creation_time:
      description: When the stack was created.
      type: str
      sample: "2026-01-01T10:00:00Z"
    updated_time:
      description: When the stack was last updated; None if never.
      type: str
      sample: "2026-01-02T10:00:00Z"
    parent:
      description: Id of the parent stack of a nested stack; None otherwise.
      type: str
      sample: null
resource_changes:
  description:
    - In check mode on an existing stack that would change, the resources Heat's update preview says would be
      added, updated, replaced, deleted or left unchanged (names, sorted).
  returned: check mode, when the service offers the preview
  type: dict
  contains:
    added:
      description: Resources that would be created.
      type: list
      elements: str
    updated:
      description: Resources that would be updated in place.
      type: list
      elements: str
    replaced:
      description: Resources that would be replaced (deleted and created again).
      type: list
      elements: str
    deleted:
      description: Resources that would be deleted.
      type: list
      elements: str
    unchanged:
      description: Resources that would be left as they are.
      type: list
      elements: str
  sample: {"added": [], "updated": ["tier"], "replaced": ["config"], "deleted": [], "unchanged": ["motd"]}
changes:
  description: The compared fields that differed (V(template), V(parameters), V(environment), V(files), V(tags),
    V(timeout), V(rollback), V(status) for a failed stack), or V(created) for a new stack; empty when nothing changed.
  returned: state is present
  type: list
  elements: str
  sample: [parameters, tags]
hidden_parameters:
  description: Parameters that were set but could not be compared because the service hides them.
  returned: state is present and the stack existed
  type: list
  elements: str
  sample: [admin_password]
recreated:
  description: Whether a failed stack was deleted and created again (O(recreate_failed)).
  returned: always
  type: bool
  sample: false
failed_resources:
  description: On failure only, the resources whose last event failed.
  returned: when the stack operation failed
  type: list
  elements: dict
  contains:
    resource_name:
      description: Logical name of the resource.
      type: str
    resource_status:
      description: Status of the resource, such as C(CREATE_FAILED).
      type: str
    resource_status_reason:
      description: Why the resource failed.
      type: str
  sample: [{"resource_name": "server", "resource_status": "CREATE_FAILED", "resource_status_reason": "No valid host"}]
diff:
  description: With C(--diff), the compared definition before and after (secrets masked).
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: The stored definition; C({}) when the stack did not exist.
      type: dict
    after:
      description: The desired definition; C({}) when the stack is deleted.
      type: dict
'''

import time

from ansible_collections.fleetops.cloud.plugins.module_utils.base import FleetopsModule
from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ApiError, ConfigurationError
from ansible_collections.fleetops.cloud.plugins.module_utils.heat import (
    HIDDEN_VALUE, HeatApi, canonical, check_stack_name, compare_parameters, in_progress, is_failed, is_template,
    mask_parameters, normalise_environment, parse_tags, resource_changes_view, stack_payload,
    stack_view, template_parameters, validate_payload)
from ansible_collections.fleetops.cloud.plugins.module_utils.heat_templates import (
    TEMPLATE_SOURCES_SPEC, Loader, TemplatePolicy, hidden_names, hidden_values)
from ansible_collections.fleetops.cloud.plugins.module_utils.waiter import WaitFailure, WaitTimeout

OPERATION_GRACE = 15  # seconds a settled status of the same action may hide an operation too quick to be seen
UPDATE_ACTIONS = ("UPDATE", "ROLLBACK")
ACTIONS = ("CREATE", "UPDATE", "DELETE", "ROLLBACK", "SUSPEND", "RESUME", "ADOPT", "SNAPSHOT", "CHECK", "RESTORE")
SETTLED = tuple("%s_%s" % (action, state) for action in ACTIONS for state in ("COMPLETE", "FAILED"))


def undeclared_parameters(template, parameters, environment=None):
    """Sorted names given as parameters (options or the environment's ``parameters``) that the template does not
    declare. Empty when the template's declarations are not known locally (not a parsed HOT/CFN template) and for
    pseudo parameters (``OS::stack_name`` ...); ``parameter_defaults`` may feed nested templates, so they never count."""
    if not isinstance(template, dict) or not is_template(template):
        return []
    names = set(parameters or {})
    env_parameters = (environment or {}).get("parameters") if isinstance(environment, dict) else None
    if isinstance(env_parameters, dict):
        names.update(env_parameters)
    declared = set(template_parameters(template))
    return sorted(str(name) for name in names if str(name) not in declared and "::" not in str(name))


class StackModule(FleetopsModule):

    def __init__(self):
        super(StackModule, self).__init__(
            argument_spec=dict(
                name=dict(type="str", required=True),
                state=dict(type="str", choices=["present", "absent"], default="present"),
                template=dict(type="raw"),
                template_url=dict(type="str"),
                files=dict(type="dict"),
                environment=dict(type="raw"),
                parameters=dict(type="dict"),
                secret_parameters=dict(type="dict", no_log=True),
                update_hidden_parameters=dict(type="bool", default=False),
                tags=dict(type="list", elements="str"),
                timeout=dict(type="int"),
                rollback=dict(type="bool"),
                recreate_failed=dict(type="bool", default=False),
                wait=dict(type="bool", default=True),
                wait_timeout=dict(type="int", default=3600),
                template_sources=dict(type="dict", options=TEMPLATE_SOURCES_SPEC),
                base_dir=dict(type="path"),
                preview=dict(type="bool", default=True),
            ),
            mutually_exclusive=[("template", "template_url")],
            required_if=[("state", "present", ("template", "template_url"), True)],
            supports_check_mode=True,
        )
        self.api = HeatApi(self.client)
        self.declarations = {}
        self.secret_names = set()
        self.hidden_names = set()

    # ----------------------------------------------------------------------------------------- helpers

    def _view(self, stack):
        return stack_view(stack, self.declarations, self.secret_names) if stack else {}

    def _settle(self, stack, targets, status_of=None):
        """Wait until ``stack`` leaves ``*_IN_PROGRESS``; fail on a status outside ``targets``."""
        name, stack_id = stack.get("stack_name") or self.params["name"], stack["id"]
        failures = tuple(status for status in SETTLED if status not in targets)
        try:
            return self.wait(lambda: self.api.get_stack(name, stack_id), status_of or (lambda obj: obj.get("stack_status")),
                             targets=targets, failures=failures, timeout=self.params["wait_timeout"],
                             delay=0.5, max_delay=5)
        except WaitFailure as exc:
            last = exc.last or {}
            status = exc.status or "gone"
            reason, failed = self.api.failure(name, stack_id)
            msg = "Stack %s is %s" % (name, status)
            if last.get("stack_status_reason"):
                msg += ": %s" % last["stack_status_reason"]
            if reason and reason != last.get("stack_status_reason"):
                msg += " (after: %s)" % reason
            if failed:
                msg += " (failed resources: %s)" % ", ".join(
                    "%s %s: %s" % (item["resource_name"], item["resource_status"], item["resource_status_reason"])
                    for item in failed)
            self.fail(msg, stack=self._view(last), failed_resources=failed)
        except WaitTimeout as exc:
            self.fail("Stack %s did not settle within wait_timeout=%s seconds (last status %s)"
                      % (name, self.params["wait_timeout"], exc.status), stack=self._view(exc.last))
        return None

    # ---------------------------------------------------------------------------------------- desired

    def desired(self):
        params = self.params
        loader = Loader(TemplatePolicy.from_params(params["template_sources"]),
                        validate_certs=params.get("validate_certs", True), ca_path=params.get("ca_path"),
                        timeout=params.get("api_timeout") or 60, base_dir=params["base_dir"])
        template, source = loader.load_template(params["template"], params["template_url"])
        files = loader.collect_files(template, source, params["files"])
        environment = loader.load_environment(params["environment"], source, files)
        for name, content in files.items():
            if not isinstance(content, str):
                raise ConfigurationError("files.%s must be the file content as a string" % name)
        tags = None
        if params["tags"] is not None:
            bad = [tag for tag in params["tags"] if "," in tag or not tag.strip()]
            if bad:
                raise ConfigurationError("Tags cannot be empty nor contain a comma: %s" % ", ".join(repr(tag) for tag in bad))
            tags = sorted(set(tag.strip() for tag in params["tags"]))
        if params["timeout"] is not None and params["timeout"] <= 0:
            raise ConfigurationError("timeout is a number of minutes greater than zero")
        parameters = dict(params["parameters"] or {})
        parameters.update(params["secret_parameters"] or {})
        parameters = dict((key, value) for key, value in parameters.items() if value is not None)
        self.secret_names = set(params["secret_parameters"] or {})
        self.declarations = template_parameters(template)
        self.register_hidden(template, files, parameters, environment)
        undeclared = undeclared_parameters(template, parameters, environment)
        if undeclared:
            raise ConfigurationError("parameters: the template declares no parameter named %s (parameters and "
                                     "secret_parameters only take declared ones; use the environment's "
                                     "parameter_defaults for nested templates)" % ", ".join(undeclared))
        compared = dict((environment or {}).get("parameters") or {})
        compared.update(parameters)
        return dict(template=template, files=files, environment=environment, parameters=parameters,
                    compared_parameters=compared, tags=tags, timeout=params["timeout"], rollback=params["rollback"])

    def register_hidden(self, template, files, parameters, environment):
        """Hidden parameters (of the template and of the nested templates in ``files``) are secrets of this run:
        their values are registered with Ansible's no-log machinery, so that no result, diff, message or ``-vvv``
        invocation shows them, even when they were given in ``parameters``."""
        self.hidden_names = hidden_names(template, files)
        for value in hidden_values(self.hidden_names | self.secret_names, parameters, environment):
            self.add_secret(value)

    def payload(self, desired, name=None, current=None):
        """The create (``name``) or update body; an update that does not manage tags keeps the stack's tags
        (Heat's PUT clears tags it is not sent)."""
        tags = desired["tags"]
        if tags is None and current is not None:
            tags = parse_tags(current.get("tags"))
        return stack_payload(name=name, template=desired["template"], files=desired["files"],
                             environment=desired["environment"], parameters=desired["parameters"], tags=tags,
                             timeout=desired["timeout"], rollback=desired["rollback"])

    def _masked_environment(self, env):
        """An environment as compared and shown: without ``parameters`` (compared as parameters), hidden defaults
        masked."""
        out = normalise_environment(dict((k, v) for k, v in (env or {}).items() if k != "parameters"))
        defaults = out.get("parameter_defaults")
        if isinstance(defaults, dict):
            out["parameter_defaults"] = dict((key, HIDDEN_VALUE if key in self.hidden_names else value)
                                             for key, value in defaults.items())
        return out

    def definition(self, desired):
        """The desired definition, as shown in the diff (secrets masked)."""
        out = dict(template=desired["template"],
                   parameters=mask_parameters(desired["compared_parameters"], self.declarations, self.secret_names))
        if desired["environment"] is not None:
            out["environment"] = self._masked_environment(desired["environment"])
        if desired["files"]:
            out["files"] = desired["files"]
        for key in ("tags", "timeout", "rollback"):
            if desired[key] is not None:
                out[key] = desired[key]
        return out

    # ---------------------------------------------------------------------------------------- compare

    def compare(self, stack, desired):
        """Return ``(changes, hidden, before)`` between the stored ``stack`` and ``desired``."""
        name, stack_id = stack["stack_name"], stack["id"]
        changes = []
        before = {}
        stored = self.api.get_template(name, stack_id)
        before["template"] = stored
        if stored is None or canonical(stored) != canonical(desired["template"]):
            changes.append("template")

        current_params = stack.get("parameters") or {}
        changed, hidden = compare_parameters(desired["compared_parameters"], current_params, self.declarations)
        before["parameters"] = mask_parameters(dict((key, current_params.get(key)) for key in desired["compared_parameters"]),
                                               self.declarations, self.secret_names)
        if changed or (hidden and self.params["update_hidden_parameters"]):
            changes.append("parameters")

        if desired["environment"] is not None:
            stored_env = self.api.get_environment(name, stack_id)
            if stored_env is not None:
                # Heat shows hidden values of parameter_defaults as ******: such a default cannot be compared.
                stored_defaults = stored_env.get("parameter_defaults") or {}
                masked = set(key for key, value in stored_defaults.items() if value == HIDDEN_VALUE)
                want = self._masked_environment(desired["environment"])
                have = self._masked_environment(stored_env)
                for section in (want, have):
                    defaults = section.get("parameter_defaults")
                    if isinstance(defaults, dict):
                        section["parameter_defaults"] = dict((key, HIDDEN_VALUE if key in masked else value)
                                                             for key, value in defaults.items())
                hidden_defaults = sorted(key for key in (desired["environment"].get("parameter_defaults") or {})
                                         if key in masked or key in self.hidden_names)
                hidden = sorted(set(hidden) | set(hidden_defaults))
                before["environment"] = have
                if canonical(want) != canonical(have):
                    changes.append("environment")
                elif hidden_defaults and self.params["update_hidden_parameters"]:
                    changes.append("environment")

        if desired["files"]:
            stored_files = self.api.get_files(name, stack_id)
            if stored_files is not None:
                before["files"] = stored_files
                if canonical(stored_files) != canonical(desired["files"]):
                    changes.append("files")

        if desired["tags"] is not None:
            before["tags"] = parse_tags(stack.get("tags"))
            if before["tags"] != desired["tags"]:
                changes.append("tags")
        view = stack_view(stack)
        if desired["timeout"] is not None:
            before["timeout"] = view.get("timeout_mins")
            if before["timeout"] != desired["timeout"]:
                changes.append("timeout")
        if desired["rollback"] is not None:
            before["rollback"] = view.get("rollback")
            if before["rollback"] is not desired["rollback"]:
                changes.append("rollback")
        return sorted(set(changes)), hidden, before

    def predicted(self, desired, stack=None):
        """The stack check mode predicts."""
        view = dict(self._view(stack)) if stack else {
            "id": None, "name": self.params["name"], "status": None, "action": None, "status_reason": None,
            "description": desired["template"].get("description"), "tags": [], "outputs": {}, "parameters": {},
            "creation_time": None, "updated_time": None, "parent": None, "timeout_mins": None,
            "disable_rollback": None, "rollback": None}
        parameters = dict(view.get("parameters") or {})
        parameters.update(mask_parameters(desired["compared_parameters"], self.declarations, self.secret_names))
        view["parameters"] = dict((key, HIDDEN_VALUE if value == HIDDEN_VALUE else value) for key, value in parameters.items())
        view["description"] = desired["template"].get("description")
        if desired["tags"] is not None:
            view["tags"] = desired["tags"]
        if desired["timeout"] is not None:
            view["timeout_mins"] = desired["timeout"]
        if desired["rollback"] is not None:
            view["rollback"] = desired["rollback"]
            view["disable_rollback"] = not desired["rollback"]
        return view

    def validate(self, desired):
        try:
            self.api.validate(validate_payload(desired["template"], desired["files"], desired["environment"]))
        except ApiError as exc:
            if exc.status == 400:
                self.fail("The template is invalid: %s" % (exc.message or exc.describe()), error=exc.to_dict())
            raise

    def preview(self, stack, desired):
        """Check mode on an existing stack: Heat's update preview, as ``resource_changes`` (None without it)."""
        if not self.params["preview"]:
            return None
        changes = self.api.preview_update(stack["stack_name"], stack["id"], self.payload(desired, current=stack))
        if changes is None:
            self.warn("The orchestration service does not offer the update preview (PUT .../stacks/{name}/{id}/preview): "
                      "check mode only compares the definition and cannot say which resources would change.")
            return None
        return resource_changes_view(changes)

    # ------------------------------------------------------------------------------------------ states

    def run(self):
        check_stack_name(self.params["name"])
        if self.params["wait_timeout"] < 0:
            raise ConfigurationError("wait_timeout must be zero or more seconds.")
        if self.params["state"] == "absent":
            self.absent()
        else:
            self.present()

    def find(self):
        summary = self.api.find_stack(self.params["name"])
        if summary is None:
            return None
        stack = self.api.get_stack(summary["stack_name"], summary["id"])
        if stack is not None and in_progress(stack.get("stack_status")) and not self.check_mode:
            stack = self._settle(stack, SETTLED + (None,))
        return stack

    # ---- operations this task starts, and waiting for them (not for any *_COMPLETE)

    @staticmethod
    def _is_ours(current, before, actions, seen):
        """Whether ``current`` shows the operation this task started: its action, and a newer ``updated_time`` or
        an ``*_IN_PROGRESS`` (Heat's legacy engine can still show the previous status on the first poll)."""
        status = current.get("stack_status") or ""
        if status.split("_", 1)[0] not in actions:
            return False
        if seen or in_progress(status):
            return True
        return current.get("updated_time") != before.get("updated_time") or status != before.get("stack_status")

    def _wait_operation(self, stack, actions, targets):
        """Wait for the operation this task started on ``stack`` (``actions``) to reach ``targets``."""
        seen = []
        grace = [None]

        def status_of(obj):
            if self._is_ours(obj, stack, actions, bool(seen)):
                seen.append(True)
                return obj.get("stack_status")
            # A settled status of the same action and time stamp after a while: the operation was too quick to see.
            if grace[0] is None:
                grace[0] = time.monotonic()
            status = obj.get("stack_status") or ""
            if status.split("_", 1)[0] in actions and time.monotonic() - grace[0] > OPERATION_GRACE:
                return status
            return "PENDING (%s, previous operation)" % status
        return self._settle(stack, targets, status_of=status_of)

    def _operation_started(self, stack, actions):
        """Read back after a write whose answer may be lost: did the operation start (or the stack go)?"""
        current = self.api.get_stack(stack["stack_name"], stack["id"])
        if current is None:
            return "DELETE" in actions
        return self._is_ours(current, stack, actions, False)

    def delete(self, stack):
        name, stack_id = stack["stack_name"], stack["id"]
        sent = self.confirmed_write(lambda: self.api.delete_stack(name, stack_id),
                                    lambda: self._operation_started(stack, ("DELETE",)))
        if sent is False:
            return False
        if self.params["wait"]:
            self._wait_operation(stack, ("DELETE",), (None,))
        return True

    def absent(self):
        stack = self.find()
        if stack is None:
            self.exit(changed=False, before={}, after={}, stack={}, recreated=False)
        before = self._view(stack)
        if not self.check_mode:
            self.delete(stack)
        self.exit(changed=True, before=before, after={}, stack={}, recreated=False)

    def present(self):
        desired = self.desired()
        stack = self.find()
        recreated = False
        if stack is not None and is_failed(stack.get("stack_status")) and self.params["recreate_failed"]:
            self.validate(desired)
            if self.check_mode:
                self.exit(changed=True, before=self._view(stack), after=self.definition(desired),
                          stack=self.predicted(desired), changes=["status"], hidden_parameters=[], recreated=True)
            self.delete(dict(stack, **{"stack_name": stack["stack_name"]}))
            stack, recreated = None, True
        if stack is None:
            self.create(desired, recreated)
        changes, hidden, before = self.compare(stack, desired)
        if is_failed(stack.get("stack_status")):
            changes = sorted(changes + ["status"])
        after = self.definition(desired)
        if not changes:
            self.exit(changed=False, before=before, after=after, stack=self._view(stack), changes=[],
                      hidden_parameters=hidden, recreated=False)
        self.validate(desired)
        if self.check_mode:
            resource_changes = self.preview(stack, desired)
            extra = {}
            if resource_changes is not None:
                after = dict(after, resource_changes=resource_changes)
                extra["resource_changes"] = resource_changes
            self.exit(changed=True, before=before, after=after, stack=self.predicted(desired, stack), changes=changes,
                      hidden_parameters=hidden, recreated=False, **extra)
        name, stack_id = stack["stack_name"], stack["id"]
        payload = self.payload(desired, current=stack)
        self.confirmed_write(lambda: self.api.update_stack(name, stack_id, payload),
                             lambda: self._operation_started(stack, UPDATE_ACTIONS))
        if self.params["wait"]:
            result = self._wait_operation(stack, UPDATE_ACTIONS, ("UPDATE_COMPLETE",))
        else:
            result = self.api.get_stack(name, stack_id)
        self.exit(changed=True, before=before, after=after, stack=self._view(result), changes=changes,
                  hidden_parameters=hidden, recreated=False)

    def create(self, desired, recreated):
        name = self.params["name"]
        after = self.definition(desired)
        self.validate(desired)
        if self.check_mode:
            self.exit(changed=True, before={}, after=after, stack=self.predicted(desired), changes=["created"],
                      recreated=recreated)
        created, found = self.create_or_find(lambda: self.api.create_stack(self.payload(desired, name=name)),
                                             lambda: self.api.find_stack(name))
        created = found if found is not None else created
        stack = {"stack_name": name, "id": created["id"]}
        if self.params["wait"]:
            result = self._settle(stack, ("CREATE_COMPLETE",))
        else:
            result = self.api.get_stack(name, created["id"])
        self.exit(changed=True, before={}, after=after, stack=self._view(result), changes=["created"], recreated=recreated)


def main():
    StackModule().execute()


if __name__ == "__main__":
    main()
