/// A vocabulary file could not be read or is not what its name says it is.
public enum FormatError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `reason` says what was wrong and where (a line number, a key).
    case cannotLoad(path: String, reason: String)
    /// GPT-2's `encoder.json` was given without its `vocab.bpe`.
    case missingMerges(encoder: String)

    public var description: String {
        switch self {
        case let .cannotLoad(path, reason):
            return "cannot load the vocabulary '\(path)': \(reason)"
        case let .missingMerges(encoder):
            return "cannot load the vocabulary '\(encoder)': a GPT-2 encoder.json needs its vocab.bpe (the merges file)"
        }
    }
}
