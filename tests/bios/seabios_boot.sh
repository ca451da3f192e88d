#!/bin/sh
# seabios_boot.sh POPEK RUN_BIOS DISK: boots Debian's SeaBIOS and its VGA
# BIOS, unmodified, on a disk whose boot sector reports on port 0xE9: POST
# must complete, the banner and the boot menu prompt must be on the screen,
# and the disk's boot sector must run with DL = 80h. Skipped (status 77,
# with a message) when the seabios package is not installed.
set -u
popek=$1 run_bios=$2 disk=$3
bios=/usr/share/seabios/bios.bin
vgabios=/usr/share/seabios/vgabios-stdvga.bin
if [ ! -f "$bios" ] || [ ! -f "$vgabios" ]; then
	echo "SKIP: SeaBIOS is not installed ($bios, $vgabios): apt-get install seabios"
	exit 77
fi
exec sh "$run_bios" "$popek" 1 "^booted from the hard disk, DL=80$" \
	--screen "^SeaBIOS \(version " --screen "Press ESC for boot menu" \
	--screen "^Booting from Hard Disk" \
	-- --bios "$bios" --vgabios "$vgabios" --hda "$disk" --snapshot
