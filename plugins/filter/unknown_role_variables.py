# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The role-variable typo check the first task of every role runs: ``fleetops.cloud.unknown_role_variables``.

A mistyped role variable (``fleet_setup_federaton: true``) is otherwise silently ignored: Ansible passes any
variable, and the argument spec checks only the names it knows. The filter takes the names of the variables that
start with the role's prefix (``query('ansible.builtin.varnames', '^fleet_setup_')``) and returns those the role
does not know, each with the closest known name. It knows what the role reads (``meta/argument_specs.yml``,
``defaults/main.yml``), what it sets (``register``, ``set_fact``, ``loop_var``, task ``vars`` in ``tasks/``, so
that facts left by an earlier run of the role are not reported) and ``<prefix>hosts``, the variable the
collection's playbooks read to pick their hosts.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import difflib
import os

from ansible.errors import AnsibleFilterError
from ansible.utils.display import Display

MODES = ("warn", "fail", "ignore")


def _load_yaml(path):
    # Imported here: only the role's first task needs YAML, and it reads the role's own files.
    import yaml
    if not os.path.isfile(path):
        return None
    with open(path) as handle:
        return yaml.safe_load(handle)


def _names_set_by_tasks(node, found):
    """Variable names a task list defines: register, loop_var, set_fact keys and task-level vars."""
    if isinstance(node, list):
        for item in node:
            _names_set_by_tasks(item, found)
    elif isinstance(node, dict):
        if isinstance(node.get("register"), str):
            found.add(node["register"])
        for key in ("vars",):
            if isinstance(node.get(key), dict):
                found.update(node[key])
        for key in ("ansible.builtin.set_fact", "set_fact"):
            if isinstance(node.get(key), dict):
                found.update(k for k in node[key] if k != "cacheable")
        control = node.get("loop_control")
        if isinstance(control, dict) and isinstance(control.get("loop_var"), str):
            found.add(control["loop_var"])
        for key in ("block", "rescue", "always"):
            _names_set_by_tasks(node.get(key), found)
    return found


def known_role_variables(role_path, prefix):
    """Every variable name starting with ``prefix`` that the role at ``role_path`` reads or sets."""
    known = set([prefix + "hosts"])
    specs = _load_yaml(os.path.join(role_path, "meta", "argument_specs.yml")) or {}
    for spec in (specs.get("argument_specs") or {}).values():
        known.update((spec or {}).get("options") or {})
    known.update(_load_yaml(os.path.join(role_path, "defaults", "main.yml")) or {})
    tasks_dir = os.path.join(role_path, "tasks")
    if os.path.isdir(tasks_dir):
        for name in sorted(os.listdir(tasks_dir)):
            if name.endswith((".yml", ".yaml")):
                _names_set_by_tasks(_load_yaml(os.path.join(tasks_dir, name)), known)
    return set(name for name in known if name.startswith(prefix))


def unknown_role_variables(names, role_path, prefix, mode="warn"):
    """Report the names in ``names`` that the role does not know.

    ``mode``: ``warn`` (a warning per name, returns ``[]``), ``fail`` (returns the messages, for the task's assert
    to fail on) or ``ignore`` (returns ``[]``).
    """
    if mode not in MODES:
        raise AnsibleFilterError("fleetops_unknown_role_variables must be one of %s, not %r" % (", ".join(MODES), mode))
    if isinstance(names, str):
        names = [n for n in names.split(",") if n]
    known = known_role_variables(role_path, prefix)
    messages = []
    for name in sorted(set(names) - known):
        if not name.startswith(prefix):
            continue
        closest = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
        hint = "did you mean %s?" % closest[0] if closest else "the role's variables: ansible-doc -t role"
        messages.append("%s is not a variable of this role (%s); it is ignored" % (name, hint))
    if mode == "warn":
        for message in messages:
            Display().warning(message + ". Set fleetops_unknown_role_variables=fail to refuse it.")
        return []
    return messages if mode == "fail" else []


class FilterModule(object):
    def filters(self):
        return {"unknown_role_variables": unknown_role_variables}
