"""A real OpenStack Keystone + Heat on 127.0.0.1 for the orchestration tests (stdlib only).

    python tests/realheat/harness.py install     # the venv .realheat/venv from tests/realheat/requirements.txt
    python tests/realheat/harness.py start       # prints the connection facts as JSON (also .realheat/run/info.json)
    python tests/realheat/harness.py stop        # stops what start started, by PID

What it runs: Keystone and Heat (``openstack-heat``, ``keystone``, ``waitress``, pinned) from a venv of their own
under the checkout, sqlite databases, fernet keys, ``fake://`` messaging (engine and API in one process, see
``serve.py``), and a small logging proxy in front of the Heat API: the Keystone catalog's ``orchestration``
endpoint points at the proxy, which records every request it forwards (``GET /_realheat/requests``,
``DELETE /_realheat/requests`` to reset; one JSON line per request in ``run/requests.log``). Ports are picked
free on every start.

Cold start: ``db_sync``, keys, ``bootstrap``, the identity objects Heat needs, then a snapshot of databases and
keys in ``.realheat/snapshot``. Warm start: the snapshot is copied back and the catalog's endpoint URLs are
rewritten for the new ports, so a start takes seconds and every run begins with no stack.

Failures raise ``RealHeatError`` with the log file to read: an installation that cannot be done fails loudly
(the ``make realheat`` layer must never skip silently).
"""

import hashlib
import json
import os
import pwd
import grp
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKOUT = os.path.dirname(os.path.dirname(HERE))
BASE = os.environ.get("REALHEAT_DIR") or os.path.join(CHECKOUT, ".realheat")
REQUIREMENTS = os.path.join(HERE, "requirements.txt")
SERVE = os.path.join(HERE, "serve.py")

ADMIN_PASSWORD = "realheat-admin-pass"
SERVICE_PASSWORD = "realheat-service-pass"
DOMAIN_ADMIN_PASSWORD = "realheat-domain-pass"
USER = "demo"
USER_PASSWORD = "realheat-demo-pass"
PROJECT = "demo"
REGION = "RegionOne"
START_TIMEOUT = float(os.environ.get("REALHEAT_START_TIMEOUT", "180"))


class RealHeatError(Exception):
    """The real engine could not be installed or started (the message names the log to read)."""


# ------------------------------------------------------------------------------------------------ helpers


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _http(method, url, body=None, headers=None, timeout=30):
    """``(status, headers, parsed JSON or text)`` of one request; HTTP errors are answers, not exceptions."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # nosec - 127.0.0.1 only
            status, rheaders, raw = response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        status, rheaders, raw = exc.code, dict(exc.headers), exc.read()
    text = raw.decode("utf-8", "replace")
    try:
        return status, rheaders, json.loads(text) if text else None
    except ValueError:
        return status, rheaders, text


def _requirements_hash():
    with open(REQUIREMENTS, "rb") as handle:
        return hashlib.sha256(handle.read() + sys.version.encode()).hexdigest()


def _alive(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as handle:
            return SERVE.encode() in handle.read()
    except OSError:
        return False


class RealHeat(object):
    """Install, start and stop the real engine under ``base`` (default ``<checkout>/.realheat``)."""

    def __init__(self, base=BASE):
        self.base = base
        self.venv = os.path.join(base, "venv")
        self.python = os.path.join(self.venv, "bin", "python")
        self.run_dir = os.path.join(base, "run")
        self.snapshot = os.path.join(base, "snapshot")
        self.info = None

    # ---- installation

    def installed(self):
        stamp = os.path.join(self.venv, ".realheat-installed")
        try:
            with open(stamp) as handle:
                return handle.read().strip() == _requirements_hash()
        except OSError:
            return False

    def install(self):
        """Create the venv and install the pinned packages (once; again when requirements.txt changes)."""
        if self.installed():
            return False
        os.makedirs(self.base, exist_ok=True)
        log = os.path.join(self.base, "install.log")
        shutil.rmtree(self.venv, ignore_errors=True)
        shutil.rmtree(self.snapshot, ignore_errors=True)
        commands = [[sys.executable, "-m", "venv", self.venv],
                    [self.python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"],
                    # --no-compile: byte-compiling ~400 MB of packages costs more than the few modules the engine
                    # imports compile lazily.
                    [self.python, "-m", "pip", "install", "--quiet", "--no-compile", "-r", REQUIREMENTS]]
        with open(log, "w") as out:
            for command in commands:
                code = subprocess.call(command, stdout=out, stderr=subprocess.STDOUT)
                if code != 0:
                    raise RealHeatError("Installing the real Heat engine failed (%s exited %s): see %s"
                                        % (" ".join(command[-3:]), code, log))
        with open(os.path.join(self.venv, ".realheat-installed"), "w") as handle:
            handle.write(_requirements_hash())
        return True

    def _tool(self, name, *args, log):
        command = [os.path.join(self.venv, "bin", name)] + list(args)
        with open(log, "a") as out:
            code = subprocess.call(command, stdout=out, stderr=subprocess.STDOUT)
        if code != 0:
            raise RealHeatError("%s %s failed (exit %s): see %s" % (name, " ".join(args[2:3]), code, log))

    # ---- configuration

    def _paths(self):
        run = self.run_dir
        return dict(run=run, keystone_dir=os.path.join(run, "keystone"),
                    keystone_conf=os.path.join(run, "keystone", "keystone.conf"),
                    keystone_db=os.path.join(run, "keystone.db"), heat_db=os.path.join(run, "heat.db"),
                    heat_conf=os.path.join(run, "heat.conf"), fernet=os.path.join(run, "fernet-keys"),
                    receipts=os.path.join(run, "fernet-receipts"), credentials=os.path.join(run, "credential-keys"),
                    setup_log=os.path.join(run, "setup.log"))

    def _write_keystone_conf(self, paths):
        os.makedirs(paths["keystone_dir"], exist_ok=True)
        with open(paths["keystone_conf"], "w") as handle:
            handle.write("""[DEFAULT]
log_file = %(run)s/keystone.log
[database]
connection = sqlite:///%(keystone_db)s
[token]
provider = fernet
[fernet_tokens]
key_repository = %(fernet)s
[fernet_receipts]
key_repository = %(receipts)s
[credential]
key_repository = %(credentials)s
[identity]
password_hash_rounds = 4
""" % paths)

    def _write_heat_conf(self, paths, ports):
        values = dict(paths, keystone="http://127.0.0.1:%d" % ports["keystone"], heat_port=ports["heat"],
                      paste=os.path.join(self.venv, "etc", "heat", "api-paste.ini"),
                      service_password=SERVICE_PASSWORD, domain_password=DOMAIN_ADMIN_PASSWORD,
                      convergence="true" if os.environ.get("REALHEAT_CONVERGENCE") == "1" else "false")
        with open(paths["heat_conf"], "w") as handle:
            handle.write("""[DEFAULT]
transport_url = fake://
num_engine_workers = 1
convergence_engine = %(convergence)s
stack_user_domain_name = heat
stack_domain_admin = heat_domain_admin
stack_domain_admin_password = %(domain_password)s
deferred_auth_method = trusts
debug = false
log_file = %(run)s/heat.log
heat_metadata_server_url = http://127.0.0.1:%(heat_port)s
heat_waitcondition_server_url = http://127.0.0.1:%(heat_port)s/v1/waitcondition
[database]
connection = sqlite:///%(heat_db)s
[paste_deploy]
api_paste_config = %(paste)s
[keystone_authtoken]
www_authenticate_uri = %(keystone)s/v3
auth_url = %(keystone)s/v3
auth_type = password
username = heat
password = %(service_password)s
project_name = service
user_domain_name = Default
project_domain_name = Default
[trustee]
auth_type = password
auth_url = %(keystone)s/v3
username = heat
password = %(service_password)s
user_domain_name = Default
[clients_keystone]
auth_uri = %(keystone)s
[oslo_messaging_notifications]
driver = noop
""" % values)

    # ---- processes

    def _spawn(self, name, *args):
        log = open(os.path.join(self.run_dir, "%s.out" % name), "ab")
        process = subprocess.Popen([self.python, SERVE] + [str(arg) for arg in args], stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        pids = self._pids()
        pids[name] = process.pid
        with open(os.path.join(self.run_dir, "pids.json"), "w") as handle:
            json.dump(pids, handle)
        return process

    def _pids(self):
        try:
            with open(os.path.join(self.run_dir, "pids.json")) as handle:
                return json.load(handle)
        except (OSError, ValueError):
            return {}

    def _wait_ready(self, what, check, log, process=None):
        deadline = time.time() + START_TIMEOUT
        last = None
        while time.time() < deadline:
            if process is not None and process.poll() is not None:
                raise RealHeatError("%s exited with %s while starting: see %s" % (what, process.returncode, log))
            try:
                if check():
                    return
            except (OSError, urllib.error.URLError) as exc:
                last = exc
            time.sleep(0.2)
        raise RealHeatError("%s did not become ready within %ss (last: %s): see %s"
                            % (what, START_TIMEOUT, last, log))

    # ---- keystone objects

    def _token(self, ports, user, password, project, domain="Default"):
        body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
            "name": user, "password": password, "domain": {"name": domain}}}},
            "scope": {"project": {"name": project, "domain": {"name": domain}}}}}
        status, headers, answer = _http("POST", "http://127.0.0.1:%d/v3/auth/tokens" % ports["keystone"], body)
        if status != 201:
            raise RealHeatError("Keystone refused the token for %s: %s %s" % (user, status, answer))
        return headers.get("X-Subject-Token"), answer["token"]

    def _identity_objects(self, ports):
        """Roles, service user, stack domain and its admin, the test user and the orchestration service."""
        token = self._token(ports, "admin", ADMIN_PASSWORD, "admin")[0]
        base = "http://127.0.0.1:%d/v3" % ports["keystone"]

        def post(path, body):
            status, _headers, answer = _http("POST", base + path, body, {"X-Auth-Token": token})
            if status not in (200, 201):
                raise RealHeatError("Keystone POST %s: %s %s" % (path, status, answer))
            return answer

        def put(path):
            status, _headers, answer = _http("PUT", base + path, None, {"X-Auth-Token": token})
            if status not in (200, 204):
                raise RealHeatError("Keystone PUT %s: %s %s" % (path, status, answer))

        def role_id(name):
            answer = _http("GET", base + "/roles?name=" + name, None, {"X-Auth-Token": token})[2]
            found = answer.get("roles") or []
            return found[0]["id"] if found else post("/roles", {"role": {"name": name}})["role"]["id"]

        roles = dict((name, role_id(name)) for name in ("admin", "member", "reader", "service", "heat_stack_owner",
                                                        "heat_stack_user"))
        service = post("/projects", {"project": {"name": "service", "domain_id": "default"}})["project"]["id"]
        demo = post("/projects", {"project": {"name": PROJECT, "domain_id": "default"}})["project"]["id"]
        heat = post("/users", {"user": {"name": "heat", "password": SERVICE_PASSWORD, "domain_id": "default"}})["user"]["id"]
        put("/projects/%s/users/%s/roles/%s" % (service, heat, roles["admin"]))
        user = post("/users", {"user": {"name": USER, "password": USER_PASSWORD, "domain_id": "default",
                                        "default_project_id": demo}})["user"]["id"]
        for role in ("member", "reader", "heat_stack_owner"):
            put("/projects/%s/users/%s/roles/%s" % (demo, user, roles[role]))
        domain = post("/domains", {"domain": {"name": "heat"}})["domain"]["id"]
        domain_admin = post("/users", {"user": {"name": "heat_domain_admin", "password": DOMAIN_ADMIN_PASSWORD,
                                                "domain_id": domain}})["user"]["id"]
        put("/domains/%s/users/%s/roles/%s" % (domain, domain_admin, roles["admin"]))
        service_id = post("/services", {"service": {"type": "orchestration", "name": "heat"}})["service"]["id"]
        for interface in ("public", "internal", "admin"):
            post("/endpoints", {"endpoint": {"service_id": service_id, "interface": interface, "region_id": REGION,
                                             "url": "http://127.0.0.1:%d/v1/%%(tenant_id)s" % ports["proxy"]}})

    def _rewrite_endpoints(self, db, old, new):
        connection = sqlite3.connect(db)
        try:
            rows = connection.execute("SELECT id, url FROM endpoint").fetchall()
            for row_id, url in rows:
                for key in ("keystone", "proxy"):
                    url = url.replace("127.0.0.1:%d/" % old[key], "127.0.0.1:%d/" % new[key])
                connection.execute("UPDATE endpoint SET url = ? WHERE id = ?", (url, row_id))
            connection.commit()
        finally:
            connection.close()

    # ---- start / stop

    def start(self):
        """Start (cold or warm) and return the connection facts; a start while running restarts."""
        self.install()
        self.stop()
        began = time.time()
        shutil.rmtree(self.run_dir, ignore_errors=True)
        os.makedirs(self.run_dir)
        paths = self._paths()
        ports = dict(keystone=_free_port(), heat=_free_port(), proxy=_free_port())
        warm = os.path.exists(os.path.join(self.snapshot, "meta.json"))
        self._write_keystone_conf(paths)
        log = paths["setup_log"]
        conf = ["--config-file", paths["keystone_conf"]]
        if warm:
            with open(os.path.join(self.snapshot, "meta.json")) as handle:
                meta = json.load(handle)
            for item in ("keystone.db", "heat.db", "fernet-keys", "fernet-receipts", "credential-keys"):
                source = os.path.join(self.snapshot, item)
                target = os.path.join(self.run_dir, item)
                (shutil.copytree if os.path.isdir(source) else shutil.copy2)(source, target)
            self._rewrite_endpoints(paths["keystone_db"], meta["ports"], ports)
        else:
            user = pwd.getpwuid(os.getuid()).pw_name
            group = grp.getgrgid(os.getgid()).gr_name
            self._tool("keystone-manage", *(conf + ["db_sync"]), log=log)
            for setup in ("fernet_setup", "receipt_setup", "credential_setup"):
                self._tool("keystone-manage", *(conf + [setup, "--keystone-user", user, "--keystone-group", group]),
                           log=log)
            identity = "http://127.0.0.1:%d/v3" % ports["keystone"]
            self._tool("keystone-manage", *(conf + [
                "bootstrap", "--bootstrap-password", ADMIN_PASSWORD, "--bootstrap-username", "admin",
                "--bootstrap-project-name", "admin", "--bootstrap-role-name", "admin",
                "--bootstrap-service-name", "keystone", "--bootstrap-region-id", REGION,
                "--bootstrap-public-url", identity, "--bootstrap-internal-url", identity,
                "--bootstrap-admin-url", identity]), log=log)
        keystone = self._spawn("keystone", "keystone", paths["keystone_dir"], ports["keystone"])
        self._wait_ready("Keystone", lambda: _http("GET", "http://127.0.0.1:%d/v3" % ports["keystone"],
                                                   timeout=5)[0] == 200,
                         os.path.join(self.run_dir, "keystone.out"), keystone)
        self._write_heat_conf(paths, ports)
        if not warm:
            self._identity_objects(ports)
            self._tool("heat-manage", "--config-file", paths["heat_conf"], "db_sync", log=log)
            self._save_snapshot(paths, ports)
        self._spawn("proxy", "proxy", ports["proxy"], ports["heat"], os.path.join(self.run_dir, "requests.log"))
        heat = self._spawn("heat", "heat", paths["heat_conf"], ports["heat"])
        token, body = self._token(ports, USER, USER_PASSWORD, PROJECT)
        project_id = body["project"]["id"]
        stacks = "http://127.0.0.1:%d/v1/%s/stacks" % (ports["proxy"], project_id)
        self._wait_ready("Heat", lambda: _http("GET", stacks, None, {"X-Auth-Token": token}, timeout=10)[0] == 200,
                         os.path.join(self.run_dir, "heat.out"), heat)
        self.info = dict(auth_url="http://127.0.0.1:%d/v3" % ports["keystone"], user_name=USER,
                         password=USER_PASSWORD, domain_name="Default", project_name=PROJECT,
                         project_id=project_id, region=REGION,
                         orchestration="http://127.0.0.1:%d/v1/%s" % (ports["proxy"], project_id),
                         requests="http://127.0.0.1:%d/_realheat/requests" % ports["proxy"],
                         ports=ports, warm=warm, start_seconds=round(time.time() - began, 1),
                         pids=self._pids())
        with open(os.path.join(self.run_dir, "info.json"), "w") as handle:
            json.dump(self.info, handle, indent=1)
        return self.info

    def _save_snapshot(self, paths, ports):
        target = self.snapshot + ".new"
        shutil.rmtree(target, ignore_errors=True)
        os.makedirs(target)
        for db in ("keystone.db", "heat.db"):  # the sqlite backup API: consistent while Keystone runs (WAL)
            source = sqlite3.connect(os.path.join(self.run_dir, db))
            dest = sqlite3.connect(os.path.join(target, db))
            try:
                source.backup(dest)
            finally:
                source.close()
                dest.close()
        for item in ("fernet-keys", "fernet-receipts", "credential-keys"):
            shutil.copytree(os.path.join(self.run_dir, item), os.path.join(target, item))
        with open(os.path.join(target, "meta.json"), "w") as handle:
            json.dump({"ports": ports}, handle)
        shutil.rmtree(self.snapshot, ignore_errors=True)
        os.rename(target, self.snapshot)

    def running(self):
        """The connection facts of an engine started earlier and still running, or None."""
        pids = self._pids()
        if not pids or not all(_alive(pid) for pid in pids.values()):
            return None
        try:
            with open(os.path.join(self.run_dir, "info.json")) as handle:
                return json.load(handle)
        except (OSError, ValueError):
            return None

    def stop(self):
        """Stop the processes this harness started (by the PIDs it recorded); True when something was stopped."""
        pids = self._pids()
        live = [pid for pid in pids.values() if _alive(pid)]
        for pid in live:
            try:
                os.kill(pid, signal.SIGTERM)
            except OSError:
                pass
        deadline = time.time() + 10
        while time.time() < deadline and any(_alive(pid) for pid in live):
            time.sleep(0.1)
        for pid in live:
            if _alive(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        try:
            os.unlink(os.path.join(self.run_dir, "pids.json"))
        except OSError:
            pass
        return bool(live)


def main(argv):
    harness = RealHeat()
    command = argv[1] if len(argv) > 1 else "start"
    try:
        if command == "install":
            print("installed" if harness.install() else "already installed")
        elif command == "start":
            print(json.dumps(harness.start(), indent=1))
        elif command == "stop":
            print("stopped" if harness.stop() else "nothing was running")
        else:
            raise SystemExit("usage: harness.py install|start|stop")
    except RealHeatError as exc:
        sys.stderr.write("realheat: %s\n" % exc)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
