import ArgumentParser
import BPE

/// `bpe decode`: token ids in, the bytes they stand for out.
struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Turn token ids back into text.",
        discussion: """
            Reads ids as bpe encode writes them: decimal numbers separated by spaces, newlines, \
            commas or brackets (--format ids or json), or a flat little-endian array (u16, u32). \
            Writes the tokens' bytes, concatenated; an id outside the vocabulary is an error \
            naming its position.
            """
    )

    @Option(name: .long, help: ArgumentHelp("PREFIX.model, PREFIX.tiktoken, or GPT-2's encoder.json.", valueName: "file"))
    var vocab: String

    @OptionGroup var vocabulary: VocabularyOptions

    @Option(name: .long, help: ArgumentHelp("The ids to decode (default: standard input).", valueName: "file"))
    var input: String = "-"

    @Option(name: .long, help: ArgumentHelp("Where to write the text (default: standard output).", valueName: "file"))
    var output: String?

    @Option(name: .long, help: "How the ids are written.")
    var format: IDFormat = .ids

    func run() throws {
        try reportingErrors {
            let tokenizer = try vocabulary.load(vocab, forDecodingOnly: true)
            let file = try CorpusFile.open(input)
            let stream = try OutputFile(path: output)
            do {
                try tokenizer.decode(file.bytes, format: format, path: input, into: stream)
                try stream.commit()
            } catch {
                stream.abort()
                throw error
            }
        }
    }
}
