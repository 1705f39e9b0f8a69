#!/usr/bin/env bash
# Serving benchmark: single-row OIP v2 requests against a 784-256-10 model with wrk at 1, 8 and 32 connections,
# micro-batching on vs off, in the same run. Usage: bench/scripts/serving-wrk.sh STORE MODEL [SECONDS]
# (bin/hearth quickstart leaves such a model in var/quickstart/store, model "quickstart").
set -euo pipefail
HEARTH_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STORE=${1:?store root}
MODEL=${2:?model name}
SECONDS_PER_RUN=${3:-10}
"$HEARTH_HOME/bin/install-packages" bench
work=$(mktemp -d)
trap 'kill "${SERVER_PID:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
"$HEARTH_HOME/bin/hearth" tokens create --file "$work/tokens" --scope "predict:$MODEL" > "$work/token"
export HEARTH_TOKEN=$(cat "$work/token") HEARTH_BODY_FILE="$work/body.json"
row=$(gzip -dc "$HEARTH_HOME/examples/data/mnist-10k.csv.gz" | sed -n 2p)
printf '{"inputs":[{"name":"input","shape":[1,784],"datatype":"FP32","data":[%s]}]}' "${row#*,}" > "$HEARTH_BODY_FILE"

echo "| batching | connections | requests/s | p50 | p99 |"
echo "|---|---|---|---|---|"
for batching in true false; do
  "$HEARTH_HOME/bin/hearth" serve --store "$STORE" --port 0 --set "serving.models=$MODEL" \
    --set "auth.tokens.file=$work/tokens" --set "batching.enabled=$batching" --set server.access.log=false \
    > "$work/server.out" 2> "$work/server.log" &
  SERVER_PID=$!
  url=""
  for _ in $(seq 1 120); do
    url=$(sed -n 's/^listening on \(http[^ ]*\)$/\1/p' "$work/server.out"); [[ -n "$url" ]] && break; sleep 0.5
  done
  [[ -n "$url" ]] || { cat "$work/server.log" >&2; exit 1; }
  wrk -t1 -c8 -d3s -s "$HEARTH_HOME/bench/scripts/infer.lua" "$url/v2/models/$MODEL/infer" > /dev/null   # warm-up
  for c in 1 8 32; do
    t=$(( c < 2 ? 1 : 2 ))
    out=$(wrk -t$t -c$c -d"${SECONDS_PER_RUN}s" --latency -s "$HEARTH_HOME/bench/scripts/infer.lua" "$url/v2/models/$MODEL/infer")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1=="50%" {print $2}' <<<"$out")
    p99=$(awk '$1=="99%" {print $2}' <<<"$out")
    errors=$(grep -E 'Non-2xx|Socket errors' <<<"$out" || true)
    echo "| $batching | $c | $rps | $p50 | $p99 |${errors:+ $errors}"
  done
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
done
