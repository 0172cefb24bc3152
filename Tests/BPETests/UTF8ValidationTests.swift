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
