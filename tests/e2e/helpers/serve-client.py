#!/usr/bin/env python3
"""A protocol-level client of `cairn serve` for the e2e tests: speaks
MLflow's scoring protocol and the Open Inference Protocol v2 over
http.client, and checks statuses, headers and bodies. Each scenario exits
0 when every check holds, else prints the first failure and exits 1.

    serve-client.py PORT mlflow MODEL COLUMNS-JSON ROW-JSON
    serve-client.py PORT v2 MODEL VERSION COLUMNS-JSON ROW-JSON [SPEC.yaml]
    serve-client.py PORT drain MODEL PIDFILE    (SIGTERM with a request in flight)
    serve-client.py PORT auth TOKEN
"""
import http.client
import json
import os
import signal
import sys
import time


def fail(msg):
    print("serve-client: " + msg, file=sys.stderr)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def request(port, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    hdrs = dict(headers or {})
    if body is not None and not isinstance(body, bytes):
        body = json.dumps(body).encode()
        hdrs.setdefault("Content-Type", "application/json")
    conn.request(method, path, body=body, headers=hdrs)
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, r.getheader("Content-Type"), dict(r.getheaders()), data


def json_of(data, what):
    try:
        return json.loads(data)
    except ValueError:
        fail("%s: not JSON: %r" % (what, data[:200]))


def mlflow(port, model, cols, row):
    st, ct, h, data = request(port, "GET", "/ping")
    check(st == 200, "/ping answered %d" % st)
    st, ct, h, data = request(port, "GET", "/health")
    check(st == 200, "/health answered %d" % st)
    st, ct, h, data = request(port, "GET", "/version")
    check(st == 200 and data.strip(), "/version answered %d %r" % (st, data))
    record = dict(zip(cols, row))
    bodies = {
        "dataframe_split": {"dataframe_split": {"columns": cols, "data": [row, row]}},
        "dataframe_records": {"dataframe_records": [record, record]},
        "instances": {"instances": [record, record]},
        "inputs": {"inputs": [row, row]},
        "columns": {"inputs": {c: [v, v] for c, v in record.items()}},
    }
    answers = []
    for name, body in bodies.items():
        st, ct, h, data = request(port, "POST", "/models/%s/invocations" % model, body,
                                  {"X-Request-ID": "req-" + name})
        check(st == 200, "%s answered %d: %r" % (name, st, data))
        check(ct.startswith("application/json"), "%s: Content-Type %s" % (name, ct))
        check(h.get("X-Request-ID") == "req-" + name, "%s: X-Request-ID %r" % (name, h))
        d = json_of(data, name)
        check(list(d) == ["predictions"] and len(d["predictions"]) == 2,
              "%s: %r" % (name, d))
        answers.append(d["predictions"])
    check(all(a == answers[0] for a in answers), "the formats disagree: %r" % answers)
    csv = (",".join(cols) + "\n" + ",".join(str(v) for v in row) + "\n").encode()
    st, ct, h, data = request(port, "POST", "/models/%s/invocations" % model, csv,
                              {"Content-Type": "text/csv"})
    check(st == 200 and json_of(data, "csv")["predictions"] == answers[0][:1],
          "text/csv answered %d %r" % (st, data))
    # A made request id is time-sortable: a ULID of 26 characters.
    st, ct, h, data = request(port, "POST", "/models/%s/invocations" % model,
                              bodies["inputs"])
    check(len(h.get("X-Request-ID", "")) == 26, "made X-Request-ID %r" % h)
    errors = [
        (b"{", "application/json", 400, "invalid JSON"),
        (b'{"inputs": [], "instances": []}', "application/json", 400, "both"),
        (b'{"nothing": 1}', "application/json", 400, "nothing"),
        (json.dumps({"dataframe_records": [record, {c: v for c, v in record.items()
                                                      if c != cols[0]}]}).encode(),
         "application/json", 400, "row 2: missing column '%s'" % cols[0]),
        (json.dumps({"dataframe_split": {"columns": cols + ["zz"],
                                         "data": [row + [1]]}}).encode(),
         "application/json", 400, "unknown column 'zz'"),
        (b"x", "text/plain", 415, "text/plain"),
    ]
    for body, ctype, want, text in errors:
        st, ct, h, data = request(port, "POST", "/models/%s/invocations" % model, body,
                                  {"Content-Type": ctype})
        d = json_of(data, "error")
        check(st == want, "%r answered %d, expected %d: %r" % (body[:60], st, want, d))
        check(sorted(d) == ["error_code", "message"] and text in d["message"],
              "%r: error body %r lacks %r" % (body[:60], d, text))
    st, ct, h, data = request(port, "POST", "/models/nosuch/invocations", bodies["inputs"])
    check(st == 404 and json_of(data, "404")["error_code"] == "RESOURCE_DOES_NOT_EXIST",
          "unknown model answered %d %r" % (st, data))


def validator(spec):
    if not spec:
        return None
    try:
        import jsonschema
        import yaml
    except ImportError:
        return None
    with open(spec) as f:
        doc = yaml.safe_load(f)
    schemas = doc["components"]["schemas"]

    def validate(name, value):
        schema = dict(schemas[name])
        schema["components"] = {"schemas": schemas}
        # The OpenAPI file refers to '#/components/schemas/...'.
        jsonschema.validate(value, schema)
    return validate


def v2(port, model, version, cols, row, spec):
    validate = validator(spec)
    for path in ("/v2/health/live", "/v2/health/ready", "/v2/models/%s/ready" % model,
                 "/v2/models/%s/versions/%s/ready" % (model, version)):
        st, ct, h, data = request(port, "GET", path)
        check(st == 200, "%s answered %d" % (path, st))
    st, ct, h, data = request(port, "GET", "/v2")
    d = json_of(data, "/v2")
    check(st == 200 and d["name"] == "cairn", "/v2: %d %r" % (st, d))
    if validate:
        validate("metadata_server_response", d)
    for path in ("/v2/models/%s" % model, "/v2/models/%s/versions/%s" % (model, version)):
        st, ct, h, data = request(port, "GET", path)
        d = json_of(data, path)
        check(st == 200 and d["name"] == model and d["versions"] == [version],
              "%s: %d %r" % (path, st, d))
        check([i["name"] for i in d["inputs"]] == cols, "%s inputs %r" % (path, d))
        if validate:
            validate("metadata_model_response", d)

    def tensor(c, v):
        if isinstance(v, bool):
            return {"name": c, "shape": [2], "datatype": "BOOL", "data": [v, v]}
        if isinstance(v, int):
            return {"name": c, "shape": [2], "datatype": "INT64", "data": [v, v]}
        if isinstance(v, float):
            return {"name": c, "shape": [2, 1], "datatype": "FP64", "data": [[v], [v]]}
        return {"name": c, "shape": [2], "datatype": "BYTES", "data": [v, v]}

    per_column = {"id": "abc-1", "inputs": [tensor(c, v) for c, v in zip(cols, row)]}
    path = "/v2/models/%s/versions/%s/infer" % (model, version)
    st, ct, h, data = request(port, "POST", path, per_column, {"X-Request-ID": "v2-req"})
    d = json_of(data, "infer")
    check(st == 200, "infer answered %d %r" % (st, d))
    check(d["model_name"] == model and d["model_version"] == version and d["id"] == "abc-1",
          "infer response %r" % d)
    check(h.get("X-Request-ID") == "v2-req", "infer X-Request-ID %r" % h)
    check(d["outputs"][0]["name"] == "predict" and d["outputs"][0]["shape"] == [2],
          "infer outputs %r" % d)
    if validate:
        validate("inference_response", d)
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in row):
        matrix = {"inputs": [{"name": "x", "shape": [2, len(cols)], "datatype": "FP64",
                              "data": [row, row]}]}
        st, ct, h, data = request(port, "POST", "/v2/models/%s/infer" % model, matrix)
        m = json_of(data, "matrix")
        check(st == 200 and m["outputs"][0]["data"] == d["outputs"][0]["data"],
              "a [rows, cols] tensor answered %d %r, per column %r" % (st, m, d))
    errors = [
        (b"[1", 400, "invalid JSON"),
        (json.dumps({"inputs": [{"name": cols[0], "shape": [3], "datatype": "FP64",
                                 "data": [1, 2]}]}).encode(), 400, "shape"),
        (json.dumps({"inputs": [{"name": cols[0], "shape": [1], "datatype": "INT8",
                                 "data": [300]}]}).encode(), 400, "range of INT8"),
        (json.dumps({"inputs": [{"name": cols[0], "shape": [1], "datatype": "FP32",
                                 "data": ["a"]}]}).encode(), 400, "FP32"),
        (json.dumps({"inputs": [tensor(c, v) for c, v in zip(cols[1:], row[1:])]}).encode(),
         400, "missing column '%s'" % cols[0]),
    ]
    for body, want, text in errors:
        st, ct, h, data = request(port, "POST", path, body,
                                  {"Content-Type": "application/json"})
        e = json_of(data, "error")
        check(st == want and list(e) == ["error"] and text in e["error"],
              "%r answered %d %r, expected %d with %r" % (body[:60], st, e, want, text))
        if validate:
            validate("inference_error_response", e)
    for p in ("/v2/models/nosuch", "/v2/models/%s/versions/999" % model,
              "/v2/models/nosuch/infer"):
        st, ct, h, data = request(port, "POST" if p.endswith("infer") else "GET", p,
                                  per_column if p.endswith("infer") else None)
        e = json_of(data, p)
        check(st == 404 and "error" in e, "%s answered %d %r" % (p, st, e))


def drain(port, model, pidfile, body):
    """A request whose headers the server took (it answered 100 Continue)
    is in flight when SIGTERM comes: it must still be answered."""
    import socket
    pid = int(open(pidfile).read())
    s = socket.create_connection(("127.0.0.1", port), timeout=60)
    head = ("POST /models/%s/invocations HTTP/1.1\r\nHost: x\r\n"
            "Content-Type: application/json\r\nContent-Length: %d\r\n"
            "Expect: 100-continue\r\n\r\n" % (model, len(body)))
    s.sendall(head.encode())
    got = b""
    while b"\r\n\r\n" not in got:
        chunk = s.recv(4096)
        check(chunk, "the server closed before 100 Continue")
        got += chunk
    check(got.startswith(b"HTTP/1.1 100"), "no 100 Continue: %r" % got)
    os.kill(pid, signal.SIGTERM)
    # The body is sent once the server has stopped listening: it is
    # stopping, and only the drain keeps this request alive.
    while True:
        try:
            probe = socket.create_connection(("127.0.0.1", port), timeout=60)
        except (ConnectionRefusedError, ConnectionResetError):
            # Refused, or reset when the listening socket closed with this
            # probe in its backlog: not listening any more either way.
            break
        probe.close()
        time.sleep(0.01)
    s.sendall(body)
    resp = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        resp += chunk
        if b"\r\n\r\n" in resp:
            head, _, rest = resp.partition(b"\r\n\r\n")
            n = [int(l.split(b":")[1]) for l in head.split(b"\r\n")
                 if l.lower().startswith(b"content-length:")]
            if n and len(rest) >= n[0]:
                break
    check(resp.startswith(b"HTTP/1.1 200"), "the request in flight got %r" % resp[:200])
    check(b'"predictions"' in resp, "no predictions in %r" % resp[:300])


def auth(port, token):
    st, ct, h, data = request(port, "GET", "/ping")
    check(st == 200, "/ping needs no token: %d" % st)
    st, ct, h, data = request(port, "GET", "/v2/health/ready")
    check(st == 200, "/v2/health/ready needs no token: %d" % st)
    for hdrs in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic " + token},
                 {"Authorization": "Bearer " + token + "x"}):
        for path in ("/v2", "/v2/models/m", "/version"):
            st, ct, h, data = request(port, "GET", path, None, hdrs)
            check(st == 401, "%s with %r answered %d" % (path, hdrs, st))
            check(h.get("WWW-Authenticate", "").startswith("Bearer"),
                  "401 without WWW-Authenticate: %r" % h)
    st, ct, h, data = request(port, "GET", "/v2", None, {"Authorization": "Bearer " + token})
    check(st == 200, "/v2 with the token answered %d" % st)


def main():
    port, scenario, args = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    if scenario == "mlflow":
        mlflow(port, args[0], json.loads(args[1]), json.loads(args[2]))
    elif scenario == "v2":
        v2(port, args[0], args[1], json.loads(args[2]), json.loads(args[3]),
           args[4] if len(args) > 4 else None)
    elif scenario == "drain":
        drain(port, args[0], args[1], args[2].encode())
    elif scenario == "auth":
        auth(port, args[0])
    else:
        fail("unknown scenario " + scenario)


main()
