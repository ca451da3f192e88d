/* hypercall.c: the VMM hypercall port (see hypercall.h for the protocol).
 *
 * The port sits with the VMM rather than with the devices because it is
 * the VMM answering: it reads the statistics the privileged routines keep,
 * and it reaches the disk images behind the ATA controller directly, the
 * shortcut the BIOS takes instead of a PIO transfer through the ports. The
 * disk calls leave the controller's registers alone, so a guest driver that
 * programs the controller itself sees nothing change.
 */
#include "vmm/hypercall.h"

#include <string.h>

#include "cpu/cpu.h"
#include "devices/ata.h"
#include "vmm/boot.h"
#include "vmm/io_bus.h"
#include "vmm/phys_mem.h"
#include "vmm/priv.h"

/* The signature, one byte per port. */
static uint8_t hc_read8(void *opaque, uint16_t port)
{
	(void)opaque;
	return (uint8_t)(HC_SIGNATURE >> (8 * ((port - HC_PORT) & 3)));
}

static uint32_t hc_read32(void *opaque, uint16_t port)
{
	(void)opaque;
	return port == HC_PORT ? HC_SIGNATURE : 0xFFFFFFFFu;
}

/* Only a whole dword at HC_PORT is a call; narrower writes are ignored so
 * a stray byte can never start a transfer. */
static void hc_write8(void *opaque, uint16_t port, uint8_t v)
{
	(void)opaque;
	(void)port;
	(void)v;
}

static void hc_write32(void *opaque, uint16_t port, uint32_t v)
{
	if (port == HC_PORT)
		hypercall_run(opaque, v);
}

static const struct io_ops hc_ops = {
	.read8 = hc_read8,
	.write8 = hc_write8,
	.read32 = hc_read32,
	.write32 = hc_write32,
};

int hypercall_init(struct hypercall *h, struct io_bus *io, struct phys_mem *mem, struct ata *ata,
		   struct cpu *cpu, bool headless)
{
	memset(h, 0, sizeof(*h));
	h->mem = mem;
	h->ata = ata;
	h->cpu = cpu;
	h->headless = headless;
	return io_register(io, HC_PORT, HC_PORT_LEN, &hc_ops, h, "hypercall");
}

/* The drive behind an ATA device number (channel * 2 + device), or NULL. */
static struct ata_drive *hc_drive(struct hypercall *h, uint32_t dev)
{
	if (!h->ata || dev > 3)
		return NULL;
	struct ata_drive *d = &h->ata->ch[dev >> 1].drive[dev & 1];
	return d->kind == ATA_NONE ? NULL : d;
}

/* A CD drive holds a disc of 2048-byte sectors, each four image sectors. */
static unsigned hc_sector_size(const struct ata_drive *d)
{
	return d->kind == ATA_CDROM ? ATAPI_SECTOR_SIZE : ATA_SECTOR_SIZE;
}

/* Reads or writes a[3] sectors from sector a[1] | a[2] << 32 of device
 * a[0] to or from guest memory at a[4], in chunks through a host buffer. */
static uint16_t hc_disk(struct hypercall *h, uint32_t *a, bool write)
{
	struct ata_drive *d = hc_drive(h, a[0]);
	uint32_t count = a[3];
	a[3] = 0;
	if (!d)
		return HC_ENOMEDIUM;
	if (d->kind == ATA_CDROM && (!d->medium || write))
		return write ? HC_EROFS : HC_ENOMEDIUM;
	if (write && d->img.write_protected)
		return HC_EROFS;
	unsigned ss = hc_sector_size(d);
	unsigned per = ss / DISK_SECTOR_SIZE;
	uint64_t lba = a[1] | (uint64_t)a[2] << 32;
	uint64_t total = d->img.sectors / per;
	a[5] = ss;
	if (count > HC_DISK_MAX_SECTORS || lba > total || count > total - lba)
		return HC_EINVAL;
	uint8_t buf[32 * 1024];
	uint32_t addr = a[4];
	uint32_t done = 0;
	while (done < count) {
		uint32_t n = (uint32_t)(sizeof(buf) / ss);
		if (n > count - done)
			n = count - done;
		uint64_t img_sector = (lba + done) * per;
		size_t bytes = (size_t)n * ss;
		if (write) {
			phys_read_block(h->mem, addr, buf, bytes);
			if (disk_image_write(&d->img, img_sector, n * per, buf) < 0)
				break;
		} else {
			if (disk_image_read(&d->img, img_sector, n * per, buf) < 0)
				break;
			phys_write_block(h->mem, addr, buf, bytes);
		}
		addr += (uint32_t)bytes;
		done += n;
	}
	a[3] = done;
	return done == count ? HC_OK : HC_EIO;
}

void hypercall_run(struct hypercall *h, uint32_t block)
{
	uint8_t b[HC_BLOCK_SIZE];
	uint32_t a[HC_ARGS];
	phys_read_block(h->mem, block, b, sizeof(b));
	uint16_t fn = (uint16_t)(b[0] | b[1] << 8);
	memcpy(a, b + 4, sizeof(a)); /* the guest is little-endian, as is the host */
	uint16_t status = HC_OK;
	if (h->cpu)
		h->cpu->vmm_calls[VMM_STAT_HYPERCALL]++;
	if (fn < HC_FUNCTIONS)
		h->calls[fn]++;

	switch (fn) {
	case HC_INFO:
		a[0] = HC_VERSION;
		a[1] = HC_FUNCTIONS;
		break;
	case HC_HEADLESS:
		a[0] = h->headless;
		break;
	case HC_STAT:
		if (!h->cpu || a[0] >= VMM_STAT_COUNT) {
			status = HC_EINVAL;
			break;
		}
		a[1] = (uint32_t)(h->cpu->vmm_calls[a[0]] >> 32);
		a[0] = (uint32_t)h->cpu->vmm_calls[a[0]];
		a[2] = VMM_STAT_COUNT;
		break;
	case HC_STAT_NAME: {
		if (a[0] >= VMM_STAT_COUNT) {
			status = HC_EINVAL;
			break;
		}
		const char *name = vmm_stat_names[a[0]];
		size_t len = strlen(name);
		if (a[2]) {
			size_t n = len < a[2] - 1 ? len : a[2] - 1;
			phys_write_block(h->mem, a[1], name, n);
			phys_write_block(h->mem, a[1] + (uint32_t)n, "", 1);
		}
		a[0] = (uint32_t)len;
		break;
	}
	case HC_DISK_READ:
	case HC_DISK_WRITE:
		status = hc_disk(h, a, fn == HC_DISK_WRITE);
		break;
	case HC_DISK_INFO: {
		struct ata_drive *d = hc_drive(h, a[0]);
		memset(a, 0, sizeof(a));
		if (!d)
			break;
		unsigned per = hc_sector_size(d) / DISK_SECTOR_SIZE;
		bool medium = d->kind == ATA_DISK || d->medium;
		uint64_t n = medium ? d->img.sectors / per : 0;
		a[0] = d->kind == ATA_DISK ? 1 : 2;
		a[1] = (uint32_t)n;
		a[2] = (uint32_t)(n >> 32);
		a[3] = hc_sector_size(d);
		a[4] = d->kind == ATA_CDROM || d->img.write_protected;
		break;
	}
	case HC_BOOT_KERNEL:
		if (!h->boot || h->boot->kind == BOOT_NONE || !h->cpu)
			status = HC_ENOMEDIUM;
		else if (h->mem->a20_mask != 0xFFFFFFFFu)
			status = HC_EINVAL;
		else
			boot_start(h->boot, h->mem, h->cpu); /* the OUT retires at the entry */
		break;
	default:
		status = HC_EFUNC;
		break;
	}
	b[2] = (uint8_t)status;
	b[3] = (uint8_t)(status >> 8);
	memcpy(b + 4, a, sizeof(a));
	/* Everything but the function number goes back. */
	phys_write_block(h->mem, block + 2, b + 2, sizeof(b) - 2);
}
