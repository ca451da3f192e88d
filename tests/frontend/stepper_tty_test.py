#!/usr/bin/env python3
"""stepper_tty_test.py POPEK DEMO_ROM: the stepper's terminal UI.

Runs `popek --step` on an 80x24 pseudo-terminal and drives it with keys:
the screen shows the panes at the reset vector; s steps onto the CLI and
the VMM pane names vmm_cli; a typed command (:break F000:0030, then c)
stops at the breakpoint; a terminal shrunk below 80x24 gets a message
instead of a garbled screen, and growing it back redraws the panes; the
guest's debug console does not write over the screen and is printed when
the UI ends; q quits with status 0 and the terminal's settings come back.
Exits 77 (skipped) when the terminal type is not known to ncurses.
"""
import fcntl
import os
import re
import select
import struct
import sys
import termios
import time

failures = 0


def fail(msg):
    global failures
    failures += 1
    print("FAIL: " + msg)


def set_size(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def read_for(master, seconds):
    """Everything the terminal receives within `seconds`."""
    out = b""
    end = time.time() + seconds
    while time.time() < end:
        r, _, _ = select.select([master], [], [], 0.05)
        if r:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            out += data
    return out.decode("latin-1")


def screen_text(raw):
    """The printable text of a stream of terminal output, escapes removed."""
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]|\r", " ", raw)


def main():
    popek, rom = sys.argv[1], sys.argv[2]
    master, slave = os.openpty()
    set_size(slave, 24, 80)
    before = termios.tcgetattr(slave)
    name = os.ttyname(slave)
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            fd = os.open(name, os.O_RDWR)
            os.dup2(fd, 0)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            for f in (fd, slave, master):
                if f > 2:
                    os.close(f)
            env = dict(os.environ, TERM="xterm")
            os.execve(popek, [popek, "--step", "--bios", rom], env)
        finally:
            os._exit(127)

    def key(data, wait=0.6):
        """Sends keys, then Ctrl-L so that the whole screen is repainted
        (ncurses otherwise sends only what changed)."""
        os.write(master, data)
        out = read_for(master, wait)
        os.write(master, b"\x0c")
        return screen_text(out + read_for(master, 0.4))

    first = screen_text(read_for(master, 2.0))
    if "terminal cannot be used" in first:
        print("skipped: no terminfo entry for xterm")
        os.waitpid(pid, 0)
        return 77
    if "popek stepper" not in first or "ljmp" not in first:
        fail("the first screen does not show the stepper at the reset vector")
    if "EAX=" not in first or "CS   F000" not in first:
        fail("the first screen lacks the registers or segments")

    s = key(b"s")
    if "cli" not in s or "vmm_cli" not in s:
        fail("after s, the screen does not show the CLI rewritten into vmm_cli")

    key(b":break F000:0030\r")
    s = key(b"c", 1.5)
    if "breakpoint 1 at F000:0030" not in s:
        fail("continue did not stop at the breakpoint typed on the prompt")
    if "INT 60h went through" in s:
        fail("the guest's debug console wrote over the screen")

    set_size(slave, 20, 60)
    os.kill(pid, 28)  # SIGWINCH
    s = key(b"", 0.6)
    if "needs 80x24" not in s:
        fail("a 60x20 terminal did not get the too-small message")
    set_size(slave, 24, 80)
    os.kill(pid, 28)
    s = key(b"", 0.6)
    if "EAX=" not in s:
        fail("growing the terminal back did not redraw the panes")

    os.write(master, b"q")
    rest = screen_text(read_for(master, 1.0))
    _, status = os.waitpid(pid, 0)
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        fail("q did not end popek with status 0 (status %r)" % status)
    if "INT 60h went through the interrupt vector table" not in rest:
        fail("the guest's console output was not printed when the UI ended")
    if termios.tcgetattr(slave) != before:
        fail("the terminal's settings were not restored")
    os.close(master)
    os.close(slave)
    if failures:
        print("%d stepper terminal check(s) failed" % failures)
        return 1
    print("ok: stepper terminal UI")
    return 0


if __name__ == "__main__":
    sys.exit(main())
