#!/bin/sh
# llamacpp_bench.sh: llama.cpp and caro's engine on the same GGUF files,
# measured now, side by side, on this machine. Optional: it needs npm to
# fetch a prebuilt llama.cpp (the npm package @node-llama-cpp/linux-x64,
# unpacked into build/llamacpp/; nothing is installed globally) and skips
# with one line when it cannot.
#
# Per model (the files bench/infer_bench.sh writes to build/models/): a
# fresh process of each engine, alternating, REPS times, each measuring
# pp256 and tg32 on 1 and 2 threads (bench/llamacpp_bench.c and
# bench/infer_bench.c do the same thing: the same token ids, pp256 one
# 256-token prompt from an empty cache, tg32 32 single decodes from an
# empty cache) and its load time (process start to ready). Medians of
# the runs. Then the local engine's whole-process case (bench/
# local_bench.py: a 412-token prompt of which 363 are a cached prefix, 24
# greedy tokens), cold and warm, for both engines, alternating, timed by
# proc_bench. Writes build/bench-llamacpp.json and prints a table.
#
#   sh bench/llamacpp_bench.sh [REPS] [MODEL-NAME...]   (default 5, the smollm2 models)
set -eu
cd "$(dirname "$0")/.."
reps=${1:-5}
[ $# -gt 0 ] && shift
models=${*:-smollm2-135m-q8_0 smollm2-135m-q4_0 smollm2-135m-q4_k_m smollm2-360m-q8_0}
pkg=@node-llama-cpp/linux-x64
dir=build/llamacpp
lib=$dir/package/bins/linux-x64
out=build/bench-llamacpp.json

case "$(uname -s)-$(uname -m)" in
Linux-x86_64) ;;
*) echo "llamacpp_bench: skipped (the prebuilt llama.cpp used here is for Linux x86-64)"; exit 0 ;;
esac
if [ ! -f "$lib/_nlcBuildMetadata.json" ]; then
	if ! command -v npm >/dev/null 2>&1; then
		echo "llamacpp_bench: skipped (no npm to fetch $pkg)"
		exit 0
	fi
	mkdir -p "$dir"
	if ! tgz=$(cd "$dir" && npm pack --silent "$pkg" 2>/dev/null | tail -n 1) || [ ! -f "$dir/$tgz" ]; then
		echo "llamacpp_bench: skipped (npm pack $pkg failed: no registry?)"
		exit 0
	fi
	tar -xzf "$dir/$tgz" -C "$dir"
	rm -f "$dir/$tgz"
fi
make -s build/rel/bench/llamacpp_bench build/rel/bench/infer_bench build/rel/bench/proc_bench \
	build/rel/tools/gguf_write caro
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

for name in $models; do
	f=build/models/$name.gguf
	if [ ! -f "$f" ]; then
		sh bench/infer_bench.sh 1 "$name" >/dev/null
	fi
	cat "$f" >/dev/null # page cache
	echo "== $name"
	i=0
	while [ $i -lt "$reps" ]; do
		build/rel/bench/infer_bench "$f" --reps 3 --label "$name" --threads 1,2 >>"$tmp/caro-$name"
		build/rel/bench/llamacpp_bench "$lib" "$f" --reps 3 --label "$name" --threads 1,2 \
			>>"$tmp/llama-$name"
		i=$((i + 1))
	done
done

# The local engine's case, whole process, both engines alternating.
chat=build/models/smollm2-135m-q8_0-chatml.gguf
if [ -f "$chat" ]; then
	echo "== whole process: $chat"
	root=$PWD
	export HOME="$tmp/home" XDG_CACHE_HOME="$tmp/home/cache" XDG_CONFIG_HOME="$tmp/home/config"
	export XDG_DATA_HOME="$tmp/home/data"
	mkdir -p "$tmp/home/w"
	req="find the python files changed in the last 7 days and count their lines"
	pb() { # NAME CMD...: one timed run, appended to $tmp/case-NAME
		n=$1
		shift
		"$root/build/rel/bench/proc_bench" -n 1 -w 0 --allow-exit 3 --json "$tmp/case-$n" -- "$@" >/dev/null
	}
	# caro as users run it (all CPUs, its tuner choosing); llama.cpp on 2
	# threads and on 1 (its barriers spin, which a busy machine punishes)
	caro_run() { (cd "$tmp/home/w" && pb "$1" "$root/caro" -b local -m "$root/$chat" -o json --bench-tokens 24 "$req"); }
	llama_run() { # NAME THREADS
		pb "$1" "$root/build/rel/bench/llamacpp_bench" "$lib" "$chat" --threads "$2" \
			--case 412,363,24 --state "$tmp/llama$2.state"
	}
	caro_run warm-caro # page cache, and the first cache file
	llama_run warm-llama-2thr 2
	i=0
	while [ $i -lt $((reps * 2)) ]; do
		rm -rf "$tmp/home/cache/caro/kv" "$tmp"/llama*.state
		caro_run cold-caro
		llama_run cold-llama-2thr 2
		llama_run cold-llama-1thr 1
		caro_run warm-caro
		llama_run warm-llama-2thr 2
		llama_run warm-llama-1thr 1
		i=$((i + 1))
	done
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

python3 - "$tmp" "$out" "$load_before" "$load_after" $models <<'PY'
import json, os, statistics, sys
tmp, out, lb, la, models = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]

def rows(path):
    return [json.loads(l) for l in open(path) if l.strip()]

def med(rs, t, k):
    v = [x[k] for r in rs for x in r["runs"] if x["threads"] == t]
    return statistics.median(v) if v else float("nan")

results = []
for m in models:
    c, l = rows(os.path.join(tmp, "caro-" + m)), rows(os.path.join(tmp, "llama-" + m))
    o = {"label": m, "model": c[0]["model"], "file_mb": c[0]["file_mb"], "processes": len(c),
         "caro": {"load_ms": statistics.median(r["load_ms"] for r in c),
                  "peak_rss_mb": max(r["peak_rss_mb"] for r in c), "runs": []},
         "llamacpp": {"load_ms": statistics.median(r["load_ms"] for r in l),
                      "peak_rss_mb": max(r["peak_rss_mb"] for r in l),
                      "system_info": l[0]["system_info"], "runs": []}}
    for t in ("1", "2"):
        for eng, rs in (("caro", c), ("llamacpp", l)):
            o[eng]["runs"].append({"threads": t, "pp256_median": round(med(rs, t, "pp256_median"), 1),
                                   "tg32_median": round(med(rs, t, "tg32_median"), 1)})
    results.append(o)
case = {}
for n in ("cold-caro", "cold-llama-2thr", "cold-llama-1thr", "warm-caro", "warm-llama-2thr",
          "warm-llama-1thr"):
    p = os.path.join(tmp, "case-" + n)
    if os.path.exists(p):
        rs = rows(p)
        case[n] = {"runs": len(rs), "p50_ms": round(statistics.median(r["p50_ms"] for r in rs), 1),
                   "rss_kb_max": max(r["rss_kb_max"] for r in rs)}
doc = {"benchmark": "llamacpp", "units": "tokens/s (median over processes of medians of 3), ms, MB",
       "loadavg_before": lb, "loadavg_after": la, "results": results, "local_case": case}
json.dump(doc, open(out, "w"), indent=1)

print("load average before: %s, after: %s" % (lb, la))
print("%-20s | %-27s | %-27s | %-15s" % ("", "pp256 tok/s caro / llama", "tg32 tok/s caro / llama",
                                          "load ms"))
print("%-20s | %13s %13s | %13s %13s | %7s %7s" % ("model", "1 thr", "2 thr", "1 thr", "2 thr",
                                                   "caro", "llama"))
for o in results:
    g = lambda e, t, k: next(x[k] for x in o[e]["runs"] if x["threads"] == t)
    print("%-20s | %6.0f/%6.0f %6.0f/%6.0f | %6.1f/%6.1f %6.1f/%6.1f | %7.1f %7.1f" % (
        o["label"], g("caro", "1", "pp256_median"), g("llamacpp", "1", "pp256_median"),
        g("caro", "2", "pp256_median"), g("llamacpp", "2", "pp256_median"),
        g("caro", "1", "tg32_median"), g("llamacpp", "1", "tg32_median"),
        g("caro", "2", "tg32_median"), g("llamacpp", "2", "tg32_median"),
        o["caro"]["load_ms"], o["llamacpp"]["load_ms"]))
if case:
    print("whole process, 412-token prompt (363 cached), 24 tokens (caro: all CPUs): p50 ms")
    for n, v in sorted(case.items()):
        print("  %-12s %8.1f ms  (%d runs, peak RSS %.1f MB)" % (n, v["p50_ms"], v["runs"],
                                                               v["rss_kb_max"] / 1024))
print("llama.cpp: " + (results[0]["llamacpp"]["system_info"] if results else ""))
print("JSON: " + out)
PY
