#!/usr/bin/env python3
"""A KServe v2 REST client written from the protocol's specification with
Python's standard library only. It walks a cmm-node's HTTP sides (health,
metadata, a JSON infer, a binary infer, the repository index, load and
unload), checks each answer's form, and prints one JSON document with the
inference outputs as little-endian FP32 hex, for the caller to compare with
another interface. Exits 1 with a message when an answer breaks the
protocol."""

import argparse
import json
import struct
import sys
import urllib.error
import urllib.request


def request(port, method, path, body=None, headers=None):
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=body, method=method,
        headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=60) as reply:
            return reply.status, reply.headers, reply.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def expect(condition, what):
    if not condition:
        print(f"v2_client: {what}", file=sys.stderr)
        sys.exit(1)


def fp32_hex(values):
    return struct.pack(f"<{len(values)}f", *values).hex()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--operator-port", type=int, required=True)
    p.add_argument("--model", required=True)
    p.add_argument("--shape", required=True, help="e.g. 1,16")
    p.add_argument("--values", required=True, help="FP32 values, a,b,c")
    a = p.parse_args()
    shape = [int(x) for x in a.shape.split(",")]
    values = [float(x) for x in a.values.split(",")]
    port, op = a.port, a.operator_port

    status, _, _ = request(port, "GET", "/v2/health/live")
    expect(status == 200, f"live answered {status}")
    status, _, _ = request(port, "GET", "/v2/health/ready")
    expect(status in (200, 503), f"ready answered {status}")

    status, _, body = request(port, "GET", "/v2")
    server = json.loads(body)
    expect(status == 200 and {"name", "version", "extensions"} <= set(server),
           f"server metadata: {status} {body!r}")

    status, _, body = request(op, "POST",
                              f"/v2/repository/models/{a.model}/load", b"")
    expect(status == 200, f"load answered {status} {body!r}")
    status, _, _ = request(port, "GET", f"/v2/models/{a.model}/ready")
    expect(status == 200, f"model ready answered {status}")
    status, _, body = request(port, "GET", f"/v2/models/{a.model}")
    meta = json.loads(body)
    expect(status == 200 and meta["name"] == a.model and
           all({"name", "datatype", "shape"} <= set(t)
               for t in meta["inputs"] + meta["outputs"]),
           f"model metadata: {body!r}")

    doc = {"id": "py-1", "inputs": [{"name": "INPUT__0", "datatype": "FP32",
                                     "shape": shape, "data": values}]}
    status, headers, body = request(
        port, "POST", f"/v2/models/{a.model}/infer",
        json.dumps(doc).encode(), {"Content-Type": "application/json"})
    expect(status == 200, f"JSON infer answered {status} {body!r}")
    reply = json.loads(body)
    expect(reply["model_name"] == a.model and reply["id"] == "py-1",
           f"JSON infer reply: {body!r}")
    out = reply["outputs"][0]
    expect(out["name"] == "OUTPUT__0" and out["datatype"] == "FP32",
           f"JSON output: {out!r}")
    json_hex = fp32_hex(out["data"])

    raw = struct.pack(f"<{len(values)}f", *values)
    header = json.dumps({
        "inputs": [{"name": "INPUT__0", "datatype": "FP32", "shape": shape,
                    "parameters": {"binary_data_size": len(raw)}}],
        "outputs": [{"name": "OUTPUT__0",
                     "parameters": {"binary_data": True}}]}).encode()
    status, headers, body = request(
        port, "POST", f"/v2/models/{a.model}/infer", header + raw,
        {"Content-Type": "application/octet-stream",
         "Inference-Header-Content-Length": str(len(header))})
    expect(status == 200, f"binary infer answered {status} {body!r}")
    length = int(headers["Inference-Header-Content-Length"])
    reply = json.loads(body[:length])
    size = reply["outputs"][0]["parameters"]["binary_data_size"]
    expect(len(body) - length == size, "binary output size")
    binary_hex = body[length:].hex()

    status, _, body = request(op, "POST", "/v2/repository/index", b"{}")
    index = json.loads(body)
    expect(status == 200 and any(r["name"] == a.model and r["state"] == "READY"
                                 for r in index), f"index: {body!r}")
    status, _, body = request(port, "POST", "/v2/repository/index", b"{}")
    expect(status == 403, f"index on the client side answered {status}")
    status, _, body = request(
        op, "POST", f"/v2/repository/models/{a.model}/unload", b"")
    expect(status == 200, f"unload answered {status} {body!r}")
    status, _, _ = request(port, "GET", f"/v2/models/{a.model}/ready")
    expect(status == 400, f"model ready after unload answered {status}")
    status, _, body = request(port, "GET", "/v2/models/no-such-model")
    expect(status == 404 and "error" in json.loads(body),
           f"unknown model: {status} {body!r}")

    print(json.dumps({"json_output": json_hex, "binary_output": binary_hex}))


if __name__ == "__main__":
    main()
