import Glibc
import Synchronization

func printError(_ text: String, terminator: String = "\n") {
    writeStandardError(text + terminator)
}

/// Writes to file descriptor 2 directly: C's `stderr` is shared mutable state to Swift 6.
func writeStandardError(_ text: String) {
    let bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress! + offset, $0.count - offset) }
        if n <= 0 { return }
        offset += n
    }
}

/// A one-line progress display on a terminal's stderr, redrawn in place.
enum ProgressLine {
    static func show(_ text: String) { writeStandardError("\r\u{1B}[2K" + text) }
    static func clear() {
        if isatty(STDERR_FILENO) != 0 { writeStandardError("\r\u{1B}[2K") }
    }
}

extension ProgressLine {
    /// A progress reporter for a byte-counting phase, `LABEL: 42% of 1000 MB`, redrawn only
    /// when the percentage changes.
    static func bytes(_ label: String) -> @Sendable (Int, Int) -> Void {
        let shown = Atomic<Int>(-1)
        return { done, total in
            let percent = done * 100 / max(1, total)
            if shown.exchange(percent, ordering: .relaxed) != percent {
                show("\(label): \(percent)% of \(total / 1_000_000) MB")
            }
        }
    }
}
