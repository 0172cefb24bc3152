@_spi(Plumbing) import BPECore
import FoundationEssentials

/// GPT-2's own files: `encoder.json` (token text in GPT-2's byte alphabet → id) and
/// `vocab.bpe` (the merges, in order). Read only: `bpe` writes the tiktoken and minbpe forms.
package enum GPT2Format {
    /// Reads the pair. Ids are ranks, as in tiktoken's `gpt2`; the merges only tell mergeable
    /// tokens from special ones (an id that no byte or merge makes is special, so
    /// `<|endoftext|>` is 50256) and must agree with the ids' order, as tiktoken requires.
    /// The pattern defaults to GPT-2's.
    /// - Complexity: O(file bytes).
    package static func read(encoder path: String, merges mergesPath: String) throws(FormatError) -> VocabularyFile {
        try parse(
            encoder: VocabularyFile.contents(of: path), merges: VocabularyFile.text(of: mergesPath),
            encoderPath: path, mergesPath: mergesPath)
    }

    /// `read` of files already in memory; the paths name them in errors.
    package static func parse(
        encoder json: [UInt8], merges mergesText: String, encoderPath path: String, mergesPath: String
    ) throws(FormatError) -> VocabularyFile {
        let bytes = GPT2ByteAlphabet.decode(_:) as (Substring) -> [UInt8]?
        let encoder = try parseEncoder(json, path: path)
        var merged: [[UInt8]] = []
        for (index, line) in mergesText.split(separator: "\n").enumerated() {
            if index == 0 && line.hasPrefix("#version") { continue }
            let fields = line.split(separator: " ")
            guard fields.count == 2, let left = bytes(fields[0]), let right = bytes(fields[1]) else {
                throw .cannotLoad(path: mergesPath, reason: "line \(index + 1): expected two tokens in GPT-2's byte alphabet")
            }
            merged.append(left + right)
        }
        let mergedSet = Set(merged)
        var tokens: [(bytes: [UInt8], id: TokenID)] = []
        var specials: [(token: String, id: TokenID)] = []
        var idOfBytes: [[UInt8]: TokenID] = [:]
        for (text, value) in encoder.sorted(by: { $0.value < $1.value }) {
            guard value >= 0, value < Int(TokenID.none) else {
                throw .cannotLoad(path: path, reason: "token '\(text)' has the id \(value), which is out of range")
            }
            let id = TokenID(value)
            if let decoded = bytes(Substring(text)), decoded.count == 1 || mergedSet.contains(decoded) {
                tokens.append((decoded, id))
                idOfBytes[decoded] = id
            } else {
                specials.append((text, id))
            }
        }
        var previous: TokenID? = nil
        for (index, token) in merged.enumerated() {
            guard let id = idOfBytes[token] else {
                throw .cannotLoad(path: mergesPath, reason: "merge \(index + 1) makes a token encoder.json lacks")
            }
            if let previous, id <= previous {
                throw .cannotLoad(path: mergesPath, reason: "merge \(index + 1) disagrees with the order of encoder.json's ids")
            }
            previous = id
        }
        return VocabularyFile(pattern: nil, defaultPattern: SplitPattern.gpt2.name, tokens: tokens, specialTokens: specials)
    }

    /// `encoder.json`: one JSON object of token text → integer id. Read errors (a missing
    /// file) are reported as such, not as bad JSON.
    private static func parseEncoder(_ json: [UInt8], path: String) throws(FormatError) -> [String: Int] {
        let data = Data(json)
        do {
            return try JSONDecoder().decode([String: Int].self, from: data)
        } catch {
            throw .cannotLoad(path: path, reason: "expected a JSON object of token → integer id")
        }
    }
}
