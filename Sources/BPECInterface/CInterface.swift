import BPE
import Glibc

// The C ABI of libswiftbpe.so, for the Python package (python/swiftbpe/_native.py mirrors
// every signature here with ctypes). The only file set in the project that trusts pointers
// from outside: each function reads exactly the lengths its caller passes.
//
// Conventions: functions return 0 on success, else a `CStatus` code, with a one-line message
// in `*error` (malloc'd; free it with `sbpe_free`). Buffers the library returns are malloc'd
// and freed with `sbpe_free`. Handles are retained Swift objects, freed by their `_free`.

/// What kind of failure a non-zero status is (Python maps them to exception types).
enum CStatus: Int32 {
    case ok = 0
    /// Bad input data: unreadable file, invalid UTF-8, corrupt compression, a bad JSON line.
    case input = 1
    /// A bad setting or argument: vocabulary too small, unknown format, bad pattern.
    case setting = 2
    /// The output could not be written.
    case output = 3
    /// Encoding failed: a disallowed special token, an unknown id.
    case encode = 4
}

/// Stores `message` for the caller (if it asked) and returns `status`.
func fail(_ status: CStatus, _ message: String, _ error: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    error?.pointee = strdup(message)
    return status.rawValue
}

/// The status of a training-layer error.
func status(of error: TrainingError) -> CStatus {
    switch error {
    case .input, .counts: return .input
    case .output: return .output
    case .pattern, .invalidSetting, .vocabularyTooSmall: return .setting
    }
}

/// `count` NUL-terminated strings laid end to end.
func strings(_ packed: UnsafePointer<CChar>?, count: Int32) -> [String] {
    guard var cursor = packed, count > 0 else { return [] }
    var result: [String] = []
    for _ in 0..<count {
        let value = String(cString: cursor)
        result.append(value)
        cursor += strlen(cursor) + 1
    }
    return result
}

/// `count` tokens laid end to end in `bytes` (token i is `bytes[ends[i-1]..<ends[i]]`, with
/// id `ids[i]`), or nil if an end lies before its start.
func tokens(
    _ bytes: UnsafePointer<UInt8>?, _ ends: UnsafePointer<Int64>?, _ ids: UnsafePointer<UInt32>?, _ count: Int64
) -> [(bytes: [UInt8], id: TokenID)]? {
    var tokens: [(bytes: [UInt8], id: TokenID)] = []
    tokens.reserveCapacity(Int(max(0, count)))
    var start = 0
    for i in 0..<Int(max(0, count)) {
        let end = Int(ends![i])
        guard end >= start else { return nil }
        tokens.append((Array(UnsafeBufferPointer(start: bytes! + start, count: end - start)), ids![i]))
        start = end
    }
    return tokens
}

/// A malloc'd copy of `values` (at least one byte, so the pointer is never null).
func mallocCopy<T>(_ values: [T]) -> UnsafeMutablePointer<T> {
    let pointer = malloc(max(1, values.count * MemoryLayout<T>.stride))!.bindMemory(to: T.self, capacity: max(1, values.count))
    values.withUnsafeBufferPointer { source in
        if let base = source.baseAddress { pointer.initialize(from: base, count: source.count) }
    }
    return pointer
}

/// Frees anything the library returned (messages, id and byte buffers).
@_cdecl("sbpe_free")
public func sbpe_free(_ pointer: UnsafeMutableRawPointer?) {
    free(pointer)
}

/// The ABI version Python checks at import (bumped on any signature change).
@_cdecl("sbpe_abi_version")
public func sbpe_abi_version() -> Int32 { 4 }
