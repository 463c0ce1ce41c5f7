import CBLAS

/// How the process's allocator treats the large buffers the networks churn through.
///
/// glibc serves every allocation above 32 MB (a 512x512 VAE activation is 128 MB, an im2col band tens of MB) with
/// a fresh `mmap` and returns it with `munmap` on free, so each op's output costs page faults and the kernel
/// zeroing every page again: at 256x256 that was a tenth of a UNet step's time (`perf`: `clear_page_erms`).
/// `reuseFreedMemory()` makes glibc take large blocks from its heap too and keep freed memory there, so the next
/// op's buffer of the same size reuses pages already mapped. The cost is that memory freed during a generation is
/// held by the process until it exits, which is what a generation run wants anyway.
public enum LargeAllocations {
    /// Applies the policy once per process (later calls do nothing). Affects the whole process: applications
    /// that embed Easel and care about returning memory to the system can leave it off.
    public static func reuseFreedMemory() {
        _ = applied
    }

    private static let applied: Bool = {
        #if canImport(Glibc)
        // No mmap for large blocks (glibc caps M_MMAP_THRESHOLD at 32 MB, so this is the only way to keep them
        // in the heap), and no trimming of the heap's top on free.
        return mallopt(M_MMAP_MAX, 0) == 1 && mallopt(M_TRIM_THRESHOLD, Int32.max) == 1
        #else
        return false
        #endif
    }()
}
