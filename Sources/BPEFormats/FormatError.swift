/// A vocabulary file could not be read or is not what its name says it is.
public enum FormatError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `reason` says what was wrong and where (a line number, a key).
    case cannotLoad(path: String, reason: String)
    /// GPT-2's `encoder.json` was given without its `vocab.bpe`.
    case missingMerges(encoder: String)
    /// A merges file was given with a vocabulary that is not GPT-2's `encoder.json`.
    case unexpectedMerges(path: String)

    public var description: String {
        switch self {
        case let .cannotLoad(path, reason):
            return "cannot load the vocabulary '\(path)': \(reason)"
        case let .unexpectedMerges(path):
            return "cannot load the vocabulary '\(path)': only GPT-2's encoder.json takes a merges file (vocab.bpe)"
        case let .missingMerges(encoder):
            return "cannot load the vocabulary '\(encoder)': a GPT-2 encoder.json needs its vocab.bpe (the merges file)"
        }
    }
}
