#!/usr/bin/env python3
"""A load generator for the reload tests: THREADS clients on keep-alive
connections POST BODY to PATH of 127.0.0.1:PORT until the file STOP exists
(or LIMIT seconds pass), and print one JSON line: the statuses counted,
the answers by the version the header X-Cairn-Model-Version named, and
the requests whose answer is not the one EXPECT (a JSON object version ->
the answer's JSON) gives that version.

    serve-swaps.py PORT PATH BODY STOP EXPECT [THREADS] [LIMIT]
"""
import http.client
import json
import os
import sys
import threading
import time

port, path, body, stop, expect = sys.argv[1:6]
threads = int(sys.argv[6]) if len(sys.argv) > 6 else 4
limit = float(sys.argv[7]) if len(sys.argv) > 7 else 120
expect = json.loads(expect)
lock = threading.Lock()
result = {"statuses": {}, "versions": {}, "wrong": 0, "errors": 0, "examples": []}


def client():
    conn = None
    deadline = time.monotonic() + limit
    while not os.path.exists(stop) and time.monotonic() < deadline:
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=30)
            conn.request("POST", path, body, {"Content-Type": "application/json"})
            r = conn.getresponse()
            got = r.read().decode()
            version = r.getheader("X-Cairn-Model-Version") or ""
            status = str(r.status)
        except (OSError, http.client.HTTPException) as e:
            conn = None
            with lock:
                result["errors"] += 1
                result["examples"].append(repr(e))
            continue
        with lock:
            result["statuses"][status] = result["statuses"].get(status, 0) + 1
            result["versions"][version] = result["versions"].get(version, 0) + 1
            try:
                right = expect.get(version) == json.loads(got)
            except ValueError:
                right = False
            if not right:
                result["wrong"] += 1
                if len(result["examples"]) < 5:
                    result["examples"].append([status, version, got])


ts = [threading.Thread(target=client) for _ in range(threads)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(json.dumps(result, sort_keys=True))
