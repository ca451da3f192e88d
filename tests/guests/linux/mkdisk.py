#!/usr/bin/env python3
"""mkdisk.py: a hard disk image with an MBR partition table: the boot code
of MBR.BIN (a boot loader's master boot record, e.g. syslinux's mbr.bin),
and one active FAT16 partition holding PART.IMG from sector 2048 (1 MiB)
on, the alignment partitioning tools use. The partition's CHS fields say
"use LBA" (FE FF FF), as for any partition past cylinder 1023.

usage: mkdisk.py MBR.BIN PART.IMG OUT.IMG
"""
import struct
import sys

START = 2048  # first sector of the partition
SECTOR = 512


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    mbr_code = open(sys.argv[1], "rb").read()
    part = open(sys.argv[2], "rb").read()
    if len(mbr_code) > 440:
        sys.exit("mkdisk.py: %s: boot code over 440 bytes" % sys.argv[1])
    if len(part) % SECTOR:
        sys.exit("mkdisk.py: %s: not a whole number of sectors" % sys.argv[2])
    mbr = bytearray(SECTOR)
    mbr[: len(mbr_code)] = mbr_code
    lba_chs = b"\xfe\xff\xff"
    mbr[446:462] = struct.pack("<B3sB3sII", 0x80, lba_chs, 0x06, lba_chs, START,
                               len(part) // SECTOR)
    mbr[510:512] = b"\x55\xaa"
    with open(sys.argv[3], "wb") as out:
        out.write(mbr)
        out.write(bytes(START * SECTOR - SECTOR))
        out.write(part)


main()
