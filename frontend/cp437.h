/* cp437.h: the VGA's character set (IBM code page 437) in Unicode, for
 * frontends that show the text screen as text: the terminal display and
 * the UTF-8 text dump. The VGA draws every byte as a glyph, so bytes 0x01-
 * 0x1F and 0x7F map to the pictures the IBM font has there (smileys,
 * arrows, a house), not to control characters. */
#ifndef POPEK_FRONTEND_CP437_H
#define POPEK_FRONTEND_CP437_H

#include <stddef.h>
#include <stdint.h>

/* The Unicode code point the IBM font's glyph for byte `ch` shows. Byte 0
 * (an empty cell) is a space, 0xFF (a blank glyph) a no-break space. */
uint16_t cp437_to_unicode(uint8_t ch);

/* Writes the UTF-8 form of cp437_to_unicode(ch) to out (1 to 3 bytes, no
 * terminator) and returns its length. */
size_t cp437_utf8(uint8_t ch, char out[3]);

/* True for bytes that show nothing but the background: 0x00, space and
 * 0xFF. Text dumps trim them from the end of a row. */
int cp437_is_blank(uint8_t ch);

#endif
