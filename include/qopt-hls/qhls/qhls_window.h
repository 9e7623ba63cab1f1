//===- qhls_window.h - Sliding windows over NHWC activations ---*- C++ -*-===//
//
// Part of qopt's HLS header library (docs/Backends/HLS.md).
//
// The 2-D window layers (convolution, depthwise convolution, max-pooling)
// read their input through one of two sources, so that each layer's
// arithmetic is written once:
//   * array_source: the whole NHWC tensor in an array (io_parallel);
//   * line_buffer: the last (filt_height - 1) * dilation_height + 1 input
//     rows of a stream (io_stream), a ring of rows, so that no layer holds
//     more than a few rows of its input and nothing is im2col-expanded.
// run_window_stream drives a line buffer: it reads input rows as they
// arrive and emits each output row as soon as its last input row is in.
//
// Window CFG fields: in_height, in_width, n_chan, out_height, out_width,
// filt_height, filt_width, stride_height, stride_width, pad_top, pad_left,
// dilation_height, dilation_width.
//
//===----------------------------------------------------------------------===//

#ifndef QHLS_WINDOW_H
#define QHLS_WINDOW_H

#include "hls_stream.h"
#include "qhls_common.h"

namespace qhls {

/// The input row of tap `kh` of output row `oh` (may be outside the input:
/// padding).
template <class CFG> int window_row(int oh, int kh) {
#pragma HLS INLINE
  return oh * int(CFG::stride_height) - int(CFG::pad_top) +
         kh * int(CFG::dilation_height);
}
template <class CFG> int window_col(int ow, int kw) {
#pragma HLS INLINE
  return ow * int(CFG::stride_width) - int(CFG::pad_left) +
         kw * int(CFG::dilation_width);
}

/// Calls fn(ih, iw, kh, kw) for every tap of output pixel (oh, ow)'s window
/// that lies inside the input, in (kh, kw) order: padding taps are skipped
/// (on codes they would hold the zero point and add nothing; max-pooling
/// ignores them).
template <class CFG, class FN> void for_each_tap(int oh, int ow, FN fn) {
#pragma HLS INLINE
Rows:
  for (int kh = 0; kh < int(CFG::filt_height); ++kh) {
    int ih = window_row<CFG>(oh, kh);
    if (ih < 0 || ih >= int(CFG::in_height))
      continue;
  Cols:
    for (int kw = 0; kw < int(CFG::filt_width); ++kw) {
      int iw = window_col<CFG>(ow, kw);
      if (iw < 0 || iw >= int(CFG::in_width))
        continue;
      fn(ih, iw, kh, kw);
    }
  }
}

template <class CFG, typename T> struct array_source {
  const T *data;
  T operator()(int ih, int iw, int c) const {
#pragma HLS INLINE
    return data[(ih * int(CFG::in_width) + iw) * int(CFG::n_chan) + c];
  }
};

template <class CFG, typename T> struct line_buffer {
  static const unsigned rows =
      (CFG::filt_height - 1) * CFG::dilation_height + 1;
  T data[rows][CFG::in_width][CFG::n_chan];
  T operator()(int ih, int iw, int c) const {
#pragma HLS INLINE
    return data[unsigned(ih) % rows][iw][c];
  }
};

/// The last input row output row `oh` reads (clipped to the input).
template <class CFG> int last_input_row(int oh) {
#pragma HLS INLINE
  int r = window_row<CFG>(oh, int(CFG::filt_height) - 1);
  return r < int(CFG::in_height) ? r : int(CFG::in_height) - 1;
}

/// io_stream driver: `emit_pixel(buffer, oh, ow, out)` computes one output
/// pixel from the line buffer and writes it.
template <class CFG, typename IN, unsigned IN_PACK, typename OUT,
          unsigned OUT_PACK, typename EMIT>
void run_window_stream(hls::stream<pixel<IN, IN_PACK> > &in,
                       hls::stream<pixel<OUT, OUT_PACK> > &out,
                       line_buffer<CFG, IN> &buffer, EMIT emit_pixel) {
  int next_oh = 0;
InputRows:
  for (int ih = 0; ih < int(CFG::in_height); ++ih) {
  ReadRow:
    for (int iw = 0; iw < int(CFG::in_width); ++iw) {
#pragma HLS PIPELINE II = 1
      pixel<IN, IN_PACK> v = in.read();
      for (unsigned c = 0; c < CFG::n_chan; ++c)
        buffer.data[unsigned(ih) % buffer.rows][iw][c] = v[c];
    }
  EmitRows:
    while (next_oh < int(CFG::out_height) && last_input_row<CFG>(next_oh) <= ih) {
      for (int ow = 0; ow < int(CFG::out_width); ++ow)
        out.write(emit_pixel(buffer, next_oh, ow));
      ++next_oh;
    }
  }
  // Output rows whose windows end in the bottom padding.
TailRows:
  for (; next_oh < int(CFG::out_height); ++next_oh)
    for (int ow = 0; ow < int(CFG::out_width); ++ow)
      out.write(emit_pixel(buffer, next_oh, ow));
}

} // namespace qhls

#endif // QHLS_WINDOW_H
