# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fault injection for the emulator.

Spec syntax (also for ``PUT /_emulator/faults``), comma separated ``key=value`` items, all optional::

    rate=0.2,kinds=429+500+502+503+reset+latency,lost=0.05,latency=0.3,retry_after=1,
    services=ucs+bce+heat,methods=GET+POST,paths=/v1/clusters+/v1/clustergroups,limit=10

``rate``         fraction (0..1) of eligible requests answered by a fault of a random kind from ``kinds``
``kinds``        ``429`` (with ``Retry-After``), ``500``, ``502``, ``503``, ``504`` (a gateway that times out
                 without forwarding: nothing applied), ``reset`` (socket closed with a TCP reset, no answer),
                 ``latency`` (sleep ``latency`` seconds, then answer normally), and what gateways do after the
                 backend applied the request: ``applied500``, ``applied502``, ``applied503``, ``applied504``
                 (the request is applied, then answered with that status), and ``echo`` (a 400 whose error
                 message quotes the whole request, headers and body: an API that echoes what it was sent)
``lost``         fraction of eligible *writes* (that were not already faulted) applied and then left unanswered
``latency``      seconds slept by the ``latency`` kind (default 0.3)
``retry_after``  value of the ``Retry-After`` header of a 429 (default 1)
``services``     services eligible (default ``ucs+bce+heat``; ``iam`` makes token issuing eligible too, ``k8s``
                 the member cluster APIs)
``methods``      HTTP methods eligible (default all)
``paths``        path prefixes (after the service prefix) eligible (default all)
``limit``        stop injecting after this many faults (default unlimited)

An empty spec (or ``off``/``none``) disables faults.  Decisions come from a ``random.Random(seed)`` so a run
with ``--seed`` and the same request sequence faults the same requests.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import random
import threading

import core

KINDS = ("429", "500", "502", "503", "504", "reset", "latency", "applied500", "applied502", "applied503", "applied504",
         "echo")
# Kinds answered after the request was applied (the status is the digits after the prefix).
APPLIED_PREFIX = "applied"
# The default kinds (a spec without ``kinds=``): the faults that are never applied, as before.
DEFAULT_KINDS = ("429", "500", "502", "503", "reset", "latency")
SERVICES = ("iam", "ucs", "bce", "heat", "k8s")


class Fault(object):
    def __init__(self, kind):
        self.kind = kind

    def __repr__(self):
        return "Fault(%s)" % self.kind


def format_number(value):
    if float(value) == int(value):
        return str(int(value))
    return str(value)


def _fraction(key, value):
    try:
        number = float(value)
    except ValueError:
        raise ValueError("fault spec: %s must be a number, got %r" % (key, value))
    if not 0.0 <= number <= 1.0:
        raise ValueError("fault spec: %s must be between 0 and 1" % key)
    return number


def _positive(key, value):
    try:
        number = float(value)
    except ValueError:
        raise ValueError("fault spec: %s must be a number, got %r" % (key, value))
    if number < 0:
        raise ValueError("fault spec: %s must not be negative" % key)
    return number


def parse_spec(spec):
    """Parse a fault spec into a dict; raises ValueError with a readable message."""
    conf = {"rate": 0.0, "kinds": list(DEFAULT_KINDS), "lost": 0.0, "latency": 0.3, "retry_after": 1.0,
            "services": ["ucs", "bce", "heat"], "methods": None, "paths": None, "limit": None}
    spec = (spec or "").strip()
    if spec.lower() in ("", "off", "none"):
        return conf
    for item in spec.split(","):
        item = item.strip()
        if not item:
            continue
        key, sep, value = item.partition("=")
        key, value = key.strip().lower(), value.strip()
        if not sep:
            raise ValueError("fault spec: expected key=value, got %r" % item)
        if key in ("rate", "lost"):
            conf[key] = _fraction(key, value)
        elif key in ("latency", "retry_after"):
            conf[key] = _positive(key, value)
        elif key == "kinds":
            kinds = [k.strip().lower() for k in value.split("+") if k.strip()]
            bad = [k for k in kinds if k not in KINDS]
            if bad or not kinds:
                raise ValueError("fault spec: unknown kinds %s (known: %s)" % (bad, "+".join(KINDS)))
            conf["kinds"] = kinds
        elif key == "services":
            services = [s.strip().lower() for s in value.split("+") if s.strip()]
            bad = [s for s in services if s not in SERVICES]
            if bad:
                raise ValueError("fault spec: unknown services %s" % bad)
            conf["services"] = services
        elif key == "methods":
            conf["methods"] = [m.strip().upper() for m in value.split("+") if m.strip()]
        elif key == "paths":
            conf["paths"] = [p.strip() for p in value.split("+") if p.strip()]
        elif key == "limit":
            try:
                conf["limit"] = int(value)
            except ValueError:
                raise ValueError("fault spec: limit must be an integer")
        else:
            raise ValueError("fault spec: unknown key %r" % key)
    return conf


class FaultInjector(object):
    def __init__(self, spec, seed=None):
        self.lock = threading.Lock()
        self.seed = seed
        self.spec = ""
        self.conf = parse_spec("")
        self.injected = 0
        self.rng = random.Random(seed) if seed is not None else random.Random()
        self.configure(spec)

    def configure(self, spec):
        conf = parse_spec(spec)
        with self.lock:
            self.conf = conf
            self.spec = spec or ""
            self.injected = 0
            self.rng = random.Random(self.seed) if self.seed is not None else random.Random()

    @property
    def latency(self):
        return self.conf["latency"]

    @property
    def retry_after(self):
        return self.conf["retry_after"]

    def decide(self, service, method, path, write):
        """A Fault for this request, or None."""
        conf = self.conf
        if not conf["rate"] and not conf["lost"]:
            return None
        if service not in conf["services"]:
            return None
        if conf["methods"] and method not in conf["methods"]:
            return None
        if conf["paths"] and not any(path.startswith(p) for p in conf["paths"]):
            return None
        with self.lock:
            if conf["limit"] is not None and self.injected >= conf["limit"]:
                return None
            fault = None
            if conf["rate"] and self.rng.random() < conf["rate"]:
                fault = Fault(self.rng.choice(conf["kinds"]))
            elif write and conf["lost"] and self.rng.random() < conf["lost"]:
                fault = Fault("lost")
            if fault is not None:
                self.injected += 1
            return fault


def echo_error(service, method, raw_path, raw_query, headers, body):
    """A 400 in the service's format that quotes the request as received (for the secret-leak tests)."""
    quoted = {"method": method, "path": raw_path, "query": raw_query, "headers": dict(headers.items()),
              "body": body.decode("utf-8", "replace") if isinstance(body, bytes) else body}
    return core.service_error(service, 400, "UCS.01000001" if service == "ucs" else "BCE.00000400",
                              "Invalid request (injected echo): %s" % json.dumps(quoted, sort_keys=True))


def fault_error(service, status):
    """The error an injected status fault answers with, in the service's format."""
    messages = {429: "Too many requests, please retry later", 500: "Internal server error (injected fault)",
                502: "Bad gateway (injected fault)", 503: "Service unavailable (injected fault)",
                504: "Gateway timeout (injected fault)"}
    codes = {"ucs": {429: "UCS.01000002", 500: "UCS.01000006", 502: "APIGW.0202", 503: "APIGW.0203", 504: "APIGW.0204"},
             "bce": {429: "APIGW.0308", 500: "BCE.00000500", 502: "APIGW.0202", 503: "APIGW.0203", 504: "APIGW.0204"}}
    code = codes.get(service, {}).get(status, str(status))
    return core.service_error(service, status, code, messages[status])
