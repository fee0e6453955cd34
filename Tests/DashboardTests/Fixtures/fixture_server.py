"""Serve the dashboard and canned API responses for the browser tests.

The dashboard's files are served under /dashboard/ and / redirects there. Requests under /v1/ get
responses built from the JSON files in --api, shaped as docs/api.md describes, with the token checks,
role checks and project scoping of the real service. Changes (notes, approve, release, resolve,
new rules, modes) live in memory for the life of the process and are published on /v1/events.
POST /fixture/incidents adds an incident and publishes incident.opened, as new IDS evidence would.
Binds 127.0.0.1 only and writes the port the kernel chose to --port-file.
"""

import argparse
import json
import mimetypes
import os
import signal
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

MODES = {"monitor", "dry-run", "approve", "enforce"}
WAITING = {"awaiting_approval", "held"}


def now():
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class State:
    def __init__(self, api_dir):
        def load(name):
            with open(os.path.join(api_dir, name), encoding="utf-8") as f:
                return json.load(f)

        self.tokens = load("tokens.json")
        self.incidents = load("incidents.json")
        self.policies = load("policies.json")
        self.rules = load("rules.json")
        self.simulate = load("simulate.json")
        self.data_sources = load("data-sources.json")
        self.status = load("status.json")
        self.lock = threading.Condition()
        self.events = []
        self.next_rule = 100

    def publish(self, kind, project_id, payload):
        with self.lock:
            event = {"id": len(self.events) + 1, "kind": kind, "at": now(), "project_id": project_id,
                     "payload": payload}
            self.events.append(event)
            self.lock.notify_all()

    def incident(self, incident_id):
        return next((i for i in self.incidents if i["id"] == incident_id), None)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state = None
    dashboard_dir = None

    def log_message(self, fmt, *args):
        print("%s %s" % (self.address_string(), fmt % args), flush=True)

    # Responses

    def send_json(self, status, body):
        data = (json.dumps(body) + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def send_error_json(self, status, message, error_data=None, code=None):
        self.send_json(status, {"error": {"message": message, "error_code": code or status,
                                          "error_data": error_data}})

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        text = self.rfile.read(length).decode() if length else ""
        return json.loads(text) if text.strip() else {}

    # Dispatch

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def do_PUT(self):
        self.route("PUT")

    def route(self, method):
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        path = unquote(url.path)

        if method == "GET" and path == "/":
            self.send_response(302)
            self.send_header("Location", "/dashboard/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if method == "GET" and (path == "/dashboard" or path.startswith("/dashboard/")):
            self.serve_file(path[len("/dashboard"):])
            return
        if method == "POST" and path == "/fixture/incidents":
            incident = self.read_body()
            self.state.incidents.insert(0, incident)
            self.state.publish("incident.opened", incident["project_id"], incident)
            self.send_json(201, incident)
            return
        if not path.startswith("/v1/"):
            self.send_error_json(404, "Not Found::No resource at %s" % path)
            return

        token = self.headers.get("X-Auth-Token")
        if path == "/v1/events" and not token:
            token = query.get("token")
        who = self.state.tokens.get(token or "")
        if who is None:
            self.send_error_json(401, "Unauthorized::The token is missing, invalid or expired.")
            return
        self.api(method, path[len("/v1/"):].strip("/").split("/"), query, who)

    def serve_file(self, relative):
        relative = relative.lstrip("/") or "index.html"
        full = os.path.realpath(os.path.join(self.dashboard_dir, relative))
        if not full.startswith(os.path.realpath(self.dashboard_dir) + os.sep) or not os.path.isfile(full):
            self.send_error_json(404, "Not Found::%s" % relative)
            return
        with open(full, "rb") as f:
            data = f.read()
        kind = "text/javascript" if full.endswith(".js") else (mimetypes.guess_type(full)[0] or "text/plain")
        self.send_response(200)
        self.send_header("Content-Type", kind + "; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    # The API

    def visible(self, who, project_id):
        return "admin" in who["roles"] or project_id in who["projects"]

    def may_change(self, who):
        return "admin" in who["roles"] or "operator" in who["roles"]

    def api(self, method, parts, query, who):
        s = self.state
        if parts == ["whoami"]:
            return self.send_json(200, who)
        if parts == ["events"]:
            return self.stream_events(who)
        if parts[0] == "incidents":
            return self.incidents(method, parts[1:], query, who)
        if parts[0] == "actions" and method == "GET":
            found = [a for i in s.incidents for a in i["actions"] if self.visible(who, i["project_id"])]
            if "incident_id" in query:
                found = [a for a in found if a["incident_id"] == query["incident_id"]]
            return self.send_json(200, {"results": found})
        if parts[0] == "policies":
            return self.policies(method, parts[1:], query, who)
        if parts[0] == "data-sources" and method == "GET":
            return self.data_sources(parts[1:])
        self.send_error_json(404, "Not Found::No resource at /v1/%s" % "/".join(parts))

    def incidents(self, method, parts, query, who):
        s = self.state
        if not parts and method == "GET":
            found = [i for i in s.incidents if self.visible(who, i["project_id"])]
            if "state" in query:
                found = [i for i in found if i["state"] == query["state"]]
            if "project_id" in query:
                found = [i for i in found if i["project_id"] == query["project_id"]]
            summary = [{k: v for k, v in i.items() if k not in ("proof", "evidence")} for i in found]
            return self.send_json(200, {"results": summary})

        incident = s.incident(parts[0]) if parts else None
        if incident is None or not self.visible(who, incident["project_id"]):
            return self.send_error_json(404, "Not Found::No incident with id %s" % (parts[0] if parts else ""))
        if method == "GET" and len(parts) == 1:
            return self.send_json(200, incident)
        if method != "POST":
            return self.send_error_json(501, "Method not supported")
        if not self.may_change(who):
            return self.send_error_json(403, "Forbidden::The viewer role cannot change incidents.")

        body = self.read_body()
        if parts[1:] == ["notes"]:
            if not str(body.get("text", "")).strip():
                return self.send_error_json(400, "Bad Request::The note's text is empty.")
            incident["notes"].append({"at": now(), "author": who["user"], "text": body["text"]})
            s.publish("incident.noted", incident["project_id"], incident)
            return self.send_json(201, incident)

        action = query.get("action")
        changed = []
        if action == "approve":
            waiting = [a for a in incident["actions"] if a["state"] in WAITING]
            if not waiting:
                return self.send_error_json(409, "Conflict::No action of incident %s waits for approval."
                                            % incident["id"])
            for a in waiting:
                a["state"] = "verified"
                a["decided_at"] = a["executed_at"] = a["verified_at"] = now()
                a["decided_by"] = who["user"]
                a.setdefault("events", []).extend([
                    {"at": now(), "kind": "approved", "actor": who["user"], "detail": None},
                    {"at": now(), "kind": "executed", "actor": "agora", "detail": None},
                    {"at": now(), "kind": "verified", "actor": "agora", "detail": None}])
                changed.append(a)
            incident["state"] = "contained"
            s.publish("incident.contained", incident["project_id"], incident)
            return self.send_json(200, {"results": changed})
        if action == "release":
            for a in incident["actions"]:
                if a["state"] in ("executed", "verified"):
                    a["state"] = "released"
                    a["released_at"] = now()
                    a["released_by"] = who["user"]
                    a.setdefault("events", []).append(
                        {"at": now(), "kind": "released", "actor": who["user"], "detail": None})
                    changed.append(a)
            incident["state"] = "released"
            s.publish("incident.released", incident["project_id"], incident)
            return self.send_json(200, {"results": changed})
        if action == "resolve":
            if body.get("note"):
                incident["notes"].append({"at": now(), "author": who["user"], "text": body["note"]})
            incident["state"] = "resolved"
            s.publish("incident.resolved", incident["project_id"], incident)
            return self.send_json(200, incident)
        return self.send_error_json(400, "Bad Request::Unknown action %r" % action)

    def policies(self, method, parts, query, who):
        s = self.state
        if not parts:
            return self.send_json(200, {"results": s.policies})
        policy = next((p for p in s.policies if parts[0] in (p["name"], p["id"])), None)
        if policy is None:
            return self.send_error_json(404, "Not Found::No policy found with name or id %s" % parts[0],
                                        code=1020)
        rest = parts[1:]

        if method == "GET" and not rest:
            return self.send_json(200, policy)
        if method == "GET" and rest == ["rules"]:
            return self.send_json(200, {"results": s.rules.get(policy["name"], [])})
        if method == "POST" and not rest and query.get("action") == "simulate":
            body = self.read_body()
            missing = [k for k in ("query", "sequence", "action_policy") if not body.get(k)]
            if missing:
                return self.send_error_json(400, "Simulate requires parameters: query, sequence, action_policy",
                                            code=1004)
            return self.send_json(200, s.simulate)

        if not self.may_change(who):
            return self.send_error_json(403, "Forbidden::The viewer role cannot change policies.")
        if method == "PUT" and rest == ["mode"]:
            mode = self.read_body().get("mode")
            if mode not in MODES:
                return self.send_error_json(400, "Bad Request::Invalid mode %r; expected one of %s"
                                            % (mode, ", ".join(sorted(MODES))))
            policy["mode"] = mode
            return self.send_json(200, policy)
        if method == "POST" and rest == ["rules"]:
            return self.add_rule(policy, self.read_body())
        self.send_error_json(501, "Method not supported")

    def add_rule(self, policy, body):
        text = str(body.get("rule", ""))
        if not text.strip():
            return self.send_error_json(400, "Syntax error for rule::Empty string passed. Not a valid rule",
                                        code=1002)
        # The fixture's parser rejects only '@', at its 1-based line and column.
        offset = text.find("@")
        if offset >= 0:
            line = text.count("\n", 0, offset) + 1
            column = offset - (text.rfind("\n", 0, offset) + 1) + 1
            line_text = text.split("\n")[line - 1]
            message = "Syntax error for rule::%d:%d: unexpected character '@'" % (line, column)
            return self.send_error_json(400, message, code=1002, error_data={
                "kind": "syntax", "line": line, "column": column, "text": line_text})
        self.state.next_rule += 1
        rule = {"id": "r-%d" % self.state.next_rule, "name": body.get("name") or "",
                "comment": body.get("comment") or "", "rule": text}
        self.state.rules.setdefault(policy["name"], []).append(rule)
        self.send_json(201, rule)

    def data_sources(self, parts):
        s = self.state
        if not parts:
            return self.send_json(200, {"results": s.data_sources})
        source = next((d for d in s.data_sources if parts[0] in (d["id"], d["name"])), None)
        if source is None:
            return self.send_error_json(404, "Not Found::No data source with name or id %s" % parts[0])
        rest = parts[1:]
        status = s.status.get(source["id"], {})
        if not rest:
            return self.send_json(200, source)
        if rest == ["status"]:
            return self.send_json(200, status)
        if rest == ["rates"]:
            start = int(time.time()) // 60 * 60 - 59 * 60
            scale = status.get("rate_per_second", 0) * 60
            points = [{"at": datetime.fromtimestamp(start + 60 * k, timezone.utc).isoformat().replace("+00:00", "Z"),
                       "records": int(scale * (1 + 0.5 * ((k * 7) % 11) / 10))} for k in range(60)]
            return self.send_json(200, {"interval_seconds": 60, "points": points})
        if rest == ["tables"]:
            names = list(status.get("tables", {})) or ["blocklist:networks"]
            return self.send_json(200, {"results": [{"id": n} for n in names]})
        if len(rest) == 3 and rest[0] == "tables" and rest[2] == "rows":
            rows = [{"data": ["203.0.113.0/24", "drop"]}, {"data": ["198.51.100.0/24", "drop"]}]
            return self.send_json(200, {"results": rows})
        self.send_error_json(404, "Not Found::No resource at /v1/data-sources/%s" % "/".join(parts))

    def stream_events(self, who):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = int(self.headers.get("Last-Event-ID") or 0)
        s = self.state
        try:
            self.wfile.write(b"retry: 1000\n\n")
            self.wfile.flush()
            while True:
                with s.lock:
                    s.lock.wait_for(lambda: len(s.events) > seen, timeout=5)
                    fresh = s.events[seen:]
                    seen = len(s.events)
                for event in fresh:
                    if event["project_id"] and not self.visible(who, event["project_id"]):
                        continue
                    text = "id: %d\nevent: %s\ndata: %s\n\n" % (event["id"], event["kind"], json.dumps(event))
                    self.wfile.write(text.encode())
                if not fresh:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dashboard", required=True, help="folder of the dashboard's static files")
    parser.add_argument("--api", required=True, help="folder of the JSON fixture files")
    parser.add_argument("--port-file", required=True, help="file to write the chosen port to")
    options = parser.parse_args()
    # A test runner may start this process with SIGTERM blocked; unblock it so that stopping by PID works.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})

    Handler.state = State(options.api)
    Handler.dashboard_dir = options.dashboard
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with open(options.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(options.port_file + ".tmp", options.port_file)
    print("listening on 127.0.0.1:%d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
