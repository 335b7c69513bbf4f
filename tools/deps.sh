#!/bin/sh
# deps.sh MODE: make sure the Debian packages MODE needs are installed.
#
# MODE is build, test, fuzz or bench. Missing packages are installed with
# apt-get when we are root or have password-less sudo; otherwise we stop with
# one line that names them. Each check is cheap, so make can call this often.
set -u
mode=${1:-build}
missing=""

need_pc() { pkg-config --exists "$1" 2>/dev/null || missing="$missing $2"; }
need_cmd() { command -v "$1" >/dev/null 2>&1 || missing="$missing $2"; }

need_cmd cc gcc
need_cmd make make
need_cmd pkg-config pkg-config
if command -v pkg-config >/dev/null 2>&1; then
	need_pc sqlite3 libsqlite3-dev
	need_pc libcjson libcjson-dev
	need_pc libcurl libcurl4-openssl-dev
else
	missing="$missing libsqlite3-dev libcjson-dev libcurl4-openssl-dev"
fi
# libcurl is dlopen()ed at run time, so the runtime library must be there too.
have_any() { for f in "$@"; do [ -e "$f" ] && return 0; done; return 1; }
have_any /usr/lib/*/libcurl.so.4 /usr/lib/libcurl.so.4 || missing="$missing libcurl4"

case "$mode" in
test|bench)
	need_cmd bats bats
	need_cmd python3 python3
	need_cmd tmux tmux
	need_cmd bash bash
	need_cmd zsh zsh
	need_cmd fish fish
	need_cmd script bsdutils
	need_cmd sqlite3 sqlite3
	need_cmd groff groff-base
	need_cmd valgrind valgrind
	need_cmd strace strace
	;;
fuzz)
	need_cmd clang clang
	have_any /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a ||
		missing="$missing libclang-rt-dev"
	;;
build) ;;
*) echo "deps.sh: unknown mode '$mode' (build, test, fuzz, bench)" >&2; exit 2 ;;
esac

[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ]; then
	sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	sudo="sudo -n"
else
	echo "caro: missing packages:$missing (install them with: sudo apt-get install$missing)" >&2
	exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "caro: missing packages:$missing (no apt-get here; install their equivalents)" >&2
	exit 1
fi
echo "caro: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
$sudo apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1 ||
	{ $sudo apt-get update -q >/dev/null 2>&1 &&
	  $sudo apt-get install -y -q --no-install-recommends $missing >/dev/null; } || {
	echo "caro: apt-get could not install:$missing" >&2
	exit 1
}
