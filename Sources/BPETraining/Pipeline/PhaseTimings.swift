import Glibc

/// The phases of a training run, in order, with the names SPEC §6 gives them in `train.json`.
public enum Phase: String, CaseIterable, Sendable {
    case read
    case splitCount = "split_count"
    case mergeTables = "merge_tables"
    case initPairs = "init_pairs"
    case mergeLoop = "merge_loop"
    case write

    /// How the `--profile` table names the phase.
    public var label: String {
        switch self {
        case .read: return "read"
        case .splitCount: return "split+count"
        case .mergeTables: return "merge tables"
        case .initPairs: return "init pairs"
        case .mergeLoop: return "merge loop"
        case .write: return "write"
        }
    }
}

/// One stretch of a phase on the calling thread, in seconds of the monotonic clock
/// (`PhaseTimings.now()`).
public struct PhaseSpan: Sendable, Equatable {
    public var phase: Phase
    public var start: Double
    public var end: Double
}

/// Wall-clock seconds spent in each phase, and the process's peak RSS when each ended.
public struct PhaseTimings: Sendable {
    public private(set) var seconds: [Phase: Double] = [:]
    /// Every measured stretch, in order (a phase may have several: merge tables has two).
    public private(set) var spans: [PhaseSpan] = []
    /// `peakResidentBytes()` at the end of each phase: it only grows, so the first phase
    /// whose value jumps is the one that set the peak.
    public private(set) var peakRSSAfter: [Phase: Int] = [:]

    public init() {}

    public subscript(phase: Phase) -> Double { seconds[phase] ?? 0 }

    package mutating func record(_ phase: Phase, seconds value: Double) {
        seconds[phase] = value
        let end = Self.now()
        spans.append(PhaseSpan(phase: phase, start: end - value, end: end))
    }

    /// Runs `body`, adding its duration to `phase`.
    package mutating func measure<T, E: Error>(_ phase: Phase, _ body: () throws(E) -> T) throws(E) -> T {
        let start = Self.now()
        defer {
            let end = Self.now()
            seconds[phase, default: 0] += end - start
            spans.append(PhaseSpan(phase: phase, start: start, end: end))
            peakRSSAfter[phase] = peakResidentBytes()
        }
        return try body()
    }

    /// Seconds on a monotonic clock.
    public static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}

/// The process's peak resident set size so far, in bytes (`getrusage`).
public func peakResidentBytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss * 1024  // Linux reports KiB.
}
