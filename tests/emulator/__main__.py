# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Start the fleetops.cloud cloud emulator: ``python tests/emulator --port 0``.

Prints one JSON line with the endpoints and demo credentials on stdout once it is listening, then serves until
SIGTERM or SIGINT.  See ``docs/emulator.md``.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import argparse
import importlib
import json
import os
import signal
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)
# Start-up must stay well under a second even on a loaded machine: keep the compiled sibling modules in
# tests/emulator/__pycache__ (git-ignored) even when PYTHONDONTWRITEBYTECODE is set.
sys.dont_write_bytecode = False

import core  # noqa: E402  pylint: disable=wrong-import-position
import faults  # noqa: E402  pylint: disable=wrong-import-position

SERVICE_MODULES = ("iam", "ucs", "bce", "heat", "k8s", "karmada")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python tests/emulator",
                                     description="Local IAM/Keystone + UCS + BCE + Heat emulator for fleetops.cloud")
    parser.add_argument("--port", type=int, default=0, help="TCP port (0 = pick a free one)")
    parser.add_argument("--host", default="127.0.0.1", help="listen address; only 127.0.0.1 is accepted")
    parser.add_argument("--state", metavar="FILE", help="persist the state to FILE after every write; reload it")
    parser.add_argument("--speed", type=float, default=1.0, help="scale of asynchronous delays (10 = ten times faster)")
    parser.add_argument("--faults", default="", metavar="SPEC", help="fault spec, see docs/emulator.md")
    parser.add_argument("--seed", type=int, default=None, help="seed for fault decisions and generated ids")
    parser.add_argument("--token-lifetime", type=float, default=86400.0, help="token lifetime in seconds")
    parser.add_argument("--user-name", default="demo")
    parser.add_argument("--password", default="demo-password")
    parser.add_argument("--domain-name", default="demo-domain")
    parser.add_argument("--domain-id", default=None, help="default: derived from the domain name")
    parser.add_argument("--project-name", default="cn-north-4", help="Huawei project names equal the region")
    parser.add_argument("--project-id", default=None, help="default: derived from the project and domain names")
    parser.add_argument("--access-key", default="FLEETOPSEMULATORAK01")
    parser.add_argument("--secret-key", default="fleetopsEmulatorSecretKey000000000000001")
    parser.add_argument("--profile", default="default", choices=("default", "alternatives"),
                        help="alternatives: play every alternative reading of the references (docs/emulator.md)")
    parser.add_argument("--reading", action="append", default=[], metavar="NAME",
                        help="play one alternative reading (repeatable); see GET /_emulator/readings")
    parser.add_argument("--verbose", action="store_true", help="log requests to stderr")
    args = parser.parse_args(argv)
    if args.host != "127.0.0.1":
        parser.error("--host: the emulator only listens on 127.0.0.1")
    if args.speed <= 0:
        parser.error("--speed must be positive")
    if args.token_lifetime <= 0:
        parser.error("--token-lifetime must be positive")
    if not 0 <= args.port <= 65535:
        parser.error("--port must be 0..65535")
    try:
        faults.parse_spec(args.faults)
    except ValueError as exc:
        parser.error(str(exc))
    return args


def identity_from(args):
    domain_id = args.domain_id or core.stable_hex("domain", args.domain_name)
    return {
        "user_name": args.user_name,
        "user_id": core.stable_hex("user", domain_id, args.user_name),
        "password": args.password,
        "domain_name": args.domain_name,
        "domain_id": domain_id,
        "project_name": args.project_name,
        "project_id": args.project_id or core.stable_hex("project", domain_id, args.project_name),
        "access_key": args.access_key,
        "secret_key": args.secret_key,
    }


def build(args, verbose=False):
    """(server, emulator, announcement dict)."""
    identity = identity_from(args)
    state = core.State(identity, state_file=args.state, speed=args.speed, token_lifetime=args.token_lifetime,
                       seed=args.seed)
    router = core.Router()
    emulator = core.Emulator(state, router, args.faults, verbose=verbose)
    for name in SERVICE_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            if getattr(exc, "name", None) != name:
                raise
            emulator.debug("service module %s not present, skipped" % name)
            continue
        module.register(router)
    import readings  # noqa: E402  pylint: disable=wrong-import-position,import-outside-toplevel
    try:
        chosen = readings.for_profile(args.profile, args.reading)
    except ValueError as exc:
        raise SystemExit("emulator: %s" % exc)
    state.config["readings"] = dict((name, True) for name in sorted(chosen))
    server = core.make_server(emulator, args.host, args.port)
    base = "http://127.0.0.1:%d" % server.server_address[1]
    state.base_url = base
    announce = {
        "iam": base + "/iam/v3",
        "ucs": base + "/ucs",
        "bce": base + "/bce",
        "orchestration": "%s/heat/v1/%s" % (base, identity["project_id"]),
        "project_id": identity["project_id"],
        "project_name": identity["project_name"],
        "domain_id": identity["domain_id"],
        "domain_name": identity["domain_name"],
        "user_name": identity["user_name"],
        "password": identity["password"],
        "access_key": identity["access_key"],
        "secret_key": identity["secret_key"],
    }
    return server, emulator, announce


def main(argv=None):
    args = parse_args(argv)
    try:
        server, dummy, announce = build(args, verbose=args.verbose)
    except OSError as exc:
        sys.stderr.write("emulator: cannot listen on 127.0.0.1:%d: %s\n" % (args.port, exc))
        return 1
    except ValueError as exc:
        sys.stderr.write("emulator: cannot load the state file %s: %s\n" % (args.state, exc))
        return 1

    def stop(signum, frame):  # pylint: disable=unused-argument
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    sys.stdout.write(json.dumps(announce) + "\n")
    sys.stdout.flush()
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
