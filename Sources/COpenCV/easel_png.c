// libpng behind a longjmp-free C API (see easel_png.h for why this file exists).
//
// The pattern in both entry points: everything that must be freed on failure hangs off a heap-allocated
// `session` created before setjmp, and the locals used after a longjmp (`png`, `info`, `s`) are assigned
// before setjmp and never changed before the jump, so their values are defined when setjmp returns 1
// (C11 7.13.2.1). libpng's error callback copies the message into the caller's buffer and longjmps back
// to the setjmp in the entry point, which cleans up and returns a status.
#include "easel_png.h"

#include <png.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/// The most decoded pixel bytes Easel accepts from one file.
#define EASEL_PNG_MAX_BYTES ((size_t)1 << 31)

typedef struct {
    char *message;
    size_t capacity;
    int status;
    // reading
    const uint8_t *input;
    size_t input_count;
    size_t input_position;
    // writing
    uint8_t *output;
    size_t output_count;
    size_t output_capacity;
    // owned memory to free on failure
    png_bytep *rows;
    uint8_t *pixels;
    png_text *chunk_texts;
} session;

static void set_message(session *s, const char *text) {
    if (s->message != NULL && s->capacity > 0) snprintf(s->message, s->capacity, "%s", text);
}

static void on_error(png_structp png, png_const_charp text) {
    session *s = (session *)png_get_error_ptr(png);
    set_message(s, text);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp text) {
    // Warnings (e.g. "iCCP: known incorrect sRGB profile") do not stop decoding; keep stderr quiet.
    (void)png;
    (void)text;
}

static void read_input(png_structp png, png_bytep data, size_t length) {
    session *s = (session *)png_get_io_ptr(png);
    if (length > s->input_count - s->input_position) {
        png_error(png, "unexpected end of data (the file is truncated)");
    }
    memcpy(data, s->input + s->input_position, length);
    s->input_position += length;
}

static void write_output(png_structp png, png_bytep data, size_t length) {
    session *s = (session *)png_get_io_ptr(png);
    if (length > s->output_capacity - s->output_count) {
        size_t capacity = s->output_capacity == 0 ? 65536 : s->output_capacity;
        while (length > capacity - s->output_count) {
            if (capacity > SIZE_MAX / 2) {
                s->status = EASEL_PNG_NO_MEMORY;
                png_error(png, "out of memory");
            }
            capacity *= 2;
        }
        uint8_t *grown = (uint8_t *)realloc(s->output, capacity);
        if (grown == NULL) {
            s->status = EASEL_PNG_NO_MEMORY;
            png_error(png, "out of memory");
        }
        s->output = grown;
        s->output_capacity = capacity;
    }
    memcpy(s->output + s->output_count, data, length);
    s->output_count += length;
}

static void flush_output(png_structp png) { (void)png; }

static char *copy_string(const char *text, size_t length) {
    char *copy = (char *)malloc(length + 1);
    if (copy == NULL) return NULL;
    if (length > 0) memcpy(copy, text, length);
    copy[length] = '\0';
    return copy;
}

static void free_texts(easel_png_text *texts, int32_t count) {
    if (texts == NULL) return;
    for (int32_t i = 0; i < count; i++) {
        free((void *)texts[i].key);
        free((void *)texts[i].value);
    }
    free(texts);
}

/// Copies libpng's text chunks into caller-owned memory. Returns 0 when memory ran out.
static int export_texts(png_structp png, png_infop info, easel_png_image *out) {
    png_textp chunks = NULL;
    int count = png_get_text(png, info, &chunks, NULL);
    if (count <= 0 || chunks == NULL) return 1;
    easel_png_text *texts = (easel_png_text *)calloc((size_t)count, sizeof(easel_png_text));
    if (texts == NULL) return 0;
    for (int i = 0; i < count; i++) {
        int is_utf8 = chunks[i].compression == PNG_ITXT_COMPRESSION_NONE ||
                      chunks[i].compression == PNG_ITXT_COMPRESSION_zTXt;
        size_t length = is_utf8 ? chunks[i].itxt_length : chunks[i].text_length;
        const char *value = chunks[i].text != NULL ? chunks[i].text : "";
        if (chunks[i].text == NULL) length = 0;
        texts[i].key = copy_string(chunks[i].key, strlen(chunks[i].key));
        texts[i].value = copy_string(value, length);
        texts[i].value_length = length;
        texts[i].is_utf8 = is_utf8;
        if (texts[i].key == NULL || texts[i].value == NULL) {
            free_texts(texts, i + 1);
            return 0;
        }
    }
    out->texts = texts;
    out->text_count = count;
    return 1;
}

int easel_png_decode(const uint8_t *bytes, size_t count, easel_png_image *out, char *message,
                     size_t message_capacity) {
    if (out == NULL) return EASEL_PNG_BAD_ARGUMENT;
    memset(out, 0, sizeof(*out));
    if (message != NULL && message_capacity > 0) message[0] = '\0';
    if (bytes == NULL || count < 8 || png_sig_cmp(bytes, 0, 8) != 0) {
        if (message != NULL && message_capacity > 0) snprintf(message, message_capacity, "no PNG signature");
        return EASEL_PNG_NOT_PNG;
    }
    session *s = (session *)calloc(1, sizeof(session));
    if (s == NULL) return EASEL_PNG_NO_MEMORY;
    s->message = message;
    s->capacity = message_capacity;
    s->status = EASEL_PNG_CORRUPT;
    s->input = bytes;
    s->input_count = count;

    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, s, on_error, on_warning);
    png_infop info = png != NULL ? png_create_info_struct(png) : NULL;
    if (png == NULL || info == NULL) {
        png_destroy_read_struct(png != NULL ? &png : NULL, NULL, NULL);
        free(s);
        return EASEL_PNG_NO_MEMORY;
    }
    if (setjmp(png_jmpbuf(png))) {
        int status = s->status;
        png_destroy_read_struct(&png, &info, NULL);
        free(s->rows);
        free(s->pixels);
        free(s);
        return status;
    }

    png_set_read_fn(png, s, read_input);
    png_read_info(png, info);

    png_uint_32 width = 0, height = 0;
    int bit_depth = 0, color_type = 0;
    png_get_IHDR(png, info, &width, &height, &bit_depth, &color_type, NULL, NULL, NULL);
    int has_trns = png_get_valid(png, info, PNG_INFO_tRNS) != 0;

    png_set_expand(png);   // palette -> RGB(A), low-bit gray -> 8-bit, tRNS -> alpha
    png_set_scale_16(png); // 16 -> 8 bits, rounded: (v * 255 + 32895) >> 16 == round(v / 257)
    if ((color_type & PNG_COLOR_MASK_COLOR) == 0 && ((color_type & PNG_COLOR_MASK_ALPHA) != 0 || has_trns)) {
        png_set_gray_to_rgb(png); // gray + alpha -> RGBA (Easel has no gray+alpha layout)
    }
    png_set_interlace_handling(png);
    png_read_update_info(png, info);

    int channels = png_get_channels(png, info);
    size_t row_bytes = png_get_rowbytes(png, info);
    if (png_get_bit_depth(png, info) != 8 || (channels != 1 && channels != 3 && channels != 4) ||
        row_bytes != (size_t)width * (size_t)channels) {
        png_error(png, "unexpected sample layout after conversion to 8 bits");
    }
    if (height == 0 || row_bytes == 0 || row_bytes > EASEL_PNG_MAX_BYTES / height) {
        s->status = EASEL_PNG_TOO_LARGE;
        png_error(png, "image too large to decode");
    }
    s->pixels = (uint8_t *)malloc(row_bytes * height);
    s->rows = (png_bytep *)malloc(sizeof(png_bytep) * height);
    if (s->pixels == NULL || s->rows == NULL) {
        s->status = EASEL_PNG_NO_MEMORY;
        png_error(png, "out of memory");
    }
    for (png_uint_32 y = 0; y < height; y++) s->rows[y] = s->pixels + (size_t)y * row_bytes;
    png_read_image(png, s->rows);
    png_read_end(png, info); // reads the chunks after the image data, including text

    if (!export_texts(png, info, out)) {
        s->status = EASEL_PNG_NO_MEMORY;
        png_error(png, "out of memory");
    }
    out->pixels = s->pixels;
    out->width = (int32_t)width;
    out->height = (int32_t)height;
    out->channels = channels;
    out->source_bit_depth = bit_depth;
    out->source_color_type = color_type;

    png_destroy_read_struct(&png, &info, NULL);
    free(s->rows);
    free(s);
    return EASEL_PNG_OK;
}

void easel_png_release(easel_png_image *image) {
    if (image == NULL) return;
    free(image->pixels);
    free_texts(image->texts, image->text_count);
    memset(image, 0, sizeof(*image));
}

int easel_png_encode(const uint8_t *pixels, int32_t width, int32_t height, int32_t channels,
                     const easel_png_text *texts, int32_t text_count, int32_t compression_level,
                     uint8_t **out_bytes, size_t *out_count, char *message, size_t message_capacity) {
    if (message != NULL && message_capacity > 0) message[0] = '\0';
    if (out_bytes == NULL || out_count == NULL) return EASEL_PNG_BAD_ARGUMENT;
    *out_bytes = NULL;
    *out_count = 0;
    if (pixels == NULL || width <= 0 || height <= 0 || channels < 1 || channels > 4 || text_count < 0 ||
        (text_count > 0 && texts == NULL) || compression_level < 0 || compression_level > 9) {
        if (message != NULL && message_capacity > 0) snprintf(message, message_capacity, "invalid arguments");
        return EASEL_PNG_BAD_ARGUMENT;
    }
    static const int color_types[5] = {0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB,
                                       PNG_COLOR_TYPE_RGB_ALPHA};
    size_t row_bytes = (size_t)width * (size_t)channels;

    session *s = (session *)calloc(1, sizeof(session));
    if (s == NULL) return EASEL_PNG_NO_MEMORY;
    s->message = message;
    s->capacity = message_capacity;
    s->status = EASEL_PNG_CORRUPT;
    s->rows = (png_bytep *)malloc(sizeof(png_bytep) * (size_t)height);
    s->chunk_texts = text_count > 0 ? (png_text *)calloc((size_t)text_count, sizeof(png_text)) : NULL;
    if (s->rows == NULL || (text_count > 0 && s->chunk_texts == NULL)) {
        free(s->rows);
        free(s->chunk_texts);
        free(s);
        return EASEL_PNG_NO_MEMORY;
    }
    for (int32_t y = 0; y < height; y++) s->rows[y] = (png_bytep)(pixels + (size_t)y * row_bytes);
    for (int32_t i = 0; i < text_count; i++) {
        png_text *chunk = &s->chunk_texts[i];
        chunk->compression = texts[i].is_utf8 ? PNG_ITXT_COMPRESSION_NONE : PNG_TEXT_COMPRESSION_NONE;
        chunk->key = (png_charp)texts[i].key;
        chunk->text = (png_charp)texts[i].value;
        chunk->lang = NULL;
        chunk->lang_key = NULL;
    }

    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, s, on_error, on_warning);
    png_infop info = png != NULL ? png_create_info_struct(png) : NULL;
    if (png == NULL || info == NULL) {
        png_destroy_write_struct(png != NULL ? &png : NULL, NULL);
        free(s->rows);
        free(s->chunk_texts);
        free(s);
        return EASEL_PNG_NO_MEMORY;
    }
    if (setjmp(png_jmpbuf(png))) {
        int status = s->status;
        png_destroy_write_struct(&png, &info);
        free(s->output);
        free(s->rows);
        free(s->chunk_texts);
        free(s);
        return status;
    }

    png_set_write_fn(png, s, write_output, flush_output);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8, color_types[channels],
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(png, compression_level);
    if (text_count > 0) png_set_text(png, info, s->chunk_texts, text_count);
    png_write_info(png, info);
    png_write_image(png, s->rows);
    png_write_end(png, NULL);

    *out_bytes = s->output;
    *out_count = s->output_count;
    png_destroy_write_struct(&png, &info);
    free(s->rows);
    free(s->chunk_texts);
    free(s);
    return EASEL_PNG_OK;
}

void easel_png_free(void *pointer) { free(pointer); }
