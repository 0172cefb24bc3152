// Vectorised UTF-8 validation: the lookup algorithm of Keiser and Lemire, "Validating UTF-8 in
// less than one instruction per byte" (Software: Practice and Experience, 2021), for AVX2.
// Each byte is classified by three 16-entry tables (the high nibble of the previous byte, its
// low nibble, the high nibble of this byte); their AND has a bit set exactly where a two-byte
// rule is broken, except that a continuation byte is expected two or three bytes after a
// three- or four-byte lead, which the prev2/prev3 test supplies. The only unsafe code is the
// loads, each of 32 bytes inside [bytes, bytes + length) or from a zero-padded copy of the tail.
#include "utf8_check.h"

#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>

// Error classes, one bit each (some share a bit: they never meet in one table row).
#define TOO_SHORT (1 << 0)      // a lead or ASCII byte where a continuation byte should be
#define TOO_LONG (1 << 1)       // a continuation byte after ASCII
#define OVERLONG_3 (1 << 2)     // E0 followed by 80..9F
#define TOO_LARGE (1 << 3)      // F4 followed by 90..BF, or F5..FF
#define SURROGATE (1 << 4)      // ED followed by A0..BF
#define OVERLONG_2 (1 << 5)     // C0 or C1
#define TOO_LARGE_1000 (1 << 6) // F5..FF followed by 80..8F
#define OVERLONG_4 (1 << 6)     // F0 followed by 80..8F
#define TWO_CONTS (1 << 7)      // two continuation bytes: right only inside a 3- or 4-byte sequence
#define CARRY (TOO_SHORT | TOO_LONG | TWO_CONTS)

// A 16-entry table in both 128-bit lanes (`_mm256_shuffle_epi8` looks up within a lane).
#define TABLE(a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p) \
    _mm256_setr_epi8((char)(a), (char)(b), (char)(c), (char)(d), (char)(e), (char)(f), (char)(g), (char)(h), \
                     (char)(i), (char)(j), (char)(k), (char)(l), (char)(m), (char)(n), (char)(o), (char)(p), \
                     (char)(a), (char)(b), (char)(c), (char)(d), (char)(e), (char)(f), (char)(g), (char)(h), \
                     (char)(i), (char)(j), (char)(k), (char)(l), (char)(m), (char)(n), (char)(o), (char)(p))

// The last `n` bytes of `previous` followed by the first 32 - n of `input` (n = 1, 2, 3).
#define PREVIOUS(input, previous, n) \
    _mm256_alignr_epi8(input, _mm256_permute2x128_si256(previous, input, 0x21), 16 - (n))

__attribute__((target("avx2")))
static inline __m256i high_nibbles(__m256i v) {
    return _mm256_and_si256(_mm256_srli_epi16(v, 4), _mm256_set1_epi8(0x0F));
}

/// The error bits of the 32 bytes of `input`, given the 32 bytes before them.
__attribute__((target("avx2")))
static inline __m256i block_errors(__m256i input, __m256i previous) {
    const __m256i byte_1_high = TABLE(
        // 0_______ (ASCII) followed by anything but ASCII or a lead
        TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG,
        // 10______ (continuation)
        TWO_CONTS, TWO_CONTS, TWO_CONTS, TWO_CONTS,
        // 1100____ (C0..CF)
        TOO_SHORT | OVERLONG_2,
        // 1101____
        TOO_SHORT,
        // 1110____
        TOO_SHORT | OVERLONG_3 | SURROGATE,
        // 1111____
        TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4);
    const __m256i byte_1_low = TABLE(
        // ____0000
        CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4,
        // ____0001
        CARRY | OVERLONG_2,
        // ____001_
        CARRY, CARRY,
        // ____0100
        CARRY | TOO_LARGE,
        // ____0101 .. ____1100
        CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,
        // ____1101
        CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE,
        // ____111_
        CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000);
    const __m256i byte_2_high = TABLE(
        // ________ 0_______ (ASCII)
        TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT,
        // ________ 1000____
        TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE_1000 | OVERLONG_4,
        // ________ 1001____
        TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE,
        // ________ 101_____
        TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,
        TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,
        // ________ 11______ (a lead)
        TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT);

    const __m256i previous_1 = PREVIOUS(input, previous, 1);
    const __m256i special = _mm256_and_si256(
        _mm256_and_si256(
            _mm256_shuffle_epi8(byte_1_high, high_nibbles(previous_1)),
            _mm256_shuffle_epi8(byte_1_low, _mm256_and_si256(previous_1, _mm256_set1_epi8(0x0F)))),
        _mm256_shuffle_epi8(byte_2_high, high_nibbles(input)));
    // A continuation byte is required two bytes after E0..EF and three after F0..FF: there,
    // TWO_CONTS (bit 7) is expected, and is an error anywhere else.
    const __m256i third = _mm256_subs_epu8(PREVIOUS(input, previous, 2), _mm256_set1_epi8((char)(0xE0 - 0x80)));
    const __m256i fourth = _mm256_subs_epu8(PREVIOUS(input, previous, 3), _mm256_set1_epi8((char)(0xF0 - 0x80)));
    const __m256i required = _mm256_and_si256(_mm256_or_si256(third, fourth), _mm256_set1_epi8((char)0x80));
    return _mm256_xor_si256(required, special);
}

/// Nonzero where the block's last three bytes start a sequence the block does not finish.
__attribute__((target("avx2")))
static inline __m256i unfinished(__m256i input) {
    const __m256i limits = _mm256_setr_epi8(
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        (char)(0xF0 - 1), (char)(0xE0 - 1), (char)(0xC0 - 1));
    return _mm256_subs_epu8(input, limits);
}

__attribute__((target("avx2")))
static int check_avx2(const unsigned char *bytes, size_t length) {
    __m256i errors = _mm256_setzero_si256();
    __m256i previous = _mm256_setzero_si256();
    __m256i previous_unfinished = _mm256_setzero_si256();
    size_t position = 0;
    unsigned char tail[32];
    while (position < length) {
        __m256i input;
        if (length - position >= 32) {
            input = _mm256_loadu_si256((const __m256i *)(bytes + position));
        } else {
            // Zero padding reads as ASCII: a sequence cut by the end is then an error.
            memset(tail, 0, sizeof tail);
            memcpy(tail, bytes + position, length - position);
            input = _mm256_loadu_si256((const __m256i *)tail);
        }
        position += 32;
        if (_mm256_movemask_epi8(input) == 0) {
            // All ASCII: right only if the bytes before finished their last sequence. The
            // previous block stays as it was; its tail finished, so it constrains nothing.
            errors = _mm256_or_si256(errors, previous_unfinished);
            continue;
        }
        errors = _mm256_or_si256(errors, block_errors(input, previous));
        previous_unfinished = unfinished(input);
        previous = input;
        // Bail out early on bad input: the caller looks for the offset anyway.
        if ((position & 4095) == 0 && !_mm256_testz_si256(errors, errors)) return 0;
    }
    errors = _mm256_or_si256(errors, previous_unfinished);
    return _mm256_testz_si256(errors, errors) ? 1 : 0;
}

int bpe_utf8_check(const unsigned char *bytes, size_t length) {
    // -1 until the first call has asked the CPU; threads may ask at once (same answer).
    static int has_avx2 = -1;
    int known = __atomic_load_n(&has_avx2, __ATOMIC_RELAXED);
    if (known < 0) {
        __builtin_cpu_init();
        known = __builtin_cpu_supports("avx2") ? 1 : 0;
        __atomic_store_n(&has_avx2, known, __ATOMIC_RELAXED);
    }
    if (!known) return -1;
    return check_avx2(bytes, length);
}

#else

int bpe_utf8_check(const unsigned char *bytes, size_t length) {
    (void)bytes;
    (void)length;
    return -1;
}

#endif
