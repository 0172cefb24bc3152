"""swiftbpe: fast, exact byte-level BPE training and encoding (swift-bpe's Python package).

    import swiftbpe
    vocabulary = swiftbpe.train(files=["corpus.jsonl.zst"], vocab_size=50_257,
                                special_tokens=["<|endoftext|>"])
    vocabulary.save("tok")                  # tok.tiktoken, tok.model/.vocab, tok.tokenizer.json
    encoding = vocabulary.encoding()         # a tiktoken.Encoding
    ids = vocabulary.encode("hello world")   # the same ids, natively

``swiftbpe.rustbpe.Tokenizer`` is a drop-in for ``rustbpe.Tokenizer``.
"""
from ._native import EncodeError, InputError, SwiftBPEError
from .training import Trainer, count_words, merge_counts, train
from .vocabulary import Vocabulary, load
from . import rustbpe

__version__ = "0.1.0"
__all__ = ["train", "count_words", "merge_counts", "load", "Trainer", "Vocabulary", "SwiftBPEError", "InputError", "EncodeError", "rustbpe"]
