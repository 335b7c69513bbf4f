#!/usr/bin/env python3
"""ptydrive.py: run a command on a pseudo-terminal and talk to it like a person.

    ptydrive.py STEP... -- COMMAND [ARG...]

Steps run in order:
    expect:REGEX   wait until output after the previous match matches REGEX
    send:TEXT      type TEXT; C escapes work: \\r \\n \\t \\e \\xHH \\\\
    close          close the terminal (end of input)

Every wait has a deadline (PTY_TIMEOUT seconds, default 10), so nothing
sleeps for a fixed time. Output is matched and printed without CRs and
without CSI sequences (cursor moves, colours); OSC sequences stay. The
exit status is the command's, or 124 when a wait timed out.
"""
import fcntl
import os
import pty
import re
import select
import struct
import sys
import termios
import time

TIMEOUT = float(os.environ.get("PTY_TIMEOUT", "10"))
CSI = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\r")


def plain(out):
    return CSI.sub(b"", bytes(out))


def unescape(text):
    """C escapes in text to the bytes they stand for; other text as UTF-8."""
    simple = {"r": b"\r", "n": b"\n", "t": b"\t", "e": b"\x1b", "\\": b"\\"}
    res, i = bytearray(), 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            n = text[i + 1]
            if n in simple:
                res += simple[n]
                i += 2
                continue
            if n == "x":
                res.append(int(text[i + 2:i + 4], 16))
                i += 4
                continue
        res += c.encode()
        i += 1
    return bytes(res)


def main():
    argv = sys.argv[1:]
    if "--" not in argv:
        sys.exit("usage: ptydrive.py STEP... -- COMMAND [ARG...]")
    split = argv.index("--")
    steps, cmd = argv[:split], argv[split + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    out = bytearray()
    seen = 0  # output before this offset is matched already
    eof = False

    def pump(deadline):
        nonlocal eof
        wait = max(0.0, deadline - time.monotonic())
        ready, _, _ = select.select([fd], [], [], wait)
        if not ready:
            return
        try:
            data = os.read(fd, 65536)
        except OSError:
            data = b""
        if data:
            out.extend(data)
        else:
            eof = True

    failed = None
    for step in steps:
        kind, _, arg = step.partition(":")
        if kind == "expect":
            pat = re.compile(arg.encode(), re.S)
            deadline = time.monotonic() + TIMEOUT
            while True:
                m = pat.search(plain(out), seen)
                if m:
                    seen = m.end()
                    break
                if eof or time.monotonic() >= deadline:
                    failed = "timed out waiting for /%s/" % arg
                    break
                pump(deadline)
        elif kind == "send":
            os.write(fd, unescape(arg))
        elif kind == "close":
            os.write(fd, b"\x04")
        else:
            sys.exit("ptydrive.py: unknown step %r" % step)
        if failed:
            break
    deadline = time.monotonic() + TIMEOUT
    while not eof and not failed and time.monotonic() < deadline:
        pump(deadline)
    if not eof:
        os.kill(pid, 9)
        failed = failed or "the command did not finish"
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(plain(out).decode("utf-8", "replace"))
    if failed:
        sys.stdout.write("\nptydrive.py: %s\n" % failed)
        sys.exit(124)
    sys.exit(os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode")
             else (status >> 8))


main()
