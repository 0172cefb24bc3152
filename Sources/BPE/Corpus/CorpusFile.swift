import Foundation

/// The bytes of one input, memory-mapped read-only (or, for standard input and repaired text,
/// held in one heap buffer). The bytes never change and are freed when the value dies.
///
/// `@unchecked Sendable` is sound: the buffer is immutable after `init` and only read.
public final class CorpusFile: @unchecked Sendable {
    /// The path as given on the command line (`-` for standard input).
    public let path: String
    /// The whole text of the input.
    public let bytes: UnsafeBufferPointer<UInt8>
    /// Whether `bytes` is a file mapping, whose pages can be dropped and read again.
    public let isMapped: Bool
    private let release: () -> Void

    private init(path: String, bytes: UnsafeBufferPointer<UInt8>, isMapped: Bool = false, release: @escaping () -> Void) {
        self.path = path
        self.bytes = bytes
        self.isMapped = isMapped
        self.release = release
    }

    /// Drops the resident pages inside `range` (whole pages only). Memory then stays bounded
    /// by the work in flight, not by the corpus size; a later read faults the page back in
    /// from the page cache, so this never changes what is read.
    public func releasePages(_ range: Range<Int>) {
        guard isMapped, let base = bytes.baseAddress else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (range.lowerBound + page - 1) / page * page
        let end = range.upperBound == bytes.count ? range.upperBound : range.upperBound / page * page
        guard start < end else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, MADV_DONTNEED)
    }

    deinit { release() }

    /// Maps `path` (or reads standard input for `-`).
    /// - Complexity: O(1) for a file (pages are read on first touch); O(n) for standard input.
    public static func open(_ path: String) throws(TrainError) -> CorpusFile {
        if path == "-" { return try readAll(fd: STDIN_FILENO, path: "-") }
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) != 0 {
            throw .cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw .cannotOpen(path: path, reason: "it is a directory")
        }
        let size = Int(info.st_size)
        if (info.st_mode & S_IFMT) != S_IFREG {
            return try readAll(fd: fd, path: path)
        }
        if size == 0 {
            return CorpusFile(path: path, bytes: UnsafeBufferPointer(start: nil, count: 0), release: {})
        }
        let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        // MAP_FAILED is not imported into Swift on Linux.
        guard let address, address != UnsafeMutableRawPointer(bitPattern: -1) else {
            throw .cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        _ = madvise(address, size, MADV_SEQUENTIAL)
        let start = address.assumingMemoryBound(to: UInt8.self)
        return CorpusFile(path: path, bytes: UnsafeBufferPointer(start: start, count: size), isMapped: true) {
            munmap(address, size)
        }
    }

    /// A corpus held in memory (tests, and text repaired by `--invalid-utf8 replace`).
    public static func inMemory<Bytes: Collection>(_ content: Bytes, path: String) -> CorpusFile
    where Bytes.Element == UInt8 {
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, content.count))
        _ = buffer.initialize(from: content)
        return CorpusFile(
            path: path, bytes: UnsafeBufferPointer(start: buffer.baseAddress, count: content.count)
        ) { buffer.deallocate() }
    }

    /// Standard input (or a pipe) up to this many bytes is held in memory; past it, what was
    /// read and the rest go to an unlinked temporary file under `$TMPDIR` that is then mapped
    /// like any input, so memory stays flat for a multi-GB stream.
    static let spoolThreshold = 64 << 20

    /// Reads `fd` to its end: in memory, or spooled to a mapped temporary file once more
    /// than `spoolThreshold` bytes have come (tests lower it).
    /// - Complexity: O(n).
    static func readAll(fd: Int32, path: String, spoolThreshold: Int = CorpusFile.spoolThreshold) throws(TrainError) -> CorpusFile {
        var content: [UInt8] = []
        let chunk = 1 << 20
        var scratch = [UInt8](repeating: 0, count: chunk)
        var spool: Spool? = nil
        while true {
            let n = scratch.withUnsafeMutableBytes { read(fd, $0.baseAddress, chunk) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .cannotOpen(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            if let spool {
                try spool.write(scratch[0..<n])
                continue
            }
            content.append(contentsOf: scratch[0..<n])
            if content.count > spoolThreshold {
                let created = try Spool(reading: path)
                try created.write(content[...])
                content = []
                spool = created
            }
        }
        if let spool { return try spool.map() }
        return inMemory(content, path: path)
    }

    /// An unlinked temporary file that standard input is copied into (see `spoolThreshold`).
    private final class Spool {
        let fd: Int32
        let path: String
        var size = 0

        init(reading path: String) throws(TrainError) {
            let directory = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
            var template = Array("\(directory)/bpe-stdin-XXXXXX".utf8CString)
            let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            if fd < 0 {
                throw .cannotOpen(path: path, reason: "cannot spool it to \(directory) (\(String(cString: strerror(errno)))); set TMPDIR or name the file")
            }
            // Unlinked at once: the data lives while the descriptor or the mapping does, and
            // nothing is left behind, whatever happens to the process.
            template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
            self.fd = fd
            self.path = path
        }

        func write(_ bytes: ArraySlice<UInt8>) throws(TrainError) {
            let failure: Int32 = bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        return errno
                    }
                    offset += n
                }
                return 0
            }
            if failure != 0 {
                throw .cannotOpen(path: path, reason: "cannot spool it to a temporary file (\(String(cString: strerror(failure)))); set TMPDIR or name the file")
            }
            size += bytes.count
        }

        /// The spooled bytes, mapped read-only; the descriptor is closed (the mapping keeps them).
        func map() throws(TrainError) -> CorpusFile {
            defer { close(fd) }
            let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
            guard let address, address != UnsafeMutableRawPointer(bitPattern: -1) else {
                throw .cannotOpen(path: path, reason: String(cString: strerror(errno)))
            }
            _ = madvise(address, size, MADV_SEQUENTIAL)
            let start = address.assumingMemoryBound(to: UInt8.self)
            let size = self.size
            return CorpusFile(path: path, bytes: UnsafeBufferPointer(start: start, count: size), isMapped: true) {
                munmap(address, size)
            }
        }
    }
}
