"""ctypes bindings of libswiftbpe.so (the C ABI in Sources/BPECInterface).

Every call into the library goes through ``ctypes.CDLL``, which releases the GIL for the
duration of the call: training, counting and batch encoding run on all cores while other
Python threads go on. Buffers the library returns are copied, then freed with ``sbpe_free``.
"""
import ctypes
import os
from ctypes import (CFUNCTYPE, POINTER, c_char_p, c_int32, c_int64, c_uint8, c_uint32, c_void_p)

ABI_VERSION = 4


class SwiftBPEError(Exception):
    """Base class of swiftbpe's errors."""


class InputError(SwiftBPEError, ValueError):
    """Bad input data: an unreadable file, invalid UTF-8, corrupt compression, a bad JSON line.
    The message names the file and the position."""


class EncodeError(SwiftBPEError, ValueError):
    """Encoding or decoding failed: a disallowed special token in the text, an unknown id."""


_STATUS = {1: InputError, 2: ValueError, 3: OSError, 4: EncodeError}


def _library_path():
    override = os.environ.get("SWIFTBPE_LIBRARY")
    if override:
        return override
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "libswiftbpe.so")


_lib = ctypes.CDLL(_library_path())

_P = POINTER
_char_pp = _P(c_void_p)  # char** out-parameters, read as void* so the memory can be freed

PROGRESS = CFUNCTYPE(None, c_int32, c_int64, c_int64)

_SIGNATURES = {
    "sbpe_free": (None, [c_void_p]),
    "sbpe_abi_version": (c_int32, []),
    "sbpe_trainer_new": (c_int32, [c_int64, c_char_p, c_char_p, c_int32, c_int64, c_int64, c_int32, c_int32,
                                   c_int32, _P(c_void_p), _char_pp]),
    "sbpe_trainer_add_documents": (c_int32, [c_void_p, c_char_p, c_int64, _P(c_int64), c_int64, _char_pp]),
    "sbpe_trainer_add_files": (c_int32, [c_void_p, c_char_p, c_int32, c_int32, c_char_p, _char_pp]),
    "sbpe_trainer_add_counts": (c_int32, [c_void_p, c_char_p, c_int32, _char_pp]),
    "sbpe_trainer_save_counts": (c_int32, [c_void_p, c_char_p, _char_pp]),
    "sbpe_merge_counts": (c_int32, [c_char_p, c_int32, c_char_p, c_int64, _char_pp]),
    "sbpe_trainer_learn": (c_int32, [c_void_p, c_int32, PROGRESS, _P(c_void_p), _char_pp]),
    "sbpe_trainer_free": (None, [c_void_p]),
    "sbpe_result_merge_count": (c_int64, [c_void_p]),
    "sbpe_result_merges": (None, [c_void_p, _P(c_uint32)]),
    "sbpe_result_report": (c_void_p, [c_void_p]),
    "sbpe_result_save": (c_int32, [c_void_p, c_char_p, c_char_p, _char_pp]),
    "sbpe_result_free": (None, [c_void_p]),
    "sbpe_save_merges": (c_int32, [c_char_p, _P(c_uint32), c_int64, c_char_p, c_int32, c_char_p, c_char_p, _char_pp]),
    "sbpe_merges_from_tokens": (c_int32, [c_char_p, _P(c_int64), _P(c_uint32), c_int64, _P(c_void_p), _P(c_int64),
                                          _char_pp]),
    "sbpe_tokenizer_load": (c_int32, [c_char_p, c_char_p, c_char_p, _P(c_void_p), _char_pp]),
    "sbpe_tokenizer_new": (c_int32, [c_char_p, c_char_p, _P(c_int64), _P(c_uint32), c_int64, c_char_p,
                                     _P(c_uint32), c_int32, _P(c_void_p), _char_pp]),
    "sbpe_tokenizer_free": (None, [c_void_p]),
    "sbpe_tokenizer_pattern": (c_void_p, [c_void_p]),
    "sbpe_tokenizer_tokens": (None, [c_void_p, _P(c_int64), _P(c_void_p), _P(c_void_p), _P(c_void_p)]),
    "sbpe_tokenizer_specials": (None, [c_void_p, _P(c_int32), _P(c_void_p), _P(c_void_p)]),
    "sbpe_encode": (c_int32, [c_void_p, c_char_p, c_int64, c_int32, c_char_p, c_int32, _P(c_void_p), _P(c_int64),
                              _char_pp]),
    "sbpe_encode_batch": (c_int32, [c_void_p, c_char_p, _P(c_int64), c_int64, c_int32, c_int32, c_char_p, c_int32,
                                    _P(c_void_p), _P(c_void_p), _char_pp]),
    "sbpe_decode": (c_int32, [c_void_p, _P(c_uint32), c_int64, _P(c_void_p), _P(c_int64), _char_pp]),
}

for _name, (_result, _arguments) in _SIGNATURES.items():
    _function = getattr(_lib, _name)
    _function.restype = _result
    _function.argtypes = _arguments

if _lib.sbpe_abi_version() != ABI_VERSION:
    raise ImportError(f"libswiftbpe.so has ABI version {_lib.sbpe_abi_version()}, this package needs {ABI_VERSION}; "
                      "reinstall swiftbpe")

lib = _lib


def take_string(pointer):
    """The text of a malloc'd C string, which is then freed."""
    if not pointer:
        return ""
    try:
        return ctypes.string_at(pointer).decode("utf-8", errors="replace")
    finally:
        _lib.sbpe_free(pointer)


def take_bytes(pointer, length):
    try:
        return ctypes.string_at(pointer, length) if length else b""
    finally:
        _lib.sbpe_free(pointer)


def take_array(pointer, ctype, count):
    """A list of `count` values of `ctype` from a malloc'd buffer, which is then freed."""
    try:
        if count == 0:
            return []
        return (ctype * count).from_address(pointer)[:]
    finally:
        _lib.sbpe_free(pointer)


def check(status, message):
    """Raises the exception for a non-zero status, with the library's message."""
    if status == 0:
        return
    text = take_string(message.value)
    raise _STATUS.get(status, SwiftBPEError)(text)


def packed_strings(values):
    """NUL-terminated UTF-8 strings back to back, and their count."""
    values = list(values)
    return b"".join(v.encode("utf-8") + b"\0" for v in values), len(values)


def packed_texts(texts):
    """UTF-8 texts back to back and their end offsets (an int64 array)."""
    encoded = [t.encode("utf-8") for t in texts]
    ends = (c_int64 * max(1, len(encoded)))()
    total = 0
    for i, data in enumerate(encoded):
        total += len(data)
        ends[i] = total
    return b"".join(encoded), ends, len(encoded)


__all__ = ["lib", "PROGRESS", "SwiftBPEError", "InputError", "EncodeError", "check", "take_string", "take_bytes",
           "take_array", "packed_strings", "packed_texts", "c_void_p", "c_int64", "c_int32", "c_uint32", "c_uint8"]
