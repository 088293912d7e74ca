# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    """The shared authentication and connection options of every fleetops.cloud module."""

    DOCUMENTATION = r'''
options:
  access_key:
    description:
      - Access key (AK) of the Huawei Cloud account, used to sign requests with C(SDK-HMAC-SHA256).
      - Needs O(secret_key). With temporary credentials also give O(security_token).
      - UCS and BCE use AK/SK first when it is set (then O(token), then O(user_name)/O(password)).
        The orchestration service cannot use AK/SK.
      - If not set, the value of the E(HW_ACCESS_KEY) environment variable is used.
    type: str
  secret_key:
    description:
      - Secret key (SK) that belongs to O(access_key).
      - If not set, the value of the E(HW_SECRET_KEY) environment variable is used.
    type: str
  security_token:
    description:
      - Security token of temporary AK/SK credentials, sent as C(X-Security-Token).
      - If not set, the value of the E(HW_SECURITY_TOKEN) environment variable is used.
    type: str
  auth_url:
    description:
      - The IAM (Keystone v3) endpoint, for example C(https://iam.cn-north-4.myhuaweicloud.com/v3).
        C(/v3) is appended when missing.
      - The same thing as O(endpoints.iam); O(endpoints.iam) wins when both are given.
      - Defaults to C(https://iam.{region}.myhuaweicloud.com/v3).
      - If not set, the value of the E(HW_AUTH_URL) or E(OS_AUTH_URL) environment variable is used.
    type: str
  user_name:
    description:
      - IAM user name for password authentication. Needs O(password) and O(domain_name) or O(domain_id).
      - If not set, the value of the E(HW_USER_NAME) or E(OS_USERNAME) environment variable is used.
    type: str
  password:
    description:
      - Password of O(user_name).
      - If not set, the value of the E(HW_USER_PASSWORD) or E(OS_PASSWORD) environment variable is used.
    type: str
  domain_name:
    description:
      - Name of the account (domain) of O(user_name).
      - If not set, the value of the E(HW_DOMAIN_NAME) or E(OS_USER_DOMAIN_NAME) environment variable is used.
    type: str
  domain_id:
    description:
      - Id of the account (domain). Sent as C(X-Domain-Id) with AK/SK for UCS; discovered from IAM when needed and not set.
      - If not set, the value of the E(HW_DOMAIN_ID) environment variable is used.
    type: str
  project_name:
    description:
      - Name of the project a project-scoped token (BCE, orchestration) is scoped to. For BCE it defaults to
        O(region) (Huawei names the project of a region after it); for orchestration, without it and without
        O(project_id), Keystone scopes the token to the user's default project.
      - If not set, the value of the E(HW_PROJECT_NAME) or E(OS_PROJECT_NAME) environment variable is used.
    type: str
  project_id:
    description:
      - Id of the project for BCE and orchestration calls (scope of the token, C(X-Project-Id) with AK/SK).
      - When not set it comes from the project-scoped token or from an IAM lookup of O(project_name).
      - If not set, the value of the E(HW_PROJECT_ID) environment variable is used.
    type: str
  token:
    description:
      - An IAM/Keystone token to use as it is (C(X-Auth-Token)). It is never cached nor refreshed.
      - UCS and BCE use it when no AK/SK is set; the orchestration service uses it first.
      - If not set, the value of the E(HW_AUTH_TOKEN) or E(OS_AUTH_TOKEN) environment variable is used.
    type: str
  region:
    description:
      - Region, for example C(cn-north-4). Default endpoints and the default project name derive from it.
      - If not set, the value of the E(HW_REGION_NAME) or E(OS_REGION_NAME) environment variable is used.
    type: str
  validate_certs:
    description:
      - Whether TLS certificates are verified. Only set it to V(false) on personally controlled test endpoints;
        every task that runs with V(false) warns.
      - A failed verification says why (unknown CA, host name mismatch, expired certificate) and is never retried.
      - Plain C(http://) endpoints warn too, because credentials would travel unencrypted.
      - If not set, the value of the E(HW_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - Path of a CA bundle (PEM) used to verify the TLS certificates of the endpoints.
      - If not set, the value of the E(HW_CA_PATH) environment variable is used.
    type: path
  api_timeout:
    description:
      - Timeout in seconds of each HTTP request. A request that times out says so, and is retried as below.
    type: int
    default: 60
  max_retries:
    description:
      - How many times a request is retried on HTTP 429, 502, 503, 504 and connection errors (reads also on HTTP 500),
        with capped, jittered exponential backoff that honours C(Retry-After). The retries of one request wait
        180 seconds at most in total.
      - A refused connection or an unknown host name is retried at most twice, with short pauses, so that a task
        against an endpoint that is down ends within seconds.
      - A request that creates something is never re-sent once it may have reached the server.
    type: int
    default: 5
  endpoints:
    description:
      - Endpoint overrides, one per service. An endpoint may carry a path prefix (C(http://127.0.0.1:8080/ucs)).
      - Each key not set here comes from its environment variable, then from the default derived from O(region).
    type: dict
    suboptions:
      iam:
        description:
          - IAM/Keystone v3 endpoint (C(/v3) appended when missing). Environment variable E(HW_IAM_ENDPOINT).
          - Default C(https://iam.{region}.myhuaweicloud.com/v3).
        type: str
      ucs:
        description:
          - UCS endpoint. Environment variable E(HW_UCS_ENDPOINT).
          - Default C(https://ucs.myhuaweicloud.com) for C(cn-*) regions, C(https://ucs-intl.myhuaweicloud.com) otherwise.
        type: str
      bce:
        description:
          - BCE endpoint. Environment variable E(HW_BCE_ENDPOINT). Default C(https://bce.{region}.myhuaweicloud.com).
        type: str
      orchestration:
        description:
          - Orchestration (Heat) endpoint including C(/v1/{project_id}). Environment variable E(HW_ORCHESTRATION_ENDPOINT).
          - Default the public C(orchestration) endpoint of the token's service catalog (matching O(region) when set).
        type: str
  token_cache:
    description:
      - Whether tokens obtained with a password are cached on disk across tasks, and reused until 5 minutes
        before they expire. Each credential set gets its own file (mode 0600, directory 0700).
      - If not set, the value of the E(HW_TOKEN_CACHE) environment variable is used.
    type: bool
    default: true
  token_cache_dir:
    description:
      - Directory of the token cache.
      - If not set, the value of the E(HW_TOKEN_CACHE_DIR) environment variable is used.
    type: path
    default: ~/.cache/fleetops/tokens
notes:
  - All the options above can be set once for every task with the C(group/fleetops.cloud.cloud) module_defaults group.
  - Secrets (O(secret_key), O(security_token), O(password), O(token)) are never logged nor returned; neither are
    the values of the modules' own C(no_log) options, the credentials inside kubeconfigs, nor the tokens a task
    obtained, even when an API quotes them in an error message.
  - The token cache is not used (with a warning) when its directory is a symbolic link or belongs to another user.
requirements:
  - python >= 3.9 (the standard library only; no third-party Python library)
'''

    # The same options for inventory plugins, where the configuration system (not the argument spec) reads the
    # environment. Descriptions are in DOCUMENTATION above; the names and variables must stay identical.
    PLUGIN = r'''
options:
  access_key:
    description: Access key (AK) used to sign requests. See the modules' O(access_key).
    type: str
    env: [{name: HW_ACCESS_KEY}]
  secret_key:
    description: Secret key (SK) that belongs to O(access_key).
    type: str
    env: [{name: HW_SECRET_KEY}]
  security_token:
    description: Security token of temporary AK/SK credentials.
    type: str
    env: [{name: HW_SECURITY_TOKEN}]
  auth_url:
    description: The IAM (Keystone v3) endpoint.
    type: str
    env: [{name: HW_AUTH_URL}, {name: OS_AUTH_URL}]
  user_name:
    description: IAM user name for password authentication.
    type: str
    env: [{name: HW_USER_NAME}, {name: OS_USERNAME}]
  password:
    description: Password of O(user_name).
    type: str
    env: [{name: HW_USER_PASSWORD}, {name: OS_PASSWORD}]
  domain_name:
    description: Name of the account (domain).
    type: str
    env: [{name: HW_DOMAIN_NAME}, {name: OS_USER_DOMAIN_NAME}]
  domain_id:
    description: Id of the account (domain).
    type: str
    env: [{name: HW_DOMAIN_ID}]
  project_name:
    description: Name of the project for project-scoped tokens.
    type: str
    env: [{name: HW_PROJECT_NAME}, {name: OS_PROJECT_NAME}]
  project_id:
    description: Id of the project.
    type: str
    env: [{name: HW_PROJECT_ID}]
  token:
    description: An IAM/Keystone token used as it is.
    type: str
    env: [{name: HW_AUTH_TOKEN}, {name: OS_AUTH_TOKEN}]
  region:
    description: Region; default endpoints derive from it.
    type: str
    env: [{name: HW_REGION_NAME}, {name: OS_REGION_NAME}]
  validate_certs:
    description: Whether TLS certificates are verified.
    type: bool
    default: true
    env: [{name: HW_VALIDATE_CERTS}]
  ca_path:
    description: Path of a CA bundle used to verify TLS certificates.
    type: path
    env: [{name: HW_CA_PATH}]
  api_timeout:
    description: Timeout in seconds of each HTTP request.
    type: int
    default: 60
  max_retries:
    description: How many times a throttled or unavailable request is retried (a refused connection at most twice).
    type: int
    default: 5
  endpoints:
    description:
      - Endpoint overrides with the keys C(iam), C(ucs), C(bce) and C(orchestration).
      - Keys not set here come from E(HW_IAM_ENDPOINT), E(HW_UCS_ENDPOINT), E(HW_BCE_ENDPOINT) and
        E(HW_ORCHESTRATION_ENDPOINT), then from the defaults derived from O(region).
    type: dict
  token_cache:
    description: Whether tokens obtained with a password are cached on disk across runs.
    type: bool
    default: true
    env: [{name: HW_TOKEN_CACHE}]
  token_cache_dir:
    description: Directory of the token cache.
    type: path
    default: ~/.cache/fleetops/tokens
    env: [{name: HW_TOKEN_CACHE_DIR}]
'''
