"""A drop-in for ``rustbpe.Tokenizer`` (rustbpe 0.1.0): the same methods, arguments and
results, trained by swift-bpe with rustbpe's rules: every pair that occurs at least once may
merge, and among pairs of equal count the one with the smallest (left id, right id) wins.

    from swiftbpe.rustbpe import Tokenizer   # instead of: from rustbpe import Tokenizer

Where the merges can differ from rustbpe's: rustbpe may merge a pair whose bytes equal an
existing token's (two ids with the same bytes); swift-bpe never does (SPEC §4) and merges the
next pair instead. rustbpe counts pairs in 32-bit integers; swift-bpe in 64-bit.
"""
from .training import Trainer
from .vocabulary import Vocabulary

GPT4_PATTERN = (r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]++[\r\n]*|"""
                r"""\s*[\r\n]|\s+(?!\S)|\s+""")


class Tokenizer:
    """rustbpe's ``Tokenizer``: train from an iterator of ``str``, export ranks for tiktoken."""

    def __init__(self):
        self._vocabulary = None
        self._pattern = ""

    def train_from_iterator(self, iterator, vocab_size, buffer_size=8192, pattern=None):
        """Trains ``vocab_size - 256`` merges (no special tokens) on the documents of
        ``iterator``, read ``buffer_size`` at a time; ``pattern`` defaults to GPT-4's."""
        if vocab_size < 256:
            raise ValueError("vocab_size must be at least 256")
        pattern = GPT4_PATTERN if pattern is None else pattern
        trainer = Trainer(vocab_size=vocab_size, pattern=pattern, min_frequency=1, tie_break="rustbpe")
        trainer.add_iterator(iterator, batch_documents=max(1, buffer_size))
        self._vocabulary = trainer.learn(keep_counts=False)
        self._pattern = pattern

    def get_pattern(self):
        return self._pattern

    @property
    def vocab_size(self):
        """256 + the number of merges."""
        return 256 + (len(self._vocabulary.merges) if self._vocabulary else 0)

    def get_mergeable_ranks(self):
        """``[(token bytes, rank), ...]`` in rank order, as rustbpe returns them."""
        if self._vocabulary is None:
            return [(bytes([b]), b) for b in range(256)]
        return sorted(((token, rank) for token, rank in self._vocabulary.mergeable_ranks.items()),
                      key=lambda item: item[1])

    def _encoder(self):
        if self._vocabulary is None:
            return None
        return self._vocabulary

    def encode(self, text):
        """The ids of ``text``; special tokens are plain text (rustbpe has none)."""
        vocabulary = self._encoder()
        if vocabulary is None:
            return []  # rustbpe's untrained tokenizer has an empty pattern, which matches nothing
        return vocabulary.encode_ordinary(text)

    def decode(self, ids):
        """The text of ``ids``; ``ValueError`` for an unknown id or bytes that are not UTF-8."""
        vocabulary = self._encoder()
        ids = list(ids)
        if vocabulary is None:
            vocabulary = _BYTES
        for token_id in ids:
            if not 0 <= token_id < vocabulary.n_vocab:
                raise ValueError(f"Unknown token id: {token_id}")
        return vocabulary.decode_bytes(ids).decode("utf-8")

    def batch_encode(self, texts):
        """The ids of each text, encoded in parallel."""
        vocabulary = self._encoder()
        if vocabulary is None:
            return [[] for _ in texts]
        return vocabulary.encode_ordinary_batch(list(texts))


_BYTES = Vocabulary(GPT4_PATTERN, {bytes([b]): b for b in range(256)}, {}, [])
