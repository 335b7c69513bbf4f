#!/bin/sh
# infer_bench.sh: the engine's speed on the shapes of issue 5, beside
# llama.cpp's reference figures (measured on this machine kind with
# AVX-512 VNNI; see the issue). Writes random-weight models to
# build/models/ (once), runs build/rel/bench/infer_bench on each in a
# fresh process (file in the page cache), prints a table and writes
# build/bench-infer.json.
#
#   sh bench/infer_bench.sh [REPS]        (default 5 repetitions)
set -eu
cd "$(dirname "$0")/.."
reps=${1:-5}
vocab=${CARO_SHARED:-../shared}/fixtures/tokenizer/ggml-vocab-starcoder.gguf
make -s build/rel/bench/infer_bench build/rel/tools/gguf_write
mkdir -p build/models
out=build/bench-infer.json
tmp=build/bench-infer.tmp
: >"$tmp"

# name preset type llama.cpp-pp256 llama.cpp-tg32 target-pp target-tg
models="smollm2-135m-q8_0 smollm2-135m q8_0 520 137 1000 200
smollm2-135m-q4_0 smollm2-135m q4_0 695 176 1200 250
smollm2-135m-q4_k_m smollm2-135m q4_k_m 461 137 900 200
smollm2-360m-q8_0 smollm2-360m q8_0 220 52 450 80
qwen2.5-0.5b-q4_k_m qwen2.5-0.5b q4_k_m 195 47 400 70
qwen2.5-1.5b-q4_k_m qwen2.5-1.5b q4_k_m 40 20 80 28"

echo "$models" | while read -r name preset type lpp ltg tpp ttg; do
	f=build/models/$name.gguf
	if [ ! -f "$f" ]; then
		vf=""
		[ -f "$vocab" ] && case $preset in smollm2*) vf="--vocab-from $vocab" ;; esac
		# shellcheck disable=SC2086
		build/rel/tools/gguf_write "$f" --preset "$preset" --type "$type" $vf
	fi
	cat "$f" >/dev/null # page cache
	build/rel/bench/infer_bench "$f" --reps "$reps" --label "$name" |
		sed "s/}\$/, \"llamacpp_pp256\": $lpp, \"llamacpp_tg32\": $ltg, \"target_pp256\": $tpp, \"target_tg32\": $ttg}/" >>"$tmp"
done

python3 - "$tmp" "$out" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
json.dump({"benchmark": "infer", "results": rows}, open(sys.argv[2], "w"), indent=1)
hdr = "%-22s %7s %9s %9s %9s %9s %8s %8s %8s %8s" % (
    "model", "type", "pp256 t1", "pp256 t2", "tg32 t1", "tg32 t2", "load ms", "RSS MB", "file MB", "")
print(hdr)
print("%-22s %7s %9s %9s %9s %9s" % ("", "", "(median)", "(median)", "(median)", "(median)"))
for r in rows:
    runs = {x["threads"]: x for x in r["runs"]}
    g = lambda t, k: runs[t][k] if t in runs else float("nan")
    print("%-22s %7s %9.1f %9.1f %9.1f %9.1f %8.1f %8.1f %8.1f" % (
        r["label"], r["type"], g(1, "pp256_median"), g(2, "pp256_median"),
        g(1, "tg32_median"), g(2, "tg32_median"), r["load_ms"], r["peak_rss_mb"], r["file_mb"]))
    print("%-22s %7s %9s %9d %9s %9d   (llama.cpp pp256 t2, tg32 best; target %d / %d)" % (
        "  llama.cpp", "", "", r["llamacpp_pp256"], "", r["llamacpp_tg32"],
        r["target_pp256"], r["target_tg32"]))
print("JSON: " + sys.argv[2])
PY
rm -f "$tmp"
