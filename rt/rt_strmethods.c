/* Methods of str and bytes: case mapping, strip/split/join/replace, search
 * by code point, character classes, indexing and slicing by code point,
 * int()/float() parsing, and the bytes repr/decode/index operations. All
 * arguments are borrowed; results are fresh values. */
#define _GNU_SOURCE /* memmem */
#include "rt_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- Unicode data ------------------------------------------------------- */

/* A run of code points start, start+stride, ..., end sharing one mapping
 * offset. */
typedef struct RtCaseRun {
    uint32_t start, end;
    int32_t stride, delta;
} RtCaseRun;

typedef struct RtCaseSpecial {
    uint32_t cp;
    uint32_t to[3]; /* 0-terminated when shorter */
} RtCaseSpecial;

typedef struct RtRange {
    uint32_t lo, hi;
} RtRange;

/* Generated from Python 3.11 unicodedata (Unicode 14.0), code points
 * U+0080..U+FFFF; ASCII is handled in code. */
static const RtCaseRun rt_case_upper[] = {
    {0xB5, 0xB5, 1, 743}, {0xE0, 0xF6, 1, -32}, {0xF8, 0xFE, 1, -32}, {0xFF, 0xFF, 1, 121},
    {0x101, 0x12F, 2, -1}, {0x131, 0x131, 1, -232}, {0x133, 0x137, 2, -1}, {0x13A, 0x148, 2, -1},
    {0x14B, 0x177, 2, -1}, {0x17A, 0x17E, 2, -1}, {0x17F, 0x17F, 1, -300}, {0x180, 0x180, 1, 195},
    {0x183, 0x185, 2, -1}, {0x188, 0x188, 1, -1}, {0x18C, 0x18C, 1, -1}, {0x192, 0x192, 1, -1},
    {0x195, 0x195, 1, 97}, {0x199, 0x199, 1, -1}, {0x19A, 0x19A, 1, 163}, {0x19E, 0x19E, 1, 130},
    {0x1A1, 0x1A5, 2, -1}, {0x1A8, 0x1A8, 1, -1}, {0x1AD, 0x1AD, 1, -1}, {0x1B0, 0x1B0, 1, -1},
    {0x1B4, 0x1B6, 2, -1}, {0x1B9, 0x1B9, 1, -1}, {0x1BD, 0x1BD, 1, -1}, {0x1BF, 0x1BF, 1, 56},
    {0x1C5, 0x1C5, 1, -1}, {0x1C6, 0x1C6, 1, -2}, {0x1C8, 0x1C8, 1, -1}, {0x1C9, 0x1C9, 1, -2},
    {0x1CB, 0x1CB, 1, -1}, {0x1CC, 0x1CC, 1, -2}, {0x1CE, 0x1DC, 2, -1}, {0x1DD, 0x1DD, 1, -79},
    {0x1DF, 0x1EF, 2, -1}, {0x1F2, 0x1F2, 1, -1}, {0x1F3, 0x1F3, 1, -2}, {0x1F5, 0x1F5, 1, -1},
    {0x1F9, 0x21F, 2, -1}, {0x223, 0x233, 2, -1}, {0x23C, 0x23C, 1, -1}, {0x23F, 0x240, 1, 10815},
    {0x242, 0x242, 1, -1}, {0x247, 0x24F, 2, -1}, {0x250, 0x250, 1, 10783}, {0x251, 0x251, 1, 10780},
    {0x252, 0x252, 1, 10782}, {0x253, 0x253, 1, -210}, {0x254, 0x254, 1, -206}, {0x256, 0x257, 1, -205},
    {0x259, 0x259, 1, -202}, {0x25B, 0x25B, 1, -203}, {0x25C, 0x25C, 1, 42319}, {0x260, 0x260, 1, -205},
    {0x261, 0x261, 1, 42315}, {0x263, 0x263, 1, -207}, {0x265, 0x265, 1, 42280}, {0x266, 0x266, 1, 42308},
    {0x268, 0x268, 1, -209}, {0x269, 0x269, 1, -211}, {0x26A, 0x26A, 1, 42308}, {0x26B, 0x26B, 1, 10743},
    {0x26C, 0x26C, 1, 42305}, {0x26F, 0x26F, 1, -211}, {0x271, 0x271, 1, 10749}, {0x272, 0x272, 1, -213},
    {0x275, 0x275, 1, -214}, {0x27D, 0x27D, 1, 10727}, {0x280, 0x280, 1, -218}, {0x282, 0x282, 1, 42307},
    {0x283, 0x283, 1, -218}, {0x287, 0x287, 1, 42282}, {0x288, 0x288, 1, -218}, {0x289, 0x289, 1, -69},
    {0x28A, 0x28B, 1, -217}, {0x28C, 0x28C, 1, -71}, {0x292, 0x292, 1, -219}, {0x29D, 0x29D, 1, 42261},
    {0x29E, 0x29E, 1, 42258}, {0x345, 0x345, 1, 84}, {0x371, 0x373, 2, -1}, {0x377, 0x377, 1, -1},
    {0x37B, 0x37D, 1, 130}, {0x3AC, 0x3AC, 1, -38}, {0x3AD, 0x3AF, 1, -37}, {0x3B1, 0x3C1, 1, -32},
    {0x3C2, 0x3C2, 1, -31}, {0x3C3, 0x3CB, 1, -32}, {0x3CC, 0x3CC, 1, -64}, {0x3CD, 0x3CE, 1, -63},
    {0x3D0, 0x3D0, 1, -62}, {0x3D1, 0x3D1, 1, -57}, {0x3D5, 0x3D5, 1, -47}, {0x3D6, 0x3D6, 1, -54},
    {0x3D7, 0x3D7, 1, -8}, {0x3D9, 0x3EF, 2, -1}, {0x3F0, 0x3F0, 1, -86}, {0x3F1, 0x3F1, 1, -80},
    {0x3F2, 0x3F2, 1, 7}, {0x3F3, 0x3F3, 1, -116}, {0x3F5, 0x3F5, 1, -96}, {0x3F8, 0x3F8, 1, -1},
    {0x3FB, 0x3FB, 1, -1}, {0x430, 0x44F, 1, -32}, {0x450, 0x45F, 1, -80}, {0x461, 0x481, 2, -1},
    {0x48B, 0x4BF, 2, -1}, {0x4C2, 0x4CE, 2, -1}, {0x4CF, 0x4CF, 1, -15}, {0x4D1, 0x52F, 2, -1},
    {0x561, 0x586, 1, -48}, {0x10D0, 0x10FA, 1, 3008}, {0x10FD, 0x10FF, 1, 3008}, {0x13F8, 0x13FD, 1, -8},
    {0x1C80, 0x1C80, 1, -6254}, {0x1C81, 0x1C81, 1, -6253}, {0x1C82, 0x1C82, 1, -6244}, {0x1C83, 0x1C84, 1, -6242},
    {0x1C85, 0x1C85, 1, -6243}, {0x1C86, 0x1C86, 1, -6236}, {0x1C87, 0x1C87, 1, -6181}, {0x1C88, 0x1C88, 1, 35266},
    {0x1D79, 0x1D79, 1, 35332}, {0x1D7D, 0x1D7D, 1, 3814}, {0x1D8E, 0x1D8E, 1, 35384}, {0x1E01, 0x1E95, 2, -1},
    {0x1E9B, 0x1E9B, 1, -59}, {0x1EA1, 0x1EFF, 2, -1}, {0x1F00, 0x1F07, 1, 8}, {0x1F10, 0x1F15, 1, 8},
    {0x1F20, 0x1F27, 1, 8}, {0x1F30, 0x1F37, 1, 8}, {0x1F40, 0x1F45, 1, 8}, {0x1F51, 0x1F57, 2, 8},
    {0x1F60, 0x1F67, 1, 8}, {0x1F70, 0x1F71, 1, 74}, {0x1F72, 0x1F75, 1, 86}, {0x1F76, 0x1F77, 1, 100},
    {0x1F78, 0x1F79, 1, 128}, {0x1F7A, 0x1F7B, 1, 112}, {0x1F7C, 0x1F7D, 1, 126}, {0x1FB0, 0x1FB1, 1, 8},
    {0x1FBE, 0x1FBE, 1, -7205}, {0x1FD0, 0x1FD1, 1, 8}, {0x1FE0, 0x1FE1, 1, 8}, {0x1FE5, 0x1FE5, 1, 7},
    {0x214E, 0x214E, 1, -28}, {0x2170, 0x217F, 1, -16}, {0x2184, 0x2184, 1, -1}, {0x24D0, 0x24E9, 1, -26},
    {0x2C30, 0x2C5F, 1, -48}, {0x2C61, 0x2C61, 1, -1}, {0x2C65, 0x2C65, 1, -10795}, {0x2C66, 0x2C66, 1, -10792},
    {0x2C68, 0x2C6C, 2, -1}, {0x2C73, 0x2C73, 1, -1}, {0x2C76, 0x2C76, 1, -1}, {0x2C81, 0x2CE3, 2, -1},
    {0x2CEC, 0x2CEE, 2, -1}, {0x2CF3, 0x2CF3, 1, -1}, {0x2D00, 0x2D25, 1, -7264}, {0x2D27, 0x2D27, 1, -7264},
    {0x2D2D, 0x2D2D, 1, -7264}, {0xA641, 0xA66D, 2, -1}, {0xA681, 0xA69B, 2, -1}, {0xA723, 0xA72F, 2, -1},
    {0xA733, 0xA76F, 2, -1}, {0xA77A, 0xA77C, 2, -1}, {0xA77F, 0xA787, 2, -1}, {0xA78C, 0xA78C, 1, -1},
    {0xA791, 0xA793, 2, -1}, {0xA794, 0xA794, 1, 48}, {0xA797, 0xA7A9, 2, -1}, {0xA7B5, 0xA7C3, 2, -1},
    {0xA7C8, 0xA7CA, 2, -1}, {0xA7D1, 0xA7D1, 1, -1}, {0xA7D7, 0xA7D9, 2, -1}, {0xA7F6, 0xA7F6, 1, -1},
    {0xAB53, 0xAB53, 1, -928}, {0xAB70, 0xABBF, 1, -38864}, {0xFF41, 0xFF5A, 1, -32},
};
static const RtCaseRun rt_case_lower[] = {
    {0xC0, 0xD6, 1, 32}, {0xD8, 0xDE, 1, 32}, {0x100, 0x12E, 2, 1}, {0x132, 0x136, 2, 1},
    {0x139, 0x147, 2, 1}, {0x14A, 0x176, 2, 1}, {0x178, 0x178, 1, -121}, {0x179, 0x17D, 2, 1},
    {0x181, 0x181, 1, 210}, {0x182, 0x184, 2, 1}, {0x186, 0x186, 1, 206}, {0x187, 0x187, 1, 1},
    {0x189, 0x18A, 1, 205}, {0x18B, 0x18B, 1, 1}, {0x18E, 0x18E, 1, 79}, {0x18F, 0x18F, 1, 202},
    {0x190, 0x190, 1, 203}, {0x191, 0x191, 1, 1}, {0x193, 0x193, 1, 205}, {0x194, 0x194, 1, 207},
    {0x196, 0x196, 1, 211}, {0x197, 0x197, 1, 209}, {0x198, 0x198, 1, 1}, {0x19C, 0x19C, 1, 211},
    {0x19D, 0x19D, 1, 213}, {0x19F, 0x19F, 1, 214}, {0x1A0, 0x1A4, 2, 1}, {0x1A6, 0x1A6, 1, 218},
    {0x1A7, 0x1A7, 1, 1}, {0x1A9, 0x1A9, 1, 218}, {0x1AC, 0x1AC, 1, 1}, {0x1AE, 0x1AE, 1, 218},
    {0x1AF, 0x1AF, 1, 1}, {0x1B1, 0x1B2, 1, 217}, {0x1B3, 0x1B5, 2, 1}, {0x1B7, 0x1B7, 1, 219},
    {0x1B8, 0x1B8, 1, 1}, {0x1BC, 0x1BC, 1, 1}, {0x1C4, 0x1C4, 1, 2}, {0x1C5, 0x1C5, 1, 1},
    {0x1C7, 0x1C7, 1, 2}, {0x1C8, 0x1C8, 1, 1}, {0x1CA, 0x1CA, 1, 2}, {0x1CB, 0x1DB, 2, 1},
    {0x1DE, 0x1EE, 2, 1}, {0x1F1, 0x1F1, 1, 2}, {0x1F2, 0x1F4, 2, 1}, {0x1F6, 0x1F6, 1, -97},
    {0x1F7, 0x1F7, 1, -56}, {0x1F8, 0x21E, 2, 1}, {0x220, 0x220, 1, -130}, {0x222, 0x232, 2, 1},
    {0x23A, 0x23A, 1, 10795}, {0x23B, 0x23B, 1, 1}, {0x23D, 0x23D, 1, -163}, {0x23E, 0x23E, 1, 10792},
    {0x241, 0x241, 1, 1}, {0x243, 0x243, 1, -195}, {0x244, 0x244, 1, 69}, {0x245, 0x245, 1, 71},
    {0x246, 0x24E, 2, 1}, {0x370, 0x372, 2, 1}, {0x376, 0x376, 1, 1}, {0x37F, 0x37F, 1, 116},
    {0x386, 0x386, 1, 38}, {0x388, 0x38A, 1, 37}, {0x38C, 0x38C, 1, 64}, {0x38E, 0x38F, 1, 63},
    {0x391, 0x3A1, 1, 32}, {0x3A3, 0x3AB, 1, 32}, {0x3CF, 0x3CF, 1, 8}, {0x3D8, 0x3EE, 2, 1},
    {0x3F4, 0x3F4, 1, -60}, {0x3F7, 0x3F7, 1, 1}, {0x3F9, 0x3F9, 1, -7}, {0x3FA, 0x3FA, 1, 1},
    {0x3FD, 0x3FF, 1, -130}, {0x400, 0x40F, 1, 80}, {0x410, 0x42F, 1, 32}, {0x460, 0x480, 2, 1},
    {0x48A, 0x4BE, 2, 1}, {0x4C0, 0x4C0, 1, 15}, {0x4C1, 0x4CD, 2, 1}, {0x4D0, 0x52E, 2, 1},
    {0x531, 0x556, 1, 48}, {0x10A0, 0x10C5, 1, 7264}, {0x10C7, 0x10C7, 1, 7264}, {0x10CD, 0x10CD, 1, 7264},
    {0x13A0, 0x13EF, 1, 38864}, {0x13F0, 0x13F5, 1, 8}, {0x1C90, 0x1CBA, 1, -3008}, {0x1CBD, 0x1CBF, 1, -3008},
    {0x1E00, 0x1E94, 2, 1}, {0x1E9E, 0x1E9E, 1, -7615}, {0x1EA0, 0x1EFE, 2, 1}, {0x1F08, 0x1F0F, 1, -8},
    {0x1F18, 0x1F1D, 1, -8}, {0x1F28, 0x1F2F, 1, -8}, {0x1F38, 0x1F3F, 1, -8}, {0x1F48, 0x1F4D, 1, -8},
    {0x1F59, 0x1F5F, 2, -8}, {0x1F68, 0x1F6F, 1, -8}, {0x1F88, 0x1F8F, 1, -8}, {0x1F98, 0x1F9F, 1, -8},
    {0x1FA8, 0x1FAF, 1, -8}, {0x1FB8, 0x1FB9, 1, -8}, {0x1FBA, 0x1FBB, 1, -74}, {0x1FBC, 0x1FBC, 1, -9},
    {0x1FC8, 0x1FCB, 1, -86}, {0x1FCC, 0x1FCC, 1, -9}, {0x1FD8, 0x1FD9, 1, -8}, {0x1FDA, 0x1FDB, 1, -100},
    {0x1FE8, 0x1FE9, 1, -8}, {0x1FEA, 0x1FEB, 1, -112}, {0x1FEC, 0x1FEC, 1, -7}, {0x1FF8, 0x1FF9, 1, -128},
    {0x1FFA, 0x1FFB, 1, -126}, {0x1FFC, 0x1FFC, 1, -9}, {0x2126, 0x2126, 1, -7517}, {0x212A, 0x212A, 1, -8383},
    {0x212B, 0x212B, 1, -8262}, {0x2132, 0x2132, 1, 28}, {0x2160, 0x216F, 1, 16}, {0x2183, 0x2183, 1, 1},
    {0x24B6, 0x24CF, 1, 26}, {0x2C00, 0x2C2F, 1, 48}, {0x2C60, 0x2C60, 1, 1}, {0x2C62, 0x2C62, 1, -10743},
    {0x2C63, 0x2C63, 1, -3814}, {0x2C64, 0x2C64, 1, -10727}, {0x2C67, 0x2C6B, 2, 1}, {0x2C6D, 0x2C6D, 1, -10780},
    {0x2C6E, 0x2C6E, 1, -10749}, {0x2C6F, 0x2C6F, 1, -10783}, {0x2C70, 0x2C70, 1, -10782}, {0x2C72, 0x2C72, 1, 1},
    {0x2C75, 0x2C75, 1, 1}, {0x2C7E, 0x2C7F, 1, -10815}, {0x2C80, 0x2CE2, 2, 1}, {0x2CEB, 0x2CED, 2, 1},
    {0x2CF2, 0x2CF2, 1, 1}, {0xA640, 0xA66C, 2, 1}, {0xA680, 0xA69A, 2, 1}, {0xA722, 0xA72E, 2, 1},
    {0xA732, 0xA76E, 2, 1}, {0xA779, 0xA77B, 2, 1}, {0xA77D, 0xA77D, 1, -35332}, {0xA77E, 0xA786, 2, 1},
    {0xA78B, 0xA78B, 1, 1}, {0xA78D, 0xA78D, 1, -42280}, {0xA790, 0xA792, 2, 1}, {0xA796, 0xA7A8, 2, 1},
    {0xA7AA, 0xA7AA, 1, -42308}, {0xA7AB, 0xA7AB, 1, -42319}, {0xA7AC, 0xA7AC, 1, -42315}, {0xA7AD, 0xA7AD, 1, -42305},
    {0xA7AE, 0xA7AE, 1, -42308}, {0xA7B0, 0xA7B0, 1, -42258}, {0xA7B1, 0xA7B1, 1, -42282}, {0xA7B2, 0xA7B2, 1, -42261},
    {0xA7B3, 0xA7B3, 1, 928}, {0xA7B4, 0xA7C2, 2, 1}, {0xA7C4, 0xA7C4, 1, -48}, {0xA7C5, 0xA7C5, 1, -42307},
    {0xA7C6, 0xA7C6, 1, -35384}, {0xA7C7, 0xA7C9, 2, 1}, {0xA7D0, 0xA7D0, 1, 1}, {0xA7D6, 0xA7D8, 2, 1},
    {0xA7F5, 0xA7F5, 1, 1}, {0xFF21, 0xFF3A, 1, 32},
};
/* Full (multi-code-point) upper-case mappings. */
static const RtCaseSpecial rt_case_upper_special[] = {
    {0xDF, {0x53, 0x53}}, {0x149, {0x2BC, 0x4E}},
    {0x1F0, {0x4A, 0x30C}}, {0x390, {0x399, 0x308, 0x301}},
    {0x3B0, {0x3A5, 0x308, 0x301}}, {0x587, {0x535, 0x552}},
    {0x1E96, {0x48, 0x331}}, {0x1E97, {0x54, 0x308}},
    {0x1E98, {0x57, 0x30A}}, {0x1E99, {0x59, 0x30A}},
    {0x1E9A, {0x41, 0x2BE}}, {0x1F50, {0x3A5, 0x313}},
    {0x1F52, {0x3A5, 0x313, 0x300}}, {0x1F54, {0x3A5, 0x313, 0x301}},
    {0x1F56, {0x3A5, 0x313, 0x342}}, {0x1F80, {0x1F08, 0x399}},
    {0x1F81, {0x1F09, 0x399}}, {0x1F82, {0x1F0A, 0x399}},
    {0x1F83, {0x1F0B, 0x399}}, {0x1F84, {0x1F0C, 0x399}},
    {0x1F85, {0x1F0D, 0x399}}, {0x1F86, {0x1F0E, 0x399}},
    {0x1F87, {0x1F0F, 0x399}}, {0x1F88, {0x1F08, 0x399}},
    {0x1F89, {0x1F09, 0x399}}, {0x1F8A, {0x1F0A, 0x399}},
    {0x1F8B, {0x1F0B, 0x399}}, {0x1F8C, {0x1F0C, 0x399}},
    {0x1F8D, {0x1F0D, 0x399}}, {0x1F8E, {0x1F0E, 0x399}},
    {0x1F8F, {0x1F0F, 0x399}}, {0x1F90, {0x1F28, 0x399}},
    {0x1F91, {0x1F29, 0x399}}, {0x1F92, {0x1F2A, 0x399}},
    {0x1F93, {0x1F2B, 0x399}}, {0x1F94, {0x1F2C, 0x399}},
    {0x1F95, {0x1F2D, 0x399}}, {0x1F96, {0x1F2E, 0x399}},
    {0x1F97, {0x1F2F, 0x399}}, {0x1F98, {0x1F28, 0x399}},
    {0x1F99, {0x1F29, 0x399}}, {0x1F9A, {0x1F2A, 0x399}},
    {0x1F9B, {0x1F2B, 0x399}}, {0x1F9C, {0x1F2C, 0x399}},
    {0x1F9D, {0x1F2D, 0x399}}, {0x1F9E, {0x1F2E, 0x399}},
    {0x1F9F, {0x1F2F, 0x399}}, {0x1FA0, {0x1F68, 0x399}},
    {0x1FA1, {0x1F69, 0x399}}, {0x1FA2, {0x1F6A, 0x399}},
    {0x1FA3, {0x1F6B, 0x399}}, {0x1FA4, {0x1F6C, 0x399}},
    {0x1FA5, {0x1F6D, 0x399}}, {0x1FA6, {0x1F6E, 0x399}},
    {0x1FA7, {0x1F6F, 0x399}}, {0x1FA8, {0x1F68, 0x399}},
    {0x1FA9, {0x1F69, 0x399}}, {0x1FAA, {0x1F6A, 0x399}},
    {0x1FAB, {0x1F6B, 0x399}}, {0x1FAC, {0x1F6C, 0x399}},
    {0x1FAD, {0x1F6D, 0x399}}, {0x1FAE, {0x1F6E, 0x399}},
    {0x1FAF, {0x1F6F, 0x399}}, {0x1FB2, {0x1FBA, 0x399}},
    {0x1FB3, {0x391, 0x399}}, {0x1FB4, {0x386, 0x399}},
    {0x1FB6, {0x391, 0x342}}, {0x1FB7, {0x391, 0x342, 0x399}},
    {0x1FBC, {0x391, 0x399}}, {0x1FC2, {0x1FCA, 0x399}},
    {0x1FC3, {0x397, 0x399}}, {0x1FC4, {0x389, 0x399}},
    {0x1FC6, {0x397, 0x342}}, {0x1FC7, {0x397, 0x342, 0x399}},
    {0x1FCC, {0x397, 0x399}}, {0x1FD2, {0x399, 0x308, 0x300}},
    {0x1FD3, {0x399, 0x308, 0x301}}, {0x1FD6, {0x399, 0x342}},
    {0x1FD7, {0x399, 0x308, 0x342}}, {0x1FE2, {0x3A5, 0x308, 0x300}},
    {0x1FE3, {0x3A5, 0x308, 0x301}}, {0x1FE4, {0x3A1, 0x313}},
    {0x1FE6, {0x3A5, 0x342}}, {0x1FE7, {0x3A5, 0x308, 0x342}},
    {0x1FF2, {0x1FFA, 0x399}}, {0x1FF3, {0x3A9, 0x399}},
    {0x1FF4, {0x38F, 0x399}}, {0x1FF6, {0x3A9, 0x342}},
    {0x1FF7, {0x3A9, 0x342, 0x399}}, {0x1FFC, {0x3A9, 0x399}},
    {0xFB00, {0x46, 0x46}}, {0xFB01, {0x46, 0x49}},
    {0xFB02, {0x46, 0x4C}}, {0xFB03, {0x46, 0x46, 0x49}},
    {0xFB04, {0x46, 0x46, 0x4C}}, {0xFB05, {0x53, 0x54}},
    {0xFB06, {0x53, 0x54}}, {0xFB13, {0x544, 0x546}},
    {0xFB14, {0x544, 0x535}}, {0xFB15, {0x544, 0x53B}},
    {0xFB16, {0x54E, 0x546}}, {0xFB17, {0x544, 0x53D}},
};
static const RtRange rt_alpha_ranges[] = {
    {0xAA, 0xAA}, {0xB5, 0xB5}, {0xBA, 0xBA}, {0xC0, 0xD6}, {0xD8, 0xF6},
    {0xF8, 0x2C1}, {0x2C6, 0x2D1}, {0x2E0, 0x2E4}, {0x2EC, 0x2EC}, {0x2EE, 0x2EE},
    {0x370, 0x374}, {0x376, 0x377}, {0x37A, 0x37D}, {0x37F, 0x37F}, {0x386, 0x386},
    {0x388, 0x38A}, {0x38C, 0x38C}, {0x38E, 0x3A1}, {0x3A3, 0x3F5}, {0x3F7, 0x481},
    {0x48A, 0x52F}, {0x531, 0x556}, {0x559, 0x559}, {0x560, 0x588}, {0x5D0, 0x5EA},
    {0x5EF, 0x5F2}, {0x620, 0x64A}, {0x66E, 0x66F}, {0x671, 0x6D3}, {0x6D5, 0x6D5},
    {0x6E5, 0x6E6}, {0x6EE, 0x6EF}, {0x6FA, 0x6FC}, {0x6FF, 0x6FF}, {0x710, 0x710},
    {0x712, 0x72F}, {0x74D, 0x7A5}, {0x7B1, 0x7B1}, {0x7CA, 0x7EA}, {0x7F4, 0x7F5},
    {0x7FA, 0x7FA}, {0x800, 0x815}, {0x81A, 0x81A}, {0x824, 0x824}, {0x828, 0x828},
    {0x840, 0x858}, {0x860, 0x86A}, {0x870, 0x887}, {0x889, 0x88E}, {0x8A0, 0x8C9},
    {0x904, 0x939}, {0x93D, 0x93D}, {0x950, 0x950}, {0x958, 0x961}, {0x971, 0x980},
    {0x985, 0x98C}, {0x98F, 0x990}, {0x993, 0x9A8}, {0x9AA, 0x9B0}, {0x9B2, 0x9B2},
    {0x9B6, 0x9B9}, {0x9BD, 0x9BD}, {0x9CE, 0x9CE}, {0x9DC, 0x9DD}, {0x9DF, 0x9E1},
    {0x9F0, 0x9F1}, {0x9FC, 0x9FC}, {0xA05, 0xA0A}, {0xA0F, 0xA10}, {0xA13, 0xA28},
    {0xA2A, 0xA30}, {0xA32, 0xA33}, {0xA35, 0xA36}, {0xA38, 0xA39}, {0xA59, 0xA5C},
    {0xA5E, 0xA5E}, {0xA72, 0xA74}, {0xA85, 0xA8D}, {0xA8F, 0xA91}, {0xA93, 0xAA8},
    {0xAAA, 0xAB0}, {0xAB2, 0xAB3}, {0xAB5, 0xAB9}, {0xABD, 0xABD}, {0xAD0, 0xAD0},
    {0xAE0, 0xAE1}, {0xAF9, 0xAF9}, {0xB05, 0xB0C}, {0xB0F, 0xB10}, {0xB13, 0xB28},
    {0xB2A, 0xB30}, {0xB32, 0xB33}, {0xB35, 0xB39}, {0xB3D, 0xB3D}, {0xB5C, 0xB5D},
    {0xB5F, 0xB61}, {0xB71, 0xB71}, {0xB83, 0xB83}, {0xB85, 0xB8A}, {0xB8E, 0xB90},
    {0xB92, 0xB95}, {0xB99, 0xB9A}, {0xB9C, 0xB9C}, {0xB9E, 0xB9F}, {0xBA3, 0xBA4},
    {0xBA8, 0xBAA}, {0xBAE, 0xBB9}, {0xBD0, 0xBD0}, {0xC05, 0xC0C}, {0xC0E, 0xC10},
    {0xC12, 0xC28}, {0xC2A, 0xC39}, {0xC3D, 0xC3D}, {0xC58, 0xC5A}, {0xC5D, 0xC5D},
    {0xC60, 0xC61}, {0xC80, 0xC80}, {0xC85, 0xC8C}, {0xC8E, 0xC90}, {0xC92, 0xCA8},
    {0xCAA, 0xCB3}, {0xCB5, 0xCB9}, {0xCBD, 0xCBD}, {0xCDD, 0xCDE}, {0xCE0, 0xCE1},
    {0xCF1, 0xCF2}, {0xD04, 0xD0C}, {0xD0E, 0xD10}, {0xD12, 0xD3A}, {0xD3D, 0xD3D},
    {0xD4E, 0xD4E}, {0xD54, 0xD56}, {0xD5F, 0xD61}, {0xD7A, 0xD7F}, {0xD85, 0xD96},
    {0xD9A, 0xDB1}, {0xDB3, 0xDBB}, {0xDBD, 0xDBD}, {0xDC0, 0xDC6}, {0xE01, 0xE30},
    {0xE32, 0xE33}, {0xE40, 0xE46}, {0xE81, 0xE82}, {0xE84, 0xE84}, {0xE86, 0xE8A},
    {0xE8C, 0xEA3}, {0xEA5, 0xEA5}, {0xEA7, 0xEB0}, {0xEB2, 0xEB3}, {0xEBD, 0xEBD},
    {0xEC0, 0xEC4}, {0xEC6, 0xEC6}, {0xEDC, 0xEDF}, {0xF00, 0xF00}, {0xF40, 0xF47},
    {0xF49, 0xF6C}, {0xF88, 0xF8C}, {0x1000, 0x102A}, {0x103F, 0x103F}, {0x1050, 0x1055},
    {0x105A, 0x105D}, {0x1061, 0x1061}, {0x1065, 0x1066}, {0x106E, 0x1070}, {0x1075, 0x1081},
    {0x108E, 0x108E}, {0x10A0, 0x10C5}, {0x10C7, 0x10C7}, {0x10CD, 0x10CD}, {0x10D0, 0x10FA},
    {0x10FC, 0x1248}, {0x124A, 0x124D}, {0x1250, 0x1256}, {0x1258, 0x1258}, {0x125A, 0x125D},
    {0x1260, 0x1288}, {0x128A, 0x128D}, {0x1290, 0x12B0}, {0x12B2, 0x12B5}, {0x12B8, 0x12BE},
    {0x12C0, 0x12C0}, {0x12C2, 0x12C5}, {0x12C8, 0x12D6}, {0x12D8, 0x1310}, {0x1312, 0x1315},
    {0x1318, 0x135A}, {0x1380, 0x138F}, {0x13A0, 0x13F5}, {0x13F8, 0x13FD}, {0x1401, 0x166C},
    {0x166F, 0x167F}, {0x1681, 0x169A}, {0x16A0, 0x16EA}, {0x16F1, 0x16F8}, {0x1700, 0x1711},
    {0x171F, 0x1731}, {0x1740, 0x1751}, {0x1760, 0x176C}, {0x176E, 0x1770}, {0x1780, 0x17B3},
    {0x17D7, 0x17D7}, {0x17DC, 0x17DC}, {0x1820, 0x1878}, {0x1880, 0x1884}, {0x1887, 0x18A8},
    {0x18AA, 0x18AA}, {0x18B0, 0x18F5}, {0x1900, 0x191E}, {0x1950, 0x196D}, {0x1970, 0x1974},
    {0x1980, 0x19AB}, {0x19B0, 0x19C9}, {0x1A00, 0x1A16}, {0x1A20, 0x1A54}, {0x1AA7, 0x1AA7},
    {0x1B05, 0x1B33}, {0x1B45, 0x1B4C}, {0x1B83, 0x1BA0}, {0x1BAE, 0x1BAF}, {0x1BBA, 0x1BE5},
    {0x1C00, 0x1C23}, {0x1C4D, 0x1C4F}, {0x1C5A, 0x1C7D}, {0x1C80, 0x1C88}, {0x1C90, 0x1CBA},
    {0x1CBD, 0x1CBF}, {0x1CE9, 0x1CEC}, {0x1CEE, 0x1CF3}, {0x1CF5, 0x1CF6}, {0x1CFA, 0x1CFA},
    {0x1D00, 0x1DBF}, {0x1E00, 0x1F15}, {0x1F18, 0x1F1D}, {0x1F20, 0x1F45}, {0x1F48, 0x1F4D},
    {0x1F50, 0x1F57}, {0x1F59, 0x1F59}, {0x1F5B, 0x1F5B}, {0x1F5D, 0x1F5D}, {0x1F5F, 0x1F7D},
    {0x1F80, 0x1FB4}, {0x1FB6, 0x1FBC}, {0x1FBE, 0x1FBE}, {0x1FC2, 0x1FC4}, {0x1FC6, 0x1FCC},
    {0x1FD0, 0x1FD3}, {0x1FD6, 0x1FDB}, {0x1FE0, 0x1FEC}, {0x1FF2, 0x1FF4}, {0x1FF6, 0x1FFC},
    {0x2071, 0x2071}, {0x207F, 0x207F}, {0x2090, 0x209C}, {0x2102, 0x2102}, {0x2107, 0x2107},
    {0x210A, 0x2113}, {0x2115, 0x2115}, {0x2119, 0x211D}, {0x2124, 0x2124}, {0x2126, 0x2126},
    {0x2128, 0x2128}, {0x212A, 0x212D}, {0x212F, 0x2139}, {0x213C, 0x213F}, {0x2145, 0x2149},
    {0x214E, 0x214E}, {0x2183, 0x2184}, {0x2C00, 0x2CE4}, {0x2CEB, 0x2CEE}, {0x2CF2, 0x2CF3},
    {0x2D00, 0x2D25}, {0x2D27, 0x2D27}, {0x2D2D, 0x2D2D}, {0x2D30, 0x2D67}, {0x2D6F, 0x2D6F},
    {0x2D80, 0x2D96}, {0x2DA0, 0x2DA6}, {0x2DA8, 0x2DAE}, {0x2DB0, 0x2DB6}, {0x2DB8, 0x2DBE},
    {0x2DC0, 0x2DC6}, {0x2DC8, 0x2DCE}, {0x2DD0, 0x2DD6}, {0x2DD8, 0x2DDE}, {0x2E2F, 0x2E2F},
    {0x3005, 0x3006}, {0x3031, 0x3035}, {0x303B, 0x303C}, {0x3041, 0x3096}, {0x309D, 0x309F},
    {0x30A1, 0x30FA}, {0x30FC, 0x30FF}, {0x3105, 0x312F}, {0x3131, 0x318E}, {0x31A0, 0x31BF},
    {0x31F0, 0x31FF}, {0x3400, 0x4DBF}, {0x4E00, 0xA48C}, {0xA4D0, 0xA4FD}, {0xA500, 0xA60C},
    {0xA610, 0xA61F}, {0xA62A, 0xA62B}, {0xA640, 0xA66E}, {0xA67F, 0xA69D}, {0xA6A0, 0xA6E5},
    {0xA717, 0xA71F}, {0xA722, 0xA788}, {0xA78B, 0xA7CA}, {0xA7D0, 0xA7D1}, {0xA7D3, 0xA7D3},
    {0xA7D5, 0xA7D9}, {0xA7F2, 0xA801}, {0xA803, 0xA805}, {0xA807, 0xA80A}, {0xA80C, 0xA822},
    {0xA840, 0xA873}, {0xA882, 0xA8B3}, {0xA8F2, 0xA8F7}, {0xA8FB, 0xA8FB}, {0xA8FD, 0xA8FE},
    {0xA90A, 0xA925}, {0xA930, 0xA946}, {0xA960, 0xA97C}, {0xA984, 0xA9B2}, {0xA9CF, 0xA9CF},
    {0xA9E0, 0xA9E4}, {0xA9E6, 0xA9EF}, {0xA9FA, 0xA9FE}, {0xAA00, 0xAA28}, {0xAA40, 0xAA42},
    {0xAA44, 0xAA4B}, {0xAA60, 0xAA76}, {0xAA7A, 0xAA7A}, {0xAA7E, 0xAAAF}, {0xAAB1, 0xAAB1},
    {0xAAB5, 0xAAB6}, {0xAAB9, 0xAABD}, {0xAAC0, 0xAAC0}, {0xAAC2, 0xAAC2}, {0xAADB, 0xAADD},
    {0xAAE0, 0xAAEA}, {0xAAF2, 0xAAF4}, {0xAB01, 0xAB06}, {0xAB09, 0xAB0E}, {0xAB11, 0xAB16},
    {0xAB20, 0xAB26}, {0xAB28, 0xAB2E}, {0xAB30, 0xAB5A}, {0xAB5C, 0xAB69}, {0xAB70, 0xABE2},
    {0xAC00, 0xD7A3}, {0xD7B0, 0xD7C6}, {0xD7CB, 0xD7FB}, {0xF900, 0xFA6D}, {0xFA70, 0xFAD9},
    {0xFB00, 0xFB06}, {0xFB13, 0xFB17}, {0xFB1D, 0xFB1D}, {0xFB1F, 0xFB28}, {0xFB2A, 0xFB36},
    {0xFB38, 0xFB3C}, {0xFB3E, 0xFB3E}, {0xFB40, 0xFB41}, {0xFB43, 0xFB44}, {0xFB46, 0xFBB1},
    {0xFBD3, 0xFD3D}, {0xFD50, 0xFD8F}, {0xFD92, 0xFDC7}, {0xFDF0, 0xFDFB}, {0xFE70, 0xFE74},
    {0xFE76, 0xFEFC}, {0xFF21, 0xFF3A}, {0xFF41, 0xFF5A}, {0xFF66, 0xFFBE}, {0xFFC2, 0xFFC7},
    {0xFFCA, 0xFFCF}, {0xFFD2, 0xFFD7}, {0xFFDA, 0xFFDC},
};
static const RtRange rt_digit_ranges[] = {
    {0xB2, 0xB3}, {0xB9, 0xB9}, {0x660, 0x669}, {0x6F0, 0x6F9}, {0x7C0, 0x7C9},
    {0x966, 0x96F}, {0x9E6, 0x9EF}, {0xA66, 0xA6F}, {0xAE6, 0xAEF}, {0xB66, 0xB6F},
    {0xBE6, 0xBEF}, {0xC66, 0xC6F}, {0xCE6, 0xCEF}, {0xD66, 0xD6F}, {0xDE6, 0xDEF},
    {0xE50, 0xE59}, {0xED0, 0xED9}, {0xF20, 0xF29}, {0x1040, 0x1049}, {0x1090, 0x1099},
    {0x1369, 0x1371}, {0x17E0, 0x17E9}, {0x1810, 0x1819}, {0x1946, 0x194F}, {0x19D0, 0x19DA},
    {0x1A80, 0x1A89}, {0x1A90, 0x1A99}, {0x1B50, 0x1B59}, {0x1BB0, 0x1BB9}, {0x1C40, 0x1C49},
    {0x1C50, 0x1C59}, {0x2070, 0x2070}, {0x2074, 0x2079}, {0x2080, 0x2089}, {0x2460, 0x2468},
    {0x2474, 0x247C}, {0x2488, 0x2490}, {0x24EA, 0x24EA}, {0x24F5, 0x24FD}, {0x24FF, 0x24FF},
    {0x2776, 0x277E}, {0x2780, 0x2788}, {0x278A, 0x2792}, {0xA620, 0xA629}, {0xA8D0, 0xA8D9},
    {0xA900, 0xA909}, {0xA9D0, 0xA9D9}, {0xA9F0, 0xA9F9}, {0xAA50, 0xAA59}, {0xABF0, 0xABF9},
    {0xFF10, 0xFF19},
};

#define RT_COUNT(a) (sizeof(a) / sizeof((a)[0]))

static uint32_t rt_case_map(const RtCaseRun *t, size_t n, uint32_t cp) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t[mid].start <= cp) lo = mid + 1;
        else hi = mid;
    }
    if (lo == 0) return cp;
    const RtCaseRun *r = &t[lo - 1];
    if (cp > r->end || (cp - r->start) % (uint32_t)r->stride) return cp;
    return (uint32_t)((int32_t)cp + r->delta);
}

static bool rt_in_ranges(const RtRange *t, size_t n, uint32_t cp) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t[mid].hi < cp) lo = mid + 1;
        else hi = mid;
    }
    return lo < n && t[lo].lo <= cp;
}

static uint32_t rt_cp_upper1(uint32_t cp) {
    if (cp < 0x80) return (cp >= 'a' && cp <= 'z') ? cp - 32 : cp;
    return rt_case_map(rt_case_upper, RT_COUNT(rt_case_upper), cp);
}

static uint32_t rt_cp_lower1(uint32_t cp) {
    if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
    return rt_case_map(rt_case_lower, RT_COUNT(rt_case_lower), cp);
}

/* Python's str.isspace() set (bidirectional class WS/B/S or category Zs). */
static bool rt_cp_isspace(uint32_t cp) {
    if (cp < 0x80) return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20);
    return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
           cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/* Decimal and numeric ranges, generated by tools/gen_unicode_numeric.py. */
#include "rt_unicode_numeric.h"

static bool rt_cp_isdecimal(uint32_t cp) {
    if (cp < 0x80) return cp >= '0' && cp <= '9';
    return rt_in_ranges(rt_decimal_ranges, RT_COUNT(rt_decimal_ranges), cp);
}

/* Numeric_Type Decimal, Digit or Numeric: a superset of isdigit(). */
static bool rt_cp_isnumeric(uint32_t cp) {
    if (cp < 0x80) return cp >= '0' && cp <= '9';
    return rt_in_ranges(rt_numeric_ranges, RT_COUNT(rt_numeric_ranges), cp);
}

static bool rt_cp_isalpha(uint32_t cp) {
    if (cp < 0x80) return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
    if (cp > 0xFFFF) return rt_in_ranges(rt_alpha_astral_ranges, RT_COUNT(rt_alpha_astral_ranges), cp);
    return rt_in_ranges(rt_alpha_ranges, RT_COUNT(rt_alpha_ranges), cp);
}

static bool rt_cp_isdigit(uint32_t cp) {
    if (cp < 0x80) return cp >= '0' && cp <= '9';
    if (cp > 0xFFFF) return rt_in_ranges(rt_digit_astral_ranges, RT_COUNT(rt_digit_astral_ranges), cp);
    return rt_in_ranges(rt_digit_ranges, RT_COUNT(rt_digit_ranges), cp);
}

/* The full upper-case mapping of cp when it is not one code point (ß ->
 * SS), or NULL. */
static const RtCaseSpecial *rt_upper_special(uint32_t cp) {
    size_t lo = 0, hi = RT_COUNT(rt_case_upper_special);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (rt_case_upper_special[mid].cp < cp) lo = mid + 1;
        else hi = mid;
    }
    return lo < RT_COUNT(rt_case_upper_special) && rt_case_upper_special[lo].cp == cp ? &rt_case_upper_special[lo]
                                                                                      : NULL;
}

/* A letter with case (for the final-sigma rule, isupper/islower, title):
 * one with another case form, including the lower-case letters whose upper
 * form is several code points (ß) and İ, whose lower form is two. */
static bool rt_cp_cased(uint32_t cp) {
    return rt_cp_upper1(cp) != cp || rt_cp_lower1(cp) != cp || cp == 0x130 || (cp >= 0x80 && rt_upper_special(cp));
}

/* Characters the final-sigma rule looks through (an approximation of
 * Unicode's Case_Ignorable: apostrophe, period, colon, middle dot and the
 * combining diacritics). */
static bool rt_cp_case_ignorable(uint32_t cp) {
    return cp == '\'' || cp == '.' || cp == ':' || cp == 0xB7 || (cp >= 0x300 && cp <= 0x36F);
}

/* ---- UTF-8 -------------------------------------------------------------- */

/* Decode the code point at p (str values are valid UTF-8; a stray byte
 * decodes as itself so that no input can make the loops stall). */
static uint32_t rt_u8_get(const unsigned char *p, int64_t avail, int *len) {
    unsigned char c = p[0];
    int n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (n > avail) n = 1;
    uint32_t v = n == 1 ? c : n == 2 ? (c & 0x1Fu) : n == 3 ? (c & 0x0Fu) : (c & 0x07u);
    for (int i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            *len = 1;
            return c;
        }
        v = (v << 6) | (p[i] & 0x3Fu);
    }
    *len = n;
    return v;
}

/* Start of the code point that ends just before byte offset `end`. */
static int64_t rt_u8_prev(const char *s, int64_t end) {
    int64_t i = end - 1;
    int k = 0;
    while (i > 0 && k < 3 && ((unsigned char)s[i] & 0xC0) == 0x80) {
        i--;
        k++;
    }
    return i;
}

static void rt_u8_put(RtBuf *b, uint32_t cp) {
    char t[4];
    size_t n;
    if (cp < 0x80) {
        t[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        t[0] = (char)(0xC0 | (cp >> 6));
        t[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        t[0] = (char)(0xE0 | (cp >> 12));
        t[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        t[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        t[0] = (char)(0xF0 | (cp >> 18));
        t[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        t[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        t[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    rt_buf_put(b, t, n);
}

static bool rt_is_ascii(const RtStr *s) {
    for (int64_t i = 0; i < s->len; i++)
        if ((unsigned char)s->data[i] >= 0x80) return false;
    return true;
}

/* ---- case mapping ------------------------------------------------------- */

RtStr *rt_str_upper(const RtStr *s) {
    RtBuf b = {0};
    rt_buf_reserve(&b, (size_t)s->len + 1);
    const unsigned char *p = (const unsigned char *)s->data;
    for (int64_t i = 0; i < s->len;) {
        if (p[i] < 0x80) {
            rt_buf_putc(&b, (char)rt_cp_upper1(p[i++]));
            continue;
        }
        int n;
        uint32_t cp = rt_u8_get(p + i, s->len - i, &n);
        i += n;
        const RtCaseSpecial *sp = NULL;
        size_t lo = 0, hi = RT_COUNT(rt_case_upper_special);
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (rt_case_upper_special[mid].cp < cp) lo = mid + 1;
            else hi = mid;
        }
        if (lo < RT_COUNT(rt_case_upper_special) && rt_case_upper_special[lo].cp == cp)
            sp = &rt_case_upper_special[lo];
        if (sp) {
            for (int k = 0; k < 3 && sp->to[k]; k++) rt_u8_put(&b, sp->to[k]);
        } else {
            rt_u8_put(&b, rt_cp_upper1(cp));
        }
    }
    return rt_buf_finish(&b);
}

/* Is there a cased letter next to byte offset i, looking backwards
 * (dir < 0, from the code point before i) or forwards (from i), through
 * case-ignorable characters? */
static bool rt_sigma_context(const RtStr *s, int64_t i, int dir) {
    const unsigned char *p = (const unsigned char *)s->data;
    while (dir < 0 ? i > 0 : i < s->len) {
        int n;
        uint32_t cp;
        if (dir < 0) {
            int64_t j = rt_u8_prev(s->data, i);
            cp = rt_u8_get(p + j, s->len - j, &n);
            i = j;
        } else {
            cp = rt_u8_get(p + i, s->len - i, &n);
            i += n;
        }
        if (rt_cp_case_ignorable(cp)) continue;
        return rt_cp_cased(cp);
    }
    return false;
}

/* lower() of an all-ASCII string: one branch-free pass over a fresh copy
 * (which the compiler vectorises), checked afterwards; NULL when s holds a
 * non-ASCII byte and needs the Unicode path. */
static RtStr *rt_str_lower_ascii(const RtStr *s) {
    RtStr *r = rt_str_new(s->data, s->len);
    unsigned char *q = (unsigned char *)r->data;
    unsigned char seen = 0;
    for (int64_t i = 0; i < r->len; i++) {
        unsigned char c = q[i];
        seen |= c;
        q[i] = (unsigned char)(c | (unsigned char)(((unsigned)(c - 'A') < 26u) << 5));
    }
    if (seen < 0x80) return r;
    rt_str_drop(r);
    return NULL;
}

RtStr *rt_str_lower(const RtStr *s) {
    RtStr *fast = rt_str_lower_ascii(s);
    if (fast) return fast;
    RtBuf b = {0};
    rt_buf_reserve(&b, (size_t)s->len + 1);
    const unsigned char *p = (const unsigned char *)s->data;
    for (int64_t i = 0; i < s->len;) {
        if (p[i] < 0x80) {
            rt_buf_putc(&b, (char)rt_cp_lower1(p[i++]));
            continue;
        }
        int n;
        uint32_t cp = rt_u8_get(p + i, s->len - i, &n);
        if (cp == 0x130) { /* İ lowers to i + combining dot above */
            rt_u8_put(&b, 'i');
            rt_u8_put(&b, 0x307);
        } else if (cp == 0x3A3) { /* Σ: final form at the end of a word */
            bool fin = rt_sigma_context(s, i, -1) && !rt_sigma_context(s, i + n, 1);
            rt_u8_put(&b, fin ? 0x3C2 : 0x3C3);
        } else {
            rt_u8_put(&b, rt_cp_lower1(cp));
        }
        i += n;
    }
    return rt_buf_finish(&b);
}

/* ---- strip -------------------------------------------------------------- */

typedef struct RtCpSet {
    uint32_t *cps; /* NULL: whitespace */
    int64_t n;
} RtCpSet;

static RtCpSet rt_cpset_make(const RtStr *chars) {
    RtCpSet set = {NULL, 0};
    if (!chars) return set;
    set.cps = rt_alloc(((size_t)chars->len + 1) * sizeof(uint32_t));
    const unsigned char *p = (const unsigned char *)chars->data;
    for (int64_t i = 0; i < chars->len;) {
        int n;
        set.cps[set.n++] = rt_u8_get(p + i, chars->len - i, &n);
        i += n;
    }
    return set;
}

static bool rt_cpset_has(const RtCpSet *set, uint32_t cp) {
    if (!set->cps) return rt_cp_isspace(cp);
    for (int64_t i = 0; i < set->n; i++)
        if (set->cps[i] == cp) return true;
    return false;
}

/* The ASCII members of a strip set as a 256-bit table, so the common case
 * (ASCII characters stripped off mostly-ASCII text) tests one bit per byte
 * instead of decoding and searching. */
typedef struct RtAsciiSet {
    uint64_t bits[4]; /* bits[2] and bits[3] (bytes >= 0x80) stay empty */
} RtAsciiSet;

static inline bool rt_ascii_has(const RtAsciiSet *t, unsigned char c) {
    return (t->bits[c >> 6] >> (c & 63)) & 1;
}

/* Whitespace below 0x80 (rt_cp_isspace): \t \n \v \f \r, 0x1C-0x1F, space. */
static const RtAsciiSet rt_ascii_space = {{0x00000001F0003E00ULL, 0, 0, 0}};

/* Fills t with the ASCII members of chars (NULL: whitespace); returns true
 * when some member is not ASCII, i.e. non-ASCII code points must be
 * decoded and looked up in the full set. */
static bool rt_ascii_set_make(RtAsciiSet *t, const RtStr *chars) {
    if (!chars) {
        *t = rt_ascii_space;
        return true; /* U+0085, U+00A0, U+2000... are whitespace too */
    }
    /* A literal never changes and is never freed, so its address names its
     * contents: the table of the last literal seen (the same one, call
     * after call, in a loop like `w.strip(".,;")`) is kept per thread. */
    static _Thread_local const RtStr *cached;
    static _Thread_local RtAsciiSet cached_set;
    static _Thread_local bool cached_wide;
    if (chars == cached) {
        *t = cached_set;
        return cached_wide;
    }
    bool wide = false;
    t->bits[0] = t->bits[1] = t->bits[2] = t->bits[3] = 0;
    for (int64_t i = 0; i < chars->len; i++) {
        unsigned char c = (unsigned char)chars->data[i];
        if (c < 0x80) t->bits[c >> 6] |= 1ULL << (c & 63);
        else wide = true;
    }
    if (chars->cap == RT_STR_STATIC) {
        cached = chars;
        cached_set = *t;
        cached_wide = wide;
    }
    return wide;
}

/* strip with a set that has non-ASCII members (or is whitespace): ASCII
 * bytes still go through the table, other code points are decoded. */
static __attribute__((noinline)) RtStr *rt_str_strip_wide(const RtStr *s, const RtStr *chars,
                                                          const RtAsciiSet *tab, bool left, bool right,
                                                          RtStr *old) {
    RtAsciiSet ascii = *tab;
    const bool wide = true;
    /* The full set is needed only to test non-ASCII code points. */
    RtCpSet set = {NULL, 0};
    if (chars) set = rt_cpset_make(chars);
    const unsigned char *p = (const unsigned char *)s->data;
    int64_t a = 0, b = s->len;
    if (left) {
        while (a < b) {
            if (p[a] < 0x80) {
                if (!rt_ascii_has(&ascii, p[a])) break;
                a++;
                continue;
            }
            if (!wide) break; /* a non-ASCII code point: not a member */
            int n;
            uint32_t cp = rt_u8_get(p + a, b - a, &n);
            if (!rt_cpset_has(&set, cp)) break;
            a += n;
        }
    }
    if (right) {
        while (b > a) {
            if (p[b - 1] < 0x80) {
                if (!rt_ascii_has(&ascii, p[b - 1])) break;
                b--;
                continue;
            }
            if (!wide) break; /* ends in a non-ASCII code point */
            int64_t j = rt_u8_prev(s->data, b);
            if (j < a) j = a; /* never re-read bytes the left side took */
            int n;
            uint32_t cp = rt_u8_get(p + j, b - j, &n);
            if (!rt_cpset_has(&set, cp)) break;
            b = j;
        }
    }
    if (set.cps) rt_free(set.cps);
    return rt_str_new_over(old, s->data + a, b - a);
}

static inline __attribute__((always_inline)) RtStr *rt_str_strip_impl(const RtStr *s, const RtStr *chars,
                                                                     bool left, bool right, RtStr *old) {
    RtAsciiSet ascii;
    if (rt_ascii_set_make(&ascii, chars)) return rt_str_strip_wide(s, chars, &ascii, left, right, old);
    /* Only ASCII members: a non-ASCII byte is never one (the table's upper
     * half is empty), so the loops test one bit per byte and stop there. */
    const unsigned char *p = (const unsigned char *)s->data;
    int64_t a = 0, b = s->len;
    if (left)
        while (a < b && rt_ascii_has(&ascii, p[a])) a++;
    if (right)
        while (b > a && rt_ascii_has(&ascii, p[b - 1])) b--;
    return rt_str_new_over(old, s->data + a, b - a);
}

RtStr *rt_str_strip(const RtStr *s, const RtStr *chars) { return rt_str_strip_impl(s, chars, true, true, NULL); }
RtStr *rt_str_lstrip(const RtStr *s, const RtStr *chars) { return rt_str_strip_impl(s, chars, true, false, NULL); }
RtStr *rt_str_rstrip(const RtStr *s, const RtStr *chars) { return rt_str_strip_impl(s, chars, false, true, NULL); }

/* The same, for `w = s.strip(chars)` where w's old value (`old`, or NULL
 * when w holds none) would be dropped by the assignment: its buffer takes
 * the result when it is large enough (s and chars may be old itself). */
RtStr *rt_str_strip_over(const RtStr *s, const RtStr *chars, RtStr *old) {
    return rt_str_strip_impl(s, chars, true, true, old);
}
RtStr *rt_str_lstrip_over(const RtStr *s, const RtStr *chars, RtStr *old) {
    return rt_str_strip_impl(s, chars, true, false, old);
}
RtStr *rt_str_rstrip_over(const RtStr *s, const RtStr *chars, RtStr *old) {
    return rt_str_strip_impl(s, chars, false, true, old);
}

/* ---- split, join, replace ------------------------------------------------ */

static void rt_push_piece(RtList *l, const char *bytes, int64_t len) {
    RtStr *piece = rt_str_new(bytes, len);
    if (l->len < l->cap) /* room reserved: store it in place */
        ((RtStr **)l->data)[l->len++] = piece;
    else
        rt_list_push(l, &piece);
}

/* The high bit of each byte of w that is below n (n <= 0x80), little-endian
 * order kept. Borrows only run towards higher bytes, so the lowest flagged
 * byte is always a true one: callers use it to find the first match. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define RT_SWAR 1
#else
#define RT_SWAR 0 /* the byte-at-a-time loops alone */
#endif
static inline uint64_t rt_swar_below(uint64_t w, unsigned n) {
    return (w - 0x0101010101010101ULL * n) & ~w & 0x8080808080808080ULL;
}

/* From offset i of p[0..len), skip whole runs of eight bytes that hold no
 * byte below `below` nor above DEL, and return the offset of the first such
 * byte in the next run; i itself when fewer than eight bytes are left. */
static inline __attribute__((always_inline)) int64_t rt_swar_scan(const unsigned char *p, int64_t i, int64_t len,
                                                                  unsigned below) {
    while (RT_SWAR && i + 8 <= len) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        uint64_t stop = rt_swar_below(w, below) | (w & 0x8080808080808080ULL);
        if (stop) return i + (__builtin_ctzll(stop) >> 3);
        i += 8;
    }
    return i;
}

/* The length of the non-ASCII code point at offset i, negated when it is
 * whitespace (out of line: the word loops stay small). */
static __attribute__((noinline)) int rt_wide_space(const RtStr *s, int64_t i) {
    int n;
    uint32_t cp = rt_u8_get((const unsigned char *)s->data + i, s->len - i, &n);
    return rt_cp_isspace(cp) ? -n : n;
}

/* Length of the whitespace code point at offset i, or 0. */
static inline int rt_space_at(const RtStr *s, int64_t i) {
    unsigned char c = (unsigned char)s->data[i];
    if (c < 0x80) return rt_ascii_has(&rt_ascii_space, c);
    int n = rt_wide_space(s, i);
    return n < 0 ? -n : 0;
}

/* Length of the code point at offset i when it is not whitespace, else 0
 * (the word-scanning step of split()). */
static inline int rt_word_at(const RtStr *s, int64_t i) {
    unsigned char c = (unsigned char)s->data[i];
    if (c < 0x80) return !rt_ascii_has(&rt_ascii_space, c);
    int n = rt_wide_space(s, i);
    return n < 0 ? 0 : n;
}

/* A first capacity for the list of words of s: words are at least one byte
 * apart, but a long text should not reserve len/2 slots up front. */
static int64_t rt_split_guess(const RtStr *s) {
    int64_t n = s->len / 2 + 1;
    return n < 64 ? n : 64;
}

/* The next word of s at or after offset i (split() on whitespace): skips
 * whitespace, then returns the word's end and sets *start to its first
 * byte; -1 when only whitespace is left. */
static inline __attribute__((always_inline)) int64_t rt_ws_word(const RtStr *s, int64_t i, int64_t *start) {
    int n;
    while (i < s->len && (n = rt_space_at(s, i)) > 0) i += n;
    if (i >= s->len) return -1;
    *start = i;
    while (i < s->len) {
        /* eight bytes at a time up to the first one below '!' or above
         * DEL: only those can end a word */
        i = rt_swar_scan((const unsigned char *)s->data, i, s->len, 0x21);
        if (i >= s->len) break;
        /* '!'..DEL: the printable ASCII bytes, none of them space */
        if ((unsigned char)(s->data[i] - 0x21) < 0x5F) {
            i++;
            continue;
        }
        if ((n = rt_word_at(s, i)) == 0) break;
        i += n;
    }
    return i;
}

RtList *rt_str_split(const RtStr *s, const RtStr *sep, int64_t maxsplit, const RtLoc *loc) {
    RtList *l = rt_list_new(&rt_type_str, sep ? 0 : rt_split_guess(s));
    if (!sep) {
        int64_t i = 0, splits = 0, start;
        for (;;) {
            if (maxsplit >= 0 && splits == maxsplit) {
                int n;
                while (i < s->len && (n = rt_space_at(s, i)) > 0) i += n;
                /* The rest, as it is: Python keeps trailing whitespace here. */
                if (i < s->len) rt_push_piece(l, s->data + i, s->len - i);
                break;
            }
            if ((i = rt_ws_word(s, i, &start)) < 0) break;
            rt_push_piece(l, s->data + start, i - start);
            splits++;
        }
        return l;
    }
    if (sep->len == 0) {
        rt_list_drop(l);
        rt_panic("empty separator", loc);
    }
    int64_t i = 0, splits = 0;
    while (maxsplit < 0 || splits < maxsplit) {
        const char *hit = memmem(s->data + i, (size_t)(s->len - i), sep->data, (size_t)sep->len);
        if (!hit) break;
        int64_t at = hit - s->data;
        rt_push_piece(l, s->data + i, at - i);
        i = at + sep->len;
        splits++;
    }
    rt_push_piece(l, s->data + i, s->len - i);
    return l;
}

/* One step of `for piece in s.split(sep)` without the list: writes the
 * piece that starts the search at offset pos (0 first) into `piece` (a
 * rt_str_scratch of s) and returns where the next step starts, or -1 when
 * there is no piece left. The pieces are exactly those of rt_str_split. */
/* The general step (any separator, any text); rt_str_split_next below
 * handles ASCII words between ASCII whitespace itself. */
static __attribute__((noinline)) int64_t rt_split_next_any(const RtStr *s, int64_t pos, RtStr *piece,
                                                          const RtStr *sep, const RtLoc *loc) {
    int64_t start, end;
    if (!sep) {
        if ((end = rt_ws_word(s, pos, &start)) < 0) return -1;
    } else {
        if (sep->len == 0) rt_panic("empty separator", loc);
        if (pos > s->len) return -1; /* after the last piece */
        const char *hit = memmem(s->data + pos, (size_t)(s->len - pos), sep->data, (size_t)sep->len);
        start = pos;
        end = hit ? hit - s->data : s->len;
    }
    int64_t n = end - start;
    rt_copy_bytes(piece->data, s->data + start, n);
    piece->data[n] = '\0';
    piece->len = n;
    if (!sep) return end;
    return end == s->len ? s->len + 1 : end + sep->len;
}

/* The ASCII whitespace (rt_ascii_space), all below '!': bit c set for each. */
#define RT_ASCII_SPACE_LOW 0x00000001F0003E00ULL

int64_t rt_str_split_next(const RtStr *s, int64_t pos, RtStr *piece, const RtStr *sep, const RtLoc *loc) {
    if (sep) return rt_split_next_any(s, pos, piece, sep, loc);
    /* Split on whitespace while the bytes are ASCII; the first other byte
     * hands the step to the general code (from pos, so it redoes it all). */
    const unsigned char *p = (const unsigned char *)s->data;
    int64_t len = s->len, i = pos;
    for (;; i++) {
        if (i >= len) return -1;
        unsigned char c = p[i];
        if (c >= 0x80) return rt_split_next_any(s, pos, piece, sep, loc);
        if (c > 0x20 || !((RT_ASCII_SPACE_LOW >> c) & 1)) break;
    }
    int64_t start = i;
    for (;;) {
        i = rt_swar_scan(p, i, len, 0x21); /* to the first byte below '!' or above DEL */
        if (i >= len) break;
        unsigned char c = p[i];
        if (c >= 0x80) return rt_split_next_any(s, pos, piece, sep, loc);
        if (c <= 0x20 && ((RT_ASCII_SPACE_LOW >> c) & 1)) break;
        i++;
    }
    int64_t n = i - start;
    rt_copy_bytes(piece->data, s->data + start, n);
    piece->data[n] = '\0';
    piece->len = n;
    return i;
}

RtStr *rt_str_join(const RtStr *sep, const RtList *parts) {
    int64_t n = parts->len;
    RtStr *const *items = (RtStr *const *)parts->data;
    int64_t total = n > 1 ? sep->len * (n - 1) : 0;
    for (int64_t i = 0; i < n; i++) total += items[i]->len;
    RtBuf b = {0};
    rt_buf_reserve(&b, (size_t)total + 1);
    for (int64_t i = 0; i < n; i++) {
        if (i) rt_buf_put(&b, sep->data, (size_t)sep->len);
        rt_buf_put(&b, items[i]->data, (size_t)items[i]->len);
    }
    return rt_buf_finish(&b);
}

RtStr *rt_str_replace(const RtStr *s, const RtStr *old, const RtStr *new_, int64_t count) {
    RtBuf b = {0};
    rt_buf_reserve(&b, (size_t)s->len + 1);
    if (old->len == 0) {
        /* Python inserts `new` before every code point and at the end. */
        int64_t i = 0, done = 0;
        for (;;) {
            if (count < 0 || done < count) {
                rt_buf_put(&b, new_->data, (size_t)new_->len);
                done++;
            }
            if (i >= s->len) break;
            int n;
            (void)rt_u8_get((const unsigned char *)s->data + i, s->len - i, &n);
            rt_buf_put(&b, s->data + i, (size_t)n);
            i += n;
        }
        return rt_buf_finish(&b);
    }
    int64_t i = 0, done = 0;
    while (count < 0 || done < count) {
        const char *hit = memmem(s->data + i, (size_t)(s->len - i), old->data, (size_t)old->len);
        if (!hit) break;
        int64_t at = hit - s->data;
        rt_buf_put(&b, s->data + i, (size_t)(at - i));
        rt_buf_put(&b, new_->data, (size_t)new_->len);
        i = at + old->len;
        done++;
    }
    rt_buf_put(&b, s->data + i, (size_t)(s->len - i));
    return rt_buf_finish(&b);
}

/* ---- search -------------------------------------------------------------- */

bool rt_str_startswith(const RtStr *s, const RtStr *prefix) {
    return prefix->len <= s->len && memcmp(s->data, prefix->data, (size_t)prefix->len) == 0;
}

bool rt_str_endswith(const RtStr *s, const RtStr *suffix) {
    return suffix->len <= s->len &&
           memcmp(s->data + s->len - suffix->len, suffix->data, (size_t)suffix->len) == 0;
}

int64_t rt_str_find(const RtStr *s, const RtStr *sub) {
    if (sub->len == 0) return 0;
    const char *hit = memmem(s->data, (size_t)s->len, sub->data, (size_t)sub->len);
    if (!hit) return -1;
    return rt_utf8_count(s->data, hit - s->data);
}

int64_t rt_str_count(const RtStr *s, const RtStr *sub) {
    if (sub->len == 0) return rt_str_len(s) + 1;
    int64_t i = 0, n = 0;
    for (;;) {
        const char *hit = memmem(s->data + i, (size_t)(s->len - i), sub->data, (size_t)sub->len);
        if (!hit) return n;
        n++;
        i = (hit - s->data) + sub->len;
    }
}

bool rt_str_contains(const RtStr *s, const RtStr *sub) {
    return sub->len == 0 || memmem(s->data, (size_t)s->len, sub->data, (size_t)sub->len) != NULL;
}

/* ---- character classes --------------------------------------------------- */

static bool rt_str_all(const RtStr *s, bool (*pred)(uint32_t)) {
    if (s->len == 0) return false;
    const unsigned char *p = (const unsigned char *)s->data;
    for (int64_t i = 0; i < s->len;) {
        int n;
        if (!pred(rt_u8_get(p + i, s->len - i, &n))) return false;
        i += n;
    }
    return true;
}

bool rt_str_isdigit(const RtStr *s) { return rt_str_all(s, rt_cp_isdigit); }
bool rt_str_isalpha(const RtStr *s) { return rt_str_all(s, rt_cp_isalpha); }
bool rt_str_isspace(const RtStr *s) { return rt_str_all(s, rt_cp_isspace); }
bool rt_str_isdecimal(const RtStr *s) { return rt_str_all(s, rt_cp_isdecimal); }
bool rt_str_isnumeric(const RtStr *s) { return rt_str_all(s, rt_cp_isnumeric); }

/* ---- repetition, indexing, slicing --------------------------------------- */

RtStr *rt_str_repeat(const RtStr *s, int64_t n) {
    if (n <= 0 || s->len == 0) return rt_str_new(NULL, 0);
    int64_t total;
    if (__builtin_mul_overflow(s->len, n, &total)) rt_panic("out of memory", NULL);
    RtBuf b = {0};
    rt_buf_reserve(&b, (size_t)total + 1);
    for (int64_t i = 0; i < n; i++) rt_buf_put(&b, s->data, (size_t)s->len);
    return rt_buf_finish(&b);
}

/* Byte offsets of every code point, plus the end: offs[0..n]. */
static int64_t *rt_cp_offsets(const RtStr *s, int64_t *n_out) {
    int64_t n = rt_str_len(s);
    int64_t *offs = rt_alloc(((size_t)n + 1) * sizeof *offs);
    int64_t k = 0;
    for (int64_t i = 0; i < s->len; i++)
        if (((unsigned char)s->data[i] & 0xC0) != 0x80) offs[k++] = i;
    offs[k] = s->len;
    *n_out = n;
    return offs;
}

RtStr *rt_str_index(const RtStr *s, int64_t i, const RtLoc *loc) {
    int64_t n = rt_str_len(s);
    if (i < 0) i += n;
    if (i < 0 || i >= n) rt_panic("string index out of range", loc);
    if (n == s->len) return rt_str_new(s->data + i, 1);
    int64_t at = 0, k = 0;
    while (k < i) {
        at++;
        if (((unsigned char)s->data[at] & 0xC0) != 0x80) k++;
    }
    int64_t end = at + 1;
    while (end < s->len && ((unsigned char)s->data[end] & 0xC0) == 0x80) end++;
    return rt_str_new(s->data + at, end - at);
}

RtStr *rt_str_slice(const RtStr *s, int64_t start, int64_t stop, int64_t step, uint32_t has,
                    const RtLoc *loc) {
    if (rt_is_ascii(s)) {
        int64_t n = rt_slice_adjust(s->len, &start, &stop, &step, has, loc);
        if (step == 1) return rt_str_new(s->data + start, n);
        RtBuf b = {0};
        rt_buf_reserve(&b, (size_t)n + 1);
        for (int64_t k = 0, i = start; k < n; k++, i += step) rt_buf_putc(&b, s->data[i]);
        return rt_buf_finish(&b);
    }
    int64_t len;
    int64_t *offs = rt_cp_offsets(s, &len);
    int64_t n = rt_slice_adjust(len, &start, &stop, &step, has, loc);
    RtStr *r;
    if (n == 0) {
        r = rt_str_new(NULL, 0);
    } else if (step == 1) {
        r = rt_str_new(s->data + offs[start], offs[start + n] - offs[start]);
    } else {
        RtBuf b = {0};
        for (int64_t k = 0, i = start; k < n; k++, i += step)
            rt_buf_put(&b, s->data + offs[i], (size_t)(offs[i + 1] - offs[i]));
        r = rt_buf_finish(&b);
    }
    rt_free(offs);
    return r;
}

RtStr *rt_str_encode(const RtStr *s) { return rt_str_new(s->data, s->len); }

uint64_t rt_str_hash(const RtStr *s) { return rt_hash_bytes(s->data, (size_t)s->len); }

/* ---- int() and float() --------------------------------------------------- */

/* The text between Python-whitespace at both ends: [*a, *b). */
static void rt_trim_space(const RtStr *s, int64_t *a, int64_t *b) {
    *a = 0;
    *b = s->len;
    int n;
    while (*a < *b && (n = rt_space_at(s, *a)) > 0) *a += n;
    while (*b > *a) {
        int64_t j = rt_u8_prev(s->data, *b);
        if (rt_space_at(s, j) == 0) break;
        *b = j;
    }
}

/* digit (['_'] digit)*: copies the digits to out (when not NULL) and
 * returns the end offset, or -1 when there is no valid digit run at i. */
static int64_t rt_scan_digits(const char *p, int64_t i, int64_t end, RtBuf *out) {
    if (i >= end || p[i] < '0' || p[i] > '9') return -1;
    while (i < end) {
        if (p[i] >= '0' && p[i] <= '9') {
            if (out) rt_buf_putc(out, p[i]);
            i++;
        } else if (p[i] == '_' && i + 1 < end && p[i + 1] >= '0' && p[i + 1] <= '9') {
            i++;
        } else {
            break;
        }
    }
    return i;
}

bool rt_str_parse_int(const RtStr *s, int64_t *out) {
    int64_t a, b;
    rt_trim_space(s, &a, &b);
    const char *p = s->data;
    bool neg = false;
    if (a < b && (p[a] == '+' || p[a] == '-')) neg = p[a++] == '-';
    if (rt_scan_digits(p, a, b, NULL) != b) return false;
    /* Accumulate negatively so that INT64_MIN parses. */
    int64_t v = 0;
    for (int64_t i = a; i < b; i++) {
        if (p[i] == '_') continue;
        if (__builtin_mul_overflow(v, 10, &v) || __builtin_sub_overflow(v, p[i] - '0', &v))
            return false;
    }
    if (!neg) {
        if (v == INT64_MIN) return false;
        v = -v;
    }
    *out = v;
    return true;
}

static bool rt_word_ieq(const char *p, int64_t len, const char *word) {
    size_t n = strlen(word);
    if ((size_t)len != n) return false;
    for (size_t i = 0; i < n; i++)
        if ((p[i] | 0x20) != word[i]) return false;
    return true;
}

bool rt_str_parse_float(const RtStr *s, double *out) {
    int64_t a, b;
    rt_trim_space(s, &a, &b);
    const char *p = s->data;
    bool neg = false;
    if (a < b && (p[a] == '+' || p[a] == '-')) neg = p[a++] == '-';
    if (rt_word_ieq(p + a, b - a, "inf") || rt_word_ieq(p + a, b - a, "infinity")) {
        *out = neg ? -INFINITY : INFINITY;
        return true;
    }
    if (rt_word_ieq(p + a, b - a, "nan")) {
        *out = neg ? -NAN : NAN;
        return true;
    }
    /* Validate Python's grammar while copying the text without its
     * underscores, then let strtod (correctly rounded) convert it. */
    RtBuf t = {0};
    if (neg) rt_buf_putc(&t, '-');
    int64_t i = a;
    bool ok = true;
    int64_t j = rt_scan_digits(p, i, b, &t);
    bool int_part = j >= 0;
    if (int_part) i = j;
    if (i < b && p[i] == '.') {
        rt_buf_putc(&t, '.');
        i++;
        j = rt_scan_digits(p, i, b, &t);
        if (j >= 0) i = j;
        else if (!int_part) ok = false;
    } else if (!int_part) {
        ok = false;
    }
    if (ok && i < b && (p[i] == 'e' || p[i] == 'E')) {
        rt_buf_putc(&t, 'e');
        i++;
        if (i < b && (p[i] == '+' || p[i] == '-')) rt_buf_putc(&t, p[i++]);
        j = rt_scan_digits(p, i, b, &t);
        if (j < 0) ok = false;
        else i = j;
    }
    if (ok && i != b) ok = false;
    if (ok) {
        rt_buf_putc(&t, '\0');
        *out = strtod(t.data, NULL);
    }
    rt_buf_free(&t);
    return ok;
}

/* ---- bytes --------------------------------------------------------------- */

RtStr *rt_bytes_repr(const RtStr *bs) {
    static const char hex[] = "0123456789abcdef";
    bool has_sq = memchr(bs->data, '\'', (size_t)bs->len) != NULL;
    bool has_dq = memchr(bs->data, '"', (size_t)bs->len) != NULL;
    char quote = has_sq && !has_dq ? '"' : '\'';
    RtBuf b = {0};
    rt_buf_reserve(&b, (size_t)bs->len + 3);
    rt_buf_putc(&b, 'b');
    rt_buf_putc(&b, quote);
    for (int64_t i = 0; i < bs->len; i++) {
        unsigned char c = (unsigned char)bs->data[i];
        if (c == (unsigned char)quote || c == '\\') {
            rt_buf_putc(&b, '\\');
            rt_buf_putc(&b, (char)c);
        } else if (c == '\t') {
            rt_buf_puts(&b, "\\t");
        } else if (c == '\n') {
            rt_buf_puts(&b, "\\n");
        } else if (c == '\r') {
            rt_buf_puts(&b, "\\r");
        } else if (c < 0x20 || c >= 0x7F) {
            char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
            rt_buf_put(&b, e, 4);
        } else {
            rt_buf_putc(&b, (char)c);
        }
    }
    rt_buf_putc(&b, quote);
    return rt_buf_finish(&b);
}

/* Strict UTF-8 (Python's decoder): no overlong forms, no surrogates,
 * nothing past U+10FFFF, no truncated sequences. */
static bool rt_utf8_valid(const unsigned char *p, int64_t len) {
    int64_t i = 0;
    while (i < len) {
        /* ASCII text: 32 bytes per step, then 8, while no high bit is set */
        uint64_t w[4];
        while (len - i >= 32 && (memcpy(w, p + i, 32), ((w[0] | w[1] | w[2] | w[3]) & 0x8080808080808080ull) == 0))
            i += 32;
        while (len - i >= 8 && (memcpy(w, p + i, 8), (w[0] & 0x8080808080808080ull) == 0)) i += 8;
        if (i >= len) break;
        unsigned char c = p[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        int n;
        unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the 2nd byte */
        if (c >= 0xC2 && c <= 0xDF) n = 2;
        else if (c == 0xE0) n = 3, lo = 0xA0;
        else if (c >= 0xE1 && c <= 0xEC) n = 3;
        else if (c == 0xED) n = 3, hi = 0x9F;
        else if (c >= 0xEE && c <= 0xEF) n = 3;
        else if (c == 0xF0) n = 4, lo = 0x90;
        else if (c >= 0xF1 && c <= 0xF3) n = 4;
        else if (c == 0xF4) n = 4, hi = 0x8F;
        else return false;
        if (len - i < n) return false;
        if (p[i + 1] < lo || p[i + 1] > hi) return false;
        for (int k = 2; k < n; k++)
            if ((p[i + k] & 0xC0) != 0x80) return false;
        i += n;
    }
    return true;
}

bool rt_bytes_valid_utf8(const RtStr *b) { return rt_utf8_valid((const unsigned char *)b->data, b->len); }

bool rt_bytes_decode(const RtStr *b, RtStr **out) {
    if (!rt_utf8_valid((const unsigned char *)b->data, b->len)) return false;
    *out = rt_str_new(b->data, b->len);
    return true;
}

int64_t rt_bytes_len(const RtStr *b) { return b->len; }

int64_t rt_bytes_at(const RtStr *b, int64_t i, const RtLoc *loc) {
    if (i < 0) i += b->len;
    if (i < 0 || i >= b->len) rt_panic("index out of range", loc);
    return (unsigned char)b->data[i];
}

/* ---- more str methods: case, padding, affixes, lines, search ------------- */

bool rt_str_isalnum(const RtStr *s) {
    if (s->len == 0) return false;
    const unsigned char *p = (const unsigned char *)s->data;
    for (int64_t i = 0; i < s->len;) {
        int n;
        uint32_t cp = rt_u8_get(p + i, s->len - i, &n);
        /* Python: isalpha or isdecimal or isdigit or isnumeric; the last contains the others */
        if (!rt_cp_isalpha(cp) && !rt_cp_isnumeric(cp)) return false;
        i += n;
    }
    return true;
}

/* isupper()/islower(): at least one cased character, and no cased
 * character of the other case. */
static bool rt_str_case_is(const RtStr *s, bool upper) {
    const unsigned char *p = (const unsigned char *)s->data;
    bool cased = false;
    for (int64_t i = 0; i < s->len;) {
        int n;
        uint32_t cp = rt_u8_get(p + i, s->len - i, &n);
        i += n;
        if (!rt_cp_cased(cp)) continue;
        /* upper: has a lower form and is its own upper form; lower: the
         * reverse; a title-case letter (ǅ) is neither */
        bool is_upper = cp == 0x130 || (rt_cp_upper1(cp) == cp && rt_cp_lower1(cp) != cp);
        bool is_lower = rt_cp_lower1(cp) == cp && !is_upper && (rt_cp_upper1(cp) != cp || rt_upper_special(cp));
        if (upper ? !is_upper : !is_lower) return false;
        cased = true;
    }
    return cased;
}

bool rt_str_isupper(const RtStr *s) { return rt_str_case_is(s, true); }
bool rt_str_islower(const RtStr *s) { return rt_str_case_is(s, false); }

/* title(): the first cased character of every run of cased characters is
 * upper-cased, the rest lower-cased. capitalize(): the first character
 * upper-cased, the rest lower-cased. (Simple one-to-one mappings.) */
/* The title-case letter of the Latin digraphs (Ǆ ǅ ǆ -> ǅ, and the LJ, NJ,
 * DZ families), whose title case is neither their upper nor lower case;
 * 0 for any other code point. */
static uint32_t rt_cp_titlecase(uint32_t cp) {
    if (cp >= 0x1C4 && cp <= 0x1CC) return 0x1C5 + (cp - 0x1C4) / 3 * 3;
    if (cp >= 0x1F1 && cp <= 0x1F3) return 0x1F2;
    return 0;
}

static RtStr *rt_str_recase(const RtStr *s, bool title) {
    RtBuf b = {0};
    rt_buf_reserve(&b, (size_t)s->len + 1);
    const unsigned char *p = (const unsigned char *)s->data;
    bool prev_cased = false, first = true;
    for (int64_t i = 0; i < s->len;) {
        int n;
        uint32_t cp = rt_u8_get(p + i, s->len - i, &n);
        i += n;
        bool up = title ? !prev_cased : first;
        const RtCaseSpecial *sp = up ? rt_upper_special(cp) : NULL;
        if (up && rt_cp_titlecase(cp)) {
            rt_u8_put(&b, rt_cp_titlecase(cp));
        } else if (sp) {
            /* title case of ß is "Ss": the first letter of the upper form, the rest lowered */
            rt_u8_put(&b, sp->to[0]);
            for (int k = 1; k < 3 && sp->to[k]; k++) rt_u8_put(&b, rt_cp_lower1(sp->to[k]));
        } else if (!up && cp == 0x3A3) { /* Σ: final form at the end of a word, as in lower() */
            bool fin = rt_sigma_context(s, i - n, -1) && !rt_sigma_context(s, i, 1);
            rt_u8_put(&b, fin ? 0x3C2 : 0x3C3);
        } else {
            rt_u8_put(&b, up ? rt_cp_upper1(cp) : rt_cp_lower1(cp));
        }
        prev_cased = rt_cp_cased(cp);
        first = false;
    }
    return rt_buf_finish(&b);
}

RtStr *rt_str_title(const RtStr *s) { return rt_str_recase(s, true); }
RtStr *rt_str_capitalize(const RtStr *s) { return rt_str_recase(s, false); }

/* The single code point of a fill character; panics unless it is one. */
static void rt_fill_char(const RtStr *fill, const RtLoc *loc) {
    if (fill && rt_str_len(fill) != 1) rt_panic("The fill character must be exactly one character long", loc);
}

static void rt_put_fill(RtBuf *b, const RtStr *fill, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
        if (fill) rt_buf_put(b, fill->data, (size_t)fill->len);
        else rt_buf_putc(b, ' ');
    }
}

/* center/ljust/rjust (how: 0 center, 1 ljust, 2 rjust) to `width` code
 * points with `fill` (a space when NULL). Python's center puts the extra
 * fill character on the left when the text length and the width are odd. */
static RtStr *rt_str_pad(const RtStr *s, int64_t width, const RtStr *fill, int how, const RtLoc *loc) {
    rt_fill_char(fill, loc);
    int64_t len = rt_str_len(s);
    if (width <= len) return rt_str_new(s->data, s->len);
    int64_t pad = width - len, left;
    if (how == 1) left = 0;
    else if (how == 2) left = pad;
    else left = pad / 2 + (pad & width & 1);
    RtBuf b = {0};
    rt_put_fill(&b, fill, left);
    rt_buf_put(&b, s->data, (size_t)s->len);
    rt_put_fill(&b, fill, pad - left);
    return rt_buf_finish(&b);
}

RtStr *rt_str_center(const RtStr *s, int64_t width, const RtStr *fill, const RtLoc *loc) {
    return rt_str_pad(s, width, fill, 0, loc);
}
RtStr *rt_str_ljust(const RtStr *s, int64_t width, const RtStr *fill, const RtLoc *loc) {
    return rt_str_pad(s, width, fill, 1, loc);
}
RtStr *rt_str_rjust(const RtStr *s, int64_t width, const RtStr *fill, const RtLoc *loc) {
    return rt_str_pad(s, width, fill, 2, loc);
}

/* zfill(): zeros after a leading sign, up to `width` code points. */
RtStr *rt_str_zfill(const RtStr *s, int64_t width) {
    int64_t len = rt_str_len(s);
    if (width <= len) return rt_str_new(s->data, s->len);
    RtBuf b = {0};
    int64_t i = 0;
    if (s->len && (s->data[0] == '+' || s->data[0] == '-')) {
        rt_buf_putc(&b, s->data[0]);
        i = 1;
    }
    for (int64_t k = 0; k < width - len; k++) rt_buf_putc(&b, '0');
    rt_buf_put(&b, s->data + i, (size_t)(s->len - i));
    return rt_buf_finish(&b);
}

RtStr *rt_str_removeprefix(const RtStr *s, const RtStr *prefix) {
    if (rt_str_startswith(s, prefix)) return rt_str_new(s->data + prefix->len, s->len - prefix->len);
    return rt_str_new(s->data, s->len);
}

RtStr *rt_str_removesuffix(const RtStr *s, const RtStr *suffix) {
    if (suffix->len && rt_str_endswith(s, suffix)) return rt_str_new(s->data, s->len - suffix->len);
    return rt_str_new(s->data, s->len);
}

int64_t rt_str_rfind(const RtStr *s, const RtStr *sub) {
    if (sub->len > s->len) return -1;
    for (int64_t at = s->len - sub->len; at >= 0; at--)
        if (memcmp(s->data + at, sub->data, (size_t)sub->len) == 0) return rt_utf8_count(s->data, at);
    return -1;
}

/* rsplit(): like split, but a maxsplit counts from the right. */
RtList *rt_str_rsplit(const RtStr *s, const RtStr *sep, int64_t maxsplit, const RtLoc *loc) {
    if (maxsplit < 0) return rt_str_split(s, sep, -1, loc);
    RtList *l = rt_list_new(&rt_type_str, 0);
    if (sep && sep->len == 0) {
        rt_list_drop(l);
        rt_panic("empty separator", loc);
    }
    int64_t end = s->len, splits = 0;
    if (!sep) {
        for (;;) {
            while (end > 0) {
                int64_t st = rt_u8_prev(s->data, end);
                if (!rt_space_at(s, st)) break;
                end = st;
            }
            if (end <= 0) break;
            if (splits == maxsplit) {
                rt_push_piece(l, s->data, end);
                break;
            }
            int64_t start = end;
            while (start > 0) {
                int64_t st = rt_u8_prev(s->data, start);
                if (rt_space_at(s, st)) break;
                start = st;
            }
            rt_push_piece(l, s->data + start, end - start);
            end = start;
            splits++;
        }
    } else {
        while (splits < maxsplit) {
            int64_t at = -1;
            for (int64_t k = end - sep->len; k >= 0; k--)
                if (memcmp(s->data + k, sep->data, (size_t)sep->len) == 0) {
                    at = k;
                    break;
                }
            if (at < 0) break;
            rt_push_piece(l, s->data + at + sep->len, end - at - sep->len);
            end = at;
            splits++;
        }
        rt_push_piece(l, s->data, end);
    }
    rt_list_reverse(l);
    return l;
}

/* The ASCII line boundaries of splitlines(): \n \v \f \r and 0x1C-0x1E. */
static const RtAsciiSet rt_ascii_line_breaks = {{0x0000000070003C00ULL, 0, 0, 0}};

/* splitlines(): on \n, \r, \r\n and the other line boundaries Python
 * knows, without the line ends. */
/* The end of the line of s that starts at offset i (i < s->len): the
 * offset of its line boundary, or s->len; *next is where the next line
 * starts (after the boundary; \r\n is one). */
static inline __attribute__((always_inline)) int64_t rt_line_end(const RtStr *s, int64_t i, int64_t *next) {
    const unsigned char *p = (const unsigned char *)s->data;
    while (i < s->len) {
        /* Eight bytes at a time up to the first one that could start a
         * boundary: every boundary begins with a byte below 0x20 or a lead
         * byte (0xC2 for U+0085, 0xE2 for U+2028/9). */
        i = rt_swar_scan(p, i, s->len, 0x20);
        if (i >= s->len) break;
        /* Bytes that cannot start a line boundary are skipped without
         * decoding: every ASCII byte but the seven breaks, continuation
         * bytes, and lead bytes other than 0xC2 (U+0085) and 0xE2
         * (U+2028, U+2029). */
        unsigned char c = p[i];
        if (c < 0x80 ? !rt_ascii_has(&rt_ascii_line_breaks, c) : c != 0xC2 && c != 0xE2) {
            i++;
            continue;
        }
        int n;
        uint32_t cp = rt_u8_get(p + i, s->len - i, &n);
        bool brk = cp == '\n' || cp == '\r' || cp == 0x0B || cp == 0x0C || cp == 0x1C || cp == 0x1D ||
                   cp == 0x1E || cp == 0x85 || cp == 0x2028 || cp == 0x2029;
        if (!brk) {
            i += n;
            continue;
        }
        *next = i + n;
        if (cp == '\r' && *next < s->len && p[*next] == '\n') ++*next;
        return i;
    }
    *next = s->len;
    return s->len;
}

RtList *rt_str_splitlines(const RtStr *s) {
    RtList *l = rt_list_new(&rt_type_str, 0);
    for (int64_t i = 0, next; i < s->len; i = next) {
        int64_t end = rt_line_end(s, i, &next);
        rt_push_piece(l, s->data + i, end - i);
    }
    return l;
}

/* One step of `for line in s.splitlines()` without the list (see
 * rt_str_split_next). */
int64_t rt_str_splitlines_next(const RtStr *s, int64_t pos, RtStr *piece) {
    if (pos >= s->len) return -1;
    int64_t next, end = rt_line_end(s, pos, &next), n = end - pos;
    rt_copy_bytes(piece->data, s->data + pos, n);
    piece->data[n] = '\0';
    piece->len = n;
    return next;
}

/* The code points of s, each as a one-character str (iteration). */
RtList *rt_str_chars(const RtStr *s) {
    RtList *l = rt_list_new(&rt_type_str, rt_str_len(s));
    const unsigned char *p = (const unsigned char *)s->data;
    for (int64_t i = 0; i < s->len;) {
        int n;
        (void)rt_u8_get(p + i, s->len - i, &n);
        rt_push_piece(l, s->data + i, n);
        i += n;
    }
    return l;
}

/* ord(c): the code point of a one-character str. */
int64_t rt_str_ord(const RtStr *s, const RtLoc *loc) {
    if (s->len == 0 || rt_str_len(s) != 1) rt_panic("ord() expected a character", loc);
    int n;
    return rt_u8_get((const unsigned char *)s->data, s->len, &n);
}

/* chr(i): the one-character str of a code point (surrogates and values
 * past U+10FFFF panic, as they cannot be UTF-8 text). */
RtStr *rt_str_chr(int64_t cp, const RtLoc *loc) {
    if (cp < 0 || cp > 0x10FFFF) rt_panic("chr() arg not in range(0x110000)", loc);
    if (cp >= 0xD800 && cp <= 0xDFFF) rt_panic("chr() of a surrogate", loc);
    RtBuf b = {0};
    rt_u8_put(&b, (uint32_t)cp);
    return rt_buf_finish(&b);
}

/* ---- more bytes ----------------------------------------------------------- */

RtStr *rt_bytes_slice(const RtStr *bs, int64_t start, int64_t stop, int64_t step, uint32_t has,
                      const RtLoc *loc) {
    int64_t n = rt_slice_adjust(bs->len, &start, &stop, &step, has, loc);
    if (step == 1) return rt_str_new(bs->data + start, n);
    RtBuf b = {0};
    rt_buf_reserve(&b, (size_t)n + 1);
    for (int64_t k = 0, i = start; k < n; k++, i += step) rt_buf_putc(&b, bs->data[i]);
    return rt_buf_finish(&b);
}

/* The bytes of b as ints (iteration). */
RtList *rt_bytes_list(const RtStr *b) {
    RtList *l = rt_list_new(&rt_type_int, b->len);
    for (int64_t i = 0; i < b->len; i++) {
        int64_t v = (unsigned char)b->data[i];
        rt_list_push(l, &v);
    }
    return l;
}

RtStr *rt_bytes_hex(const RtStr *bs) {
    static const char hex[] = "0123456789abcdef";
    RtBuf b = {0};
    rt_buf_reserve(&b, (size_t)bs->len * 2 + 1);
    for (int64_t i = 0; i < bs->len; i++) {
        unsigned char c = (unsigned char)bs->data[i];
        rt_buf_putc(&b, hex[c >> 4]);
        rt_buf_putc(&b, hex[c & 15]);
    }
    return rt_buf_finish(&b);
}

/* decode() where the language types it as a plain str: invalid UTF-8
 * panics with Python's error name. */
RtStr *rt_bytes_decode_or_panic(const RtStr *b, const RtLoc *loc) {
    RtStr *out;
    if (!rt_bytes_decode(b, &out)) rt_panic("UnicodeDecodeError: invalid UTF-8", loc);
    return out;
}

/* ---- swapcase, casefold, partition -------------------------------------- */

/* swapcase(): lower-case letters take their full upper form (ß -> SS,
 * as upper() does), other cased letters their lower form. */
RtStr *rt_str_swapcase(const RtStr *s) {
    RtBuf b = {0};
    rt_buf_reserve(&b, (size_t)s->len + 1);
    const unsigned char *p = (const unsigned char *)s->data;
    for (int64_t i = 0; i < s->len;) {
        int n;
        uint32_t cp = rt_u8_get(p + i, s->len - i, &n);
        i += n;
        const RtCaseSpecial *sp = rt_upper_special(cp);
        if (sp) {
            for (int k = 0; k < 3 && sp->to[k]; k++) rt_u8_put(&b, sp->to[k]);
            continue;
        }
        if (cp == 0x130) { /* İ lowers to i + combining dot above, as in lower() */
            rt_u8_put(&b, 'i');
            rt_u8_put(&b, 0x307);
            continue;
        }
        if (cp == 0x3A3) { /* Σ: final form at the end of a word, as in lower() */
            bool fin = rt_sigma_context(s, i - n, -1) && !rt_sigma_context(s, i, 1);
            rt_u8_put(&b, fin ? 0x3C2 : 0x3C3);
            continue;
        }
        /* an upper-case letter lowers, a lower-case one uppers; title-case
         * letters (ǅ) and uncased characters stay */
        uint32_t up = rt_cp_upper1(cp), low = rt_cp_lower1(cp);
        rt_u8_put(&b, up == cp && low != cp ? low : low == cp && up != cp ? up : cp);
    }
    return rt_buf_finish(&b);
}

/* casefold(): the lower-case form of each code point without context
 * (no final sigma: Σ and ς both fold to σ), with the full folds of the
 * common letters whose fold is not their lower case: ß and ẞ to "ss",
 * İ to i + combining dot above. */
RtStr *rt_str_casefold(const RtStr *s) {
    RtBuf b = {0};
    rt_buf_reserve(&b, (size_t)s->len + 8);
    const unsigned char *p = (const unsigned char *)s->data;
    for (int64_t i = 0; i < s->len;) {
        int n;
        uint32_t cp = rt_u8_get(p + i, s->len - i, &n);
        i += n;
        if (cp == 0xDF || cp == 0x1E9E) {
            rt_buf_put(&b, "ss", 2);
        } else if (cp == 0x130) {
            rt_u8_put(&b, 'i');
            rt_u8_put(&b, 0x307);
        } else if (cp == 0x3C2) {
            rt_u8_put(&b, 0x3C3);
        } else {
            rt_u8_put(&b, rt_cp_lower1(cp));
        }
    }
    return rt_buf_finish(&b);
}

/* partition()/rpartition(): writes the three parts (before, separator,
 * after) to out[0..2], the memory of a tuple[str, str, str]. Not found:
 * (s, "", "") for partition, ("", "", s) for rpartition, like Python. */
void rt_str_partition(const RtStr *s, const RtStr *sep, bool from_right, RtStr **out, const RtLoc *loc) {
    if (sep->len == 0) rt_panic("empty separator", loc);
    int64_t at = -1;
    if (!from_right) {
        const char *hit = memmem(s->data, (size_t)s->len, sep->data, (size_t)sep->len);
        if (hit) at = hit - s->data;
    } else if (sep->len <= s->len) {
        for (int64_t k = s->len - sep->len; k >= 0; k--)
            if (memcmp(s->data + k, sep->data, (size_t)sep->len) == 0) {
                at = k;
                break;
            }
    }
    if (at < 0) {
        RtStr *whole = rt_str_new(s->data, s->len);
        out[from_right ? 2 : 0] = whole;
        out[1] = rt_str_new("", 0);
        out[from_right ? 0 : 2] = rt_str_new("", 0);
        return;
    }
    out[0] = rt_str_new(s->data, at);
    out[1] = rt_str_new(sep->data, sep->len);
    out[2] = rt_str_new(s->data + at + sep->len, s->len - at - sep->len);
}

/* split()/rsplit() on whitespace with a maxsplit: the calls with no
 * separator argument, where the separator parameter is NULL. */
RtList *rt_str_split_ws(const RtStr *s, int64_t maxsplit, const RtLoc *loc) {
    return rt_str_split(s, NULL, maxsplit, loc);
}
RtList *rt_str_rsplit_ws(const RtStr *s, int64_t maxsplit, const RtLoc *loc) {
    return rt_str_rsplit(s, NULL, maxsplit, loc);
}
