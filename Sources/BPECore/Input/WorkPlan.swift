/// One unit of split+count work: a byte range of one input, cut without regard to words.
/// `SegmentWalk` makes a cut anywhere give the same words as no cut.
package struct WorkUnit: Sendable, Equatable {
    package var file: Int
    /// The nominal range; `characterRange(in:)` moves both ends to character starts.
    package var range: Range<Int>

    /// `range` with each end moved forward to the start of a UTF-8 character. Neighbouring
    /// units share a nominal end, so they agree on where one stops and the next starts; the
    /// planner itself never reads the text (a read would fault in pages nobody releases).
    package func characterRange(in text: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        func snapped(_ offset: Int) -> Int {
            var offset = offset
            while offset < text.count && text[offset] & 0xC0 == 0x80 { offset += 1 }
            return offset
        }
        return snapped(range.lowerBound)..<snapped(range.upperBound)
    }
}

/// The pieces (text between special tokens) of every input and the work units over them.
package struct WorkPlan: Sendable {
    /// Per input, the non-empty ranges between special tokens, in order.
    package let pieces: [[Range<Int>]]
    package let units: [WorkUnit]
    /// Per input, the number of special-token occurrences found.
    package let specialTokenCounts: [Int]
    /// How far past its end a segment may read, at least (see `UnitSegment.limit`).
    package let minimumLookahead: Int

    /// The default `minimumLookahead`: a word or whitespace run shorter than this (plus the
    /// segment's length) never needs `SegmentRepair`. Tests lower it to exercise the repair.
    package static let defaultMinimumLookahead = 4096

    /// Plans `files`: finds the special tokens, then cuts each input every `shardBytes` bytes.
    /// - Complexity: O(total bytes / threads) for the token scan.
    package init(
        files: [CorpusFile], specialTokens: SpecialTokenScanner, shardBytes: Int, threads: Int,
        minimumLookahead: Int = defaultMinimumLookahead
    ) {
        self.init(
            files: files,
            specialTokenOccurrences: files.map { file in
                specialTokens.occurrences(in: file.bytes, threads: threads) { file.releasePages($0) }.map(\.range)
            },
            shardBytes: shardBytes, minimumLookahead: minimumLookahead)
    }

    /// Plans `files` whose special tokens were already found (`specialTokenOccurrences[i]`
    /// for file i, in order, never overlapping), cutting each every `shardBytes` bytes.
    /// - Complexity: O(special tokens + units); never reads the text.
    package init(
        files: [CorpusFile], specialTokenOccurrences: [[Range<Int>]], shardBytes: Int,
        minimumLookahead: Int = defaultMinimumLookahead
    ) {
        var pieces: [[Range<Int>]] = []
        var units: [WorkUnit] = []
        for (fileIndex, file) in files.enumerated() {
            let length = file.bytes.count
            var filePieces: [Range<Int>] = []
            var start = 0
            // Special tokens, and document ends as empty ranges, in text order.
            var boundaries = specialTokenOccurrences[fileIndex]
            if !file.documentEnds.isEmpty {
                boundaries = Self.merged(boundaries, file.documentEnds.map { $0..<$0 })
            }
            for token in boundaries {
                if token.lowerBound > start { filePieces.append(start..<token.lowerBound) }
                start = max(start, token.upperBound)
            }
            if length > start { filePieces.append(start..<length) }
            pieces.append(filePieces)

            var cut = 0
            while cut < length {
                let next = cut + Swift.min(shardBytes, length - cut)
                units.append(WorkUnit(file: fileIndex, range: cut..<next))
                cut = next
            }
        }
        self.pieces = pieces
        self.units = units
        self.specialTokenCounts = specialTokenOccurrences.map(\.count)
        self.minimumLookahead = max(0, minimumLookahead)
    }
}

extension WorkPlan {
    /// Two ascending lists of ranges as one ascending list (by start).
    static func merged(_ a: [Range<Int>], _ b: [Range<Int>]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        result.reserveCapacity(a.count + b.count)
        var i = 0
        var j = 0
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i].lowerBound <= b[j].lowerBound) {
                result.append(a[i]); i += 1
            } else {
                result.append(b[j]); j += 1
            }
        }
        return result
    }
}

/// The part of one piece that one work unit covers, in file offsets: what `SegmentWalk`
/// walks (relative to `piece`).
package struct UnitSegment: Sendable, Equatable {
    /// The piece (text between special tokens) the segment lies in.
    package var piece: Range<Int>
    /// Where the unit's share of the piece starts and ends (character starts).
    package var start: Int
    package var end: Int
    /// What the segment's walk may read up to, not including (a character start): the
    /// piece's end if the segment ends with the piece, else the segment's length past its
    /// end and at least `WorkPlan.minimumLookahead`, within the piece. Each segment's reading
    /// is thus bounded by a few times its length (see `SegmentWalk`).
    package var limit: Int
}

extension WorkPlan {
    /// The unit after `index` if it is of the same input.
    package func unit(after index: Int) -> WorkUnit? {
        index + 1 < units.count && units[index + 1].file == units[index].file ? units[index + 1] : nil
    }

    /// Unit `index`'s character range in `text` (its input's bytes) and its segments: one per
    /// piece it overlaps, in text order. Counting and encoding walk a unit the same way.
    /// - Complexity: O(log pieces + segments).
    package func segments(ofUnit index: Int, in text: UnsafeBufferPointer<UInt8>) -> (range: Range<Int>, segments: [UnitSegment]) {
        let pieces = self.pieces[units[index].file]
        let range = units[index].characterRange(in: text)
        // The first piece ending after the unit's start.
        var low = 0
        var high = pieces.count
        while low < high {
            let mid = (low + high) / 2
            if pieces[mid].upperBound <= range.lowerBound { low = mid + 1 } else { high = mid }
        }
        var segments: [UnitSegment] = []
        var pieceIndex = low
        while pieceIndex < pieces.count && pieces[pieceIndex].lowerBound < range.upperBound {
            let piece = pieces[pieceIndex]
            let start = max(piece.lowerBound, range.lowerBound)
            let end = min(piece.upperBound, range.upperBound)
            var limit = min(piece.upperBound, end + max(end - start, minimumLookahead))
            while limit < piece.upperBound && text[limit] & 0xC0 == 0x80 { limit += 1 }
            segments.append(UnitSegment(piece: piece, start: start, end: end, limit: limit))
            pieceIndex += 1
        }
        return (range, segments)
    }
}
