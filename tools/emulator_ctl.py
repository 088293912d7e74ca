"""Start and stop the cloud emulator for make targets, and write the files tests read.

    python tools/emulator_ctl.py start RUNDIR [emulator flags...]   -> RUNDIR/info.json, RUNDIR/pid
    python tools/emulator_ctl.py stop RUNDIR
    python tools/emulator_ctl.py integration-config RUNDIR FILE     -> ansible-test integration_config.yml
    python tools/emulator_ctl.py env RUNDIR                        -> HW_* exports for a shell

The emulator prints one JSON line when it is ready; everything else here derives from that line, so no port is
ever hard-coded.
"""
import json
import os
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _info(rundir):
    with open(os.path.join(rundir, "info.json")) as handle:
        return json.load(handle)


def start(rundir, extra):
    os.makedirs(rundir, exist_ok=True)
    out_path = os.path.join(rundir, "stdout")
    err_path = os.path.join(rundir, "stderr")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = subprocess.Popen([sys.executable, os.path.join(ROOT, "tests", "emulator"), "--port", "0"] + extra,
                                stdout=out, stderr=err, cwd=ROOT, start_new_session=True)
    deadline = time.time() + 15
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit("emulator exited early:\n" + open(err_path).read())
        with open(out_path) as handle:
            line = handle.readline()
        if line.endswith("\n"):
            info = json.loads(line)
            info["base"] = info["iam"].rsplit("/iam/", 1)[0]
            with open(os.path.join(rundir, "info.json"), "w") as handle:
                json.dump(info, handle, indent=2)
            with open(os.path.join(rundir, "pid"), "w") as handle:
                handle.write(str(proc.pid))
            print(info["base"])
            return
        time.sleep(0.05)
    proc.kill()
    sys.exit("emulator did not print its JSON line within 15 s")


def stop(rundir):
    pid_file = os.path.join(rundir, "pid")
    if not os.path.exists(pid_file):
        return
    with open(pid_file) as handle:
        pid = int(handle.read())
    try:
        os.kill(pid, signal.SIGTERM)
        for dummy in range(50):
            os.kill(pid, 0)
            time.sleep(0.1)
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.remove(pid_file)


def auth_options(info, rundir):
    """Every auth option at once: UCS/BCE pick AK/SK, orchestration picks the Keystone user."""
    return {
        "access_key": info["access_key"],
        "secret_key": info["secret_key"],
        "domain_id": info["domain_id"],
        "domain_name": info["domain_name"],
        "project_id": info["project_id"],
        "project_name": info["project_name"],
        "user_name": info["user_name"],
        "password": info["password"],
        "region": info["project_name"],
        "endpoints": {k: info[k] for k in ("iam", "ucs", "bce", "orchestration")},
        "token_cache_dir": os.path.join(rundir, "tokens"),
    }


def integration_config(rundir, target):
    info = _info(rundir)
    lines = ["# written by tools/emulator_ctl.py; do not edit", "---",
             "emulator_base: %s" % json.dumps(info["base"]),
             "fleetops_auth: %s" % json.dumps(auth_options(info, rundir))]
    with open(target, "w") as handle:
        handle.write("\n".join(lines) + "\n")


def env(rundir):
    info = _info(rundir)
    opts = auth_options(info, rundir)
    names = {"access_key": "HW_ACCESS_KEY", "secret_key": "HW_SECRET_KEY", "domain_id": "HW_DOMAIN_ID",
             "domain_name": "HW_DOMAIN_NAME", "project_id": "HW_PROJECT_ID", "project_name": "HW_PROJECT_NAME",
             "user_name": "HW_USER_NAME", "password": "HW_USER_PASSWORD", "region": "HW_REGION_NAME",
             "token_cache_dir": "HW_TOKEN_CACHE_DIR"}
    for key, var in names.items():
        print("export %s=%s" % (var, json.dumps(opts[key])))
    for service in ("iam", "ucs", "bce", "orchestration"):
        print("export HW_%s_ENDPOINT=%s" % (service.upper(), json.dumps(info[service])))
    print("export FLEETOPS_EMULATOR_BASE=%s" % json.dumps(info["base"]))


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    command, rundir = argv[0], argv[1]
    if command == "start":
        start(rundir, argv[2:])
    elif command == "stop":
        stop(rundir)
    elif command == "integration-config":
        integration_config(rundir, argv[2])
    elif command == "env":
        env(rundir)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
