import Testing
@_spi(Plumbing) @testable import BPECore
@testable import BPEEncoding
@testable import BPEFormats
@testable import BPETraining

/// Words are keyed by their bytes (never by `String`, whose `==` merges NFC and NFD spellings).
@Suite struct WordCountTableTests {
    @Test func keysAreBytesSoCanonicallyEquivalentSpellingsStayApart() {
        let table = WordCountTable(minimumCapacity: 4)
        let composed = Array("\u{E9}t\u{E9}".utf8)
        let decomposed = Array("e\u{301}te\u{301}".utf8)
        #expect(String(decoding: composed, as: UTF8.self) == String(decoding: decomposed, as: UTF8.self))
        composed.withUnsafeBufferPointer { table.add($0.baseAddress!, length: $0.count, delta: 2, readableEnd: $0.baseAddress! + $0.count) }
        decomposed.withUnsafeBufferPointer { table.add($0.baseAddress!, length: $0.count, delta: 5, readableEnd: $0.baseAddress! + $0.count) }
        #expect(table.count(of: composed) == 2)
        #expect(table.count(of: decomposed) == 5)
        #expect(table.occupied == 2)
    }

    /// Short words (inline in the slot, read 16 bytes at a time when that stays inside the
    /// buffer) and long words (in the arena) alike, through growth and a merge of two tables.
    @Test func growingAndMergingKeepEveryCount() {
        var generator = CorpusGenerator(seed: 3)
        var expected: [[UInt8]: Int64] = [:]
        let tables = [WordCountTable(minimumCapacity: 2), WordCountTable(minimumCapacity: 2)]
        for step in 0..<50_000 {
            let length = 1 + generator.below(generator.below(2) == 0 ? 17 : 40)
            let word = (0..<length).map { _ in UInt8(generator.below(3) + 97) }
            let padding = generator.below(20)
            let delta = Int64(generator.below(3)) - (step % 7 == 0 ? 1 : 0)
            expected[word, default: 0] += delta
            // The word sits at the start of a buffer with 0 to 19 bytes of noise after it.
            let buffer = word + (0..<padding).map { _ in UInt8(generator.below(256)) }
            buffer.withUnsafeBufferPointer {
                tables[step % 2].add($0.baseAddress!, length: length, delta: delta, readableEnd: $0.baseAddress! + $0.count)
            }
        }
        for table in tables { table._checkInvariants() }
        tables[0].merge(tables[1])
        tables[0]._checkInvariants()
        var seen: [[UInt8]: Int64] = [:]
        tables[0].forEach { word, count in seen[Array(word)] = count }
        #expect(seen == expected.filter { $0.value != 0 })
    }

    /// Growth doubles the slots in place and moves each cluster's words (`grow()`): after
    /// every growth, from 16 slots to 256 Ki (past 2 MiB, where the slots are a mapping that
    /// `mremap` extends), every word is reachable from its home slot with its count, short and
    /// long words alike, including words whose probe wrapped around the doubled table's end.
    @Test func growingInPlaceKeepsEveryWordReachable() {
        var generator = CorpusGenerator(seed: 29)
        var deferred = 0
        var growths = 0
        for round in 0..<40 {
            let table = WordCountTable(minimumCapacity: 2)
            var expected: [[UInt8]: Int64] = [:]
            // One table grows to 256 Ki slots; the others, to 64 to 1,024, grow often and
            // wrap often.
            let words = round == 0 ? 120_000 : 30 + generator.below(600)
            var capacity = table.slotCapacity
            for number in 0..<words {
                let long = generator.below(10) == 0
                let word = Array("w\(number)".utf8) + (long ? Array(repeating: UInt8(97 + number % 26), count: 20) : [])
                let delta = Int64(1 + generator.below(5))
                expected[word, default: 0] += delta
                word.withUnsafeBufferPointer { table.add($0.baseAddress!, length: $0.count, delta: delta, readableEnd: $0.baseAddress! + $0.count) }
                if table.slotCapacity != capacity {
                    capacity = table.slotCapacity
                    growths += 1
                    if round > 0 || capacity >= 1 << 16 { table._checkInvariants() }
                }
            }
            table._checkInvariants()
            #expect(round > 0 || table.slotCapacity >= 1 << 18, "the first table passed 2 MiB of slots")
            var seen: [[UInt8]: Int64] = [:]
            table.forEach { word, count in seen[Array(word)] = count }
            #expect(seen == expected)
            deferred += table.deferredByGrowth
        }
        #expect(growths > 200)
        #expect(deferred > 0, "some probe wrapped around the doubled table's end")
    }

    /// Two big tables that hold mostly the same words (as the split workers' tables of one
    /// corpus do): their summed sizes would overflow 7/8 of the slots, their union does not, so
    /// the parallel merge counts the missing words first and merges in place, leaving the
    /// table up to 7/8 full; the next new word grows it back under 5/8. Counts stay exact,
    /// long words (always counted as missing) included.
    @Test(arguments: [1, 2, 3] as [Int])
    func overlappingTablesMergeWithoutMoving(threads: Int) {
        func add(_ word: [UInt8], _ delta: Int64, to table: WordCountTable) {
            word.withUnsafeBufferPointer { table.add($0.baseAddress!, length: $0.count, delta: delta, readableEnd: $0.baseAddress! + $0.count) }
        }
        func word(_ number: Int, length: Int = 6) -> [UInt8] {
            (0..<length).map { UInt8(97 + (number >> (3 * $0)) % 8) } + Array(String(number).utf8)
        }
        let tables = [WordCountTable(minimumCapacity: 2), WordCountTable(minimumCapacity: 2)]
        var expected: [[UInt8]: Int64] = [:]
        // 1,150 shared words, 100 each of their own (three of them long): 1,350 distinct.
        for number in 0..<1_150 {
            for (index, table) in tables.enumerated() {
                add(word(number), Int64(index + 1), to: table)
                expected[word(number), default: 0] += Int64(index + 1)
            }
        }
        for (index, table) in tables.enumerated() {
            for number in (2_000 + 1_000 * index)..<(2_100 + 1_000 * index) {
                let own = word(number, length: number % 40 == 0 ? 30 : 6)
                add(own, 7, to: table)
                expected[own, default: 0] += 7
            }
        }
        let capacity = tables[0].slotCapacity
        #expect(tables[0].occupied == 1_250 && capacity == 2_048)
        tables[0].merge([tables[1]], threads: threads, rangeSlots: 64)
        tables[0]._checkInvariants()
        #expect(tables[0].slotCapacity == capacity, "the union fits: the table did not move")
        #expect(tables[0].occupied == 1_350)
        var seen: [[UInt8]: Int64] = [:]
        tables[0].forEach { word, count in seen[Array(word)] = count }
        #expect(seen == expected)
        add(Array("new".utf8), 1, to: tables[0])
        #expect(tables[0].slotCapacity == 2 * capacity)
        #expect(tables[0].count(of: Array("new".utf8)) == 1)
        tables[0]._checkInvariants()
    }

    /// The parallel merge of several tables into one (`merge(_:threads:)`): the counts of a
    /// serial merge, at 1 to 4 workers, with short and long words, through the probes that
    /// leave a worker's range (a nearly full table) and through growth before and after.
    /// 64-slot ranges at 1,000 workers make many probes leave their range (deferred).
    @Test(arguments: [1, 2, 3, 4, 1000] as [Int], [4, 1 << 15] as [Int])
    func aParallelMergeAddsWhatASerialMergeAdds(threads: Int, firstCapacity: Int) {
        var generator = CorpusGenerator(seed: 11)
        var expected: [[UInt8]: Int64] = [:]
        let tables = [WordCountTable(minimumCapacity: firstCapacity)] + (0..<3).map { _ in WordCountTable(minimumCapacity: 2) }
        for step in 0..<40_000 {
            let length = 1 + generator.below(generator.below(4) == 0 ? 40 : 12)
            let word = (0..<length).map { _ in UInt8(generator.below(4) + 97) }
            let delta = Int64(generator.below(3)) - (step % 5 == 0 ? 1 : 0)
            expected[word, default: 0] += delta
            word.withUnsafeBufferPointer {
                tables[step % 4].add($0.baseAddress!, length: length, delta: delta, readableEnd: $0.baseAddress! + $0.count)
            }
        }
        tables[0].merge(Array(tables.dropFirst()), threads: threads, rangeSlots: threads == 1000 ? 64 : 4096)
        tables[0]._checkInvariants()
        var seen: [[UInt8]: Int64] = [:]
        tables[0].forEach { word, count in seen[Array(word)] = count }
        let truth = expected.filter { $0.value != 0 }
        let wrong = Set(seen.keys).union(truth.keys).filter { seen[$0] != truth[$0] }
        #expect(wrong.isEmpty, "\(wrong.count) words counted wrong, e.g. \(wrong.prefix(3).map { (String(decoding: $0, as: UTF8.self), seen[$0] ?? 0, truth[$0] ?? 0) })")
    }
}
