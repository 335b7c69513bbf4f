#!/bin/sh
# bench/remote_bench.sh: what caro adds on top of a server's own time.
#
# Starts tests/testserver.py on 127.0.0.1 with an immediate streamed answer
# and measures whole processes with proc_bench, side by side:
#   raw      bench/remote_rawclient: connect, POST caro's own request body,
#            read the reply (a process start plus the server's time)
#   openai   caro -b openai, built-in HTTP client (the default for a local
#            server)
#   ollama   caro -b ollama, the same way
#   curl     caro -b openai through libcurl (forced), for comparison
#   match    caro -b match: the pattern-engine path, which must not load
#            libcurl or grow; with BASELINE=/path/to/caro (e.g. a build of
#            main) that binary is measured too
# Results: one JSON object per row in build/bench-remote.jsonl, then a
# summary object (overhead = p50 of caro minus p50 of raw) printed and
# appended. RUNS (default 300) sets the runs per row.
set -eu
cd "$(dirname "$0")/.."
runs=${RUNS:-300}
out=build/bench-remote.jsonl
pb=build/rel/bench/proc_bench
raw=build/rel/bench/remote_rawclient
caro=$PWD/build/rel/caro
[ -x "$pb" ] && [ -x "$raw" ] && [ -x "$caro" ] || {
	echo "build first: make caro build/rel/bench/proc_bench build/rel/bench/remote_rawclient" >&2
	exit 2
}
: >"$out"
tmp=$(mktemp -d)
export HOME="$tmp" XDG_CONFIG_HOME="$tmp/config" XDG_CACHE_HOME="$tmp/cache" XDG_DATA_HOME="$tmp/data"
unset http_proxy https_proxy all_proxy ALL_PROXY CARO_HTTP_TRANSPORT OLLAMA_HOST
python3 tests/testserver.py --port-file "$tmp/port" --log "$tmp/log" --parent $$ &
srv=$!
trap 'kill $srv 2>/dev/null; rm -rf "$tmp"' EXIT
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
port=$(cat "$tmp/port")
opts="say=ls%20-la"
export CARO_OPENAI_BASE_URL="http://127.0.0.1:$port/$opts/v1" CARO_OPENAI_MODEL=bench
export CARO_OLLAMA_HOST="http://127.0.0.1:$port/$opts" CARO_OLLAMA_MODEL=bench
# The answer cache off: every run must reach the server (bench/run.sh
# measures cache hits).
export CARO_CACHE_MAX_ENTRIES=0
req="zzz show the directory listing"

# caro's own request body, so the raw client asks the server the same.
"$caro" -b openai "$req" >/dev/null
python3 -c '
import json, sys
print(json.loads(open(sys.argv[1]).read().splitlines()[-1])["body"], end="")
' "$tmp/log" >"$tmp/body.json"

"$pb" -n "$runs" --name "raw client POST (server time + process)" --json "$out" -- \
	"$raw" "$port" "/$opts/v1/chat/completions" "$tmp/body.json"
"$pb" -n "$runs" --name "caro -b openai (built-in http)" --json "$out" -- \
	"$caro" -b openai "$req"
"$pb" -n "$runs" --name "caro -b ollama (built-in http)" --json "$out" -- \
	"$caro" -b ollama "$req"
"$pb" -n "$((runs / 3 + 1))" --name "caro -b openai (libcurl)" --json "$out" -- \
	/usr/bin/env CARO_HTTP_TRANSPORT=curl "$caro" -b openai "$req"
"$pb" -n "$runs" --name "caro -b match (this build)" --json "$out" -- \
	"$caro" -b match -o json "list files"
if [ -n "${BASELINE:-}" ]; then
	"$pb" -n "$runs" --name "caro -b match (baseline)" --json "$out" -- \
		"$BASELINE" -b match -o json "list files"
fi
# The server's own handling, and libcurl's absence on the match path.
python3 - "$out" "$tmp/log" <<'PY'
import json, sys
rows = {json.loads(l)["name"]: json.loads(l) for l in open(sys.argv[1])}
raw = rows["raw client POST (server time + process)"]
summary = {"name": "remote overhead summary", "raw_p50_ms": raw["p50_ms"]}
for key, name in (("openai", "caro -b openai (built-in http)"),
                  ("ollama", "caro -b ollama (built-in http)"),
                  ("openai_curl", "caro -b openai (libcurl)")):
    summary[key + "_p50_ms"] = rows[name]["p50_ms"]
    summary[key + "_overhead_p50_ms"] = round(rows[name]["p50_ms"] - raw["p50_ms"], 4)
    summary[key + "_rss_kb_p50"] = rows[name]["rss_kb_p50"]
m = rows["caro -b match (this build)"]
summary["match_p50_ms"] = m["p50_ms"]
summary["match_rss_kb_p50"] = m["rss_kb_p50"]
base = rows.get("caro -b match (baseline)")
if base:
    summary["match_baseline_p50_ms"] = base["p50_ms"]
    summary["match_baseline_rss_kb_p50"] = base["rss_kb_p50"]
    summary["match_p50_ratio"] = round(m["p50_ms"] / base["p50_ms"], 4)
summary["budget_ms"] = 10
summary["openai_within_budget"] = summary["openai_overhead_p50_ms"] < 10
print(json.dumps(summary))
with open(sys.argv[1], "a") as f:
    f.write(json.dumps(summary) + "\n")
PY
env LD_DEBUG=libs "$caro" -b match "list files" 2>&1 >/dev/null | grep -q libcurl &&
	{ echo "FAIL: the match path loads libcurl" >&2; exit 1; }
echo "libcurl not loaded on the match path; results: $out"
