import Glibc
import SystemPackage

/// A file operation failed: which file, whether it was being read or written, and why (the
/// system's text for the `Errno`, or a reason of our own). Renders as one line:
/// `cannot read 'corpus.txt': No such file or directory`.
public struct FileError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Direction: Sendable, Equatable {
        case reading
        case writing
    }

    /// The path as the caller named it (`-` for standard input).
    public var path: String
    public var direction: Direction
    public var reason: String

    public init(path: String, direction: Direction, reason: String) {
        self.path = path
        self.direction = direction
        self.reason = reason
    }

    /// A failure the system reported with `errno`.
    package init(path: String, direction: Direction, errno: Errno) {
        self.init(path: path, direction: direction, reason: Self.text(of: errno))
    }

    public var description: String {
        "cannot \(direction == .reading ? "read" : "write") '\(path)': \(reason)"
    }

    /// The C library's text for `errno` (`strerror`), "No such file or directory".
    package static func text(of errno: Errno) -> String {
        String(cString: strerror(errno.rawValue))
    }
}
