import Testing
@_spi(Plumbing) @testable import BPECore
@testable import BPEEncoding
@testable import BPEFormats
@testable import BPETraining

/// SPEC §1: invalid UTF-8 is found at its first byte, in parallel or not; `replace` swaps
/// each maximal invalid subpart for U+FFFD as Python's `errors="replace"` does.
@Suite struct UTF8ValidationTests {
    /// Swift's own decoder is the oracle: the first offset where re-encoding differs.
    static func oracle(_ bytes: [UInt8]) -> Int? {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case let .scalarValue(scalar): offset += UTF8.width(scalar)
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    /// The vector check (`bpe_utf8_check`, AVX2) against the scalar one and Swift's decoder,
    /// on strings built to cross its 32-byte blocks and 128-bit lanes at every offset: every
    /// one-, two-, three- and four-byte pattern of interesting bytes, placed at each position
    /// of a 70-byte window of ASCII or of well-formed multi-byte text (alone, cut after the
    /// pattern, and followed by a block of ASCII and more text), then random mixes of valid
    /// sequences and bad bytes of every length up to 300.
    @Test func theVectorCheckAgreesWithTheScalarCheck() {
        // Every lead and continuation class boundary of Table 3-7, and ASCII.
        let interesting: [UInt8] = [
            0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1,
            0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF,
        ]
        func agree(_ bytes: [UInt8], _ note: @autoclosure () -> String) {
            let expected = Self.oracle(bytes)
            bytes.withUnsafeBufferPointer { buffer in
                let scalar = UTF8Validation.scalarFirstInvalidOffset(in: buffer, from: 0, to: buffer.count)
                let fast = UTF8Validation.firstInvalidOffset(in: buffer, from: 0, to: buffer.count)
                #expect(scalar == expected, "\(note())")
                #expect(fast == expected, "\(note())")
            }
        }
        let fillers: [[UInt8]] = [Array(repeating: 0x61, count: 70), Array(String(repeating: "é€😀", count: 8).utf8)]
        var patterns: [[UInt8]] = []
        for a in interesting {
            patterns.append([a])
            for b in interesting {
                patterns.append([a, b])
                for c in interesting where a >= 0xE0 { patterns.append([a, b, c]) }
            }
        }
        for a: UInt8 in [0xF0, 0xF1, 0xF4] {
            for b: UInt8 in [0x8F, 0x90, 0xBF] {
                for c: UInt8 in [0x41, 0x80] { for d: UInt8 in [0x41, 0x80, 0xBF, 0xC2] { patterns.append([a, b, c, d]) } }
            }
        }
        for filler in fillers {
            for pattern in patterns {
                for position in [0, 1, 13, 14, 15, 16, 17, 29, 30, 31, 32, 33, 47, 62, 63] where position + pattern.count <= 70 {
                    var bytes = Array(filler.prefix(70))
                    // Keep the filler's own sequences whole around the pattern.
                    if filler[0] >= 0x80 {
                        bytes = Array(repeating: 0x61, count: position) + pattern + Array(filler.prefix(70 - position - pattern.count))
                    } else {
                        bytes.replaceSubrange(position..<(position + pattern.count), with: pattern)
                    }
                    agree(bytes, "\(pattern) at \(position)")
                    agree(Array(bytes.prefix(position + pattern.count)), "\(pattern) at the end, \(position)")
                    // Well-formed text after a block of ASCII: what the pattern left unfinished
                    // must still count.
                    agree(bytes + Array(repeating: 0x61, count: 40) + Array("é€".utf8), "\(pattern) at \(position), then text")
                }
            }
        }
        // A sequence cut at the end of a 32-byte block, a block of ASCII, then the bytes that
        // would finish it starting the next block: still an error, at the cut sequence.
        for (cut, rest) in [([0xC3], [0xA9]), ([0xE2], [0x82, 0xAC]), ([0xE2, 0x82], [0xAC]),
                            ([0xF0], [0x9F, 0x98, 0x80]), ([0xF0, 0x9F], [0x98, 0x80]), ([0xF0, 0x9F, 0x98], [0x80])]
            as [([UInt8], [UInt8])] {
            let bytes = Array(repeating: 0x61, count: 32 - cut.count) + cut + Array(repeating: 0x62, count: 32) + rest
                + Array("é".utf8) + Array(repeating: 0x63, count: 40)
            agree(bytes, "\(cut) cut, finished after a block of ASCII")
        }
        var generator = CorpusGenerator(seed: 11)
        let valid: [[UInt8]] = [[0x41], [0xC3, 0xA9], [0xE2, 0x82, 0xAC], [0xF0, 0x9F, 0x98, 0x80], [0xED, 0x9F, 0xBF], [0xF4, 0x8F, 0xBF, 0xBF]]
        for round in 0..<20_000 {
            var bytes: [UInt8] = []
            let length = generator.below(300)
            while bytes.count < length {
                if generator.below(200) == 0 {
                    bytes.append(generator.pick(interesting))
                } else {
                    bytes += generator.below(3) == 0 ? Array(repeating: 0x20, count: generator.below(40)) : generator.pick(valid)
                }
            }
            agree(bytes, "round \(round): \(bytes)")
        }
    }

    @Test func firstInvalidOffsetMatchesSwiftsDecoder() {
        var generator = CorpusGenerator(seed: 7)
        let pieces: [[UInt8]] = [
            [0x41], [0xC3, 0xA9], [0xE2, 0x82, 0xAC], [0xF0, 0x9F, 0x98, 0x80], [0x80], [0xC0, 0xAF],
            [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xF5], [0xFF], [0x0A],
        ]
        for _ in 0..<3000 {
            var bytes: [UInt8] = []
            for _ in 0..<generator.below(12) {
                bytes += generator.below(4) == 0 ? generator.pick(pieces) : Array("text ".utf8)
            }
            let expected = Self.oracle(bytes)
            let found = bytes.withUnsafeBufferPointer { UTF8Validation.firstInvalidOffset(in: $0, threads: 1) }
            #expect(found == expected, "\(bytes)")
        }
    }

    @Test func parallelValidationFindsTheSameFirstOffset() {
        var bytes = [UInt8](repeating: 0x61, count: 40 << 20)
        bytes[25_000_001] = 0xFF
        bytes[33_000_000] = 0x80
        let serial = bytes.withUnsafeBufferPointer { UTF8Validation.firstInvalidOffset(in: $0, threads: 1) }
        let parallel = bytes.withUnsafeBufferPointer { UTF8Validation.firstInvalidOffset(in: $0, threads: 4) }
        #expect(serial == 25_000_001)
        #expect(parallel == 25_000_001)
    }

    @Test func replaceSubstitutesEachMaximalSubpart() {
        // Python: b"a\xe2\x82b\xff\xf0\x9f\x98".decode("utf-8", "replace") == "a\ufffdb\ufffd\ufffd"
        let bytes: [UInt8] = [0x61, 0xE2, 0x82, 0x62, 0xFF, 0xF0, 0x9F, 0x98]
        let repaired = bytes.withUnsafeBufferPointer { UTF8Validation.repaired($0) }
        #expect(repaired == Array("a\u{FFFD}b\u{FFFD}\u{FFFD}".utf8))
    }
}
