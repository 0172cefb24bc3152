import Foundation

/// `PREFIX.tiktoken`: one line per non-special token in id order, `base64(bytes) id`, the
/// format `tiktoken.load.load_tiktoken_bpe` reads.
enum TiktokenFormat {
    static func render(_ vocabulary: TrainedVocabulary) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(vocabulary.tokens.count * 16)
        for (id, token) in vocabulary.tokens.enumerated() {
            out.append(contentsOf: Data(token).base64EncodedString().utf8)
            out.append(UInt8(ascii: " "))
            out.append(contentsOf: String(id).utf8)
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }
}
