import Foundation

extension Tokenizer {
    /// Loads a vocabulary by the kind of file `path` is:
    /// - `PREFIX.model` (minbpe, as `bpe train` writes it): pattern, special tokens and merges;
    /// - `PREFIX.tiktoken`: ranks; pattern and special tokens from `PREFIX.train.json` when it
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
    /// never splits; the tokenizer then splits like `gpt4`).
    /// - Complexity: O(vocabulary bytes).
    public static func load(
        path: String, merges: String? = nil, pattern: String? = nil, specialTokens extra: [String] = [],
        patternIsFallback: Bool = false, forDecodingOnly: Bool = false
    ) throws(EncodeError) -> Tokenizer {
        let parsed: ParsedVocabulary
        if path.hasSuffix(".model") {
            parsed = try parseMinbpeModel(path)
        } else if path.hasSuffix(".tiktoken") {
            parsed = try parseTiktoken(path)
        } else if path.hasSuffix(".json") {
            guard let merges else {
                throw .cannotLoadVocabulary(path: path, reason: "a GPT-2 encoder.json needs its vocab.bpe: pass --merges FILE")
            }
            parsed = try parseGPT2(encoder: path, merges: merges)
        } else {
            throw .cannotLoadVocabulary(
                path: path, reason: "expected a .model (minbpe), .tiktoken, or GPT-2 encoder .json file")
        }
        if let pattern, let own = parsed.ownPattern, !patternIsFallback, !forDecodingOnly,
           SplitPattern.resolve(pattern) != SplitPattern.resolve(own) {
            throw .invalidValue(option: "--pattern", value: pattern,
                                reason: "'\(path)' has its own split pattern; --pattern is for vocabularies without one")
        }
        let chosenPattern = parsed.ownPattern ?? pattern ?? parsed.defaultPattern
            ?? (forDecodingOnly ? SplitPattern.gpt4.name : nil)
        guard let chosenPattern else {
            throw .cannotLoadVocabulary(
                path: path, reason: "no PREFIX.train.json beside it names the split pattern: pass --pattern")
        }
        var specials = parsed.specialTokens
        let requested = extra.map(SpecialTokenRequest.init(parsing:))
        for request in requested {
            if request.token.isEmpty {
                throw .invalidValue(option: "--special-token", value: request.text, reason: "a special token cannot be empty")
            }
            guard let id = request.id else { continue }
            if let existing = specials.first(where: { $0.token == request.token }) {
                if existing.id != id {
                    throw .invalidValue(option: "--special-token", value: request.text,
                                        reason: "the vocabulary gives '\(request.token)' the id \(existing.id)")
                }
                continue
            }
            specials.append((request.token, id))
        }
        var nextID = max(parsed.tokens.map(\.rank).max() ?? -1, specials.map(\.id).max() ?? -1) + 1
        for request in requested where request.id == nil && !specials.contains(where: { $0.token == request.token }) {
            specials.append((request.token, nextID))
            nextID += 1
        }
        do {
            return try Tokenizer(pattern: chosenPattern, tokens: parsed.tokens, specialTokens: specials)
        } catch let .cannotLoadVocabulary(_, reason) {
            throw .cannotLoadVocabulary(path: path, reason: reason)
        }
    }

    /// A `--special-token` value: `TOKEN`, or `TOKEN=ID` when what follows the last `=` is
    /// a number (so a token may itself hold `=`).
    struct SpecialTokenRequest {
        var text: String
        var token: String
        var id: Int?

        init(parsing text: String) {
            self.text = text
            if let equals = text.lastIndex(of: "="), equals != text.startIndex,
               let id = Int(text[text.index(after: equals)...]), id >= 0 {
                token = String(text[..<equals])
                self.id = id
            } else {
                token = text
                id = nil
            }
        }
    }

    struct ParsedVocabulary {
        /// The pattern the files name (a `.model`, or a `.train.json` beside a `.tiktoken`).
        var ownPattern: String?
        /// The pattern to use when the files name none and none is given (GPT-2's for its files).
        var defaultPattern: String? = nil
        var tokens: [(bytes: [UInt8], rank: Int)]
        var specialTokens: [(token: String, id: Int)]
    }

    static func readData(_ path: String) throws(EncodeError) -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "it cannot be read" : "no such file"
            throw .cannotLoadVocabulary(path: path, reason: reason)
        }
        return data
    }

    static func readText(_ path: String) throws(EncodeError) -> String {
        let data = try readData(path)
        guard let text = String(validating: data, as: UTF8.self) else {
            throw .cannotLoadVocabulary(path: path, reason: "it is not UTF-8 text")
        }
        return text
    }

    /// minbpe's `.model`: `minbpe v1`, the pattern, the number of special tokens, `TOKEN ID`
    /// lines, then `LEFT RIGHT` per merge; merge k makes id 256 + k.
    static func parseMinbpeModel(_ path: String) throws(EncodeError) -> ParsedVocabulary {
        let lines = try readText(path).split(separator: "\n", omittingEmptySubsequences: false)
        func fail(_ line: Int, _ reason: String) -> EncodeError {
            .cannotLoadVocabulary(path: path, reason: "line \(line + 1): \(reason)")
        }
        guard lines.count >= 3, lines[0] == "minbpe v1" else { throw fail(0, "expected 'minbpe v1'") }
        let pattern = String(lines[1])
        guard let specialCount = Int(lines[2]), specialCount >= 0, lines.count >= 3 + specialCount else {
            throw fail(2, "expected the number of special tokens")
        }
        var specials: [(token: String, id: Int)] = []
        for index in 3..<(3 + specialCount) {
            let line = lines[index]
            guard let space = line.lastIndex(of: " "), let id = Int(line[line.index(after: space)...]) else {
                throw fail(index, "expected 'TOKEN ID'")
            }
            specials.append((String(line[..<space]), id))
        }
        var tokens: [(bytes: [UInt8], rank: Int)] = (0..<256).map { ([UInt8($0)], $0) }
        for index in (3 + specialCount)..<lines.count where !lines[index].isEmpty {
            let fields = lines[index].split(separator: " ")
            guard fields.count == 2, let left = Int(fields[0]), let right = Int(fields[1]),
                  left >= 0, right >= 0, left < tokens.count, right < tokens.count else {
                throw fail(index, "expected two ids of earlier tokens")
            }
            tokens.append((tokens[left].bytes + tokens[right].bytes, tokens.count))
        }
        return ParsedVocabulary(ownPattern: pattern, tokens: tokens, specialTokens: specials)
    }

    /// `.tiktoken`: `base64(bytes) rank` per line; `PREFIX.train.json` beside it, if present,
    /// gives `pattern` and `special_tokens`. Parsed as bytes: a 200k-token file loads in
    /// milliseconds.
    static func parseTiktoken(_ path: String) throws(EncodeError) -> ParsedVocabulary {
        let data = try readData(path)
        let parsedTokens = data.withUnsafeBytes { raw in TiktokenLines.parse(raw.bindMemory(to: UInt8.self)) }
        let tokens: [(bytes: [UInt8], rank: Int)]
        switch parsedTokens {
        case let .success(list): tokens = list
        case let .failure(line): throw .cannotLoadVocabulary(path: path, reason: "line \(line): expected 'BASE64 RANK'")
        }
        var parsed = ParsedVocabulary(ownPattern: nil, tokens: tokens, specialTokens: [])
        let report = String(path.dropLast(".tiktoken".count)) + ".train.json"
        if FileManager.default.fileExists(atPath: report) {
            let object = try? JSONSerialization.jsonObject(with: Data(try readText(report).utf8))
            guard let object = object as? [String: Any], let pattern = object["pattern"] as? String else {
                throw .cannotLoadVocabulary(path: report, reason: "expected a JSON object with a 'pattern'")
            }
            parsed.ownPattern = pattern
            let specials = object["special_tokens"] as? [String: Any] ?? [:]
            for (token, id) in specials {
                guard let id = id as? Int else {
                    throw .cannotLoadVocabulary(path: report, reason: "special token '\(token)' has no integer id")
                }
                parsed.specialTokens.append((token, id))
            }
        }
        return parsed
    }

    /// GPT-2's `encoder.json` (token text in the byte-to-unicode alphabet → id) and
    /// `vocab.bpe` (merges in order). Ids are ranks, as in tiktoken's `gpt2`; the merges only
    /// tell mergeable tokens from special ones and must agree with the ids' order.
    static func parseGPT2(encoder path: String, merges mergesPath: String) throws(EncodeError) -> ParsedVocabulary {
        let decoder = GPT2ByteAlphabet.decoder
        func bytes(_ text: Substring) -> [UInt8]? {
            var out: [UInt8] = []
            for scalar in text.unicodeScalars {
                guard let byte = decoder[scalar] else { return nil }
                out.append(byte)
            }
            return out
        }
        let object = try? JSONSerialization.jsonObject(with: Data(try readText(path).utf8))
        guard let encoder = object as? [String: Any] else {
            throw .cannotLoadVocabulary(path: path, reason: "expected a JSON object of token → id")
        }
        var merged: [[UInt8]] = []
        for (index, line) in try readText(mergesPath).split(separator: "\n").enumerated() {
            if index == 0 && line.hasPrefix("#version") { continue }
            let fields = line.split(separator: " ")
            guard fields.count == 2, let left = bytes(fields[0]), let right = bytes(fields[1]) else {
                throw .cannotLoadVocabulary(path: mergesPath, reason: "line \(index + 1): expected two tokens in GPT-2's byte alphabet")
            }
            merged.append(left + right)
        }
        let mergedSet = Set(merged)
        var tokens: [(bytes: [UInt8], rank: Int)] = []
        var specials: [(token: String, id: Int)] = []
        var idOfBytes: [[UInt8]: Int] = [:]
        for (text, value) in encoder {
            guard let id = value as? Int else {
                throw .cannotLoadVocabulary(path: path, reason: "token '\(text)' has no integer id")
            }
            if let decoded = bytes(Substring(text)), decoded.count == 1 || mergedSet.contains(decoded) {
                tokens.append((decoded, id))
                idOfBytes[decoded] = id
            } else {
                specials.append((text, id))
            }
        }
        var previous = -1
        for (index, token) in merged.enumerated() {
            guard let id = idOfBytes[token] else {
                throw .cannotLoadVocabulary(path: mergesPath, reason: "merge \(index + 1) makes a token encoder.json lacks")
            }
            guard id > previous else {
                throw .cannotLoadVocabulary(path: mergesPath, reason: "merge \(index + 1) disagrees with the order of encoder.json's ids")
            }
            previous = id
        }
        return ParsedVocabulary(
            ownPattern: nil, defaultPattern: SplitPattern.gpt2.name, tokens: tokens, specialTokens: specials)
    }
}
