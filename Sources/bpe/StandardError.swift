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
