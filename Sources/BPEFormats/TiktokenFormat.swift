@_spi(Plumbing) import BPECore
import FoundationEssentials

/// `PREFIX.tiktoken`: one line per non-special token in id order, `base64(bytes) id`, the
/// format `tiktoken.load.load_tiktoken_bpe` reads. Written from a trained vocabulary; read as
/// bytes (a 200k-token file loads in milliseconds), with the pattern and special tokens of a
/// `PREFIX.train.json` beside it when there is one.
package enum TiktokenFormat {
    package static func render(_ vocabulary: TrainedVocabulary) -> [UInt8] {
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

    /// The tokens of `path`, and the pattern and special tokens of `PREFIX.train.json` beside it.
    /// - Complexity: O(file bytes).
    package static func read(_ path: String) throws(FormatError) -> VocabularyFile {
        let data = try VocabularyFile.contents(of: path)
        let parsed = data.withUnsafeBufferPointer { parse($0) }
        let tokens: [(bytes: [UInt8], id: TokenID)]
        switch parsed {
        case let .success(list): tokens = list
        case let .failure(bad): throw .cannotLoad(path: path, reason: "line \(bad.line): expected 'BASE64 RANK'")
        }
        var vocabulary = VocabularyFile(pattern: nil, tokens: tokens, specialTokens: [])
        let reportPath = String(path.dropLast(".tiktoken".count)) + ".train.json"
        if FileAccess.type(at: reportPath) != nil {
            let report = try TrainReport.readVocabularyPart(reportPath)
            vocabulary.pattern = report.pattern
            for (token, id) in report.specialTokens.sorted(by: { $0.value < $1.value }) {
                vocabulary.specialTokens.append((token, try VocabularyFile.id(id, path: reportPath, line: 0)))
            }
        }
        return vocabulary
    }


    struct BadLine: Error { var line: Int }

    private static let base64Values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, character) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(character)] = UInt8(value)
        }
        return table
    }()

    /// Every token and id, or the number (from 1) of the first line that is not one.
    /// - Complexity: O(n).
    static func parse(_ text: UnsafeBufferPointer<UInt8>) -> Result<[(bytes: [UInt8], id: TokenID)], BadLine> {
        var tokens: [(bytes: [UInt8], id: TokenID)] = []
        var index = 0
        var line = 0
        while index < text.count {
            line += 1
            var end = index
            while end < text.count && text[end] != UInt8(ascii: "\n") { end += 1 }
            var lineEnd = end
            if lineEnd > index && text[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            if lineEnd > index {
                guard let token = parseLine(text, index, lineEnd) else { return .failure(BadLine(line: line)) }
                tokens.append(token)
            }
            index = end + 1
        }
        return .success(tokens)
    }

    private static func parseLine(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> (bytes: [UInt8], id: TokenID)? {
        var space = start
        while space < end && text[space] != UInt8(ascii: " ") { space += 1 }
        guard space < end, space > start, (space - start) % 4 == 0 else { return nil }
        var rank = 0
        var digit = space + 1
        guard digit < end else { return nil }
        while digit < end {
            let value = Int(text[digit]) - Int(UInt8(ascii: "0"))
            guard value >= 0 && value <= 9 && rank < Int(TokenID.none) else { return nil }
            rank = rank * 10 + value
            digit += 1
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity((space - start) / 4 * 3)
        var group = start
        while group < space {
            var values: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
            var padding = 0
            for offset in 0..<4 {
                let character = text[group + offset]
                var value: UInt8
                if character == UInt8(ascii: "=") && group + 4 == space && offset >= 2 {
                    value = 0
                    padding += 1
                } else {
                    value = base64Values[Int(character)]
                    if value == 0xFF || padding > 0 { return nil }
                }
                switch offset {
                case 0: values.0 = value
                case 1: values.1 = value
                case 2: values.2 = value
                default: values.3 = value
                }
            }
            bytes.append(values.0 << 2 | values.1 >> 4)
            if padding < 2 { bytes.append(values.1 << 4 | values.2 >> 2) }
            if padding < 1 { bytes.append(values.2 << 6 | values.3) }
            group += 4
        }
        guard rank < Int(TokenID.none) else { return nil }
        return (bytes, TokenID(rank))
    }
}
