#!/bin/sh
# fuzz_gguf.seeds.sh SHARED OUTDIR: small well-formed GGUF files to start
# from, written now by tools/gguf_write (llama and qwen2, the block types the
# reader knows), never kept in the repository. The fixture models under
# SHARED are ~1 MB each, too big for libFuzzer's inputs, so they are not
# used. GGUF_WRITE names the writer (default build/rel/tools/gguf_write).
set -eu
out=$2
w=${GGUF_WRITE:-build/rel/tools/gguf_write}
[ -x "$w" ] || { echo "fuzz_gguf.seeds.sh: build $w first (make $w)" >&2; exit 1; }
mkdir -p "$out"
shape="--vocab 32 --embd 32 --layers 1 --heads 2 --kv-heads 1 --ff 64 --ctx 64"
for t in f32 f16 q8_0 q4_0 q4_k_m; do
	# shellcheck disable=SC2086
	"$w" "$out/llama-$t.gguf" --arch llama $shape --type "$t" --seed 1 >/dev/null 2>&1
done
# shellcheck disable=SC2086
"$w" "$out/qwen2-q8_0.gguf" --arch qwen2 $shape --qkv-bias --type q8_0 --seed 2 >/dev/null 2>&1
