# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""IAM / Keystone v3 subset of the emulator.

Paths are relative to ``<base>/iam``: ``GET /`` (versions), ``GET /v3`` (discovery), ``POST /v3/auth/tokens``
(password method, domain or project scope), ``GET /v3/auth/tokens`` (validate ``X-Subject-Token``),
``GET /v3/auth/domains``, ``GET /v3/auth/projects``, ``GET /v3/projects`` (filter ``name``),
``GET /v3/auth/catalog``.  One user, one domain, one project (all set on the command line).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import core

ROLES = [{"id": core.stable_hex("role", "te_admin"), "name": "te_admin"},
         {"id": core.stable_hex("role", "op_service"), "name": "op_service"}]


def _err(status, msg):
    return core.heat_error(status, core.HEAT_TITLES.get(status, "Error"), msg)


def _v3_version(base):
    return {"id": "v3.0", "status": "stable", "updated": "2016-04-04T00:00:00Z",
            "links": [{"rel": "self", "href": base + "/iam/v3/"}],
            "media-types": [{"base": "application/json", "type": "application/vnd.openstack.identity-v3+json"}]}


def versions(req):
    return 300, {"versions": {"values": [_v3_version(req.state.base_url)]}}


def discovery(req):
    return 200, {"version": _v3_version(req.state.base_url)}


def _domain_obj(state):
    return {"id": state.domain_id, "name": state.domain_name, "enabled": True, "description": "",
            "links": {"self": "%s/iam/v3/domains/%s" % (state.base_url, state.domain_id)}}


def _project_obj(state):
    return {"id": state.project_id, "name": state.project_name, "domain_id": state.domain_id,
            "parent_id": state.domain_id, "enabled": True, "is_domain": False, "description": "",
            "links": {"self": "%s/iam/v3/projects/%s" % (state.base_url, state.project_id)}}


def catalog(state):
    region = state.project_name
    base = state.base_url

    def entry(stype, name, url):
        eid = core.stable_hex("endpoint", stype)
        return {"id": core.stable_hex("service", stype), "type": stype, "name": name,
                "endpoints": [{"id": eid + iface[:1], "interface": iface, "region": region, "region_id": region,
                               "url": url} for iface in ("public", "internal")]}

    return [entry("identity", "iam", base + "/iam/v3"),
            entry("orchestration", "heat", "%s/heat/v1/%s" % (base, state.project_id)),
            entry("ucs", "ucs", base + "/ucs"),
            entry("bce", "bce", base + "/bce")]


def _match(ref, wanted_id, wanted_name, what):
    """ref = {"id"|"name"} from the request; True when it names the emulator's object."""
    if not isinstance(ref, dict) or not (ref.get("id") or ref.get("name")):
        raise _err(400, "%s must give an id or a name" % what)
    if ref.get("id"):
        return ref["id"] == wanted_id
    return ref["name"] == wanted_name


def _token_body(state, entry, methods, with_catalog=True):
    user = {"id": entry["user_id"], "name": entry["user"],
            "domain": {"id": state.domain_id, "name": state.domain_name}, "password_expires_at": ""}
    token = {"expires_at": core.iso_utc(entry["expires_at"]), "issued_at": core.iso_utc(entry["issued_at"]),
             "methods": methods, "user": user, "roles": list(ROLES)}
    if with_catalog:
        token["catalog"] = catalog(state)
    if entry["scope"] == "project":
        token["project"] = {"id": state.project_id, "name": state.project_name,
                            "domain": {"id": state.domain_id, "name": state.domain_name}}
    else:
        token["domain"] = {"id": state.domain_id, "name": state.domain_name}
    return {"token": token}


def issue(req):
    state = req.state
    body = req.json()
    try:
        auth = body["auth"]
        identity = auth["identity"]
        methods = identity["methods"]
    except (KeyError, TypeError):
        raise _err(400, "Expecting to find auth.identity.methods in the request body")
    if not isinstance(methods, list) or "password" not in methods:
        raise _err(401, "The request you have made requires authentication: only the password method is supported")
    try:
        user = identity["password"]["user"]
        password = user["password"]
    except (KeyError, TypeError):
        raise _err(400, "Expecting to find auth.identity.password.user.password in the request body")
    if user.get("id"):
        user_ok = user["id"] == state.user_id
    else:
        if not user.get("name"):
            raise _err(400, "Expecting to find a user id or a user name")
        domain = user.get("domain")
        if not isinstance(domain, dict):
            raise _err(400, "A user given by name needs auth.identity.password.user.domain")
        user_ok = user["name"] == state.user_name and _match(domain, state.domain_id, state.domain_name, "user.domain")
    if not user_ok or password != state.password:
        raise _err(401, "The request you have made requires authentication.")

    scope = auth.get("scope") or {}
    if not isinstance(scope, dict):
        raise _err(400, "auth.scope must be an object")
    if "project" in scope:
        project = scope["project"]
        if isinstance(project, dict) and not project.get("id") and isinstance(project.get("domain"), dict):
            if not _match(project["domain"], state.domain_id, state.domain_name, "project.domain"):
                raise _err(401, "The request you have made requires authentication: unknown project domain")
        if not _match(project, state.project_id, state.project_name, "scope.project"):
            raise _err(401, "The request you have made requires authentication: no such project")
        kind = "project"
    elif "domain" in scope:
        if not _match(scope["domain"], state.domain_id, state.domain_name, "scope.domain"):
            raise _err(401, "The request you have made requires authentication: no such domain")
        kind = "domain"
    elif scope:
        raise _err(400, "auth.scope must name a project or a domain")
    else:
        kind = "project"  # as Keystone does: no scope means the user's default project (the emulator's one)

    entry = {"user": state.user_name, "user_id": state.user_id, "domain_id": state.domain_id,
             "project_id": state.project_id if kind == "project" else None, "scope": kind}
    token, stored = _emulator(req).issue_token(entry)
    with_catalog = (req.q("nocatalog") or "").lower() not in ("true", "1")
    return 201, _token_body(state, stored, ["password"], with_catalog), {"X-Subject-Token": token}


def _emulator(req):
    return req.state.emulator


def validate(req):
    subject = req.headers.get("X-Subject-Token")
    entry = _emulator(req).lookup_token(subject)
    if entry is None:
        raise _err(404, "Could not find token: %s..." % (subject or "")[:8])
    with_catalog = (req.q("nocatalog") or "").lower() not in ("true", "1")
    return 200, _token_body(req.state, entry, ["password"], with_catalog), {"X-Subject-Token": subject}


def auth_domains(req):
    state = req.state
    links = {"self": state.base_url + "/iam/v3/auth/domains", "previous": None, "next": None}
    return 200, {"domains": [_domain_obj(state)], "links": links}


def _projects(req, path):
    state = req.state
    items = [_project_obj(state)]
    name = req.q("name")
    if name is not None:
        items = [p for p in items if p["name"] == name]
    domain_id = req.q("domain_id")
    if domain_id is not None:
        items = [p for p in items if p["domain_id"] == domain_id]
    return 200, {"projects": items, "links": {"self": state.base_url + "/iam" + path, "previous": None,
                                              "next": None}}


def projects(req):
    return _projects(req, "/v3/projects")


def auth_projects(req):
    return _projects(req, "/v3/auth/projects")


def auth_catalog(req):
    return 200, {"catalog": catalog(req.state), "links": {"self": req.state.base_url + "/iam/v3/auth/catalog"}}


def register(router):
    router.add("iam", "GET", "/", versions, scope=None)
    router.add("iam", "GET", "/v3", discovery, scope=None)
    router.add("iam", "POST", "/v3/auth/tokens", issue, scope=None)
    router.add("iam", "GET", "/v3/auth/tokens", validate, scope="any")
    router.add("iam", "GET", "/v3/auth/domains", auth_domains, scope="any")
    router.add("iam", "GET", "/v3/auth/projects", auth_projects, scope="any")
    router.add("iam", "GET", "/v3/projects", projects, scope="any")
    router.add("iam", "GET", "/v3/auth/catalog", auth_catalog, scope="any")
