# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark helper callback: records the wall-clock start and end of every task into a JSON file.

Enabled by the scripts in ``bench/`` only (``ANSIBLE_CALLBACKS_ENABLED=bench_timer``); the file is named by the
``FLEETOPS_BENCH_TIMINGS`` environment variable. With ``FLEETOPS_BENCH_RESULTS`` it also writes one record per
host and task (action, status, changed), which is how the benchmarks count the module tasks that ran. Times are
``time.time()`` so that they line up with the emulator's request log.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: bench_timer
type: aggregate
short_description: Record task start and end times for the fleetops.cloud benchmark
description:
  - Writes C([{name, start, end, changed, failed}]) to the file named by E(FLEETOPS_BENCH_TIMINGS).
  - Writes C([{task, action, host, status, changed}]) to the file named by E(FLEETOPS_BENCH_RESULTS), when set.
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
        self.results = []

    def v2_playbook_on_task_start(self, task, is_conditional):
        self.current = {"name": task.get_name(), "start": time.time(), "end": None, "changed": None, "failed": None}
        self.tasks.append(self.current)

    def _record(self, result, status):
        task = result._task  # pylint: disable=protected-access
        self.results.append({"task": task.get_name(), "action": task.action, "host": result._host.get_name(),  # pylint: disable=protected-access
                             "status": status, "changed": bool(result._result.get("changed")),  # pylint: disable=protected-access
                             "time": time.time()})

    def _finish(self, result, failed):
        self._record(result, "failed" if failed else "ok")
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

    def v2_runner_on_skipped(self, result):
        self._record(result, "skipped")

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get("FLEETOPS_BENCH_TIMINGS")
        if path:
            with open(path, "w") as handle:
                json.dump(self.tasks, handle, indent=1)
        path = os.environ.get("FLEETOPS_BENCH_RESULTS")
        if path:
            with open(path, "w") as handle:
                json.dump(self.results, handle, indent=1)
