@_spi(Plumbing) import BPECore
import BPEFormats
import HeapModule

/// Word-count files (`CountFileHeader` has the layout): count a corpus once, merge the counts
/// of many shards, train from them. Training from the counts of whole-document shards gives
/// the merges of training on the text.
public enum WordCountFiles {
    /// The header the counts of `configuration` carry: its resolved pattern, its special
    /// tokens and what runs its split.
    public static func header(for configuration: TrainConfiguration) throws(TrainingError) -> CountFileHeader {
        let pattern = try Training.compile(configuration)
        return CountFileHeader(
            pattern: configuration.resolvedPattern, specialTokens: configuration.specialTokens,
            split: pattern.splitDescription)
    }

    /// Reads, splits and counts the inputs of `configuration` (every input option applies) and
    /// writes the counts to `path` (temporary file, then rename).
    /// - Returns: the header written, with its totals.
    /// - Complexity: as training's read and split+count, then O(distinct words · log) to sort.
    @discardableResult
    public static func count(_ configuration: TrainConfiguration, to path: String) throws(TrainingError) -> CountFileHeader {
        var configuration = configuration
        // Counting needs no vocabulary: any size that validates.
        configuration.vocabSize = max(configuration.vocabSize, 256 + configuration.specialTokens.count)
        var header = try header(for: configuration)
        let tables = try Training.countWords(configuration).map(\.table)
        let table = tables[0]
        table.merge(Array(tables.dropFirst()), threads: configuration.threads)
        return try write(table, header: &header, to: path)
    }

    /// Writes the words of `counts` (those with a positive count) to `path`.
    @discardableResult
    public static func write(_ counts: WordCounts, header: CountFileHeader, to path: String) throws(TrainingError) -> CountFileHeader {
        var header = header
        return try write(counts.table, header: &header, to: path)
    }

    static func write(_ table: WordCountTable, header: inout CountFileHeader, to path: String) throws(TrainingError) -> CountFileHeader {
        // The table hands out short words from a scratch buffer: copy every word into one arena.
        var arena: [UInt8] = []
        var entries: [(start: Int, length: Int, count: UInt64)] = []
        table.forEach { word, count in
            guard count > 0 else { return }
            entries.append((arena.count, word.count, UInt64(count)))
            arena.append(contentsOf: word)
        }
        try arena.withUnsafeBufferPointer { (bytes) throws(TrainingError) in
            func word(_ entry: (start: Int, length: Int, count: UInt64)) -> UnsafeBufferPointer<UInt8> {
                UnsafeBufferPointer(rebasing: bytes[entry.start..<(entry.start + entry.length)])
            }
            entries.sort { ByteOrder.compare(word($0), word($1)) < 0 }
            do throws(FileError) {
                let writer = try CountFileWriter(path: path, header: header)
                do throws(FileError) {
                    for entry in entries { try writer.append(word(entry), count: entry.count) }
                    try writer.finish()
                } catch {
                    writer.abandon()
                    throw error
                }
            } catch {
                throw .output(error)
            }
        }
        header.words = UInt64(entries.count)
        header.total = entries.reduce(0) { $0 + $1.count }
        return header
    }

    /// Merges count files into one at `output` by a streaming k-way merge: memory is the
    /// inputs' mappings and one record, never their words. Words counted fewer than
    /// `minimumCount` times in all are left out (which changes what training learns).
    /// - Returns: the header written.
    /// - Complexity: O(total records · log files).
    @discardableResult
    public static func merge(_ paths: [String], into output: String, minimumCount: UInt64 = 1) throws(TrainingError) -> CountFileHeader {
        let stream = try MergedCounts(paths)
        let writer: CountFileWriter
        do { writer = try CountFileWriter(path: output, header: stream.header) } catch { throw .output(error) }
        do throws(TrainingError) {
            var words: UInt64 = 0
            var total: UInt64 = 0
            while let (word, count, _) = try stream.next() {
                guard count >= minimumCount else { continue }
                do { try writer.append(word, count: count) } catch { throw .output(error) }
                words += 1
                total += count
            }
            do { try writer.finish() } catch { throw .output(error) }
            var header = stream.header
            header.words = words
            header.total = total
            return header
        } catch {
            writer.abandon()
            throw error
        }
    }

    /// The merged words of `paths` in one table (what training from counts starts from),
    /// and their common header.
    static func table(of paths: [String]) throws(TrainingError) -> (WordCountTable, CountFileHeader) {
        let stream = try MergedCounts(paths)
        // Room for the largest file's words from the start (the merged words are at least
        // that many): growing there by doubling rehashed 3.3 M words 11 times for mixed-1g's
        // counts, each time into fresh memory.
        let table = WordCountTable(minimumCapacity: stream.largestFileWords)
        while let (word, count, end) = try stream.next() {
            guard count <= UInt64(Int64.max) else {
                throw .counts(CountFileError(path: paths.joined(separator: ", "), reason: "a word is counted more than 2^63 times"))
            }
            // The file stays mapped: a word's bytes are still there when its count is added.
            table.addSoon(word.baseAddress!, length: word.count, delta: Int64(count), readableEnd: end)
        }
        table.flush()
        return (table, stream.header)
    }
}

/// The records of several count files merged in order of their bytes, equal words summed.
final class MergedCounts {
    let header: CountFileHeader
    private let readers: [CountFileReader]
    private var heap: Heap<Head> = []

    struct Head: Comparable {
        var word: UnsafeBufferPointer<UInt8>
        var count: UInt64
        var reader: Int
        static func < (a: Head, b: Head) -> Bool {
            let order = ByteOrder.compare(a.word, b.word)
            return order != 0 ? order < 0 : a.reader < b.reader
        }
        static func == (a: Head, b: Head) -> Bool { a.reader == b.reader && ByteOrder.compare(a.word, b.word) == 0 }
    }

    /// The most records any one file holds (as its header says, within what its size allows).
    var largestFileWords: Int { readers.reduce(0) { max($0, $1.plausibleRecords) } }

    /// Opens and checks every file; all must share pattern, special tokens and split.
    init(_ paths: [String]) throws(TrainingError) {
        guard !paths.isEmpty else { throw .invalidSetting(.counts, value: "", reason: "name at least one count file") }
        var readers: [CountFileReader] = []
        do {
            for path in paths { readers.append(try CountFileReader(path: path)) }
        } catch {
            throw .counts(error)
        }
        header = readers[0].header
        for reader in readers.dropFirst() {
            if let difference = reader.header.difference(from: header) {
                throw .counts(CountFileError(
                    path: reader.path, reason: "it was counted with \(difference) of '\(readers[0].path)'; counts merge only if made alike"))
            }
        }
        self.readers = readers
        // One file is read straight through (`next`); several are merged through the heap.
        for index in readers.indices where readers.count > 1 {
            let next: (word: UnsafeBufferPointer<UInt8>, count: UInt64)?
            do { next = try readers[index].next() } catch { throw .counts(error) }
            if let next { heap.insert(Head(word: next.word, count: next.count, reader: index)) }
        }
    }

    /// The next distinct word, its count summed over the files, and the end of the memory
    /// its bytes lie in; nil after the last.
    func next() throws(TrainingError) -> (UnsafeBufferPointer<UInt8>, UInt64, UnsafePointer<UInt8>)? {
        if readers.count == 1 {
            // One file: its records are the answer, in order (no heap).
            let reader = readers[0]
            do {
                guard let (word, count) = try reader.next() else { return nil }
                return (word, count, reader.readableEnd)
            } catch {
                throw .counts(error)
            }
        }
        guard let first = heap.popMin() else { return nil }
        var count = first.count
        try advance(first.reader)
        while let top = heap.min, ByteOrder.compare(top.word, first.word) == 0 {
            _ = heap.popMin()
            let (sum, overflow) = count.addingReportingOverflow(top.count)
            guard !overflow else {
                throw .counts(CountFileError(path: readers[top.reader].path, reason: "a word's counts add up past 2^64"))
            }
            count = sum
            try advance(top.reader)
        }
        return (first.word, count, readers[first.reader].readableEnd)
    }

    private func advance(_ index: Int) throws(TrainingError) {
        let next: (word: UnsafeBufferPointer<UInt8>, count: UInt64)?
        do { next = try readers[index].next() } catch { throw .counts(error) }
        if let next { heap.insert(Head(word: next.word, count: next.count, reader: index)) }
    }
}
