@_spi(Plumbing) import BPECore

/// `PREFIX.tokenizer.json`: the vocabulary as Hugging Face `tokenizers` writes a byte-level BPE
/// with a GPT-4-style split — what transformers' tiktoken converter builds — so that
/// `tokenizers.Tokenizer.from_file` and `transformers.PreTrainedTokenizerFast` load it and
/// encode to tiktoken's ids:
/// - `pre_tokenizer`: `Sequence[Split(Regex PATTERN, Isolated, invert false),
///   ByteLevel(add_prefix_space false, trim_offsets true, use_regex false)]`;
/// - `model`: `BPE` with `ignore_merges: true` (a word that is a token is taken whole, as
///   tiktoken does), `byte_fallback: false`, `vocab` in GPT-2's byte alphabet in id order, and
///   `merges` as `[left, right]` pairs in rank order (merge k makes id 256 + k, so merge order
///   is rank order);
/// - `decoder`: `ByteLevel`; `post_processor`: `ByteLevel(trim_offsets false)`;
/// - special tokens in `added_tokens` (`special: true`, `normalized: false`).
package enum HuggingFaceFormat {
    package static func render(_ vocabulary: TrainedVocabulary, pattern: String) -> [UInt8] {
        var json = "{\n  \"version\": \"1.0\",\n  \"truncation\": null,\n  \"padding\": null,\n  \"added_tokens\": ["
        for (index, special) in vocabulary.specialTokens.enumerated() {
            json += index == 0 ? "\n" : ",\n"
            json += "    {\"id\": \(vocabulary.specialTokenID(index)), \"content\": \(quoted(special)), "
            json += "\"single_word\": false, \"lstrip\": false, \"rstrip\": false, \"normalized\": false, \"special\": true}"
        }
        json += vocabulary.specialTokens.isEmpty ? "],\n" : "\n  ],\n"
        json += """
              "normalizer": null,
              "pre_tokenizer": {
                "type": "Sequence",
                "pretokenizers": [
                  {"type": "Split", "pattern": {"Regex": \(quoted(pattern))}, "behavior": "Isolated", "invert": false},
                  {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": false}
                ]
              },
              "post_processor": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": false, "use_regex": true},
              "decoder": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true},
              "model": {
                "type": "BPE",
                "dropout": null,
                "unk_token": null,
                "continuing_subword_prefix": null,
                "end_of_word_suffix": null,
                "fuse_unk": false,
                "byte_fallback": false,
                "ignore_merges": true,
                "vocab": {

            """
        for (id, token) in vocabulary.tokens.enumerated() {
            json += "      \(quoted(GPT2ByteAlphabet.encode(token))): \(id)"
            json += id + 1 < vocabulary.tokens.count ? ",\n" : "\n"
        }
        json += "    },\n    \"merges\": ["
        for (index, merge) in vocabulary.merges.enumerated() {
            json += index == 0 ? "\n" : ",\n"
            let left = GPT2ByteAlphabet.encode(vocabulary.tokens[Int(merge.left)])
            let right = GPT2ByteAlphabet.encode(vocabulary.tokens[Int(merge.right)])
            json += "      [\(quoted(left)), \(quoted(right))]"
        }
        json += vocabulary.merges.isEmpty ? "]\n  }\n}\n" : "\n    ]\n  }\n}\n"
        return Array(json.utf8)
    }

    /// `text` as a JSON string: `"` and `\` escaped, control characters as `\u00XX`, every
    /// other character as itself (UTF-8).
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
