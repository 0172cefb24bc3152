/// The pre-tokenization presets of SPEC §3.
public enum SplitPattern: String, CaseIterable, Sendable {
    case gpt2
    case gpt4
    case o200k

    public var name: String { rawValue }

    /// The regex of this preset, exactly as SPEC §3 writes it.
    public var regex: String {
        switch self {
        case .gpt2:
            return #"'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
        case .gpt4:
            return #"'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]++[\r\n]*|\s*[\r\n]|\s+(?!\S)|\s+"#
        case .o200k:
            return [
                #"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?"#,
                #"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?"#,
                #"\p{N}{1,3}"#,
                #" ?[^\s\p{L}\p{N}]+[\r\n/]*"#,
                #"\s*[\r\n]+"#,
                #"\s+(?!\S)"#,
                #"\s+"#,
            ].joined(separator: "|")
        }
    }

    /// The preset whose regex is exactly `regex`, if any.
    public init?(regex: String) {
        guard let preset = SplitPattern.allCases.first(where: { $0.regex == regex }) else { return nil }
        self = preset
    }

    /// A preset's regex for a preset name, otherwise the value itself (a custom regex).
    public static func resolve(_ nameOrRegex: String) -> String {
        SplitPattern(rawValue: nameOrRegex)?.regex ?? nameOrRegex
    }
}
