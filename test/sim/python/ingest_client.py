#!/usr/bin/env python3
"""Independent Volcengine asset-library client, python3 standard library only.

Written from the vendor page's section 2 ("Volcengine AK/SK signing (Python)") and section 3 (the
virtual-avatar ingest flow), NOT from our TypeScript signer: the simulator's acceptance of these requests
shows the two implementations agree with the page, not just with each other.

Usage:
  ingest_client.py --endpoint http://127.0.0.1:4010 --ak AK --sk SK --image-url URL [--project P]
                   [--host open.volcengineapi.com] [--poll-seconds 10] [--max-polls 60]
  ingest_client.py ... --base64-sk --probe     # one CreateAssetGroup with a base64-decoded SK

Prints one JSON object per line: {"step": ..., "status": ..., "body": ...}; the last line of a
successful ingest is {"step": "ready", "asset": "asset://..."}.
"""
import argparse
import base64
import hashlib
import hmac
import json
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone
from urllib.parse import quote, urlparse

SERVICE, REGION, VERSION = "ark", "cn-beijing", "2024-01-01"


def _h(s):
    return hashlib.sha256(s.encode()).hexdigest()


def _hmac(k, s):
    return hmac.new(k, s.encode(), hashlib.sha256).digest()


class Client:
    def __init__(self, endpoint, ak, sk, host=None, decode_sk=False):
        self.endpoint = endpoint.rstrip("/")
        self.host = host or urlparse(self.endpoint).netloc
        self.ak = ak
        # Section 2: the SK is used as raw UTF-8. decode_sk reproduces the documented mistake.
        self.sk_bytes = base64.b64decode(sk) if decode_sk else sk.encode()

    def call(self, action, body):
        body_str = json.dumps(body)
        x_date = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        short, bh = x_date[:8], _h(body_str)
        q = "&".join(
            f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}"
            for k, v in sorted({"Action": action, "Version": VERSION}.items())
        )
        signed = "content-type;host;x-content-sha256;x-date"
        canon = "\n".join([
            "POST", "/", q,
            f"content-type:application/json\nhost:{self.host}\nx-content-sha256:{bh}\nx-date:{x_date}",
            "", signed, bh,
        ])
        scope = f"{short}/{REGION}/{SERVICE}/request"
        sts = "\n".join(["HMAC-SHA256", x_date, scope, _h(canon)])
        ks = _hmac(_hmac(_hmac(_hmac(self.sk_bytes, short), REGION), SERVICE), "request")
        sig = hmac.new(ks, sts.encode(), hashlib.sha256).hexdigest()
        headers = {
            "Host": self.host,
            "Content-Type": "application/json",
            "X-Date": x_date,
            "X-Content-Sha256": bh,
            "Authorization": f"HMAC-SHA256 Credential={self.ak}/{scope}, SignedHeaders={signed}, Signature={sig}",
        }
        req = urllib.request.Request(f"{self.endpoint}/?{q}", data=body_str.encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())


def emit(**kw):
    print(json.dumps(kw), flush=True)


def ingest(client, project, image_url, poll_seconds, max_polls):
    # 1. Create group
    status, g = client.call("CreateAssetGroup", {"Name": "my_figure", "GroupType": "AIGC", "ProjectName": project})
    emit(step="CreateAssetGroup", status=status, body=g)
    if status != 200:
        return 1
    gid = g["Result"]["Id"]
    # 2. Upload asset (async, no SLA)
    status, a = client.call(
        "CreateAsset", {"GroupId": gid, "URL": image_url, "AssetType": "Image", "ProjectName": project}
    )
    emit(step="CreateAsset", status=status, body=a)
    if status != 200:
        return 1
    aid = a["Result"]["Id"]
    # 3. Poll until Active
    for _ in range(max_polls):
        status, info = client.call("GetAsset", {"Id": aid, "ProjectName": project})
        st = info.get("Result", info).get("Status")
        emit(step="GetAsset", status=status, assetStatus=st)
        if st == "Active":
            emit(step="ready", asset=f"asset://{aid}")
            return 0
        if st == "Failed":
            emit(step="failed", body=info)
            return 1
        time.sleep(poll_seconds)
    emit(step="timeout")
    return 1


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--endpoint", required=True)
    p.add_argument("--ak", required=True)
    p.add_argument("--sk", required=True)
    p.add_argument("--project", default="default")
    p.add_argument("--image-url")
    p.add_argument("--host", help="Host header to send and sign (default: the endpoint's host)")
    p.add_argument("--poll-seconds", type=float, default=10.0)
    p.add_argument("--max-polls", type=int, default=60)
    p.add_argument("--base64-sk", action="store_true", help="base64-decode the SK (the documented mistake)")
    p.add_argument("--probe", action="store_true", help="only one CreateAssetGroup call")
    args = p.parse_args()
    client = Client(args.endpoint, args.ak, args.sk, args.host, args.base64_sk)
    if args.probe:
        status, body = client.call("CreateAssetGroup", {"Name": "probe", "GroupType": "AIGC", "ProjectName": args.project})
        emit(step="CreateAssetGroup", status=status, body=body)
        return 0 if status == 200 else 1
    if not args.image_url:
        p.error("--image-url is required for the ingest flow")
    return ingest(client, args.project, args.image_url, args.poll_seconds, args.max_polls)


if __name__ == "__main__":
    sys.exit(main())
