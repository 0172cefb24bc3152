@_spi(Plumbing) import BPECore
import Dispatch
import Synchronization

/// The split+count phase: `threads` Dispatch workers take work units from a shared counter,
/// split each unit's pieces with their own `PatternMatcher` and count the words into their
/// own `WordCountTable`. Nothing is shared per word: no lock, no atomic.
package enum ParallelWordCounter {
    /// One table per worker; their sum is the corpus's word counts.
    /// - Complexity: O(total bytes) work; the regex dominates.
    package static func count(
        files: [CorpusFile], plan: WorkPlan, pattern: CompiledPattern, threads: Int,
        progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil
    ) throws(PatternError) -> [WordCountTable] {
        try split(files: files, plan: plan, pattern: pattern, threads: threads, progress: progress) {
            WordCountTable()
        }
    }

    /// The split phase into any sink: one sink per worker, made by `makeSink`.
    package static func split<Sink: WordSink>(
        files: [CorpusFile], plan: WorkPlan, pattern: CompiledPattern, threads: Int,
        progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil,
        makeSink: () -> Sink
    ) throws(PatternError) -> [Sink] {
        let workers = max(1, min(threads, plan.units.count))
        let tables = (0..<workers).map { _ in makeSink() }
        let nextUnit = Atomic<Int>(0)
        let firstError = Mutex<PatternError?>(nil)
        let bytesDone = Atomic<Int>(0)
        let totalBytes = plan.units.reduce(0) { $0 + $1.range.count }

        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let matcher = PatternMatcher(pattern)
            let table = tables[worker]
            while true {
                let index = nextUnit.wrappingAdd(1, ordering: .relaxed).oldValue
                if index >= plan.units.count { return }
                let unit = plan.units[index]
                do throws(PatternError) {
                    let next = index + 1 < plan.units.count && plan.units[index + 1].file == unit.file
                        ? plan.units[index + 1] : nil
                    try countUnit(unit, next: next, file: files[unit.file], pieces: plan.pieces[unit.file],
                                  matcher: matcher, table: table)
                    files[unit.file].releasePages(unit.range)
                } catch {
                    firstError.withLock { if $0 == nil { $0 = error } }
                    // Stop everyone: the result is an error anyway.
                    nextUnit.store(plan.units.count, ordering: .relaxed)
                    return
                }
                // One atomic add per unit (about a megabyte), never per word; one worker reports.
                let done = bytesDone.wrappingAdd(unit.range.count, ordering: .relaxed).newValue
                if worker == 0, let progress { progress(done, totalBytes) }
            }
        }
        if let error = firstError.withLock({ $0 }) { throw error }
        return tables
    }

    /// Counts the segments of every piece that overlaps `unit`.
    static func countUnit<Sink: WordSink>(
        _ unit: WorkUnit, next: WorkUnit?, file: CorpusFile, pieces: [Range<Int>],
        matcher: PatternMatcher, table: Sink
    ) throws(PatternError) {
        let range = unit.characterRange(in: file.bytes)
        let nextEnd = next?.characterRange(in: file.bytes).upperBound ?? file.bytes.count
        // First piece ending after the unit's start.
        var low = 0
        var high = pieces.count
        while low < high {
            let mid = (low + high) / 2
            if pieces[mid].upperBound <= range.lowerBound { low = mid + 1 } else { high = mid }
        }
        var index = low
        let readableEnd = file.bytes.baseAddress! + file.bytes.count
        while index < pieces.count && pieces[index].lowerBound < range.upperBound {
            let piece = pieces[index]
            let subject = UnsafeBufferPointer(rebasing: file.bytes[piece])
            let start = max(piece.lowerBound, range.lowerBound) - piece.lowerBound
            let end = min(piece.upperBound, range.upperBound) - piece.lowerBound
            let segmentNextEnd = min(piece.upperBound, max(nextEnd, range.upperBound)) - piece.lowerBound
            var counter = SegmentCounter(sink: table, base: subject.baseAddress!, readableEnd: readableEnd)
            try SegmentWalk.walk(
                piece: subject, start: start, end: end, nextEnd: segmentNextEnd, matcher: matcher, visitor: &counter)
            index += 1
        }
    }
}
