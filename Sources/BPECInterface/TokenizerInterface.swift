import BPE
import Dispatch
import Glibc

/// A `Tokenizer` behind a C handle.
final class TokenizerHandle {
    let tokenizer: Tokenizer
    init(_ tokenizer: Tokenizer) { self.tokenizer = tokenizer }
}

private func tokenizer(_ handle: UnsafeMutableRawPointer) -> Tokenizer {
    Unmanaged<TokenizerHandle>.fromOpaque(handle).takeUnretainedValue().tokenizer
}

private func status(of error: EncodeError) -> CStatus {
    switch error {
    case .input: return .input
    case .vocabulary, .pattern, .missingPattern, .conflictingPattern, .invalidSpecialToken, .invalidVocabulary: return .setting
    default: return .encode
    }
}

/// Loads any vocabulary file `bpe encode --vocab` reads (.tiktoken, .model, tokenizer.json,
/// GPT-2's encoder.json with `merges`); `pattern` (may be null) for files that carry none.
@_cdecl("sbpe_tokenizer_load")
public func sbpe_tokenizer_load(
    _ path: UnsafePointer<CChar>, _ merges: UnsafePointer<CChar>?, _ pattern: UnsafePointer<CChar>?,
    _ result: UnsafeMutablePointer<UnsafeMutableRawPointer?>, _ message: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    do {
        let loaded = try Tokenizer.load(
            path: String(cString: path), merges: merges.map { String(cString: $0) }, pattern: pattern.map { String(cString: $0) })
        result.pointee = Unmanaged.passRetained(TokenizerHandle(loaded)).toOpaque()
        return 0
    } catch {
        return fail(status(of: error), error.description, message)
    }
}

/// A tokenizer from `count` mergeable tokens (token i is `bytes[ends[i-1]..<ends[i]]`, with
/// id `ids[i]`) and `specialCount` special tokens (NUL-terminated, back to back) with ids.
@_cdecl("sbpe_tokenizer_new")
public func sbpe_tokenizer_new(
    _ pattern: UnsafePointer<CChar>, _ bytes: UnsafePointer<UInt8>?, _ ends: UnsafePointer<Int64>?,
    _ ids: UnsafePointer<UInt32>?, _ count: Int64, _ specials: UnsafePointer<CChar>?, _ specialIDs: UnsafePointer<UInt32>?,
    _ specialCount: Int32, _ result: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
    _ message: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    guard let tokens = tokens(bytes, ends, ids, count) else { return fail(.setting, "a token's end is before its start", message) }
    let names = strings(specials, count: specialCount)
    let special = names.enumerated().map { (token: $0.element, id: specialIDs![$0.offset]) }
    do {
        let made = try Tokenizer(pattern: String(cString: pattern), tokens: tokens, specialTokens: special)
        result.pointee = Unmanaged.passRetained(TokenizerHandle(made)).toOpaque()
        return 0
    } catch {
        return fail(status(of: error), error.description, message)
    }
}

@_cdecl("sbpe_tokenizer_free")
public func sbpe_tokenizer_free(_ handle: UnsafeMutableRawPointer?) {
    if let handle { Unmanaged<TokenizerHandle>.fromOpaque(handle).release() }
}

/// The split regex (resolved), malloc'd.
@_cdecl("sbpe_tokenizer_pattern")
public func sbpe_tokenizer_pattern(_ handle: UnsafeMutableRawPointer) -> UnsafeMutablePointer<CChar> {
    strdup(tokenizer(handle).pattern)!
}

/// The mergeable tokens: `*count` tokens, their bytes back to back in `*bytes`, token i
/// ending at `(*ends)[i]`, with id `(*ids)[i]`; in id order. Three malloc'd buffers.
@_cdecl("sbpe_tokenizer_tokens")
public func sbpe_tokenizer_tokens(
    _ handle: UnsafeMutableRawPointer, _ count: UnsafeMutablePointer<Int64>, _ bytes: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>,
    _ ends: UnsafeMutablePointer<UnsafeMutablePointer<Int64>?>, _ ids: UnsafeMutablePointer<UnsafeMutablePointer<UInt32>?>
) {
    let tokenizer = tokenizer(handle)
    var allBytes: [UInt8] = []
    var allEnds: [Int64] = []
    var allIDs: [UInt32] = []
    for id in 0..<tokenizer.idLimit where !tokenizer.isSpecial(TokenID(id)) {
        guard let token = tokenizer.bytes(of: TokenID(id)) else { continue }
        allBytes += token
        allEnds.append(Int64(allBytes.count))
        allIDs.append(UInt32(id))
    }
    count.pointee = Int64(allIDs.count)
    bytes.pointee = mallocCopy(allBytes)
    ends.pointee = mallocCopy(allEnds)
    ids.pointee = mallocCopy(allIDs)
}

/// The special tokens, NUL-terminated back to back in `*tokens`, with their ids in `*ids`.
@_cdecl("sbpe_tokenizer_specials")
public func sbpe_tokenizer_specials(
    _ handle: UnsafeMutableRawPointer, _ count: UnsafeMutablePointer<Int32>,
    _ tokens: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, _ ids: UnsafeMutablePointer<UnsafeMutablePointer<UInt32>?>
) {
    let specials = tokenizer(handle).specialTokens
    var packed: [CChar] = []
    for special in specials { packed += special.token.utf8CString }
    count.pointee = Int32(specials.count)
    tokens.pointee = mallocCopy(packed)
    ids.pointee = mallocCopy(specials.map(\.id))
}

/// The special-token policy of tiktoken's `encode`: 0 refuses any special token in the text
/// (disallowed_special="all"), 1 allows all, 2 allows those of `allowed` (refusing the others),
/// 3 encodes them as plain text (`encode_ordinary`).
private func policy(_ code: Int32, _ allowed: UnsafePointer<CChar>?, _ allowedCount: Int32) -> SpecialTokenPolicy {
    switch code {
    case 1: return .allowAll
    case 2: return .allow(strings(allowed, count: allowedCount))
    case 3: return .ordinary
    default: return .disallowAll
    }
}

/// Encodes `length` bytes of UTF-8 `text`; `*ids` receives `*count` ids (malloc'd).
@_cdecl("sbpe_encode")
public func sbpe_encode(
    _ handle: UnsafeMutableRawPointer, _ text: UnsafePointer<UInt8>?, _ length: Int64, _ policyCode: Int32,
    _ allowed: UnsafePointer<CChar>?, _ allowedCount: Int32, _ ids: UnsafeMutablePointer<UnsafeMutablePointer<UInt32>?>,
    _ count: UnsafeMutablePointer<Int64>, _ message: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    let string = String(decoding: UnsafeBufferPointer(start: length > 0 ? text : nil, count: Int(max(0, length))), as: UTF8.self)
    do {
        let encoded = try tokenizer(handle).encode(string, allowedSpecial: policy(policyCode, allowed, allowedCount))
        count.pointee = Int64(encoded.count)
        ids.pointee = mallocCopy(encoded)
        return 0
    } catch {
        return fail(status(of: error), error.description, message)
    }
}

/// Encodes `count` UTF-8 texts laid end to end (text i ends at `ends[i]`) on `threads`
/// threads (≤ 0: all cores). `*ids` receives all ids, text i's ending at `(*idEnds)[i]`.
@_cdecl("sbpe_encode_batch")
public func sbpe_encode_batch(
    _ handle: UnsafeMutableRawPointer, _ text: UnsafePointer<UInt8>?, _ ends: UnsafePointer<Int64>?, _ count: Int64,
    _ threads: Int32, _ policyCode: Int32, _ allowed: UnsafePointer<CChar>?, _ allowedCount: Int32,
    _ ids: UnsafeMutablePointer<UnsafeMutablePointer<UInt32>?>, _ idEnds: UnsafeMutablePointer<UnsafeMutablePointer<Int64>?>,
    _ message: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    let tokenizer = tokenizer(handle)
    let total = Int(max(0, count))
    let rule = policy(policyCode, allowed, allowedCount)
    let workers = max(1, min(total, threads > 0 ? Int(threads) : TrainConfiguration.defaultThreadCount))
    nonisolated(unsafe) let results = UnsafeMutableBufferPointer<Result<[TokenID], EncodeError>?>.allocate(capacity: max(1, total))
    results.initialize(repeating: nil)
    defer { results.deallocate() }
    nonisolated(unsafe) let source = UnsafeBufferPointer(start: total > 0 ? ends : nil, count: total)
    nonisolated(unsafe) let base = text
    // Each worker takes every `workers`-th text: texts of a batch are of similar sizes.
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
        var i = worker
        while i < total {
            let start = i == 0 ? 0 : Int(source[i - 1])
            let end = Int(source[i])
            let string = String(decoding: UnsafeBufferPointer(start: end > start ? base! + start : nil, count: end - start), as: UTF8.self)
            results[i] = Result { () throws(EncodeError) in try tokenizer.encode(string, allowedSpecial: rule) }
            i += workers
        }
    }
    var all: [UInt32] = []
    var allEnds: [Int64] = []
    allEnds.reserveCapacity(total)
    for i in 0..<total {
        switch results[i]! {
        case let .success(encoded):
            all += encoded
            allEnds.append(Int64(all.count))
        case let .failure(failure):
            return fail(status(of: failure), "text \(i): \(failure.description)", message)
        }
    }
    ids.pointee = mallocCopy(all)
    idEnds.pointee = mallocCopy(allEnds)
    return 0
}

/// The bytes of `count` ids (malloc'd into `*bytes`, `*length` of them).
@_cdecl("sbpe_decode")
public func sbpe_decode(
    _ handle: UnsafeMutableRawPointer, _ ids: UnsafePointer<UInt32>?, _ count: Int64,
    _ bytes: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>, _ length: UnsafeMutablePointer<Int64>,
    _ message: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    let list = Array(UnsafeBufferPointer(start: count > 0 ? ids : nil, count: Int(max(0, count))))
    do {
        let decoded = try tokenizer(handle).decode(list)
        length.pointee = Int64(decoded.count)
        bytes.pointee = mallocCopy(decoded)
        return 0
    } catch {
        return fail(status(of: error), error.description, message)
    }
}
