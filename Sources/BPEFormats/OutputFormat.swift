/// A family of vocabulary files `bpe train` writes (SPEC §6); `PREFIX.train.json` is always
/// written besides.
public enum OutputFormat: String, Sendable, CaseIterable {
    /// `PREFIX.tiktoken`
    case tiktoken
    /// `PREFIX.model` and `PREFIX.vocab`
    case minbpe
    /// `PREFIX.tokenizer.json` (Hugging Face `tokenizers`)
    case hf
}
