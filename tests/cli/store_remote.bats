#!/usr/bin/env bats
# The answer cache in front of the real remote engines (Ollama and
# OpenAI-compatible), against tests/testserver.py on 127.0.0.1, whose
# request log shows whether a request reached the server. Engines are
# named with -b, so the pattern engine's growing knowledge cannot answer
# first.
load helpers
load server

setup() {
	setup_offline
	# Each test its own scenario path, so the request counts are its own.
	T="id=store-$BATS_TEST_NUMBER-$$"
}

# sent PATTERN: requests the server got whose target holds PATTERN.
sent() { grep -c -- "\"target\": \"[^\"]*$1" "$SRV_DIR/log" || true; }
urlenc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }

@test "openai: the second ask comes from the cache, not the server" {
	export CARO_OPENAI_BASE_URL="$SRV/$T/say=ls%20-la/v1" CARO_OPENAI_MODEL=smollm2
	run --separate-stderr "$CARO" -b openai -o json "show me what is in this folder"
	[ "$status" -eq 0 ]
	jcheck 'j["command"] == "ls -la" and j["backend"] == "openai" and j["cached"] is False'
	[ "$(sent "$T/")" -eq 1 ]
	run --separate-stderr "$CARO" -b openai -o json "Show me what is in this folder?"
	[ "$status" -eq 0 ]
	jcheck 'j["command"] == "ls -la" and j["backend"] == "openai" and j["cached"] is True'
	[ "$(sent "$T/")" -eq 1 ]
	# Another model, or another server, is another key.
	CARO_OPENAI_MODEL=qwen run --separate-stderr "$CARO" -b openai -o json "show me what is in this folder"
	jcheck 'j["cached"] is False'
	[ "$(sent "$T/")" -eq 2 ]
	CARO_OPENAI_BASE_URL="$SRV/$T/x=1/say=ls%20-la/v1" run --separate-stderr "$CARO" -b openai -o json \
		"show me what is in this folder"
	jcheck 'j["cached"] is False'
	[ "$(sent "$T/")" -eq 3 ]
	run --separate-stderr "$CARO" history --json
	jcheck '[e["cache"] for e in j["entries"]] == ["miss", "hit", "miss", "miss"]'
}

@test "ollama: hits and misses too" {
	export CARO_OLLAMA_HOST="$SRV/$T/say=df%20-h" CARO_OLLAMA_MODEL=llama3.2
	run --separate-stderr "$CARO" -b ollama -o json "how full are my disks"
	jcheck 'j["command"] == "df -h" and j["backend"] == "ollama" and j["cached"] is False'
	run --separate-stderr "$CARO" -b ollama -o json "how full are my disks"
	jcheck 'j["command"] == "df -h" and j["cached"] is True'
	[ "$(sent "$T/")" -eq 1 ]
	run --separate-stderr "$CARO" -b ollama -o json --no-cache "how full are my disks"
	jcheck 'j["cached"] is False'
	[ "$(sent "$T/")" -eq 2 ]
}

@test "an answer that names the working directory is cached for that directory only" {
	mkdir -p "$HOME/a" "$HOME/b"
	cd "$HOME/a"
	export CARO_OPENAI_BASE_URL="$SRV/$T/say=$(urlenc "du -sh $HOME/a")/v1" CARO_OPENAI_MODEL=m
	run --separate-stderr "$CARO" -b openai -o json "how big is this project"
	jcheck 'j["command"] == "du -sh '"$HOME"'/a" and j["cached"] is False'
	run --separate-stderr "$CARO" -b openai -o json "how big is this project"
	jcheck 'j["cached"] is True'
	cd "$HOME/b"
	run --separate-stderr "$CARO" -b openai -o json "how big is this project"
	jcheck 'j["cached"] is False'
	[ "$(sent "$T/")" -eq 2 ]
}

@test "a cached answer comes back while the server is down" {
	start_server "$BATS_TEST_TMPDIR/srv2"
	export CARO_OPENAI_BASE_URL="http://127.0.0.1:$(cat "$BATS_TEST_TMPDIR/srv2/port")/say=uptime/v1"
	export CARO_OPENAI_MODEL=m
	run --separate-stderr "$CARO" -b openai -o json "how long has this machine been up"
	jcheck 'j["command"] == "uptime" and j["cached"] is False'
	kill "$(cat "$BATS_TEST_TMPDIR/srv2/pid")"
	wait "$(cat "$BATS_TEST_TMPDIR/srv2/pid")" 2>/dev/null || true
	run --separate-stderr "$CARO" -b openai -o json "how long has this machine been up"
	[ "$status" -eq 0 ]
	jcheck 'j["command"] == "uptime" and j["cached"] is True'
	run --separate-stderr "$CARO" -b openai -o json --no-cache "how long has this machine been up"
	[ "$status" -ne 0 ]
}
