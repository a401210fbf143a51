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


BASE_URL = os.environ.get("CENTRAL_URL", "")


@schemathesis.hook
def before_call(context, case, kwargs):
    # Serialise the case exactly as the transport will, then sign what will go on the wire.
    request = case.as_transport_kwargs(base_url=BASE_URL or None)
    prepared = requests.Request(
        method=request["method"],
        url=request["url"],
        params=request.get("params"),
        json=request.get("json"),
        data=request.get("data"),
        headers=request.get("headers"),
    ).prepare()
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode()
    timestamp = str(int(time.time() * 1000))
    canonical = "\n".join(
        [prepared.method.upper(), prepared.path_url, timestamp, hashlib.sha256(body).hexdigest(), KIOSK_ID]
    )
    signature = hmac.new(KIOSK_KEY, canonical.encode(), hashlib.sha256).hexdigest()
    # Generated values for the signed headers are replaced: the fuzzer explores bodies, paths and
    # queries, not forged signatures (signature refusal has its own tests).
    headers = dict(case.headers or {})
    headers["x-kiosk-id"] = KIOSK_ID
    headers["x-timestamp"] = timestamp
    headers["x-signature"] = signature
    if prepared.method.upper() in ("POST", "PUT", "PATCH", "DELETE"):
        headers["idempotency-key"] = str(uuid.uuid4())
    case.headers = headers
    if body:
        # The exact bytes that were signed.
        kwargs["data"] = body
