#!/bin/busybox sh
# shellcheck shell=dash
# /init of the test initramfs (tests/guests/linux/run_linux.sh builds it):
# busybox's applets, /proc, /sys and /dev, a marker on the console, then
# by the kernel command line's popek_mode (which reaches init as an
# environment variable):
#   poweroff  power off at once (the boot test)
#   shell     a shell on the console (the serial port with console=ttyS0,
#             or the screen); "poweroff -f" in it ends the run
/bin/busybox mkdir -p /proc /sys /dev /sbin /usr/bin /usr/sbin /tmp
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
echo "POPEK-LINUX-INIT-OK $(uname -r)"
case "${popek_mode:-shell}" in
poweroff)
	poweroff -f
	;;
*)
	echo "POPEK-LINUX-SHELL-READY: type commands; 'poweroff -f' ends the run"
	# A controlling terminal for job control when there is one.
	setsid cttyhack sh -l
	poweroff -f
	;;
esac
