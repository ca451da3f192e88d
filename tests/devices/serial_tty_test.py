#!/usr/bin/env python3
"""serial_tty_test.py POPEK ECHO_ROM: --serial stdio on a terminal.

Runs popek on a pseudo-terminal (as its controlling terminal, in the
foreground) with a guest that echoes COM1 until it reads a '.', and checks:
the terminal is raw while the guest runs (no echo, no line editing, Ctrl-C
reaches the guest as a byte); Ctrl-A Ctrl-A sends one Ctrl-A; the terminal's
settings come back exactly after a normal end, after SIGTERM and SIGINT
(which still end popek), and after Ctrl-A x.
"""
import os
import select
import signal
import sys
import tempfile
import termios
import time

failures = 0


def fail(msg):
    global failures
    failures += 1
    print("FAIL: " + msg)


def spawn(popek, rom, debugcon):
    """Starts popek with a new pseudo-terminal as its controlling terminal,
    stdin and stdout; returns (pid, master, slave, stderr pipe, the
    terminal's settings from before popek started)."""
    master, slave = os.openpty()
    before = termios.tcgetattr(slave)
    name = os.ttyname(slave)
    err_r, err_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            fd = os.open(name, os.O_RDWR)  # the new session's terminal
            os.dup2(fd, 0)
            os.dup2(fd, 1)
            os.dup2(err_w, 2)
            for f in (fd, slave, master, err_r, err_w):
                if f > 2:
                    os.close(f)
            os.execv(popek, [popek, "--headless", "--timeout", "20", "--bios", rom,
                             "--debugcon", "file:" + debugcon])
        finally:
            os._exit(127)
    os.close(err_w)
    return pid, master, slave, err_r, before


def drain(master, out):
    while select.select([master], [], [], 0)[0]:
        try:
            data = os.read(master, 1024)
        except OSError:
            return
        if not data:
            return
        out.extend(data)


def wait_for(pred, master, out, seconds=10.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        drain(master, out)
        if pred():
            return True
        time.sleep(0.01)
    drain(master, out)
    return pred()


def settings_diff(before, after):
    """Names the termios fields that differ, for the failure message."""
    names = ["iflag", "oflag", "cflag", "lflag", "ispeed", "ospeed", "cc"]
    return ", ".join("%s %r -> %r" % (n, b, a)
                     for n, b, a in zip(names, before, after) if b != a)


def is_raw(slave):
    lflag = termios.tcgetattr(slave)[3]
    return not (lflag & (termios.ECHO | termios.ICANON | termios.ISIG))


def wait_exit(pid, master, out, seconds=10.0):
    """Returns the wait status, or None if popek is still running."""
    result = []

    def done():
        p, status = os.waitpid(pid, os.WNOHANG)
        if p == pid:
            result.append(status)
        return bool(result)

    wait_for(done, master, out, seconds)
    return result[0] if result else None


def finish(pid, master, slave, err_r):
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass
    err = os.read(err_r, 65536).decode(errors="replace")
    for f in (master, slave, err_r):
        os.close(f)
    return err


def case_normal_end(popek, rom, tmp):
    before_failures = failures
    con = os.path.join(tmp, "normal.con")
    pid, master, slave, err_r, before = spawn(popek, rom, con)
    out = bytearray()
    if not wait_for(lambda: is_raw(slave), master, out):
        fail("normal end: the terminal never went raw")
    os.write(master, b"x\x03\x01\x01y.")
    status = wait_exit(pid, master, out)
    if status is None:
        fail("normal end: popek did not end")
        finish(pid, master, slave, err_r)
        return
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 1:
        fail("normal end: wait status %r, expected exit status 1" % status)
    drain(master, out)
    with open(con, "rb") as f:
        got = f.read()
    if got != b"x\x03\x01y.":
        fail("normal end: the guest read %r, expected x, Ctrl-C, one Ctrl-A, y, ." % got)
    # No terminal echo: the only copy of what was typed is the guest's.
    if bytes(out) != b"x\x03\x01y.":
        fail("normal end: the terminal showed %r (echo on?)" % bytes(out))
    after = termios.tcgetattr(slave)
    if after != before:
        fail("normal end: the terminal settings were not restored: " +
             settings_diff(before, after))
    _close(master, slave, err_r)
    if failures == before_failures:
        print("ok: raw terminal, Ctrl-C and Ctrl-A Ctrl-A reach the guest, restored at the end")


def _close(master, slave, err_r):
    err = os.read(err_r, 65536).decode(errors="replace")
    for f in (master, slave, err_r):
        os.close(f)
    return err


def case_signal(popek, rom, tmp, sig):
    name = signal.Signals(sig).name
    con = os.path.join(tmp, name + ".con")
    pid, master, slave, err_r, before = spawn(popek, rom, con)
    out = bytearray()
    if not wait_for(lambda: is_raw(slave), master, out):
        fail("%s: the terminal never went raw" % name)
    os.kill(pid, sig)
    status = wait_exit(pid, master, out)
    if status is None or not os.WIFSIGNALED(status) or os.WTERMSIG(status) != sig:
        fail("%s: popek was not ended by the signal (%r)" % (name, status))
        finish(pid, master, slave, err_r)
        return
    after = termios.tcgetattr(slave)
    if after != before:
        fail("%s: the terminal settings were not restored: %s" %
             (name, settings_diff(before, after)))
    else:
        print("ok: %s ends popek and restores the terminal" % name)
    _close(master, slave, err_r)


def case_quit(popek, rom, tmp):
    con = os.path.join(tmp, "quit.con")
    pid, master, slave, err_r, before = spawn(popek, rom, con)
    out = bytearray()
    if not wait_for(lambda: is_raw(slave), master, out):
        fail("Ctrl-A x: the terminal never went raw")
    os.write(master, b"\x01x")
    if not wait_for(lambda: termios.tcgetattr(slave) == before, master, out):
        fail("Ctrl-A x: the terminal settings were not restored")
    status = wait_exit(pid, master, out, 5.0)
    if status is None:
        finish(pid, master, slave, err_r)
        fail("Ctrl-A x: the run did not end")
    else:
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
            fail("Ctrl-A x: exit status %r, expected 0" % (status,))
        err = _close(master, slave, err_r)
    if "Ctrl-A x" not in err:
        fail("Ctrl-A x: no message on stderr (%r)" % err)
    with open(con, "rb") as f:
        if f.read():
            fail("Ctrl-A x: the escape reached the guest")
    print("ok: Ctrl-A x quits and restores the terminal")


def main():
    if len(sys.argv) != 3:
        print("usage: serial_tty_test.py POPEK ECHO_ROM")
        return 2
    popek, rom = sys.argv[1], sys.argv[2]
    try:
        m, s = os.openpty()
        os.close(m)
        os.close(s)
    except OSError:
        print("skip: no pseudo-terminals")
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        case_normal_end(popek, rom, tmp)
        case_signal(popek, rom, tmp, signal.SIGTERM)
        case_signal(popek, rom, tmp, signal.SIGINT)
        case_quit(popek, rom, tmp)
    if failures:
        print("%d failure(s)" % failures)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
