# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark helper callback: records the wall-clock start and end of every task into a JSON file.

Enabled by ``bench/stack_reapply.py`` only (``ANSIBLE_CALLBACKS_ENABLED=bench_timer``); the file is named by the
``FLEETOPS_BENCH_TIMINGS`` environment variable. Times are ``time.time()`` so that they line up with the
emulator's request log.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: bench_timer
type: aggregate
short_description: Record task start and end times for the fleetops.cloud benchmark
description:
  - Writes C([{name, start, end, changed, failed}]) to the file named by E(FLEETOPS_BENCH_TIMINGS).
requirements:
  - enabled in the callbacks list
'''

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_timer"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self.tasks = []
        self.current = None

    def v2_playbook_on_task_start(self, task, is_conditional):
        self.current = {"name": task.get_name(), "start": time.time(), "end": None, "changed": None, "failed": None}
        self.tasks.append(self.current)

    def _finish(self, result, failed):
        if self.current is not None:
            self.current["end"] = time.time()
            self.current["changed"] = bool(result._result.get("changed"))  # pylint: disable=protected-access
            self.current["failed"] = failed
            if failed:
                self.current["msg"] = str(result._result.get("msg", ""))[:500]  # pylint: disable=protected-access

    def v2_runner_on_ok(self, result):
        self._finish(result, False)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._finish(result, True)

    def v2_runner_on_unreachable(self, result):
        self._finish(result, True)

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get("FLEETOPS_BENCH_TIMINGS")
        if path:
            with open(path, "w") as handle:
                json.dump(self.tasks, handle, indent=1)
