@_spi(Plumbing) import BPECore

/// Reads a Hugging Face `tokenizer.json` that holds a byte-level BPE this tool reproduces
/// exactly: no normalizer; a `BPE` model without byte fallback, dropout or word affixes; a
/// pre-tokenizer that is GPT-2's `ByteLevel` (its regex is the `gpt2` preset) or
/// `Sequence[Split(Regex P, Isolated, invert false), ByteLevel(use_regex false)]`, neither
/// adding a prefix space; merges whose results' ids rise in merge order (rank order, as
/// tiktoken needs). Anything else is refused with the reason, never approximated.
enum HuggingFaceReader {
    /// The top-level object of a `.json` vocabulary file, or nil if it is not a JSON object
    /// (truncated, or not JSON at all).
    static func object(_ json: [UInt8]) -> [String: Any]? {
        json.withUnsafeBufferPointer { buffer -> [String: Any]? in
            guard UTF8Validation.firstInvalidOffset(in: buffer, from: 0, to: buffer.count) == nil else { return nil }
            var parser = JSONLineParser(buffer, replaceLoneSurrogates: true)
            return (try? parser.document()) as? [String: Any]
        }
    }

    /// Whether `root` is a `tokenizer.json` (an object with a `model`), as opposed to GPT-2's
    /// `encoder.json`.
    static func isTokenizerJSON(_ root: [String: Any]) -> Bool { root["model"] != nil }

    /// `parse(object:path:)` of the file's bytes.
    static func parse(_ json: [UInt8], path: String) throws(FormatError) -> VocabularyFile {
        guard let root = object(json) else {
            throw .cannotLoad(path: path, reason: "it is not a JSON object (a tokenizer.json); is it truncated?")
        }
        return try parse(object: root, path: path)
    }

    static func parse(object root: [String: Any], path: String) throws(FormatError) -> VocabularyFile {
        func refuse(_ reason: String) -> FormatError { .cannotLoad(path: path, reason: reason) }
        if let normalizer = root["normalizer"], !(normalizer is JSONNull) {
            throw refuse("its normalizer (\(typeName(normalizer))) changes the text before the split; only tokenizer.json files without one are read")
        }
        guard let model = root["model"] as? [String: Any], model["type"] as? String == "BPE" else {
            throw refuse("its model is \(typeName(root["model"] ?? JSONNull())), not BPE")
        }
        if model["byte_fallback"] as? Bool == true { throw refuse("its BPE model uses byte_fallback") }
        for key in ["dropout", "continuing_subword_prefix", "end_of_word_suffix"] {
            if let value = model[key], !(value is JSONNull), (value as? String)?.isEmpty != true {
                throw refuse("its BPE model sets \(key), which byte-level BPE as tiktoken does it has not")
            }
        }
        let pattern = try self.pattern(root["pre_tokenizer"], refuse: refuse)

        guard let vocab = model["vocab"] as? [String: Any] else { throw refuse("its model has no vocab object") }
        let merges = try mergePairs(model["merges"], refuse: refuse)
        let bytes = GPT2ByteAlphabet.decode(_:) as (String) -> [UInt8]?
        var added: [String: Int] = [:]
        for entry in root["added_tokens"] as? [[String: Any]] ?? [] {
            guard let content = entry["content"] as? String, let id = entry["id"] as? Int else {
                throw refuse("an added token has no content or id")
            }
            for flag in ["lstrip", "rstrip", "single_word"] where entry[flag] as? Bool == true {
                throw refuse("the added token '\(content)' sets \(flag); special tokens here match exactly")
            }
            added[content] = id
        }
        var merged = Set<[UInt8]>()
        var mergeResults: [[UInt8]] = []
        for (index, pair) in merges.enumerated() {
            guard let left = bytes(pair.0), let right = bytes(pair.1) else {
                throw refuse("merge \(index + 1) is not in GPT-2's byte alphabet")
            }
            merged.insert(left + right)
            mergeResults.append(left + right)
        }
        var tokens: [(bytes: [UInt8], id: TokenID)] = []
        var idOfBytes: [[UInt8]: TokenID] = [:]
        var specials: [(token: String, id: TokenID)] = []
        let ordered = vocab.compactMap { key, value in (value as? Int).map { (key, $0) } }
            .sorted { $0.1 < $1.1 }
        guard ordered.count == vocab.count else { throw refuse("a vocab id is not an integer") }
        for (text, value) in ordered {
            guard value >= 0, value < Int(TokenID.none) else {
                throw refuse("the token '\(text)' has the id \(value), which is out of range")
            }
            if let decoded = bytes(text), decoded.count == 1 || merged.contains(decoded) {
                tokens.append((decoded, TokenID(value)))
                idOfBytes[decoded] = TokenID(value)
            } else if added[text] == nil {
                throw refuse("the token '\(text)' (id \(value)) is neither a byte, a merge's result nor an added token")
            }
        }
        for (content, id) in added.sorted(by: { $0.value < $1.value }) {
            guard id >= 0, id < Int(TokenID.none) else { throw refuse("the added token '\(content)' has an id out of range") }
            if let decoded = bytes(content), idOfBytes[decoded] == TokenID(id) { continue }  // a vocab token, listed again
            specials.append((content, TokenID(id)))
        }
        var previous: TokenID?
        for (index, result) in mergeResults.enumerated() {
            guard let id = idOfBytes[result] else { throw refuse("merge \(index + 1) makes a token the vocab lacks") }
            if let previous, id <= previous {
                throw refuse("merge \(index + 1) disagrees with the order of the vocab's ids (tiktoken's ranks need merge order = id order)")
            }
            previous = id
        }
        return VocabularyFile(pattern: pattern, tokens: tokens, specialTokens: specials)
    }

    /// The split pattern of a pre-tokenizer this tool reproduces, or the reason it is refused.
    static func pattern(_ value: Any?, refuse: (String) -> FormatError) throws(FormatError) -> String {
        guard let pre = value as? [String: Any] else { throw refuse("it has no pre_tokenizer (a byte-level BPE splits first)") }
        func byteLevel(_ step: [String: Any], regex: Bool) throws(FormatError) {
            guard step["type"] as? String == "ByteLevel" else {
                throw refuse("its pre_tokenizer \(typeName(step)) is not the byte-level one this tool reads")
            }
            if step["add_prefix_space"] as? Bool == true {
                throw refuse("its ByteLevel pre-tokenizer adds a prefix space, which changes the text")
            }
            if (step["use_regex"] as? Bool ?? true) != regex {
                throw refuse(regex ? "its ByteLevel pre-tokenizer does not split (use_regex false) and nothing else does"
                                   : "its ByteLevel pre-tokenizer splits again after the Split (use_regex true)")
            }
        }
        if pre["type"] as? String == "ByteLevel" {
            try byteLevel(pre, regex: true)
            return SplitPattern.gpt2.regex
        }
        guard pre["type"] as? String == "Sequence", let steps = pre["pretokenizers"] as? [[String: Any]], steps.count == 2,
              steps[0]["type"] as? String == "Split"
        else {
            throw refuse("its pre_tokenizer (\(typeName(pre))) is not ByteLevel or Sequence[Split, ByteLevel]")
        }
        let split = steps[0]
        guard let regex = (split["pattern"] as? [String: Any])?["Regex"] as? String else {
            throw refuse("its Split pre-tokenizer has no Regex pattern")
        }
        guard split["behavior"] as? String == "Isolated", split["invert"] as? Bool != true else {
            throw refuse("its Split pre-tokenizer is not behavior Isolated, invert false")
        }
        try byteLevel(steps[1], regex: false)
        return regex
    }

    /// `merges` as `["a b", ...]` (older files) or `[["a", "b"], ...]`.
    static func mergePairs(_ value: Any?, refuse: (String) -> FormatError) throws(FormatError) -> [(String, String)] {
        guard let list = value as? [Any] else { throw refuse("its BPE model has no merges list") }
        var pairs: [(String, String)] = []
        pairs.reserveCapacity(list.count)
        for (index, entry) in list.enumerated() {
            if let text = entry as? String {
                let fields = text.split(separator: " ", omittingEmptySubsequences: false)
                guard fields.count == 2 else { throw refuse("merge \(index + 1) is not two tokens") }
                pairs.append((String(fields[0]), String(fields[1])))
            } else if let pair = entry as? [String], pair.count == 2 {
                pairs.append((pair[0], pair[1]))
            } else {
                throw refuse("merge \(index + 1) is not two tokens")
            }
        }
        return pairs
    }

    static func typeName(_ value: Any) -> String {
        if let object = value as? [String: Any], let type = object["type"] as? String { return type }
        return value is JSONNull ? "none" : "unrecognized"
    }
}
