/* hypercall.h: the VMM hypercall port, popek's paravirtual interface for
 * its own firmware.
 *
 * A BIOS service that needs the host (a disk transfer) or a fact only the
 * VMM knows (is anyone looking at the screen? how often did the VMM step
 * in?) can ask through one port instead of driving a device, the way a
 * paravirtualized guest calls its hypervisor. Guests that program the
 * devices themselves never need it; everything here is also reachable the
 * ordinary way, only slower or not at all from inside the guest.
 *
 * Protocol (docs/HYPERCALLS.md has the full table):
 *   in   HC_PORT (dword)  reads the signature HC_SIGNATURE ("POPK"); byte
 *                         reads of HC_PORT..HC_PORT+3 give its bytes.
 *   out  HC_PORT (dword)  the guest-physical address of a 32-byte call
 *                         block; the call runs before the OUT completes:
 *        +0  u16 function (HC_*)          +2  u16 status (HC_OK, HC_E*)
 *        +4  u32 a[7]: arguments in, results out
 * Each call is counted in the VMM statistics (VMM_STAT_HYPERCALL). The
 * block and any buffer are reached through the physical memory map, so a
 * bad address reads all-ones or drops writes and can never touch the host.
 */
#ifndef POPEK_VMM_HYPERCALL_H
#define POPEK_VMM_HYPERCALL_H

#include <stdbool.h>
#include <stdint.h>

struct io_bus;
struct phys_mem;
struct ata;
struct cpu;

#define HC_PORT 0x0520
#define HC_PORT_LEN 4
#define HC_SIGNATURE 0x4B504F50u /* "POPK" */
#define HC_VERSION 1
#define HC_BLOCK_SIZE 32
#define HC_ARGS 7

/* Functions. */
enum hc_function {
	HC_INFO = 0,       /* out a0 = HC_VERSION, a1 = number of functions */
	HC_HEADLESS = 1,   /* out a0 = 1 when no window shows the screen */
	HC_STAT = 2,       /* in a0 = counter; out a0/a1 = count (low/high),
	                    * a2 = number of counters */
	HC_STAT_NAME = 3,  /* in a0 = counter, a1 = buffer address, a2 = its
	                    * size; the name is copied NUL-terminated (cut to
	                    * fit); out a0 = the name's full length */
	HC_DISK_READ = 4,  /* in a0 = ATA device (channel * 2 + device), a1/a2 =
	                    * first sector (low/high), a3 = count, a4 = buffer
	                    * address; out a3 = sectors transferred, a5 =
	                    * sector size (512, or 2048 on a CD) */
	HC_DISK_WRITE = 5, /* as HC_DISK_READ, from the buffer to the disk */
	HC_DISK_INFO = 6,  /* in a0 = ATA device; out a0 = kind (0 none, 1 disk,
	                    * 2 CD), a1/a2 = sectors (low/high), a3 = sector size,
	                    * a4 = 1 when write-protected */
	HC_BOOT_KERNEL = 7, /* the end of POST: when --kernel gave a kernel, the
	                     * VMM loads it (vmm/boot.h) and the CPU goes on at
	                     * its entry point in 32-bit protected mode: the
	                     * call does not return. Else status HC_ENOMEDIUM
	                     * and the BIOS boots a disk. Needs A20 on
	                     * (HC_EINVAL otherwise). */
	HC_FUNCTIONS
};

/* Status codes. */
enum hc_status {
	HC_OK = 0,
	HC_EFUNC = 1,    /* unknown function */
	HC_EINVAL = 2,   /* bad argument (counter, range, device) */
	HC_EIO = 3,      /* the host could not read or write the image */
	HC_EROFS = 4,    /* the disk is write-protected */
	HC_ENOMEDIUM = 5 /* no disk at that device, or no disc in the drive */
};

/* Largest transfer of one disk call, in sectors. */
#define HC_DISK_MAX_SECTORS 0x10000u

struct boot_image;

struct hypercall {
	struct phys_mem *mem;
	struct ata *ata;
	struct cpu *cpu;  /* its vmm_calls[] are the VMM statistics */
	bool headless;    /* no window shows the screen: firmware mirrors text */
	struct boot_image *boot; /* --kernel, for HC_BOOT_KERNEL (NULL: none) */
	uint64_t calls[HC_FUNCTIONS]; /* calls per function (for tests and --stats) */
};

/* Registers the port. Returns 0, or -1 when the port is taken. */
int hypercall_init(struct hypercall *h, struct io_bus *io, struct phys_mem *mem, struct ata *ata,
		   struct cpu *cpu, bool headless);

/* Runs the call whose block is at guest-physical `block` (what an OUT of
 * the address does). */
void hypercall_run(struct hypercall *h, uint32_t block);

#endif
