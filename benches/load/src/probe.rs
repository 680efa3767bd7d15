//! What `/proc` says about a process: resident memory and CPU time.

use std::fs;

/// Resident set size of process `pid` (`"self"` for this one) in KiB, from
/// `VmRSS` in `/proc/PID/status`; `None` when it cannot be read.
pub fn rss_kib(pid: &str) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// User plus system CPU time of process `pid` in milliseconds (fields 14
/// and 15 of `/proc/PID/stat`, in clock ticks of 10 ms on Linux).
pub fn cpu_ms(pid: &str) -> Option<u64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces; the fields start after its ')'.
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut fields = rest.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some((utime + stime) * 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_process() {
        assert!(rss_kib("self").unwrap() > 0);
        assert!(cpu_ms("self").is_some());
        assert_eq!(rss_kib("not-a-pid"), None);
        assert_eq!(cpu_ms("not-a-pid"), None);
    }
}
