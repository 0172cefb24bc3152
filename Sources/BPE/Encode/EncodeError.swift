/// Everything that can go wrong loading a vocabulary, encoding, decoding or evaluating.
///
/// Each case renders as one line a user can act on; the CLI prints it after `error: ` and
/// exits 1. Reading and splitting errors of the shared pipeline arrive as `.input`.
public enum EncodeError: Error, CustomStringConvertible, Equatable {
    /// A file could not be read, was not UTF-8, or the split pattern failed.
    case input(TrainError)
    case cannotLoadVocabulary(path: String, reason: String)
    /// Text holds a special token that is not allowed (tiktoken's `disallowed_special`).
    case disallowedSpecialToken(token: String, path: String, offset: Int)
    case unknownSpecialToken(String)
    /// An id that names no token; `position` counts ids from 0 in that input.
    case unknownID(id: Int, position: Int, path: String)
    /// Text that is not a list of ids; `offset` is a byte offset.
    case malformedIDs(path: String, offset: Int, reason: String)
    case idsDoNotFit(format: String, largestID: Int)
    case invalidValue(option: String, value: String, reason: String)

    public var description: String {
        switch self {
        case let .input(error):
            return error.description
        case let .cannotLoadVocabulary(path, reason):
            return "cannot load the vocabulary '\(path)': \(reason)"
        case let .disallowedSpecialToken(token, path, offset):
            return "'\(path)' contains the special token '\(token)' at byte offset \(offset) "
                + "(pass --allow-special all, --allow-special \(token), or --allow-special none to encode it as text)"
        case let .unknownSpecialToken(token):
            return "'\(token)' is not a special token of this vocabulary"
        case let .unknownID(id, position, path):
            return "id \(id) at position \(position) of '\(path)' is not in the vocabulary"
        case let .malformedIDs(path, offset, reason):
            return "'\(path)' is not a list of token ids at byte offset \(offset): \(reason)"
        case let .idsDoNotFit(format, largestID):
            return "--format \(format) cannot hold id \(largestID) (the vocabulary is too large); use u32"
        case let .invalidValue(option, value, reason):
            return "invalid value '\(value)' for \(option): \(reason)"
        }
    }
}
