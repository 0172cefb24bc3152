/// Where the split phase sends words: a `WordCountTable` normally, a `WordTally` when only
/// the split itself is measured. Generic code specializes per sink, so neither pays for the other.
package protocol WordSink: AnyObject, Sendable {
    /// Adds 1 for the word `bytes[0..<length]`, possibly later (see `WordCountTable.addSoon`).
    func addSoon(_ bytes: UnsafePointer<UInt8>, length: Int, readableEnd: UnsafePointer<UInt8>)
    /// Adds `delta` for the word `bytes[0..<length]` now.
    func add(_ bytes: UnsafePointer<UInt8>, length: Int, delta: Int64, readableEnd: UnsafePointer<UInt8>)
}

extension WordCountTable: WordSink {}

/// Counts words and their bytes without remembering them: the split-only measurement of
/// `bpe split-throughput`, the floor that counting is compared with.
///
/// `@unchecked Sendable`: one worker owns an instance; totals are read after the workers end.
package final class WordTally: WordSink, @unchecked Sendable {
    package private(set) var words: Int64 = 0
    package private(set) var bytes: Int64 = 0
    /// Keeps two workers' tallies off one cache line (they are written for every word).
    private let padding: (Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

    package init() {}

    @inline(__always)
    package func addSoon(_ bytes: UnsafePointer<UInt8>, length: Int, readableEnd: UnsafePointer<UInt8>) {
        words += 1
        self.bytes += Int64(length)
    }

    @inline(__always)
    package func add(_ bytes: UnsafePointer<UInt8>, length: Int, delta: Int64, readableEnd: UnsafePointer<UInt8>) {
        words += delta
        self.bytes += delta * Int64(length)
    }
}
