import SystemPackage

/// A buffered byte stream to standard output or to a file that appears only when complete:
/// a file is written under a temporary name beside it and renamed by `commit()`; `abort()`
/// (or dropping the stream uncommitted) removes the temporary.
package final class OutputFile {
    /// The path as given, `nil` for standard output.
    private let path: String?
    private let temporary: String?
    private let fd: FileDescriptor
    private var buffer: [UInt8] = []
    private var finished = false
    private static let flushSize = 1 << 20

    /// A stream to `path`, or to standard output when `path` is `nil` or `-`. A path that
    /// exists and is not a regular file (`/dev/null`, a named pipe) is written directly.
    package init(path: String?) throws(FileError) {
        let existing = path.flatMap { $0 == "-" ? nil : FileAccess.type(at: $0) }
        if let path, path != "-", let existing, existing != .regular, existing != .directory {
            fd = try FileAccess.openForWriting(path)
            self.path = path
            temporary = nil
        } else if let path, path != "-" {
            let temporary = AtomicFileSet.temporaryName(for: path)
            fd = try FileAccess.create(temporary, reportedAs: path)
            PendingTemporaries.add(temporary)
            self.path = path
            self.temporary = temporary
        } else {
            self.path = nil
            temporary = nil
            fd = .standardOutput
        }
        buffer.reserveCapacity(Self.flushSize + 4096)
    }

    deinit { if !finished { abort() } }

    private var name: String { path ?? "standard output" }

    @inline(__always)
    package func write(_ byte: UInt8) throws(FileError) {
        buffer.append(byte)
        if buffer.count >= Self.flushSize { try flush() }
    }

    package func write<Bytes: Sequence>(_ bytes: Bytes) throws(FileError) where Bytes.Element == UInt8 {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.flushSize { try flush() }
    }

    /// Writes raw memory (binary ids) without copying it into the buffer twice.
    package func write(raw: UnsafeRawBufferPointer) throws(FileError) {
        if raw.count >= Self.flushSize {
            try flush()
            try FileAccess.writeAll(fd, raw, path: name)
        } else {
            buffer.append(contentsOf: raw)
            if buffer.count >= Self.flushSize { try flush() }
        }
    }

    package func flush() throws(FileError) {
        if buffer.isEmpty { return }
        defer { buffer.removeAll(keepingCapacity: true) }
        try FileAccess.writeAll(fd, buffer, path: name)
    }

    /// Overwrites bytes already written and flushed, at `offset` from the start (a count
    /// file's totals, known only at the end). Only for a named file, not standard output.
    package func rewrite(at offset: Int, _ bytes: [UInt8]) throws(FileError) {
        precondition(path != nil && buffer.isEmpty, "rewrite needs a named file, flushed")
        do {
            _ = try bytes.withUnsafeBytes { try fd.writeAll(toAbsoluteOffset: Int64(offset), $0) }
        } catch {
            throw FileError(path: name, direction: .writing, errno: error as? Errno ?? .ioError)
        }
    }

    /// Flushes; a file is closed and renamed into place.
    package func commit() throws(FileError) {
        try flush()
        finished = true
        guard let path else { return }
        guard let temporary else {
            try FileAccess.close(fd, path: path, direction: .writing)
            return
        }
        defer { PendingTemporaries.remove(temporary) }
        do throws(FileError) {
            try FileAccess.close(fd, path: path, direction: .writing)
            try FileAccess.rename(temporary, to: path)
        } catch {
            FileAccess.remove(temporary)
            throw error
        }
    }

    /// Discards a file's temporary; nothing is left at `path`.
    package func abort() {
        finished = true
        guard path != nil else { return }
        try? fd.close()
        if let temporary {
            FileAccess.remove(temporary)
            PendingTemporaries.remove(temporary)
        }
    }
}
