"""Loopback peers of the licensed test instance, started by `cargo xtask n8n start --licensed`.

Some operations of n8n's public API talk to another system. This process plays those systems, on
127.0.0.1 only, so that the end-to-end suite can prove the operations instead of skipping them:

- an LDAP directory (ldaptor, in memory): `POST /settings/ldap/sync` binds and searches it;
- an HTTPS OpenID Connect discovery document: `PUT /settings/sso/oidc` fetches it, and n8n's
  OIDC client only accepts https; the certificate comes from a CA made here (trustme), which
  xtask adds to n8n's NODE_EXTRA_CA_CERTS;
- a smart-HTTP git server (git's own `git http-backend`, as CGI) over the bare repositories in
  `<dir>/git`: promotions clone, push and pull through it.

Usage: python3 peers.py DIR. When everything listens it writes DIR/peers.json (mode 0600: it
holds the directory's admin password) and runs until terminated.
"""

import http.server
import json
import os
import secrets
import ssl
import subprocess
import sys
import threading
from io import BytesIO

import trustme
from ldaptor.inmemory import fromLDIFFile
from ldaptor.interfaces import IConnectedLDAPEntry
from ldaptor.protocols.ldap.ldapserver import LDAPServer
from twisted.internet import defer, reactor
from twisted.internet.protocol import ServerFactory
from twisted.python.components import registerAdapter

BASE_DN = "dc=example,dc=org"
ADMIN_DN = "cn=admin," + BASE_DN
USER_EMAIL = "ldap-user@example.org"


def ldif(admin_password):
    return f"""dn: dc=org
dc: org
objectClass: dcObject

dn: {BASE_DN}
dc: example
objectClass: dcObject

dn: {ADMIN_DN}
cn: admin
objectClass: person
userPassword: {admin_password}

dn: ou=people,{BASE_DN}
ou: people
objectClass: organizationalUnit

dn: uid=ldap-user,ou=people,{BASE_DN}
uid: ldap-user
cn: Ldap User
givenName: Ldap
sn: User
mail: {USER_EMAIL}
objectClass: inetOrgPerson
userPassword: {secrets.token_hex(12)}

""".encode()


class LdapFactory(ServerFactory):
    protocol = LDAPServer

    def __init__(self, root):
        self.root = root

    def buildProtocol(self, addr):
        proto = self.protocol()
        proto.debug = False
        proto.factory = self
        return proto


registerAdapter(lambda factory: factory.root, LdapFactory, IConnectedLDAPEntry)


class OidcHandler(http.server.BaseHTTPRequestHandler):
    """Serves the discovery document (and an empty key set) of a provider at its own address."""

    def do_GET(self):
        issuer = self.server.issuer
        if self.path.startswith("/.well-known/openid-configuration"):
            body = {
                "issuer": issuer,
                "authorization_endpoint": issuer + "/authorize",
                "token_endpoint": issuer + "/token",
                "jwks_uri": issuer + "/jwks",
                "userinfo_endpoint": issuer + "/userinfo",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
            }
        elif self.path.startswith("/jwks"):
            body = {"keys": []}
        else:
            self.send_error(404)
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def read_body(handler):
    """The request body, by content-length or chunked transfer encoding."""
    if handler.headers.get("transfer-encoding", "").lower() == "chunked":
        out = bytearray()
        while True:
            size = int(handler.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                handler.rfile.readline()
                return bytes(out)
            out += handler.rfile.read(size)
            handler.rfile.readline()
    length = int(handler.headers.get("content-length") or 0)
    return handler.rfile.read(length) if length else b""


class GitHandler(http.server.BaseHTTPRequestHandler):
    """Smart HTTP for the repositories under the server's root, through `git http-backend`."""

    protocol_version = "HTTP/1.0"

    def handle_git(self):
        path, _, query = self.path.partition("?")
        body = read_body(self)
        env = dict(
            os.environ,
            GIT_PROJECT_ROOT=self.server.root,
            GIT_HTTP_EXPORT_ALL="1",
            REQUEST_METHOD=self.command,
            PATH_INFO=path,
            QUERY_STRING=query,
            CONTENT_TYPE=self.headers.get("content-type", ""),
            CONTENT_LENGTH=str(len(body)),
            REMOTE_USER="n8n",
            REMOTE_ADDR="127.0.0.1",
            GIT_CONFIG_COUNT="1",
            GIT_CONFIG_KEY_0="http.receivepack",
            GIT_CONFIG_VALUE_0="true",
        )
        if self.headers.get("content-encoding"):
            env["HTTP_CONTENT_ENCODING"] = self.headers["content-encoding"]
        if self.headers.get("git-protocol"):
            env["GIT_PROTOCOL"] = self.headers["git-protocol"]
        out = subprocess.run([self.server.backend], input=body, env=env, capture_output=True).stdout
        head, _, payload = out.partition(b"\r\n\r\n")
        status, headers = 200, []
        for line in head.split(b"\r\n"):
            key, _, value = line.decode("latin-1").partition(":")
            if key.lower() == "status":
                status = int(value.strip().split()[0])
            elif key:
                headers.append((key, value.strip()))
        self.send_response(status)
        for key, value in headers:
            self.send_header(key, value)
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = handle_git

    def log_message(self, *args):
        pass


def serve(server):
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()


def oidc_server(directory):
    ca = trustme.CA()
    ca.cert_pem.write_to_path(os.path.join(directory, "ca.pem"))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), OidcHandler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.issuer = f"https://127.0.0.1:{server.server_address[1]}"
    return server


def git_server(directory):
    root = os.path.join(directory, "git")
    os.makedirs(root, exist_ok=True)
    exec_path = subprocess.check_output(["git", "--exec-path"], text=True).strip()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), GitHandler)
    server.root = root
    server.backend = os.path.join(exec_path, "git-http-backend")
    return server


@defer.inlineCallbacks
def start(directory):
    try:
        admin_password = secrets.token_hex(16)
        root = yield fromLDIFFile(BytesIO(ldif(admin_password)))
        ldap = reactor.listenTCP(0, LdapFactory(root), interface="127.0.0.1")
        oidc, git = oidc_server(directory), git_server(directory)
        serve(oidc)
        serve(git)
        ready = {
            "ldap": {
                "host": "127.0.0.1",
                "port": ldap.getHost().port,
                "base_dn": BASE_DN,
                "admin_dn": ADMIN_DN,
                "admin_password": admin_password,
                "user_email": USER_EMAIL,
            },
            "oidc_discovery_url": oidc.issuer + "/.well-known/openid-configuration",
            "git_http_url": f"http://127.0.0.1:{git.server_address[1]}",
            "git_root": git.root,
            "ca_cert": os.path.join(directory, "ca.pem"),
        }
        tmp = os.path.join(directory, "peers.json.tmp")
        with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
            json.dump(ready, f)
        os.replace(tmp, os.path.join(directory, "peers.json"))
    except Exception as e:  # noqa: BLE001 - any failure must end the process loudly
        print(f"peers: cannot start: {e!r}", file=sys.stderr)
        reactor.stop()
        os._exit(1)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: peers.py DIR")
    directory = os.path.abspath(sys.argv[1])
    os.makedirs(directory, exist_ok=True)
    reactor.callWhenRunning(start, directory)
    reactor.run()


if __name__ == "__main__":
    main()
