/// Which engine splits text into words.
public enum SplitEngine: String, CaseIterable, Sendable {
    /// The preset scanner (`PresetScanner`, Unicode 16.0, tiktoken's words) for a preset's name
    /// or exact regex text; PCRE2 for any other pattern.
    case automatic = "auto"
    /// PCRE2 for every pattern, presets included (its own Unicode tables: 14.0 on Debian 12).
    /// For comparisons and benchmarks; on characters of Unicode 15.0–16.0 it splits presets
    /// differently from tiktoken.
    case pcre2
}
