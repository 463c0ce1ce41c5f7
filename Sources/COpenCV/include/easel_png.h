// PNG reading and writing through libpng, with text chunks, behind a C API that never longjmps.
//
// libpng reports errors by longjmp-ing out of its own calls. Jumping over Swift frames is undefined,
// so every libpng call happens inside easel_png.c, whose two entry points set the jump target
// themselves, free what they allocated and return a status. (libpng's simplified png_image_* API is
// also longjmp-free, but it cannot read or write text chunks, which Easel needs for "parameters".)
// This code lives in the COpenCV target only because that is the package's one C/C++ target; it
// includes png.h through the CPNG system library's pkg-config flags.
#ifndef EASEL_PNG_H
#define EASEL_PNG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Status codes; the message buffer says more.
enum {
    EASEL_PNG_OK = 0,
    /// The bytes do not start with the PNG signature.
    EASEL_PNG_NOT_PNG = -1,
    /// libpng found the data damaged or truncated.
    EASEL_PNG_CORRUPT = -2,
    /// The image is larger than Easel reads (2 GiB of decoded pixels).
    EASEL_PNG_TOO_LARGE = -3,
    /// Memory ran out.
    EASEL_PNG_NO_MEMORY = -4,
    /// An argument was out of range.
    EASEL_PNG_BAD_ARGUMENT = -5,
};

/// One text chunk. `key` is a PNG keyword (1-79 Latin-1 characters); `value` is NUL-terminated,
/// Latin-1 for tEXt/zTXt chunks and UTF-8 for iTXt chunks (`is_utf8` = 1).
typedef struct {
    const char *key;
    const char *value;
    size_t value_length;
    int32_t is_utf8;
} easel_png_text;

/// A decoded PNG: 8-bit samples, `channels` 1 (gray), 3 (RGB) or 4 (RGBA), rows packed.
typedef struct {
    uint8_t *pixels;
    int32_t width;
    int32_t height;
    int32_t channels;
    /// The file's own bit depth and color type (informative).
    int32_t source_bit_depth;
    int32_t source_color_type;
    easel_png_text *texts;
    int32_t text_count;
} easel_png_image;

/// Decodes a whole PNG from memory. Every format is read to 8 bits: palette -> RGB (RGBA when it has
/// transparency), gray of 1/2/4 bits -> 8-bit gray scaled to 0...255, 16-bit -> round(v / 257)
/// (libpng's png_set_scale_16), gray+alpha -> RGBA, a tRNS color key -> an alpha channel. tEXt, zTXt and
/// iTXt chunks before and after the image data are returned in file order. Gamma is not applied.
/// On success release `out` with easel_png_release.
int easel_png_decode(const uint8_t *bytes, size_t count, easel_png_image *out, char *message,
                     size_t message_capacity);

/// Frees what easel_png_decode allocated and zeroes `image`.
void easel_png_release(easel_png_image *image);

/// Encodes 8-bit pixels (`channels` 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA) as a non-interlaced PNG with
/// zlib level `compression_level` (0-9; 6 is PIL's and zlib's default). Text chunks are written before
/// the image data, uncompressed: tEXt for Latin-1 values, iTXt for UTF-8 ones (as PIL's PngInfo.add_text).
/// On success `*out_bytes` is malloc'ed (free it with easel_png_free) and `*out_count` is its length.
int easel_png_encode(const uint8_t *pixels, int32_t width, int32_t height, int32_t channels,
                     const easel_png_text *texts, int32_t text_count, int32_t compression_level,
                     uint8_t **out_bytes, size_t *out_count, char *message, size_t message_capacity);

/// Releases a buffer returned by easel_png_encode.
void easel_png_free(void *pointer);

#ifdef __cplusplus
}
#endif

#endif
