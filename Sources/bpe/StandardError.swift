import BPE
import Dispatch
import Glibc
import Synchronization

func printError(_ text: String, terminator: String = "\n") {
    writeStandardError(text + terminator)
}

/// Writes to file descriptor 2 directly: C's `stderr` is shared mutable state to Swift 6.
func writeStandardError(_ text: String) {
    FileAccess.writeStandardError(text)
}

/// A one-line progress display on a terminal's stderr, redrawn in place.
enum ProgressLine {
    static func show(_ text: String) { writeStandardError("\r\u{1B}[2K" + text) }
    static func clear() {
        if isatty(STDERR_FILENO) != 0 { writeStandardError("\r\u{1B}[2K") }
    }
}

extension ProgressLine {
    /// A progress bar for a byte-counting phase, `LABEL [=====>     ]  42%  420/1000 MB  58 MB/s`,
    /// redrawn only when the percentage changes.
    static func bytes(_ label: String) -> @Sendable (Int, Int) -> Void {
        let shown = Atomic<Int>(-1)
        let started = Double(DispatchTime.now().uptimeNanoseconds) / 1e9
        return { done, total in
            let percent = done * 100 / max(1, total)
            guard shown.exchange(percent, ordering: .relaxed) != percent else { return }
            let width = 30
            let filled = percent * width / 100
            let bar = String(repeating: "=", count: filled) + (filled < width ? ">" : "")
                + String(repeating: " ", count: max(0, width - filled - 1))
            let seconds = max(1e-9, Double(DispatchTime.now().uptimeNanoseconds) / 1e9 - started)
            let rate = Double(done) / seconds / 1e6
            show("\(label) [\(bar)] \(String(percent).leftPadded(3))%  \(done / 1_000_000)/\(total / 1_000_000) MB  "
                + "\(ProfileTable.fixed(rate, 1)) MB/s")
        }
    }
}

extension ProgressLine {
    /// `ETA m:ss` (or `h:mm:ss`) for a phase `done` of `total` through after `elapsed`
    /// seconds, assuming the rate so far holds; `ETA --` before anything is done.
    static func eta(done: Int, total: Int, elapsed: Double) -> String {
        guard done > 0, total > done else { return done >= total && total > 0 ? "ETA 0:00" : "ETA --" }
        let seconds = Int((elapsed * Double(total - done) / Double(done)).rounded())
        let (hours, minutes, rest) = (seconds / 3600, seconds / 60 % 60, seconds % 60)
        let mmss = String(minutes).leftPadded(hours > 0 ? 2 : 1, with: "0") + ":" + String(rest).leftPadded(2, with: "0")
        return "ETA " + (hours > 0 ? "\(hours):" : "") + mmss
    }

    /// When the current phase started, shared by the progress callbacks of one run.
    final class PhaseClock: Sendable {
        private let started = Atomic<UInt64>(DispatchTime.now().uptimeNanoseconds)

        func restart() { started.store(DispatchTime.now().uptimeNanoseconds, ordering: .relaxed) }

        /// Seconds since the phase started.
        var elapsed: Double {
            Double(DispatchTime.now().uptimeNanoseconds &- started.load(ordering: .relaxed)) / 1e9
        }
    }
}

