#!/usr/bin/env python3
"""Export check, run by Scripts/test: trains on the sample corpus with each split preset and
checks that the files load where users will load them.

- PREFIX.tiktoken loads with tiktoken.load.load_tiktoken_bpe; ranks are 0..n-1.
- A tiktoken.Encoding built from it with the pattern and special tokens of PREFIX.train.json
  round-trips text (code, multilingual, emoji, whitespace runs, special tokens).
- PREFIX.model, read exactly as minbpe's RegexTokenizer.load reads it, rebuilds the same bytes
  for every rank, and carries the same pattern and special tokens.
- PREFIX.vocab has one line per id, special tokens included.
- PREFIX.tokenizer.json loads with Hugging Face `tokenizers` (Tokenizer.from_file) and gives
  tiktoken's ids on the same texts: special tokens in the text as specials (tiktoken's
  allowed_special="all"), and with `encode_special_tokens = True` as text (encode_ordinary);
  decoding (skip_special_tokens=False) gives the text back. Read back by `bpe encode --vocab
  PREFIX.tokenizer.json`, it gives the same ids as `--vocab PREFIX.tiktoken`.
- GPT-2's tokenizer.json as `tokenizers` converts it from ../shared/fixtures/gpt2 (ByteLevel
  pre-tokenizer, merges as "a b" strings) loads in `bpe encode` with tiktoken's GPT-2 ids.

Usage: check_exports.py PATH/TO/bpe
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

import tiktoken
from tiktoken.load import load_tiktoken_bpe
from tokenizers import Tokenizer

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(REPOSITORY, "Samples", "licenses.txt")
SPECIAL_TOKENS = ["<|endoftext|>", "<|pad|>"]
VOCAB_SIZE = 1200

SAMPLES = [
    "Hello, world! Don't panic: it's 42.\n",
    "def f(x):\n    return x ** 2  # square\n\n\tindented\ttabs\r\nwindows line\r\n",
    "Le cœur a ses raisons. Это пример. 猫はマットの上に座った。 안녕하세요 مرحبا بالعالم",
    "emoji 🙂👍🏽🇫🇷 and e\u0301te\u0301 vs \u00e9t\u00e9",
    "     many     spaces    \n\n\n   \t  ",
    "first document<|endoftext|>second document<|pad|>",
    "",
]


def minbpe_load(model_file):
    """minbpe's RegexTokenizer.load, line for line (minbpe/base.py)."""
    merges = {}
    special_tokens = {}
    idx = 256
    with open(model_file, "r", encoding="utf-8") as f:
        version = f.readline().strip()
        assert version == "minbpe v1", version
        pattern = f.readline().strip()
        num_special = int(f.readline().strip())
        for _ in range(num_special):
            special, special_idx = f.readline().strip().split()
            special_tokens[special] = int(special_idx)
        for line in f:
            idx1, idx2 = map(int, line.split())
            merges[(idx1, idx2)] = idx
            idx += 1
    vocab = {i: bytes([i]) for i in range(256)}
    for (p0, p1), i in merges.items():
        vocab[i] = vocab[p0] + vocab[p1]
    return pattern, special_tokens, merges, vocab


def check(bpe, prefix, preset, failures):
    subprocess.run(
        [bpe, "train", "--input", CORPUS, "--vocab-size", str(VOCAB_SIZE), "--pattern", preset,
         "--output", prefix, "--quiet", "--format", "tiktoken,minbpe,hf"]
        + [arg for token in SPECIAL_TOKENS for arg in ("--special-token", token)],
        check=True,
    )

    def expect(condition, what):
        if not condition:
            failures.append(f"{preset}: {what}")

    with open(prefix + ".train.json", encoding="utf-8") as f:
        report = json.load(f)
    ranks = load_tiktoken_bpe(prefix + ".tiktoken")
    expect(sorted(ranks.values()) == list(range(len(ranks))), "ranks are not 0..n-1")
    expect(len(ranks) + len(SPECIAL_TOKENS) == VOCAB_SIZE, f"{len(ranks)} ranks for vocabulary {VOCAB_SIZE}")

    pattern, special_tokens, merges, vocab = minbpe_load(prefix + ".model")
    by_rank = {rank: token for token, rank in ranks.items()}
    expect(len(merges) == report["merges"], "merge count differs from train.json")
    expect(all(vocab[i] == by_rank.get(i) for i in vocab), "minbpe merges and tiktoken ranks disagree")
    expect(pattern == report["pattern"], "pattern differs between .model and train.json")
    expect(special_tokens == report["special_tokens"], "special tokens differ between .model and train.json")
    expect(list(special_tokens.values()) == list(range(len(ranks), len(ranks) + len(SPECIAL_TOKENS))),
           "special tokens do not follow the last merge")

    with open(prefix + ".vocab", encoding="utf-8") as f:
        vocab_lines = f.read().splitlines()
    expect(len(vocab_lines) == VOCAB_SIZE, f".vocab has {len(vocab_lines)} lines")
    expect(vocab_lines[-1] == f"[<|pad|>] {VOCAB_SIZE - 1}", f".vocab ends with {vocab_lines[-1]!r}")

    encoding = tiktoken.Encoding(
        name=f"swift-bpe-{preset}", pat_str=report["pattern"], mergeable_ranks=ranks,
        special_tokens=report["special_tokens"])
    full_vocab = dict(vocab)
    full_vocab.update({i: token.encode("utf-8") for token, i in special_tokens.items()})
    with open(CORPUS, encoding="utf-8") as f:
        corpus_head = f.read(20000)
    for text in SAMPLES + [corpus_head]:
        ids = encoding.encode(text, allowed_special="all")
        expect(encoding.decode(ids) == text, f"round trip failed for {text[:40]!r}")
        expect(b"".join(full_vocab[i] for i in ids) == text.encode("utf-8"),
               f"minbpe's vocabulary does not decode tiktoken's ids for {text[:40]!r}")
    hf = Tokenizer.from_file(prefix + ".tokenizer.json")
    expect(hf.get_vocab_size() == VOCAB_SIZE, f"tokenizer.json has {hf.get_vocab_size()} ids")
    for text in SAMPLES + [corpus_head, "a<|endoftext|>b<|pad|>", " " * 50 + "x\n\n\n" + "1234567" * 9]:
        expected = encoding.encode(text, allowed_special="all")
        got = hf.encode(text).ids
        expect(got == expected, f"tokenizer.json ids differ from tiktoken's for {text[:40]!r}: {got[:8]} vs {expected[:8]}")
        expect(hf.decode(got, skip_special_tokens=False) == text, f"tokenizer.json does not decode {text[:40]!r}")
        hf.encode_special_tokens = True
        expect(hf.encode(text).ids == encoding.encode_ordinary(text),
               f"tokenizer.json with encode_special_tokens differs from encode_ordinary for {text[:40]!r}")
        hf.encode_special_tokens = False
    sample_path = prefix + ".sample.txt"
    with open(sample_path, "w", encoding="utf-8", newline="") as f:
        f.write("".join(SAMPLES) + corpus_head)
    from_json = bpe_ids(bpe, ["--vocab", prefix + ".tokenizer.json", "--input", sample_path, "--allow-special", "all"])
    from_tiktoken = bpe_ids(bpe, ["--vocab", prefix + ".tiktoken", "--input", sample_path, "--allow-special", "all"])
    expect(from_json == from_tiktoken, "bpe encode reads tokenizer.json to other ids than the .tiktoken")
    ids = encoding.encode("a<|endoftext|>b", allowed_special="all")
    expect(report["special_tokens"]["<|endoftext|>"] in ids, "special token not encoded to its id")
    compression = len(corpus_head.encode("utf-8")) / max(1, len(encoding.encode_ordinary(corpus_head)))
    expect(compression > 2.5, f"only {compression:.2f} bytes per token on the training text")
    return compression


def bpe_ids(bpe, arguments):
    result = subprocess.run([bpe, "encode", "--format", "u32"] + arguments, capture_output=True, check=True)
    return list(struct.unpack(f"<{len(result.stdout) // 4}I", result.stdout))


def check_gpt2_tokenizer_json(bpe, directory, failures):
    """GPT-2's files converted by `tokenizers` itself load in `bpe encode` with tiktoken's ids."""
    from tokenizers import decoders, models, pre_tokenizers
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from check_encode import GPT2_PATTERN, fixtures_dir, varied_text
    fixtures = os.path.join(fixtures_dir(), "gpt2")
    converted = Tokenizer(models.BPE.from_file(os.path.join(fixtures, "gpt2_vocab.json"),
                                               os.path.join(fixtures, "gpt2_merges.txt")))
    converted.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    converted.decoder = decoders.ByteLevel()
    converted.add_special_tokens(["<|endoftext|>"])
    path = os.path.join(directory, "gpt2.tokenizer.json")
    converted.save(path)
    reference = tiktoken.Encoding(name="gpt2", pat_str=GPT2_PATTERN,
                                  mergeable_ranks=load_tiktoken_bpe(os.path.join(fixtures, "gpt2.tiktoken")),
                                  special_tokens={"<|endoftext|>": 50256})
    text = varied_text(5, pieces=150)
    text_path = os.path.join(directory, "gpt2-text.txt")
    with open(text_path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    got = bpe_ids(bpe, ["--vocab", path, "--input", text_path, "--allow-special", "all"])
    if got != reference.encode(text, allowed_special="all"):
        failures.append("GPT-2's tokenizer.json (converted by tokenizers) gives other ids than tiktoken's gpt2")
    if converted.encode(text).ids != reference.encode(text, allowed_special="all"):
        failures.append("tokenizers' own GPT-2 conversion disagrees with tiktoken (the check's premise)")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    bpe = os.path.abspath(sys.argv[1])
    failures = []
    with tempfile.TemporaryDirectory() as directory:
        for preset in ["gpt4", "gpt2", "o200k"]:
            compression = check(bpe, os.path.join(directory, preset), preset, failures)
            print(f"export check {preset}: tiktoken, minbpe and tokenizers agree, {compression:.2f} bytes/token")
        check_gpt2_tokenizer_json(bpe, directory, failures)
        print("export check: GPT-2's tokenizer.json loads in bpe encode with tiktoken's ids")
    if failures:
        for failure in failures:
            print("FAIL", failure, file=sys.stderr)
        sys.exit(1)
    print("export check passed")


if __name__ == "__main__":
    main()
