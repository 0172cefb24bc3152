@_spi(Plumbing) import BPECore

/// Encoding one word: the lookup every word of the text goes through.
extension UnitEncoder {
    /// Appends the ranks of the word `bytes[0..<length]`: its own rank if it is a token, else
    /// `BytePairMerger`'s split (remembered in the cache, or the long-word dictionary). The
    /// word's rank-table `probe`, and for a short word maybe its cache `key`, were computed
    /// (and their memory prefetched) while it waited in the FIFO.
    /// - Complexity: O(length) expected for a token or a remembered word, O(length²) worst
    ///   case otherwise.
    @inline(__always)
    func encodeWord(
        _ bytes: UnsafePointer<UInt8>, length: Int, probe: RankTable.Probe, key: WordCache.Key? = nil,
        into output: inout [TokenID]
    ) {
        let whole = ranks.rank(bytes, length, from: probe)
        if whole != .none {
            output.append(whole)
            return
        }
        guard length <= WordCache.maximumWordLength else {
            encodeLongWord(bytes, length: length, into: &output)
            return
        }
        let key = key ?? cache.key(bytes, length: length)
        if cache.append(key, to: &output) { return }
        let start = output.count
        merger.merge(bytes, length: length, table: ranks, into: &output)
        cache.store(key, ids: output[start...])
    }

    /// A word too long for `WordCache`: rare, and its merge costs O(n log n), so a repeat of
    /// one up to `longestRememberedWord` bytes is looked up in a dictionary instead (bounded:
    /// emptied when it would hold more than `longWordBudget` bytes, about what the 16,384
    /// entries it used to be capped at held).
    func encodeLongWord(_ bytes: UnsafePointer<UInt8>, length: Int, into output: inout [TokenID]) {
        guard length <= Self.longestRememberedWord else {
            merger.merge(bytes, length: length, table: ranks, into: &output)
            return
        }
        let word = Array(UnsafeBufferPointer(start: bytes, count: length))
        if let ids = longWords[word] {
            output.append(contentsOf: ids)
            return
        }
        let start = output.count
        merger.merge(bytes, length: length, table: ranks, into: &output)
        let size = length + 4 * (output.count - start) + Self.longWordOverhead
        if longWordBytes + size > Self.longWordBudget {
            longWords.removeAll()
            longWordBytes = 0
        }
        longWords[word] = Array(output[start...])
        longWordBytes += size
    }
}

extension UnitEncoder {
    /// Appends the ids of every word of `piece` (text between special tokens), walked whole.
    /// - Complexity: one PCRE2 match and one lookup per word.
    func encodePiece(_ piece: UnsafeBufferPointer<UInt8>, into output: inout [TokenID]) throws(PatternError) {
        guard let base = piece.baseAddress, !piece.isEmpty else { return }
        var cursor = WordCursor(subject: piece, start: 0)
        while let word = try cursor.nextWord(matcher) {
            if word.isEmpty { continue }
            let bytes = base + word.lowerBound
            encodeWord(bytes, length: word.count, probe: ranks.probe(bytes, word.count), into: &output)
        }
    }
}
