/// Reading an input failed: the file could not be read, or it is not UTF-8.
public enum InputError: Error, Equatable, Sendable, CustomStringConvertible {
    case file(FileError)
    /// The first ill-formed UTF-8 sequence of `path` starts at byte `offset`.
    case invalidUTF8(path: String, offset: Int)
    /// Line `line` of a JSON Lines input, starting at byte `offset` (of the decompressed text
    /// if `decompressed`), is not an object with the text field.
    case badDocument(path: String, line: Int, offset: Int, decompressed: Bool, reason: String)

    public var description: String {
        switch self {
        case let .file(error):
            return error.description
        case let .invalidUTF8(path, offset):
            return "invalid UTF-8 in '\(path)' at byte offset \(offset) "
                + "(fix the file, or read it with InvalidUTF8Policy.replace)"
        case let .badDocument(path, line, offset, decompressed, reason):
            return "'\(path)' line \(line) (byte offset \(offset)\(decompressed ? " of the decompressed text" : "")): \(reason)"
        }
    }
}

/// What to do with bytes that are not valid UTF-8 (SPEC §1).
public enum InvalidUTF8Policy: String, Sendable, CaseIterable {
    /// Stop with an error naming the file and the byte offset of the first invalid sequence.
    case error
    /// Replace each maximal invalid subpart by U+FFFD, as Python's `errors="replace"` does.
    case replace
}
