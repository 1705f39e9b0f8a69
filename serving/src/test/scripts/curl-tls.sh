#!/usr/bin/env bash
# TLS check with curl: usage curl-tls.sh BASE_URL CA_PEM TOKEN
# 1. without the CA the server's certificate must be rejected; 2. with --cacert an inference must succeed.
set -euo pipefail
url=$1 ca=$2 token=$3
if curl -sS -o /dev/null "$url/v2/health/live" 2>/dev/null; then
  echo "curl trusted the server without the test CA" >&2
  exit 1
fi
curl -sS --fail-with-body --cacert "$ca" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"id":"tls","inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}' \
  "$url/v2/models/iris/infer"
