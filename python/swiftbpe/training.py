"""``swiftbpe.train``: a vocabulary from files or a Python iterator, on all cores."""
import ctypes
import json
import os
import sys
import time

from . import _native
from ._native import PROGRESS, c_int64, c_uint32, c_void_p, lib
from .vocabulary import Vocabulary

PRESETS = ("gpt2", "gpt4", "o200k")
TIE_BREAKS = {"cs336": 0, "rustbpe": 1}
_PHASES = ("read", "split+count", "merge tables", "init pairs", "merge loop", "write")

# Documents go to the native side in batches of at most this many documents or bytes: memory
# is one batch plus the distinct words, however long the iterator.
DEFAULT_BATCH_DOCUMENTS = 8192
DEFAULT_BATCH_BYTES = 16 << 20


def _file_kind(path):
    """'parquet', 'jsonl' or 'text', by the name (compression suffixes aside)."""
    name = os.fspath(path).lower()
    for suffix in (".gz", ".zst", ".zstd"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    if name.endswith(".parquet"):
        return "parquet"
    if name.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    return "text"


class _Progress:
    """Progress on stderr: tqdm if installed, else one rewritten line."""

    def __init__(self, enabled):
        self.enabled = enabled
        self.bar = None
        self.phase = None
        self.started = time.monotonic()
        self.documents = 0
        try:
            import tqdm  # noqa: F401
            self.tqdm = tqdm.tqdm
        except ImportError:
            self.tqdm = None

    def counted(self, documents, nbytes):
        if not self.enabled:
            return
        self.documents += documents
        self._line(f"counted {self.documents:,} documents, {nbytes / 1e6:,.0f} MB")

    def _line(self, text):
        if self.tqdm is None or self.phase != "merges":
            sys.stderr.write("\r\033[K" + text)
            sys.stderr.flush()

    def callback(self, kind, done, total):
        if not self.enabled:
            return
        if kind == 0:
            self.close()
            self.phase = _PHASES[done] if done < len(_PHASES) else str(done)
            self.started = time.monotonic()
            self._line(f"{self.phase}...")
        elif kind == 1:
            if self.tqdm is not None:
                if self.bar is None:
                    sys.stderr.write("\r\033[K")
                    self.bar = self.tqdm(total=total, desc="merges", unit="merge", file=sys.stderr)
                self.bar.update(done - self.bar.n)
            else:
                elapsed = time.monotonic() - self.started
                eta = elapsed / done * (total - done) if done else 0
                self._line(f"merge loop: {done:,} / {total:,} merges, about {eta:,.0f} s left")

    def close(self):
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def finish(self):
        if self.enabled:
            self.close()
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


class Trainer:
    """Counts documents and files as they come, then learns the merges (``learn``).

    ``swiftbpe.train`` is this in one call; use the class to feed several sources, or to learn
    from counts already made. Settings as ``swiftbpe.train``'s.
    """

    def __init__(self, *, vocab_size, pattern="gpt4", special_tokens=(), min_frequency=2, max_token_length=None,
                 threads=None, tie_break="cs336", invalid_utf8="error"):
        if tie_break not in TIE_BREAKS:
            raise ValueError(f"tie_break must be one of {sorted(TIE_BREAKS)}, not {tie_break!r}")
        if invalid_utf8 not in ("error", "replace"):
            raise ValueError(f"invalid_utf8 must be 'error' or 'replace', not {invalid_utf8!r}")
        if threads is not None and threads < 1:
            raise ValueError(f"threads must be 1 or more, not {threads}")
        # ctypes wraps integers silently (2**64 + 300 would pass as 300): check the range here.
        for name, value, high in (("vocab_size", vocab_size, 2**62), ("min_frequency", min_frequency, 2**62),
                                  ("max_token_length", max_token_length or 0, 2**62), ("threads", threads or 0, 2**31)):
            if not 0 <= int(value) < high:
                raise ValueError(f"{name} {value} is out of range (0 to {high - 1})")
        self.special_tokens = list(special_tokens)
        packed, count = _native.packed_strings(self.special_tokens)
        handle = c_void_p()
        message = c_void_p()
        status = lib.sbpe_trainer_new(int(vocab_size), str(pattern).encode(), packed, count, int(min_frequency),
                                      int(max_token_length or 0), int(threads or 0), TIE_BREAKS[tie_break],
                                      1 if invalid_utf8 == "replace" else 0, ctypes.byref(handle),
                                      ctypes.byref(message))
        _native.check(status, message)
        self._handle = handle.value
        self.bytes = 0

    def __del__(self):
        if getattr(self, "_handle", None):
            lib.sbpe_trainer_free(self._handle)
            self._handle = None

    def add_documents(self, documents):
        """Counts one batch of ``str`` documents (each split alone: no word spans two)."""
        documents = list(documents)
        for index, document in enumerate(documents):
            if not isinstance(document, str):
                raise TypeError(f"documents must be str, not {type(document).__name__} (document {index} of the batch)")
        if not documents:
            return
        data, ends, count = _native.packed_texts(documents)
        message = c_void_p()
        status = lib.sbpe_trainer_add_documents(self._handle, data, len(data), ends, count, ctypes.byref(message))
        _native.check(status, message)
        self.bytes += len(data)

    def add_iterator(self, iterator, *, batch_documents=DEFAULT_BATCH_DOCUMENTS, batch_bytes=DEFAULT_BATCH_BYTES,
                     progress=None):
        """Counts every document of ``iterator`` in batches (bounded memory for any length)."""
        batch = []
        size = 0
        for document in iterator:
            batch.append(document)
            size += len(document)
            if len(batch) >= batch_documents or size >= batch_bytes:
                self.add_documents(batch)
                if progress:
                    progress.counted(len(batch), self.bytes)
                batch = []
                size = 0
        if batch:
            self.add_documents(batch)
            if progress:
                progress.counted(len(batch), self.bytes)

    def add_files(self, paths, *, text_field="text", progress=None):
        """Counts files: text, JSON Lines (``.jsonl``/``.ndjson``: one document per line, its text
        in ``text_field``), either of them ``.gz`` or ``.zst``, and Parquet (``.parquet``: the
        ``text_field`` column, read a row group at a time; needs pyarrow)."""
        for path in ([paths] if isinstance(paths, (str, os.PathLike)) else list(paths)):
            kind = _file_kind(path)
            if kind == "parquet":
                self.add_iterator(_parquet_documents(path, text_field), progress=progress)
                continue
            packed, count = _native.packed_strings([os.fspath(path)])
            message = c_void_p()
            status = lib.sbpe_trainer_add_files(self._handle, packed, count, 1 if kind == "jsonl" else 0,
                                                text_field.encode(), ctypes.byref(message))
            _native.check(status, message)
            if progress:
                progress.counted(1, self.bytes)

    def add_counts(self, paths):
        """Adds word-count files (``bpe count``, ``save_counts``, ``count_words``); they must have been
        counted with this trainer's pattern and special tokens."""
        paths = [os.fspath(p) for p in ([paths] if isinstance(paths, (str, os.PathLike)) else paths)]
        packed, count = _native.packed_strings(paths)
        message = c_void_p()
        _native.check(lib.sbpe_trainer_add_counts(self._handle, packed, count, ctypes.byref(message)), message)

    def save_counts(self, path):
        """Writes everything counted so far as a word-count file (the format of ``bpe count``)."""
        message = c_void_p()
        _native.check(lib.sbpe_trainer_save_counts(self._handle, os.fspath(path).encode(), ctypes.byref(message)), message)

    def learn(self, *, progress=False, keep_counts=True):
        """The vocabulary learned from everything counted so far. With ``keep_counts=False`` the
        counts are freed as the learner takes them (less memory; the trainer is empty after)."""
        reporter = progress if isinstance(progress, _Progress) else _Progress(bool(progress))
        callback = PROGRESS(reporter.callback)
        result = c_void_p()
        message = c_void_p()
        try:
            status = lib.sbpe_trainer_learn(self._handle, 1 if keep_counts else 0, callback, ctypes.byref(result),
                                            ctypes.byref(message))
            _native.check(status, message)
        finally:
            reporter.finish()
        count = lib.sbpe_result_merge_count(result.value)
        pairs = (c_uint32 * max(1, 2 * count))()
        lib.sbpe_result_merges(result.value, pairs)
        merges = [(pairs[2 * k], pairs[2 * k + 1]) for k in range(count)]
        report = json.loads(_native.take_string(lib.sbpe_result_report(result.value)))
        tokens = [bytes([b]) for b in range(256)]
        for left, right in merges:
            tokens.append(tokens[left] + tokens[right])
        ranks = {token: rank for rank, token in enumerate(tokens)}
        specials = {token: len(tokens) + index for index, token in enumerate(self.special_tokens)}
        return Vocabulary(report["pattern"], ranks, specials, merges, _result=result.value, report=report)


def _parquet_documents(path, text_field):
    try:
        import pyarrow.parquet as parquet
    except ImportError as error:
        raise ImportError(f"reading {path} needs pyarrow (pip install pyarrow)") from error
    table = parquet.ParquetFile(path)
    if text_field not in table.schema_arrow.names:
        raise _native.InputError(f"'{path}': no column '{text_field}' (columns: {', '.join(table.schema_arrow.names)})")
    row = 0
    for group in range(table.num_row_groups):
        column = table.read_row_group(group, columns=[text_field]).column(0)
        for value in column.to_pylist():
            if not isinstance(value, str):
                raise _native.InputError(
                    f"'{path}' row {row}: column '{text_field}' holds {type(value).__name__}, not a string")
            row += 1
            yield value


def merge_counts(paths, output, *, min_count=1):
    """Merges word-count files into ``output`` (``bpe merge-counts``): a streaming k-way merge;
    ``min_count`` drops the words counted fewer times in all (which changes the result)."""
    packed, count = _native.packed_strings(os.fspath(p) for p in paths)
    message = c_void_p()
    _native.check(lib.sbpe_merge_counts(packed, count, os.fspath(output).encode(), int(min_count), ctypes.byref(message)),
                  message)


def count_words(*, files=None, iterator=None, output, pattern="gpt4", special_tokens=(), threads=None, text_field="text",
                invalid_utf8="error", batch_documents=DEFAULT_BATCH_DOCUMENTS):
    """Counts the words of ``files`` and/or ``iterator`` (as ``train`` reads them) into the
    word-count file ``output`` (``bpe count``)."""
    if files is None and iterator is None:
        raise ValueError("give files=..., iterator=..., or both")
    trainer = Trainer(vocab_size=256 + len(list(special_tokens)), pattern=pattern, special_tokens=special_tokens,
                      threads=threads, invalid_utf8=invalid_utf8)
    if files is not None:
        trainer.add_files(files, text_field=text_field)
    if iterator is not None:
        trainer.add_iterator(iterator, batch_documents=batch_documents)
    trainer.save_counts(output)


def train(*, files=None, iterator=None, counts=None, vocab_size=None, vocab_sizes=None, pattern="gpt4", special_tokens=(), min_frequency=2,
          max_token_length=None, threads=None, tie_break="cs336", text_field="text", invalid_utf8="error",
          batch_documents=DEFAULT_BATCH_DOCUMENTS, progress=False):
    """Trains a byte-level BPE vocabulary of ``vocab_size`` ids (256 bytes + merges + special
    tokens), with the same merges as ``bpe train`` on the same text.

    Args:
        files: paths (or one path): text, ``.jsonl``/``.ndjson`` (one JSON object per line, its
            text in ``text_field``), either ``.gz``- or ``.zst``-compressed, or ``.parquet``
            (column ``text_field``, streamed by row group; needs pyarrow).
        counts: word-count files (``bpe count``, ``count_words``) counted with the same pattern
            and special tokens; their counts add to those of ``files`` and ``iterator``.
        iterator: ``str`` documents, streamed to the native side in batches of
            ``batch_documents`` (memory stays bounded for any length). Each document is split
            alone: no word spans two documents (as for JSON Lines and Parquet rows).
        vocab_sizes: several sizes from one run: trains to the largest and returns
            ``{size: Vocabulary}``, each equal to a separate training to that size.
        pattern: ``gpt2``, ``gpt4`` (cl100k), ``o200k`` or a regex (PCRE2).
        special_tokens: split at, never merged; ids after the last merge.
        min_frequency: a pair occurring fewer times is never merged.
        max_token_length: no token longer than this many bytes.
        threads: worker threads (default: all cores); never changes the result.
        tie_break: ``"cs336"`` (SPEC §4: among equal counts the greatest bytes) or ``"rustbpe"``
            (the smallest ids, as rustbpe 0.1.0).
        invalid_utf8: ``"error"`` (an exception naming the file and byte offset) or
            ``"replace"`` (U+FFFD).
        progress: show progress on stderr (tqdm if installed, else a plain line).

    Returns:
        a ``Vocabulary`` (``{size: Vocabulary}`` with ``vocab_sizes``); ``.save(prefix)`` writes
        the files ``bpe train`` writes.
    """
    sizes = sorted(set(vocab_sizes or ()) | ({vocab_size} if vocab_size is not None else set()))
    if not sizes:
        raise ValueError("give vocab_size=... (or vocab_sizes=[...])")
    vocab_size = sizes[-1]
    if files is None and iterator is None and counts is None:
        raise ValueError("give files=..., iterator=..., counts=..., or several")
    trainer = Trainer(vocab_size=vocab_size, pattern=pattern, special_tokens=special_tokens,
                      min_frequency=min_frequency, max_token_length=max_token_length, threads=threads,
                      tie_break=tie_break, invalid_utf8=invalid_utf8)
    reporter = _Progress(bool(progress))
    if files is not None:
        trainer.add_files(files, text_field=text_field, progress=reporter)
    if iterator is not None:
        trainer.add_iterator(iterator, batch_documents=batch_documents, progress=reporter)
    if counts is not None:
        trainer.add_counts(counts)
    vocabulary = trainer.learn(progress=reporter, keep_counts=False)
    if vocab_sizes:
        return {size: vocabulary.truncated(size) for size in sizes}
    return vocabulary
