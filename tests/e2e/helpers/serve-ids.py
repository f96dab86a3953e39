#!/usr/bin/env python3
"""POSTs BODY to PATH of 127.0.0.1:PORT once per request id read from
standard input (one a line), on one keep-alive connection, and prints
"ID STATUS VERSION" per request (VERSION from X-Cairn-Model-Version).

    serve-ids.py PORT PATH BODY <ids
"""
import http.client
import sys

port, path, body = sys.argv[1:4]
conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=30)
for line in sys.stdin:
    rid = line.strip()
    conn.request("POST", path, body, {"Content-Type": "application/json", "X-Request-ID": rid})
    r = conn.getresponse()
    r.read()
    print(rid, r.status, r.getheader("X-Cairn-Model-Version"))
