@_spi(Plumbing) import BPECore

extension Tokenizer {
    /// Encodes the inputs at `paths` on `settings.threads` workers and hands the ids to
    /// `consume` in input order, as they are ready (memory stays bounded by the work in
    /// flight). The ids equal those of encoding each whole input alone.
    ///
    /// Fails before any id is produced if an input is unreadable, not UTF-8 (unless
    /// repaired), or holds a special token the policy does not allow.
    /// - Returns: what was encoded: bytes, tokens and words, over all inputs.
    /// - Complexity: O(total bytes) work over the threads; the split regex dominates.
    @discardableResult
    public func encode(
        paths: [String], settings: EncodeSettings, progress: EncodeProgress? = nil,
        consume: (EncodedPart) throws(EncodeError) -> Void
    ) throws(EncodeError) -> EncodeSummary {
        var opened: [CorpusFile] = []
        for path in paths {
            do {
                opened.append(try CorpusFile.open(path, format: settings.inputFormat, invalidUTF8: settings.invalidUTF8))
            } catch { throw .input(error) }
        }
        return try encode(files: opened, settings: settings, progress: progress, consume: consume)
    }

    /// `encode(paths:...)` for inputs already opened or held in memory.
    @discardableResult
    func encode(
        files opened: [CorpusFile], settings: EncodeSettings, progress: EncodeProgress? = nil,
        consume: (EncodedPart) throws(EncodeError) -> Void
    ) throws(EncodeError) -> EncodeSummary {
        try settings.specialTokens.check(against: self)
        let scanned = settings.specialTokens.scans ? specialTokens.map(\.token) : []
        let read: (files: [CorpusFile], occurrences: [[SpecialTokenOccurrence]], repaired: Int)
        do throws(InputError) {
            read = try InputReader.prepare(
                opened, specialTokens: scanned, invalidUTF8: settings.invalidUTF8, threads: settings.threads)
        } catch {
            throw .input(error)
        }
        let files = read.files
        var hits: [[SpecialTokenHit]] = []
        for (file, occurrences) in zip(files, read.occurrences) {
            var allowed: [SpecialTokenHit] = []
            // The token is known from the scan: reading it back would fault in a page (and
            // its neighbours) of text that validation already dropped from memory.
            for occurrence in occurrences {
                let token = scanned[occurrence.token]
                guard settings.specialTokens.allows(token), let id = specialTokenID(token) else {
                    throw .disallowedSpecialToken(token: token, path: file.path, offset: occurrence.range.lowerBound)
                }
                allowed.append(SpecialTokenHit(range: occurrence.range, id: id))
            }
            hits.append(allowed)
        }
        let plan = WorkPlan(
            files: files, specialTokenOccurrences: hits.map { $0.map(\.range) }, shardBytes: max(1, settings.shardBytes),
            minimumLookahead: settings.minimumLookahead)
        let totalBytes = files.reduce(0) { $0 + $1.bytes.count }
        let units = plan.units
        let sharedHits = hits

        var join = EncodedStream()
        var summary = EncodeSummary(inputs: files.count, bytes: totalBytes)
        var fallbackEncoder: UnitEncoder? = nil
        var filesEnded = 0
        var bytesDone = 0
        try OrderedParallelMap.run(
            count: units.count, threads: settings.threads, window: 4 * settings.threads,
            makeWorker: { [self] in
                let encoder = UnitEncoder(self, inputBytes: totalBytes, heapThreshold: settings.heapThreshold)
                return { (index: Int) throws(EncodeError) -> EncodedUnit in
                    let unit = units[index]
                    let encoded = try encoder.encode(
                        unit: index, of: plan, file: files[unit.file], specials: sharedHits[unit.file],
                        leadingWordLimit: settings.leadingWordLimit)
                    files[unit.file].releasePages(unit.range)
                    return encoded
                }
            },
            deliver: { (index: Int, encoded: EncodedUnit) throws(EncodeError) in
                let unit = units[index]
                while filesEnded < unit.file {
                    try consume(.endOfFile(filesEnded))
                    filesEnded += 1
                }
                // Serial work on this thread (repairs, re-encodes) has its own encoder.
                func serialEncoder() -> UnitEncoder {
                    if let fallbackEncoder { return fallbackEncoder }
                    let made = UnitEncoder(self, inputBytes: totalBytes, heapThreshold: settings.heapThreshold)
                    fallbackEncoder = made
                    return made
                }
                let text = files[unit.file].bytes
                let (repaired, ids, words) = try join.admit(
                    encoded, text: text, encoder: serialEncoder
                ) { () throws(EncodeError) in
                    try serialEncoder().encode(
                        unit: index, of: plan, file: files[unit.file], specials: sharedHits[unit.file],
                        leadingWordLimit: Int.max)
                }
                if let repaired {
                    try consume(.ids(repaired.ids[...], file: unit.file, words: repaired.words))
                    summary.tokens += repaired.ids.count
                    summary.words += repaired.words
                }
                try consume(.ids(ids, file: unit.file, words: words))
                summary.tokens += ids.count
                summary.words += words
                bytesDone += unit.range.count
                progress?(bytesDone, totalBytes)
            })
        while filesEnded < files.count {
            try consume(.endOfFile(filesEnded))
            filesEnded += 1
        }
        return summary
    }

    /// The ids of UTF-8 `bytes` under `settings`, through the same parallel, sharded pipeline
    /// as files (threads and shards never change the result).
    /// - Complexity: O(n) work over the settings' threads.
    public func encode(bytes: [UInt8], settings: EncodeSettings) throws(EncodeError) -> [TokenID] {
        try encode(files: [CorpusFile.inMemory(bytes, path: "<text>")], settings: settings)
    }

    /// The ids of in-memory inputs, concatenated.
    func encode(files: [CorpusFile], settings: EncodeSettings) throws(EncodeError) -> [TokenID] {
        var ids: [TokenID] = []
        try encode(files: files, settings: settings) { (part: EncodedPart) throws(EncodeError) in
            if case let .ids(chunk, _, _) = part { ids.append(contentsOf: chunk) }
        }
        return ids
    }
}
