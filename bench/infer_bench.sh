#!/bin/sh
# infer_bench.sh: the engine's speed on the shapes of issue 5, side by
# side with llama.cpp's reference figures (llama-bench on this machine
# kind; see the issue) and with this machine's memory bandwidth measured
# in the same run, the physical bound of decode.
#
# Writes random-weight models to build/models/ (once; the speed of a
# model does not depend on its weights), then per model: the streaming
# read bandwidth (build/rel/bench/membw), then build/rel/bench/infer_bench
# in a fresh process with the file in the page cache: pp256 and tg32 on
# 1 thread, on 2, and "auto" (all CPUs, the engine choosing per kind of
# evaluation, which is what users get). Prints a table and writes
# build/bench-infer.json.
#
#   sh bench/infer_bench.sh [REPS] [MODEL-NAME...]     (default 5 repetitions, all models)
#
# The machine is shared: the load average is recorded before and after,
# and every figure is a median of REPS runs.
set -eu
cd "$(dirname "$0")/.."
reps=${1:-5}
[ $# -gt 0 ] && shift
only="$*"
vocab=${CARO_SHARED:-../shared}/fixtures/tokenizer/ggml-vocab-starcoder.gguf
make -s build/rel/bench/infer_bench build/rel/bench/membw build/rel/tools/gguf_write
mkdir -p build/models
out=build/bench-infer.json
tmp=build/bench-infer.tmp
: >"$tmp"
load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "")

# name preset type llama.cpp-pp256 llama.cpp-tg32 target-pp target-tg
models="smollm2-135m-q8_0 smollm2-135m q8_0 520 137 1000 200
smollm2-135m-q4_0 smollm2-135m q4_0 695 176 1200 250
smollm2-135m-q4_k_m smollm2-135m q4_k_m 461 137 900 200
smollm2-360m-q8_0 smollm2-360m q8_0 220 52 450 80
qwen2.5-0.5b-q4_k_m qwen2.5-0.5b q4_k_m 195 47 400 70
qwen2.5-1.5b-q4_k_m qwen2.5-1.5b q4_k_m 40 20 80 28"

echo "$models" | while read -r name preset type lpp ltg tpp ttg; do
	if [ -n "$only" ]; then
		case " $only " in *" $name "*) ;; *) continue ;; esac
	fi
	f=build/models/$name.gguf
	if [ ! -f "$f" ]; then
		vf=""
		[ -f "$vocab" ] && case $preset in smollm2*) vf="--vocab-from $vocab" ;; esac
		# shellcheck disable=SC2086
		build/rel/tools/gguf_write "$f" --preset "$preset" --type "$type" $vf
	fi
	bw=$(build/rel/bench/membw --mb 256 --reps 3 --threads 1,2)
	cat "$f" >/dev/null # page cache
	build/rel/bench/infer_bench "$f" --reps "$reps" --label "$name" --threads 1,2,auto |
		sed "s/}\$/, \"recipe\": \"$type\", \"llamacpp_pp256\": $lpp, \"llamacpp_tg32\": $ltg, \"target_pp256\": $tpp, \"target_tg32\": $ttg, $(echo "$bw" | sed 's/^{//; s/}$//')}/" >>"$tmp"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "")

python3 - "$tmp" "$out" "$load_before" "$load_after" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
doc = {"benchmark": "infer", "units": "tokens/s (median of repetitions), ms, MB, GB/s",
       "loadavg_before": sys.argv[3], "loadavg_after": sys.argv[4], "results": rows}
json.dump(doc, open(sys.argv[2], "w"), indent=1)

def run(r, t):
    for x in r["runs"]:
        if x["threads"] == t:
            return x
    return None

def f(v):
    return "%6.0f" % v if v == v else "     -"

print("load average before: %s, after: %s" % (sys.argv[3], sys.argv[4]))
print("%-20s %-6s | %-37s | %-44s | %5s %5s" % (
    "", "", "prefill pp256 tok/s", "decode tg32 tok/s", "load", "RSS"))
print("%-20s %-6s | %6s %6s %6s %8s %6s | %6s %6s %6s %8s %6s %6s | %5s %5s" % (
    "model", "type", "1 thr", "2 thr", "auto", "llama", "target",
    "1 thr", "2 thr", "auto", "llama", "target", "bound", "ms", "+MB"))
for r in rows:
    one, two, auto = run(r, "1"), run(r, "2"), run(r, "auto")
    g = lambda x, k: x[k] if x else float("nan")
    bw2 = max(x["gbs_median"] for x in r["membw"])
    bound = bw2 * 1e9 / (r["file_mb"] * 1048576)
    print("%-20s %-6s | %s %s %s %8d %6d | %s %s %s %8d %6d %s | %5.1f %5.1f" % (
        r["label"], r["recipe"],
        f(g(one, "pp256_median")), f(g(two, "pp256_median")), f(g(auto, "pp256_median")),
        r["llamacpp_pp256"], r["target_pp256"],
        f(g(one, "tg32_median")), f(g(two, "tg32_median")), f(g(auto, "tg32_median")),
        r["llamacpp_tg32"], r["target_tg32"], f(bound),
        r["load_ms"], r["peak_rss_mb"] - r["file_mb"]))
print()
print("llama: llama.cpp on this machine kind (issue 5; pp256 on 2 threads, tg32 the best of 1 or 2).")
print("bound: decode if every weight byte were read once per token at the read bandwidth")
print("       measured just before that model (membw, best of 1 or 2 threads):")
for r in rows:
    print("       %-20s %s" % (r["label"], ", ".join("%d thr %.1f GB/s" % (x["threads"], x["gbs_median"]) for x in r["membw"])))
print("RSS: peak resident memory beyond the model file, with a 2048-token context.")
print("JSON: " + sys.argv[2])
PY
rm -f "$tmp"
