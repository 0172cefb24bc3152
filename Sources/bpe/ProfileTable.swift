import BPE

/// The `--profile` table: one row per phase with seconds and throughput, then the wall time
/// and the peak resident set size.
enum ProfileTable {
    static func render(_ outcome: TrainingOutcome) -> String {
        let megabytes = Double(outcome.corpus.bytes) / 1e6
        var rows: [(String, String, String, String)] = [("phase", "seconds", "peak RSS MiB", "throughput")]
        for phase in Phase.allCases {
            let seconds = outcome.phases[phase]
            let rate: String
            switch phase {
            case .read, .splitCount:
                rate = seconds > 0 ? "\(fixed(megabytes / seconds, 1)) MB/s" : "-"
            case .mergeTables, .initPairs:
                rate = seconds > 0 ? "\(fixed(Double(outcome.corpus.uniqueWords) / seconds / 1e6, 2)) M words/s" : "-"
            case .mergeLoop:
                rate = seconds > 0 ? "\(fixed(Double(outcome.vocabulary.merges.count) / seconds, 0)) merges/s" : "-"
            case .write:
                rate = ""
            }
            let rss = outcome.phases.peakRSSAfter[phase].map { fixed(Double($0) / 1_048_576, 0) } ?? "-"
            rows.append((phase.label, fixed(seconds, 3), rss, rate))
        }
        rows.append(("total (wall)", fixed(outcome.wallSeconds, 3), fixed(Double(outcome.peakRSSBytes) / 1_048_576, 0), ""))
        let widths = [rows.map(\.0.count).max() ?? 0, rows.map(\.1.count).max() ?? 0, rows.map(\.2.count).max() ?? 0]
        var text = ""
        for row in rows {
            text += pad(row.0, widths[0]) + "  " + String(repeating: " ", count: widths[1] - row.1.count) + row.1
            text += "  " + String(repeating: " ", count: widths[2] - row.2.count) + row.2
            text += row.3.isEmpty ? "\n" : "  \(row.3)\n"
        }
        text += "peak RSS: \(fixed(Double(outcome.peakRSSBytes) / 1_048_576, 1)) MiB\n"
        return text
    }

    /// `value` with exactly `decimals` digits after the point (none when 0).
    static func fixed(_ value: Double, _ decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        var text = String(rounded)
        if text.hasSuffix(".0") && decimals == 0 { text.removeLast(2) }
        if let dot = text.firstIndex(of: "."), decimals > 0 {
            let digits = text.distance(from: dot, to: text.endIndex) - 1
            text += String(repeating: "0", count: max(0, decimals - digits))
        }
        return text
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }
}
