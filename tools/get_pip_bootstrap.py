"""Offline stand-in for the pip bootstrap script ansible-test downloads (get_pip_24_2.py).

ansible-test runs this file with the target interpreter to install pip into the virtual environments it
creates. This machine has no route to the upstream script, so pip comes from the interpreter's own
ensurepip wheel instead; the remaining arguments go to `pip install` unchanged.
"""
import ensurepip
import os
import subprocess
import sys


def main():
    ensurepip.bootstrap()
    # ensurepip points PIP_CONFIG_FILE at an empty file, which hides the machine's pip settings (certificates).
    os.environ.pop("PIP_CONFIG_FILE", None)
    args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
    if args:
        subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)


if __name__ == "__main__":
    main()
