@_spi(Plumbing) import BPECore

/// Reads a count file (`CountFileHeader` has the layout): maps it, checks the end marker and
/// the CRC of the whole file, parses the header, then hands out records in order, checking
/// each (length within the file, strictly ascending, count ≥ 1) and, at the end, the totals.
/// Memory: the mapping (pages are read as records are).
package final class CountFileReader {
    package let path: String
    package let header: CountFileHeader
    private let file: CorpusFile
    private var offset: Int
    private let recordsEnd: Int
    private var seen: UInt64 = 0
    private var sum: UInt64 = 0
    private var previous: UnsafeBufferPointer<UInt8>? = nil

    package init(path: String) throws(CountFileError) {
        self.path = path
        do { file = try CorpusFile.open(path) } catch { throw CountFileError(path: path, reason: error.reason) }
        let bytes = file.bytes
        func fail(_ reason: String) -> CountFileError { CountFileError(path: path, reason: reason) }
        guard bytes.count >= 8, Array(bytes[0..<8]) == CountFileHeader.magic else {
            throw fail("it is not a word-count file (it does not start with BPECOUNT); make one with bpe count")
        }
        guard bytes.count >= CountFileHeader.fixedSize + CountFileHeader.trailerSize,
              Array(bytes[(bytes.count - 12)..<(bytes.count - 4)]) == CountFileHeader.endMagic
        else {
            throw fail("it is truncated (no ENDCOUNT marker at its end, \(bytes.count) bytes); count again or copy it whole")
        }
        let stored = Self.load(UInt32.self, bytes, bytes.count - 4)
        let computed = countFileCRC(0, UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[0..<(bytes.count - 4)])))
        guard stored == computed else {
            throw fail("it is corrupt (its CRC-32 is \(String(computed, radix: 16)), the file says \(String(stored, radix: 16)))")
        }
        let version = Self.load(UInt32.self, bytes, 8)
        guard version == CountFileHeader.version else {
            throw fail("it has format version \(version); this bpe reads version \(CountFileHeader.version)")
        }
        let fieldsLength = Int(Self.load(UInt32.self, bytes, 28))
        recordsEnd = bytes.count - CountFileHeader.trailerSize
        guard CountFileHeader.fixedSize + fieldsLength <= recordsEnd else { throw fail("its header is longer than the file") }
        var cursor = CountFileHeader.fixedSize
        let fieldsEnd = cursor + fieldsLength
        func string(_ what: String) throws(CountFileError) -> String {
            guard cursor + 4 <= fieldsEnd else { throw fail("its header ends inside the \(what)") }
            let length = Int(Self.load(UInt32.self, bytes, cursor))
            cursor += 4
            guard length <= fieldsEnd - cursor else { throw fail("its header ends inside the \(what)") }
            guard let text = String(validating: UnsafeBufferPointer(rebasing: bytes[cursor..<(cursor + length)]), as: UTF8.self) else {
                throw fail("its \(what) is not UTF-8")
            }
            cursor += length
            return text
        }
        let pattern = try string("pattern")
        guard cursor + 4 <= fieldsEnd else { throw fail("its header ends inside the special tokens") }
        let specialCount = Int(Self.load(UInt32.self, bytes, cursor))
        cursor += 4
        var specials: [String] = []
        for _ in 0..<min(specialCount, fieldsEnd - cursor) { specials.append(try string("special tokens")) }
        guard specials.count == specialCount else { throw fail("its header ends inside the special tokens") }
        let split = try string("split")
        guard cursor == fieldsEnd else { throw fail("its header has \(fieldsEnd - cursor) bytes after its fields") }
        header = CountFileHeader(
            pattern: pattern, specialTokens: specials, split: split,
            words: Self.load(UInt64.self, bytes, 12), total: Self.load(UInt64.self, bytes, 20))
        offset = fieldsEnd
        // A record is at least 13 bytes (a 4-byte length, one byte, an 8-byte count).
        plausibleRecords = Int(min(header.words, UInt64((recordsEnd - fieldsEnd) / 13)))
    }

    /// The number of records the header announces, capped at what the file's size can hold:
    /// a size to make room for before reading them (a damaged header cannot ask for more
    /// memory than the file's size warrants; the records are checked as they are read).
    package let plausibleRecords: Int

    @inline(__always)
    static func load<T: FixedWidthInteger>(_: T.Type, _ bytes: UnsafeBufferPointer<UInt8>, _ offset: Int) -> T {
        T(littleEndian: UnsafeRawPointer(bytes.baseAddress! + offset).loadUnaligned(as: T.self))
    }

    /// The record at byte offset `offset` of `bytes`, a file whose records `next` has all
    /// checked already: its word, its count, and the offset of the record after it. No checks
    /// (the layout is `CountFileHeader`'s: u32 length, the word's bytes, u64 count).
    @inlinable
    package static func checkedRecord(
        at offset: Int, in bytes: UnsafeBufferPointer<UInt8>
    ) -> (word: UnsafeBufferPointer<UInt8>, count: UInt64, next: Int) {
        let base = UnsafeRawPointer(bytes.baseAddress!)
        let length = Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        let word = UnsafeBufferPointer(start: bytes.baseAddress! + offset + 4, count: length)
        let count = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset + 4 + length, as: UInt64.self))
        return (word, count, offset + 4 + length + 8)
    }

    /// The mapped file, header and trailer included: records already returned by `next` stay
    /// readable here, in place, as long as the reader lives.
    package var mappedBytes: UnsafeBufferPointer<UInt8> { file.bytes }

    /// The byte offset of the next record `next` reads (after the last, the trailer's).
    package var nextRecordOffset: Int { offset }

    /// The end of the mapped file: a record's word may be read up to here (the table reads a
    /// few bytes past a word).
    package var readableEnd: UnsafePointer<UInt8> { file.bytes.baseAddress! + file.bytes.count }

    /// The next record (its bytes valid while the reader lives), or nil after the last, when
    /// the totals have been checked.
    package func next() throws(CountFileError) -> (word: UnsafeBufferPointer<UInt8>, count: UInt64)? {
        let bytes = file.bytes
        func fail(_ reason: String) -> CountFileError {
            CountFileError(path: path, reason: "record \(seen + 1) at byte offset \(offset): \(reason)")
        }
        if offset == recordsEnd {
            guard seen == header.words, sum == header.total else {
                throw CountFileError(path: path, reason: "it holds \(seen) words counted \(sum) times; its header says \(header.words) and \(header.total)")
            }
            return nil
        }
        guard offset + 4 <= recordsEnd else { throw fail("the records end inside a length") }
        let length = Int(Self.load(UInt32.self, bytes, offset))
        guard length >= 1, length <= recordsEnd - offset - 12 else { throw fail("a word of \(length) bytes does not fit") }
        let word = UnsafeBufferPointer(rebasing: bytes[(offset + 4)..<(offset + 4 + length)])
        let count = Self.load(UInt64.self, bytes, offset + 4 + length)
        guard count >= 1 else { throw fail("a count of 0") }
        if let previous, ByteOrder.compare(previous, word) >= 0 {
            throw fail("the words are not in ascending order of their bytes (or one is there twice)")
        }
        offset += 4 + length + 8
        seen += 1
        let (added, overflow) = sum.addingReportingOverflow(count)
        guard !overflow else { throw fail("the counts add up past 2^64") }
        sum = added
        previous = word
        return (word, count)
    }
}

extension CountFileHeader {
    /// The header of the count file at `path`, after checking the whole file's CRC.
    public static func read(_ path: String) throws(CountFileError) -> CountFileHeader {
        try CountFileReader(path: path).header
    }
}
