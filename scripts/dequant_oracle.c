// The C oracle of scripts/make-dequant-fixtures: ggml's reference dequantize_row_* functions
// (ggml/src/ggml-quants.c of the llama.cpp source, compiled unchanged beside this file) applied to
// the blocks read from standard input; the float32 values go to standard output, little-endian.
//
//   dequant_oracle TYPE_ID < blocks > values
//
// Q8_1 has no dequantize_row_q8_1 in ggml (its declaration is commented out in ggml-quants.h):
// the block is Q8_0's with a second half (s = d * sum(qs)) after d, so the harness drops s and
// decodes the rest with dequantize_row_q8_0. Built by make-dequant-fixtures only; not part of CI.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ggml-quants.h"

// ggml-quants.c's quantizers call these four functions of ggml.c; the dequantizers never do.
// Stubs let the file link alone, without the rest of ggml.
void ggml_abort(const char *file, int line, const char *fmt, ...) {
    fprintf(stderr, "ggml_abort at %s:%d: %s\n", file, line, fmt);
    abort();
}
size_t ggml_type_size(enum ggml_type type) { (void)type; abort(); }
size_t ggml_row_size(enum ggml_type type, int64_t ne) { (void)type; (void)ne; abort(); }
const char *ggml_type_name(enum ggml_type type) { (void)type; abort(); }

typedef void (*row_fn)(const void *x, float *y, int64_t k);

struct entry { int id; const char *name; int elements; int bytes; row_fn fn; };

#define ROW(f) ((row_fn)(f))

static const struct entry table[] = {
    {2, "Q4_0", 32, 18, ROW(dequantize_row_q4_0)},
    {3, "Q4_1", 32, 20, ROW(dequantize_row_q4_1)},
    {6, "Q5_0", 32, 22, ROW(dequantize_row_q5_0)},
    {7, "Q5_1", 32, 24, ROW(dequantize_row_q5_1)},
    {8, "Q8_0", 32, 34, ROW(dequantize_row_q8_0)},
    {9, "Q8_1", 32, 36, NULL},
    {10, "Q2_K", 256, 84, ROW(dequantize_row_q2_K)},
    {11, "Q3_K", 256, 110, ROW(dequantize_row_q3_K)},
    {12, "Q4_K", 256, 144, ROW(dequantize_row_q4_K)},
    {13, "Q5_K", 256, 176, ROW(dequantize_row_q5_K)},
    {14, "Q6_K", 256, 210, ROW(dequantize_row_q6_K)},
    {15, "Q8_K", 256, 292, ROW(dequantize_row_q8_K)},
    {16, "IQ2_XXS", 256, 66, ROW(dequantize_row_iq2_xxs)},
    {17, "IQ2_XS", 256, 74, ROW(dequantize_row_iq2_xs)},
    {18, "IQ3_XXS", 256, 98, ROW(dequantize_row_iq3_xxs)},
    {19, "IQ1_S", 256, 50, ROW(dequantize_row_iq1_s)},
    {20, "IQ4_NL", 32, 18, ROW(dequantize_row_iq4_nl)},
    {21, "IQ3_S", 256, 110, ROW(dequantize_row_iq3_s)},
    {22, "IQ2_S", 256, 82, ROW(dequantize_row_iq2_s)},
    {23, "IQ4_XS", 256, 136, ROW(dequantize_row_iq4_xs)},
    {29, "IQ1_M", 256, 56, ROW(dequantize_row_iq1_m)},
    {34, "TQ1_0", 256, 54, ROW(dequantize_row_tq1_0)},
    {35, "TQ2_0", 256, 66, ROW(dequantize_row_tq2_0)},
    {39, "MXFP4", 32, 17, ROW(dequantize_row_mxfp4)},
    {40, "NVFP4", 64, 36, ROW(dequantize_row_nvfp4)},
    {41, "Q1_0", 128, 18, ROW(dequantize_row_q1_0)},
    {42, "Q2_0", 64, 18, ROW(dequantize_row_q2_0)},
};

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: %s TYPE_ID < blocks > values\n", argv[0]); return 2; }
    const int id = atoi(argv[1]);
    const struct entry *e = NULL;
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (table[i].id == id) e = &table[i];
    }
    if (!e) { fprintf(stderr, "type %d: not a block type\n", id); return 2; }

    size_t cap = 1 << 16, n = 0;
    unsigned char *in = malloc(cap);
    size_t got;
    while ((got = fread(in + n, 1, cap - n, stdin)) > 0) {
        n += got;
        if (n == cap) { cap *= 2; in = realloc(in, cap); }
    }
    if (n % e->bytes != 0) { fprintf(stderr, "%s: %zu bytes is not whole blocks of %d\n", e->name, n, e->bytes); return 1; }
    const size_t blocks = n / e->bytes;
    float *out = malloc(blocks * e->elements * sizeof(float) + 1);

    if (e->id == 9) {
        // Q8_1 -> Q8_0: keep d (bytes 0-1) and qs (bytes 4-35), drop s (bytes 2-3).
        unsigned char *q80 = malloc(blocks * sizeof(block_q8_0) + 1);
        for (size_t b = 0; b < blocks; b++) {
            memcpy(q80 + b * sizeof(block_q8_0), in + b * e->bytes, 2);
            memcpy(q80 + b * sizeof(block_q8_0) + 2, in + b * e->bytes + 4, 32);
        }
        dequantize_row_q8_0((const block_q8_0 *)q80, out, (int64_t)blocks * 32);
        free(q80);
    } else {
        e->fn(in, out, (int64_t)blocks * e->elements);
    }
    // x86-64 and aarch64 are little-endian: the floats are written as they are in memory.
    fwrite(out, sizeof(float), blocks * e->elements, stdout);
    return 0;
}
