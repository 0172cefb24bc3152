import Dispatch
import SystemPackage

/// The read phase of a mapped input done with `pread` instead of through its mapping: the
/// UTF-8 check and the special-token search of `InputReader`, chunk by chunk, each worker
/// reading into one buffer of its own that stays in its cache.
///
/// Why: through the mapping every page is faulted in, scanned, and dropped again (so that
/// memory stays bounded), and the kernel's share of that work (mapping and unmapping pages,
/// taken under the process's memory-map lock) kept the phase from scaling with threads.
/// Reading copies the page cache into a small buffer instead; the mapping is left untouched
/// for the split phase.
///
/// The answers are those of the mapping's scan: the first ill-formed UTF-8 sequence, and
/// the longest special token at each position (candidates for `SpecialTokenScanner.leftmost`).
/// Memory: one buffer of `chunkSize` + `lookahead` + the longest token per worker (at most
/// the file's size).
package enum ReadingScan {
    /// Bytes per chunk: several per worker for balance, small enough to stay in cache.
    package static let defaultChunkSize = 1 << 20
    /// How far past a chunk's nominal end its cut is looked for.
    static let lookahead = 64

    /// The first invalid UTF-8 offset of the file `descriptor` (of `size` bytes, named `path`
    /// in errors), or nil, and the special-token candidates of each chunk in text order.
    ///
    /// Chunks are cut at the first byte at or after each multiple of `chunkSize` that is not
    /// a continuation byte (10xxxxxx): a serial check that found nothing wrong before such a
    /// byte is at a sequence's start there, so checking chunks alone gives its answer. When
    /// no such byte comes within `lookahead` bytes the text there is ill-formed (at most three
    /// continuation bytes follow a lead byte): the cut is made at the nominal end, and the
    /// chunk before it is checked with the scalar check over its lookahead too, which finds
    /// the error by then, as a serial check would.
    /// - Throws: `InputError.file` when the file cannot be read or is shorter than `size`.
    /// - Complexity: O(size / threads).
    package static func scan(
        _ descriptor: FileDescriptor, size: Int, path: String, scanner: SpecialTokenScanner, threads: Int,
        chunkSize: Int = defaultChunkSize
    ) throws(InputError) -> (invalidAt: Int?, candidates: [[SpecialTokenOccurrence]]) {
        precondition(chunkSize > 0)
        let chunkCount = (size + chunkSize - 1) / chunkSize
        if chunkCount == 0 { return (nil, []) }
        let workers = max(1, min(threads, chunkCount))
        let margin = lookahead + scanner.longestTokenLength
        let results = ChunkResults(count: chunkCount)
        let next = LockedValue(0)
        let body = { @Sendable (_: Int) in
            // A chunk and its lookahead, or the whole of a smaller file.
            let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: min(chunkSize + margin, size))
            defer { buffer.deallocate() }
            while true {
                let chunk = next.withLock { value -> Int in
                    defer { value += 1 }
                    return value
                }
                if chunk >= chunkCount || results.failed { return }
                do throws(InputError) {
                    results.store(
                        try scanChunk(chunk, of: descriptor, size: size, path: path, chunkSize: chunkSize,
                                      margin: margin, scanner: scanner, buffer: buffer),
                        at: chunk)
                } catch {
                    results.fail(error)
                    return
                }
            }
        }
        if workers == 1 { body(0) } else { DispatchQueue.concurrentPerform(iterations: workers) { body($0) } }
        return try results.collected()
    }

    /// One chunk: reads `[start, end + margin)` (within the file), cuts it, checks it and
    /// finds its candidates.
    private static func scanChunk(
        _ chunk: Int, of descriptor: FileDescriptor, size: Int, path: String, chunkSize: Int, margin: Int,
        scanner: SpecialTokenScanner, buffer: UnsafeMutableBufferPointer<UInt8>
    ) throws(InputError) -> (invalidAt: Int?, candidates: [SpecialTokenOccurrence]) {
        let start = chunk * chunkSize
        let nominalEnd = min(size, start + chunkSize)
        let readEnd = min(size, nominalEnd + margin)
        do {
            try FileAccess.read(
                descriptor, exactly: UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[0..<(readEnd - start)]),
                at: start, path: path)
        } catch { throw .file(error) }
        let bytes = UnsafeBufferPointer(rebasing: buffer[0..<(readEnd - start)])
        // Offsets below are relative to `start`.
        let (from, _) = start == 0 ? (0, false) : cut(at: 0, in: bytes)
        let (to, forced) = nominalEnd == size ? (size - start, false) : cut(at: nominalEnd - start, in: bytes)
        guard from < to else { return (nil, []) }
        // A forced cut's chunk is checked over its lookahead, where the error is found.
        let invalidAt = UTF8Validation.firstInvalidOffset(in: bytes, from: from, to: forced ? bytes.count : to)
        let candidates = scanner.isEmpty ? [] : scanner.candidates(in: bytes, from: from, to: to).map {
            SpecialTokenOccurrence(range: ($0.range.lowerBound + start)..<($0.range.upperBound + start), token: $0.token)
        }
        return (invalidAt.map { $0 + start }, candidates)
    }

    /// The cut at or after `offset`: the first byte that is not a continuation byte within
    /// `lookahead` bytes (or the end of `bytes`, which ends the file when it comes first), or
    /// `offset` itself, forced, when there is none.
    private static func cut(at offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (Int, forced: Bool) {
        var position = offset
        let limit = min(bytes.count, offset + lookahead)
        while position < limit {
            if bytes[position] & 0xC0 != 0x80 { return (position, false) }
            position += 1
        }
        // Fewer than `lookahead` bytes left: the file ends inside the run.
        return limit == bytes.count && limit < offset + lookahead ? (bytes.count, false) : (offset, true)
    }
}

/// Each chunk's result, and the first error, gathered from the workers.
private final class ChunkResults: Sendable {
    private let state: LockedValue<(invalid: [Int?], candidates: [[SpecialTokenOccurrence]], error: InputError?)>

    init(count: Int) {
        state = LockedValue((Array(repeating: nil, count: count), Array(repeating: [], count: count), nil))
    }

    var failed: Bool { state.withLock { $0.error != nil } }

    func store(_ result: (invalidAt: Int?, candidates: [SpecialTokenOccurrence]), at chunk: Int) {
        state.withLock {
            $0.invalid[chunk] = result.invalidAt
            $0.candidates[chunk] = result.candidates
        }
    }

    func fail(_ error: InputError) {
        state.withLock { if $0.error == nil { $0.error = error } }
    }

    func collected() throws(InputError) -> (invalidAt: Int?, candidates: [[SpecialTokenOccurrence]]) {
        let (invalid, candidates, error) = state.withLock { $0 }
        if let error { throw error }
        return (invalid.lazy.compactMap { $0 }.first, candidates)
    }
}
