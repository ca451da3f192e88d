#!/usr/bin/env python3
"""mkcpio.py: writes a cpio archive in the "newc" format the Linux kernel
unpacks as an initramfs, from a staging directory, plus the /dev/console
node the kernel opens for init's standard input and output (made here so
that building the archive needs no root and no mknod).

usage: mkcpio.py STAGING_DIR OUTPUT.cpio
"""
import os
import stat
import sys


def header(ino, mode, nlink, size, rdev_major, rdev_minor, name):
    fields = [ino, mode, 0, 0, nlink, 0, size, 0, 0, rdev_major, rdev_minor, len(name) + 1, 0]
    return b"070701" + b"".join(b"%08X" % f for f in fields)


def pad4(n):
    return b"\0" * ((4 - n % 4) % 4)


def entry(out, ino, mode, name, data=b"", rdev=(0, 0)):
    nlink = 2 if stat.S_ISDIR(mode) else 1
    h = header(ino, mode, nlink, len(data), rdev[0], rdev[1], name)
    h += name.encode() + b"\0"
    out.write(h + pad4(len(h)))
    out.write(data + pad4(len(data)))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    root, dest = sys.argv[1], sys.argv[2]
    ino = 1
    with open(dest, "wb") as out:
        names = set()
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for n in sorted(dirnames) + sorted(filenames):
                full = os.path.join(dirpath, n)
                rel = os.path.relpath(full, root)
                st = os.lstat(full)
                if stat.S_ISLNK(st.st_mode):
                    data = os.readlink(full).encode()
                    entry(out, ino, stat.S_IFLNK | 0o777, rel, data)
                elif stat.S_ISDIR(st.st_mode):
                    entry(out, ino, stat.S_IFDIR | 0o755, rel)
                else:
                    with open(full, "rb") as f:
                        data = f.read()
                    perm = 0o755 if st.st_mode & 0o111 else 0o644
                    entry(out, ino, stat.S_IFREG | perm, rel, data)
                names.add(rel)
                ino += 1
        if "dev" not in names:
            entry(out, ino, stat.S_IFDIR | 0o755, "dev")
            ino += 1
        entry(out, ino, stat.S_IFCHR | 0o600, "dev/console", rdev=(5, 1))
        entry(out, 0, 0, "TRAILER!!!")


main()
