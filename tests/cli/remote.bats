#!/usr/bin/env bats
# Remote engines (Ollama, OpenAI-compatible) against tests/testserver.py on
# 127.0.0.1. The server replays llama-server's real exchanges and the Ollama
# fixtures in tests/data/ollama; path options in the base URL pick a
# scenario (see tests/testserver.py). Nothing here leaves the machine.
load helpers
load server

# As helpers' setup (private HOME, no CARO_* from outside), and no proxies.
setup() {
	setup_offline
	# A per-test id keeps the server's fail= counters apart.
	ID="id=$BATS_TEST_NUMBER-$$"
}

# openai OPTS / ollama OPTS: point the engine at the server with options.
openai() {
	export CARO_OPENAI_BASE_URL="$SRV${1:+/$1}" CARO_OPENAI_MODEL=smollm2
}
ollama() {
	export CARO_OLLAMA_HOST="$SRV${1:+/$1}" CARO_OLLAMA_MODEL=llama3.2
}

# requests PATTERN: how many logged requests have PATTERN in their target.
requests() {
	grep -c -- "\"target\": \"[^\"]*$1" "$SRV_DIR/log" || true
}

# last_request FIELD: a field of the last logged request (python3 json).
last_request() {
	python3 -c '
import json, sys
lines = open(sys.argv[1]).read().splitlines()
r = json.loads(lines[-1])
v = r
for k in sys.argv[2].split("."):
    v = v[k]
print(v if isinstance(v, str) else json.dumps(v))
' "$SRV_DIR/log" "$1"
}

@test "openai: llama-server's real stream is read, and its token-limit cut is noticed" {
	openai ""
	run --separate-stderr "$CARO" -b openai "list files sorted by size"
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"cut off"* ]]
	[ -z "$output" ]
	# What was sent: a streamed chat with the prompt, the model and caps.
	body=$(last_request body)
	[[ "$body" == *'"stream":true'* ]]
	[[ "$body" == *'"model":"smollm2"'* ]]
	[[ "$body" == *'"role":"system"'* ]]
	[[ "$body" == *'"max_tokens":'* ]]
	[[ "$body" == *'list files sorted by size'* ]]
	[ "$(last_request target)" = "/v1/chat/completions" ]
}

@test "openai: a streamed reply becomes the command, through both transports" {
	openai "say=find%20.%20-name%20'*.py'"
	for t in builtin curl; do
		run --separate-stderr env CARO_HTTP_TRANSPORT=$t "$CARO" -b openai "python files"
		[ "$status" -eq 0 ]
		[ "$output" = "find . -name '*.py'" ]
	done
	run --separate-stderr "$CARO" -b openai -o json "python files"
	jcheck 'j["command"] == "find . -name '"'"'*.py'"'"'" and j["backend"] == "openai" and j["risk"] == "safe"'
}

@test "openai: an unstreamed reply (a server that ignores stream) works too" {
	openai "json=1/say=uname%20-a"
	run --separate-stderr "$CARO" -b openai "kernel version"
	[ "$status" -eq 0 ]
	[ "$output" = "uname -a" ]
}

@test "ollama: the hand-written NDJSON stream and the unstreamed reply" {
	ollama ""
	run --separate-stderr "$CARO" -b ollama "python files changed this week"
	[ "$status" -eq 0 ]
	[ "$output" = "find . -name '*.py' -mtime -7" ]
	body=$(last_request body)
	[[ "$body" == *'"stream":true'* ]]
	[[ "$body" == *'"keep_alive":"5m"'* ]]
	[[ "$body" == *'"temperature":0.1'* ]]
	[ "$(last_request target)" = "/api/chat" ]
	ollama "json=1"
	run --separate-stderr "$CARO" -b ollama "python files changed this week"
	[ "$status" -eq 0 ]
	[ "$output" = "find . -name '*.py' -mtime -7" ]
}

@test "OLLAMA_HOST without a scheme, and the 0.0.0.0 wildcard, are understood" {
	export OLLAMA_HOST="0.0.0.0:${SRV##*:}" CARO_OLLAMA_MODEL=llama3.2
	run --separate-stderr "$CARO" -b ollama "python files changed this week"
	[ "$status" -eq 0 ]
	[ "$output" = "find . -name '*.py' -mtime -7" ]
}

@test "a stream cut in the middle of an event is an error, not a partial command" {
	openai "cut=900/say=rm%20-rf%20%2Ftmp%2Fbuild%2Fcache"
	run --separate-stderr "$CARO" -b openai "clean the cache"
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[[ "$stderr" == *"openai: "* ]]
	[[ "$stderr" == *"in the middle"* || "$stderr" == *"ended before"* || "$stderr" == *"dropped"* ]]
	# Text had reached us: the request is not repeated.
	[ "$(requests "cut=900")" -eq 1 ]
	ollama "cut=200/say=rm%20-rf%20%2Ftmp%2Fbuild%2Fcache"
	run --separate-stderr "$CARO" -b ollama "clean the cache"
	[ "$status" -eq 3 ]
	[ -z "$output" ]
}

@test "a malformed JSON line is an error naming the server" {
	openai "badjson=1/say=ls"
	run --separate-stderr "$CARO" -b openai "list files"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"openai: $SRV/badjson=1/say=ls: malformed JSON"* ]]
	ollama "badjson=1/say=ls"
	run --separate-stderr "$CARO" -b ollama "list files"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"ollama: $SRV/badjson=1/say=ls: malformed JSON"* ]]
}

@test "events split across TCP reads are put back together" {
	for t in builtin curl; do
		openai "trickle=7/say=grep%20-rn%20TODO%20src%20%7C%20wc%20-l"
		run --separate-stderr env CARO_HTTP_TRANSPORT=$t "$CARO" -b openai "count TODOs"
		[ "$status" -eq 0 ]
		[ "$output" = "grep -rn TODO src | wc -l" ]
		ollama "trickle=5/say=df%20-h"
		run --separate-stderr env CARO_HTTP_TRANSPORT=$t "$CARO" -b ollama "disk space"
		[ "$status" -eq 0 ]
		[ "$output" = "df -h" ]
	done
}

@test "a 500 is retried and the second answer is used" {
	openai "$ID/fail=1/status=500/say=uptime"
	run --separate-stderr "$CARO" -b openai -v "how long has it been up"
	[ "$status" -eq 0 ]
	[ "$output" = "uptime" ]
	[[ "$stderr" == *"HTTP 500; retrying in"* ]]
	[ "$(requests "$ID/")" -eq 2 ]
}

@test "a 429 with Retry-After waits that long, then succeeds" {
	openai "$ID/fail=1/status=429/retry_after=1/say=uptime"
	run --separate-stderr "$CARO" -b openai "uptime please"
	[ "$status" -eq 0 ]
	[ "$output" = "uptime" ]
	python3 -c '
import json, sys
ts = [json.loads(l)["t"] for l in open(sys.argv[1]) if sys.argv[2] in l]
assert len(ts) == 2 and ts[1] - ts[0] >= 0.95, ts
' "$SRV_DIR/log" "$ID/"
}

@test "a 429 asking for a long wait fails at once and says so" {
	openai "always=429/retry_after=120/say=uptime"
	run --separate-stderr "$CARO" -b openai "uptime please"
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"HTTP 429; the server asks to wait 120 s"* ]]
}

@test "a 401 says to check the API key, which is sent but never shown" {
	openai "always=401"
	run --separate-stderr "$CARO" -b openai "list files"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"HTTP 401: set CARO_API_KEY (or OPENAI_API_KEY)"* ]]
	export CARO_API_KEY=sk-test-s3cr3t
	run --separate-stderr "$CARO" -b openai -vv "list files"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"HTTP 401: check CARO_API_KEY"* ]]
	[[ "$stderr" != *"s3cr3t"* ]]
	# The right key gets in; OPENAI_API_KEY works when CARO_API_KEY is unset.
	openai "key=1/say=ls"
	run --separate-stderr "$CARO" -b openai -vv -o json "list files"
	[ "$status" -eq 0 ]
	[[ "$output$stderr" != *"s3cr3t"* ]]
	[ "$(last_request headers.authorization)" = "Bearer sk-test-s3cr3t" ]
	unset CARO_API_KEY
	export OPENAI_API_KEY=sk-test-s3cr3t
	run --separate-stderr "$CARO" -b openai "list files"
	[ "$status" -eq 0 ]
	run --separate-stderr "$CARO" doctor
	[[ "$output$stderr" != *"s3cr3t"* ]]
}

@test "a 404 for an unknown model says how to get it" {
	ollama "always=404"
	export CARO_OLLAMA_MODEL=qwen9:1b
	run --separate-stderr "$CARO" -b ollama "list files"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"ollama: model 'qwen9:1b' not found on server $SRV/always=404; pull it with: ollama pull qwen9:1b"* ]]
	openai "always=404"
	export CARO_OPENAI_MODEL=gpt-nope
	run --separate-stderr "$CARO" -b openai "list files"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"openai: model 'gpt-nope' not found on server $SRV/always=404"* ]]
	# A 404 that is not about the model points at the URL instead.
	export CARO_OPENAI_BASE_URL="$SRV/notfound=1/v1"
	run --separate-stderr "$CARO" -b openai "list files"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"no such endpoint; is openai.base_url"* ]]
}

@test "a server that accepts but never answers times out" {
	openai "hang=1"
	export CARO_TIMEOUT_MS=500
	for t in builtin curl; do
		run --separate-stderr env CARO_HTTP_TRANSPORT=$t "$CARO" -b openai "list files"
		[ "$status" -eq 3 ]
		[[ "$stderr" == *"openai: $SRV/hang=1/chat/completions: timed out after 500 ms"* ]]
	done
}

@test "a 20 MB reply is capped, not swallowed" {
	openai "big=20/say=ls"
	run --separate-stderr "$CARO" -b openai "list files"
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"longer than"* || "$stderr" == *"larger than"* ]]
	ollama "big=20/say=ls"
	run --separate-stderr "$CARO" -b ollama "list files"
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"longer than"* || "$stderr" == *"larger than"* ]]
}

@test "a dangerous command from a server is rated and blocked" {
	openai "say=Here%20you%20go:%0A%0A%60%60%60bash%0Arm%20-rf%20%2F%0A%60%60%60"
	run --separate-stderr "$CARO" -b openai "free some space"
	[ "$status" -eq 4 ]
	[ -z "$output" ]
	[[ "$stderr" == *"critical"* ]]
	run --separate-stderr "$CARO" -b openai -o json "free some space"
	[ "$status" -eq 4 ]
	jcheck 'j["blocked"] is True and j["risk"] == "critical" and j["command"] == "rm -rf /"'
	ollama "say=sudo%20dd%20if=%2Fdev%2Fzero%20of=%2Fdev%2Fsda"
	run --separate-stderr "$CARO" -b ollama "wipe the disk"
	[ "$status" -eq 4 ]
	[ -z "$output" ]
}

@test "a model answer with several commands or only prose is declined" {
	openai "say=cd%20%2Ftmp%0Arm%20-rf%20build"
	run --separate-stderr "$CARO" -b openai "clean the build"
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"several commands"* ]]
	openai "say=%3Cthink%3Ehmm%3C%2Fthink%3EI%20cannot%20help%20with%20that."
	run --separate-stderr "$CARO" -b openai "clean the build"
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"no command"* ]]
}

@test "auto: a dead server, a timeout or a 5xx moves on to the next engine" {
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	export CARO_OLLAMA_HOST="127.0.0.1:$port" CARO_OLLAMA_MODEL=llama3.2 CARO_RETRIES=0
	openai "say=ls%20-la%20%2Fsrv"
	run --separate-stderr "$CARO" -v "zzz enumerate the srv tree"
	[ "$status" -eq 0 ]
	[ "$output" = "ls -la /srv" ]
	[[ "$stderr" == *"ollama: http://127.0.0.1:$port/api/chat: connection refused"* ]]
	ollama "always=503"
	run --separate-stderr "$CARO" -o json "zzz enumerate the srv tree"
	[ "$status" -eq 0 ]
	jcheck 'j["backend"] == "openai"'
	ollama "hang=1"
	run --separate-stderr env CARO_TIMEOUT_MS=400 "$CARO" -o json "zzz enumerate the srv tree"
	[ "$status" -eq 0 ]
	jcheck 'j["backend"] == "openai"'
}

@test "auto: a wrong model or key stops the chain and says what to fix" {
	ollama "always=404"
	export CARO_OLLAMA_MODEL=qwen9
	openai "$ID/say=ls"
	run --separate-stderr "$CARO" "zzz enumerate the srv tree"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"ollama pull qwen9"* ]]
	[ "$(requests "$ID/")" -eq 0 ]
}

@test "auto: the pattern engine still answers first, without touching servers" {
	ollama "$ID/say=ls"
	run --separate-stderr "$CARO" -o json "list files"
	[ "$status" -eq 0 ]
	jcheck 'j["backend"] == "match"'
	[ "$(requests "$ID/")" -eq 0 ]
}

@test "doctor shows which engines answer and how fast" {
	ollama ""
	openai "models=smollm2,other"
	run --separate-stderr "$CARO" doctor
	[ "$status" -eq 0 ]
	[[ "$output" == *"http        built-in for local servers; libcurl/"* ]]
	[[ "$output" == *"ollama  ready: llama3.2 at $SRV (2 models) ("*" ms)"* ]]
	[[ "$output" == *"openai  ready: smollm2 at $SRV/models=smollm2,other (2 models) ("*" ms)"* ]]
	run --separate-stderr "$CARO" doctor -o json
	jcheck '[e["ready"] for e in j["engines"] if e["name"] in ("ollama","openai")] == [True, True]'
	jcheck 'all(isinstance(e["probe_ms"], (int, float)) for e in j["engines"])'
	# A model Ollama lacks, and a dead server.
	export CARO_OLLAMA_MODEL=qwen9
	openai "always=502"
	run --separate-stderr "$CARO" doctor
	[[ "$output" == *"ollama  not ready: ollama: model 'qwen9' not found on server $SRV; pull it with: ollama pull qwen9 (it has: codellama:13b, llama3.2:latest)"* ]]
	[[ "$output" == *"openai  not ready: openai: $SRV/always=502/models: HTTP 502"* ]]
	# Not configured: says what to set.
	unset CARO_OLLAMA_HOST CARO_OLLAMA_MODEL
	run --separate-stderr "$CARO" doctor
	[[ "$output" == *"ollama  not ready: no model set: set ollama.model or CARO_OLLAMA_MODEL"* ]]
}

@test "Ctrl-C cancels a request in flight cleanly" {
	openai "hang=1"
	for t in builtin curl; do
		run --separate-stderr env CARO_HTTP_TRANSPORT=$t timeout --preserve-status -s INT 0.5 \
			"$CARO" -b openai "list files"
		[ "$status" -eq 130 ]
		[[ "$stderr" == *"cancelled"* ]]
	done
}

@test "proxy variables are honoured (the request goes to the proxy)" {
	export http_proxy="$SRV" CARO_OPENAI_BASE_URL="http://llm.invalid/say=hostname/v1" CARO_OPENAI_MODEL=m
	run --separate-stderr "$CARO" -b openai "machine name"
	[ "$status" -eq 0 ]
	[ "$output" = "hostname" ]
	[ "$(last_request target)" = "http://llm.invalid/say=hostname/v1/chat/completions" ]
}

@test "without libcurl, a URL that needs it gets a clear error" {
	export CARO_LIBCURL=/nonexistent/libcurl.so.4 CARO_OPENAI_BASE_URL=https://llm.invalid/v1 CARO_OPENAI_MODEL=m
	run --separate-stderr "$CARO" -b openai "list files"
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"libcurl is not installed"* ]]
	run --separate-stderr "$CARO" doctor -o json
	jcheck 'j["libcurl"] is False and "libcurl is not installed" in j["libcurl_status"]'
	# Credentials in a URL go through libcurl (Basic auth), even locally.
	export CARO_OPENAI_BASE_URL="http://user:pw@127.0.0.1:${SRV##*:}/say=ls/v1"
	run --separate-stderr "$CARO" -b openai "list files"
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"libcurl is not installed"* ]]
	[[ "$stderr" != *"user:pw"* ]]
	# Plain http to a local server does not need it.
	openai "say=ls"
	run --separate-stderr "$CARO" -b openai "list files"
	[ "$status" -eq 0 ]
}

@test "libcurl is loaded only when a request needs it" {
	run --separate-stderr env LD_DEBUG=libs "$CARO" -b match "list files"
	[ "$status" -eq 0 ]
	[[ "$stderr" != *"libcurl"* ]]
	openai "say=ls"
	run --separate-stderr env LD_DEBUG=libs "$CARO" -b openai "list files"
	[ "$status" -eq 0 ]
	[[ "$stderr" != *"libcurl"* ]]
	# --no-cache: the answer above is cached, and a hit sends no request.
	run --separate-stderr env LD_DEBUG=libs CARO_HTTP_TRANSPORT=curl "$CARO" -b openai --no-cache \
		"list files"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"libcurl"* ]]
}

@test "on a terminal the model's text is shown as it arrives, then cleared" {
	openai "trickle=200/say=find%20.%20-type%20f%20-newer%20README.md"
	run in_pty 'n\n' timeout 10 "$CARO" -b openai "files newer than the readme"
	[[ "$output" == *$'\r\033[K'* ]]
	[[ "$output" == *"find . -type f -newer README.md"* ]]
}

@test "credentials in a base URL are sent as Basic auth and never shown" {
	export CARO_OPENAI_BASE_URL="http://user:pw-s3cr3t@127.0.0.1:${SRV##*:}/say=ls/v1" CARO_OPENAI_MODEL=m
	run --separate-stderr "$CARO" -b openai -vv "list files"
	[ "$status" -eq 0 ]
	[ "$output" = "ls" ]
	[[ "$stderr" != *"s3cr3t"* ]]
	[ "$(last_request headers.authorization)" = "Basic $(printf 'user:pw-s3cr3t' | base64)" ]
	export CARO_OPENAI_BASE_URL="http://user:pw-s3cr3t@127.0.0.1:${SRV##*:}/always=500/v1"
	run --separate-stderr "$CARO" -b openai "list files"
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"HTTP 500"* ]]
	[[ "$stderr" != *"s3cr3t"* ]]
}

@test "TLS certificates are verified: a self-signed server is refused" {
	command -v openssl >/dev/null || skip "no openssl to make a certificate"
	d="$BATS_TEST_TMPDIR/tls"
	mkdir -p "$d"
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
		-keyout "$d/key.pem" -out "$d/cert.pem" 2>/dev/null
	python3 "$BATS_TEST_DIRNAME/../testserver.py" --port-file "$d/port" --tls "$d/cert.pem" \
		"$d/key.pem" --parent $$ 3>&- &
	pid=$!
	for _ in $(seq 200); do [ -s "$d/port" ] && break; sleep 0.05; done
	export CARO_OPENAI_BASE_URL="https://127.0.0.1:$(cat "$d/port")/say=ls/v1" CARO_OPENAI_MODEL=m
	run --separate-stderr "$CARO" -b openai "list files"
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"TLS: "* ]]
	# Trusting that certificate (curl's CURL_CA_BUNDLE) is the only way in.
	run --separate-stderr env CURL_CA_BUNDLE="$d/cert.pem" "$CARO" -b openai "list files"
	kill $pid
	[ "$status" -eq 0 ]
	[ "$output" = "ls" ]
}
