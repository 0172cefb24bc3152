import Glibc

/// A buffered byte stream to standard output or to a file that appears only when complete:
/// a file is written under a temporary name beside it and renamed by `commit()`; `abort()`
/// (or dropping the stream uncommitted) removes the temporary.
public final class OutputStream {
    private let path: String?
    private let temporary: String?
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var finished = false
    private static let flushSize = 1 << 20

    /// A stream to `path`, or to standard output when `path` is `nil` or `-`. A path that
    /// exists and is not a regular file (`/dev/null`, a named pipe) is written directly.
    public init(path: String?) throws(EncodeError) {
        var info = stat()
        if let path, path != "-", stat(path, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG,
           (info.st_mode & S_IFMT) != S_IFDIR {
            let fd = open(path, O_WRONLY | O_CLOEXEC)
            if fd < 0 { throw .input(.unwritableOutput(path: path, reason: String(cString: strerror(errno)))) }
            self.path = path
            self.temporary = nil
            self.fd = fd
        } else if let path, path != "-" {
            let temporary = AtomicFileSet.temporaryName(for: path)
            let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            if fd < 0 { throw .input(.unwritableOutput(path: path, reason: String(cString: strerror(errno)))) }
            PendingTemporaries.add(temporary)
            self.path = path
            self.temporary = temporary
            self.fd = fd
        } else {
            self.path = nil
            self.temporary = nil
            self.fd = STDOUT_FILENO
        }
        buffer.reserveCapacity(Self.flushSize + 4096)
    }

    deinit { if !finished { abort() } }

    @inline(__always)
    public func write(_ byte: UInt8) throws(EncodeError) {
        buffer.append(byte)
        if buffer.count >= Self.flushSize { try flush() }
    }

    public func write<Bytes: Sequence>(_ bytes: Bytes) throws(EncodeError) where Bytes.Element == UInt8 {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.flushSize { try flush() }
    }

    /// Writes raw memory (binary ids) without copying it into the buffer twice.
    public func write(raw: UnsafeRawBufferPointer) throws(EncodeError) {
        if raw.count >= Self.flushSize {
            try flush()
            try writeAll(raw)
        } else {
            buffer.append(contentsOf: raw)
            if buffer.count >= Self.flushSize { try flush() }
        }
    }

    public func flush() throws(EncodeError) {
        if buffer.isEmpty { return }
        let pending = buffer
        buffer.removeAll(keepingCapacity: true)
        let failure = pending.withUnsafeBytes { raw -> EncodeError? in
            do throws(EncodeError) { try writeAll(raw) } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }

    private func writeAll(_ raw: UnsafeRawBufferPointer) throws(EncodeError) {
        var offset = 0
        while offset < raw.count {
            let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw .input(.unwritableOutput(path: path ?? "standard output", reason: String(cString: strerror(errno))))
            }
            offset += n
        }
    }

    /// Flushes; a file is closed and renamed into place.
    public func commit() throws(EncodeError) {
        try flush()
        finished = true
        guard let path else { return }
        guard let temporary else {
            if close(fd) != 0 { throw .input(.unwritableOutput(path: path, reason: String(cString: strerror(errno)))) }
            return
        }
        defer { PendingTemporaries.remove(temporary) }
        if close(fd) != 0 || rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .input(.unwritableOutput(path: path, reason: reason))
        }
    }

    /// Discards a file's temporary; nothing is left at `path`.
    public func abort() {
        finished = true
        guard let temporary else {
            if path != nil { close(fd) }
            return
        }
        close(fd)
        unlink(temporary)
        PendingTemporaries.remove(temporary)
    }
}
