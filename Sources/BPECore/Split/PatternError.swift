/// The split pattern failed: PCRE2 rejected it, or matching hit one of PCRE2's limits.
public enum PatternError: Error, Equatable, Sendable, CustomStringConvertible {
    /// PCRE2's message, and the offset in the pattern where it stopped.
    case doesNotCompile(message: String, offset: Int)
    case matchFailed(message: String)

    public var description: String {
        switch self {
        case let .doesNotCompile(message, offset):
            return "the split pattern does not compile: \(message) at pattern offset \(offset)"
        case let .matchFailed(message):
            return "the split pattern failed while matching: \(message)"
        }
    }
}
