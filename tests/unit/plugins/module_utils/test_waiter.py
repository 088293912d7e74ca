# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The waiter: targets, failures, gone, timeout, backoff and transition history."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.fleetops.cloud.plugins.module_utils.waiter import WaitFailure, WaitTimeout, wait_for


class Clock(object):
    """A fake monotonic clock advanced by the fake sleep."""

    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def time(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def _sequence(*items):
    items = list(items)
    calls = []

    def fetch():
        calls.append(1)
        return items.pop(0) if len(items) > 1 else items[0]

    fetch.calls = calls
    return fetch


def _status(obj):
    return obj["status"]


def test_reaches_target_with_growing_delays():
    clock = Clock()
    fetch = _sequence({"status": "Pending"}, {"status": "Pending"}, {"status": "Running"}, {"status": "Available"})
    progress = []
    history = []
    obj = wait_for(fetch, _status, ["Available"], ["Failed"], timeout=100, delay=1, max_delay=3,
                   on_progress=lambda s, o, e: progress.append(s), sleep=clock.sleep, clock=clock.time, history=history)
    assert obj == {"status": "Available"}
    assert clock.sleeps == [1, 2, 3]
    assert progress == ["Pending", "Running", "Available"]
    assert [h["status"] for h in history] == ["Pending", "Running", "Available"]
    assert [h["elapsed"] for h in history] == [0.0, 3.0, 6.0]
    assert all(h["at"].endswith("Z") for h in history)


def test_failure_status_raises_with_object():
    clock = Clock()
    fetch = _sequence({"status": "CREATE_IN_PROGRESS"}, {"status": "CREATE_FAILED", "reason": "quota"})
    with pytest.raises(WaitFailure) as info:
        wait_for(fetch, _status, ["CREATE_COMPLETE"], ["CREATE_FAILED"], timeout=60, sleep=clock.sleep, clock=clock.time)
    assert info.value.status == "CREATE_FAILED"
    assert info.value.last == {"status": "CREATE_FAILED", "reason": "quota"}
    assert [h["status"] for h in info.value.history] == ["CREATE_IN_PROGRESS", "CREATE_FAILED"]


def test_timeout_carries_last_status():
    clock = Clock()
    fetch = _sequence({"status": "Pending"})
    with pytest.raises(WaitTimeout) as info:
        wait_for(fetch, _status, ["Available"], [], timeout=10, delay=1, max_delay=4, sleep=clock.sleep, clock=clock.time)
    assert info.value.status == "Pending"
    assert "last status Pending" in str(info.value)
    assert sum(clock.sleeps) == 10  # never sleeps past the budget
    assert len(fetch.calls) == len(clock.sleeps) + 1


def test_gone_is_target_for_deletes():
    clock = Clock()
    fetch = _sequence({"status": "DELETE_IN_PROGRESS"}, None)
    assert wait_for(fetch, _status, [None, "DELETE_COMPLETE"], ["DELETE_FAILED"], timeout=30,
                    sleep=clock.sleep, clock=clock.time) is None


def test_gone_is_failure_otherwise():
    clock = Clock()
    fetch = _sequence({"status": "Pending"}, None)
    with pytest.raises(WaitFailure, match="disappeared"):
        wait_for(fetch, _status, ["Available"], [], timeout=30, sleep=clock.sleep, clock=clock.time)


def test_zero_timeout_checks_once():
    clock = Clock()
    fetch = _sequence({"status": "Pending"})
    with pytest.raises(WaitTimeout):
        wait_for(fetch, _status, ["Available"], [], timeout=0, sleep=clock.sleep, clock=clock.time)
    assert len(fetch.calls) == 1 and clock.sleeps == []


def test_real_clock_short_wait():
    fetch = _sequence({"status": "a"}, {"status": "b"})
    assert wait_for(fetch, _status, ["b"], [], timeout=2, delay=0.01, max_delay=0.02) == {"status": "b"}


# -- transient read errors within the time budget (issue 15 item 7) ------------------------------------------
from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ApiError, OutcomeUnknownError  # noqa: E402


def _flaky(*items):
    """fetch() that raises the exceptions and returns the objects of ``items`` in order (the last repeats)."""
    items = list(items)

    def fetch():
        item = items.pop(0) if len(items) > 1 else items[0]
        if isinstance(item, Exception):
            raise item
        return item

    return fetch


@pytest.mark.parametrize("error", [ApiError(status=500), ApiError(status=503), ApiError(status=429),
                                   ApiError(status=None, code="ConnectionError")], ids=["500", "503", "429", "conn"])
def test_transient_read_errors_are_tolerated_within_the_budget(error):
    clock = Clock()
    history = []
    obj = wait_for(_flaky({"status": "Creating"}, error, error, {"status": "Available"}), _status, ["Available"],
                   timeout=60, delay=1, sleep=clock.sleep, clock=clock.time, history=history)
    assert obj == {"status": "Available"}
    assert [h["status"] for h in history][0] == "Creating" and history[-1]["status"] == "Available"
    assert sum(1 for h in history if str(h["status"]).startswith("read error")) == 2


def test_transient_error_after_the_budget_is_raised():
    clock = Clock()
    error = ApiError(status=502)
    with pytest.raises(ApiError) as info:
        wait_for(_flaky({"status": "Creating"}, error), _status, ["Available"], timeout=5, delay=1,
                 sleep=clock.sleep, clock=clock.time)
    assert info.value is error
    assert clock.now >= 5


@pytest.mark.parametrize("error", [ApiError(status=403), ApiError(status=400), OutcomeUnknownError(),
                                   ApiError(status=None, code="TLSError")], ids=["403", "400", "unknown", "tls"])
def test_other_errors_end_the_wait_at_once(error):
    clock = Clock()
    with pytest.raises(ApiError):
        wait_for(_flaky(error), _status, ["Available"], timeout=60, sleep=clock.sleep, clock=clock.time)
    assert clock.now == 0
