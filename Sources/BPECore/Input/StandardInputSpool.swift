import FoundationEssentials
import SystemPackage

/// An unlinked temporary file that a long stream (standard input, a pipe) is copied into, to
/// be mapped like a named file once it has ended (see `CorpusFile.spoolThreshold`).
final class StandardInputSpool {
    private let fd: FileDescriptor
    /// The input being spooled, as the user named it.
    private let path: String
    private let directory: String
    private var size = 0

    init(reading path: String) throws(FileError) {
        directory = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        self.path = path
        do {
            fd = try FileAccess.createUnnamed(in: directory)
        } catch {
            throw Self.failure(path, directory, error)
        }
    }

    deinit { try? fd.close() }

    func append(_ bytes: ArraySlice<UInt8>) throws(FileError) {
        do throws(FileError) {
            try FileAccess.writeAll(fd, bytes, path: path)
        } catch {
            throw FileError(path: path, direction: .reading, reason: "cannot spool it to a temporary file (\(error.reason)); set TMPDIR or name the file")
        }
        size += bytes.count
    }

    /// The spooled bytes, mapped read-only (the mapping keeps them after the descriptor closes).
    func map() throws(FileError) -> FileMapping {
        try FileMapping(fd, size: size, path: path)
    }

    private static func failure(_ path: String, _ directory: String, _ errno: Errno) -> FileError {
        FileError(path: path, direction: .reading,
                  reason: "cannot spool it to \(directory) (\(FileError.text(of: errno))); set TMPDIR or name the file")
    }
}
