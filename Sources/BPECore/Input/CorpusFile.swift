import SystemPackage

/// The bytes of one input, memory-mapped read-only (or, for standard input and repaired text,
/// held in one heap buffer). The bytes never change and are freed when the value dies.
///
/// `@unchecked Sendable` is sound: the buffer is immutable after `init` and only read.
package final class CorpusFile: @unchecked Sendable {
    /// The path as given (`-` for standard input).
    package let path: String
    /// The whole text of the input; valid while the value lives.
    package let bytes: UnsafeBufferPointer<UInt8>
    /// The mapping `bytes` lies in, when it is one (its pages can be dropped and read again).
    private let mapping: FileMapping?
    /// The heap buffer `bytes` lies in, otherwise.
    private let owned: UnsafeMutableBufferPointer<UInt8>?

    private init(path: String, mapping: FileMapping) {
        self.path = path
        self.bytes = mapping.bytes
        self.mapping = mapping
        self.owned = nil
    }

    /// A copy of `content` on the heap.
    private init<Bytes: Collection>(path: String, copying content: Bytes) where Bytes.Element == UInt8 {
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, content.count))
        _ = buffer.initialize(from: content)
        self.path = path
        self.bytes = UnsafeBufferPointer(start: buffer.baseAddress, count: content.count)
        self.mapping = nil
        self.owned = buffer
    }

    deinit { owned?.deallocate() }

    /// Whether `bytes` is a file mapping (else a heap buffer).
    package var isMapped: Bool { mapping != nil }

    /// Drops the resident pages of a mapped input inside `range` (see `FileMapping`).
    package func releasePages(_ range: Range<Int>) { mapping?.releasePages(range) }

    /// Maps `path` (or reads standard input for `-`; any other file that is not a regular
    /// file, such as a pipe, is read to its end too).
    /// - Complexity: O(1) for a regular file (pages are read on first touch); O(n) otherwise.
    package static func open(_ path: String) throws(FileError) -> CorpusFile {
        if path == "-" { return try readAll(.standardInput, path: "-") }
        let fd = try FileAccess.openForReading(path)
        defer { try? fd.close() }
        let (type, size) = try FileAccess.status(of: fd, path: path)
        if type == .directory { throw FileError(path: path, direction: .reading, reason: "it is a directory") }
        // Pipes and devices, and files whose size says 0 but that are not empty (`/proc`,
        // `/sys`), are read to their end; so is a file the system cannot map.
        if type != .regular || size == 0 { return try readAll(fd, path: path) }
        do {
            return CorpusFile(path: path, mapping: try FileMapping(fd, size: size, path: path))
        } catch {
            return try readAll(fd, path: path)
        }
    }

    /// The whole of a small file (a vocabulary, a list of tokens), copied out of its mapping
    /// while the mapping lives: a safe array, not a pointer into memory about to be unmapped.
    /// - Complexity: O(n).
    package static func contents(of path: String) throws(FileError) -> [UInt8] {
        let file = try open(path)
        return withExtendedLifetime(file) { Array(file.bytes) }
    }

    /// A corpus held in memory (documents given to the library, and text repaired by
    /// `InvalidUTF8Policy.replace`).
    /// - Complexity: O(n): the bytes are copied.
    package static func inMemory<Bytes: Collection>(_ content: Bytes, path: String) -> CorpusFile
    where Bytes.Element == UInt8 {
        CorpusFile(path: path, copying: content)
    }

    /// Standard input (or a pipe) up to this many bytes is held in memory; past it, what was
    /// read and the rest go to an unlinked temporary file under `$TMPDIR` that is then mapped
    /// like any input, so memory stays flat for a multi-GB stream.
    package static let spoolThreshold = 64 << 20

    /// Reads `fd` to its end: in memory, or spooled to a mapped temporary file once more
    /// than `spoolThreshold` bytes have come (tests lower it).
    /// - Complexity: O(n).
    package static func readAll(
        _ fd: FileDescriptor, path: String, spoolThreshold: Int = CorpusFile.spoolThreshold
    ) throws(FileError) -> CorpusFile {
        var content: [UInt8] = []
        let chunk = 1 << 20
        var scratch = [UInt8](repeating: 0, count: chunk)
        var spool: StandardInputSpool? = nil
        while true {
            let n = try FileAccess.read(fd, into: &scratch, path: path)
            if n == 0 { break }
            if let spool {
                try spool.append(scratch[0..<n])
                continue
            }
            content.append(contentsOf: scratch[0..<n])
            if content.count > spoolThreshold {
                let created = try StandardInputSpool(reading: path)
                try created.append(content[...])
                content = []
                spool = created
            }
        }
        if let spool { return CorpusFile(path: path, mapping: try spool.map()) }
        return inMemory(content, path: path)
    }
}
