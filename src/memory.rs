//! How the heap uses the system's memory: giving it back right after a large amount was freed (servers), and
//! asking for huge pages and keeping freed pages (one-shot jobs).
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

/// Asks Linux to back the allocator's heap with transparent huge pages (2 MiB) where the system leaves that
/// to each program (`madvise` mode). A short job that builds a few hundred megabytes of small values (generating
/// a connector for a large description) then takes one page fault per 2 MiB instead of per 4 KiB. The cost is
/// resident memory rounded up to whole huge pages, so long-running servers do not call it.
///
/// It finds the mapping that holds a fresh allocation (mimalloc reserves its heap as one large mapping) and
/// advises that; anything unexpected leaves the heap as it was.
pub fn prefer_huge_pages() {
    #[cfg(all(feature = "mimalloc", target_os = "linux"))]
    {
        let probe = vec![0u8; 64];
        let address = probe.as_ptr() as usize;
        let Ok(maps) = std::fs::read_to_string("/proc/self/maps") else {
            return;
        };
        let Some((start, end)) = maps.lines().find_map(|line| {
            let (start, end) = line.split_whitespace().next()?.split_once('-')?;
            let start = usize::from_str_radix(start, 16).ok()?;
            let end = usize::from_str_radix(end, 16).ok()?;
            (start <= address && address < end).then_some((start, end))
        }) else {
            return;
        };
        // SAFETY: the range is one whole mapping of this process; MADV_HUGEPAGE changes how its pages are
        // backed, never what they hold, and fails harmlessly where huge pages are unavailable.
        unsafe {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
        }
        drop(probe);
    }
}

/// mimalloc.h's `mi_option_purge_delay` (15 in both mimalloc v2 and v3; `libmimalloc-sys` names no constant for it).
#[cfg(feature = "mimalloc")]
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Keeps the pages that the allocator frees instead of handing them back to the system, after mimalloc's delay
/// (one second) or at once when [`release_freed`] asks (the loader does, after a large description's text). A
/// short job that frees one phase's values and builds the next would otherwise take fresh, zeroed pages again
/// for memory it already had. Only for jobs that exit soon: a server's peak would stay.
pub fn keep_freed_pages() {
    #[cfg(feature = "mimalloc")]
    // SAFETY: `mi_option_set` only stores the option's value; a negative purge delay turns purging off.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1);
    }
}

#[cfg(all(test, feature = "mimalloc"))]
mod tests {
    use super::MI_OPTION_PURGE_DELAY;

    #[test]
    fn purge_delay_option_is_the_one_mimalloc_documents() {
        // SAFETY: reading an option has no side effect but its lazy initialization.
        let default = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        // mimalloc v3's default purge delay is 1000 ms (unless MIMALLOC_PURGE_DELAY says otherwise).
        let from_env = std::env::var("MIMALLOC_PURGE_DELAY").ok();
        let expected = from_env.and_then(|v| v.parse().ok()).unwrap_or(1000);
        assert_eq!(default, expected);
    }
}
