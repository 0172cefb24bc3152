#!/usr/bin/env python3
"""tiktoken's side of the encode benchmark (Scripts/bench.py encode).

  anchor_encode.py CORPUS THREADS OUT.u32 GPT2_TIKTOKEN

Builds the GPT-2 Encoding from the fixture (SPEC §3's gpt2 pattern, <|endoftext|> = 50256),
cuts the corpus into documents at <|endoftext|>, times encode_ordinary_batch(documents,
num_threads=THREADS) alone (reading, cutting and writing are not timed), writes the ids
with 50256 between documents as little-endian u32 (what `bpe encode --allow-special all
--format u32` writes for the same text), and prints `seconds=S bytes=B ids=N`.
"""
import sys
import time

import tiktoken
from tiktoken.load import load_tiktoken_bpe

GPT2_PATTERN = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
SEPARATOR = "<|endoftext|>"


def main():
    corpus, threads, out, ranks = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    encoding = tiktoken.Encoding(name="gpt2-fixture", pat_str=GPT2_PATTERN,
                                 mergeable_ranks=load_tiktoken_bpe(ranks), special_tokens={SEPARATOR: 50256})
    with open(corpus, encoding="utf-8", newline="") as f:
        text = f.read()
    documents = text.split(SEPARATOR)
    started = time.perf_counter()
    encoded = encoding.encode_ordinary_batch(documents, num_threads=threads)
    seconds = time.perf_counter() - started
    count = 0
    with open(out, "wb") as f:
        for index, ids in enumerate(encoded):
            if index:
                f.write((50256).to_bytes(4, "little"))
                count += 1
            f.write(b"".join(i.to_bytes(4, "little") for i in ids))
            count += len(ids)
    print(f"seconds={seconds:.4f} bytes={len(text.encode())} ids={count}")


if __name__ == "__main__":
    main()
