import CCompression
import Glibc
import SystemPackage

/// Reads a gzip or zstd stream from a descriptor and hands out the decompressed bytes chunk
/// by chunk: memory is one compressed and one decompressed buffer, whatever the size.
///
/// gzip: every member of a multi-member file (as `cat a.gz b.gz` makes) in turn. zstd: every
/// frame, skippable frames skipped. Data that ends inside a member or frame is an error ("is
/// it truncated?"), as is anything the library rejects; both name the compressed byte offset.
package final class DecompressingReader {
    private let fd: FileDescriptor
    private let path: String
    private let compression: Compression
    /// Compressed bytes read but not yet consumed: `input[inputStart..<inputEnd]`.
    private var input: [UInt8]
    private var inputStart = 0
    private var inputEnd = 0
    /// Compressed bytes consumed before `input[0]`.
    private var consumedBefore = 0
    private var sourceEnded = false
    /// Whether the decoder is between members/frames (so the data may end here).
    private var atBoundary = true
    private var zlib: UnsafeMutablePointer<z_stream>?
    private var zstd: OpaquePointer?

    static let inputChunk = 1 << 20

    /// `prefix`: bytes already read from `fd` (to tell the compression), decompressed first.
    package init(_ fd: FileDescriptor, path: String, compression: Compression, prefix: [UInt8]) throws(FileError) {
        precondition(compression != .none)
        self.fd = fd
        self.path = path
        self.compression = compression
        input = prefix
        inputEnd = prefix.count
        switch compression {
        case .gzip:
            let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            stream.initialize(to: z_stream())
            // 15 + 32: the largest window, and a gzip or zlib header told automatically.
            guard inflateInit2_(stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                stream.deallocate()
                throw FileError(path: path, direction: .reading, reason: "zlib could not start (out of memory?)")
            }
            zlib = stream
        case .zstd:
            guard let stream = ZSTD_createDStream() else {
                throw FileError(path: path, direction: .reading, reason: "zstd could not start (out of memory?)")
            }
            ZSTD_initDStream(stream)
            zstd = stream
        case .none:
            break
        }
    }

    deinit {
        if let zlib {
            inflateEnd(zlib)
            zlib.deallocate()
        }
        if let zstd { ZSTD_freeDStream(zstd) }
    }

    /// Fills `buffer` from its start with decompressed bytes; returns how many (0 at the end).
    package func read(into buffer: inout [UInt8]) throws(FileError) -> Int {
        var produced = 0
        while produced == 0 {
            if inputStart == inputEnd {
                if sourceEnded { break }
                try refill()
                if inputStart == inputEnd { continue }  // loops back to find the end
            }
            produced = try decompress(into: &buffer)
        }
        if produced == 0 && !atBoundary {
            throw corrupt(
                "the data ends inside a \(compression == .gzip ? "gzip member" : "zstd frame")", hint: "; is the file truncated?")
        }
        return produced
    }

    /// Moves the unconsumed bytes to the front of `input` and reads after them, into the
    /// same buffer (no allocation after the first).
    private func refill() throws(FileError) {
        let leftover = inputEnd - inputStart
        if inputStart > 0 {
            if leftover > 0 {
                input.withUnsafeMutableBufferPointer { buffer in
                    _ = memmove(buffer.baseAddress!, buffer.baseAddress! + inputStart, leftover)
                }
            }
            consumedBefore += inputStart
            inputStart = 0
            inputEnd = leftover
        }
        if input.count < inputEnd + Self.inputChunk {
            input += [UInt8](repeating: 0, count: inputEnd + Self.inputChunk - input.count)
        }
        let end = inputEnd
        let n: Int
        do {
            n = try input.withUnsafeMutableBytes { raw in
                try fd.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[end..<(end + Self.inputChunk)]))
            }
        } catch {
            throw FileError(path: path, direction: .reading, errno: error as? Errno ?? .ioError)
        }
        if n == 0 { sourceEnded = true; return }
        inputEnd += n
    }

    private func decompress(into buffer: inout [UInt8]) throws(FileError) -> Int {
        let available = inputEnd - inputStart
        let capacity = buffer.count
        var consumed = 0
        var produced = 0
        var failure: String? = nil
        input.withUnsafeMutableBufferPointer { source in
            buffer.withUnsafeMutableBufferPointer { target in
                let from = source.baseAddress! + inputStart
                if let zlib {
                    if atBoundary && !isGzipStart(from, available) {
                        // Trailing bytes after the last member that are not another member.
                        failure = "bytes after the end of the gzip data are not another gzip member"
                        return
                    }
                    zlib.pointee.next_in = from
                    zlib.pointee.avail_in = UInt32(min(available, Int(UInt32.max)))
                    zlib.pointee.next_out = target.baseAddress!
                    zlib.pointee.avail_out = UInt32(capacity)
                    let status = inflate(zlib, Z_NO_FLUSH)
                    consumed = Int(UInt32(min(available, Int(UInt32.max))) - zlib.pointee.avail_in)
                    produced = capacity - Int(zlib.pointee.avail_out)
                    switch status {
                    case Z_STREAM_END:
                        atBoundary = true
                        inflateReset(zlib)
                    case Z_OK, Z_BUF_ERROR:
                        atBoundary = false
                    default:
                        let message = zlib.pointee.msg.map { String(cString: $0) } ?? "error \(status)"
                        failure = "corrupt gzip data (zlib: \(message))"
                    }
                } else if let zstd {
                    var inBuffer = ZSTD_inBuffer(src: from, size: available, pos: 0)
                    var outBuffer = ZSTD_outBuffer(dst: target.baseAddress!, size: capacity, pos: 0)
                    let result = ZSTD_decompressStream(zstd, &outBuffer, &inBuffer)
                    consumed = inBuffer.pos
                    produced = outBuffer.pos
                    if ZSTD_isError(result) != 0 {
                        failure = "corrupt zstd data (zstd: \(String(cString: ZSTD_getErrorName(result))))"
                    } else {
                        atBoundary = result == 0
                    }
                }
            }
        }
        if let failure { throw corrupt(failure, at: consumedBefore + inputStart + consumed) }
        inputStart += consumed
        return produced
    }

    private func isGzipStart(_ bytes: UnsafeMutablePointer<UInt8>, _ count: Int) -> Bool {
        count < 2 || (bytes[0] == 0x1F && bytes[1] == 0x8B)
    }

    private func corrupt(_ reason: String, at offset: Int? = nil, hint: String = "") -> FileError {
        let position = offset ?? (consumedBefore + inputStart)
        return FileError(path: path, direction: .reading, reason: "\(reason) at compressed byte offset \(position)\(hint)")
    }
}
