// OpenBLAS's CBLAS interface. The include path comes from `pkg-config openblas`
// (Debian: /usr/include/x86_64-linux-gnu/openblas-pthread).
#include <cblas.h>
// Thread control, so callers that parallelise themselves can keep OpenBLAS from oversubscribing.
void openblas_set_num_threads(int num_threads);

// glibc's allocator knobs (mallopt), which the SwiftGlibc module does not export: EaselTensor's
// LargeAllocations keeps the large buffers around GEMMs in the heap instead of a fresh mmap per op.
#if defined(__GLIBC__)
#include <malloc.h>
#endif
