#ifndef BPE_MEMORY_REMAP_H
#define BPE_MEMORY_REMAP_H

#include <stddef.h>

/// Grows the anonymous mapping of `old_bytes` bytes at `address` to `new_bytes` bytes with
/// `mremap(..., MREMAP_MAYMOVE)`: the kernel moves its page tables (no copy, no page written
/// again) and the new part reads as zeros. Returns the mapping's new address, or NULL if it
/// could not grow (the old mapping is then unchanged). Swift cannot call `mremap` itself: it
/// is variadic in C.
void *bpe_remap_grow(void *address, size_t old_bytes, size_t new_bytes);

#endif
