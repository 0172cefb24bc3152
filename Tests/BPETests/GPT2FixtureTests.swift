import Foundation
import Testing
@_spi(Plumbing) @testable import BPECore
@testable import BPEEncoding
@testable import BPEFormats
@testable import BPETraining

/// GPT-2's own vocabulary (`../shared/fixtures/gpt2`): the ids its README gives, from both
/// of its forms, and decoding that cuts characters.
@Suite struct GPT2FixtureTests {
    static let directory = Fixtures.directory("gpt2")
    static let examples: [(String, [TokenID])] = [
        ("Hello, 🌎! 你好!", [15496, 11, 12520, 234, 236, 0, 220, 19526, 254, 25001, 121, 0]),
        ("    hello world!!!", [220, 220, 220, 23748, 995, 10185]),
    ]

    static func fromTiktoken() throws -> Tokenizer {
        try Tokenizer.load(path: "\(directory)/gpt2.tiktoken", pattern: "gpt2", specialTokens: ["<|endoftext|>"])
    }

    static func fromEncoderJSON() throws -> Tokenizer {
        try Tokenizer.load(path: "\(directory)/gpt2_vocab.json", merges: "\(directory)/gpt2_merges.txt")
    }

    @Test func fixtureIsPresent() {
        #expect(FileManager.default.fileExists(atPath: "\(Self.directory)/gpt2.tiktoken"),
                "GPT-2 fixture missing in \(Self.directory); set BPE_FIXTURES to the fixtures folder")
    }

    @Test func tiktokenFileGivesTheReadmeIDs() throws {
        let tokenizer = try Self.fromTiktoken()
        #expect(tokenizer.specialTokenID("<|endoftext|>") == 50256)
        for (text, ids) in Self.examples { #expect(try tokenizer.encode(text) == ids) }
    }

    @Test func encoderJSONAndMergesGiveTheSameVocabulary() throws {
        let json = try Self.fromEncoderJSON()
        let tiktoken = try Self.fromTiktoken()
        #expect(json.specialTokens.map(\.token) == ["<|endoftext|>"])
        #expect(json.specialTokenID("<|endoftext|>") == 50256)
        #expect(json.idLimit == tiktoken.idLimit)
        for id in 0..<TokenID(json.idLimit) { #expect(json.bytes(of: id) == tiktoken.bytes(of: id)) }
        for (text, ids) in Self.examples { #expect(try json.encode(text) == ids) }
    }

    @Test func allowedSpecialTokenIsOneID() throws {
        let tokenizer = try Self.fromTiktoken()
        #expect(try tokenizer.encode("Hello<|endoftext|>!", allowedSpecial: .allowAll) == [15496, 50256, 0])
        #expect(try tokenizer.encode("Hello<|endoftext|>!", allowedSpecial: .allow(["<|endoftext|>"])) == [15496, 50256, 0])
        #expect(try tokenizer.encode("<|endoftext|>", allowedSpecial: .ordinary) == [27, 91, 437, 1659, 5239, 91, 29])
    }

    @Test func specialTokensCanBeGivenTheirIDs() throws {
        let tokenizer = try Tokenizer.load(
            path: "\(Self.directory)/gpt2.tiktoken", pattern: "gpt2",
            specialTokens: ["<|fim=x|>=60000", "<|endoftext|>", "<|a|>=50300"])
        // Explicit ids first; a plain token goes after the largest id, explicit ones included.
        #expect(tokenizer.specialTokens.map(\.token) == ["<|a|>", "<|fim=x|>", "<|endoftext|>"])
        #expect(tokenizer.specialTokenID("<|endoftext|>") == 60001)
        #expect(tokenizer.specialTokenID("<|a|>") == 50300)
        #expect(tokenizer.specialTokenID("<|fim=x|>") == 60000)
        #expect(tokenizer.bytes(of: 50256) == nil)
        #expect(throws: EncodeError.self) {
            try Tokenizer.load(path: "\(Self.directory)/gpt2_vocab.json", merges: "\(Self.directory)/gpt2_merges.txt",
                               specialTokens: ["<|endoftext|>=7"])
        }
    }

    @Test func idsCutInsideACharacterJoinBackToTheText() throws {
        let tokenizer = try Self.fromTiktoken()
        let text = Array("猫🙂 naïve 你好".utf8)
        let ids = try tokenizer.encode(bytes: text, settings: EncodeSettings(threads: 1))
        var cutInsideCharacter = false
        for cut in 0...ids.count {
            let head = try tokenizer.decode(Array(ids[..<cut]))
            let tail = try tokenizer.decode(Array(ids[cut...]))
            #expect(head + tail == text)
            if String(validating: head, as: UTF8.self) == nil { cutInsideCharacter = true }
        }
        #expect(cutInsideCharacter, "the test text should have a token boundary inside a character")
    }
}
