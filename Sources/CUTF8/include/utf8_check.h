#ifndef BPE_UTF8_CHECK_H
#define BPE_UTF8_CHECK_H

#include <stddef.h>

/// Whether `bytes[0 ..< length]`, read as a string of its own, is well-formed UTF-8 (Unicode
/// Table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF, no sequence cut by the
/// end): 1 if it is, 0 if it is not, -1 when this CPU has no vector unit the check uses (then
/// nothing was checked). A fast path only: it never says where the first error is; the caller
/// finds that with its scalar check, which agrees with this one.
int bpe_utf8_check(const unsigned char *bytes, size_t length);

#endif
