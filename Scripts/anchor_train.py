#!/usr/bin/env python3
"""Trains an anchor trainer on a corpus the way `bpe train` is benchmarked, for side-by-side
timing: GPT-4 pattern, documents split at <|endoftext|> (the separator is not counted).

  anchor_train.py rustbpe INPUT VOCAB_SIZE   # rustbpe 0.1.0: vocab_size counts no special token
  anchor_train.py hf INPUT VOCAB_SIZE        # Hugging Face tokenizers, byte-level BPE

Prints one line: trainer, merges learned, seconds. Run under /usr/bin/time -v for peak RSS.
"""
import mmap
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
    return len(tokenizer.get_mergeable_ranks()) - 256


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
    return len(tokenizer.get_vocab()) - 256 - 1


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("rustbpe", "hf"):
        sys.exit(__doc__)
    trainer, path, vocab_size = sys.argv[1], sys.argv[2], int(sys.argv[3])
    start = time.perf_counter()
    merges = (train_rustbpe if trainer == "rustbpe" else train_hf)(path, vocab_size)
    print(f"{trainer} merges={merges} seconds={time.perf_counter() - start:.2f}")


if __name__ == "__main__":
    main()
