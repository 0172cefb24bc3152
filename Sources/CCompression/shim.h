// zlib (gzip) and libzstd, the system libraries compressed inputs are read with
// (Debian: zlib1g-dev, libzstd-dev).
#include <zlib.h>
#include <zstd.h>
