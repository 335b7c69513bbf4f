#!/usr/bin/env bats
# caro check: rating commands the user supplies, and the safety policy.
load helpers

@test "check rates a safe command 0 and a critical one 4" {
	run "$CARO" check -- ls -la
	[ "$status" -eq 0 ]
	[[ "$output" == safe* ]]
	run "$CARO" check -- rm -rf /
	[ "$status" -eq 4 ]
	[[ "$output" == "critical (blocked)"* ]]
}

@test "check -o json has risk, blocked and reasons with rule and message" {
	run --separate-stderr "$CARO" check -o json -- sudo rm -rf /
	[ "$status" -eq 4 ]
	jcheck 'j["risk"] == "critical" and j["blocked"] is True'
	jcheck 'len(j["reasons"]) >= 1 and all("rule" in r and "message" in r for r in j["reasons"])'
	jcheck 'j["command"] == "sudo rm -rf /"'
	run --separate-stderr "$CARO" -o json check -- echo hi
	[ "$status" -eq 0 ]
	jcheck 'j["risk"] == "safe" and j["blocked"] is False and j["reasons"] == []'
}

@test "check reads the command from stdin" {
	run bash -c 'echo "rm -rf /" | "$CARO" check'
	[ "$status" -eq 4 ]
}

@test "the safety level moves the block line" {
	run "$CARO" check --safety permissive -- rm -rf /
	[ "$status" -eq 0 ]
	[[ "$output" == "critical (needs confirmation)"* ]]
	run "$CARO" check --safety strict -- shutdown -h now
	[ "$status" -eq 4 ]
	run "$CARO" check --safety moderate -- shutdown -h now
	[ "$status" -eq 0 ]
	CARO_SAFETY=strict run "$CARO" check -- shutdown -h now
	[ "$status" -eq 4 ]
	run "$CARO" check --safety reckless -- ls
	[ "$status" -eq 2 ]
}

@test "check with no command is a usage error" {
	run bash -c '"$CARO" check </dev/null'
	[ "$status" -eq 2 ]
}
