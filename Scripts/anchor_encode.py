#!/usr/bin/env python3
"""The anchors' side of the encode benchmark (Scripts/bench.py encode).

  anchor_encode.py CORPUS THREADS OUT.u32 GPT2_TIKTOKEN [ENGINE]

ENGINE is tiktoken (the default and the reference), riptoken, splintr (PyPI `splintr-rs`) or
fastokens: exact encoders that load a `.tiktoken` file. Each is built from the GPT-2 fixture
(SPEC §3's gpt2 pattern, <|endoftext|> = 50256). The corpus is cut into documents at
<|endoftext|>; only the batch encode of the documents on THREADS threads is timed (reading,
cutting and writing are not). The ids go to OUT as little-endian u32 with 50256 between
documents (what `bpe encode --allow-special all --format u32` writes for the same text), and
the script prints `seconds=S bytes=B ids=N`.

tiktoken takes the thread count as an argument; the others use rayon's global pool, whose
size RAYON_NUM_THREADS sets, and fastokens also a pool of BPE workers of its own, whose size
FASTOKENS_BPE_THREADS sets (without it, "1 thread" used both cores here): this script sets
both before importing them.
"""
import os
import sys
import time

GPT2_PATTERN = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
SEPARATOR = "<|endoftext|>"
ENGINES = ("tiktoken", "riptoken", "splintr", "fastokens")


def batch_encoder(engine, ranks_path, threads):
    """A function from a list of documents to their ids: a list of lists, or (flat
    little-endian u32 ids, little-endian u64 offsets of each document's first id)."""
    from tiktoken.load import load_tiktoken_bpe
    specials = {SEPARATOR: 50256}
    if engine == "tiktoken":
        import tiktoken
        encoding = tiktoken.Encoding(name="gpt2-fixture", pat_str=GPT2_PATTERN,
                                     mergeable_ranks=load_tiktoken_bpe(ranks_path), special_tokens=specials)
        return lambda documents: encoding.encode_ordinary_batch(documents, num_threads=threads)
    if engine == "riptoken":
        import riptoken
        core = riptoken.CoreBPE(load_tiktoken_bpe(ranks_path), specials, GPT2_PATTERN)
        return core.encode_ordinary_batch
    if engine == "splintr":
        import splintr
        with open(ranks_path, "rb") as f:
            tokenizer = splintr.Tokenizer.from_bytes(f.read(), GPT2_PATTERN, specials)
        return tokenizer.encode_batch_flat
    if engine == "fastokens":
        import fastokens
        tokenizer = fastokens.Tokenizer.from_tiktoken(ranks_path, pattern=GPT2_PATTERN, special_tokens=specials)
        return tokenizer.encode_batch_flat
    sys.exit(f"anchor_encode: unknown engine {engine} (choose from {', '.join(ENGINES)})")


def main():
    corpus, threads, out, ranks = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    engine = sys.argv[5] if len(sys.argv) > 5 else "tiktoken"
    os.environ["RAYON_NUM_THREADS"] = str(threads)
    os.environ["FASTOKENS_BPE_THREADS"] = str(threads)
    encode_batch = batch_encoder(engine, ranks, threads)
    with open(corpus, encoding="utf-8", newline="") as f:
        text = f.read()
    documents = text.split(SEPARATOR)
    started = time.perf_counter()
    encoded = encode_batch(documents)
    seconds = time.perf_counter() - started
    separator = (50256).to_bytes(4, "little")
    count = 0
    with open(out, "wb") as f:
        for index, ids in enumerate(document_ids(encoded)):
            if index:
                f.write(separator)
                count += 1
            f.write(ids)
            count += len(ids) // 4
    print(f"seconds={seconds:.4f} bytes={len(text.encode())} ids={count}")


def document_ids(encoded):
    """Each document's ids as little-endian u32 bytes."""
    if isinstance(encoded, tuple):
        flat, offsets = bytes(encoded[0]), bytes(encoded[1])
        starts = [int.from_bytes(offsets[i:i + 8], "little") for i in range(0, len(offsets), 8)]
        return [flat[4 * a:4 * b] for a, b in zip(starts, starts[1:])]
    return [b"".join(i.to_bytes(4, "little") for i in ids) for ids in encoded]


if __name__ == "__main__":
    main()
