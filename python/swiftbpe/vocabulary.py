"""A byte-level BPE vocabulary: tokens with ranks (ids), merges, special tokens, split pattern.

Encoding runs in the native library (tiktoken's exact ids); the token tables are plain Python
data, so a vocabulary can be handed to tiktoken (``encoding()``) or inspected directly.
"""
import ctypes
import threading

from . import _native
from ._native import c_int32, c_int64, c_uint32, c_void_p, lib

# tiktoken's special-token arguments, as in tiktoken.Encoding.encode.
_POLICY_DISALLOW_ALL, _POLICY_ALLOW_ALL, _POLICY_ALLOW, _POLICY_ORDINARY = 0, 1, 2, 3


class _Handle:
    """Owns a native tokenizer handle and frees it with the object."""

    def __init__(self, pointer):
        self.pointer = pointer

    def __del__(self):
        if self.pointer:
            lib.sbpe_tokenizer_free(self.pointer)
            self.pointer = None


class Vocabulary:
    """A trained or loaded vocabulary.

    Attributes:
        pattern: the split regex (a preset's full text, or the custom regex).
        special_tokens: special token text -> id.
        mergeable_ranks: token bytes -> id (rank), every non-special token.
        merges: (left id, right id) pairs in rank order (merge k made id 256 + k), for
            vocabularies in swift-bpe's layout (bytes at ids 0-255, merges after); computed from
            the ranks on first use for a loaded vocabulary, as tiktoken's BPE would apply them.
        report: the training run's ``train.json`` as a dict, for a vocabulary just trained.
    """

    def __init__(self, pattern, mergeable_ranks, special_tokens=None, merges=None, *, _result=None, _tokenizer=None,
                 report=None):
        self.pattern = pattern
        self.mergeable_ranks = dict(mergeable_ranks)
        self.special_tokens = dict(special_tokens or {})
        self._merges = list(merges) if merges is not None else None
        self._result = _result  # a native training result (saves train.json too)
        self._tokenizer = _tokenizer
        self._lock = threading.Lock()
        self.report = report

    def __del__(self):
        if getattr(self, "_result", None):
            lib.sbpe_result_free(self._result)
            self._result = None

    def __repr__(self):
        return (f"<swiftbpe.Vocabulary {len(self.mergeable_ranks)} tokens + {len(self.special_tokens)} special, "
                f"pattern {self.pattern[:40]!r}{'...' if len(self.pattern) > 40 else ''}>")

    @property
    def n_vocab(self):
        """The number of ids: the largest id + 1 (as tiktoken's ``n_vocab``)."""
        ids = list(self.mergeable_ranks.values()) + list(self.special_tokens.values())
        return max(ids) + 1 if ids else 0

    # ---- merges ----

    @property
    def merges(self):
        if self._merges is None:
            self._merges = _merges_from_ranks(self.mergeable_ranks)
        return self._merges

    def truncated(self, vocab_size):
        """The vocabulary of training to ``vocab_size`` instead: the first merges (merges are
        learned greedily, so a shorter run learns a prefix of a longer one's), special tokens
        renumbered after them. Needs swift-bpe's layout."""
        merges = self.merges
        specials = [token for token, _ in sorted(self.special_tokens.items(), key=lambda item: item[1])]
        keep = min(len(merges), max(0, vocab_size - 256 - len(specials)))
        if vocab_size < 256 + len(specials):
            raise ValueError(f"vocab_size {vocab_size} is too small: at least {256 + len(specials)}")
        if keep == len(merges):
            return self
        ranks = {token: rank for token, rank in self.mergeable_ranks.items() if rank < 256 + keep}
        renumbered = {token: 256 + keep + index for index, token in enumerate(specials)}
        return Vocabulary(self.pattern, ranks, renumbered, merges[:keep])

    # ---- files ----

    def save(self, prefix, formats=("tiktoken", "minbpe", "hf")):
        """Writes ``PREFIX.tiktoken``, ``PREFIX.model`` + ``PREFIX.vocab`` (minbpe) and
        ``PREFIX.tokenizer.json`` (Hugging Face), as ``bpe train`` does, all or none; a vocabulary
        just trained also gets ``PREFIX.train.json`` (with which ``swiftbpe.load`` reads the
        ``.tiktoken`` back with its pattern and special tokens)."""
        if isinstance(formats, str):
            formats = [formats]
        format_list = ",".join(formats).encode()
        message = c_void_p()
        if self._result:
            status = lib.sbpe_result_save(self._result, str(prefix).encode(), format_list, ctypes.byref(message))
            _native.check(status, message)
            return
        merges = self.merges
        specials = sorted(self.special_tokens.items(), key=lambda item: item[1])
        for index, (token, token_id) in enumerate(specials):
            if token_id != 256 + len(merges) + index:
                raise ValueError(
                    f"special token {token!r} has id {token_id}, not {256 + len(merges) + index}: the files swift-bpe "
                    "writes put special tokens right after the last merge (SPEC §5)")
        pairs = (c_uint32 * max(1, 2 * len(merges)))()
        for k, (left, right) in enumerate(merges):
            pairs[2 * k], pairs[2 * k + 1] = left, right
        packed, count = _native.packed_strings(token for token, _ in specials)
        status = lib.sbpe_save_merges(self.pattern.encode(), pairs, len(merges), packed, count, str(prefix).encode(),
                                      format_list, ctypes.byref(message))
        _native.check(status, message)

    # ---- tiktoken ----

    def encoding(self, name="swiftbpe"):
        """A ``tiktoken.Encoding`` with this vocabulary (needs the tiktoken package)."""
        import tiktoken
        return tiktoken.Encoding(name=name, pat_str=self.pattern, mergeable_ranks=self.mergeable_ranks,
                                 special_tokens=self.special_tokens)

    # ---- encoding ----

    def _native(self):
        with self._lock:
            if self._tokenizer is None:
                ranks = sorted(self.mergeable_ranks.items(), key=lambda item: item[1])
                data = b"".join(token for token, _ in ranks)
                ends = (c_int64 * max(1, len(ranks)))()
                ids = (c_uint32 * max(1, len(ranks)))()
                total = 0
                for i, (token, rank) in enumerate(ranks):
                    total += len(token)
                    ends[i] = total
                    ids[i] = rank
                specials = list(self.special_tokens.items())
                packed, count = _native.packed_strings(token for token, _ in specials)
                special_ids = (c_uint32 * max(1, count))(*[token_id for _, token_id in specials])
                handle = c_void_p()
                message = c_void_p()
                status = lib.sbpe_tokenizer_new(self.pattern.encode(), data, ends, ids, len(ranks), packed, special_ids,
                                                count, ctypes.byref(handle), ctypes.byref(message))
                _native.check(status, message)
                self._tokenizer = _Handle(handle.value)
            return self._tokenizer.pointer

    def _policy(self, allowed_special, disallowed_special):
        """tiktoken's (allowed_special, disallowed_special) as the library's policy."""
        if allowed_special == "all":
            return _POLICY_ALLOW_ALL, []
        allowed = set(allowed_special or ())
        unknown = allowed - set(self.special_tokens)
        if unknown:
            raise ValueError(f"not special tokens of this vocabulary: {sorted(unknown)}")
        if disallowed_special == "all":
            return (_POLICY_ALLOW, sorted(allowed)) if allowed else (_POLICY_DISALLOW_ALL, [])
        disallowed = set(disallowed_special or ())
        if not disallowed and not allowed:
            return _POLICY_ORDINARY, []
        raise ValueError(
            "swiftbpe encodes special tokens one of four ways: allowed_special='all'; a set of allowed ones with all "
            "others refused (disallowed_special='all'); none allowed and all refused (the default); or all as plain "
            "text (allowed_special=set(), disallowed_special=()); use encode_ordinary for the last")

    def encode(self, text, *, allowed_special=frozenset(), disallowed_special="all"):
        """The ids of ``text``, as ``tiktoken.Encoding.encode`` gives them: a special token in the
        text raises ``EncodeError`` unless allowed (``allowed_special={...}`` or ``"all"``)."""
        policy, allowed = self._policy(allowed_special, disallowed_special)
        return self._encode(text, policy, allowed)

    def encode_ordinary(self, text):
        """The ids of ``text`` with special tokens as plain text (tiktoken's ``encode_ordinary``)."""
        return self._encode(text, _POLICY_ORDINARY, [])

    def _encode(self, text, policy, allowed):
        data = text.encode("utf-8")
        packed, count = _native.packed_strings(allowed)
        ids = c_void_p()
        length = c_int64()
        message = c_void_p()
        status = lib.sbpe_encode(self._native(), data, len(data), policy, packed, count, ctypes.byref(ids),
                                 ctypes.byref(length), ctypes.byref(message))
        _native.check(status, message)
        return _native.take_array(ids.value, c_uint32, length.value)

    def encode_batch(self, texts, *, threads=None, allowed_special=frozenset(), disallowed_special="all"):
        """The ids of each text, encoded on ``threads`` threads (default: all cores)."""
        policy, allowed = self._policy(allowed_special, disallowed_special)
        return self._encode_batch(texts, threads, policy, allowed)

    def encode_ordinary_batch(self, texts, *, threads=None):
        return self._encode_batch(texts, threads, _POLICY_ORDINARY, [])

    def _encode_batch(self, texts, threads, policy, allowed):
        texts = list(texts)
        if threads is not None and not 1 <= threads < 2**31:
            raise ValueError(f"threads must be 1 or more, not {threads}")
        if not texts:
            return []
        data, ends, count = _native.packed_texts(texts)
        packed, allowed_count = _native.packed_strings(allowed)
        ids = c_void_p()
        id_ends = c_void_p()
        message = c_void_p()
        status = lib.sbpe_encode_batch(self._native(), data, ends, count, int(threads or 0), policy, packed,
                                       allowed_count, ctypes.byref(ids), ctypes.byref(id_ends), ctypes.byref(message))
        _native.check(status, message)
        bounds = _native.take_array(id_ends.value, c_int64, count)
        flat = _native.take_array(ids.value, c_uint32, bounds[-1] if bounds else 0)
        result = []
        start = 0
        for end in bounds:
            result.append(flat[start:end])
            start = end
        return result

    def decode_bytes(self, ids):
        """The bytes of ``ids`` (special tokens included)."""
        ids = list(ids)
        # ctypes would silently wrap an id outside 32 bits (2**32 + 104 became 104).
        for position, token_id in enumerate(ids):
            if not 0 <= token_id < 2**32:
                raise _native.EncodeError(f"id {token_id} at position {position} is not in the vocabulary")
        array = (c_uint32 * max(1, len(ids)))(*ids)
        data = c_void_p()
        length = c_int64()
        message = c_void_p()
        status = lib.sbpe_decode(self._native(), array, len(ids), ctypes.byref(data), ctypes.byref(length),
                                 ctypes.byref(message))
        _native.check(status, message)
        return _native.take_bytes(data.value, length.value)

    def decode(self, ids, errors="replace"):
        """The text of ``ids``; invalid UTF-8 becomes U+FFFD (as tiktoken's ``decode``)."""
        return self.decode_bytes(ids).decode("utf-8", errors=errors)


def _merges_from_ranks(ranks):
    """Each token's merge, recovered natively (``BaseVocabulary``): the two parts the
    vocabulary's own encoder leaves when it encodes the token's bytes with the lower ranks.
    Needs swift-bpe's layout: ids 0-255 are the 256 bytes, then one id per merge."""
    ordered = sorted(ranks.items(), key=lambda item: item[1])
    data = b"".join(token for token, _ in ordered)
    ends = (c_int64 * max(1, len(ordered)))()
    ids = (c_uint32 * max(1, len(ordered)))()
    total = 0
    for i, (token, rank) in enumerate(ordered):
        total += len(token)
        ends[i] = total
        ids[i] = rank
    pairs = c_void_p()
    count = c_int64()
    message = c_void_p()
    status = lib.sbpe_merges_from_tokens(data, ends, ids, len(ordered), ctypes.byref(pairs), ctypes.byref(count),
                                         ctypes.byref(message))
    _native.check(status, message)
    flat = _native.take_array(pairs.value, c_uint32, 2 * count.value)
    return [(flat[2 * k], flat[2 * k + 1]) for k in range(count.value)]


def _from_tokenizer_handle(handle, report=None, result=None, merges=None):
    """A Vocabulary of a native tokenizer (its tables copied to Python)."""
    count = c_int64()
    data = c_void_p()
    ends = c_void_p()
    ids = c_void_p()
    lib.sbpe_tokenizer_tokens(handle, ctypes.byref(count), ctypes.byref(data), ctypes.byref(ends), ctypes.byref(ids))
    bounds = _native.take_array(ends.value, c_int64, count.value)
    token_ids = _native.take_array(ids.value, c_uint32, count.value)
    blob = _native.take_bytes(data.value, bounds[-1] if bounds else 0)
    ranks = {}
    start = 0
    for end, token_id in zip(bounds, token_ids):
        ranks[blob[start:end]] = token_id
        start = end
    special_count = c_int32()
    names = c_void_p()
    special_ids = c_void_p()
    lib.sbpe_tokenizer_specials(handle, ctypes.byref(special_count), ctypes.byref(names), ctypes.byref(special_ids))
    token_ids_of_specials = _native.take_array(special_ids.value, c_uint32, special_count.value)
    texts = []
    offset = 0
    for _ in range(special_count.value):
        text = ctypes.string_at(names.value + offset)
        texts.append(text.decode("utf-8"))
        offset += len(text) + 1
    lib.sbpe_free(names.value)
    specials = dict(zip(texts, token_ids_of_specials))
    pattern = _native.take_string(lib.sbpe_tokenizer_pattern(handle))
    return Vocabulary(pattern, ranks, specials, merges, _result=result, _tokenizer=_Handle(handle), report=report)


def load(path, *, merges=None, pattern=None):
    """Reads any vocabulary the ``bpe`` command reads: ``PREFIX.tiktoken`` (pattern and special
    tokens from ``PREFIX.train.json`` beside it, else give ``pattern``), minbpe's ``.model``, a
    Hugging Face ``tokenizer.json`` (byte-level BPE), or GPT-2's ``encoder.json`` with its
    ``vocab.bpe`` as ``merges``."""
    handle = c_void_p()
    message = c_void_p()
    status = lib.sbpe_tokenizer_load(str(path).encode(), str(merges).encode() if merges else None,
                                     pattern.encode() if pattern else None, ctypes.byref(handle),
                                     ctypes.byref(message))
    _native.check(status, message)
    return _from_tokenizer_handle(handle.value)
