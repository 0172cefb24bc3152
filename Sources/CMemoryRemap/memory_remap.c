#define _GNU_SOURCE
#include <sys/mman.h>
#include "memory_remap.h"

void *bpe_remap_grow(void *address, size_t old_bytes, size_t new_bytes) {
    void *moved = mremap(address, old_bytes, new_bytes, MREMAP_MAYMOVE);
    return moved == MAP_FAILED ? NULL : moved;
}
