@_spi(Plumbing) import BPECore

/// Which special tokens text may contain, with tiktoken's semantics (`allowed_special`,
/// `disallowed_special="all"`): an allowed token encodes to its single id; any other special
/// token in the text is an error naming it and its offset; under `.ordinary` no token is
/// special and all text is encoded as plain text (tiktoken's `encode_ordinary`).
public enum SpecialTokenPolicy: Sendable, Equatable {
    /// None allowed: a special token in the text is an error (the default, as in tiktoken).
    case disallowAll
    case allowAll
    /// Only these; any other special token in the text is an error.
    case allow([String])
    /// Special tokens are plain text.
    case ordinary

    /// `all`, `none` (plain text), or a comma-separated list of tokens.
    public init(parsing text: String) {
        switch text {
        case "all": self = .allowAll
        case "none": self = .ordinary
        default: self = .allow(text.split(separator: ",").map(String.init))
        }
    }

    /// Whether the text must be searched for special tokens at all.
    var scans: Bool { self != .ordinary }

    /// Whether `token` encodes to its id.
    func allows(_ token: String) -> Bool {
        switch self {
        case .disallowAll, .ordinary: return false
        case .allowAll: return true
        case let .allow(tokens): return tokens.contains(token)
        }
    }

    /// Fails if the policy names a token `tokenizer` does not have.
    func check(against tokenizer: Tokenizer) throws(EncodeError) {
        guard case let .allow(tokens) = self else { return }
        for token in tokens where tokenizer.specialTokenID(token) == nil { throw .unknownSpecialToken(token) }
    }
}
