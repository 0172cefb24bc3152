#ifndef BPE_PREFETCH_H
#define BPE_PREFETCH_H

/// Asks the CPU to start loading the cache line at `address`; never faults, returns at once.
/// Swift has no prefetch intrinsic; the merge loop uses this to overlap its cache misses.
static inline void bpe_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

/// Tells the CPU this thread is spinning on a value another thread will change (x86 `pause`,
/// ARM `yield`): it saves power and lets a sibling hyperthread run. Swift has no intrinsic.
static inline void bpe_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

#endif
