import CPCRE2

/// A split regex compiled by PCRE2 (`PCRE2_UTF | PCRE2_UCP`), JIT-compiled when the platform
/// supports it, and for a preset's regex also its hand-written scanner, which then does all the
/// matching (`SplitEngine`). Compiled code is read-only after `init`, so one instance serves
/// every thread; each thread matches through its own `PatternMatcher`.
///
/// `@unchecked Sendable` is sound: PCRE2 documents compiled code as shareable between threads.
@_spi(Plumbing) public final class CompiledPattern: @unchecked Sendable {
    /// The regex source as given.
    public let source: String
    @usableFromInline let code: OpaquePointer
    /// Whether `pcre2_jit_compile` succeeded, so `pcre2_jit_match` may be used.
    public let usesJIT: Bool
    /// The preset scanner that matches instead of PCRE2, if any.
    public let scanner: PresetScanner?

    /// Compiles `source`; a pattern PCRE2 rejects is an error naming PCRE2's message and offset.
    /// With `.automatic`, a preset's exact regex text is matched by its scanner.
    public init(_ source: String, engine: SplitEngine = .automatic) throws(PatternError) {
        self.source = source
        scanner = engine == .automatic ? SplitPattern(regex: source).map(PresetScanner.init) : nil
        var errorCode: Int32 = 0
        var errorOffset: Int = 0
        let bytes = Array(source.utf8)
        let compiled = bytes.withUnsafeBufferPointer { pattern in
            pcre2_compile_8(
                pattern.baseAddress ?? UnsafePointer(bitPattern: 1), pattern.count,
                PCRE2_UTF | PCRE2_UCP, &errorCode, &errorOffset, nil)
        }
        guard let compiled else {
            throw .doesNotCompile(message: CompiledPattern.message(for: errorCode), offset: errorOffset)
        }
        code = compiled
        // A pattern may switch JIT off itself (`(*NO_JIT)`): compiling then "succeeds" with no
        // JIT code, and `pcre2_jit_match` would fail on every call. Use JIT only if there is code.
        // Both modes: complete matching to a piece's end, hard partial matching up to a
        // segment's lookahead limit (see `PatternMatcher.match`).
        var jitSize = 0
        usesJIT = pcre2_jit_compile_8(compiled, PCRE2_JIT_COMPLETE | PCRE2_JIT_PARTIAL_HARD) == 0
            && pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_JITSIZE), &jitSize) == 0 && jitSize > 0
    }

    deinit { pcre2_code_free_8(code) }

    /// What runs the split and on which Unicode version, as count files record it: the same
    /// pattern split by another engine or Unicode version may give other words.
    public var splitDescription: String {
        if scanner != nil { return "scanner, Unicode \(UnicodeClassTable.unicodeVersion)" }
        return "PCRE2 \(Self.configuration(UInt32(PCRE2_CONFIG_VERSION))), Unicode \(Self.configuration(UInt32(PCRE2_CONFIG_UNICODE_VERSION)))"
    }

    /// A string-valued PCRE2 build setting.
    private static func configuration(_ what: UInt32) -> String {
        var buffer = [UInt8](repeating: 0, count: 64)
        let length = buffer.withUnsafeMutableBytes { pcre2_config_8(what, $0.baseAddress) }
        guard length > 1 else { return "?" }
        return String(decoding: buffer[0..<Int(length - 1)], as: UTF8.self)
    }

    /// PCRE2's text for an error code.
    public static func message(for errorCode: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = buffer.withUnsafeMutableBufferPointer {
            pcre2_get_error_message_8(errorCode, $0.baseAddress, $0.count)
        }
        if length < 0 { return "PCRE2 error \(errorCode)" }
        return String(decoding: buffer[0..<Int(length)], as: UTF8.self)
    }
}
