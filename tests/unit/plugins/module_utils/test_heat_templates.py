# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Safe template loading (module_utils/heat_templates.py): what a template may pull in, and the refusals.

URL templates are served by a small HTTP server on 127.0.0.1 (real redirects, real sizes); nothing here talks
to an orchestration API: a refusal happens while the desired state is computed.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import threading

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ConfigurationError
from ansible_collections.fleetops.cloud.plugins.module_utils import heat_templates as ht

HOT = "heat_template_version: 2021-04-16\nresources:\n  a:\n    type: OS::Heat::Value\n    properties: {value: {get_file: %s}}\n"


@pytest.fixture()
def server():
    """``(base_url, pages)``: pages maps a path to text, or to ("redirect", location)."""
    pages = {}
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args):
            pass

        def do_GET(self):  # noqa: N802 - http.server's name
            seen.append(self.path)
            page = pages.get(self.path)
            if page is None:
                self.send_response(404)
                self.end_headers()
                return
            if isinstance(page, tuple):
                self.send_response(302)
                self.send_header("Location", page[1])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = page.encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield "http://127.0.0.1:%d" % httpd.server_address[1], pages, seen
    finally:
        httpd.shutdown()
        httpd.server_close()


def load(url, policy=None):
    loader = ht.Loader(policy or ht.TemplatePolicy(), timeout=5)
    template, doc = loader.load_template(template_url=url)
    return loader.collect_files(template, doc)


def test_relative_references_of_a_url_template_are_fetched_from_its_url(server):
    base, pages, _seen = server
    pages["/t/main.yaml"] = HOT % "data.txt"
    pages["/t/data.txt"] = "payload"
    assert load(base + "/t/main.yaml") == {"data.txt": "payload"}


@pytest.mark.parametrize("ref,option", [
    ("file:///etc/passwd", "allow_local_files=true"),
    ("/etc/passwd", "allow_local_files=true"),
    ("http://169.254.169.254/latest/meta-data/", "allow_hosts"),
    ("ftp://example.com/x", "allow_hosts"),
])
def test_a_url_template_cannot_read_local_files_nor_other_hosts(server, ref, option):
    base, pages, seen = server
    pages["/t/main.yaml"] = HOT % ref
    with pytest.raises(ConfigurationError) as exc:
        load(base + "/t/main.yaml")
    message = str(exc.value)
    assert ref in message and base + "/t/main.yaml" in message and "template_sources.%s" % option in message
    assert seen == ["/t/main.yaml"]


def test_local_files_from_a_url_template_only_when_allowed(server, tmp_path):
    base, pages, _seen = server
    (tmp_path / "local.txt").write_text("local")
    pages["/t/main.yaml"] = HOT % ("file://%s" % (tmp_path / "local.txt"))
    files = load(base + "/t/main.yaml", ht.TemplatePolicy(allow_local_files=True))
    assert list(files.values()) == ["local"]


def test_a_local_template_may_read_local_files(tmp_path):
    (tmp_path / "abs.txt").write_text("abs")
    (tmp_path / "main.yaml").write_text(HOT % (tmp_path / "abs.txt"))
    loader = ht.Loader()
    template, doc = loader.load_template(str(tmp_path / "main.yaml"))
    assert loader.collect_files(template, doc) == {str(tmp_path / "abs.txt"): "abs"}


def test_redirects_are_bounded_and_checked(server):
    base, pages, _seen = server
    pages["/t/main.yaml"] = HOT % "data.txt"
    pages["/t/data.txt"] = ("redirect", "/t/moved.txt")
    pages["/t/moved.txt"] = "moved"
    assert load(base + "/t/main.yaml") == {"data.txt": "moved"}
    pages["/t/data.txt"] = ("redirect", "http://169.254.169.254/latest/")
    with pytest.raises(ConfigurationError) as exc:
        load(base + "/t/main.yaml")
    assert "redirects to another host" in str(exc.value) and "allow_hosts" in str(exc.value)
    pages["/t/data.txt"] = ("redirect", "/t/data.txt")
    with pytest.raises(ConfigurationError) as exc:
        load(base + "/t/main.yaml", ht.TemplatePolicy(max_redirects=3))
    assert "more than 3 redirects" in str(exc.value) and "max_redirects" in str(exc.value)


def test_link_local_and_metadata_addresses_are_refused_unless_allowed():
    policy = ht.TemplatePolicy()
    for url in ("http://169.254.169.254/x", "http://[fd00:ec2::254]/x", "http://[fe80::1]/x"):
        with pytest.raises(ConfigurationError) as exc:
            ht.check_address(url, policy, "x", "t.yaml")
        assert "allow_link_local=true" in str(exc.value)
    ht.check_address("http://169.254.169.254/x", ht.TemplatePolicy(allow_link_local=True), "x", "t.yaml")
    ht.check_address("http://127.0.0.1/x", policy, "x", "t.yaml")


def test_sizes_are_bounded(server, tmp_path):
    base, pages, _seen = server
    pages["/t/main.yaml"] = HOT % "big.txt"
    pages["/t/big.txt"] = "x" * 2000
    with pytest.raises(ConfigurationError) as exc:
        load(base + "/t/main.yaml", ht.TemplatePolicy(max_bytes=1000))
    assert "larger than 1000 bytes" in str(exc.value) and "max_bytes" in str(exc.value)
    (tmp_path / "big.yaml").write_text(HOT % "x" + "#" * 2000)
    with pytest.raises(ConfigurationError):
        ht.Loader(ht.TemplatePolicy(max_bytes=1000)).load_template(str(tmp_path / "big.yaml"))


def test_other_hosts_only_when_allowed(server):
    base, pages, _seen = server
    other = base.replace("127.0.0.1", "localhost")
    pages["/t/main.yaml"] = HOT % (other + "/t/data.txt")
    pages["/t/data.txt"] = "other"
    with pytest.raises(ConfigurationError):
        load(base + "/t/main.yaml")
    assert list(load(base + "/t/main.yaml", ht.TemplatePolicy(allow_hosts=["localhost"])).values()) == ["other"]


def test_registry_files_are_uploaded_under_their_url_and_the_entry_rewritten(tmp_path):
    (tmp_path / "worker.yaml").write_text(HOT % "inner.txt")
    (tmp_path / "inner.txt").write_text("inner")
    (tmp_path / "env.yaml").write_text("resource_registry:\n  My::Worker: worker.yaml\n  OS::Nova::Server: My::Thing\n"
                                       "parameter_defaults: {}\n")
    files = {}
    env = ht.Loader().load_environment(str(tmp_path / "env.yaml"), None, files)
    url = "file://%s" % (tmp_path / "worker.yaml")
    assert env == {"resource_registry": {"My::Worker": url, "OS::Nova::Server": "My::Thing"}}
    assert files == {url: HOT % "inner.txt", "inner.txt": "inner"}


def test_hidden_values_of_nested_templates_are_found():
    nested = "heat_template_version: 2021-04-16\nparameters:\n  token: {type: string, hidden: true}\n"
    names = ht.hidden_names({"heat_template_version": "2021-04-16", "parameters": {"pw": {"type": "string", "hidden": True}}},
                            {"n.yaml": nested, "data.txt": "hidden"})
    assert names == {"pw", "token"}
    assert sorted(ht.hidden_values(names, {"pw": "p1", "other": "o"},
                                   {"parameter_defaults": {"token": 123}})) == ["123", "p1"]
