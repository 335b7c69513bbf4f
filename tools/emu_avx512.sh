#!/bin/bash
# emu_avx512.sh: run one static x86-64 program on an emulated AVX-512 VNNI
# CPU (bochs, Tiger Lake model), for testing SIMD code this machine's CPU
# cannot run. A developer tool, far too slow for `make test`.
#
#   tools/emu_avx512.sh [-e NAME=VALUE]... [-d SRC:DEST]... [-t SECONDS] [-m MEGS] PROGRAM [ARGS...]
#
# It prints the program's output (stdout and stderr together, as the
# guest's serial console saw them), then one line on stderr with the times
# (boot to /init, program, total, host wall clock) and exits with the
# program's exit status (128+N when a signal N killed it, as the shell
# says: 132 is SIGILL, an instruction the emulated CPU lacks); 124 on
# timeout, 125 when the guest never ran the program to its end. -e sets
# a variable in the program's environment (its only others are PATH,
# HOME=/ and TMPDIR=/tmp); -d copies the file or directory SRC to the
# absolute path DEST in the guest (its files live in the guest's memory:
# raise -m for big ones); -t is the timeout for the whole run (default
# 1800 s); -m the guest memory (default 512 MB).
#
# Examples:
#   tools/emu_avx512.sh --check        build and run tools/emu/avx512_check.c
#   make build/rel/emu/kern_unit && tools/emu_avx512.sh build/rel/emu/kern_unit
#   tools/emu_avx512.sh build/rel/emu/kern_unit gemm    (a name filter)
#   tools/emu_avx512.sh -e CARO_KERNELS=ref path/to/static-bench
#   make build/rel/emu/infer_unit && tools/emu_avx512.sh -m 1024 \
#       -d ../shared/fixtures:/shared/fixtures -e CARO_SHARED=/shared \
#       build/rel/emu/infer_unit golden        (the golden logits)
#
# How: a Debian kernel (linux-image-*-cloud-amd64, the smallest, fetched
# with apt-get download and cached in build/emu/kernel/) and an initramfs
# of busybox-static, the program and an /init script that runs it between
# two marker lines and powers off, on a FAT disk image booted by syslinux
# (bochs has no -kernel option). Bochs runs headless with the guest's
# serial port written to a file, which this script watches for the
# markers; it kills bochs when the program is done or the time is up.
# The kernel needs a few CPUID features hidden to boot on bochs 2.7 (see
# the command line below). Measured on a busy 2-core Zen 3: 19-22 s to
# boot (loading and decompressing the kernel is ~9 s of it), then the
# program at 100-200x its native time (build/rel/emu/kern_unit: 0.13 s
# native, 20-28 s emulated). Keep a run to a minute or two with a name
# filter: twice a program that needs about 3 minutes here (the golden
# logits with the reference kernels, 1.2 s native) left the guest idle
# after about 4 minutes of bochs's time and never finished (the guest
# kernel was told lapic=notscdeadline nohz=off the second time, which
# changed nothing; the same test on one host CPU, two threads, takes
# 1.2 s). The -t timeout ends such a run.
# Missing Debian packages are installed with apt-get (as root). Everything
# made goes under build/emu/; each run has its own directory there,
# removed after a successful run and kept (with bochs's log and the whole
# serial output) after a failed one. EMU_KEEP=1 keeps it always.
#
# The program must be static: the guest has no libraries. Data files it
# needs are copied in with -d.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
emu=$root/build/emu
timeout_s=1800
megs=512
envs=()
copies=()

usage() {
	echo "usage: tools/emu_avx512.sh [-e NAME=VALUE]... [-d SRC:DEST]... [-t SECONDS] [-m MEGS] PROGRAM [ARGS...]" >&2
	echo "       tools/emu_avx512.sh [-t SECONDS] [-m MEGS] --check" >&2
	exit 2
}

die() {
	echo "emu_avx512: $*" >&2
	exit 125
}

# --- arguments --------------------------------------------------------------
check=0
while [ $# -gt 0 ]; do
	case $1 in
	-e) [[ ${2:-} == [A-Za-z_]*=* ]] || die "-e wants NAME=VALUE"
	    envs+=("$2"); shift 2 ;;
	-d) [[ ${2:-} == ?*:/?* ]] || die "-d wants SRC:/DEST"
	    [ -e "${2%%:*}" ] || die "-d ${2%%:*}: no such file or directory"
	    copies+=("$2"); shift 2 ;;
	-t) [[ ${2:-} =~ ^[0-9]+$ ]] && [ "$2" -gt 0 ] || die "-t wants seconds"
	    timeout_s=$2; shift 2 ;;
	-m) [[ ${2:-} =~ ^[0-9]+$ ]] && [ "$2" -ge 64 ] || die "-m wants megabytes (>= 64)"
	    megs=$2; shift 2 ;;
	--check) check=1; shift ;;
	--) shift; break ;;
	-*) usage ;;
	*) break ;;
	esac
done
[ $check = 1 ] || [ $# -ge 1 ] || usage

# --- Debian packages ----------------------------------------------------------
# command or file -> package that provides it
need=(
	bochs-bin:bochs
	/usr/share/bochs/BIOS-bochs-latest:bochsbios
	/usr/share/vgabios/vgabios.bin:vgabios
	syslinux:syslinux
	/usr/lib/syslinux/modules/bios/ldlinux.c32:syslinux-common
	mcopy:mtools
	mkfs.fat:dosfstools
	/bin/busybox:busybox-static
	cpio:cpio
	readelf:binutils
	gcc:gcc
)
missing=()
for n in "${need[@]}"; do
	what=${n%%:*}
	if [[ $what == /* ]]; then
		[ -e "$what" ] || missing+=("${n##*:}")
	else
		command -v "$what" >/dev/null 2>&1 || missing+=("${n##*:}")
	fi
done
# a dynamic busybox (package busybox) cannot run in the guest
if [ -e /bin/busybox ] && readelf -l /bin/busybox 2>/dev/null | grep -q INTERP; then
	missing+=(busybox-static)
fi
if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || die "missing packages: ${missing[*]} (apt-get install them as root)"
	echo "emu_avx512: installing ${missing[*]}" >&2
	apt-get install -y -qq "${missing[@]}" >&2 ||
		{ apt-get update -qq >&2 && apt-get install -y -qq "${missing[@]}" >&2; } ||
		die "apt-get install ${missing[*]} failed"
fi

# --- the program --------------------------------------------------------------
mkdir -p "$emu"
if [ $check = 1 ]; then
	prog=$emu/avx512_check
	gcc -std=c11 -O2 -Wall -Wextra -Werror -static \
		-mavx512f -mavx512bw -mavx512vl -mavx512vnni \
		-o "$prog" "$here/emu/avx512_check.c" || die "could not build avx512_check"
else
	prog=$1
	shift
fi
[ -f "$prog" ] || die "$prog: no such file"
readelf -h "$prog" 2>/dev/null | grep -q 'Machine:.*X86-64' || die "$prog: not an x86-64 ELF program"
if readelf -l "$prog" | grep -q INTERP; then
	die "$prog: dynamically linked; the guest has no libraries (link with -static)"
fi

# --- the kernel (cached) --------------------------------------------------------
# EMU_KERNEL=path/to/vmlinuz overrides. The cloud flavour is the smallest
# Debian kernel and has what the guest needs built in (8250 serial
# console, initramfs, ELF, ACPI power-off).
kernel=${EMU_KERNEL:-$emu/kernel/vmlinuz}
[ -z "${EMU_KERNEL:-}" ] || [ -f "$kernel" ] || die "EMU_KERNEL=$kernel: no such file"
if [ ! -f "$kernel" ]; then
	mkdir -p "$emu/kernel"
	meta=linux-image-cloud-amd64
	pkg=$(apt-cache depends "$meta" 2>/dev/null | awk '/Depends: linux-image-/ { print $2; exit }')
	if [ -z "$pkg" ]; then
		apt-get update -qq >&2 || true
		pkg=$(apt-cache depends "$meta" 2>/dev/null | awk '/Depends: linux-image-/ { print $2; exit }')
	fi
	[ -n "$pkg" ] || die "apt-cache knows no $meta"
	echo "emu_avx512: fetching $pkg" >&2
	rm -rf "$emu/kernel/tmp" && mkdir "$emu/kernel/tmp"
	# apt's download user cannot write under build/: fetch as root
	# into the directory anyway (apt warns and goes on)
	(cd "$emu/kernel/tmp" && apt-get download "$pkg" >/dev/null 2>&1) ||
		die "apt-get download $pkg failed"
	dpkg-deb --fsys-tarfile "$emu/kernel/tmp/"*.deb |
		tar -x -O --wildcards './boot/vmlinuz-*' >"$emu/kernel/tmp/vmlinuz" ||
		die "no vmlinuz in $pkg"
	[ -s "$emu/kernel/tmp/vmlinuz" ] || die "no vmlinuz in $pkg"
	echo "$pkg" >"$emu/kernel/version"
	mv "$emu/kernel/tmp/vmlinuz" "$kernel"
	rm -rf "$emu/kernel/tmp"
fi

# --- the initramfs ------------------------------------------------------------
run=$(mktemp -d "$emu/run.XXXXXX")
# the markers carry the run's random name, so no program prints them
mark=@@EMU_${run##*.}
ird=$run/initramfs
# the program keeps its name (argv[0]; busybox, for one, needs it)
name=$(basename "$prog")
mkdir -p "$ird/bin" "$ird/dev" "$ird/proc" "$ird/sys" "$ird/tmp" "$ird/prog"
cp /bin/busybox "$ird/bin/busybox"
cp "$prog" "$ird/prog/$name"
chmod 755 "$ird/prog/$name"
for c in "${copies[@]}"; do
	dest=$ird/${c#*:}
	mkdir -p "$(dirname "$dest")"
	cp -RL "${c%%:*}" "$dest" || die "could not copy ${c%%:*}"
done
# without /dev/console the kernel starts /init with no stdin/out; the
# script also mounts devtmpfs, so a failed mknod (not root) is no loss
mknod -m 600 "$ird/dev/console" c 5 1 2>/dev/null || true

# one shell word, single-quoted (busybox sh reads it)
shq() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}
cmd="/bin/busybox env -i PATH=/bin HOME=/ TMPDIR=/tmp"
for e in "${envs[@]}"; do
	cmd+=" $(shq "$e")"
done
cmd+=" $(shq "/prog/$name")"
for a in "$@"; do
	cmd+=" $(shq "$a")"
done

cat >"$ird/init" <<EOF
#!/bin/busybox sh
# /init of tools/emu_avx512.sh: run the program between two markers on
# the serial console, then power off.
bb=/bin/busybox
\$bb mount -t proc proc /proc
\$bb mount -t sysfs sys /sys
\$bb mount -t devtmpfs dev /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
echo "${mark}_BOOTED@@ uptime \$(\$bb cat /proc/uptime)"
cd /
$cmd
echo "${mark}_EXIT=\$?@@"
\$bb poweroff -f
EOF
chmod 755 "$ird/init"
(cd "$ird" && find . | cpio -o -H newc -R 0:0 --quiet) >"$run/initrd"

# --- the disk -----------------------------------------------------------------
# A FAT file system on the whole disk (no partition table: syslinux's
# boot sector is the disk's), sized to whole cylinders of 16 heads x 63
# sectors (504 KiB), which bochs wants for a flat image.
size_kb=$((($(stat -c %s "$kernel") + $(stat -c %s "$run/initrd")) / 1024 + 2048))
cyl=$(((size_kb + 503) / 504))
img=$run/disk.img
mkfs.fat -C -n EMU "$img" $((cyl * 504)) >/dev/null || die "mkfs.fat failed"
# The kernel's command line. clearcpuid works around bochs 2.7's Tiger
# Lake model, each found by a boot that went wrong:
#  - pku,ospke: PKRU is in CPUID.(0xD,0).EAX but leaf (0xD,9) is all
#    zeros; the kernel's xstate checks fail and it disables XSAVE, so no
#    AVX at all in user space;
#  - xsaves,xsavec: CPUID.(0xD,1).EBX gives the standard-format size, not
#    the compacted one: the same checks fail the same way;
#  - fsrm: bochs lacks the MISC_ENABLE MSR, so the kernel turns off fast
#    strings (ERMS) but keeps FSRM, and 6.1's memmove then runs off the
#    end of short copies (a page-fault storm at the first printk that
#    strips a prefix);
#  - aperfmperf: the MPERF/APERF MSRs are missing, read at every tick.
# cryptomgr.notests skips the crypto self-tests (half of the boot time);
# mitigations=off saves time; nokaslr keeps the kernel's addresses those
# of System.map (linux-image-*-cloud-amd64-dbg), for the bochs debugger.
# EMU_APPEND replaces 'quiet' (e.g. EMU_APPEND="initcall_debug
# ignore_loglevel" to see the whole boot in the kept serial.log).
append="console=ttyS0,115200 rdinit=/init"
append+=" clearcpuid=pku,ospke,xsaves,xsavec,fsrm,aperfmperf"
append+=" cryptomgr.notests mitigations=off nokaslr ${EMU_APPEND:-quiet}"
sed "s|@APPEND@|$append|" "$here/emu/syslinux.cfg" >"$run/syslinux.cfg"
syslinux --install "$img" || die "syslinux failed"
mcopy -i "$img" "$kernel" ::vmlinuz
mcopy -i "$img" "$run/initrd" ::initrd
mcopy -i "$img" "$run/syslinux.cfg" ::syslinux.cfg

sed -e "s|@MEGS@|$megs|g" -e "s|@IMG@|$img|" -e "s|@CYL@|$cyl|" \
	-e "s|@SERIAL@|$run/serial.log|" -e "s|@LOG@|$run/bochs.log|" \
	-e "s|@IPS@|${EMU_IPS:-50000000}|" \
	"$here/emu/bochsrc.in" >"$run/bochsrc"

# --- the run ------------------------------------------------------------------
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# Debian's bochs has no 'nogui' display and is built with its debugger:
# the 'term' display wants a terminal, which script(1) provides, and the
# debugger stops before the first instruction until told to continue
# (-rc: debugger commands from a file). Bochs ignores SIGTERM, so it is
# stopped with SIGKILL, by the pid its shell wrote before becoming it.
echo c >"$run/debugger.rc"
: >"$run/serial.log"
bpid=
stop_bochs() {
	if [ -z "$bpid" ] && [ -s "$run/bochs.pid" ]; then
		bpid=$(cat "$run/bochs.pid")
	fi
	if [ -n "$bpid" ]; then
		kill -KILL "$bpid" 2>/dev/null || true
	fi
	wait "$spid" 2>/dev/null || true
}
t0=$(now)
script -qfec "echo \$\$ >'$run/bochs.pid'; exec nice -n 10 bochs-bin -q -f '$run/bochsrc' -rc '$run/debugger.rc'" \
	/dev/null </dev/null >"$run/bochs.out" 2>&1 &
spid=$!
trap stop_bochs EXIT
t_boot=
t_end=
status=
while :; do
	sleep 0.2
	if [ -z "$t_boot" ] && grep -q "${mark}_BOOTED@@" "$run/serial.log"; then
		t_boot=$(now)
	fi
	if grep -q "${mark}_EXIT=[0-9]*@@" "$run/serial.log"; then
		t_end=$(now)
		status=$(grep -o "${mark}_EXIT=[0-9]*@@" "$run/serial.log" | head -1 | cut -d= -f2 | tr -dc 0-9)
		break
	fi
	kill -0 "$spid" 2>/dev/null || break
	if [ "$(elapsed "$t0" "$(now)" | cut -d. -f1)" -ge "$timeout_s" ]; then
		status=124
		break
	fi
done
stop_bochs
trap - EXIT
t1=$(now)

# the program's output: the lines between the markers, without the
# serial line's carriage returns (a last line with no newline ends where
# the exit marker starts)
tr -d '\r' <"$run/serial.log" |
	awk -v m="$mark" '
		on && (i = index($0, m "_EXIT=")) { if (i > 1) print substr($0, 1, i - 1); exit }
		on { print }
		index($0, m "_BOOTED@@") { on = 1 }'

boot=${t_boot:+$(elapsed "$t0" "$t_boot")}
progt=
[ -n "$t_boot" ] && [ -n "$t_end" ] && progt=$(elapsed "$t_boot" "$t_end")
echo "emu_avx512: boot ${boot:-?} s, program ${progt:-?} s, total $(elapsed "$t0" "$t1") s (wall clock); exit status ${status:-none}" >&2

if [ -z "$status" ] || [ "$status" = 124 ]; then
	if [ "$status" = 124 ]; then
		echo "emu_avx512: timed out after $timeout_s s" >&2
	else
		echo "emu_avx512: the guest stopped without running the program to its end" >&2
		status=125
	fi
	echo "emu_avx512: last lines of the serial console ($run/serial.log):" >&2
	tail -n 20 "$run/serial.log" | tr -d '\r' >&2
	echo "emu_avx512: bochs log: $run/bochs.log" >&2
	exit "$status"
fi
if [ "$status" = 0 ] && [ "${EMU_KEEP:-0}" != 1 ]; then
	rm -rf "$run"
else
	echo "emu_avx512: run directory kept: $run" >&2
fi
exit "$status"
