//! A process group: signalled as a whole, and alive while any member (not a zombie) is.

pub(super) fn signal_group(group: i32, signal: i32) {
    if group > 0 {
        // SAFETY: kill(2) with a negative pid signals a process group; no memory is involved.
        unsafe {
            libc::kill(-group, signal);
        }
    }
}

/// Whether any process of the group is still alive (zombies, which only wait to be reaped, do not count).
pub fn group_alive(group: i32) -> bool {
    if group <= 0 {
        return false;
    }
    // SAFETY: signal 0 only checks that the group exists.
    let exists = unsafe { libc::kill(-group, 0) } == 0;
    if !exists {
        return false;
    }
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return true;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !name.to_string_lossy().bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // `pid (comm) state ppid pgrp ...`; comm may hold spaces and parentheses, so read after the last `)`.
        let Some(rest) = stat.rfind(')').map(|at| &stat[at + 1..]) else {
            continue;
        };
        let mut fields = rest.split_whitespace();
        let state = fields.next().unwrap_or("");
        let pgrp = fields.nth(1).and_then(|p| p.parse::<i32>().ok());
        if pgrp == Some(group) && state != "Z" && state != "X" {
            return true;
        }
    }
    false
}
