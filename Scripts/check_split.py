#!/usr/bin/env python3
"""Split check, run by Scripts/test: `bpe`'s preset scanners must yield tiktoken's words, on text
full of characters that Unicode 15.0 and 16.0 added (which Debian's PCRE2, on Unicode 14, splits
otherwise), U+0085 and U+180E (where PCRE2's `\\s` differs), and every other kind of character.

1. Words, exactly. For a batch of short texts, a vocabulary of the 256 bytes plus every substring
   of every text makes each word one token, in tiktoken and in `bpe encode` alike (every pair of
   adjacent parts of a word is a substring, so BPE merges the word whole), so equal ids mean
   equal words. The texts are joined with `<|endoftext|>`, which no word crosses.
2. Real vocabularies: `bpe encode` gives tiktoken's ids with GPT-2's (../shared/fixtures/gpt2),
   cl100k_base's and o200k_base's (../shared/fixtures/openai) vocabularies on such text.

Usage: check_split.py PATH/TO/bpe [ROUNDS]   (BPE_SPLIT_ENGINE=pcre2: check PCRE2 instead; it fails)
"""
import gzip
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import unicodedata

import tiktoken
import unicodedata2
from tiktoken.load import load_tiktoken_bpe

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_encode import GPT2_PATTERN, fixtures_dir  # noqa: E402

PATTERNS = {
    "gpt2": GPT2_PATTERN,
    "gpt4": r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]++[\r\n]*|\s*[\r\n]|\s+(?!\S)|\s+""",
    "o200k": "|".join([
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""\p{N}{1,3}""", r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""", r"""\s*[\r\n]+""", r"""\s+(?!\S)""", r"""\s+""",
    ]),
}
EOT = "<|endoftext|>"
# `BPE_SPLIT_ENGINE=pcre2` runs the check against PCRE2, which must fail it (Unicode 14 tables).
ENGINE = ["--split-engine", os.environ["BPE_SPLIT_ENGINE"]] if os.environ.get("BPE_SPLIT_ENGINE") else []


def new_characters():
    """Characters assigned in Unicode 15.0–16.0 (unassigned in Python's own tables: 14.0 on 3.11), by kind."""
    # Python 3.11's own tables are Unicode 14.0, like Debian 12's PCRE2; a later Python still
    # leaves the characters added after its own version.
    if unicodedata2.unidata_version != "16.0.0" or unicodedata.unidata_version >= "16.0.0":
        sys.exit(f"check_split: needs unicodedata2 16.0.0 and an older Unicode in Python's own tables "
                 f"(have {unicodedata2.unidata_version} and {unicodedata.unidata_version})")
    kinds = {}
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        new, old = unicodedata2.category(chr(cp)), unicodedata.category(chr(cp))
        if new not in ("Cn", "Co", "Cs") and old == "Cn":
            kinds.setdefault(new, []).append(chr(cp))
    return kinds


OLD = [
    "a", "b", "s", "t", "x", "Z", "Q", "é", "ǅ", "ʰ", "中", "ا", "ſ", "K", "0", "7", "١", "½", "Ⅻ",
    " ", " ", " ", "\t", "\n", "\r", "\r\n", "\x0b", "\x0c", "\xa0", "\u3000", "\u2028", "\u0085", "\u180e",
    "\u0301", "\u0903", "\u200d", "\ufe0f", "!", ".", ",", "'", "/", "-", "😀", "👍🏽",
    "'s", "'S", "'t", "'ll", "'LL", "'Ve", "'re", "'RE", "'d", "'M", "'ſ", "'x",
]


def random_text(rng, kinds, max_bytes):
    categories = sorted(kinds)
    out = ""
    while True:
        roll = rng.random()
        if roll < 0.45:
            category = rng.choice(categories)
            piece = rng.choice(kinds[category])
        elif roll < 0.5:
            piece = rng.choice(kinds[rng.choice(categories)]) * rng.randrange(2, 5)
        else:
            piece = rng.choice(OLD)
        if len((out + piece).encode()) > max_bytes:
            return out or piece
        out += piece


def write_tiktoken(path, tokens):
    import base64
    with open(path, "w", encoding="ascii") as f:
        for rank, token in enumerate(tokens):
            f.write(f"{base64.b64encode(token).decode()} {rank}\n")


def bpe_ids(bpe, args):
    result = subprocess.run([bpe, "encode", "--format", "u32"] + args, capture_output=True)
    if result.returncode != 0:
        sys.exit(f"check_split: bpe encode {' '.join(args)} failed: {result.stderr.decode()}")
    return list(struct.unpack(f"<{len(result.stdout) // 4}I", result.stdout))


def check_words(bpe, preset, texts, work):
    tokens = [bytes([b]) for b in range(256)]
    seen = set(tokens)
    for text in texts:
        data = text.encode()
        for length in range(2, len(data) + 1):
            for start in range(len(data) - length + 1):
                piece = data[start:start + length]
                if piece not in seen:
                    seen.add(piece)
                    tokens.append(piece)
    vocab = os.path.join(work, "words.tiktoken")
    write_tiktoken(vocab, tokens)
    corpus = os.path.join(work, "words.txt")
    joined = EOT.join(texts)
    with open(corpus, "w", encoding="utf-8", newline="") as f:
        f.write(joined)
    encoding = tiktoken.Encoding("words", pat_str=PATTERNS[preset], special_tokens={EOT: len(tokens)},
                                 mergeable_ranks={token: rank for rank, token in enumerate(tokens)})
    expected = encoding.encode(joined, allowed_special="all")
    actual = bpe_ids(bpe, ENGINE + ["--vocab", vocab, "--pattern", preset, "--special-token", EOT,
                           "--allow-special", "all", "--input", corpus])
    if actual != expected:
        # Name the first text whose words differ.
        for text in texts:
            want = [tokens[i].decode("utf-8", "replace") for i in encoding.encode_ordinary(text)]
            with open(corpus, "w", encoding="utf-8", newline="") as f:
                f.write(text)
            got_ids = bpe_ids(bpe, ENGINE + ["--vocab", vocab, "--pattern", preset, "--input", corpus])
            got = [tokens[i].decode("utf-8", "replace") for i in got_ids]
            if got != want:
                sys.exit(f"check_split: {preset}: words differ from tiktoken's on {text!r}:\n  bpe      {got}\n  tiktoken {want}")
        sys.exit(f"check_split: {preset}: ids differ from tiktoken's")
    return sum(1 for i in expected if i != len(tokens))


def check_vocabulary(bpe, name, encoding, vocab_args, text, work):
    corpus = os.path.join(work, "real.txt")
    with open(corpus, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    expected = encoding.encode_ordinary(text)
    for threads, shard in [("1", str(1 << 20)), ("2", "61")]:
        actual = bpe_ids(bpe, ENGINE + vocab_args + ["--input", corpus, "--threads", threads, "--shard-bytes", shard,
                                            "--allow-special", "none"])
        if actual != expected:
            first = next((i for i, (a, b) in enumerate(zip(actual, expected)) if a != b), min(len(actual), len(expected)))
            sys.exit(f"check_split: {name} (threads {threads}, shards {shard}): ids differ from tiktoken's at {first}: "
                     f"bpe {actual[first:first + 6]} tiktoken {expected[first:first + 6]}")


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    bpe = os.path.abspath(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) == 3 else 4
    kinds = new_characters()
    rng = random.Random(16)
    words = 0
    with tempfile.TemporaryDirectory() as work:
        for preset in PATTERNS:
            for _ in range(rounds):
                texts = [random_text(rng, kinds, rng.randrange(4, 40)) for _ in range(150)]
                words += check_words(bpe, preset, texts, work)

        fixtures = fixtures_dir()
        long_text = "".join(random_text(rng, kinds, 200) for _ in range(300))
        gpt2_path = os.path.join(fixtures, "gpt2", "gpt2.tiktoken")
        gpt2 = tiktoken.Encoding("gpt2", pat_str=PATTERNS["gpt2"], mergeable_ranks=load_tiktoken_bpe(gpt2_path),
                                 special_tokens={EOT: 50256})
        check_vocabulary(bpe, "gpt2", gpt2, ["--vocab", gpt2_path, "--pattern", "gpt2"], long_text, work)
        for name, preset in [("cl100k_base", "gpt4"), ("o200k_base", "o200k")]:
            path = os.path.join(work, name + ".tiktoken")
            with gzip.open(os.path.join(fixtures, "openai", name + ".tiktoken.gz")) as source, open(path, "wb") as target:
                shutil.copyfileobj(source, target)
            encoding = tiktoken.Encoding(name, pat_str=PATTERNS[preset], mergeable_ranks=load_tiktoken_bpe(path),
                                         special_tokens={})
            check_vocabulary(bpe, name, encoding, ["--vocab", path, "--pattern", preset], long_text, work)
    print(f"check_split: {words} words equal to tiktoken's on Unicode 16 text (gpt2, gpt4, o200k); "
          f"GPT-2, cl100k_base and o200k_base ids equal")


if __name__ == "__main__":
    main()
