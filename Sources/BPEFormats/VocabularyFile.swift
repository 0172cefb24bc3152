@_spi(Plumbing) import BPECore
import FoundationEssentials

/// A vocabulary as one of the supported files holds it: mergeable tokens with their ids
/// (ranks), special tokens with theirs, and the split pattern when the files name one.
/// `VocabularyFile.read` picks the format by the file's name.
package struct VocabularyFile {
    /// The pattern the files name (a `.model`, or a `.train.json` beside a `.tiktoken`).
    package var pattern: String?
    /// The pattern to use when the files name none and none is given (GPT-2's for its files).
    package var defaultPattern: String? = nil
    package var tokens: [(bytes: [UInt8], id: TokenID)]
    package var specialTokens: [(token: String, id: TokenID)]

    /// Reads a vocabulary by the kind of file `path` is:
    /// - `PREFIX.model` (minbpe): pattern, special tokens and merges;
    /// - `PREFIX.tiktoken`: ids; pattern and special tokens from `PREFIX.train.json` if present;
    /// - a `.json` file: GPT-2's `encoder.json`, with its `vocab.bpe` as `merges`; without
    ///   merges, a Hugging Face `tokenizer.json` (`HuggingFaceReader`).
    /// - Complexity: O(file bytes).
    package static func read(path: String, merges: String?) throws(FormatError) -> VocabularyFile {
        if merges != nil && !path.hasSuffix(".json") { throw .unexpectedMerges(path: path) }
        if path.hasSuffix(".model") { return try MinbpeFormat.readModel(path) }
        if path.hasSuffix(".tiktoken") { return try TiktokenFormat.read(path) }
        if path.hasSuffix(".json") {
            if let merges { return try GPT2Format.read(encoder: path, merges: merges) }
            // Parsed once: a tokenizer.json is read from this object; anything else that is
            // JSON is taken for an encoder.json without its merges.
            guard let root = HuggingFaceReader.object(try contents(of: path)) else {
                throw .cannotLoad(path: path, reason: "it is not a JSON object (a tokenizer.json, or GPT-2's encoder.json "
                    + "with --merges); is it truncated?")
            }
            guard HuggingFaceReader.isTokenizerJSON(root) else { throw .missingMerges(encoder: path) }
            return try HuggingFaceReader.parse(object: root, path: path)
        }
        throw .cannotLoad(path: path, reason: "expected a .model (minbpe), .tiktoken, tokenizer.json or GPT-2 encoder .json file")
    }

    /// The whole of a small file (a vocabulary, not a corpus). A failure to read it says why,
    /// with the system's reason.
    static func contents(of path: String) throws(FormatError) -> [UInt8] {
        do {
            return try CorpusFile.contents(of: path)
        } catch {
            let missing = error.reason == FileError.text(of: .noSuchFileOrDirectory)
            throw .cannotLoad(path: path, reason: missing ? "no such file" : error.reason)
        }
    }

    /// The text of a small file that must be UTF-8.
    static func text(of path: String) throws(FormatError) -> String {
        guard let text = String(validating: try contents(of: path), as: UTF8.self) else {
            throw .cannotLoad(path: path, reason: "it is not UTF-8 text")
        }
        return text
    }

    /// An id read from a file, checked to be one (`TokenID` holds it and it is not `none`).
    static func id(_ value: Int, path: String, line: Int) throws(FormatError) -> TokenID {
        guard value >= 0, value < Int(TokenID.none) else {
            throw .cannotLoad(path: path, reason: "line \(line): id \(value) is out of range (0 to \(TokenID.none - 1))")
        }
        return TokenID(value)
    }
}
