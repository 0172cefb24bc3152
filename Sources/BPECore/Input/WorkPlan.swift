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

    /// Plans `files`: finds the special tokens, then cuts each input every `shardBytes` bytes.
    /// - Complexity: O(total bytes / threads) for the token scan.
    package init(files: [CorpusFile], specialTokens: SpecialTokenScanner, shardBytes: Int, threads: Int) {
        self.init(
            files: files,
            specialTokenOccurrences: files.map { file in
                specialTokens.occurrences(in: file.bytes, threads: threads) { file.releasePages($0) }.map(\.range)
            },
            shardBytes: shardBytes)
    }

    /// Plans `files` whose special tokens were already found (`specialTokenOccurrences[i]`
    /// for file i, in order, never overlapping), cutting each every `shardBytes` bytes.
    /// - Complexity: O(special tokens + units); never reads the text.
    package init(files: [CorpusFile], specialTokenOccurrences: [[Range<Int>]], shardBytes: Int) {
        var pieces: [[Range<Int>]] = []
        var units: [WorkUnit] = []
        for (fileIndex, file) in files.enumerated() {
            let length = file.bytes.count
            var filePieces: [Range<Int>] = []
            var start = 0
            for token in specialTokenOccurrences[fileIndex] {
                if token.lowerBound > start { filePieces.append(start..<token.lowerBound) }
                start = token.upperBound
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
    }
}
