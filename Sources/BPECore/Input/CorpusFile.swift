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
    /// Where each document but the last ends, ascending, for an input of several documents
    /// (JSON Lines): a document end is a boundary as a special token is, so no word spans two
    /// documents. Empty for a plain text input (one document).
    package let documentEnds: [Int]

    package init(path: String, mapping: FileMapping, documentEnds: [Int] = []) {
        self.path = path
        self.bytes = mapping.bytes
        self.mapping = mapping
        self.owned = nil
        self.documentEnds = documentEnds
    }

    /// A copy of `content` on the heap.
    package init<Bytes: Collection>(path: String, copying content: Bytes, documentEnds: [Int] = []) where Bytes.Element == UInt8 {
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, content.count))
        _ = buffer.initialize(from: content)
        self.path = path
        self.bytes = UnsafeBufferPointer(start: buffer.baseAddress, count: content.count)
        self.mapping = nil
        self.owned = buffer
        self.documentEnds = documentEnds
    }

    deinit { owned?.deallocate() }

    /// Whether `bytes` is a file mapping (else a heap buffer).
    package var isMapped: Bool { mapping != nil }

    /// A new descriptor for reading a mapped input that its path still names (see
    /// `FileMapping.reopen`); nil for an input held in memory. The caller closes it.
    package func reopenForReading() -> FileDescriptor? { mapping?.reopen(path) }

    /// Drops the resident pages of a mapped input inside `range` (see `FileMapping`).
    package func releasePages(_ range: Range<Int>) { mapping?.releasePages(range) }

    /// Opens `path` as text (mapped when it is a plain regular file), `-` as standard input;
    /// any other file that is not a regular file, such as a pipe, is read to its end too.
    /// gzip and zstd inputs are decompressed (see `Compression`); `format` says whether the
    /// text is the corpus itself or JSON Lines holding it (`InputFormat`).
    /// - Complexity: O(1) for a plain regular text file (pages are read on first touch); O(n)
    ///   otherwise, in bounded memory (a long stream is spooled to a temporary file).
    package static func open(
        _ path: String, format: InputFormat = .text, invalidUTF8: InvalidUTF8Policy = .error
    ) throws(InputError) -> CorpusFile {
        do {
            if path == "-" { return try readAll(.standardInput, path: "-", format: format, invalidUTF8: invalidUTF8) }
            let fd = try FileAccess.openForReading(path)
            defer { try? fd.close() }
            let (type, size) = try FileAccess.status(of: fd, path: path)
            if type == .directory { throw InputError.file(FileError(path: path, direction: .reading, reason: "it is a directory")) }
            // Pipes and devices, and files whose size says 0 but that are not empty (`/proc`,
            // `/sys`), are read to their end; so is a compressed or JSON Lines file, and a file
            // the system cannot map.
            if type != .regular || size == 0 || format != .text { return try readAll(fd, path: path, format: format, invalidUTF8: invalidUTF8) }
            var head = [UInt8](repeating: 0, count: 4)
            let headCount = head.withUnsafeMutableBytes { (try? fd.read(fromAbsoluteOffset: 0, into: $0)) ?? 0 }
            if Compression.detect(prefix: head[0..<headCount]) != .none || Compression.expected(byName: path) != nil {
                return try readAll(fd, path: path, format: format, invalidUTF8: invalidUTF8)
            }
            do {
                return CorpusFile(path: path, mapping: try FileMapping(fd, size: size, path: path))
            } catch {
                return try readAll(fd, path: path, format: format, invalidUTF8: invalidUTF8)
            }
        } catch let error as InputError {
            throw error
        } catch let error as FileError {
            throw .file(error)
        } catch {
            throw .file(FileError(path: path, direction: .reading, reason: "\(error)"))
        }
    }

    /// `open` for callers that read a whole small file as plain text.
    package static func open(_ path: String) throws(FileError) -> CorpusFile {
        do { return try open(path, format: .text) } catch {
            if case let .file(error) = error { throw error }
            throw FileError(path: path, direction: .reading, reason: error.description)
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

    /// Standard input (or a pipe, or decompressed text) up to this many bytes is held in
    /// memory; past it, what was read and the rest go to an unlinked temporary file under
    /// `$TMPDIR` that is then mapped like any input, so memory stays flat for a multi-GB stream.
    package static let spoolThreshold = 64 << 20

    /// Reads `fd` to its end, decompressing it if it starts with gzip's or zstd's magic and
    /// extracting the documents if `format` is JSON Lines: in memory, or spooled to a mapped
    /// temporary file once more than `spoolThreshold` bytes have come (tests lower it).
    /// - Complexity: O(n).
    package static func readAll(
        _ fd: FileDescriptor, path: String, format: InputFormat = .text, invalidUTF8: InvalidUTF8Policy = .error,
        spoolThreshold: Int = CorpusFile.spoolThreshold
    ) throws(InputError) -> CorpusFile {
        let chunk = 1 << 20
        var scratch = [UInt8](repeating: 0, count: chunk)
        var first: Int
        do { first = try FileAccess.read(fd, into: &scratch, path: path) } catch { throw .file(error) }
        let compression = Compression.detect(prefix: scratch[0..<first])
        if let named = Compression.expected(byName: path), named != compression {
            throw .file(FileError(
                path: path, direction: .reading,
                reason: "the name says \(named.rawValue) but the data does not start with \(named.rawValue)'s magic bytes; rename the file or compress it"))
        }
        var accumulator = CorpusAccumulator(path: path, spoolThreshold: spoolThreshold)
        var documents = format.jsonlField.map { JSONLDocuments(path: path, field: $0, compressed: compression != .none, invalidUTF8: invalidUTF8) }
        func take(_ bytes: ArraySlice<UInt8>) throws(InputError) {
            if documents != nil {
                try documents!.feed(bytes, into: &accumulator)
            } else {
                do { try accumulator.append(bytes) } catch { throw .file(error) }
            }
        }
        if compression == .none {
            while first > 0 {
                try take(scratch[0..<first])
                do { first = try FileAccess.read(fd, into: &scratch, path: path) } catch { throw .file(error) }
            }
        } else {
            let reader: DecompressingReader
            do {
                reader = try DecompressingReader(fd, path: path, compression: compression, prefix: Array(scratch[0..<first]))
            } catch { throw .file(error) }
            while true {
                let n: Int
                do { n = try reader.read(into: &scratch) } catch { throw .file(error) }
                if n == 0 { break }
                try take(scratch[0..<n])
            }
        }
        if documents != nil { try documents!.finish(into: &accumulator) }
        do { return try accumulator.finish() } catch { throw .file(error) }
    }
}
