import ArgumentParser
import BPE

/// A value on the command line that parses but makes no sense (`--threads 0`): exit 1, as
/// SPEC §7 wants for bad values (exit 64 is for command lines that do not parse).
struct InvalidValue: Error, CustomStringConvertible {
    var option: String
    var value: String
    var reason: String

    var description: String { "invalid value '\(value)' for \(option): \(reason)" }
}

/// The one way every command reports a failure: clears the progress line, prints one line
/// `error: ...` on stderr, in the command line's terms (flag names, not API names), exits 1.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        ProgressLine.clear()
        printError("error: \(CommandLineMessage.oneLine(CommandLineMessage.text(for: error)))")
        throw ExitCode(1)
    }
}

/// Library errors said with the flags a user of `bpe` types: the library speaks of
/// `vocabSize` and `SpecialTokenPolicy`, the command line of `--vocab-size` and `--allow-special`.
enum CommandLineMessage {
    static func text(for error: any Error) -> String {
        switch error {
        case let error as TrainingError: return text(for: error)
        case let error as EncodeError: return text(for: error)
        case let error as InputError: return text(for: error)
        case let error as CountFileError: return error.description
        default: return "\(error)"
        }
    }

    static func text(for error: InputError) -> String {
        switch error {
        case let .invalidUTF8(path, offset):
            return "invalid UTF-8 in '\(path)' at byte offset \(offset) (fix the file or pass --invalid-utf8 replace)"
        case .file, .badDocument:
            return error.description
        }
    }

    static func text(for error: TrainingError) -> String {
        switch error {
        case let .input(input): return text(for: input)
        case let .invalidSetting(setting, value, reason):
            return InvalidValue(option: flag(setting), value: value, reason: reason).description
        case let .vocabularyTooSmall(vocabSize, specialTokens):
            return "--vocab-size \(vocabSize) is too small: it must be at least "
                + "\(256 + specialTokens) (256 byte tokens + \(specialTokens) special token(s))"
        case .pattern, .output, .counts:
            return error.description
        }
    }

    static func text(for error: EncodeError) -> String {
        switch error {
        case let .input(input): return text(for: input)
        case let .vocabulary(.unexpectedMerges(path)):
            return "cannot load the vocabulary '\(path)': --merges goes only with GPT-2's encoder.json (drop it, or give --vocab encoder.json)"
        case let .vocabulary(.missingMerges(encoder)):
            return "cannot load the vocabulary '\(encoder)': a GPT-2 encoder.json needs its vocab.bpe: pass --merges FILE"
        case let .missingPattern(path):
            return "cannot load the vocabulary '\(path)': no PREFIX.train.json beside it names the split pattern: pass --pattern"
        case let .conflictingPattern(path, given):
            return InvalidValue(option: "--pattern", value: given,
                                reason: "'\(path)' has its own split pattern; --pattern is for vocabularies without one").description
        case let .invalidSpecialToken(request, reason):
            return InvalidValue(option: "--special-token", value: request, reason: reason).description
        case let .disallowedSpecialToken(token, path, offset):
            return "'\(path)' contains the special token '\(token)' at byte offset \(offset) "
                + "(pass --allow-special all, --allow-special \(token), or --allow-special none to encode it as text)"
        case let .idsDoNotFit(format, largestID):
            return "--format \(format) cannot hold id \(largestID) (the vocabulary is too large); use u32"
        default:
            return error.description
        }
    }

    /// `text` with line breaks, tabs and other control characters written as escapes, so an
    /// error is always one line whatever a value holds (a special token with a newline).
    static func oneLine(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The `bpe train` flag that sets `setting`.
    static func flag(_ setting: TrainingSetting) -> String {
        switch setting {
        case .inputs: return "--input"
        case .vocabSize: return "--vocab-size"
        case .pattern: return "--pattern"
        case .specialTokens: return "--special-token"
        case .minFrequency: return "--min-frequency"
        case .maxTokenLength: return "--max-token-length"
        case .threads: return "--threads"
        case .shardBytes: return "--shard-bytes"
        case .output: return "--output"
        case .formats: return "--format"
        case .textField: return "--text-field"
        case .counts: return "--counts"
        case .vocabSizes: return "--vocab-sizes"
        case .extend: return "--extend"
        }
    }
}
