import CUTF8
import Dispatch

/// UTF-8 well-formedness (Unicode Table 3-7), checked once per input so that PCRE2 can match
/// without re-checking (`pcre2_jit_match` never checks; SPEC §1 wants the first bad offset).
package enum UTF8Validation {
    /// The byte offset of the first ill-formed sequence in `bytes`, or `nil` if all is well-formed.
    ///
    /// Chunks are validated in parallel; chunk cuts are moved forward to an ASCII byte, which
    /// always starts a sequence, so the answer equals that of one serial pass. `afterChunk`
    /// is called with each chunk validated (to release its pages).
    /// - Complexity: O(n) work, O(n / threads) time.
    package static func firstInvalidOffset(
        in bytes: UnsafeBufferPointer<UInt8>, threads: Int,
        afterChunk: (@Sendable (Range<Int>) -> Void)? = nil
    ) -> Int? {
        let chunkTarget = 8 << 20
        var cuts = [0]
        var next = chunkTarget
        while next < bytes.count {
            var cut = next
            while cut < bytes.count && bytes[cut] >= 0x80 { cut += 1 }
            if cut >= bytes.count { break }
            cuts.append(cut)
            next = cut + chunkTarget
        }
        cuts.append(bytes.count)
        let chunkCount = cuts.count - 1
        if threads <= 1 || chunkCount == 1 {
            for chunk in 0..<chunkCount {
                if let offset = firstInvalidOffset(in: bytes, from: cuts[chunk], to: cuts[chunk + 1]) { return offset }
                afterChunk?(cuts[chunk]..<cuts[chunk + 1])
            }
            return nil
        }
        let storage = UnsafeMutableBufferPointer<Int>.allocate(capacity: chunkCount)
        defer { storage.deallocate() }
        storage.initialize(repeating: -1)
        let cutsCopy = cuts
        // Each iteration writes its own element; `bytes` is only read.
        nonisolated(unsafe) let results = storage
        nonisolated(unsafe) let bytes = bytes
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            let range = cutsCopy[chunk]..<cutsCopy[chunk + 1]
            results[chunk] = firstInvalidOffset(in: bytes, from: range.lowerBound, to: range.upperBound) ?? -1
            afterChunk?(range)
        }
        return results.first(where: { $0 >= 0 })
    }

    /// Serial validation of `bytes[start..<end]`, where `start` begins a sequence.
    /// Invariant of the loop: `i` is the start of a sequence and all before it is well-formed.
    package static func firstInvalidOffset(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int? {
        guard let base = bytes.baseAddress, start < end else { return nil }
        // The vector check (it halves the read phase of mixed-1g at one thread: BENCHMARKS.md)
        // says whether the range is well-formed as a string of its own; only then is it certainly well-formed here too, so a "no" (bad
        // input, or a sequence the range cuts) goes to the scalar check for the offset.
        if bpe_utf8_check(base + start, end - start) == 1 { return nil }
        return scalarFirstInvalidOffset(in: bytes, from: start, to: end)
    }

    /// `firstInvalidOffset(in:from:to:)` one sequence at a time (eight ASCII bytes at a time),
    /// with no vector unit: the reference the vector check is tested against.
    package static func scalarFirstInvalidOffset(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        var i = start
        while i < end {
            // Eight ASCII bytes at a time.
            if i + 8 <= end {
                let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 == 0 {
                    i += 8
                    continue
                }
            }
            let lead = base[i]
            if lead < 0x80 {
                i += 1
                continue
            }
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return i
            }
            if i + length > end { return i }
            let second = base[i + 1]
            if second < low || second > high { return i }
            var k = 2
            while k < length {
                if base[i + k] & 0xC0 != 0x80 { return i }
                k += 1
            }
            i += length
        }
        return nil
    }

    /// `bytes` with each maximal ill-formed subpart replaced by U+FFFD (EF BF BD), the
    /// substitution Python's `decode("utf-8", "replace")` and Swift's `String(decoding:)` make.
    /// - Complexity: O(n); allocates the repaired copy.
    package static func repaired(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        Array(String(decoding: bytes, as: UTF8.self).utf8)
    }
}
