# -*- coding: utf-8 -*-
# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure validation and normalisation helpers for UCS cluster registration.

Nothing here talks to the network or reads files: every function takes values and returns values, so the
modules can validate all options before their first API call and the rules are unit tested on their own.

Facts come from the UCS API reference (2025-08-28): the category / type / provider table (section 5.6), the
city codes (section 5.5; mainland China only), the Kubernetes UUID format of cluster ids and the Kubernetes
label rules the register call applies (at most 100 labels). No rule here is stricter than the source: where it
contradicts itself, both readings are accepted (see ``EXTRA_PROVIDERS`` and ``check_city``).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress
import json
import re

from ansible_collections.fleetops.cloud.plugins.module_utils.ucs import is_uuid

# category -> {type: provider}, source section 5.6.
CLUSTER_CATEGORIES = {
    "self": {"cce": "huaweicloud", "turbo": "huaweicloud"},
    "onpremise": {"baremetal": "huaweicloud"},
    "attachedcluster": {
        "ack": "aliyun",
        "aks": "azure",
        "eks": "aws",
        "gke": "googlecloud",
        "tke": "tencentcloud",
        "openshift": "openshift",
        "privatek8s": "privatek8s",
    },
}
CLUSTER_TYPES = sorted(set(t for types in CLUSTER_CATEGORIES.values() for t in types))
TABLE_PROVIDERS = sorted(set(p for types in CLUSTER_CATEGORIES.values() for p in types.values()))
# Source 3.1.3, the register example of an attached cluster, lists more providers than the table of 5.6 does.
# The source contradicts itself, so both are accepted: these go with category attachedcluster and any of its types.
EXTRA_PROVIDERS = ("huaweicloudstack", "other", "FlexibleEngine", "FlexibleEngineStack", "OpenTelekomCloud",
                   "OpenTelekomCloudStack", "ctcloud", "cmcloud")
CLUSTER_PROVIDERS = TABLE_PROVIDERS + sorted(EXTRA_PROVIDERS)

MAX_LABELS = 100

# Six-digit administrative codes of source section 5.5, plus "unknown". Only used when country is CN.
CN_CITY_CODES = frozenset((
    "110000 "
    "120000 "
    "130000 130100 130200 130300 130400 130500 130600 130700 130800 130900 131000 131100 "
    "140000 140100 140200 140300 140400 140500 140600 140700 140800 140900 141000 141100 "
    "150000 150100 150200 150300 150400 150500 150600 150700 150800 150900 152200 152500 152900 "
    "210000 210100 210200 210300 210400 210500 210600 210700 210800 210900 211000 211100 211200 211300 211400 "
    "220000 220100 220200 220300 220400 220500 220600 220700 220800 222400 "
    "230000 230100 230200 230300 230400 230500 230600 230700 230800 230900 231000 231100 231200 232700 "
    "310000 "
    "320000 320100 320200 320300 320400 320500 320600 320700 320800 320900 321000 321100 321200 321300 "
    "330000 330100 330200 330300 330400 330500 330600 330700 330800 330900 331000 331100 "
    "340000 340100 340200 340300 340400 340500 340600 340700 340800 341000 341100 341200 341300 341500 341600 341700 341800 "
    "350000 350100 350200 350300 350400 350500 350600 350700 350800 350900 "
    "360000 360100 360200 360300 360400 360500 360600 360700 360800 360900 361000 361100 "
    "370000 370100 370200 370300 370400 370500 370600 370700 370800 370900 371000 371100 371300 371400 371500 371600 371700 "
    "410000 410100 410200 410300 410400 410500 410600 410700 410800 410900 411000 411100 411200 411300 411400 411500 411600 411700 419001 "
    "420000 420100 420200 420300 420500 420600 420700 420800 420900 421000 421100 421200 421300 422800 429004 429005 429006 429021 "
    "430000 430100 430200 430300 430400 430500 430600 430700 430800 430900 431000 431100 431200 431300 433100 "
    "440000 440100 440200 440300 440400 440500 440600 440700 440800 440900 441200 441300 441400 441500 441600 441700 441800 441900 442000 445100 "
    "445200 445300 "
    "450000 450100 450200 450300 450400 450500 450600 450700 450800 450900 451000 451100 451200 451300 451400 "
    "460000 460100 460200 460300 460400 469001 469002 469005 469006 469007 469021 469022 469023 469024 469025 469026 469027 469028 469029 469030 "
    "500000 "
    "510000 510100 510300 510400 510500 510600 510700 510800 510900 511000 511100 511300 511400 511500 511600 511700 511800 511900 512000 "
    "520000 520100 520200 520300 520400 520500 520600 522300 522600 522700 "
    "530000 530100 530300 530400 530500 530600 530700 530800 530900 532300 532500 532600 532800 532900 533100 533300 "
    "540000 540100 540200 540300 540400 540500 540600 542500 "
    "610000 610100 610200 610300 610400 610500 610600 610700 610800 610900 611000 "
    "620000 620100 620200 620300 620400 620500 620600 620700 620800 620900 621000 621100 621200 622900 "
    "630000 630100 630200 "
    "640000 640100 640200 640300 640400 640500 "
    "650000 650100 650200 650400 650500 652300 652700 652800 652900 653000 653100 653200 654000 654200 654300 659001 659002 659003 659004 659005 "
    "659006 659007 659008 659009 659010 "
    "710000 710100 710200 710300 710400 710500 710600 710700 "
    "810000 "
    "820000 "
    "unknown"
).split())

ISO_COUNTRY_CODES = frozenset((
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM "
    "CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY "
    "HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF "
    "MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE "
    "RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ "
    "VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW "
).split())

# Kubernetes "qualified name" part of a label key, and label values (which may also be empty).
LABEL_NAME_RE = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
# RFC 1123 DNS subdomain, as Kubernetes validates label key prefixes.
DNS1123_SUBDOMAIN_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
LABEL_NAME_MAX = 63
# No document states a pattern for cluster names (3.1.3: "CCE集群填写CCE集群名称，其他类型集群自定义"). The module
# only refuses what cannot be a name at all, and bounds the length so that a name fits a log line and a query.
CLUSTER_NAME_MAX = 255
DNS1123_SUBDOMAIN_MAX = 253


def check_uuid(option, value):
    """None when value is a UUID, else a message naming option."""
    if value is None or is_uuid(value):
        return None
    return "%s must be a UUID such as 44052cdd-8cd2-11ee-abd1-0255ac1001bd (8-4-4-4-12 hexadecimal digits), got %r" % (option, value)


def derive_provider(category, cluster_type):
    """The only provider the table allows for category and type, or None when the pair is not in the table."""
    return CLUSTER_CATEGORIES.get(category, {}).get(cluster_type)


def check_category_type_provider(category, cluster_type, provider):
    """Messages for every way category / type / provider break the table; empty when they fit.

    Any of the three may be None (not set); only what is set is checked against the others.
    """
    errors = []
    if category is not None and category not in CLUSTER_CATEGORIES:
        errors.append("category must be one of %s, got %r" % (", ".join(sorted(CLUSTER_CATEGORIES)), category))
        return errors
    if cluster_type is not None:
        if cluster_type not in CLUSTER_TYPES:
            errors.append("type must be one of %s, got %r" % (", ".join(CLUSTER_TYPES), cluster_type))
            return errors
        if category is not None and cluster_type not in CLUSTER_CATEGORIES[category]:
            errors.append("type %r does not belong to category %r: category %s takes type %s" % (
                cluster_type, category, category, " or ".join(sorted(CLUSTER_CATEGORIES[category]))))
            return errors
    if provider is None:
        return errors
    if provider not in CLUSTER_PROVIDERS:
        errors.append("provider must be one of %s, got %r" % (", ".join(CLUSTER_PROVIDERS), provider))
    elif provider in EXTRA_PROVIDERS:
        if category not in (None, "attachedcluster") or (cluster_type is not None and
                                                         cluster_type not in CLUSTER_CATEGORIES["attachedcluster"]):
            errors.append("provider %r (from the register example of the UCS reference, 3.1.3) is only accepted for "
                          "attached clusters (category attachedcluster)" % provider)
    elif cluster_type is not None:
        expected = [p for types in CLUSTER_CATEGORIES.values() for t, p in types.items() if t == cluster_type][0]
        if provider != expected:
            errors.append("provider %r does not match type %r: type %s is provided by %s (leave provider out to derive it)" % (
                provider, cluster_type, cluster_type, expected))
    elif category is not None and provider not in CLUSTER_CATEGORIES[category].values():
        errors.append("provider %r does not belong to category %r" % (provider, category))
    return errors


def check_country(country, option="country"):
    """None when country can be sent as a country code, else a message.

    The source only says "所在国家代码" (country code) and its own update example uses ``AL``: any non-empty code
    is accepted. A lower-case ISO code gets a hint, since the city rules apply to ``CN`` exactly.
    """
    if country is None:
        return None
    if not isinstance(country, str) or not country.strip():
        return "%s must be a non-empty country code such as CN or DE" % option
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in country):
        return "%s must not contain control characters" % option
    if country != country.upper() and country.upper() in ISO_COUNTRY_CODES:
        return "%s must be an upper-case ISO 3166-1 alpha-2 code: use %r instead of %r" % (option, country.upper(), country)
    return None


def check_city(country, city, option="city"):
    """None when city fits country, else a message.

    Source 3.1.3: "所在城市代码 ... 仅支持中国城市，其他国家无需填写" (city codes exist for China only, other countries
    need not give one), and its update example (3.1.4) sends ``country: AL, city: AL``. So with country CN the city
    must be one of the codes of section 5.5 (or ``unknown``); for any other country a city is optional and any
    value is passed on as given.
    """
    if city is None:
        return None
    if not isinstance(city, str) or not city.strip() or any(ord(ch) < 32 or ord(ch) == 127 for ch in city):
        return "%s must be a non-empty string without control characters" % option
    if country != "CN":
        return None
    if city not in CN_CITY_CODES:
        return ("%s %r is not a UCS city code: use a six-digit code from the UCS API reference section 5.5, "
                "for example 110000 (Beijing), 310000 (Shanghai) or 440300 (Shenzhen), or 'unknown'" % (option, city))
    return None


def label_key_problem(key):
    """Why key breaks the Kubernetes label key rules, or None."""
    if not isinstance(key, str) or not key:
        return "a label key must be a non-empty string"
    prefix, sep, name = key.rpartition("/")
    if sep:
        if not prefix:
            return "the prefix before '/' must not be empty"
        if len(prefix) > DNS1123_SUBDOMAIN_MAX or not DNS1123_SUBDOMAIN_RE.match(prefix):
            return "the prefix %r must be a DNS subdomain (lower-case letters, digits, '-' and '.', at most 253 characters)" % prefix
    if len(name) > LABEL_NAME_MAX:
        return "the name part %r is longer than 63 characters" % name
    if not LABEL_NAME_RE.match(name):
        return ("the name part %r must consist of letters, digits, '-', '_' or '.', and start and end with a "
                "letter or digit" % name)
    return None


def label_value_problem(value):
    """Why value breaks the Kubernetes label value rules, or None. Empty values are allowed."""
    if not isinstance(value, str):
        return "label values must be strings (quote %r in YAML)" % (value,)
    if value == "":
        return None
    if len(value) > LABEL_NAME_MAX:
        return "the value is longer than 63 characters"
    if not LABEL_NAME_RE.match(value):
        return "the value %r must consist of letters, digits, '-', '_' or '.', and start and end with a letter or digit" % value
    return None


def check_labels(labels, option="labels"):
    """Messages for every label that breaks the Kubernetes rules, or for too many labels."""
    if labels is None:
        return []
    errors = []
    if len(labels) > MAX_LABELS:
        errors.append("%s accepts at most %d labels, got %d" % (option, MAX_LABELS, len(labels)))
    for key in sorted(labels, key=str):
        problem = label_key_problem(key)
        if problem:
            errors.append("%s key %r breaks the Kubernetes label rules: %s" % (option, key, problem))
            continue
        problem = label_value_problem(labels[key])
        if problem:
            errors.append("%s value of %r breaks the Kubernetes label rules: %s" % (option, key, problem))
    return errors


def check_cluster_name(name, option="name"):
    """None when name can be a cluster name, else a message naming option.

    No UCS document states a pattern for cluster names, so only what cannot be one is refused: an empty name,
    control characters, ``/`` (a name is looked up, never put into a path, but it must stay one word), surrounding
    blanks, and more than 255 characters.
    """
    if not isinstance(name, str) or not name.strip():
        return "%s must be a non-empty string, got %r" % (option, name)
    if len(name) > CLUSTER_NAME_MAX:
        return "%s is %d characters long; at most %d are accepted" % (option, len(name), CLUSTER_NAME_MAX)
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        return "%s must not contain control characters" % option
    if "/" in name:
        return "%s %r must not contain '/'" % (option, name)
    if name != name.strip():
        return "%s %r must not start or end with blanks" % (option, name)
    return None


def check_cidr(option, value):
    """None when value is an IPv4/IPv6 network in CIDR notation (host bits zero), else a message."""
    if value is None:
        return None
    try:
        ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        return "%s must be a network in CIDR notation such as 172.16.0.0/16: %s" % (option, exc)
    if "/" not in value:
        return "%s must be a network in CIDR notation such as 172.16.0.0/16, got %r" % (option, value)
    return None


def check_cluster_options(params):
    """Every problem with the options of a ucs_cluster task, as a list of messages; empty when they are sound.

    params uses the module's option names: name, state, category, type, provider, country, city, cluster_id,
    cce_region, cce_project_id, kubeconfig, kubeconfig_path, labels, network. Only rules that need no API call
    are checked here: reading kubeconfig_path and resolving fleet and policy names happen in the module.
    """
    errors = []
    problem = check_cluster_name(params.get("name"))
    if problem:
        errors.append(problem)
    if params.get("state", "present") == "absent":
        return errors
    category = params.get("category")
    cluster_type = params.get("type")
    errors.extend(check_category_type_provider(category, cluster_type, params.get("provider")))
    errors.extend(e for e in (check_uuid("cluster_id", params.get("cluster_id")), check_country(params.get("country"))) if e)
    if params.get("country") is not None or params.get("city") is not None:
        problem = check_city(params.get("country"), params.get("city"))
        if problem:
            errors.append(problem)
    errors.extend(check_labels(params.get("labels")))
    network = params.get("network") or {}
    for key in ("pod_cidr", "service_cidr"):
        problem = check_cidr("network.%s" % key, network.get(key))
        if problem:
            errors.append(problem)
    if category == "self":
        # cluster_id, cce_region and cce_project_id are optional (table 3-51/3-52: "否"); what is not given is
        # taken from the tenant's CCE cluster of that name (GET /v1/managedclusters) when the cluster is registered.
        extra = [opt for opt in ("kubeconfig", "kubeconfig_path") if params.get(opt) is not None]
        if network:
            extra.append("network")
        if extra:
            errors.append("category self (importing a CCE cluster) does not take %s" % ", ".join(extra))
    elif category in ("attachedcluster", "onpremise"):
        extra = [opt for opt in ("cluster_id", "cce_region", "cce_project_id") if params.get(opt) is not None]
        if extra:
            errors.append("%s are only used when importing a CCE cluster (category self), not with category %s" % (
                ", ".join(extra), category))
        if params.get("country") is None:
            errors.append("category %s requires country (a country code such as CN)" % category)
        elif params.get("country") == "CN" and params.get("city") is None:
            errors.append("country CN requires city (a six-digit UCS city code such as 110000)")
        # The kubeconfig an attached cluster needs is checked when it is registered (ATTACHED_NEEDS_KUBECONFIG):
        # updating the country or city of a registered cluster needs none.
    return errors


ATTACHED_NEEDS_KUBECONFIG = ("registering an attached cluster (category attachedcluster) requires kubeconfig or "
                             "kubeconfig_path (the member cluster's kubeconfig)")


def kubeconfig_annotation(text, option="kubeconfig"):
    """The kubeconfig annotation value (a compact JSON string) for kubeconfig text in YAML or JSON.

    Raises ValueError with a message naming option when the text is not a kubeconfig. The message never
    quotes the text, which holds credentials.
    """
    data = None
    try:
        data = json.loads(text)
    except ValueError:
        # Imported here: only a kubeconfig in YAML needs PyYAML, and loading it costs every module start.
        try:
            import yaml
        except ImportError:  # pragma: no cover - PyYAML ships with ansible-core
            yaml = None
        if yaml is not None:
            try:
                data = yaml.safe_load(text)
            except yaml.YAMLError:
                data = None
    if not isinstance(data, dict):
        raise ValueError("%s is not a kubeconfig: expected a YAML or JSON mapping" % option)
    missing = [key for key in ("clusters", "users", "contexts") if not data.get(key)]
    if missing:
        raise ValueError("%s is not a usable kubeconfig: it has no %s" % (option, ", ".join(missing)))
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def same_kubeconfig(annotation, other):
    """True when two kubeconfig annotation strings describe the same document (key order and layout ignored)."""
    try:
        return json.loads(annotation) == json.loads(other)
    except (TypeError, ValueError):
        return annotation == other


def kubeconfig_of(cluster):
    """The kubeconfig annotation of a cluster object as the API returned it, or None when it is not readable."""
    annotations = ((cluster or {}).get("metadata") or {}).get("annotations") or {}
    for key, value in annotations.items():
        if key.lower() == "kubeconfig" and value:
            return value
    return None
