#!/usr/bin/env bats
# caro explain and --explain: the CLI around lib/explain (its table cases are
# in tests/data/explain.tsv, run by the unit suite).
load helpers

@test "explain: each part of a pasted command, in words, on stdout; the risk on stderr" {
	run --separate-stderr "$CARO" explain -- "find . -name '*.py' -mtime -7 | xargs grep -l TODO > out.txt"
	[ "$status" -eq 0 ]
	[[ "$output" == *"find                    search a directory tree"* ]]
	[[ "$output" == *"-name '*.py'            base name matches *.py (names ending in .py)"* ]]
	[[ "$output" == *"-mtime -7               modified less than 7 days ago"* ]]
	[[ "$output" == *"|                       pipe: its output feeds the next command"* ]]
	[[ "$output" == *"    grep                  print lines that match a pattern"* ]]
	[[ "$output" == *"> out.txt               write the output to the file out.txt"* ]]
	[[ "$stderr" == *"risk: "* ]]
	[ ! -e out.txt ]
}

@test "explain: never runs the command" {
	run --separate-stderr "$CARO" explain -- "touch $HOME/made-by-explain"
	[ "$status" -eq 0 ]
	[ ! -e "$HOME/made-by-explain" ]
}

@test "explain: the command may come from stdin" {
	run --separate-stderr "$CARO" explain <<<"du -sh * | sort -h"
	[ "$status" -eq 0 ]
	[[ "$output" == *"sizes in human units"* ]]
	[[ "$output" == *"compare human sizes"* ]]
}

@test "explain: --platform says what does not exist there" {
	run --separate-stderr "$CARO" explain --platform macos -- "sed -r 's/a+/b/' f && ls --color=auto"
	[ "$status" -eq 0 ]
	[[ "$output" == *"[GNU only, not on this system]"* ]]
	[[ "$output" == *"platform                not available on this macos system (BSD userland): -r, --color=auto"* ]]
	run --separate-stderr "$CARO" explain --platform linux -- "sed -r 's/a+/b/' f"
	[[ "$output" != *"not on this system"* ]]
	[[ "$output" == *"[GNU only]"* ]]
}

@test "explain: the same flag in GNU and BSD is explained for the target, the other noted" {
	run --separate-stderr "$CARO" explain --platform macos -- "stat -f '%z' f"
	[[ "$output" == *"-f '%z'                 print in the format %z [BSD only]"* ]]
	[[ "$output" == *"on GNU, stat -f means: show the file system's status"* ]]
	run --separate-stderr "$CARO" explain --platform linux -- "stat -f '%z' f"
	[[ "$output" == *"-f                      show the file system's status, not the file's [GNU only]"* ]]
	[[ "$output" == *"'%z'                    file to show"* ]]
}

@test "explain: -o json gives items with kind, depth, text, what and platform marks" {
	run --separate-stderr "$CARO" explain -o json --platform macos -- "sudo ls --color=auto"
	[ "$status" -eq 0 ]
	jcheck 'j["command"] == "sudo ls --color=auto" and j["platform"] == "macos"'
	jcheck '[(i["kind"], i["depth"], i["text"]) for i in j["explain"]][:3] == [("program", 0, "sudo"), ("program", 1, "ls"), ("option", 1, "--color=auto")]'
	jcheck 'j["explain"][2]["platform"] == "GNU only" and j["explain"][2]["mismatch"] is True'
	jcheck 'j["risk"] in ("safe", "moderate", "high", "critical") and "reasons" in j'
}

@test "explain: unknown programs and options say so instead of guessing" {
	run --separate-stderr "$CARO" explain -o json -- "frobnicate --wibble x"
	jcheck 'j["explain"][0]["known"] is False and j["explain"][1]["known"] is False'
	jcheck '"does not describe" in j["explain"][0]["what"]'
}

@test "explain: bad input is a clear usage error" {
	run --separate-stderr "$CARO" explain -- "echo 'unterminated"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"cannot explain it: shell:"* ]]
	run --separate-stderr "$CARO" explain -- ""
	[ "$status" -eq 2 ]
	run --separate-stderr "$CARO" explain </dev/null
	[ "$status" -eq 2 ]
	head -c 70000 /dev/zero | tr '\0' 'a' >"$HOME/big"
	run --separate-stderr "$CARO" explain <"$HOME/big"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"too long"* ]]
}

@test "--explain: the request's command is explained on stderr; stdout keeps only the command" {
	run --separate-stderr "$CARO" --explain "list files in /tmp"
	[ "$status" -eq 0 ]
	[ "$output" = "$(cmd_for "list files in /tmp")" ]
	[[ "$stderr" == *"list directory contents"* ]]
}

@test "--explain with -o json adds the items" {
	run --separate-stderr "$CARO" --explain -o json "list files in /tmp"
	[ "$status" -eq 0 ]
	jcheck 'isinstance(j["explain"], list) and j["explain"][0]["kind"] == "program"'
	run --separate-stderr "$CARO" -o json "list files in /tmp"
	jcheck '"explain" not in j'
}

@test "--explain=table is the default; --explain=model needs a model engine" {
	run --separate-stderr "$CARO" --explain=table "list files in /tmp"
	[ "$status" -eq 0 ]
	run --separate-stderr "$CARO" --explain=model "list files in /tmp"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--explain=model needs a model engine"* ]]
	run --separate-stderr "$CARO" --explain=poetry "list files in /tmp"
	[ "$status" -eq 2 ]
}

@test "menu: x shows the engine's words and the table's explanation of each part" {
	run pty_run 'expect:Run it\?' 'send:x\r' 'expect:list directory contents' 'expect:Run it\?' \
		'send:\r' -- "$CARO" "list files in /tmp"
	[ "$status" -eq 5 ]
}
