//===- qhls_pool.h - Max-pooling on int8 codes -----------------*- C++ -*-===//
//
// Part of qopt's HLS header library (docs/Backends/HLS.md).
//
// out[oh][ow][c] = the largest code over the window's taps inside the input
// (tosa.max_pool2d on codes: quantization is monotone, so pooling codes is
// pooling values, docs/Semantics.md). NHWC; io_parallel on arrays,
// io_stream through a line buffer (qhls_window.h).
//
// CFG: the window fields of qhls_window.h and input_t (= output_t).
//
//===----------------------------------------------------------------------===//

#ifndef QHLS_POOL_H
#define QHLS_POOL_H

#include "qhls_window.h"

namespace qhls {

template <class CFG, class SRC>
typename CFG::input_t pool_max(const SRC &src, int oh, int ow, unsigned c) {
#pragma HLS INLINE
  typename CFG::input_t best = -128;
  for_each_tap<CFG>(oh, ow, [&](int ih, int iw, int, int) {
    typename CFG::input_t v = src(ih, iw, c);
    if (v > best)
      best = v;
  });
  return best;
}

template <class CFG>
void max_pool2d(
    const typename CFG::input_t in[CFG::in_height * CFG::in_width * CFG::n_chan],
    typename CFG::input_t out[CFG::out_height * CFG::out_width * CFG::n_chan]) {
#pragma HLS INLINE off
  array_source<CFG, typename CFG::input_t> src = {in};
OutRows:
  for (int oh = 0; oh < int(CFG::out_height); ++oh)
  OutCols:
    for (int ow = 0; ow < int(CFG::out_width); ++ow) {
#pragma HLS PIPELINE II = 1
      for (unsigned c = 0; c < CFG::n_chan; ++c)
        out[(oh * CFG::out_width + ow) * CFG::n_chan + c] =
            pool_max<CFG>(src, oh, ow, c);
    }
}

template <class CFG> struct pool_pixel_emitter {
  pixel<typename CFG::input_t, CFG::n_chan>
  operator()(const line_buffer<CFG, typename CFG::input_t> &buffer, int oh,
             int ow) const {
#pragma HLS INLINE
    pixel<typename CFG::input_t, CFG::n_chan> p;
    for (unsigned c = 0; c < CFG::n_chan; ++c)
      p[c] = pool_max<CFG>(buffer, oh, ow, c);
    return p;
  }
};

template <class CFG>
void max_pool2d_stream(
    hls::stream<pixel<typename CFG::input_t, CFG::n_chan> > &in,
    hls::stream<pixel<typename CFG::input_t, CFG::n_chan> > &out) {
#pragma HLS INLINE off
  static line_buffer<CFG, typename CFG::input_t> buffer;
#pragma HLS ARRAY_PARTITION variable = buffer.data complete dim = 3
  run_window_stream<CFG>(in, out, buffer, pool_pixel_emitter<CFG>());
}

} // namespace qhls

#endif // QHLS_POOL_H
