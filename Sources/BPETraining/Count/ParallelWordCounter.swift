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
        let firstError = LockedValue<PatternError?>(nil)
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
                    try countUnit(index, of: plan, file: files[unit.file], matcher: matcher, table: table)
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

    /// Counts the segments of every piece that overlaps unit `index` of `plan`.
    static func countUnit<Sink: WordSink>(
        _ index: Int, of plan: WorkPlan, file: CorpusFile, matcher: PatternMatcher, table: Sink
    ) throws(PatternError) {
        let readableEnd = file.bytes.baseAddress! + file.bytes.count
        for segment in plan.segments(ofUnit: index, in: file.bytes).segments {
            let piece = segment.piece
            let subject = UnsafeBufferPointer(rebasing: file.bytes[piece])
            var counter = SegmentCounter(sink: table, base: subject.baseAddress!, readableEnd: readableEnd)
            try SegmentWalk.walk(
                piece: subject, start: segment.start - piece.lowerBound, end: segment.end - piece.lowerBound,
                nextEnd: segment.nextEnd - piece.lowerBound, matcher: matcher, visitor: &counter)
        }
    }
}
