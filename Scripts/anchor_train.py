#!/usr/bin/env python3
"""Trains an anchor trainer on a corpus the way `bpe train` is benchmarked, for side-by-side
timing: GPT-4 pattern, documents split at <|endoftext|> (the separator is not counted).

  anchor_train.py rustbpe INPUT VOCAB_SIZE   # rustbpe 0.1.0: vocab_size counts no special token
  anchor_train.py hf INPUT VOCAB_SIZE        # Hugging Face tokenizers, byte-level BPE
  anchor_train.py gigabpe INPUT VOCAB_SIZE   # gigabpe 0.1.0: GPT-2's ByteLevel split (its only
                                             # byte-level one), HF's rules, the file line by line
  anchor_train.py swiftbpe-rustbpe INPUT VOCAB_SIZE   # swiftbpe.rustbpe.Tokenizer, as rustbpe
  anchor_train.py swiftbpe-iterator INPUT VOCAB_SIZE  # swiftbpe.train(iterator=documents)
  anchor_train.py swiftbpe-files INPUT VOCAB_SIZE     # swiftbpe.train(files=[INPUT])

Prints one line: trainer, merges learned, a digest of the merge list (equal digests: equal
merges), seconds. Run under /usr/bin/time -v for peak RSS.
"""
import hashlib
import mmap
import os
import sys
import time

GPT4 = r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]++[\r\n]*|\s*[\r\n]|\s+(?!\S)|\s+"""
SEPARATOR = "<|endoftext|>"


def documents(path):
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        start = 0
        separator = SEPARATOR.encode()
        while True:
            end = data.find(separator, start)
            if end < 0:
                if start < len(data):
                    yield data[start:].decode("utf-8")
                return
            if end > start:
                yield data[start:end].decode("utf-8")
            start = end + len(separator)


def train_rustbpe(path, vocab_size):
    import rustbpe
    tokenizer = rustbpe.Tokenizer()
    # rustbpe has no special tokens: 256 bytes + merges = vocab_size - 1.
    tokenizer.train_from_iterator(documents(path), vocab_size - 1, pattern=GPT4)
    return ranks_result(tokenizer.get_mergeable_ranks())


def ranks_result(ranks):
    """(merges, digest of the tokens in rank order)."""
    ordered = sorted(ranks, key=lambda item: item[1])
    digest = hashlib.sha256(b"".join(len(token).to_bytes(4, "little") + token for token, _ in ordered)).hexdigest()
    return len(ordered) - 256, digest[:16]


def train_swiftbpe_rustbpe(path, vocab_size):
    from swiftbpe.rustbpe import Tokenizer
    tokenizer = Tokenizer()
    tokenizer.train_from_iterator(documents(path), vocab_size - 1, pattern=GPT4)
    return ranks_result(tokenizer.get_mergeable_ranks())


def train_swiftbpe(path, vocab_size, files):
    import swiftbpe
    if files:
        vocabulary = swiftbpe.train(files=[path], vocab_size=vocab_size, special_tokens=[SEPARATOR])
    else:
        vocabulary = swiftbpe.train(iterator=documents(path), vocab_size=vocab_size, special_tokens=[SEPARATOR])
    return ranks_result(vocabulary.mergeable_ranks.items())


def train_hf(path, vocab_size):
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers, trainers
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(GPT4), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, min_frequency=2, special_tokens=[SEPARATOR],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tokenizer.train_from_iterator(documents(path), trainer=trainer)
    return len(tokenizer.get_vocab()) - 256 - 1, "-"


def train_gigabpe(path, vocab_size):
    import gigabpe
    # HF's layout: 256 byte tokens + the special token + merges = vocab_size.
    _, merges = gigabpe.train_bpe([path], vocab_size, special_tokens=[SEPARATOR], min_frequency=2,
                                  pretokenizer="bytelevel", threads=os.cpu_count())
    digest = hashlib.sha256(repr(merges).encode()).hexdigest()
    return len(merges), digest[:16]


TRAINERS = {
    "gigabpe": train_gigabpe,
    "rustbpe": train_rustbpe,
    "hf": train_hf,
    "swiftbpe-rustbpe": train_swiftbpe_rustbpe,
    "swiftbpe-iterator": lambda path, size: train_swiftbpe(path, size, files=False),
    "swiftbpe-files": lambda path, size: train_swiftbpe(path, size, files=True),
}


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in TRAINERS:
        sys.exit(__doc__)
    trainer, path, vocab_size = sys.argv[1], sys.argv[2], int(sys.argv[3])
    start = time.perf_counter()
    merges, digest = TRAINERS[trainer](path, vocab_size)
    print(f"{trainer} merges={merges} digest={digest} seconds={time.perf_counter() - start:.2f}")


if __name__ == "__main__":
    main()
