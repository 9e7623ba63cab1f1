/*===- qopt-runtime/packing.h - Weight layouts, header-only ------*- C -*-===*
 *
 * The byte layouts of a `qopt.packed_weight` (docs/Semantics.md, "Packed
 * storage"), as inline functions with no library behind them, so that the
 * compiler's passes, the ONNX exporter, the reference executor and the
 * CPU kernels all read and write one definition without linking the
 * kernel archive.
 *
 * Two layouts of an [n, k] weight whose fields are `bits` wide (8, 4 or
 * 2; integer fields are signed storage values, code-book fields the
 * unsigned minifloat code):
 *
 *  - logical (`#qopt.layout<logical>`): one field per byte, row-major,
 *    n * k bytes, no padding; integer fields sign-extended to the byte,
 *    codes in the low bits. What `qopt-quantize` emits and every target
 *    materialises its own layout from.
 *  - block64 (`#qopt.layout<block64>`, the CPU target's kernels): every
 *    row padded to a multiple of 64 fields and stored in 64-field blocks
 *    of 64 * bits / 8 bytes; 8 bits: one field per byte; 4 bits: byte j
 *    of a block holds fields j (low nibble) and j + 32 (high nibble);
 *    2 bits: byte j holds fields j, j + 16, j + 32, j + 48 from the low
 *    bits up.
 *
 * Plain C99 (static inline) so C model code, the C++ runtime and the
 * MLIR passes share it.
 *===----------------------------------------------------------------------===*/

#ifndef QOPT_RUNTIME_PACKING_H
#define QOPT_RUNTIME_PACKING_H

#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Fields per block of the block64 layout. */
#define QOPT_BLOCK64_FIELDS 64

/* k rounded up to whole blocks. */
static inline int64_t qopt_block64_padded_k(int64_t k) {
  return (k + QOPT_BLOCK64_FIELDS - 1) / QOPT_BLOCK64_FIELDS *
         QOPT_BLOCK64_FIELDS;
}

/* Bytes of one block64 row: ceil(k / 64) * 64 * bits / 8. */
static inline int64_t qopt_block64_row_bytes(int64_t k, int32_t bits) {
  return qopt_block64_padded_k(k) * bits / 8;
}

/* Field `col` (< padded k) of a block64 row, unsigned (the low `bits`
 * bits). */
static inline uint32_t qopt_block64_field(const uint8_t *row, int32_t bits,
                                          int64_t col) {
  int64_t block = col / QOPT_BLOCK64_FIELDS, j = col % QOPT_BLOCK64_FIELDS;
  if (bits == 8)
    return row[col];
  if (bits == 4) {
    uint8_t byte = row[block * 32 + j % 32];
    return (uint32_t)((j < 32 ? byte : byte >> 4) & 0xF);
  }
  return (uint32_t)((row[block * 16 + j % 16] >> (2 * (j / 16))) & 0x3);
}

/* Field `col` of a block64 row, sign-extended from `bits`. */
static inline int8_t qopt_block64_get(const uint8_t *row, int32_t bits,
                                      int64_t col) {
  int32_t v = (int32_t)qopt_block64_field(row, bits, col);
  int32_t half = 1 << (bits - 1);
  return (int8_t)((v ^ half) - half);
}

/* Packs one row of k fields (`values`, each within the bits' range: a
 * signed storage value or an unsigned code; only the low `bits` bits are
 * kept) into `out` (qopt_block64_row_bytes(k, bits) bytes); the padding
 * fields take `pad`. */
static inline void qopt_block64_pack_row(const int8_t *values, int64_t k,
                                         int32_t bits, int8_t pad,
                                         uint8_t *out) {
  int64_t padded = qopt_block64_padded_k(k), c;
  uint32_t mask = (1u << bits) - 1;
  memset(out, 0, (size_t)qopt_block64_row_bytes(k, bits));
  for (c = 0; c < padded; ++c) {
    int8_t v = c < k ? values[c] : pad;
    uint32_t field = (uint32_t)(uint8_t)v & mask;
    int64_t block = c / QOPT_BLOCK64_FIELDS, j = c % QOPT_BLOCK64_FIELDS;
    if (bits == 8)
      out[c] = (uint8_t)v;
    else if (bits == 4)
      out[block * 32 + j % 32] |= (uint8_t)(field << (j < 32 ? 0 : 4));
    else
      out[block * 16 + j % 16] |= (uint8_t)(field << (2 * (j / 16)));
  }
}

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* QOPT_RUNTIME_PACKING_H */
