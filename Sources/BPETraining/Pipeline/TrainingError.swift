import BPEFormats
@_spi(Plumbing) import BPECore

/// A setting of `TrainConfiguration`, as errors name it.
public enum TrainingSetting: String, Sendable, CaseIterable {
    case inputs, vocabSize, pattern, specialTokens, minFrequency, maxTokenLength, threads, shardBytes, output, formats, textField, counts, vocabSizes, extend
}

/// Everything that can go wrong with the data, the settings or the outputs of a training run.
///
/// Each case renders as one line a user can act on: what went wrong, where (file and byte
/// offset when there is one), and what to do, in the library's terms (`vocabSize`, not a flag).
public enum TrainingError: Error, Equatable, Sendable, CustomStringConvertible {
    case input(InputError)
    /// A word-count file could not be read or does not fit the run.
    case counts(CountFileError)
    case pattern(PatternError)
    /// An output file could not be written (or, before training, created).
    case output(FileError)
    case invalidSetting(TrainingSetting, value: String, reason: String)
    /// `vocabSize` leaves no room for the 256 byte tokens and the special tokens.
    case vocabularyTooSmall(vocabSize: Int, specialTokens: Int)

    public var description: String {
        switch self {
        case let .input(error): return error.description
        case let .counts(error): return error.description
        case let .pattern(error): return error.description
        case let .output(error): return error.description
        case let .invalidSetting(setting, value, reason):
            return "invalid value '\(value)' for \(setting.rawValue): \(reason)"
        case let .vocabularyTooSmall(vocabSize, specialTokens):
            return "vocabSize \(vocabSize) is too small: it must be at least "
                + "\(256 + specialTokens) (256 byte tokens + \(specialTokens) special token(s))"
        }
    }
}
