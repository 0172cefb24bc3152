import BPE
import Glibc

/// A `DocumentCounter` behind a C handle.
final class TrainerHandle {
    let counter: DocumentCounter
    init(_ counter: DocumentCounter) { self.counter = counter }
}

/// A finished run behind a C handle: its outcome and settings (to save with `train.json`).
final class ResultHandle {
    let outcome: TrainingOutcome
    let configuration: TrainConfiguration
    init(_ outcome: TrainingOutcome, _ configuration: TrainConfiguration) {
        self.outcome = outcome
        self.configuration = configuration
    }
}

/// A trainer for a vocabulary of `vocabSize` (256 + merges + special tokens). Strings are
/// UTF-8; `specials` holds `specialCount` NUL-terminated tokens back to back.
/// `maxTokenLength` ≤ 0 means none; `threads` ≤ 0 means all cores; `tieBreak` 0 is `cs336`,
/// 1 `rustbpe`; `invalidUTF8` 0 is error, 1 replace.
@_cdecl("sbpe_trainer_new")
public func sbpe_trainer_new(
    _ vocabSize: Int64, _ pattern: UnsafePointer<CChar>, _ specials: UnsafePointer<CChar>?, _ specialCount: Int32,
    _ minFrequency: Int64, _ maxTokenLength: Int64, _ threads: Int32, _ tieBreak: Int32, _ invalidUTF8: Int32,
    _ trainer: UnsafeMutablePointer<UnsafeMutableRawPointer?>, _ message: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    var configuration = TrainConfiguration(inputs: [], vocabSize: Int(vocabSize))
    configuration.pattern = String(cString: pattern)
    configuration.specialTokens = strings(specials, count: specialCount)
    configuration.minFrequency = Int(minFrequency)
    configuration.maxTokenLength = maxTokenLength > 0 ? Int(maxTokenLength) : nil
    configuration.threads = threads > 0 ? Int(threads) : TrainConfiguration.defaultThreadCount
    configuration.tieBreak = tieBreak == 1 ? .smallestIDs : .greatestBytes
    configuration.invalidUTF8 = invalidUTF8 == 1 ? .replace : .error
    do {
        let counter = try DocumentCounter(configuration: configuration)
        trainer.pointee = Unmanaged.passRetained(TrainerHandle(counter)).toOpaque()
        return 0
    } catch {
        return fail(status(of: error), error.description, message)
    }
}

/// Counts `count` documents laid end to end in `text` (`length` bytes); document i ends at
/// byte `ends[i]`. Runs on the trainer's threads; call it without holding Python's GIL.
@_cdecl("sbpe_trainer_add_documents")
public func sbpe_trainer_add_documents(
    _ trainer: UnsafeMutableRawPointer, _ text: UnsafePointer<UInt8>?, _ length: Int64,
    _ ends: UnsafePointer<Int64>?, _ count: Int64, _ message: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    let handle = Unmanaged<TrainerHandle>.fromOpaque(trainer).takeUnretainedValue()
    let bytes = UnsafeBufferPointer(start: length > 0 ? text : nil, count: Int(max(0, length)))
    let documentEnds = count > 0 && ends != nil ? UnsafeBufferPointer(start: ends, count: Int(count)).map(Int.init) : []
    if documentEnds.isEmpty && bytes.isEmpty { return 0 }
    do {
        try handle.counter.add(text: bytes, documentEnds: documentEnds)
        return 0
    } catch {
        return fail(status(of: error), error.description, message)
    }
}

/// Counts the files named by `paths` (`count` NUL-terminated paths back to back) as text
/// (`inputFormat` 0) or JSON Lines (1, the text in `textField`); gzip and zstd either way.
@_cdecl("sbpe_trainer_add_files")
public func sbpe_trainer_add_files(
    _ trainer: UnsafeMutableRawPointer, _ paths: UnsafePointer<CChar>?, _ count: Int32, _ inputFormat: Int32,
    _ textField: UnsafePointer<CChar>?, _ message: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    let handle = Unmanaged<TrainerHandle>.fromOpaque(trainer).takeUnretainedValue()
    let format: InputFormat = inputFormat == 1 ? .jsonl(textField: textField.map { String(cString: $0) } ?? "text") : .text
    do {
        try handle.counter.add(files: strings(paths, count: count), format: format)
        return 0
    } catch {
        return fail(status(of: error), error.description, message)
    }
}

/// Adds the counts of `count` word-count files (NUL-terminated paths back to back).
@_cdecl("sbpe_trainer_add_counts")
public func sbpe_trainer_add_counts(
    _ trainer: UnsafeMutableRawPointer, _ paths: UnsafePointer<CChar>?, _ count: Int32,
    _ message: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    let handle = Unmanaged<TrainerHandle>.fromOpaque(trainer).takeUnretainedValue()
    do {
        try handle.counter.add(countFiles: strings(paths, count: count))
        return 0
    } catch {
        return fail(status(of: error), error.description, message)
    }
}

/// Writes everything the trainer counted so far as a word-count file at `path`.
@_cdecl("sbpe_trainer_save_counts")
public func sbpe_trainer_save_counts(
    _ trainer: UnsafeMutableRawPointer, _ path: UnsafePointer<CChar>, _ message: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    let handle = Unmanaged<TrainerHandle>.fromOpaque(trainer).takeUnretainedValue()
    do {
        try handle.counter.writeCounts(to: String(cString: path))
        return 0
    } catch {
        return fail(status(of: error), error.description, message)
    }
}

/// Merges `count` word-count files into `output`, leaving out words counted fewer than
/// `minimumCount` times in all.
@_cdecl("sbpe_merge_counts")
public func sbpe_merge_counts(
    _ paths: UnsafePointer<CChar>?, _ count: Int32, _ output: UnsafePointer<CChar>, _ minimumCount: Int64,
    _ message: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    do {
        try WordCountFiles.merge(strings(paths, count: count), into: String(cString: output), minimumCount: UInt64(max(1, minimumCount)))
        return 0
    } catch {
        return fail(status(of: error), error.description, message)
    }
}

/// Progress of `sbpe_trainer_learn`: phase 1 is merges (done, of total); phase 0 a phase
/// start (done = the phase's index in SPEC §6's order).
public typealias ProgressCallback = @convention(c) (Int32, Int64, Int64) -> Void

/// Learns the merges from everything counted; `*result` receives a result handle. With
/// `keepCounts` 0 the counts are freed as the learner takes them (the trainer is then empty).
@_cdecl("sbpe_trainer_learn")
public func sbpe_trainer_learn(
    _ trainer: UnsafeMutableRawPointer, _ keepCounts: Int32, _ progress: ProgressCallback?,
    _ result: UnsafeMutablePointer<UnsafeMutableRawPointer?>, _ message: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    let handle = Unmanaged<TrainerHandle>.fromOpaque(trainer).takeUnretainedValue()
    var report: (@Sendable (TrainingProgress) -> Void)? = nil
    if let progress {
        report = { event in
            switch event {
            case let .phaseStarted(phase): progress(0, Int64(Phase.allCases.firstIndex(of: phase) ?? 0), 0)
            case let .merges(done, total): progress(1, Int64(done), Int64(total))
            case let .bytes(done, total): progress(2, Int64(done), Int64(total))
            }
        }
    }
    do {
        let outcome = try handle.counter.learn(keepingCounts: keepCounts != 0, progress: report)
        result.pointee = Unmanaged.passRetained(ResultHandle(outcome, handle.counter.configuration)).toOpaque()
        return 0
    } catch {
        return fail(status(of: error), error.description, message)
    }
}

@_cdecl("sbpe_trainer_free")
public func sbpe_trainer_free(_ trainer: UnsafeMutableRawPointer?) {
    if let trainer { Unmanaged<TrainerHandle>.fromOpaque(trainer).release() }
}

/// The number of merges learned.
@_cdecl("sbpe_result_merge_count")
public func sbpe_result_merge_count(_ result: UnsafeMutableRawPointer) -> Int64 {
    Int64(Unmanaged<ResultHandle>.fromOpaque(result).takeUnretainedValue().outcome.vocabulary.merges.count)
}

/// Writes merge k's left and right ids to `pairs[2k]`, `pairs[2k + 1]`.
@_cdecl("sbpe_result_merges")
public func sbpe_result_merges(_ result: UnsafeMutableRawPointer, _ pairs: UnsafeMutablePointer<UInt32>) {
    let merges = Unmanaged<ResultHandle>.fromOpaque(result).takeUnretainedValue().outcome.vocabulary.merges
    for (k, merge) in merges.enumerated() {
        pairs[2 * k] = merge.left
        pairs[2 * k + 1] = merge.right
    }
}

/// The run's `train.json` (what `bpe train` writes), malloc'd, NUL-terminated.
@_cdecl("sbpe_result_report")
public func sbpe_result_report(_ result: UnsafeMutableRawPointer) -> UnsafeMutablePointer<CChar> {
    let handle = Unmanaged<ResultHandle>.fromOpaque(result).takeUnretainedValue()
    let json = VocabularyExport.report(handle.outcome, configuration: handle.configuration)
    return strdup(String(decoding: json, as: UTF8.self))!
}

/// Writes the files of a vocabulary given by its merges (`count` pairs, left and right ids
/// back to back) and special tokens (after the merges, in order): no `train.json`.
@_cdecl("sbpe_save_merges")
public func sbpe_save_merges(
    _ pattern: UnsafePointer<CChar>, _ pairs: UnsafePointer<UInt32>?, _ count: Int64, _ specials: UnsafePointer<CChar>?,
    _ specialCount: Int32, _ prefix: UnsafePointer<CChar>, _ formats: UnsafePointer<CChar>,
    _ message: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    var merges: [Merge] = []
    for k in 0..<Int(max(0, count)) {
        let merge = Merge(pairs![2 * k], pairs![2 * k + 1])
        guard Int(merge.left) < 256 + k, Int(merge.right) < 256 + k else {
            return fail(.setting, "merge \(k) joins an id that no earlier merge made", message)
        }
        merges.append(merge)
    }
    let vocabulary = TrainedVocabulary(merges: merges, specialTokens: strings(specials, count: specialCount))
    guard let chosen = outputFormats(String(cString: formats), message) else { return CStatus.setting.rawValue }
    do {
        _ = try VocabularyExport.write(vocabulary, pattern: String(cString: pattern), prefix: String(cString: prefix), formats: chosen)
        return 0
    } catch {
        return fail(status(of: error), error.description, message)
    }
}

/// A comma-separated format list, or nil with the message set.
private func outputFormats(_ list: String, _ message: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> [OutputFormat]? {
    var chosen: [OutputFormat] = []
    for name in list.split(separator: ",") {
        guard let format = OutputFormat(rawValue: name.trimmingCharacters(in: " ").lowercased()) else {
            _ = fail(.setting, "unknown format '\(name)' (choose from tiktoken, minbpe, hf)", message)
            return nil
        }
        if !chosen.contains(format) { chosen.append(format) }
    }
    if chosen.isEmpty {
        _ = fail(.setting, "name at least one format (tiktoken, minbpe, hf)", message)
        return nil
    }
    return chosen
}

/// Writes the run's files: `prefix`.tiktoken, .model/.vocab, .tokenizer.json per `formats`
/// (comma-separated), and `prefix`.train.json; all or none.
@_cdecl("sbpe_result_save")
public func sbpe_result_save(
    _ result: UnsafeMutableRawPointer, _ prefix: UnsafePointer<CChar>, _ formats: UnsafePointer<CChar>,
    _ message: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    let handle = Unmanaged<ResultHandle>.fromOpaque(result).takeUnretainedValue()
    guard let chosen = outputFormats(String(cString: formats), message) else { return CStatus.setting.rawValue }
    do {
        _ = try VocabularyExport.write(handle.outcome, configuration: handle.configuration, prefix: String(cString: prefix), formats: chosen)
        return 0
    } catch {
        return fail(status(of: error), error.description, message)
    }
}

@_cdecl("sbpe_result_free")
public func sbpe_result_free(_ result: UnsafeMutableRawPointer?) {
    if let result { Unmanaged<ResultHandle>.fromOpaque(result).release() }
}

private extension Substring {
    func trimmingCharacters(in set: String) -> String {
        String(drop(while: { set.contains($0) }).reversed().drop(while: { set.contains($0) }).reversed())
    }
}

/// The merges of `count` mergeable tokens (token i is `bytes[ends[i-1]..<ends[i]]`, with id
/// `ids[i]`) in swift-bpe's layout, recovered from the ranks: `*pairs` receives `*mergeCount`
/// (left, right) pairs back to back (malloc'd).
@_cdecl("sbpe_merges_from_tokens")
public func sbpe_merges_from_tokens(
    _ bytes: UnsafePointer<UInt8>?, _ ends: UnsafePointer<Int64>?, _ ids: UnsafePointer<UInt32>?, _ count: Int64,
    _ pairs: UnsafeMutablePointer<UnsafeMutablePointer<UInt32>?>, _ mergeCount: UnsafeMutablePointer<Int64>,
    _ message: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    guard let tokens = tokens(bytes, ends, ids, count) else { return fail(.setting, "a token's end is before its start", message) }
    do {
        let base = try BaseVocabulary(tokens: tokens)
        mergeCount.pointee = Int64(base.merges.count)
        pairs.pointee = mallocCopy(base.merges.flatMap { [$0.left, $0.right] })
        return 0
    } catch {
        return fail(.setting, "this vocabulary is not in swift-bpe's layout, so it has no merge list: \(error.reason)", message)
    }
}
