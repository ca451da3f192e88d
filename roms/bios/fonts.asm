; fonts.asm: the character generators, code page 437, generated at build
; time by psf_font.c from Debian's console fonts (see CMakeLists.txt):
; 8x16 for the text modes and mode 12h, 8x8 for mode 13h (and INT 1Fh's
; upper half), 8x14 for INT 10h AX=1101h/1111h. The 8x8 and 8x14 sets lack
; five rare symbols (9Eh, A9h, ECh, EFh, F0h), drawn blank.

font8x16:
%include "font8x16.inc"
font8x14:
%include "font8x14.inc"
font8x8:
%include "font8x8.inc"
; The (empty) table of 9-dot alternate glyphs INT 10h AX=1130h reports.
font_alt_none:
	db	0
