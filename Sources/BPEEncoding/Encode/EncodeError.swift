@_spi(Plumbing) import BPECore
import BPEFormats

/// Everything that can go wrong loading a vocabulary, encoding, decoding or evaluating.
///
/// Each case renders as one line a user can act on, in the library's terms; the `bpe` command
/// line says the same with its flags.
public enum EncodeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An input could not be read or is not UTF-8.
    case input(InputError)
    /// The split pattern does not compile, or failed while matching.
    case pattern(PatternError)
    /// The output could not be written.
    case output(FileError)
    /// A vocabulary file could not be read.
    case vocabulary(FormatError)
    /// The tokens given do not make a byte-level BPE vocabulary (`reason` says why).
    case invalidVocabulary(reason: String)
    /// The vocabulary at `path` names no split pattern and none was given.
    case missingPattern(path: String)
    /// A pattern was given for a vocabulary that has its own, different one.
    case conflictingPattern(path: String, given: String)
    /// A requested special token (`TOKEN` or `TOKEN=ID`) cannot be added.
    case invalidSpecialToken(request: String, reason: String)
    /// Text holds a special token that is not allowed (tiktoken's `disallowed_special`).
    case disallowedSpecialToken(token: String, path: String, offset: Int)
    /// A policy names a special token the vocabulary does not have.
    case unknownSpecialToken(String)
    /// An id that names no token; `position` counts ids from 0 in that input.
    case unknownID(id: TokenID, position: Int, path: String)
    /// Text that is not a list of ids; `offset` is a byte offset.
    case malformedIDs(path: String, offset: Int, reason: String)
    /// An id format too narrow for the vocabulary's largest id.
    case idsDoNotFit(format: String, largestID: TokenID)

    public var description: String {
        switch self {
        case let .input(error): return error.description
        case let .pattern(error): return error.description
        case let .output(error): return error.description
        case let .vocabulary(error): return error.description
        case let .invalidVocabulary(reason):
            return "not a byte-level BPE vocabulary: \(reason)"
        case let .missingPattern(path):
            return "cannot load the vocabulary '\(path)': no PREFIX.train.json beside it names the split pattern; give one"
        case let .conflictingPattern(path, given):
            return "the pattern '\(given)' conflicts with the split pattern '\(path)' has; give a pattern only for vocabularies without one"
        case let .invalidSpecialToken(request, reason):
            return "cannot add the special token '\(request)': \(reason)"
        case let .disallowedSpecialToken(token, path, offset):
            return "'\(path)' contains the special token '\(token)' at byte offset \(offset) "
                + "(allow it, or encode special tokens as plain text with SpecialTokenPolicy.ordinary)"
        case let .unknownSpecialToken(token):
            return "'\(token)' is not a special token of this vocabulary"
        case let .unknownID(id, position, path):
            return "id \(id) at position \(position) of '\(path)' is not in the vocabulary"
        case let .malformedIDs(path, offset, reason):
            return "'\(path)' is not a list of token ids at byte offset \(offset): \(reason)"
        case let .idsDoNotFit(format, largestID):
            return "the id format \(format) cannot hold id \(largestID) (the vocabulary is too large); use u32"
        }
    }
}
