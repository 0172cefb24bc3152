import Testing
@_spi(Plumbing) @testable import BPECore
@testable import BPEEncoding
@testable import BPEFormats
@testable import BPETraining

/// SPEC §3: each preset splits as tiktoken's and Python `regex`'s engines do. The expected
/// splits were produced by Python's `regex` module with the same patterns.
@Suite struct SplitPatternTests {
    @Test func gpt2SplitsContractionsNumbersAndPunctuation() throws {
        #expect(try split("Hello've world123 how's are you!!!?", "gpt2")
            == ["Hello", "'ve", " world", "123", " how", "'s", " are", " you", "!!!?"])
        #expect(try split("I'M HERE, They'RE\r\nnot 1234567 ok", "gpt2")
            == ["I", "'", "M", " HERE", ",", " They", "'", "RE", "\r", "\n", "not", " 1234567", " ok"])
        #expect(try split("def f():\n    return 12345\n\n\tx = 'ok'  \n", "gpt2")
            == ["def", " f", "():", "\n   ", " return", " 12345", "\n\n", "\t", "x", " =", " '", "ok", "'", "  \n"])
    }

    @Test func gpt4KeepsIndentationAndGroupsDigitsInThrees() throws {
        #expect(try split("Hello've world123 how's are you!!!?", "gpt4")
            == ["Hello", "'ve", " world", "123", " how", "'s", " are", " you", "!!!?"])
        #expect(try split("def f():\n    return 12345\n\n\tx = 'ok'  \n", "gpt4")
            == ["def", " f", "():\n", "   ", " return", " ", "123", "45", "\n\n", "\tx", " =", " '", "ok", "'", "  \n"])
        #expect(try split("I'M HERE, They'RE\r\nnot 1234567 ok", "gpt4")
            == ["I", "'M", " HERE", ",", " They", "'RE", "\r\n", "not", " ", "123", "456", "7", " ok"])
        #expect(try split("path/to/file.txt  //comment\n\n", "gpt4")
            == ["path", "/to", "/file", ".txt", " ", " //", "comment", "\n\n"])
        #expect(try split("    \n        x", "gpt4") == ["    \n", "       ", " x"])
    }

    @Test func o200kAttachesContractionsAndSplitsCase() throws {
        #expect(try split("Hello've world123 how's are you!!!?", "o200k")
            == ["Hello've", " world", "123", " how's", " are", " you", "!!!?"])
        #expect(try split("I'M HERE, They'RE\r\nnot 1234567 ok", "o200k")
            == ["I'M", " HERE", ",", " They'RE", "\r\n", "not", " ", "123", "456", "7", " ok"])
        #expect(try split("Café été e\u{301}te\u{301} 你好世界 😀👍🏽 ١٢٣٤", "o200k")
            == ["Café", " été", " e\u{301}te\u{301}", " 你好世界", " 😀👍🏽", " ", "١٢٣", "٤"])
    }

    @Test func unicodePropertiesUseUCP() throws {
        #expect(try split("Café été e\u{301}te\u{301} 你好世界 😀👍🏽 ١٢٣٤", "gpt4")
            == ["Café", " été", " e", "\u{301}te", "\u{301}", " 你好世界", " 😀👍🏽", " ", "١٢٣", "٤"])
    }

    @Test func customPatternIsUsedAsGiven() throws {
        #expect(try split("ab12 cd", #"\d+|[a-z]"#) == ["a", "b", "12", "c", "d"])
    }

    @Test func emptyMatchesAdvanceLikeFindall() throws {
        // Python: re.findall(r"x*", "axxb") == ['', 'xx', '', '']
        #expect(try split("axxb", "x*") == ["", "xx", "", ""])
    }

    @Test func patternThatDoesNotCompileNamesTheOffset() {
        #expect(throws: PatternError.doesNotCompile(message: "missing closing parenthesis", offset: 4)) {
            try CompiledPattern("(abc")
        }
    }

    @Test func presetsCompileWithJIT() throws {
        for preset in SplitPattern.allCases {
            #expect(try CompiledPattern(preset.regex).usesJIT, "\(preset)")
        }
    }
}
