import CHeap

/// How much freed memory the server keeps for its next responses. glibc gives the free top of a thread's heap back
/// to the kernel once it passes a threshold: 128 KiB at first, then twice the largest block it had mapped and freed,
/// about two response chunks (`FeaturePage.chunkSize`). A 10 000-feature page streams about twenty chunks with four in
/// flight, so every page gave back and took again the same memory: 70 to 520 minor page faults a page (a zeroed 4 KiB
/// each; `/proc/PID/stat` over `wrk`), 0 to 2 with these thresholds. Fixed values also stop glibc from moving them.
enum HeapRetention {
    /// Keeps up to 32 MiB free on each heap, and serves blocks under 4 MiB (response chunks, gzip buffers) from a
    /// heap rather than a mapping of their own. Process-wide: called once, by `runServer`.
    static func keepFreedMemory() {
        #if os(Linux)
        _ = mallopt(M_MMAP_THRESHOLD, 4 << 20)
        _ = mallopt(M_TRIM_THRESHOLD, 32 << 20)
        #endif
    }
}
