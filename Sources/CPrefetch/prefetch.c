// The module is header-only (a static inline function); SwiftPM needs one source file.
#include "prefetch.h"
