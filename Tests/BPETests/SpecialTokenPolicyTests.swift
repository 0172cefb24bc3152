import Foundation
import Testing
@_spi(Plumbing) @testable import BPECore
@testable import BPEEncoding
@testable import BPEFormats
@testable import BPETraining

/// tiktoken's `allowed_special` / `disallowed_special`, and special tokens found wherever
/// shards and reading chunks cut them.
@Suite struct SpecialTokenPolicyTests {
    static func tokenizer() throws -> Tokenizer {
        try TrainedTokenizer.make(
            on: Array("the cat sat on the mat, don't you see? 1234 the end".utf8), pattern: "gpt4")
    }

    @Test func disallowedTokenIsAnErrorNamingItAndItsOffset() throws {
        let tokenizer = try Self.tokenizer()
        #expect(throws: EncodeError.disallowedSpecialToken(token: "<|pad|>", path: "<text>", offset: 8)) {
            try tokenizer.encode("the cat <|pad|> sat")
        }
    }

    @Test func onlyListedTokensAreAllowed() throws {
        let tokenizer = try Self.tokenizer()
        let pad = tokenizer.specialTokenID("<|pad|>")!
        let ids = try tokenizer.encode("a<|pad|>b", allowedSpecial: .allow(["<|pad|>"]))
        #expect(ids.contains(pad) && ids.count == 3)
        #expect(throws: EncodeError.disallowedSpecialToken(token: "<|end|>", path: "<text>", offset: 9)) {
            try tokenizer.encode("a<|pad|>b<|end|>", allowedSpecial: .allow(["<|pad|>"]))
        }
        #expect(throws: EncodeError.unknownSpecialToken("<|nope|>")) {
            try tokenizer.encode("a", allowedSpecial: .allow(["<|nope|>"]))
        }
    }

    @Test func ordinaryPolicyEncodesTokensAsText() throws {
        let tokenizer = try Self.tokenizer()
        let ids = try tokenizer.encode("x<|endoftext|>y", allowedSpecial: .ordinary)
        #expect(!ids.contains { tokenizer.isSpecial($0) })
        #expect(try tokenizer.decode(ids) == Array("x<|endoftext|>y".utf8))
    }

    @Test func tokenCutByEveryShardBoundaryIsStillFoundOnce() throws {
        let tokenizer = try Self.tokenizer()
        let text = Array("the cat<|endoftext|>sat on the mat".utf8)
        let end = tokenizer.specialTokenID("<|endoftext|>")!
        var settings = EncodeSettings(threads: 1)
        settings.specialTokens = .allowAll
        let whole = try tokenizer.encode(bytes: text, settings: settings)
        #expect(whole.filter { $0 == end }.count == 1)
        for threads in [1, 2] {
            for shardBytes in 1...24 {
                settings.threads = threads
                settings.shardBytes = shardBytes
                #expect(try tokenizer.encode(bytes: text, settings: settings) == whole, "shards of \(shardBytes)")
            }
        }
    }

    @Test func tokenAcrossTheReadingChunkBoundaryIsFound() throws {
        // Inputs are validated and scanned in 8 MiB chunks; put a token across the first cut.
        let tokenizer = try Self.tokenizer()
        var text = [UInt8](repeating: UInt8(ascii: "\n"), count: (8 << 20) - 5)
        for index in stride(from: 0, to: text.count - 3, by: 3) { text[index] = UInt8(ascii: "a") }
        text += Array("<|endoftext|>the end".utf8)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write(text, to: "big.txt")
        var settings = EncodeSettings(threads: 2)
        settings.specialTokens = .allowAll
        var ids: [TokenID] = []
        try tokenizer.encode(paths: [path], settings: settings) { (part: EncodedPart) throws(EncodeError) in
            if case let .ids(chunk, _, _) = part { ids += chunk }
        }
        let end = tokenizer.specialTokenID("<|endoftext|>")!
        #expect(ids.filter { $0 == end }.count == 1)
        #expect(try tokenizer.decode(ids) == text)
    }

    @Test func severalInputsCutIntoTinyShardsEncodeEachAsAWhole() throws {
        let tokenizer = try Self.tokenizer()
        let texts = ["the cat<|endoftext|><|pad|>sat", "", "on the   mat\n\n<|end|>", "don't 1234567 see?"]
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let paths = try texts.enumerated().map { try directory.write(Array($0.element.utf8), to: "input\($0.offset).txt") }
        var settings = EncodeSettings(threads: 2)
        settings.specialTokens = .allowAll
        let expected = try texts.map { try tokenizer.encode($0, allowedSpecial: .allowAll) }
        for shardBytes in [1, 2, 3, 7, 1 << 20] {
            settings.shardBytes = shardBytes
            var perFile = [[TokenID]](repeating: [], count: texts.count)
            var ended: [Int] = []
            try tokenizer.encode(paths: paths, settings: settings) { (part: EncodedPart) throws(EncodeError) in
                switch part {
                case let .ids(ids, file, _): perFile[file] += ids
                case let .endOfFile(file): ended.append(file)
                }
            }
            #expect(perFile == expected, "shards of \(shardBytes)")
            #expect(ended == Array(texts.indices))
        }
    }
}
