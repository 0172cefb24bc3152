/// The hashes of every table of swift-bpe (word counts, pair ids, ranks, the word cache), in
/// one place. Fast and not keyed: no result ever depends on a hash value, only the speed does.
/// Public only to swift-bpe's own modules (`@_spi(Plumbing)`) and inlinable, because the
/// tables that call them live in other modules and call them per word; `package` functions
/// are not inlined across modules (measured: +13% instructions in split+count).
@_spi(Plumbing) public enum ByteHash {
    /// Hash of `bytes[0..<count]`. Reads eight bytes at a time; the tail is read with
    /// overlapping loads, which with the length mixed in still determines every byte.
    /// - Complexity: O(count).
    @inlinable @inline(__always)
    public static func hash(_ bytes: UnsafePointer<UInt8>, count: Int) -> UInt64 {
        let raw = UnsafeRawPointer(bytes)
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ (UInt64(truncatingIfNeeded: count) &* 0xFF51_AFD7_ED55_8CCD)
        var i = 0
        while i + 8 <= count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 29
            i += 8
        }
        let rest = count - i
        if rest > 0 {
            var tail: UInt64
            if rest >= 4 {
                tail = UInt64(raw.loadUnaligned(fromByteOffset: i, as: UInt32.self))
                tail |= UInt64(raw.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)) << 32
            } else {
                tail = UInt64(bytes[i]) | UInt64(bytes[i + rest / 2]) << 8 | UInt64(bytes[count - 1]) << 16
            }
            h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        }
        // fmix64 of MurmurHash3: every input bit reaches the low bits used as the slot index.
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }

    /// Hash of a short byte string held in up to three machine words (its bytes, zero-padded,
    /// little-endian) and its length. Words left out are zero and fold away when inlined.
    /// - Complexity: O(1).
    @inlinable @inline(__always)
    public static func hash(words first: UInt64, _ second: UInt64 = 0, _ third: UInt64 = 0, length: Int) -> UInt64 {
        var h = (first ^ UInt64(truncatingIfNeeded: length) &* 0x9E37_79B9_7F4A_7C15) &* 0xBF58_476D_1CE4_E5B9
        h ^= second &* 0x94D0_49BB_1331_11EB
        h ^= third &* 0xC2B2_AE3D_27D4_EB4F
        h ^= h >> 32
        h = h &* 0xD6E8_FEB8_6659_FD93
        h ^= h >> 29
        return h
    }

    /// Fibonacci hashing: the top `64 - shift` bits of `key` times 2⁶⁴/φ, for a table of
    /// 2^(64 - shift) slots (keys that differ in any bit land far apart).
    /// - Complexity: O(1).
    @inlinable @inline(__always)
    public static func fibonacci(_ key: UInt64, shift: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }
}
