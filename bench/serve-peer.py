#!/usr/bin/env python3
"""The serving benchmark's Python peer (bench/bench-serve.sh): what MLflow's
scoring server does for an xgboost model, on FastAPI and uvicorn.

POST /invocations takes MLflow's JSON (dataframe_split, dataframe_records;
params are ignored), makes a pandas DataFrame of it, casts its columns to
float64 as MLflow's schema enforcement does for double columns, predicts
with xgboost (predict_proba: one probability per class for a classifier,
the value for a regression) and answers {"predictions": [...]}; errors are
MLflow's {"error_code": ..., "message": ...} with 400 or 415. GET /ping and
/health answer 200.

It runs WORKERS uvicorn processes (default: one per core) accepting on one
listening socket, as `uvicorn --workers N` does, each with the model loaded
once, and uvicorn's access log on stdout, as `mlflow models serve` has
them. xgboost's DMatrix and predict use xgboost's
default threads, as MLflow leaves them, or --xgb-threads N (1 spares the
cost of OpenMP threads for a few rows when the workers fill the cores).
Prints "listening on http://HOST:PORT" on stdout once every worker is
ready, and stops them all on SIGTERM or SIGINT.

usage: serve-peer.py MODEL_FILE [--host 127.0.0.1] [--port 0] [--workers N]
                     [--xgb-threads N]
MODEL_FILE is an XGBoost model file (the model package's model.json).
"""
import argparse
import os
import select
import signal
import socket
import sys


def make_app(model_file, xgb_threads, ready):
    import json

    import numpy as np
    import pandas as pd
    import xgboost as xgb
    from fastapi import FastAPI, Request, Response

    booster = xgb.Booster(model_file=model_file)
    dmatrix_args = {}
    if xgb_threads:
        booster.set_param({"nthread": xgb_threads})
        dmatrix_args["nthread"] = xgb_threads
    objective = json.loads(booster.save_config())["learner"]["objective"]["name"]
    app = FastAPI()

    def error(status, code, message):
        return Response(content=json.dumps({"error_code": code, "message": message}),
                        status_code=status, media_type="application/json")

    def frame(doc):
        if not isinstance(doc, dict):
            raise ValueError("the body is not a JSON object")
        if "dataframe_split" in doc:
            split = doc["dataframe_split"]
            return pd.DataFrame(data=split["data"], columns=split.get("columns"),
                                index=split.get("index"))
        if "dataframe_records" in doc:
            return pd.DataFrame(doc["dataframe_records"])
        raise ValueError("the body holds neither dataframe_split nor dataframe_records")

    def predict_proba(df):
        p = booster.predict(xgb.DMatrix(df.astype(np.float64), **dmatrix_args))
        if objective == "binary:logistic":
            return np.column_stack([1 - p, p])
        return p

    @app.on_event("startup")
    async def started():
        os.write(ready, b"r")
        os.close(ready)

    @app.get("/ping")
    @app.get("/health")
    async def ping():
        return Response(content="\n", media_type="application/json")

    @app.post("/invocations")
    async def invocations(request: Request):
        mime = request.headers.get("content-type", "").split(";")[0].strip()
        if mime != "application/json":
            return error(415, "BAD_REQUEST", "content type '%s' is not supported" % mime)
        try:
            df = frame(json.loads(await request.body()))
        except (ValueError, KeyError, TypeError) as e:
            return error(400, "BAD_REQUEST", "cannot read the input: %s" % e)
        try:
            predictions = predict_proba(df)
        except Exception as e:  # what MLflow answers for a failed prediction
            return error(400, "BAD_REQUEST", "cannot predict: %s" % e)
        return Response(content=json.dumps({"predictions": predictions.tolist()}),
                        media_type="application/json")

    return app


def worker(sock, args, ready):
    import uvicorn

    app = make_app(args.model_file, args.xgb_threads, ready)
    config = uvicorn.Config(app, lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])
    os._exit(0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model_file")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--xgb-threads", type=int, default=0)
    args = ap.parse_args()

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    sock.listen(2048)
    sock.set_inheritable(True)
    ready_r, ready_w = os.pipe()
    children = []
    for _ in range(args.workers):
        pid = os.fork()
        if pid == 0:
            os.close(ready_r)
            try:
                worker(sock, args, ready_w)
            finally:
                os._exit(1)
        children.append(pid)
    os.close(ready_w)

    def stop(status=0):
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for pid in children:
            os.waitpid(pid, 0)
        sys.exit(status)

    signal.signal(signal.SIGTERM, lambda *_: stop())
    signal.signal(signal.SIGINT, lambda *_: stop())
    started = 0
    while started < args.workers:
        readable, _, _ = select.select([ready_r], [], [], 0.2)
        if readable:
            got = os.read(ready_r, 64)
            if not got:
                break
            started += len(got)
        pid, _ = os.waitpid(-1, os.WNOHANG)
        if pid:
            children.remove(pid)
            break
    if started < args.workers:
        print("serve-peer: a worker failed to start", file=sys.stderr)
        stop(1)
    print("listening on http://%s:%d" % sock.getsockname(), flush=True)
    while True:
        pid, status = os.wait()
        children.remove(pid)
        print("serve-peer: worker %d ended (status %d)" % (pid, status), file=sys.stderr)
        stop(1)


if __name__ == "__main__":
    main()
