@_spi(Plumbing) import BPECore

/// How often each word occurs, keyed by the word's bytes (never by `String`: two spellings of
/// one text are two words). What the split+count phase produces and `MergeLearner` reads.
///
/// `@unchecked Sendable`: like any class with mutable state, one thread may change it at a
/// time; reading from several threads at once is safe once nobody changes it.
public final class WordCounts: @unchecked Sendable {
    package let table: WordCountTable

    /// No words.
    public init() { table = WordCountTable() }

    package init(table: WordCountTable) { self.table = table }

    /// Adds `count` (which may be negative) to the count of `word`; an empty word is ignored.
    /// - Complexity: O(length) expected.
    public func add(_ word: [UInt8], count: Int64 = 1) {
        if word.isEmpty { return }
        word.withUnsafeBufferPointer { bytes in
            table.add(bytes.baseAddress!, length: bytes.count, delta: count, readableEnd: bytes.baseAddress! + bytes.count)
        }
    }

    /// Adds every count of `other` into these counts.
    /// - Complexity: O(distinct words of `other`) expected.
    public func add(contentsOf other: WordCounts) { table.merge(other.table) }

    /// The count of `word` (0 if absent).
    /// - Complexity: O(capacity): it scans the table (for tests and reports).
    public func count(of word: [UInt8]) -> Int64 { table.count(of: word) }

    /// Calls `body` with each word whose count is not zero, in no particular order.
    /// - Complexity: O(capacity + total bytes).
    public func forEach(_ body: (_ word: [UInt8], _ count: Int64) throws -> Void) rethrows {
        try table.forEach { bytes, count in try body(Array(bytes), count) }
    }

    /// The number of words with a non-zero count, and the sum of their counts.
    /// - Complexity: O(capacity).
    public var totals: (distinct: Int, occurrences: Int64) {
        var distinct = 0
        var occurrences: Int64 = 0
        table.forEach { _, count in
            distinct += 1
            occurrences += count
        }
        return (distinct, occurrences)
    }
}
