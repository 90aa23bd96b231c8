// What Linux's /proc says about a process or a listening port: used to tell our processes from a
// recycled PID, and to name whoever holds a port the stack needs.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

/** argv of a live process, or undefined when it is gone (or a zombie with an empty cmdline). */
export function processArgv(pid: number): string[] | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (raw === '') return undefined;
    return raw.replace(/\0$/, '').split('\0');
  } catch {
    return undefined;
  }
}

/** Start time in clock ticks since boot (field 22 of /proc/<pid>/stat): with the PID, identifies one process. */
export function processStartTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm (field 2) may contain spaces and parentheses: fields after the last ')' are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z') return undefined;
    return Number(fields[19]);
  } catch {
    return undefined;
  }
}

export interface ProcessIdentity {
  pid: number;
  argv: string[];
  startTicks: number;
}

export function identify(pid: number): ProcessIdentity | undefined {
  const argv = processArgv(pid);
  const startTicks = processStartTicks(pid);
  return argv && startTicks !== undefined ? { pid, argv, startTicks } : undefined;
}

/** Whether `pid` is still the very process recorded in `expected` (same start time and argv). */
export function isSameProcess(expected: ProcessIdentity): boolean {
  const now = identify(expected.pid);
  return now !== undefined && now.startTicks === expected.startTicks && now.argv.join('\0') === expected.argv.join('\0');
}

function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // local_address is ADDR:PORT in hex; state 0A is LISTEN; column 9 is the socket inode.
      if (cols[1]?.endsWith(`:${hexPort}`) && cols[3] === '0A' && cols[9]) inodes.add(cols[9]);
    }
  }
  return inodes;
}

/** The process listening on a TCP port, when /proc lets us see it. */
export function portOwner(port: number): { pid: number; command: string } | undefined {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${entry}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) {
        const pid = Number(entry);
        return { pid, command: (processArgv(pid) ?? ['?']).join(' ') };
      }
    }
  }
  return undefined;
}
