@_spi(Plumbing) import BPECore
import BPEFormats

extension Tokenizer {
    /// Loads a vocabulary by the kind of file `path` is (see `VocabularyFile.read`):
    /// - `PREFIX.model` (minbpe, as `bpe train` writes it): pattern, special tokens and merges;
    /// - `PREFIX.tiktoken`: ids; pattern and special tokens from `PREFIX.train.json` when it
    ///   is there, else `pattern` must be given;
    /// - a `.json` file: GPT-2's `encoder.json`, with its `vocab.bpe` as `merges`; the pattern
    ///   defaults to GPT-2's, and ids that no byte or merge produces are special tokens.
    ///
    /// `pattern` (a preset name or a regex) is the pattern of a vocabulary that carries none
    /// (a bare `.tiktoken`; for GPT-2's files it replaces the `gpt2` default). A vocabulary
    /// with its own pattern keeps it: a different `pattern` is an error, or, with
    /// `patternIsFallback` (eval over several vocabularies), ignored. Each of `specialTokens`
    /// the vocabulary lacks is added: `TOKEN=ID` with that id (OpenAI's `cl100k_base` has
    /// `<|endoftext|>=100257`), a plain `TOKEN` after the largest id, in the order given
    /// (SPEC §5's layout). With `forDecodingOnly`, a missing pattern is no error (decoding
    /// never splits; the tokenizer then splits like `gpt4`). `splitEngine` chooses what runs
    /// the pattern (`SplitEngine`).
    /// - Complexity: O(vocabulary bytes).
    public static func load(
        path: String, merges: String? = nil, pattern: String? = nil, specialTokens extra: [String] = [],
        patternIsFallback: Bool = false, forDecodingOnly: Bool = false, splitEngine: SplitEngine = .automatic
    ) throws(EncodeError) -> Tokenizer {
        let file: VocabularyFile
        do { file = try VocabularyFile.read(path: path, merges: merges) } catch { throw .vocabulary(error) }
        if let pattern, let own = file.pattern, !patternIsFallback, !forDecodingOnly,
           SplitPattern.resolve(pattern) != SplitPattern.resolve(own) {
            throw .conflictingPattern(path: path, given: pattern)
        }
        let chosenPattern = file.pattern ?? pattern ?? file.defaultPattern
            ?? (forDecodingOnly ? SplitPattern.gpt4.name : nil)
        guard let chosenPattern else { throw .missingPattern(path: path) }
        var specials = file.specialTokens
        let requested = extra.map(SpecialTokenRequest.init(parsing:))
        for request in requested {
            if request.token.isEmpty {
                throw .invalidSpecialToken(request: request.text, reason: "a special token cannot be empty")
            }
            if request.idOutOfRange {
                throw .invalidSpecialToken(request: request.text, reason: "the id is out of range (0 to \(TokenID.none - 1))")
            }
            guard let id = request.id else { continue }
            if let existing = specials.first(where: { $0.token == request.token }) {
                if existing.id != id {
                    throw .invalidSpecialToken(
                        request: request.text, reason: "the vocabulary gives '\(request.token)' the id \(existing.id)")
                }
                continue
            }
            specials.append((request.token, id))
        }
        var nextID = Int(max(file.tokens.map(\.id).max() ?? 0, specials.map(\.id).max() ?? 0)) + 1
        for request in requested where request.id == nil && !specials.contains(where: { $0.token == request.token }) {
            guard nextID < Int(TokenID.none) else {
                throw .invalidSpecialToken(request: request.text, reason: "no id is left after the largest")
            }
            specials.append((request.token, TokenID(nextID)))
            nextID += 1
        }
        do {
            return try Tokenizer(pattern: chosenPattern, tokens: file.tokens, specialTokens: specials, splitEngine: splitEngine)
        } catch let .invalidVocabulary(reason) {
            throw .vocabulary(.cannotLoad(path: path, reason: reason))
        }
    }

    /// A special-token request: `TOKEN`, or `TOKEN=ID` when what follows the last `=` is a
    /// number that fits an id (so a token may itself hold `=`).
    struct SpecialTokenRequest {
        var text: String
        var token: String
        var id: TokenID?
        /// `TOKEN=NUMBER` whose number is negative or too large for an id.
        var idOutOfRange = false

        init(parsing text: String) {
            self.text = text
            token = text
            guard let equals = text.lastIndex(of: "="), equals != text.startIndex else { return }
            let number = text[text.index(after: equals)...]
            let digits = number.hasPrefix("-") ? number.dropFirst() : number
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return }
            token = String(text[..<equals])
            if !number.hasPrefix("-"), let id = TokenID(digits), id != .none { self.id = id } else { idOutOfRange = true }
        }
    }
}
