#!/usr/bin/env bats
# The local engine and `caro model`: the pipeline on the tiny random-weight
# fixture (its text is gibberish, so the flow must run and either decline
# with exit 3 or give a command that is then rated), the prompt cache and
# its damage, lazy loading, the spinner, and model downloads from
# tests/testserver.py on 127.0.0.1 (HF_ENDPOINT points there).
load helpers
load server

TINY="${CARO_SHARED:-../shared}/fixtures/models/tiny-qwen2-q8_0.gguf"

setup() {
	setup_offline
	TINY=$(cd "$(dirname "$TINY")" && pwd)/$(basename "$TINY")
	# A per-test id keeps the server's once-only options apart.
	ID="id=$BATS_TEST_NUMBER-$$"
}

models_dir() { echo "$XDG_DATA_HOME/caro/models"; }

@test "-b local without a model says how to get one, exit 3" {
	run --separate-stderr "$CARO" -b local "find big log files"
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[[ "$stderr" == *"caro model pull qwen2.5-coder-0.5b"* ]]
	run --separate-stderr "$CARO" -b local -o json "find big log files"
	[ "$status" -eq 3 ]
	jcheck 'j["command"] is None and "caro model pull" in j["error"]'
	# A configured file that is not there is named.
	run --separate-stderr "$CARO" -b local -m "$HOME/nope.gguf" "find big log files"
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"nope.gguf does not exist"* ]]
}

@test "the pipeline runs end to end on the tiny model: a rated command or a clean decline" {
	run --separate-stderr "$CARO" -b local -m "$TINY" -o json "find files bigger than 10 MB"
	[ "$status" -eq 0 ] || [ "$status" -eq 3 ]
	if [ "$status" -eq 0 ]; then
		jcheck 'j["backend"] == "local" and j["risk"] in ("safe","moderate","high","critical")'
	else
		jcheck 'j["command"] is None and j["error"].startswith("the local engine has no command")'
	fi
	# The plain output agrees, and nothing half-made reaches stdout.
	run --separate-stderr "$CARO" -b local -m "$TINY" "find files bigger than 10 MB"
	[ "$status" -eq 0 ] || { [ "$status" -eq 3 ] && [ -z "$output" ]; }
}

@test "the prompt cache is written, reused, and rebuilt when damaged or truncated" {
	args=(-v -b local -m "$TINY" -o json --bench-tokens 8 "count lines in every python file")
	run --separate-stderr "$CARO" "${args[@]}"
	first=$(jget error 2>/dev/null || jget command)
	[[ "$stderr" == *"cached miss, "*" with the directory miss"* ]]
	# Two files: the shared prefix, and the small one that continues it
	# through the working directory's lines.
	[ "$(ls "$XDG_CACHE_HOME"/caro/kv/*.kv | wc -l)" -eq 2 ]
	kv=$(ls -S "$XDG_CACHE_HOME"/caro/kv/*.kv | head -n 1)
	[ -f "$kv" ]
	sum=$(sha256sum <"$kv")
	run --separate-stderr "$CARO" "${args[@]}"
	[[ "$stderr" == *"cached hit, "*" with the directory hit"* ]]
	[ "$(jget error 2>/dev/null || jget command)" = "$first" ]
	# Flip bytes in the middle, then truncate: each time detected, the
	# answer unchanged, the file rewritten as it was.
	size=$(stat -c %s "$kv")
	printf '\xff\xff\xff\xff' | dd of="$kv" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
	run --separate-stderr "$CARO" "${args[@]}"
	[[ "$stderr" == *"rebuilding the prompt cache"* ]]
	[[ "$stderr" == *"cached miss"* ]]
	[ "$(jget error 2>/dev/null || jget command)" = "$first" ]
	[ "$(sha256sum <"$kv")" = "$sum" ]
	truncate -s 100 "$kv"
	run --separate-stderr "$CARO" "${args[@]}"
	[[ "$stderr" == *"cached miss"* ]]
	[ "$(jget error 2>/dev/null || jget command)" = "$first" ]
	[ "$(sha256sum <"$kv")" = "$sum" ]
	run --separate-stderr "$CARO" "${args[@]}"
	[[ "$stderr" == *"cached hit, "*" with the directory hit"* ]]
	# In another directory: the shared prefix, a new continuation.
	mkdir -p "$BATS_TEST_TMPDIR/elsewhere"
	cd "$BATS_TEST_TMPDIR/elsewhere"
	run --separate-stderr "$CARO" "${args[@]}"
	[[ "$stderr" == *"cached hit, "*" with the directory miss"* ]]
	[ "$(ls "$XDG_CACHE_HOME"/caro/kv/*.kv | wc -l)" -eq 3 ]
}

@test "--bench-tokens N generates exactly N tokens" {
	run --separate-stderr "$CARO" -v -b local -m "$TINY" -o json --bench-tokens 24 "list files"
	[[ "$stderr" == *", 24 tokens in "* ]]
}

@test "requests the pattern engine answers never open the model file" {
	command -v strace >/dev/null || skip "strace is not installed"
	run env ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=open,openat -o "$BATS_TEST_TMPDIR/trace" "$CARO" -m "$TINY" "list files"
	[ "$status" -eq 0 ]
	! grep -q "tiny-qwen2" "$BATS_TEST_TMPDIR/trace"
	# The control: a request the pattern engine declines does open it.
	run env ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=open,openat -o "$BATS_TEST_TMPDIR/trace" "$CARO" -m "$TINY" \
		--bench-tokens 2 "write a haiku about shell quoting"
	grep -q "tiny-qwen2" "$BATS_TEST_TMPDIR/trace"
}

@test "a spinner and the live text on a terminal, nothing of it otherwise" {
	run in_pty '' timeout 20 "$CARO" -b local -m "$TINY" "find big log files"
	[[ "$output" == *"asking the local model"* ]]
	run --separate-stderr "$CARO" -b local -m "$TINY" "find big log files"
	[[ "$stderr" != *"asking the local model"* ]]
	[[ "$stderr" != *$'\r'* ]]
}

@test "model list, pull, path, info and rm through HF_ENDPOINT" {
	export HF_ENDPOINT="$SRV/$ID/as=tiny-qwen2-q8_0.gguf"
	run --separate-stderr "$CARO" model list
	[ "$status" -eq 0 ]
	[[ "$output" == *"qwen2.5-coder-0.5b"*"(recommended)"* ]]
	[[ "$output" == *"nothing installed"* ]]
	run --separate-stderr "$CARO" model pull smollm2-135m
	[ "$status" -eq 0 ]
	[ "$output" = "$(models_dir)/smollm2-135m-instruct-q8_0.gguf" ]
	[[ "$stderr" == *"installed smollm2-135m"* ]]
	[[ "$stderr" == *"no published checksum"* ]]
	# Quiet without a terminal: no progress bar.
	[[ "$stderr" != *"MB/s"* ]]
	[ ! -e "$(models_dir)/smollm2-135m-instruct-q8_0.gguf.part" ]
	python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))["models"][0]
assert m["name"] == "smollm2-135m" and m["size"] > 0 and len(m["sha256"]) == 64
assert m["source"] == "hf:HuggingFaceTB/SmolLM2-135M-Instruct-GGUF/smollm2-135m-instruct-q8_0.gguf"
assert m["verified"] is False
' "$(models_dir)/manifest.json"
	run --separate-stderr "$CARO" model path
	[ "$output" = "$(models_dir)/smollm2-135m-instruct-q8_0.gguf" ]
	run --separate-stderr "$CARO" -o json model list
	jcheck 'any(m["name"] == "smollm2-135m" and m["installed"] and m["in_use"] for m in j["models"])'
	run --separate-stderr "$CARO" -o json model info
	jcheck 'j["arch"] == "qwen2" and j["chat_template"] == "chatml" and j["license"] == "Apache-2.0"'
	# The installed model is what the local engine uses now.
	run --separate-stderr "$CARO" -b local -o json --bench-tokens 4 "find big log files"
	[ "$status" -eq 0 ] || [ "$status" -eq 3 ]
	run --separate-stderr "$CARO" model pull smollm2-135m
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"already installed"* ]]
	run --separate-stderr "$CARO" model rm smollm2-135m
	[ "$status" -eq 0 ]
	[ ! -e "$(models_dir)/smollm2-135m-instruct-q8_0.gguf" ]
	run --separate-stderr "$CARO" -b local "find big log files"
	[ "$status" -eq 3 ]
}

@test "pull hf:OWNER/REPO/FILE, through a redirect" {
	export HF_ENDPOINT="$SRV/$ID/redirect=1"
	run --separate-stderr "$CARO" -o json model pull hf:someone/tiny-GGUF/tiny-llama-q4_0.gguf
	[ "$status" -eq 0 ]
	jcheck 'j["name"] == "tiny-llama-q4_0.gguf" and j["size"] == 991584 and not j["verified"]'
	[ -f "$(models_dir)/tiny-llama-q4_0.gguf" ]
	run --separate-stderr "$CARO" model path tiny-llama-q4_0.gguf
	[ "$output" = "$(models_dir)/tiny-llama-q4_0.gguf" ]
}

@test "pull: a cut transfer resumes with Range, and says so" {
	export HF_ENDPOINT="$SRV/$ID/as=tiny-llama-f32.gguf/cut1=3000000"
	run --separate-stderr "$CARO" model pull smollm2-360m
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"retrying"* ]]
	[ "$(stat -c %s "$(models_dir)/smollm2-360m-instruct-q8_0.gguf")" -eq 6848800 ]
	grep -q '"range": "bytes=3000000-"' "$SRV_DIR/log"
}

@test "pull: a stalled server times out; 404 and bad names are clear errors" {
	export HF_ENDPOINT="$SRV/$ID/stall=0" CARO_STALL_TIMEOUT_MS=500 CARO_RETRIES=1
	run --separate-stderr timeout 30 "$CARO" model pull hf:a/b/tiny-llama-q4_0.gguf
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"no data for 500 ms"* ]]
	[[ "$stderr" == *"after 2 attempts"* ]]
	export HF_ENDPOINT="$SRV/$ID"
	run --separate-stderr "$CARO" model pull hf:a/b/not-there.gguf
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"a/b/not-there.gguf was not found"* ]]
	run --separate-stderr "$CARO" model pull no-such-model
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"qwen2.5-coder-0.5b"* ]]
	run --separate-stderr "$CARO" model pull "hf:a/../b.gguf"
	[ "$status" -eq 2 ]
}

@test "pull: a file that is not the published one is deleted and nothing installed" {
	# llama-3.2-1b has a published size and sha256; the server sends another file.
	export HF_ENDPOINT="$SRV/$ID/as=tiny-llama-q8_0.gguf"
	run --separate-stderr "$CARO" model pull llama-3.2-1b
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"expected 807694464"* ]]
	[ ! -e "$(models_dir)/Llama-3.2-1B-Instruct-Q4_K_M.gguf" ]
	[ ! -e "$(models_dir)/manifest.json" ]
}

@test "pull: Ctrl-C leaves a partial file that the next pull resumes" {
	export HF_ENDPOINT="$SRV/$ID/as=tiny-llama-f32.gguf/trickle=4000"
	"$CARO" model pull smollm2-360m 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	part="$(models_dir)/smollm2-360m-instruct-q8_0.gguf.part"
	for _ in $(seq 100); do
		[ -s "$part" ] && [ "$(stat -c %s "$part")" -gt 500000 ] && break
		sleep 0.05
	done
	kill -INT $pid
	wait $pid || st=$?
	[ "$st" -eq 130 ]
	grep -q "run the same command to resume" "$BATS_TEST_TMPDIR/err"
	[ -s "$part" ]
	export HF_ENDPOINT="$SRV/$ID/as=tiny-llama-f32.gguf"
	run --separate-stderr "$CARO" model pull smollm2-360m
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"resuming at"* ]]
	[ "$(stat -c %s "$(models_dir)/smollm2-360m-instruct-q8_0.gguf")" -eq 6848800 ]
}

@test "pull: HF_TOKEN is sent as a bearer token" {
	export HF_ENDPOINT="$SRV/$ID/token=1/as=tiny-llama-q4_0.gguf"
	run --separate-stderr "$CARO" model pull hf:a/gated/m.gguf
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"HF_TOKEN"* ]]
	HF_TOKEN=hf-test-token run --separate-stderr "$CARO" model pull hf:a/gated/m.gguf
	[ "$status" -eq 0 ]
}

@test "model run streams a completion and prints speeds" {
	run --separate-stderr "$CARO" model run "$TINY" -p "hello" -n 6 --temp 0
	[ "$status" -eq 0 ]
	[ -n "$output" ]
	[[ "$stderr" =~ prefill\ [0-9]+\ tokens ]]
	[[ "$stderr" == *"decode 6 tokens"* ]]
	[[ "$stderr" == *"peak RSS"* ]]
	run --separate-stderr "$CARO" model run "$TINY" --chat -p "hello" -n 3
	[ "$status" -eq 0 ]
	run --separate-stderr "$CARO" model run "$TINY"
	[ "$status" -eq 2 ]
}
