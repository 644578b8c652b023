//! Giving memory back to the system right after a large amount of it was freed.
//!
//! Allocators keep freed pages for reuse: mimalloc purges them only after a delay, glibc trims only the top of
//! its heap. A loader that frees a whole document's parse trees at once would otherwise leave them resident
//! next to what is built from them, and a server's peak memory would be the sum of both.

/// Returns the pages that the allocator holds but nothing uses. It walks the allocator's heaps, so call it
/// only after freeing a lot.
pub fn release_freed() {
    #[cfg(feature = "mimalloc")]
    // SAFETY: `mi_collect` only walks mimalloc's own heaps and may be called from any thread at any time.
    unsafe {
        libmimalloc_sys::mi_collect(true);
    }
    #[cfg(all(not(feature = "mimalloc"), target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` only walks glibc's own arenas and may be called from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}
