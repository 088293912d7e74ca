"""Serve real Keystone or real Heat (engine + API in one process) on 127.0.0.1 with waitress.

Runs with the Python of the realheat venv (.realheat/venv), never with the collection's test venv:

    serve.py keystone CONFIG_DIR PORT
    serve.py heat HEAT_CONF PORT

Started and stopped (by PID) by ``tests/realheat/harness.py``. Facts behind the choices are in
``docs/emulator.md`` (section "A real Heat engine"): Heat 27 has no ``heat-api`` script, ``fake://`` messaging
only works when API and engine share one process, sqlite needs ``BEGIN IMMEDIATE`` + WAL once the schema exists,
and Heat's one-second pacing sleeps are capped so that a test stack takes a fraction of a second per action.
"""

import os
import sys


def sqlite_immediate():
    """Every sqlite transaction BEGIN IMMEDIATE, with a busy timeout and WAL (deferred BEGIN deadlocks)."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "connect")
    def _connect(dbapi_connection, _record):
        if type(dbapi_connection).__module__.startswith("sqlite3"):
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA busy_timeout = 30000")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.close()

    # oslo.db emits its own deferred "BEGIN" on sqlite: make it BEGIN IMMEDIATE (read-then-write transactions
    # of two threads otherwise deadlock with "database is locked").
    @event.listens_for(Engine, "before_cursor_execute", retval=True)
    def _immediate(connection, _cursor, statement, parameters, _context, _executemany):
        if statement == "BEGIN" and connection.dialect.name == "sqlite":
            statement = "BEGIN IMMEDIATE"
        return statement, parameters


def serve(app, port, threads):
    import waitress
    waitress.serve(app, host="127.0.0.1", port=int(port), threads=threads, ident="realheat", _quiet=True)


def keystone(config_dir, port):
    os.environ["OS_KEYSTONE_CONFIG_DIR"] = config_dir
    sys.argv = sys.argv[:1]  # keystone parses sys.argv when its application is created
    sqlite_immediate()
    from keystone.server import wsgi
    app = wsgi.initialize_public_application()
    serve(app, port, threads=1)


def cap_pacing(limit=0.05):
    """Heat sleeps 1 s per leaf resource and between progress checks; cap those sleeps (answers unchanged)."""
    import time as real_time

    from heat.engine import scheduler
    from heat.engine import stack as stack_module

    original = scheduler.TaskRunner._sleep

    def _sleep(self, wait_time):
        return original(self, None if wait_time is None else min(wait_time, limit))

    class _CappedTime(object):
        def __getattr__(self, name):
            return getattr(real_time, name)

        @staticmethod
        def sleep(seconds):
            return real_time.sleep(min(seconds, limit))

    scheduler.TaskRunner._sleep = _sleep
    stack_module.time = _CappedTime()


def heat(conf, port):
    from oslo_service import backend
    backend.init_backend(backend.BackendType.THREADING)
    sys.argv = [sys.argv[0], "--config-file", conf]
    import oslo_i18n
    from oslo_config import cfg
    from oslo_log import log as logging
    from heat.common import config, messaging
    from heat.rpc import api as rpc_api
    from heat.engine import service as engine_service  # registers the engine's options (auth_encryption_key...)
    oslo_i18n.enable_lazy()
    logging.register_options(cfg.CONF)
    cfg.CONF(sys.argv[1:], project="heat", prog="heat-api", version="realheat")
    logging.setup(cfg.CONF, "heat")
    config.set_config_defaults()
    messaging.setup()
    config.startup_sanity_check()
    sqlite_immediate()
    cap_pacing()
    engine = engine_service.EngineService(cfg.CONF.host, rpc_api.ENGINE_TOPIC)
    engine.start()  # directly: oslo_service.launch forks a worker, which breaks the in-process transport
    app = config.load_paste_app("heat-api")
    serve(app, port, threads=8)


def proxy(port, target, log_path):
    """A logging proxy in front of the Heat API: every request forwarded is one JSON line in ``log_path``.

    ``GET /_realheat/requests`` lists them, ``DELETE /_realheat/requests`` forgets them (the tests count writes).
    """
    import http.client
    import http.server
    import json
    import threading
    import time

    lock = threading.Lock()
    records = []
    hop = ("connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection")

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def _own(self):
            if not self.path.startswith("/_realheat/requests"):
                return False
            with lock:
                if self.command == "DELETE":
                    del records[:]
                body = json.dumps({"requests": list(records)}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return True

        def _forward(self):
            if self._own():
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = dict((k, v) for k, v in self.headers.items() if k.lower() not in hop)
            connection = http.client.HTTPConnection("127.0.0.1", int(target), timeout=300)
            try:
                connection.request(self.command, self.path, body=body, headers=headers)
                response = connection.getresponse()
                payload = response.read()
            finally:
                connection.close()
            record = {"time": time.time(), "method": self.command, "path": self.path, "status": response.status}
            with lock:
                records.append(record)
                with open(log_path, "a") as handle:
                    handle.write(json.dumps(record) + "\n")
            self.send_response(response.status)
            for key, value in response.getheaders():
                if key.lower() not in hop and key.lower() != "content-length":
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _forward

    server = http.server.ThreadingHTTPServer(("127.0.0.1", int(port)), Handler)
    server.daemon_threads = True
    server.serve_forever()


def main():
    if sys.argv[1] == "proxy":
        proxy(*sys.argv[2:5])
        return
    kind, where, port = sys.argv[1:4]
    if kind == "keystone":
        keystone(where, port)
    elif kind == "heat":
        heat(where, port)
    else:
        raise SystemExit("usage: serve.py keystone|heat CONFIG PORT")


if __name__ == "__main__":
    main()
