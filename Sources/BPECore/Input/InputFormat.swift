/// What an input file holds: the corpus text itself, or JSON Lines whose every line is one
/// JSON object, one document, its text in a string field. Documents are boundaries as special
/// tokens are (no word spans two of them); the text between them is not part of the corpus.
/// Either may be gzip- or zstd-compressed (`Compression`).
public enum InputFormat: Sendable, Equatable, CustomStringConvertible {
    case text
    /// One JSON object per line; `textField` names the string that holds the document.
    case jsonl(textField: String)

    /// The field JSON Lines documents are read from, if this is JSON Lines.
    package var jsonlField: String? {
        if case let .jsonl(field) = self { return field }
        return nil
    }

    public var description: String {
        switch self {
        case .text: return "text"
        case let .jsonl(field): return "jsonl (field '\(field)')"
        }
    }
}
