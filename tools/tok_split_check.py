#!/usr/bin/env python3
"""tok_split_check.py: the pre-tokenizers against the regular expressions
they implement, run by Python's `regex` module (Debian: python3-regex).

    make build/rel/tools/tok_split
    python3 tools/tok_split_check.py [--cases N] [--seed S]

It splits random strings (drawn from characters of every class the rules
tell apart) with build/rel/tools/tok_split and with the expressions below,
applied pass by pass as llama.cpp applies them, and reports any difference.
It also checks the expectations in tests/data/tok_split.txt.
"""
import argparse
import random
import subprocess
import sys

import regex

GPT2 = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"
LLAMA3 = (r"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|"
          r"\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
QWEN2 = LLAMA3.replace(r"\p{N}{1,3}", r"\p{N}")
CJK = "CJK"  # [一-龥ࠀ-一가-퟿]+ on codepoints with non-ASCII spaces hidden, as llama.cpp
RULES = {
    "gpt-2": [GPT2],
    "llama-bpe": [LLAMA3],
    "qwen2": [QWEN2],
    "smollm": [r"\p{N}", GPT2],
    "starcoder": [r"\p{N}", GPT2],
    "deepseek-coder": [r"[\r\n]", r"\s?\p{L}+", r"\s?\p{P}+", CJK, r"\p{N}"],
}
WHITE_SPACE = set([9, 10, 11, 12, 13, 32, 0x85, 0xA0, 0x1680] + list(range(0x2000, 0x200B)) +
                  [0x2028, 0x2029, 0x202F, 0x205F, 0x3000])


def split(pre, text):
    words = [text]
    for rx in RULES[pre]:
        out = []
        for w in words:
            if rx == CJK:
                hidden = "".join("\x0b" if ord(c) > 0x7F and ord(c) in WHITE_SPACE else c for c in w)
                matches = regex.finditer("[\u4e00-\u9fa5\u0800-\u4e00\uac00-\ud7ff]+", hidden)
            else:
                matches = regex.finditer(rx, w)
            at = 0
            for m in matches:
                if m.start() > at:
                    out.append(w[at:m.start()])
                out.append(w[m.start():m.end()])
                at = m.end()
            if at < len(w):
                out.append(w[at:])
        words = out
    return words


def run_c(tool, cases):
    inp = "".join(f"{p}\t{t.encode().hex()}\n" for p, t in cases)
    res = subprocess.run([tool], input=inp.encode(), capture_output=True, check=True)
    lines = res.stdout.decode().split("\n")
    return [[bytes.fromhex(w).decode() for w in l.split(" ")] if l else [] for l in lines]


def unescape(s):
    out, i, b = bytearray(), 0, s.encode()
    while i < len(b):
        if b[i] == 0x5C and i + 1 < len(b):
            c = chr(b[i + 1])
            if c == "x":
                out.append(int(b[i + 2:i + 4], 16))
                i += 4
                continue
            out += {"t": b"\t", "n": b"\n", "r": b"\r"}.get(c, bytes([b[i + 1]]))
            i += 2
        else:
            out.append(b[i])
            i += 1
    return bytes(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--tool", default="build/rel/tools/tok_split")
    args = ap.parse_args()
    random.seed(args.seed)
    alphabet = list("aZ9 \t\n\r'.,!$-_sStTrReEvVmMlLdD") + [
        "\u00e9", "\u4e2d", "\u3000", "\u00a0", "\u2019", "\u20ac", "\u0301", "\u0663",
        "\ud55c", "\U0001F680", "\u200d", "\ufe0f", "\u2581", "\u0085", "\u2028", "\u00bd",
        "\uff5e", "\u3002", "\u1680", "\u0378"]
    cases = [(random.choice(list(RULES)),
              "".join(random.choice(alphabet) for _ in range(random.randint(0, 24))))
             for _ in range(args.cases)]
    bad = 0
    for (pre, text), got in zip(cases, run_c(args.tool, cases)):
        want = split(pre, text)
        if got != want:
            bad += 1
            if bad <= 10:
                print(f"{pre} {text!r}: tok_split {got}, regex {want}")
    file_cases = 0
    for line in open("tests/data/tok_split.txt", encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        if len(f) < 3 or f[0].startswith("#") or f[0] not in RULES:
            continue
        try:
            text = unescape(f[1]).decode()
        except UnicodeDecodeError:
            continue  # invalid UTF-8: no regex engine to compare with
        words = [unescape(w).decode() for w in f[2:]]
        file_cases += 1
        if split(f[0], text) != words:
            bad += 1
            print(f"tests/data/tok_split.txt: {f[0]} {text!r}: file {words}, "
                  f"regex {split(f[0], text)}")
    print(f"{len(cases)} random and {file_cases} file cases, {bad} differences")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
