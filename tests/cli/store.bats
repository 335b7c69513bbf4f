#!/usr/bin/env bats
# Memory: the answer cache, history and stats (lib/store), through the
# binary. Model answers come from caro's test engine (lib/backend/test.c),
# which is off unless CARO_TEST_ENGINE is set; log=FILE records each time
# it really generates, so a cache hit shows as no new line.
load helpers

db() { echo "$XDG_CACHE_HOME/caro/caro.db"; }
calls() { [ -f "$HOME/engine.log" ] && wc -l <"$HOME/engine.log" || echo 0; }
engine_on() { export CARO_TEST_ENGINE="on,log=$HOME/engine.log${1:+,$1}"; }
# What the pattern engine says, without a history row.
pattern() { CARO_HISTORY=false "$CARO" --backend match "$@"; }
# A request no engine knows (the test engine declines it when told to).
nonsense="zqx blorp frobnicate"

# as_user CMD...: run CMD as a user without rights on root-owned files
# (root ignores file modes), or as ourselves when we are not root.
as_user() {
	if [ "$(id -u)" = 0 ]; then
		setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"
	else
		"$@"
	fi
}

# A directory tree nobody but its owner may write, which others may read.
readable_tree() {
	local d=$HOME
	chmod -R a+rX "$HOME"
	while [ "$d" != / ]; do chmod o+x "$d" 2>/dev/null || true; d=$(dirname "$d"); done
}

@test "a model answer is cached: the second ask does not reach the engine" {
	engine_on
	run --separate-stderr "$CARO" -o json "greet the world"
	[ "$status" -eq 0 ]
	jcheck 'j["command"] == "echo '"'"'greet the world'"'"'" and j["cached"] is False'
	jcheck 'j["backend"] == "test"'
	[ "$(calls)" -eq 1 ]
	# Spacing, a leading capital and a question mark do not change it.
	run --separate-stderr "$CARO" -o json "  Greet   the world?"
	[ "$status" -eq 0 ]
	jcheck 'j["cached"] is True and j["backend"] == "test"'
	jcheck 'j["command"] == "echo '"'"'greet the world'"'"'"'
	[ "$(calls)" -eq 1 ]
	# Plain output too.
	run --separate-stderr "$CARO" "greet the world"
	[ "$output" = "echo 'greet the world'" ]
	[ "$(calls)" -eq 1 ]
}

@test "each key dimension misses: platform, shell, model, candidates, wording" {
	engine_on
	"$CARO" "greet the world" >/dev/null
	[ "$(calls)" -eq 1 ]
	run --separate-stderr "$CARO" -o json --platform macos "greet the world"
	jcheck 'j["cached"] is False and j["platform"] == "macos"'
	run --separate-stderr "$CARO" -o json --shell zsh "greet the world"
	jcheck 'j["cached"] is False'
	engine_on model=other
	run --separate-stderr "$CARO" -o json "greet the world"
	jcheck 'j["cached"] is False'
	engine_on
	run --separate-stderr "$CARO" -o json -n 2 "greet the world"
	jcheck 'j["cached"] is False and len(j["candidates"]) == 1'
	run --separate-stderr "$CARO" -o json "greet the whole world"
	jcheck 'j["cached"] is False'
	[ "$(calls)" -eq 6 ]
	# Each of them is now a hit, and two candidates serve a request for one.
	for args in "--platform macos" "--shell zsh" "-n 2" "-n 1"; do
		run --separate-stderr "$CARO" -o json $args "greet the world"
		jcheck 'j["cached"] is True'
	done
	[ "$(calls)" -eq 6 ]
}

@test "context-dependent answers are cached per directory state" {
	engine_on context
	mkdir -p "$HOME/a" "$HOME/b"
	cd "$HOME/a"
	run --separate-stderr "$CARO" -o json "build it"
	jcheck 'j["cached"] is False'
	run --separate-stderr "$CARO" -o json "build it"
	jcheck 'j["cached"] is True'
	cd "$HOME/b"
	run --separate-stderr "$CARO" -o json "build it"
	jcheck 'j["cached"] is False'
	cd "$HOME/a"
	sleep 0.01
	touch Makefile
	run --separate-stderr "$CARO" -o json "build it"
	jcheck 'j["cached"] is False'
	[ "$(calls)" -eq 3 ]
}

@test "--no-cache asks the engine again and refreshes the entry" {
	engine_on
	"$CARO" "greet the world" >/dev/null
	before=$(sqlite3 "$(db)" 'SELECT created FROM cache')
	sleep 0.01
	run --separate-stderr "$CARO" -o json --no-cache "greet the world"
	jcheck 'j["cached"] is False'
	[ "$(calls)" -eq 2 ]
	# The fresh answer replaced the entry.
	[ "$(sqlite3 "$(db)" 'SELECT created FROM cache')" -gt "$before" ]
	run --separate-stderr "$CARO" -o json "greet the world"
	jcheck 'j["cached"] is True'
	[ "$(calls)" -eq 2 ]
}

@test "cache.max_entries = 0 turns the cache off" {
	engine_on
	export CARO_CACHE_MAX_ENTRIES=0
	"$CARO" "greet the world" >/dev/null
	run --separate-stderr "$CARO" -o json "greet the world"
	jcheck 'j["cached"] is False'
	[ "$(calls)" -eq 2 ]
	[ ! -e "$(db)" ]
}

@test "the pattern engine answers without opening the database" {
	run --separate-stderr "$CARO" -o json "list files in /tmp"
	[ "$status" -eq 0 ]
	jcheck 'j["backend"] == "match" and j["cached"] is False'
	[ ! -e "$(db)" ]
	# Its history row waits in the spool.
	[ -s "$XDG_CACHE_HOME/caro/history.spool" ]
}

@test "a cached answer is rated again on every use" {
	engine_on
	run --separate-stderr "$CARO" -o json "cmd: rm -rf /"
	[ "$status" -eq 4 ]
	jcheck 'j["blocked"] is True and j["cached"] is False'
	run --separate-stderr "$CARO" -o json "cmd: rm -rf /"
	[ "$status" -eq 4 ]
	jcheck 'j["blocked"] is True and j["cached"] is True and j["risk"] == "critical"'
	# The policy changed: the same cached answer gets the new verdict.
	run --separate-stderr "$CARO" -o json --safety permissive "cmd: rm -rf /"
	[ "$status" -eq 0 ]
	jcheck 'j["blocked"] is False and j["cached"] is True'
	[ "$(calls)" -eq 1 ]
	# Blocked commands stay off stdout when they come from the cache.
	run --separate-stderr "$CARO" "cmd: rm -rf /"
	[ "$status" -eq 4 ]
	[ -z "$output" ]
}

@test "LRU eviction keeps cache.max_entries" {
	engine_on
	export CARO_CACHE_MAX_ENTRIES=2
	for r in one two one three; do "$CARO" "say $r" >/dev/null; sleep 0.01; done
	[ "$(calls)" -eq 3 ]
	[ "$(sqlite3 "$(db)" 'SELECT count(*) FROM cache')" -eq 2 ]
	run --separate-stderr "$CARO" -o json "say one"
	jcheck 'j["cached"] is True'
	run --separate-stderr "$CARO" -o json "say two"
	jcheck 'j["cached"] is False'
}

@test "cache.ttl_days expires old answers" {
	engine_on
	export CARO_CACHE_TTL_DAYS=2
	"$CARO" "greet the world" >/dev/null
	run --separate-stderr "$CARO" -o json "greet the world"
	jcheck 'j["cached"] is True'
	# An edit behind caro's back must drop the index it derives from caro.db.
	sqlite3 "$(db)" 'UPDATE cache SET created = created - 3 * 86400000'
	rm "$XDG_CACHE_HOME/caro/answers.idx"
	run --separate-stderr "$CARO" -o json "greet the world"
	jcheck 'j["cached"] is False'
	# The fresh answer is cached and indexed again; a longer TTL keeps it.
	run --separate-stderr "$CARO" -o json "greet the world"
	jcheck 'j["cached"] is True'
}

@test "a cache hit comes from the answer index and never opens caro.db" {
	engine_on
	"$CARO" "greet the world" >/dev/null
	[ -s "$XDG_CACHE_HOME/caro/answers.idx" ]
	# Nobody may read the database now: a hit that opened it would fail.
	chmod 000 "$(db)"
	mv "$(db)" "$(db).away"
	run --separate-stderr "$CARO" -o json "greet the world"
	[ "$status" -eq 0 ]
	jcheck 'j["cached"] is True and j["backend"] == "test"'
	[ ! -e "$(db)" ]
	[ -z "$stderr" ]
	mv "$(db).away" "$(db)"
	chmod 600 "$(db)"
	# Without the index the database answers, and the index comes back.
	rm "$XDG_CACHE_HOME/caro/answers.idx"
	run --separate-stderr "$CARO" -o json "greet the world"
	jcheck 'j["cached"] is True'
	[ -s "$XDG_CACHE_HOME/caro/answers.idx" ]
	# A damaged index is no hit and no crash: the database answers.
	head -c 100 /dev/urandom >"$XDG_CACHE_HOME/caro/answers.idx"
	run --separate-stderr "$CARO" -o json "greet the world"
	[ "$status" -eq 0 ]
	jcheck 'j["cached"] is True'
	[ "$(calls)" -eq 1 ]
}

@test "an edited command makes caro forget the cached answer" {
	engine_on
	"$CARO" "greet the world" >/dev/null
	printf '#!/bin/sh\necho "echo edited" >"$1"\n' >"$HOME/ed.sh"
	chmod +x "$HOME/ed.sh"
	EDITOR="$HOME/ed.sh" run in_pty 'e\ny\n' "$CARO" "greet the world"
	[ "$status" -eq 0 ]
	[[ "$output" == *edited* ]]
	run --separate-stderr "$CARO" -o json "greet the world"
	jcheck 'j["cached"] is False'
	run --separate-stderr "$CARO" history --json
	jcheck '[e["decision"] for e in j["entries"]] == ["shown", "edited", "shown"]'
	jcheck 'j["entries"][1]["command"] == "echo edited" and j["entries"][1]["exit_status"] == 0'
}

@test "history lists requests with what became of them" {
	engine_on
	mkdir -p "$HOME/d"
	ls_d=$(pattern "list files in $HOME/d")
	"$CARO" "list files in $HOME/d" >/dev/null
	"$CARO" -x -y "list files in /nonexistent-dir-for-caro" >/dev/null 2>&1 || true
	"$CARO" "greet the world" >/dev/null
	"$CARO" "greet the world" >/dev/null
	"$CARO" "cmd: rm -rf /" >/dev/null 2>&1 || true
	CARO_TEST_ENGINE=on,decline "$CARO" "$nonsense" >/dev/null 2>&1 || true
	run --separate-stderr "$CARO" history
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 7 ]
	[[ "${lines[0]}" == *"shown"*"match"*"$ls_d  # list files in $HOME/d" ]]
	[[ "${lines[1]}" == *"ran:2"*"match"* ]]
	[[ "${lines[2]}" == *"shown"*" test "* ]]
	[[ "${lines[3]}" == *"shown"*"test*"* ]]
	[[ "${lines[4]}" == *"blocked"*"rm -rf /"* ]]
	[[ "${lines[5]}" == *"none"*" -  # $nonsense" ]]
	[ "${lines[6]}" = "(* answered from the cache)" ]

	run --separate-stderr "$CARO" history -n 2
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[1]}" == *"$nonsense" ]]
	run --separate-stderr "$CARO" history --search GREET
	[ "${#lines[@]}" -eq 3 ]
	run --separate-stderr "$CARO" history -s "rm -rf" -n 5
	[ "${#lines[@]}" -eq 1 ]
	run --separate-stderr "$CARO" history --search "nothing like this"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "history: a command handed back to the shell ran there, with no status of ours" {
	run --separate-stderr "$CARO" -x -y --hand-back "$HOME/hb" "list files in /tmp"
	[ "$status" -eq 0 ]
	[ -s "$HOME/hb" ]
	run --separate-stderr "$CARO" history --json
	jcheck 'j["entries"][0]["decision"] == "ran" and j["entries"][0]["exit_status"] is None'
	run --separate-stderr "$CARO" history
	[[ "$output" == *" ran "* ]]
}

@test "history --json is one object with every field" {
	engine_on
	"$CARO" -x -y "list files in /nonexistent-dir-for-caro" >/dev/null 2>&1 || true
	"$CARO" "greet the world" >/dev/null
	"$CARO" --platform macos "greet the world" >/dev/null
	"$CARO" --platform macos "greet the world" >/dev/null
	run --separate-stderr "$CARO" history --json
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 1 ]
	jcheck 'j["count"] == 4 and len(j["entries"]) == 4'
	jcheck 'set(j["entries"][0]) == {"id","time","ts_ms","cwd","request","command","engine","cached","cache","risk","decision","exit_status","platform","shell","timing_ms"}'
	jcheck 'j["entries"][0]["decision"] == "ran" and j["entries"][0]["exit_status"] == 2'
	jcheck 'j["entries"][0]["engine"] == "match" and j["entries"][0]["cache"] == "unused"'
	jcheck 'j["entries"][1]["cache"] == "miss" and j["entries"][1]["exit_status"] is None'
	jcheck 'j["entries"][3]["cached"] is True and j["entries"][3]["platform"] == "macos"'
	jcheck 'j["entries"][2]["cwd"] == "'"$PWD"'" and j["entries"][2]["shell"] == "bash"'
	jcheck 'all(e["timing_ms"]["total"] > 0 for e in j["entries"])'
	jcheck 'j["entries"][0]["time"].endswith("Z") and j["entries"][0]["ts_ms"] > 1.7e12'
	# -o json works too, with the same filters.
	run --separate-stderr "$CARO" -o json history -n 1
	jcheck 'j["count"] == 1 and j["entries"][0]["cached"] is True'
}

@test "history --clear asks on a terminal and needs --yes without one" {
	engine_on
	"$CARO" "greet the world" >/dev/null
	"$CARO" "list files" >/dev/null
	run --separate-stderr "$CARO" history --clear
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--yes"* ]]
	run in_pty 'n\n' "$CARO" history --clear
	[ "$status" -eq 5 ]
	[[ "$output" == *"Delete 2 history entries and 1 cached answers? [y/N]"* ]]
	[ "$("$CARO" history | wc -l)" -eq 2 ]
	run in_pty 'y\n' "$CARO" history --clear
	[ "$status" -eq 0 ]
	[ -z "$("$CARO" history)" ]
	run --separate-stderr "$CARO" -o json "greet the world"
	jcheck 'j["cached"] is False'
	run --separate-stderr "$CARO" history --clear --yes
	[ "$status" -eq 0 ]
	[[ "$output" == "deleted 1 history entries and 1 cached answers" ]]
	! grep -q "greet" "$(db)"
}

@test "history.enabled = false writes nothing" {
	engine_on
	export CARO_HISTORY=false
	"$CARO" "list files" >/dev/null
	"$CARO" "greet the world" >/dev/null
	[ ! -s "$XDG_CACHE_HOME/caro/history.spool" ]
	run --separate-stderr "$CARO" history
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[[ "$stderr" == *"history is off"* ]]
	# The cache still works.
	run --separate-stderr "$CARO" -o json "greet the world"
	jcheck 'j["cached"] is True'
	[ "$(sqlite3 "$(db)" 'SELECT count(*) FROM history')" -eq 0 ]
}

@test "stats: counts, latency per engine with hits apart, hit rate, histogram" {
	engine_on delay=30
	for i in 1 2 3; do "$CARO" "list files" >/dev/null; done
	"$CARO" "greet the world" >/dev/null
	for i in 1 2; do "$CARO" "greet the world" >/dev/null; done
	"$CARO" "cmd: rm -rf /" >/dev/null 2>&1 || true
	CARO_TEST_ENGINE=decline "$CARO" "$nonsense" >/dev/null 2>&1 || true
	run --separate-stderr "$CARO" stats --json
	[ "$status" -eq 0 ]
	# 8 requests: 3 pattern, 2 misses (one blocked), 2 hits, and a decline
	# after a miss (no command).
	jcheck 'j["requests"] == 8 and j["answered"] == 7 and j["without_model"] == 5'
	jcheck 'j["requests_per_engine"] == {"match": 3, "test": 4}'
	jcheck 'j["cache"]["hits"] == 2 and j["cache"]["misses"] == 3 and j["cache"]["hit_rate"] == 0.4'
	jcheck 'j["cache"]["entries"] == 2 and j["cache"]["max_entries"] == 1000'
	jcheck 'j["decisions"] == {"ran": 0, "shown": 6, "declined": 0, "edited": 0, "blocked": 1, "none": 1}'
	jcheck '[(e["engine"], e["cached"], e["count"]) for e in j["latency"]] == [("match", False, 3), ("test", False, 2), ("test", True, 2)]'
	# Misses include the engine's 30 ms sleep (a lower bound, not a race).
	jcheck 'j["latency"][1]["p50_ms"] >= 30'
	jcheck 'all(e["p50_ms"] <= e["p95_ms"] <= e["p99_ms"] <= e["max_ms"] for e in j["latency"])'
	jcheck 'sum(h["count"] for h in j["histogram"]) == 7 and j["histogram"][-1]["below_ms"] is None'
	run --separate-stderr "$CARO" stats
	[ "$status" -eq 0 ]
	[[ "$output" == *"8 requests from"* ]]
	[[ "$output" == *"40.0% hit rate (2 hits, 3 misses)"* ]]
	[[ "$output" == *"test (cache hit)"* ]]
	[[ "$output" == *"latency histogram"*"#"* ]]
}

@test "stats on an empty history" {
	run --separate-stderr "$CARO" stats
	[ "$status" -eq 0 ]
	[ "$output" = "no requests recorded yet" ]
	run --separate-stderr "$CARO" stats --json
	jcheck 'j["requests"] == 0 and j["latency"] == [] and j["first"] is None'
}

@test "a read-only cache directory: warnings, and the command still comes" {
	engine_on
	"$CARO" "greet the world" >/dev/null
	mkdir -p "$HOME/out"
	readable_tree
	chmod 0777 "$HOME/out"
	[ "$(id -u)" = 0 ] || chmod 0555 "$XDG_CACHE_HOME/caro"
	# Nothing on the read-only side may be written; caro still answers.
	run --separate-stderr as_user env CARO_TEST_ENGINE="on,log=$HOME/out/log" "$CARO" "greet the world"
	[ "$status" -eq 0 ]
	[ "$output" = "echo 'greet the world'" ]
	[[ "$stderr" == *"warning"* ]]
	run --separate-stderr as_user "$CARO" "list files in /tmp"
	[ "$status" -eq 0 ]
	[ "$output" = "$(pattern "list files in /tmp")" ]
	[[ "$stderr" == *"history not saved"* ]]
	[ "$(id -u)" = 0 ] || chmod 0700 "$XDG_CACHE_HOME/caro"
}

@test "a missing cache directory that cannot be created: warnings only" {
	engine_on
	# XDG_CACHE_HOME under a file: nothing can be created there.
	touch "$HOME/file"
	export XDG_CACHE_HOME="$HOME/file/cache"
	run --separate-stderr "$CARO" "greet the world"
	[ "$status" -eq 0 ]
	[ "$output" = "echo 'greet the world'" ]
	[[ "$stderr" == *"cache disabled"* ]]
}

@test "a garbage database file is moved aside and recreated" {
	engine_on
	mkdir -p "$XDG_CACHE_HOME/caro"
	head -c 20000 /dev/urandom >"$(db)"
	run --separate-stderr "$CARO" -o json "greet the world"
	[ "$status" -eq 0 ]
	jcheck 'j["command"] == "echo '"'"'greet the world'"'"'"'
	[[ "$stderr" == *"moved it to $(db).corrupt-"*"started a new one"* ]]
	ls "$XDG_CACHE_HOME/caro"/caro.db.corrupt-*
	[ "$(sqlite3 "$(db)" 'PRAGMA integrity_check')" = ok ]
	run --separate-stderr "$CARO" -o json "greet the world"
	jcheck 'j["cached"] is True'
	[ -z "$stderr" ]
}

@test "a truncated database file is moved aside and recreated" {
	engine_on
	for i in $(seq 60); do echo "request number $i with some words"; done |
		while read -r r; do "$CARO" "$r" >/dev/null; done
	sqlite3 "$(db)" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
	size=$(stat -c %s "$(db)")
	[ "$size" -gt 16384 ]
	truncate -s $((size / 2)) "$(db)"
	# The first request that reads the damage still answers; the file is
	# moved aside, and the next request starts a new database. (A request
	# the index holds would not read the database: take a new one.)
	run --separate-stderr "$CARO" "request number 61 with some words"
	[ "$status" -eq 0 ]
	[ "$output" = "echo 'request number 61 with some words'" ]
	[[ "$stderr" == *"malformed"*"moved it to"* ]]
	ls "$XDG_CACHE_HOME/caro"/caro.db.corrupt-*
	run --separate-stderr "$CARO" "request number 59 with some words"
	[ "$status" -eq 0 ]
	[ "$(sqlite3 "$(db)" 'PRAGMA integrity_check')" = ok ]
}

@test "a locked database: the request waits briefly, warns and still answers" {
	engine_on
	"$CARO" "greet the world" >/dev/null
	# Another process holds the write lock for 3 s: reads go on (WAL), so
	# the cached answer still comes, and a new answer is not cached.
	{ echo "BEGIN EXCLUSIVE; DELETE FROM cache WHERE 0;"; sleep 3; echo "COMMIT;"; } |
		sqlite3 "$(db)" &
	sleep 0.5
	run --separate-stderr "$CARO" -o json "greet the world"
	[ "$status" -eq 0 ]
	jcheck 'j["cached"] is True'
	run --separate-stderr "$CARO" -o json "greet someone else"
	[ "$status" -eq 0 ]
	jcheck 'j["command"] == "echo '"'"'greet someone else'"'"'" and j["cached"] is False'
	[[ "$stderr" == *"answer not cached"*"locked"* ]]
	wait
	# Exclusive locking mode blocks readers too: a hit still comes from
	# the answer index, and a miss skips the cache with a warning.
	{ echo "PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE; DELETE FROM cache WHERE 0;"; sleep 3; echo "COMMIT;"; } |
		sqlite3 "$(db)" &
	sleep 0.5
	run --separate-stderr "$CARO" -o json "greet the world"
	[ "$status" -eq 0 ]
	jcheck 'j["cached"] is True'
	run --separate-stderr "$CARO" -o json "greet a third party"
	[ "$status" -eq 0 ]
	jcheck 'j["command"] == "echo '"'"'greet a third party'"'"'"'
	[[ "$stderr" == *"answer cache unavailable"*"locked"* ]]
	wait
}

@test "a full disk: warnings, and the command still comes" {
	[ "$(id -u)" = 0 ] || skip "needs root to mount a small tmpfs"
	command -v unshare >/dev/null || skip "no unshare"
	unshare -m true 2>/dev/null || skip "cannot make a mount namespace here"
	engine_on
	cat >"$HOME/full.sh" <<-'EOF'
		set -e
		mount -t tmpfs -o size=64k tmpfs "$XDG_CACHE_HOME"
		"$CARO" "greet the world" >/dev/null 2>&1
		head -c 1M /dev/zero >"$XDG_CACHE_HOME/fill" 2>/dev/null || true
		"$CARO" "list files in /tmp" 2>"$HOME/err1"
		"$CARO" "greet someone else" 2>"$HOME/err2"
	EOF
	mkdir -p "$XDG_CACHE_HOME"
	run --separate-stderr unshare -m sh "$HOME/full.sh"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(pattern "list files in /tmp")" ]
	[ "${lines[1]}" = "echo 'greet someone else'" ]
	grep -q "history not saved" "$HOME/err1"
	grep -q "No space left\|full" "$HOME/err2"
}

@test "20 processes at once, 50 requests each: every row arrives intact" {
	engine_on
	export CARO_CACHE_MAX_ENTRIES=5000
	worker() {
		local w=$1 i
		for i in $(seq 50); do
			case $((i % 3)) in
			0) "$CARO" "list files in /tmp" ;;
			1) "$CARO" "unique request $w $i" ;;
			2) "$CARO" "shared request $((i % 5))" ;;
			esac >/dev/null 2>>"$HOME/errors" || echo "worker $w request $i: $?" >>"$HOME/errors"
		done
	}
	for w in $(seq 20); do worker "$w" & done
	wait
	[ ! -s "$HOME/errors" ] || { cat "$HOME/errors"; false; }
	"$CARO" history -n 0 --json >"$HOME/history.json"
	python3 - "$HOME/history.json" <<-'EOF'
		import json, sys
		j = json.load(open(sys.argv[1]))
		e = j["entries"]
		assert j["count"] == 1000 == len(e), j["count"]
		assert len({x["id"] for x in e}) == 1000
		assert sum(x["request"].startswith("unique") for x in e) == 340
		assert sum(x["engine"] == "match" for x in e) == 320
		assert sum(x["cached"] for x in e) > 0
		assert all(x["command"] for x in e)
	EOF
	[ "$(sqlite3 "$(db)" 'PRAGMA integrity_check')" = ok ]
	# Every unique request was cached, plus the 5 shared ones.
	[ "$(sqlite3 "$(db)" 'SELECT count(*) FROM cache')" -eq 345 ]
	# The answer index that the last writer left serves them all.
	mv "$(db)" "$(db).away"
	for r in "shared request 0" "shared request 4" "unique request 7 40" "unique request 20 1"; do
		run --separate-stderr "$CARO" -o json "$r"
		jcheck 'j["cached"] is True'
	done
}
