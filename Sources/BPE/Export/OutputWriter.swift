import Glibc

/// Writes the files of SPEC §6 for a finished run, all or none (`AtomicFileSet`).
enum OutputWriter {
    /// Renders every requested format plus `PREFIX.train.json` and writes them.
    static func write(
        _ outcome: TrainingOutcome, configuration: TrainConfiguration, startedAt: Double
    ) throws(TrainError) -> [String] {
        let renderStart = PhaseTimings.now()
        let prefix = configuration.output
        let vocabulary = outcome.vocabulary
        var files: [(path: String, contents: [UInt8])] = []
        for format in configuration.formats {
            switch format {
            case .tiktoken:
                files.append(("\(prefix).tiktoken", TiktokenFormat.render(vocabulary)))
            case .minbpe:
                files.append(("\(prefix).model", MinbpeFormat.model(vocabulary, pattern: configuration.resolvedPattern)))
                files.append(("\(prefix).vocab", MinbpeFormat.vocab(vocabulary)))
            }
        }
        // train.json cannot time its own writing: its `write` is the rendering of the others.
        var timed = outcome
        timed.phases.record(.write, seconds: PhaseTimings.now() - renderStart)
        let report = TrainReport(timed, configuration: configuration, wallSeconds: PhaseTimings.now() - startedAt)
        files.append(("\(prefix).train.json", report.render()))
        return try AtomicFileSet.write(files)
    }

    /// Fails early, before any training, if files cannot be created next to `prefix`.
    static func checkWritable(prefix: String) throws(TrainError) {
        let probe = AtomicFileSet.temporaryName(for: "\(prefix).probe")
        let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if fd < 0 { throw .unwritableOutput(path: "\(prefix).*", reason: String(cString: strerror(errno))) }
        close(fd)
        unlink(probe)
    }
}
