import Glibc

/// Turns a stream of JSON Lines into documents: cuts it into lines, checks each is UTF-8
/// (repairing it under `InvalidUTF8Policy.replace`), reads the text field with
/// `JSONLineParser`, and appends each document to a `CorpusAccumulator` with a boundary after
/// it. Blank lines are skipped. Memory: the longest line.
struct JSONLDocuments {
    let path: String
    let field: [UInt8]
    /// Whether offsets are in decompressed text (said in errors).
    let compressed: Bool
    let invalidUTF8: InvalidUTF8Policy
    /// The current line's bytes so far (a line may span many chunks).
    private var pending: [UInt8] = []
    /// The stream offset of the current line's first byte, and its 1-based number.
    private var lineStart = 0
    private var lineNumber = 1

    init(path: String, field: String, compressed: Bool, invalidUTF8: InvalidUTF8Policy) {
        self.path = path
        self.field = Array(field.utf8)
        self.compressed = compressed
        self.invalidUTF8 = invalidUTF8
    }

    mutating func feed(_ bytes: ArraySlice<UInt8>, into accumulator: inout CorpusAccumulator) throws(InputError) {
        try bytes.withUnsafeBufferPointer { (chunk) throws(InputError) in
            guard let base = chunk.baseAddress else { return }
            var start = 0
            while start < chunk.count, let found = memchr(base + start, 0x0A, chunk.count - start) {
                let newline = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base
                let lineLength = pending.count + (newline - start)
                defer { lineStart += lineLength + 1 }
                if pending.isEmpty {
                    try document(UnsafeBufferPointer(rebasing: chunk[start..<newline]), into: &accumulator)
                } else {
                    pending.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[start..<newline]))
                    let line = pending
                    pending = []
                    try line.withUnsafeBufferPointer { (whole) throws(InputError) in try document(whole, into: &accumulator) }
                }
                start = newline + 1
            }
            pending.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[start...]))
        }
    }

    mutating func finish(into accumulator: inout CorpusAccumulator) throws(InputError) {
        if !pending.isEmpty {
            let line = pending
            pending = []
            try line.withUnsafeBufferPointer { (whole) throws(InputError) in try document(whole, into: &accumulator) }
        }
    }

    /// One line (without its LF): its document, or nothing if blank. Advances the line count.
    private mutating func document(_ raw: UnsafeBufferPointer<UInt8>, into accumulator: inout CorpusAccumulator) throws(InputError) {
        defer { lineNumber += 1 }
        let text: [UInt8]
        do throws(JSONLineParser.Failure) {
            text = try { () throws(JSONLineParser.Failure) -> [UInt8] in
                if JSONLineParser.isBlank(raw) { return [] }
                if let bad = UTF8Validation.firstInvalidOffset(in: raw, from: 0, to: raw.count) {
                    guard invalidUTF8 == .replace else {
                        throw JSONLineParser.Failure(offset: bad, reason: "invalid UTF-8 (fix the file, or replace it: --invalid-utf8 replace)")
                    }
                    let repaired = UTF8Validation.repaired(raw)
                    return try repaired.withUnsafeBufferPointer { (fixed) throws(JSONLineParser.Failure) -> [UInt8] in
                        var parser = JSONLineParser(fixed, replaceLoneSurrogates: true)
                        return try parser.text(of: field)
                    }
                }
                var parser = JSONLineParser(raw, replaceLoneSurrogates: invalidUTF8 == .replace)
                return try parser.text(of: field)
            }()
        } catch {
            throw .badDocument(
                path: path, line: lineNumber, offset: lineStart + error.offset, decompressed: compressed, reason: error.reason)
        }
        if text.isEmpty { return }
        do { try accumulator.append(text[...]) } catch { throw .file(error) }
        accumulator.endDocument()
    }
}
