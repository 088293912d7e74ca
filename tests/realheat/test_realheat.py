"""The orchestration modules and the stack_deployment role against a real Keystone + Heat engine.

Every playbook asserts its own steps (writes counted by the harness's logging proxy); these tests run them and
check what only the whole output can show: no hidden or secret value anywhere, even at -vvv with --diff.
"""

SECRETS = ("realheat-db-password-42", "realheat-worker-token-1")


def _check(rc, output):
    assert rc == 0, "\n".join(output.splitlines()[-120:])


def test_stack_lifecycle_against_real_heat(run_playbook):
    rc, output = run_playbook("lifecycle.yml", "-vvv", "--diff")
    _check(rc, output)
    for secret in SECRETS:
        assert secret not in output, "a hidden parameter value leaked into the -vvv --diff output"


def test_failures_name_the_failed_resources(run_playbook):
    _check(*run_playbook("failures.yml"))


def test_stack_deployment_role_against_real_heat(run_playbook):
    rc, output = run_playbook("role.yml", "--diff")
    _check(rc, output)
    for secret in SECRETS:
        assert secret not in output
