/// Distinct words with their counts, cut into parts that several threads can read at once:
/// what the merge trainer copies its words from (`MergeTrainer.copyWords`).
///
/// Invariant: the parts together hand out every word once, and no word twice.
protocol WordPartitions: Sendable {
    var partCount: Int { get }
    /// Calls `body` with each word of part `part` (its bytes valid during the call) and its count.
    func forEach(inPart part: Int, _ body: (UnsafeBufferPointer<UInt8>, Int64) -> Void)
}

/// A word table's slots cut into `partCount` ranges that tile them.
struct WordTableParts: WordPartitions {
    let table: WordCountTable
    let partCount: Int

    /// The slots of `table` in `parts` ranges; the table's held-back counts are added first.
    init(_ table: WordCountTable, parts: Int) {
        precondition(parts >= 1)
        table.flush()
        self.table = table
        partCount = parts
    }

    func forEach(inPart part: Int, _ body: (UnsafeBufferPointer<UInt8>, Int64) -> Void) {
        let slots = table.slotCapacity
        table.forEach(inSlots: (slots * part / partCount)..<(slots * (part + 1) / partCount), body)
    }
}
