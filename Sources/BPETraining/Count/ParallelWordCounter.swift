@_spi(Plumbing) import BPECore
import Dispatch
import Synchronization

/// The split+count phase: `threads` Dispatch workers take work units from a shared counter,
/// split each unit's pieces with their own `PatternMatcher` and count the words into their
/// own `WordCountTable`. Nothing is shared per word: no lock, no atomic. Segments whose walk
/// would have had to read far past their end (long words, long runs: see `SegmentWalk`) are
/// finished afterwards by `SegmentRepair`, in text order, on the calling thread.
package enum ParallelWordCounter {
    /// One table per worker; their sum is the corpus's word counts.
    /// - Complexity: O(total bytes) work; the regex dominates.
    package static func count(
        files: [CorpusFile], plan: WorkPlan, pattern: CompiledPattern, threads: Int,
        progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil,
        units: LockedValue<[TrainingTimeline.UnitSpan]>? = nil
    ) throws(PatternError) -> [WordCountTable] {
        try split(files: files, plan: plan, pattern: pattern, threads: threads, progress: progress, units: units) {
            WordCountTable()
        }
    }

    /// A segment whose walk stopped at its limit: unit, segment, and where it stopped.
    struct IncompleteSegment {
        var unit: Int
        var segment: UnitSegment
        var state: WordCursor.State
    }

    /// The split phase into any sink: one sink per worker, made by `makeSink`.
    package static func split<Sink: WordSink>(
        files: [CorpusFile], plan: WorkPlan, pattern: CompiledPattern, threads: Int,
        progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil,
        units spans: LockedValue<[TrainingTimeline.UnitSpan]>? = nil,
        makeSink: () -> Sink
    ) throws(PatternError) -> [Sink] {
        let workers = max(1, min(threads, plan.units.count))
        let tables = (0..<workers).map { _ in makeSink() }
        let nextUnit = Atomic<Int>(0)
        let firstError = LockedValue<PatternError?>(nil)
        let incomplete = LockedValue<[IncompleteSegment]>([])
        let bytesDone = Atomic<Int>(0)
        let totalBytes = plan.units.reduce(0) { $0 + $1.range.count }

        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let matcher = PatternMatcher(pattern)
            let table = tables[worker]
            while true {
                let index = nextUnit.wrappingAdd(1, ordering: .relaxed).oldValue
                if index >= plan.units.count { return }
                let unit = plan.units[index]
                let started = spans == nil ? 0 : PhaseTimings.now()
                do throws(PatternError) {
                    if let stopped = try countUnit(index, of: plan, file: files[unit.file], matcher: matcher, table: table) {
                        incomplete.withLock { $0.append(stopped) }
                    }
                    files[unit.file].releasePages(unit.range)
                } catch {
                    firstError.withLock { if $0 == nil { $0 = error } }
                    // Stop everyone: the result is an error anyway.
                    nextUnit.store(plan.units.count, ordering: .relaxed)
                    return
                }
                if let spans {
                    let span = TrainingTimeline.UnitSpan(worker: worker, start: started, end: PhaseTimings.now(), bytes: unit.range.count)
                    spans.withLock { $0.append(span) }
                }
                // One atomic add per unit (about a megabyte), never per word; one worker reports.
                let done = bytesDone.wrappingAdd(unit.range.count, ordering: .relaxed).newValue
                if worker == 0, let progress { progress(done, totalBytes) }
            }
        }
        if let error = firstError.withLock({ $0 }) { throw error }
        let stopped = incomplete.withLock { $0 }
        if !stopped.isEmpty {
            try repair(stopped, of: plan, files: files, matcher: PatternMatcher(pattern), table: tables[0])
        }
        return tables
    }

    /// Counts the segments of every piece that overlaps unit `index` of `plan`. Returns the
    /// unit's last segment if its walk is incomplete (only a segment that ends inside its
    /// piece, the last, can be).
    static func countUnit<Sink: WordSink>(
        _ index: Int, of plan: WorkPlan, file: CorpusFile, matcher: PatternMatcher, table: Sink
    ) throws(PatternError) -> IncompleteSegment? {
        let readableEnd = file.bytes.baseAddress! + file.bytes.count
        var stopped: IncompleteSegment?
        for segment in plan.segments(ofUnit: index, in: file.bytes).segments {
            let piece = segment.piece
            let subject = UnsafeBufferPointer(rebasing: file.bytes[piece])
            var counter = SegmentCounter(sink: table, base: subject.baseAddress!, readableEnd: readableEnd)
            let outcome = try SegmentWalk.walk(
                piece: subject, start: segment.start - piece.lowerBound, end: segment.end - piece.lowerBound,
                limit: segment.limit - piece.lowerBound, matcher: matcher, visitor: &counter)
            if case let .incomplete(state) = outcome {
                stopped = IncompleteSegment(unit: index, segment: segment, state: state)
            }
        }
        return stopped
    }

    /// Finishes the incomplete segments (any order) with `SegmentRepair`: from each, the true
    /// words run on through the segments after it, each of which hands off (done, or a new
    /// repair from where it stopped if it is incomplete itself) or is passed (its counts
    /// are taken back by walking it again, undoing).
    /// - Complexity: linear in the bytes the repairs own and the segments they meet.
    static func repair<Sink: WordSink>(
        _ stopped: [IncompleteSegment], of plan: WorkPlan, files: [CorpusFile], matcher: PatternMatcher, table: Sink
    ) throws(PatternError) {
        let ordered = stopped.sorted { $0.unit < $1.unit }
        let stoppedByUnit = Dictionary(ordered.map { ($0.unit, $0) }, uniquingKeysWith: { first, _ in first })
        // Units whose incomplete segment an earlier repair met (and so finished).
        var met = Set<Int>()
        for first in ordered where !met.contains(first.unit) {
            let file = files[plan.units[first.unit].file]
            let piece = first.segment.piece
            let subject = UnsafeBufferPointer(rebasing: file.bytes[piece])
            let readableEnd = file.bytes.baseAddress! + file.bytes.count
            var counter = SegmentCounter(sink: table, base: subject.baseAddress!, readableEnd: readableEnd)
            var repair = try SegmentRepair(piece: subject, resumingAt: first.state, matcher: matcher)
            var unit = first.unit + 1
            while true {
                // The piece's next segment is the first segment of the next unit, if that
                // unit is of the same input and starts inside the piece.
                guard plan.unit(after: unit - 1) != nil,
                    let segment = plan.segments(ofUnit: unit, in: file.bytes).segments.first, segment.piece == piece
                else {
                    try repair.finish(matcher: matcher, visitor: &counter)
                    break
                }
                let start = segment.start - piece.lowerBound
                let end = segment.end - piece.lowerBound
                let limit = segment.limit - piece.lowerBound
                let meeting = try repair.meet(start: start, end: end, limit: limit, matcher: matcher, visitor: &counter)
                let itself = stoppedByUnit[unit].flatMap { $0.segment == segment ? $0 : nil }
                if itself != nil { met.insert(unit) }
                if meeting == .handedOff {
                    guard let itself else { break }
                    repair = try SegmentRepair(piece: subject, resumingAt: itself.state, matcher: matcher)
                } else {
                    var undoing = SegmentUncounter(counter: counter)
                    _ = try SegmentWalk.walk(
                        piece: subject, start: start, end: end, limit: limit, matcher: matcher, visitor: &undoing)
                }
                unit += 1
            }
        }
    }
}
