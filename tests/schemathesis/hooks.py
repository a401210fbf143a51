"""Schemathesis hooks: sign every generated request the way a kiosk does.

The central API refuses unsigned requests, so without this the fuzzer would only ever see 401.
Signature (api/src/signing.rs): hex HMAC-SHA256 over
METHOD \\n PATH?QUERY \\n TIMESTAMP_MS \\n SHA256_HEX(BODY) \\n KIOSK_ID, with the headers
x-kiosk-id, x-timestamp, x-signature; state-changing calls also get an idempotency-key.
"""

import hashlib
import hmac
import os
import time
import uuid

import requests
import schemathesis

KIOSK_ID = os.environ.get("KIOSK_ID", "demo-kiosk")
KIOSK_KEY = os.environ.get("KIOSK_KEY", "demo-key").encode()


@schemathesis.hook
def before_call(context, case, kwargs):
    headers = dict(kwargs.get("headers") or {})
    # Generated values for the signed headers are replaced: the fuzzer explores bodies, paths and
    # queries, not forged signatures (signature refusal has its own tests).
    for name in list(headers):
        if name.lower() in ("x-kiosk-id", "x-timestamp", "x-signature", "idempotency-key"):
            del headers[name]
    prepared = requests.Request(
        method=kwargs["method"],
        url=kwargs["url"],
        params=kwargs.get("params"),
        json=kwargs.get("json"),
        data=kwargs.get("data"),
        headers=headers,
    ).prepare()
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode()
    path = prepared.path_url
    timestamp = str(int(time.time() * 1000))
    canonical = "\n".join(
        [prepared.method.upper(), path, timestamp, hashlib.sha256(body).hexdigest(), KIOSK_ID]
    )
    signature = hmac.new(KIOSK_KEY, canonical.encode(), hashlib.sha256).hexdigest()
    headers.update(prepared.headers)
    headers["x-kiosk-id"] = KIOSK_ID
    headers["x-timestamp"] = timestamp
    headers["x-signature"] = signature
    if prepared.method.upper() in ("POST", "PUT", "PATCH", "DELETE"):
        headers["idempotency-key"] = str(uuid.uuid4())
    base = kwargs["url"].split("/v1/", 1)[0]
    kwargs["url"] = base + path
    kwargs["params"] = None
    kwargs.pop("json", None)
    kwargs["data"] = body if body else None
    kwargs["headers"] = headers
