@_spi(Plumbing) import BPECore

/// What a run did when: the work units of split+count on each worker and the merge loop's
/// progress. With the phases (`PhaseTimings.spans`) it is the run's timeline, which
/// `--trace` writes in Chrome's trace-event format and the report draws.
/// Times are seconds of the monotonic clock (`PhaseTimings.now()`).
public struct TrainingTimeline: Sendable {
    /// One work unit of split+count on one worker.
    public struct UnitSpan: Sendable, Equatable {
        public var worker: Int
        public var start: Double
        public var end: Double
        public var bytes: Int
    }

    public var units: [UnitSpan] = []
    /// (time, merges learned so far), every few hundred merges.
    public var mergeSamples: [(seconds: Double, merges: Int)] = []

    public init() {}

    /// The timeline in Chrome's trace-event format (JSON; Perfetto and `chrome://tracing` open
    /// it): one track for the phases (the calling thread), one per split worker with its work
    /// units, and a counter of merges per second along the merge loop. Times are microseconds
    /// from `startedAt`.
    public func chromeTrace(phases: PhaseTimings, startedAt: Double) -> [UInt8] {
        func micros(_ seconds: Double) -> String { String(Int64(((seconds - startedAt) * 1e6).rounded())) }
        func duration(_ seconds: Double) -> String { String(Int64((seconds * 1e6).rounded())) }
        var events: [String] = [
            #"{"name":"process_name","ph":"M","pid":1,"tid":0,"args":{"name":"bpe train"}}"#,
            #"{"name":"thread_name","ph":"M","pid":1,"tid":0,"args":{"name":"phases"}}"#,
        ]
        for worker in Set(units.map(\.worker)).sorted() {
            events.append(#"{"name":"thread_name","ph":"M","pid":1,"tid":\#(worker + 1),"args":{"name":"split worker \#(worker)"}}"#)
        }
        for span in phases.spans {
            events.append(#"{"name":"\#(span.phase.label)","cat":"phase","ph":"X","pid":1,"tid":0,"ts":\#(micros(span.start)),"dur":\#(duration(span.end - span.start))}"#)
        }
        for unit in units {
            events.append(#"{"name":"unit","cat":"split+count","ph":"X","pid":1,"tid":\#(unit.worker + 1),"ts":\#(micros(unit.start)),"dur":\#(duration(unit.end - unit.start)),"args":{"bytes":\#(unit.bytes)}}"#)
        }
        for (previous, sample) in zip(mergeSamples, mergeSamples.dropFirst()) where sample.seconds > previous.seconds {
            let rate = Double(sample.merges - previous.merges) / (sample.seconds - previous.seconds)
            events.append(#"{"name":"merges/s","ph":"C","pid":1,"tid":0,"ts":\#(micros(sample.seconds)),"args":{"merges/s":\#(Int(rate.rounded()))}}"#)
        }
        return Array(("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n" + events.joined(separator: ",\n") + "\n]}\n").utf8)
    }
}
