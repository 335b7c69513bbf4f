#!/usr/bin/env python3
"""local_bench.py: whole-process wall time and peak RSS of the local engine.

    bench/local_bench.py [--runs N] [--json FILE] [--model PATH] [--threads T]

Runs `caro -b local -o json --bench-tokens 24 REQUEST` on a random-weight
model with SmolLM2-135M's shape in Q8_0 and a real 49152-token vocabulary
(StarCoder's, with SmolLM2's ChatML tokens and template: tools/gguf_write
--chatml), written to build/models/ when missing. Two cases, interleaved
run by run so that machine noise hits both alike:

  cold  the prompt-prefix cache is deleted before each run (so each run
        computes the system prompt and examples and saves the cache)
  warm  the cache from the previous run is there: the shared prefix and
        its continuation through the working directory's lines
  warm, new directory   the shared prefix is cached, the directory is
        new (a fresh empty one each run), so its lines are prefilled and
        their state saved: a user's first request in a directory
  warm, lookup off   the same with prompt-lookup drafting off
        (CARO_LOOKUP=0): a random-weight model falls into loops that
        drafting predicts perfectly, which a real model does not, so
        this is the figure for output that never repeats itself

and, for lazy loading, `caro -m MODEL "list files"` (the pattern engine
answers; the model must not be touched) against `caro "list files"`.

Each run is timed by bench/proc_bench (posix_spawn to wait4). Each case
reports median/p95/p99 wall ms and peak RSS (wait4's rusage),
plus one verbose run's breakdown (tokens, prefill and decode ms). With
--json, one JSON object per case is appended to FILE. Runs in a private
HOME and an empty working directory, so nothing of the user's leaks in.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REQUEST = "find the python files changed in the last 7 days and count their lines"
PROC_BENCH = os.path.join(ROOT, "build/rel/bench/proc_bench")


def run_once(argv, env, cwd):
    """One run timed by bench/proc_bench (posix_spawn to wait4, stdout and
    stderr to /dev/null), so Python's own process costs stay out of it.
    Exit status 3 (the random model's text is no command) is expected."""
    fd, out = tempfile.mkstemp(prefix="caro-proc-bench-")
    os.close(fd)
    try:
        subprocess.run([PROC_BENCH, "-n", "1", "-w", "0", "--allow-exit", "3", "--json", out,
                        "--"] + argv, env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
        with open(out) as f:
            o = json.loads(f.readline())
    finally:
        os.unlink(out)
    return o["p50_ms"], o["rss_kb_max"]


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(p * (len(v) - 1) + 0.5))]


def summary(name, ms, rss, extra):
    o = {"name": name, "runs": len(ms), "min_ms": round(min(ms), 3),
         "p50_ms": round(pct(ms, 0.5), 3), "p95_ms": round(pct(ms, 0.95), 3),
         "p99_ms": round(pct(ms, 0.99), 3), "max_ms": round(max(ms), 3),
         "rss_kb_max": max(rss), "rss_kb_p50": pct(rss, 0.5)}
    o.update(extra)
    print("%-44s runs %3d  p50 %8.1f  p95 %8.1f  p99 %8.1f ms  rss %d KB"
          % (name, o["runs"], o["p50_ms"], o["p95_ms"], o["p99_ms"], o["rss_kb_max"]))
    return o


def breakdown(caro, args, env, cwd):
    """One -v run: the local engine's own figures."""
    p = subprocess.run([caro, "-v"] + args, env=env, cwd=cwd, capture_output=True, text=True)
    m = re.search(r"prompt (\d+) tokens \((\d+) cached (hit|miss), (\d+) with the directory "
                  r"(hit|miss|none)\), prefilled (\d+) in ([\d.]+) ms, "
                  r"(\d+) tokens in ([\d.]+) ms \(lookup kept (\d+) of (\d+) drafted\), "
                  r"load ([\d.]+) ms", p.stderr)
    if not m:
        return {}
    return {"prompt_tokens": int(m[1]), "prefix_tokens": int(m[2]), "cache": m[3],
            "context_tokens": int(m[4]), "context_cache": m[5],
            "prefilled_tokens": int(m[6]), "prompt_ms": float(m[7]),
            "generated_tokens": int(m[8]), "generate_ms": float(m[9]),
            "lookup_kept": int(m[10]), "lookup_drafted": int(m[11]), "load_ms": float(m[12])}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--json")
    ap.add_argument("--model", default=os.path.join(ROOT, "build/models/smollm2-135m-q8_0-chatml.gguf"))
    ap.add_argument("--caro", default=os.path.join(ROOT, "build/rel/caro"))
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--shared", default=os.environ.get("CARO_SHARED", os.path.join(ROOT, "..", "shared")))
    a = ap.parse_args()

    if not os.path.exists(a.model):
        os.makedirs(os.path.dirname(a.model), exist_ok=True)
        subprocess.run([os.path.join(ROOT, "build/rel/tools/gguf_write"), a.model, "--preset",
                        "smollm2-135m", "--type", "q8_0", "--vocab-from",
                        os.path.join(a.shared, "fixtures/tokenizer/ggml-vocab-starcoder.gguf"),
                        "--chatml"], check=True, stdout=subprocess.DEVNULL)
    size_mb = os.path.getsize(a.model) / 1e6
    tmp = tempfile.mkdtemp(prefix="caro-local-bench-")
    try:
        env = dict(os.environ, HOME=tmp, XDG_CONFIG_HOME=tmp + "/config",
                   XDG_CACHE_HOME=tmp + "/cache", XDG_DATA_HOME=tmp + "/data",
                   CARO_THREADS=str(a.threads))
        for k in list(env):
            if k.startswith("CARO_") and k not in ("CARO_THREADS", "CARO_SHARED"):
                del env[k]
        cwd = os.path.join(tmp, "w")
        os.makedirs(cwd)
        kv = os.path.join(tmp, "cache", "caro", "kv")
        args = ["-b", "local", "-m", a.model, "-o", "json", "--bench-tokens", "24", REQUEST]
        argv = [a.caro] + args
        print("model %s (%.1f MB); request: %s" % (a.model, size_mb, REQUEST))
        for _ in range(2):  # page cache and kv file warm-up
            run_once(argv, env, cwd)
        env_nolookup = dict(env, CARO_LOOKUP="0")
        cold, warm, nolk, cold_rss, warm_rss, nolk_rss = [], [], [], [], [], []
        newd, newd_rss = [], []
        for i in range(a.runs):
            shutil.rmtree(kv, ignore_errors=True)
            ms, rss = run_once(argv, env, cwd)
            cold.append(ms)
            cold_rss.append(rss)
            ms, rss = run_once(argv, env, cwd)
            warm.append(ms)
            warm_rss.append(rss)
            ms, rss = run_once(argv, env_nolookup, cwd)
            nolk.append(ms)
            nolk_rss.append(rss)
            fresh = os.path.join(tmp, "n%d" % i)
            os.makedirs(fresh)
            ms, rss = run_once(argv, env, fresh)
            newd.append(ms)
            newd_rss.append(rss)
        shutil.rmtree(kv, ignore_errors=True)
        bc = breakdown(a.caro, args, env, cwd)
        bw = breakdown(a.caro, args, env, cwd)
        bn = breakdown(a.caro, args, env_nolookup, cwd)
        fresh = os.path.join(tmp, "n-breakdown")
        os.makedirs(fresh)
        bd = breakdown(a.caro, args, env, fresh)
        lazy, base, lazy_rss, base_rss = [], [], [], []
        for _ in range(a.runs):
            ms, rss = run_once([a.caro, "-m", a.model, "list files"], env, cwd)
            lazy.append(ms)
            lazy_rss.append(rss)
            ms, rss = run_once([a.caro, "list files"], env, cwd)
            base.append(ms)
            base_rss.append(rss)
        common = {"model_mb": round(size_mb, 1), "threads": a.threads or "auto"}
        out = [summary("local cold (no prompt cache), 24 tokens", cold, cold_rss, dict(common, **bc)),
               summary("local warm (prompt cache), 24 tokens", warm, warm_rss, dict(common, **bw)),
               summary("local warm, lookup off, 24 tokens", nolk, nolk_rss, dict(common, **bn)),
               summary("local warm, new directory, 24 tokens", newd, newd_rss,
                       dict(common, **bd)),
               summary("match with a model configured (lazy)", lazy, lazy_rss, common),
               summary("match without a model", base, base_rss, {})]
        for o, b in ((out[0], bc), (out[1], bw), (out[2], bn), (out[3], bd)):
            if b:
                print("  %-42s prompt %d tokens (prefix %d, %s; with the directory %d, %s), "
                      "prefilled %d in %.0f ms, %d tokens in %.0f ms (lookup kept %d of %d), "
                      "load %.1f ms"
                      % (o["name"], b["prompt_tokens"], b["prefix_tokens"], b["cache"],
                         b["context_tokens"], b["context_cache"],
                         b["prefilled_tokens"], b["prompt_ms"], b["generated_tokens"],
                         b["generate_ms"], b["lookup_kept"], b["lookup_drafted"], b["load_ms"]))
        print("  peak RSS %.1f MB = model %.1f MB + %.1f MB (target: + 40 MB)"
              % (out[1]["rss_kb_max"] / 1024, size_mb, out[1]["rss_kb_max"] / 1024 - size_mb))
        if a.json:
            with open(a.json, "a") as f:
                for o in out:
                    f.write(json.dumps(o) + "\n")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
