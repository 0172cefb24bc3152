/// Collects the text of an input read as a stream (standard input, a pipe, decompressed or
/// extracted text): in memory up to a threshold, then in an unlinked temporary file that is
/// mapped at the end (`StandardInputSpool`). Memory stays bounded by the threshold.
struct CorpusAccumulator {
    let path: String
    let spoolThreshold: Int
    private var content: [UInt8] = []
    private var spool: StandardInputSpool? = nil
    /// Bytes appended so far.
    private(set) var count = 0
    private var documentEnds: [Int] = []

    init(path: String, spoolThreshold: Int) {
        self.path = path
        self.spoolThreshold = spoolThreshold
    }

    mutating func append(_ bytes: ArraySlice<UInt8>) throws(FileError) {
        count += bytes.count
        if let spool {
            try spool.append(bytes)
            return
        }
        content.append(contentsOf: bytes)
        if content.count > spoolThreshold {
            let created = try StandardInputSpool(reading: path)
            try created.append(content[...])
            content = []
            spool = created
        }
    }

    /// Marks the end of a document (JSON Lines): a boundary no word crosses. Empty documents
    /// and a boundary at the very start or end are not recorded (they separate nothing).
    mutating func endDocument() {
        if count > 0 && documentEnds.last != count { documentEnds.append(count) }
    }

    /// The text read, with its document ends.
    consuming func finish() throws(FileError) -> CorpusFile {
        while documentEnds.last == count { documentEnds.removeLast() }
        if let spool { return CorpusFile(path: path, mapping: try spool.map(), documentEnds: documentEnds) }
        return CorpusFile(path: path, copying: content, documentEnds: documentEnds)
    }
}
