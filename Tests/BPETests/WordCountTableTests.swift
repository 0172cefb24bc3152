import Testing
@testable import BPE

/// Words are keyed by their bytes (never by `String`, whose `==` merges NFC and NFD spellings).
@Suite struct WordCountTableTests {
    @Test func keysAreBytesSoCanonicallyEquivalentSpellingsStayApart() {
        let table = WordCountTable(minimumCapacity: 4)
        let composed = Array("\u{E9}t\u{E9}".utf8)
        let decomposed = Array("e\u{301}te\u{301}".utf8)
        #expect(String(decoding: composed, as: UTF8.self) == String(decoding: decomposed, as: UTF8.self))
        composed.withUnsafeBufferPointer { table.add($0.baseAddress!, length: $0.count, delta: 2) }
        decomposed.withUnsafeBufferPointer { table.add($0.baseAddress!, length: $0.count, delta: 5) }
        #expect(table.count(of: composed) == 2)
        #expect(table.count(of: decomposed) == 5)
        #expect(table.occupied == 2)
    }

    @Test func growingAndMergingKeepEveryCount() {
        var generator = CorpusGenerator(seed: 3)
        var expected: [[UInt8]: Int64] = [:]
        let tables = [WordCountTable(minimumCapacity: 2), WordCountTable(minimumCapacity: 2)]
        for step in 0..<50_000 {
            let length = generator.below(20)
            let word = (0..<length).map { _ in UInt8(generator.below(4) + 97) }
            let delta = Int64(generator.below(3)) - (step % 7 == 0 ? 1 : 0)
            expected[word, default: 0] += delta
            word.withUnsafeBufferPointer {
                tables[step % 2].add($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, length: $0.count, delta: delta)
            }
        }
        tables[0].merge(tables[1])
        var seen: [[UInt8]: Int64] = [:]
        tables[0].forEach { word, count in seen[Array(word)] = count }
        #expect(seen == expected.filter { $0.value != 0 })
    }
}
