#!/bin/sh
# bench/run.sh (make bench): every benchmark the project has. Figures go to
# build/bench.jsonl and the per-benchmark JSON files, then bench/report.py
# gathers them into build/bench.json with a table, and bench/compare puts
# them beside bench/baseline.json. Runs in a private HOME so the user's
# config and cache do not leak in. Requests and commands come from the
# lists checked in under bench/, the same every run.
#
#   BENCH_RUNS=300       whole-process runs per figure (at least 100)
#   BENCH_INFER_REPS=5   repetitions per engine figure (0 skips the engine)
#   BENCH_LLAMACPP=1     llama.cpp beside the engine, measured now (0 skips;
#                        skipped anyway without npm or a registry)
set -eu
cd "$(dirname "$0")/.."
out=build/bench.jsonl
: >"$out"
rm -f build/bench-infer.json build/bench-llamacpp.json build/bench-remote.jsonl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
shared=${CARO_SHARED:-$PWD/../shared}
runs=${BENCH_RUNS:-300}
[ "$runs" -ge 100 ] || runs=100
caro=$PWD/caro
pb=build/rel/bench/proc_bench
# The engine benchmarks need the real HOME's nothing, but the XDG dirs must
# be private; infer_bench.sh keeps its models in build/models.
infer_reps=${BENCH_INFER_REPS:-5}
export HOME="$tmp" XDG_CONFIG_HOME="$tmp/config" XDG_CACHE_HOME="$tmp/cache" XDG_DATA_HOME="$tmp/data"
export CARO_SHARED="$shared"

echo "== whole process (pattern engine, checker)"
"$pb" -n "$runs" --name "caro match json 'list files'" --json "$out" -- \
	"$caro" --backend match -o json "list files"
"$pb" -n "$runs" --name "caro match json (composed find)" --json "$out" -- \
	"$caro" --backend match -o json "python files over 2MB modified this week in src"
"$pb" -n "$runs" --name "caro match json (declined)" --allow-exit 3 --json "$out" -- \
	"$caro" --backend match -o json "write me a poem about the sea"
"$pb" -n "$runs" --name "caro check 'rm -rf /'" --allow-exit 4 --json "$out" -- \
	"$caro" check -- rm -rf /
"$pb" -n "$runs" --name "caro --widget 'list files' (key binding)" --json "$out" -- \
	"$caro" --widget "list files"
"$pb" -n "$runs" --name "caro explain (pipeline with redirections)" --json "$out" -- \
	"$caro" explain -- "find . -name '*.py' -mtime -7 | xargs grep -l TODO > out.txt 2>&1"
"$pb" -n "$runs" --name "caro init bash (shell start-up)" --json "$out" -- "$caro" init bash
"$pb" -n "$runs" --name "baseline /bin/true" --json "$out" -- /bin/true

# A cache hit: the test engine (a stand-in for a model engine, off unless
# CARO_TEST_ENGINE is set) answers once; every later ask comes from
# caro.db. Timed right next to the pattern-engine path, which never opens
# the database, and the same path with history off (the spool append).
echo "== answer cache"
hit="greet the world in french"
CARO_TEST_ENGINE=on "$caro" -o json "$hit" | grep -q '"backend":"test"' ||
	{ echo "bench: the pattern engine answers '$hit': pick another request" >&2; exit 1; }
"$pb" -n "$runs" --name "caro match json 'list files' (again)" --json "$out" -- \
	"$caro" --backend match -o json "list files"
CARO_TEST_ENGINE=on "$pb" -n "$runs" --name "caro cache hit json" --json "$out" -- \
	"$caro" -o json "$hit"
CARO_HISTORY=false "$pb" -n "$runs" --name "caro match json, history off" --json "$out" -- \
	"$caro" --backend match -o json "list files"

# A cache hit with the engine named (-b openai): the pattern engine does not
# run, so this is the process plus the store. The test server answers the
# first ask only; the log shows that no other request reached it.
python3 tests/testserver.py --port-file "$tmp/port" --log "$tmp/srvlog" --parent $$ &
srv=$!
trap 'kill $srv 2>/dev/null; rm -rf "$tmp"' EXIT
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
export CARO_OPENAI_BASE_URL="http://127.0.0.1:$(cat "$tmp/port")/say=ls%20-la/v1" CARO_OPENAI_MODEL=bench
"$caro" -b openai -o json "$hit" >/dev/null
"$pb" -n "$runs" --name "caro -b openai cache hit json" --json "$out" -- \
	"$caro" -b openai -o json "$hit"
[ "$(wc -l <"$tmp/srvlog")" -eq 1 ] || { echo "bench: the cache missed" >&2; exit 1; }

# Instructions (callgrind), which a busy machine does not blur: the
# pattern path with and without its history record, and the two hits.
if command -v valgrind >/dev/null; then
	ir() { # NAME CMD...: one JSON line with the instructions CMD executes
		n=$1
		shift
		c=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
			sed -n 's/.*Collected : \([0-9]*\).*/\1/p')
		printf '%-34s %10s instructions\n' "$n" "$c"
		printf '{"name":"%s","instructions":%s}\n' "$n" "$c" >>"$out"
	}
	ir "ir: caro match json" "$caro" --backend match -o json "list files"
	CARO_HISTORY=false ir "ir: caro match json, history off" \
		"$caro" --backend match -o json "list files"
	CARO_TEST_ENGINE=on ir "ir: caro cache hit json" "$caro" -o json "$hit"
	ir "ir: caro -b openai cache hit json" "$caro" -b openai -o json "$hit"
fi

# A remote engine against a server that answers at once: what the client
# adds to the server's own time (build/bench-remote.jsonl).
echo "== remote engines: the client's overhead"
RUNS="$runs" sh bench/remote_bench.sh

# The store alone, one operation per process: why history goes to a spool
# file on the pattern-engine path instead of straight into SQLite.
echo "== store operations, whole process each"
sb=build/rel/bench/store_bench
"$sb" prime "$tmp/sb"
for op in none spool sqlite hit; do
	"$pb" -n "$runs" --name "store_bench $op" --json "$out" -- "$sb" "$op" "$tmp/sb"
done

echo "== in process: pattern engine, checker, tokenizers"
build/rel/bench/match_bench bench/requests.txt -r 200 -o build/bench-match.json
build/rel/bench/check_bench build/bench-check.json 200 bench/commands.txt
build/rel/bench/tok_bench --json build/bench-tok.json

echo "== local engine: cold/warm prompt cache, lazy loading"
python3 bench/local_bench.py --runs 20 --json "$out"
build/rel/bench/context_bench --json "$out"
build/rel/bench/sha256_bench --json "$out"

if [ "$infer_reps" -gt 0 ]; then
	echo "== inference engine beside llama.cpp's figures (build/bench-infer.json)"
	sh bench/infer_bench.sh "$infer_reps"
	if [ "${BENCH_LLAMACPP:-1}" != 0 ]; then
		echo "== llama.cpp and the engine side by side (build/bench-llamacpp.json)"
		sh bench/llamacpp_bench.sh 3 || echo "bench: llama.cpp comparison failed; skipped"
	fi
fi

echo "== instruction counts (the CI gate's cases)"
sh bench/icount.sh build/icount.json
python3 - build/icount.json "$out" <<'PY'
import json, sys
counts = json.load(open(sys.argv[1]))
with open(sys.argv[2], "a") as f:
    for k, v in counts.items():
        f.write(json.dumps({"name": "ir: " + k, "instructions": v}) + "\n")
PY

python3 bench/report.py
python3 bench/compare bench/baseline.json build/bench.json
