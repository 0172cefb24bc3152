@_spi(Plumbing) import BPECore

/// Writes a count file (`CountFileHeader` has the layout) record by record, to a temporary
/// name renamed into place by `finish` (a failed or abandoned write leaves nothing). The
/// totals need not be known in advance: they are written into the header at the end, and the
/// CRC is combined from the header's and the records' own.
package final class CountFileWriter {
    private let output: OutputFile
    private let path: String
    private var header: CountFileHeader
    private var headerLength: Int
    /// CRC of everything after the fixed part's totals, as written.
    private var crc: UInt32 = 0
    private var written = 0
    private var previous: [UInt8]? = nil
    private var record: [UInt8] = []

    package init(path: String, header: CountFileHeader) throws(FileError) {
        self.path = path
        self.header = header
        self.header.words = 0
        self.header.total = 0
        output = try OutputFile(path: path)
        let bytes = self.header.encoded()
        headerLength = bytes.count
        try output.write(bytes)
        crc = bytes[CountFileHeader.fixedSize - 4..<bytes.count].withUnsafeBytes { countFileCRC(0, $0) }
        written = bytes.count - (CountFileHeader.fixedSize - 4)
    }

    /// Appends one word; words must come in strictly ascending order of their bytes.
    package func append(_ word: UnsafeBufferPointer<UInt8>, count: UInt64) throws(FileError) {
        precondition(count >= 1 && !word.isEmpty)
        record.removeAll(keepingCapacity: true)
        CountFileHeader.append(UInt32(word.count), to: &record)
        record.append(contentsOf: word)
        CountFileHeader.append(count, to: &record)
        crc = record.withUnsafeBytes { countFileCRC(crc, $0) }
        written += record.count
        try output.write(record)
        header.words += 1
        header.total += count
    }

    /// Writes the totals and the trailer, and renames the file into place.
    package func finish() throws(FileError) {
        // The CRC of the whole file: the fixed part up to its field length (totals now known),
        // then everything written after it.
        let fixed = Array(header.encoded()[0..<(CountFileHeader.fixedSize - 4)])
        let head = fixed.withUnsafeBytes { countFileCRC(0, $0) }
        var total = countFileCRCCombine(head, crc, secondLength: written)
        var trailer = CountFileHeader.endMagic
        total = trailer.withUnsafeBytes { countFileCRC(total, $0) }
        CountFileHeader.append(total, to: &trailer)
        try output.write(trailer)
        try output.flush()
        try output.rewrite(at: 0, fixed)
        try output.commit()
    }

    /// Removes the temporary file.
    package func abandon() { output.abort() }
}
