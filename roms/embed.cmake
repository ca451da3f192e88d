# Turns a binary file into a C array: cmake -DIN=f.bin -DOUT=f.c -DNAME=x -P embed.cmake
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" n)
math(EXPR size "${n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" body "${body}")
file(WRITE ${OUT} "/* Generated from ${IN}: do not edit. */\n#include <stddef.h>\n#include <stdint.h>\nconst uint8_t rom_${NAME}[] = {\n${body}\n};\nconst size_t rom_${NAME}_size = ${size};\n")
