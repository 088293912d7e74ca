# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one waiter behind every ``wait`` / ``wait_timeout`` option.

``wait_for(fetch, status_of, targets, failures, timeout)`` polls ``fetch()`` with a growing delay until the
status is a target (returns the object), a failure (raises ``WaitFailure``) or the time budget is spent
(raises ``WaitTimeout``). ``fetch()`` returning None means "gone": a target when None is in ``targets``
(waiting for a delete), otherwise a failure.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time

from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ApiError, FleetopsError, OutcomeUnknownError


class WaitError(FleetopsError):
    """Base of the waiter errors: carries ``last`` (the last object seen), ``status`` and ``history``."""

    def __init__(self, message, last=None, status=None, history=None):
        super(WaitError, self).__init__(message)
        self.message = message
        self.last = last
        self.status = status
        self.history = list(history or [])


class WaitFailure(WaitError):
    """The object reached a failure status (or disappeared while it was expected to exist)."""


class WaitTimeout(WaitError):
    """The time budget ran out; ``status`` is the last status seen."""


def is_transient(exc):
    """True for a read error that may go away by itself: no answer at all, 429, or a 5xx.

    The transport has already retried the read within its own budget; the waiter keeps polling through such
    errors while its time budget lasts (a wait of minutes must not end on one gateway hiccup)."""
    if not isinstance(exc, ApiError) or isinstance(exc, OutcomeUnknownError):
        return False
    if exc.code == "TLSError":
        return False
    return exc.status is None or exc.status == 429 or exc.status >= 500


def _now_iso():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def wait_for(fetch, status_of, targets, failures=(), timeout=600, delay=1, max_delay=10, on_progress=None,
             sleep=time.sleep, clock=time.monotonic, history=None):
    """Poll until a target or failure status, or until ``timeout`` seconds have passed.

    * ``fetch()``: returns the current object, or None when it does not exist; a transient ``ApiError`` (no answer,
  429, 5xx: ``is_transient``) is tolerated while the time budget lasts (recorded in the history), any other
  exception propagates, and so does a transient one once the budget is spent;
    * ``status_of(obj)``: the status of a (non-None) object;
    * ``targets`` / ``failures``: collections of statuses; None in ``targets`` means "gone is success";
    * ``delay``: first pause in seconds, doubled after each poll up to ``max_delay``;
    * ``on_progress(status, obj, elapsed)``: called on each status transition;
    * ``history``: an optional list that receives ``{"status", "at", "elapsed"}`` per transition.

    Returns the object (None when it is gone and None is a target). Raises ``WaitFailure`` or ``WaitTimeout``;
    both carry ``last``, ``status`` and ``history``.
    """
    targets = tuple(targets)
    failures = tuple(failures or ())
    if history is None:
        history = []
    start = clock()
    deadline = start + max(0, timeout)
    pause = max(0.0, delay)
    previous = object()
    while True:
        try:
            obj = fetch()
        except ApiError as exc:
            remaining = deadline - clock()
            if not is_transient(exc) or remaining <= 0:
                raise
            history.append({"status": "read error (%s)" % (exc.status or exc.code), "at": _now_iso(),
                            "elapsed": round(clock() - start, 3)})
            previous = object()  # the next successful read is recorded again
            sleep(min(pause, remaining))
            pause = min(max_delay, max(pause * 2, 0.01))
            continue
        status = None if obj is None else status_of(obj)
        elapsed = round(clock() - start, 3)
        if obj is None:
            status = None
        if status != previous:
            history.append({"status": status, "at": _now_iso(), "elapsed": elapsed})
            if on_progress is not None:
                on_progress(status, obj, elapsed)
            previous = status
        if obj is None:
            if None in targets:
                return None
            raise WaitFailure("the resource disappeared while waiting for %s" % ", ".join(str(t) for t in targets),
                              last=None, status=None, history=history)
        if status in targets:
            return obj
        if status in failures:
            raise WaitFailure("the resource reached the failure status %s" % status, last=obj, status=status,
                              history=history)
        remaining = deadline - clock()
        if remaining <= 0:
            raise WaitTimeout("timed out after %s seconds waiting for %s; last status %s"
                              % (timeout, ", ".join(str(t) for t in targets), status),
                              last=obj, status=status, history=history)
        sleep(min(pause, remaining))
        pause = min(max_delay, max(pause * 2, 0.01))
