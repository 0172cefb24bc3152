/// Everything that can go wrong with the data or the values of a training run.
///
/// Each case renders as one line a user can act on: what went wrong, where (file and byte
/// offset when there is one), and what to do. The CLI prints it after `error: ` and exits 1.
public enum TrainError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(path: String, reason: String)
    case invalidUTF8(path: String, offset: Int)
    case patternDoesNotCompile(message: String, offset: Int)
    case patternMatchFailed(message: String)
    case vocabularyTooSmall(vocabSize: Int, specialTokens: Int)
    case invalidValue(option: String, value: String, reason: String)
    case unwritableOutput(path: String, reason: String)
    case unsupportedFormat(String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason):
            return "cannot read '\(path)': \(reason)"
        case let .invalidUTF8(path, offset):
            return "invalid UTF-8 in '\(path)' at byte offset \(offset) "
                + "(fix the file or pass --invalid-utf8 replace)"
        case let .patternDoesNotCompile(message, offset):
            return "the split pattern does not compile: \(message) at pattern offset \(offset)"
        case let .patternMatchFailed(message):
            return "the split pattern failed while matching: \(message)"
        case let .vocabularyTooSmall(vocabSize, specialTokens):
            return "--vocab-size \(vocabSize) is too small: it must be at least "
                + "\(256 + specialTokens) (256 byte tokens + \(specialTokens) special token(s))"
        case let .invalidValue(option, value, reason):
            return "invalid value '\(value)' for \(option): \(reason)"
        case let .unwritableOutput(path, reason):
            return "cannot write '\(path)': \(reason)"
        case let .unsupportedFormat(name):
            return "unknown output format '\(name)' (choose from tiktoken, minbpe)"
        }
    }
}
