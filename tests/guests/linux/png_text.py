#!/usr/bin/env python3
"""png_text.py: reads the characters back from a picture of a VGA text
screen (popek's Ctrl+Alt+S or --screenshot PNG of an 80x25 text mode), by
matching each character cell's pixels against the BIOS's own font, so a
test can check what a window showed without OCR guesswork: a cell either
is exactly one of the font's glyphs or it is printed as '?'.

usage: png_text.py SHOT.png FONT.inc [COLUMNS ROWS]

FONT.inc is the 8x16 character generator popek's BIOS is built from
(build/roms/font8x16.inc: 256 lines "db 0x.., ..." of 16 bytes, code page
437), the font the VGA draws with unless the guest loads another (Linux's
VGA console keeps it). A cell is COLUMNS/ROWS of the picture (9 or 8 dots
by 16 lines for 720x400 or 640x400); its first 8 columns are compared.
The cell's background is its most common colour; a glyph's pixels are the
others. The cursor's cell, drawn over, reads as '?' unless it matches.
Prints ROWS lines, trailing blanks removed. Exit status 2 on bad input.
"""
import struct
import sys
import zlib


def read_png(path):
    """Width, height and rows of (r, g, b) tuples of an 8-bit RGB or RGBA,
    non-interlaced PNG (what popek writes)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, hdr = 8, [], None
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + length
    if not hdr:
        raise ValueError("no IHDR")
    w, h, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise ValueError("only 8-bit RGB/RGBA non-interlaced PNGs")
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 0xFF
            elif ftype == 2:
                line[i] = (line[i] + b) & 0xFF
            elif ftype == 3:
                line[i] = (line[i] + ((a + b) >> 1)) & 0xFF
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
            elif ftype != 0:
                raise ValueError("bad PNG filter %d" % ftype)
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(w)])
        prev = line
    return w, h, rows


def read_font(path):
    """Glyph bitmaps (16 bytes each) -> code, from the nasm include."""
    glyphs = {}
    code = 0
    with open(path) as f:
        for line in f:
            line = line.split(";")[0].strip()
            if not line.startswith("db"):
                continue
            bits = bytes(int(v, 0) for v in line[2:].split(","))
            # The first code wins (space and NUL are both blank: space).
            glyphs.setdefault(bits, code)
            code += 1
    glyphs[bytes(16)] = 0x20
    return glyphs


def main(argv):
    if len(argv) not in (3, 5):
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    try:
        w, h, rows = read_png(argv[1])
        glyphs = read_font(argv[2])
    except (OSError, ValueError, zlib.error) as e:
        sys.stderr.write("png_text: %s\n" % e)
        return 2
    cols, lines = (int(argv[3]), int(argv[4])) if len(argv) == 5 else (80, 25)
    cw, ch = w // cols, h // lines
    if cw < 8 or ch != 16:
        sys.stderr.write("png_text: %dx%d is not a %dx%d screen of 8x16 glyphs\n" % (w, h, cols, lines))
        return 2
    for r in range(lines):
        text = []
        for c in range(cols):
            cell = [rows[r * ch + y][c * cw:c * cw + 8] for y in range(ch)]
            counts = {}
            for row in cell:
                for px in row:
                    counts[px] = counts.get(px, 0) + 1
            bg = max(counts, key=counts.get)
            bits = bytes(sum(0x80 >> x for x in range(8) if row[x] != bg) for row in cell)
            code = glyphs.get(bits)
            if code is None or code < 0x20 or code == 0x7F:
                text.append("?")
            else:
                text.append(bytes([code]).decode("cp437"))
        print("".join(text).rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
