#ifndef BPE_PREFETCH_H
#define BPE_PREFETCH_H

/// Asks the CPU to start loading the cache line at `address`; never faults, returns at once.
/// Swift has no prefetch intrinsic; the merge loop uses this to overlap its cache misses.
static inline void bpe_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
