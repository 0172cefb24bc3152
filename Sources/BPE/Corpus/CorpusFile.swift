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

    private static func readAll(fd: Int32, path: String) throws(TrainError) -> CorpusFile {
        var content: [UInt8] = []
        let chunk = 1 << 20
        var scratch = [UInt8](repeating: 0, count: chunk)
        while true {
            let n = scratch.withUnsafeMutableBytes { read(fd, $0.baseAddress, chunk) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .cannotOpen(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            content.append(contentsOf: scratch[0..<n])
        }
        return inMemory(content, path: path)
    }
}
