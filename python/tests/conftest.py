"""Shared fixtures of the swiftbpe tests: generated corpora, the bpe command, compressors.

Text is written and read as bytes (never through universal newlines, which would turn CRLF
into LF and change the corpus)."""
import ctypes
import ctypes.util
import os
import random
import shutil
import subprocess

import pytest

REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLE = os.path.join(REPOSITORY, "Samples", "licenses.txt")

FRAGMENTS = [
    "the", " the", " cat", " sat", " on", " mat", "Hello", ",", " world", "!", " don't", " I'm", " we'll",
    " 2026", " 3.14159", " 1234567", "\n", "\n\n", "\r\n", "  ", "\t", "    return x", " café", " naïve",
    " Это", " пример", " 猫は", "マット", " 안녕", " مرحبا", " 🎉", "👍🏽", " ß", " ÆØÅ", "def f(x):", " {", "}",
    " x_1", " =", " +=", " ->", " ...", " ــ", "ǅ", " Ǆungla", " O'Neil", " 'S", " 'LL",
]


def generated_documents(seed, count=300, words=(5, 80)):
    """Documents of mixed scripts, code, digits, contractions and white space."""
    rng = random.Random(seed)
    documents = []
    for _ in range(count):
        n = rng.randint(*words)
        documents.append("".join(rng.choice(FRAGMENTS) for _ in range(n)))
    return documents


def sample_documents():
    with open(SAMPLE, "rb") as handle:
        text = handle.read().decode("utf-8")
    return [part for part in text.split("\n\n") if part]


@pytest.fixture(scope="session")
def bpe():
    """The bpe executable: $BPE_BIN, else swift build's release or debug product."""
    path = os.environ.get("BPE_BIN")
    if path:
        return path
    for configuration in ("release", "debug"):
        candidate = os.path.join(REPOSITORY, ".build", configuration, "bpe")
        if os.path.exists(candidate):
            return candidate
    pytest.skip("no bpe executable (set BPE_BIN or run swift build)")


def run_bpe(bpe, *arguments):
    completed = subprocess.run([bpe, *arguments], capture_output=True)
    assert completed.returncode == 0, completed.stderr.decode()
    return completed


def read_tiktoken(path):
    import base64
    ranks = {}
    with open(path, "rb") as handle:
        for line in handle:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    return ranks


def zstd_compress(data, level=3):
    """zstd via the system's libzstd (Python 3.11 has no zstd module)."""
    name = ctypes.util.find_library("zstd") or "libzstd.so.1"
    library = ctypes.CDLL(name)
    library.ZSTD_compressBound.restype = ctypes.c_size_t
    library.ZSTD_compressBound.argtypes = [ctypes.c_size_t]
    library.ZSTD_compress.restype = ctypes.c_size_t
    library.ZSTD_compress.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int]
    library.ZSTD_isError.argtypes = [ctypes.c_size_t]
    capacity = library.ZSTD_compressBound(len(data))
    output = ctypes.create_string_buffer(capacity)
    size = library.ZSTD_compress(output, capacity, data, len(data), level)
    assert not library.ZSTD_isError(size)
    return output.raw[:size]
