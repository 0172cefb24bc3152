@_spi(Plumbing) import BPECore
import BPEFormats

/// Counts words from text that arrives in batches (a Python iterator, a stream of records)
/// and trains from the counts: memory is one batch plus the distinct words, however many
/// documents come. Each batch is split and counted on the configuration's threads.
///
/// Documents are boundaries as special tokens are (no word spans two of them), so counting
/// documents in any batches gives the counts of training on files holding the same texts,
/// and `learn` gives their merges.
///
/// A class: it owns the growing counts, which must not be copied by accident.
public final class DocumentCounter {
    public let configuration: TrainConfiguration
    private let pattern: CompiledPattern
    private var table = WordCountTable()
    /// Bytes of text counted (after repairs), documents and special-token occurrences seen.
    public private(set) var bytes = 0
    public private(set) var documents = 0
    public private(set) var specialTokenOccurrences = 0
    public private(set) var repairedInputs = 0
    private let started = PhaseTimings.now()
    private var phases = PhaseTimings()

    /// Checks `configuration` (its inputs are not read; see `add(files:)`).
    public init(configuration: TrainConfiguration) throws(TrainingError) {
        try configuration.validate()
        self.configuration = configuration
        pattern = try Training.compile(configuration)
    }

    /// Counts one batch of documents: `text` holds them back to back, and document i ends at
    /// `ends[i]` (ascending; the last is `text.count`). The text is copied; it need not be
    /// valid UTF-8 (the configuration's `invalidUTF8` policy applies, per batch).
    /// - Complexity: O(batch bytes / threads) plus the new distinct words.
    public func add<Bytes: Collection>(text: Bytes, documentEnds ends: [Int]) throws(TrainingError) where Bytes.Element == UInt8 {
        guard ends.last == text.count, zip(ends, ends.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw .invalidSetting(.inputs, value: "\(ends.count) documents",
                                  reason: "document ends must ascend and the last must be the text's length")
        }
        documents += ends.count
        if text.isEmpty { return }
        let interior = ends.dropLast().filter { $0 > 0 && $0 < text.count }
        var unique: [Int] = []
        for end in interior where unique.last != end { unique.append(end) }
        let file = CorpusFile(path: "<documents \(documents - ends.count)–\(documents - 1)>", copying: text, documentEnds: unique)
        try count([file]) { () throws(InputError) in
            try InputReader.prepare(
                [file], specialTokens: configuration.specialTokens, invalidUTF8: configuration.invalidUTF8,
                threads: configuration.threads)
        }
    }

    /// Counts files (text or JSON Lines: `format`, by default the configuration's
    /// `inputFormat`; gzip and zstd either way), as training on them would.
    /// - Complexity: O(total bytes / threads).
    public func add(files paths: [String], format: InputFormat? = nil) throws(TrainingError) {
        if case let .jsonl(field)? = format, field.isEmpty {
            throw .invalidSetting(.textField, value: field, reason: "name the JSON field that holds the text")
        }
        try count(nil) { () throws(InputError) in
            try InputReader.read(
                paths, format: format ?? configuration.inputFormat, specialTokens: configuration.specialTokens,
                invalidUTF8: configuration.invalidUTF8, threads: configuration.threads)
        }
        documents += paths.count
    }

    /// Adds the counts of word-count files (`WordCountFiles`), which must have been counted
    /// with this configuration's pattern, special tokens and split.
    /// - Complexity: O(records of the files) expected.
    public func add(countFiles paths: [String]) throws(TrainingError) {
        let expected = try WordCountFiles.header(for: configuration)
        let (other, header) = try phases.measure(.read) { () throws(TrainingError) in try WordCountFiles.table(of: paths) }
        if let difference = header.difference(from: expected) {
            throw .counts(CountFileError(path: paths[0], reason: "it was counted with \(difference) of this trainer"))
        }
        // Nothing counted yet (the usual case): take the table as it is, not a second copy.
        if table.occupied == 0 { table = other } else { phases.measure(.mergeTables) { table.merge(other) } }
    }

    /// Writes everything counted so far as a word-count file at `path`.
    /// - Returns: its header, with the totals.
    @discardableResult
    public func writeCounts(to path: String) throws(TrainingError) -> CountFileHeader {
        var header = try WordCountFiles.header(for: configuration)
        return try WordCountFiles.write(table, header: &header, to: path)
    }

    private func count(
        _ files: [CorpusFile]?,
        read: () throws(InputError) -> (files: [CorpusFile], occurrences: [[SpecialTokenOccurrence]], repaired: Int)
    ) throws(TrainingError) {
        let (files, occurrences, repaired): ([CorpusFile], [[SpecialTokenOccurrence]], Int)
        do { (files, occurrences, repaired) = try phases.measure(.read) { () throws(InputError) in try read() } } catch {
            throw .input(error)
        }
        let plan = WorkPlan(
            files: files, specialTokenOccurrences: occurrences.map { $0.map(\.range) }, shardBytes: configuration.shardBytes,
            minimumLookahead: configuration.minimumLookahead)
        let tables = try phases.measure(.splitCount) { () throws(TrainingError) in
            do throws(PatternError) {
                return try ParallelWordCounter.count(files: files, plan: plan, pattern: pattern, threads: configuration.threads)
            } catch {
                throw .pattern(error)
            }
        }
        phases.measure(.mergeTables) { table.merge(tables, threads: configuration.threads) }
        bytes += files.reduce(0) { $0 + $1.bytes.count }
        specialTokenOccurrences += plan.specialTokenCounts.reduce(0, +)
        repairedInputs += repaired
    }

    /// The counts so far (a copy).
    public var wordCounts: WordCounts {
        let copy = WordCountTable()
        copy.merge(table)
        return WordCounts(table: copy)
    }

    /// Learns merges from everything counted, per the configuration (its vocabulary size,
    /// minimum frequency, tie-break, ...). With `keepingCounts` (the default) the counts stay
    /// and `learn` may be called again; without, they are handed to the learner and freed once
    /// it has copied the words (less memory at the peak), and the counter is empty after.
    /// - Complexity: as the merge phases of `Training.learn`.
    public func learn(
        keepingCounts: Bool = true, progress: (@Sendable (TrainingProgress) -> Void)? = nil
    ) throws(TrainingError) -> TrainingOutcome {
        let statistics = (bytes, specialTokenOccurrences, repairedInputs)
        var tables = [table]
        if !keepingCounts { table = WordCountTable() }
        return try Training.learnMerges(
            from: &tables, configuration: configuration, phases: phases, startedAt: started, progress: progress
        ) { words, unique in
            CorpusStatistics(
                bytes: statistics.0, words: words, uniqueWords: unique, specialTokenOccurrences: statistics.1,
                repairedInputs: statistics.2)
        }
    }
}
