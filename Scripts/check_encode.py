#!/usr/bin/env python3
"""Encode check, run by Scripts/test: `bpe encode` must give tiktoken's ids, byte for byte.

- GPT-2 (../shared/fixtures/gpt2, or $BPE_FIXTURES/gpt2): a tiktoken Encoding built from
  gpt2.tiktoken with SPEC §3's gpt2 pattern and <|endoftext|> = 50256 (the fixture README's
  recipe) against `bpe encode` with the same file, and with encoder.json + vocab.bpe.
- A vocabulary we train on the sample corpus (gpt4 and o200k patterns), loaded from
  PREFIX.model and from PREFIX.tiktoken + PREFIX.train.json.
- Every format (ids, json, u16, u32), 1, 2 and 3 threads, shards of 1 MiB, 4 KiB and 7 bytes
  (which cut words, special tokens, and words longer than many shards), special tokens allowed
  (all), as text (none), and refused.
- `bpe decode` gives the text back, from ids and from u16 cut inside a character.

Usage: check_encode.py PATH/TO/bpe
"""
import json
import os
import random
import struct
import subprocess
import sys
import tempfile

import tiktoken
from tiktoken.load import load_tiktoken_bpe

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLE = os.path.join(REPOSITORY, "Samples", "licenses.txt")
GPT2_PATTERN = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""

PIECES = [
    "Hello, world! Don't panic: it's 42. I'm sure they'll've gone; we're HERE'S IT'LL.\n",
    "def f(x):\n    return x ** 2  # square\n\n\tindented\ttabs\r\nwindows line\r\n",
    "for (int i = 0; i < n; ++i) { a[i] = b[i] * 3.14159e-10; }\n",
    "Le cœur a ses raisons. Это пример. 猫はマットの上に座った。 안녕하세요 مرحبا بالعالم हिन्दी",
    "emoji 🙂👍🏽🇫🇷👨‍👩‍👧 and e\u0301te\u0301 vs \u00e9t\u00e9",
    "     many     spaces    \n\n\n   \t  ",
    "numbers 1234567890 3.14 1,000,000 0x1F 2026-11-25",
    "<|endoftext|>",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    " " * 300 + "x",
    "ＡＢＣ full-width, ﬁ ligature, \u200b zero width, \u00a0nbsp",
]


def varied_text(seed, pieces=400):
    """Pieces of every kind above, glued at random, plus runs of the sample corpus."""
    rng = random.Random(seed)
    with open(SAMPLE, encoding="utf-8") as f:
        sample = f.read()
    parts = []
    for _ in range(pieces):
        if rng.random() < 0.3:
            start = rng.randrange(len(sample) - 2000)
            parts.append(sample[start:start + rng.randrange(1, 2000)])
        else:
            parts.append(rng.choice(PIECES))
        parts.append(rng.choice(["", " ", "\n", "  ", "\n\n", "'s", "x"]))
    # Words far longer than a shard: the units inside them leave them to the unit before.
    parts.append(" " + "".join(rng.choice("abcdeéö") for _ in range(20000)) + " " + "ab" * 5000 + "\n")
    return "".join(parts)


def fixtures_dir():
    if os.environ.get("BPE_FIXTURES"):
        return os.environ["BPE_FIXTURES"]
    directory = REPOSITORY
    while directory != "/":
        candidate = os.path.join(directory, "shared", "fixtures")
        if os.path.isdir(candidate):
            return candidate
        directory = os.path.dirname(directory)
    origin = subprocess.run(["git", "-C", REPOSITORY, "remote", "get-url", "origin"],
                            capture_output=True, text=True).stdout.strip()
    if origin.startswith("/"):
        candidate = os.path.join(os.path.dirname(os.path.normpath(origin)), "shared", "fixtures")
        if os.path.isdir(candidate):
            return candidate
    sys.exit("check_encode: the shared fixtures (shared/fixtures/gpt2) are missing: set BPE_FIXTURES")


def run(bpe, args, stdin=None, check=True):
    result = subprocess.run([bpe] + args, input=stdin, capture_output=True)
    if check and result.returncode != 0:
        sys.exit(f"check_encode: bpe {' '.join(args)} failed: {result.stderr.decode()}")
    return result


def bpe_ids(bpe, vocab_args, path, fmt, extra, work):
    out = os.path.join(work, "ids." + fmt)
    run(bpe, ["encode"] + vocab_args + ["--input", path, "--output", out, "--format", fmt] + extra)
    with open(out, "rb") as f:
        data = f.read()
    if fmt == "u32":
        return list(struct.unpack(f"<{len(data) // 4}I", data))
    if fmt == "u16":
        return list(struct.unpack(f"<{len(data) // 2}H", data))
    if fmt == "json":
        lines = data.decode().splitlines()
        assert len(lines) == 1, lines[:2]
        return json.loads(lines[0])
    lines = data.decode().split("\n")
    assert lines[-1] == "" and len(lines) == 2, "ids: one line per input"
    return [int(x) for x in lines[0].split()]


def compare(bpe, name, encoding, vocab_args, text, work):
    path = os.path.join(work, "text.txt")
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    expected_all = encoding.encode(text, allowed_special="all")
    expected_ordinary = encoding.encode_ordinary(text)
    checks = 0
    formats = ["ids", "json", "u32"] + (["u16"] if encoding.n_vocab <= 65536 else [])
    for fmt in formats:
        for threads, shard in [("1", str(1 << 20)), ("3", "7"), ("2", "4096")]:
            for policy, expected in [("all", expected_all), ("none", expected_ordinary)]:
                extra = ["--threads", threads, "--shard-bytes", shard, "--allow-special", policy]
                got = bpe_ids(bpe, vocab_args, path, fmt, extra, work)
                if got != expected:
                    first = next((i for i, (a, b) in enumerate(zip(got, expected)) if a != b), min(len(got), len(expected)))
                    sys.exit(f"check_encode: {name} {fmt} {' '.join(extra)}: ids differ from tiktoken at {first}: "
                             f"ours {got[first:first + 8]} tiktoken {expected[first:first + 8]}")
                checks += 1
    if "<|endoftext|>" in text:
        refused = run(bpe, ["encode"] + vocab_args + ["--input", path], check=False)
        message = refused.stderr.decode()
        assert refused.returncode == 1 and "<|endoftext|>" in message and message.count("\n") == 1, message
        offset = len(text.split("<|endoftext|>")[0].encode())
        assert f"byte offset {offset}" in message, message
    # Decoding gives the text back; u16 halves cut inside a character join to the same bytes.
    ids_path = os.path.join(work, "ids.ids")
    run(bpe, ["encode"] + vocab_args + ["--input", path, "--output", ids_path, "--allow-special", "all"])
    decoded = run(bpe, ["decode"] + vocab_args + ["--input", ids_path]).stdout
    assert decoded == text.encode(), f"{name}: decode(encode(text)) != text"
    return checks


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    bpe = os.path.abspath(sys.argv[1])
    fixtures = os.path.join(fixtures_dir(), "gpt2")
    checks = 0
    with tempfile.TemporaryDirectory() as work:
        gpt2 = tiktoken.Encoding(
            name="gpt2-fixture", pat_str=GPT2_PATTERN,
            mergeable_ranks=load_tiktoken_bpe(os.path.join(fixtures, "gpt2.tiktoken")),
            special_tokens={"<|endoftext|>": 50256})
        assert gpt2.encode("Hello, 🌎! 你好!") == [15496, 11, 12520, 234, 236, 0, 220, 19526, 254, 25001, 121, 0]
        text = varied_text(1)
        checks += compare(bpe, "gpt2.tiktoken", gpt2,
                          ["--vocab", os.path.join(fixtures, "gpt2.tiktoken"), "--pattern", "gpt2",
                           "--special-token", "<|endoftext|>"], text, work)
        checks += compare(bpe, "gpt2 encoder.json", gpt2,
                          ["--vocab", os.path.join(fixtures, "gpt2_vocab.json"),
                           "--merges", os.path.join(fixtures, "gpt2_merges.txt")], varied_text(2), work)

        for pattern in ["gpt4", "o200k"]:
            prefix = os.path.join(work, "trained-" + pattern)
            run(bpe, ["train", "--input", SAMPLE, "--vocab-size", "2000", "--pattern", pattern,
                      "--special-token", "<|endoftext|>", "--output", prefix, "--quiet"])
            with open(prefix + ".train.json") as f:
                report = json.load(f)
            trained = tiktoken.Encoding(
                name="trained-" + pattern, pat_str=report["pattern"],
                mergeable_ranks=load_tiktoken_bpe(prefix + ".tiktoken"),
                special_tokens=report["special_tokens"])
            checks += compare(bpe, prefix + ".model", trained, ["--vocab", prefix + ".model"], varied_text(3), work)
            checks += compare(bpe, prefix + ".tiktoken", trained, ["--vocab", prefix + ".tiktoken"], varied_text(4), work)

        # u16 ids cut inside a multi-byte character decode to bytes that join to the text.
        path = os.path.join(work, "cut.txt")
        text = "猫🙂" * 50
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        vocab = ["--vocab", os.path.join(fixtures, "gpt2.tiktoken"), "--pattern", "gpt2"]
        ids = os.path.join(work, "cut.u16")
        run(bpe, ["encode"] + vocab + ["--input", path, "--output", ids, "--format", "u16"])
        with open(ids, "rb") as f:
            data = f.read()
        halves = [data[:len(data) // 4 * 2 + 2], data[len(data) // 4 * 2 + 2:]]
        joined = b""
        for index, half in enumerate(halves):
            part = os.path.join(work, f"half{index}.u16")
            with open(part, "wb") as f:
                f.write(half)
            joined += run(bpe, ["decode"] + vocab + ["--input", part, "--format", "u16"]).stdout
        assert joined == text.encode()
        try:
            halves_text = [run(bpe, ["decode"] + vocab + ["--input", os.path.join(work, f"half{i}.u16"), "--format", "u16"]).stdout.decode() for i in range(2)]
            assert False, f"the cut was expected inside a character: {halves_text}"
        except UnicodeDecodeError:
            pass
        checks += 1
    print(f"check_encode: {checks} comparisons with tiktoken passed")


if __name__ == "__main__":
    main()
