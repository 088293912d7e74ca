# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Start the emulator as a child process and wait for its ready line; stop it. One implementation for the
benchmarks (``bench/``) and the test layers that run their own emulator (``tests/conformance``, ``tests/realheat``).

    sys.path.append(os.path.join(ROOT, "tests", "emulator"))   # appended: it never shadows an installed module
    import launcher
    proc, info = launcher.start(["--speed", "20"])              # info: the emulator's JSON ready line
    base = launcher.base_url(info)                               # where the /_emulator/ hooks hang off
    try:
        ...
    finally:
        launcher.stop(proc)

Standard library only. The emulator listens on 127.0.0.1 and a free port (``--port 0``); every wait is bounded.
``tools/emulator_ctl.py`` is the variant for make targets and shells (a run directory, the emulator detached).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKOUT = os.path.dirname(os.path.dirname(HERE))
START_TIMEOUT = 15.0
STOP_TIMEOUT = 10.0


class StartError(RuntimeError):
    """The emulator printed no ready line in time (it has been stopped)."""


def _first_line(proc, timeout):
    """The first stdout line of ``proc`` within ``timeout`` seconds, or None (a thread: readline cannot time out)."""
    box = {}
    reader = threading.Thread(target=lambda: box.update(line=proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return box.get("line")


def start(args=(), timeout=START_TIMEOUT, stderr=None, python=None):
    """Start ``python tests/emulator --port 0 ARGS`` in the checkout; ``(process, info)`` once it is ready.

    ``info`` is the ready line as printed (endpoints, demo credentials). ``stderr``: a file object for the
    emulator's stderr (default: discarded). Raises ``StartError`` when no ready line comes within ``timeout``
    seconds; the message carries the exit status.
    """
    command = [python or sys.executable, HERE, "--port", "0"] + list(args)
    proc = subprocess.Popen(  # pylint: disable=consider-using-with  # the caller owns it (stop())
        command, cwd=CHECKOUT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=stderr if stderr is not None else subprocess.DEVNULL, universal_newlines=True)
    line = _first_line(proc, timeout)
    if not line or not line.strip().startswith("{"):
        stop(proc)
        raise StartError("the emulator printed no ready line within %.0f s (exit status %s)"
                         % (timeout, proc.returncode))
    return proc, json.loads(line)


def base_url(info):
    """The emulator's root URL (``http://127.0.0.1:PORT``), from the IAM endpoint of its ready line."""
    return info["iam"].rsplit("/iam/", 1)[0]


def stop(proc, timeout=STOP_TIMEOUT):
    """Stop the emulator started by ``start`` (SIGTERM, then SIGKILL after ``timeout`` seconds)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout)
    if proc.stdout:
        proc.stdout.close()
