/* cmos.h: the MC146818 real-time clock and its 128 bytes of CMOS RAM.
 *
 * Ports: 0x70 selects a byte (bits 0-6) and masks NMI (bit 7, write-only);
 * 0x71 reads or writes the selected byte. Bytes 0x00-0x09 are the clock and
 * alarm, 0x0A-0x0D the status registers A-D, 0x0E-0x7F battery-backed RAM
 * that firmware uses for its configuration (memory sizes, equipment,
 * disks, boot order, checksum: filled in at init from struct cmos_config).
 *
 * The clock keeps its time in its registers, as the chip does, in the
 * format register B selects (BCD or binary, 12 or 24 hours), and advances
 * with the machine's virtual time only: one update cycle per virtual
 * second, so a run with a fixed start time (--rtc-base) is deterministic.
 * The periodic, alarm and update-ended interrupts drive IRQ8 through an
 * irq_line.
 */
#ifndef POPEK_DEVICES_CMOS_H
#define POPEK_DEVICES_CMOS_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/irq.h"

struct io_bus;
struct clock;

#define CMOS_PORT_INDEX 0x70
#define CMOS_PORT_DATA 0x71
#define CMOS_SIZE 128

/* Clock and status registers. */
enum {
	RTC_SECONDS = 0x00,
	RTC_SECONDS_ALARM = 0x01,
	RTC_MINUTES = 0x02,
	RTC_MINUTES_ALARM = 0x03,
	RTC_HOURS = 0x04,
	RTC_HOURS_ALARM = 0x05,
	RTC_DAY_OF_WEEK = 0x06, /* 1 = Sunday */
	RTC_DAY_OF_MONTH = 0x07,
	RTC_MONTH = 0x08,
	RTC_YEAR = 0x09, /* 0-99; the century is in CMOS_CENTURY */
	RTC_REG_A = 0x0A,
	RTC_REG_B = 0x0B,
	RTC_REG_C = 0x0C,
	RTC_REG_D = 0x0D,
};

/* Register A: update in progress, divider, periodic rate select. */
#define RTC_A_UIP 0x80
#define RTC_A_DV_MASK 0x70
#define RTC_A_DV_32KHZ 0x20 /* normal operation with the PC's 32.768 kHz crystal */
#define RTC_A_RS_MASK 0x0F
/* Register B. */
#define RTC_B_SET 0x80  /* freeze the update cycle while software sets the time */
#define RTC_B_PIE 0x40  /* periodic interrupt enable */
#define RTC_B_AIE 0x20  /* alarm interrupt enable */
#define RTC_B_UIE 0x10  /* update-ended interrupt enable */
#define RTC_B_SQWE 0x08 /* square-wave output (no pin on a PC) */
#define RTC_B_DM 0x04   /* 1: binary, 0: BCD */
#define RTC_B_24H 0x02  /* 1: 24-hour, 0: 12-hour with bit 7 of the hour = PM */
#define RTC_B_DSE 0x01  /* daylight saving (not implemented, as on most PCs) */
/* Register C: interrupt flags, cleared by reading C. */
#define RTC_C_IRQF 0x80
#define RTC_C_PF 0x40
#define RTC_C_AF 0x20
#define RTC_C_UF 0x10
/* Register D: valid RAM and time (the battery is good). */
#define RTC_D_VRT 0x80

/* The CMOS RAM bytes popek fills in (the layout IBM AT BIOSes, Bochs and
 * SeaBIOS share). */
enum {
	CMOS_SHUTDOWN_STATUS = 0x0F,
	CMOS_FLOPPY_TYPES = 0x10,
	CMOS_DISK_TYPES = 0x12, /* high nibble: drive 0, low nibble: drive 1 */
	CMOS_EQUIPMENT = 0x14,
	CMOS_BASE_MEM_LO = 0x15, /* conventional memory in KiB */
	CMOS_BASE_MEM_HI = 0x16,
	CMOS_EXT_MEM_LO = 0x17, /* memory above 1 MiB in KiB, at most 0xFFFF */
	CMOS_EXT_MEM_HI = 0x18,
	CMOS_DISK0_EXT_TYPE = 0x19,
	CMOS_DISK1_EXT_TYPE = 0x1A,
	CMOS_CHECKSUM_HI = 0x2E, /* sum of 0x10-0x2D, big-endian */
	CMOS_CHECKSUM_LO = 0x2F,
	CMOS_EXT_MEM2_LO = 0x30, /* copy of 0x17/0x18 */
	CMOS_EXT_MEM2_HI = 0x31,
	CMOS_CENTURY = 0x32,    /* BCD */
	CMOS_MEM_16M_LO = 0x34, /* memory above 16 MiB in 64 KiB blocks */
	CMOS_MEM_16M_HI = 0x35,
	CMOS_BOOT_FLAG1 = 0x38, /* high nibble: third boot device; bit 0: skip the floppy check */
	CMOS_BOOT_FLAG2 = 0x3D, /* low nibble: first boot device, high nibble: second */
};
#define CMOS_CHECKSUM_FIRST 0x10
#define CMOS_CHECKSUM_LAST 0x2D

/* Boot device codes in 0x3D/0x38. */
enum { CMOS_BOOT_NONE, CMOS_BOOT_FLOPPY, CMOS_BOOT_DISK, CMOS_BOOT_CDROM, CMOS_BOOT_NET };

/* Hard disk flags for cmos_config.hard_disks and cmos_set_hard_disks. */
#define CMOS_HD0 1u /* primary master */
#define CMOS_HD1 2u /* primary slave */

struct cmos_config {
	uint64_t ram_size;      /* guest RAM in bytes */
	int64_t rtc_start;      /* the clock's start: seconds since 1970-01-01 00:00 UTC */
	const char *boot_order; /* up to three of a (floppy), c (disk), d (CD-ROM),
				  * n (network), e.g. "cd"; NULL or "": none (the
				  * firmware's own default) */
	unsigned hard_disks;    /* CMOS_HD0 | CMOS_HD1 */
	bool fpu;               /* equipment byte: an x87 is present */
	bool ps2_mouse;         /* equipment byte: a PS/2 mouse is present */
};

struct cmos {
	uint8_t ram[CMOS_SIZE]; /* 0x00-0x0D hold the clock and status registers */
	uint8_t index;          /* selected byte (0x70 bits 0-6) */
	bool nmi_masked;        /* 0x70 bit 7 */
	struct irq_line irq;    /* IRQ8 */
	bool irq_level;
	struct clock *clk;
	int event; /* next interrupt-relevant edge */
	/* Virtual time at which the divider chain last left reset. The 32.768 kHz
	 * chain counts from here; update cycles end at origin + 0.5 s + k s,
	 * periodic edges fall on multiples of the selected tap. */
	uint64_t div_origin_ns;
	/* Virtual time up to which flags and time registers are current. */
	uint64_t synced_ns;
};

/* Fills the RAM from `cfg`, starts the clock at cfg->rtc_start (24-hour BCD,
 * as firmware leaves it), and registers ports 0x70-0x71. Returns 0, or -1
 * when the ports are taken, the clock has no free event, or the boot order
 * holds a letter other than a, c, d or n or more than three of them. */
int cmos_init(struct cmos *c, struct io_bus *io, struct clock *clk, struct irq_line irq8,
	      const struct cmos_config *cfg);

/* Raw access to a byte of CMOS RAM for the board and firmware set-up: no
 * side effects (reading C does not clear it), the index is taken modulo 128.
 * Writing does not update the checksum: call cmos_update_checksum after
 * changing bytes 0x10-0x2D. */
uint8_t cmos_read_ram(const struct cmos *c, unsigned index);
void cmos_write_ram(struct cmos *c, unsigned index, uint8_t value);
void cmos_update_checksum(struct cmos *c);

/* Sets the hard-disk bytes (0x12, 0x19, 0x1A) and the checksum, for a board
 * that attaches its disks after the CMOS is built. */
void cmos_set_hard_disks(struct cmos *c, unsigned flags);

/* Returns 0 when `order` is a valid boot order (NULL, or up to three of
 * a, c, d, n), -1 otherwise: for a command line to check before building
 * the machine. */
int cmos_boot_order_check(const char *order);

/* The NMI mask bit of port 0x70 (true: NMIs masked). The machine does not
 * deliver NMIs yet; this is where it will look. */
bool cmos_nmi_masked(const struct cmos *c);

/* Parses YYYY-MM-DDTHH:MM:SS (UTC, years 1970-2099, every field exactly
 * as many digits) into seconds since 1970. Returns 0, or -1 when malformed
 * or out of range. */
int cmos_parse_time(const char *s, int64_t *out);

#endif
