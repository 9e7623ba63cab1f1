//===- hls_stream.h - C-simulation model of hls::stream ---------*- C++ -*-===//
//
// Part of qopt (issue #13, the FPGA/HLS target).
//
// A clean-room, minimal hls::stream<T> for C-simulating the HLS C++ projects
// qopt generates with a stock g++/clang++. It is written from the documented
// behaviour of the Vitis HLS stream class (UG1399), not from its source.
// Generated code says `#include "hls_stream.h"`: under Vitis the vendor's
// header is found first (this directory is only on the include path of qopt's
// own C-simulation build), and if the vendor header was somehow included
// before this one, this file defines nothing.
//
// Model: an unbounded FIFO (std::deque<T>). A C simulation runs the design
// sequentially, so a stream only has to hold what its producer wrote before
// its consumer runs.
//   - write(v) / write_nb(v) / `s << v` append; full() is always false.
//   - read() / read(v) / `s >> v` pop the oldest element. Reading an empty
//     stream is what a hardware deadlock looks like in C simulation: it prints
//     the stream's name to stderr and calls std::abort().
//   - read_nb(v) pops if possible and returns whether it did.
//   - empty(), size(), name().
// Streams cannot be copied (as in Vitis); pass them by reference.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_HLS_STREAM_H
#define QOPT_HLS_STREAM_H

#if !defined(X_HLS_STREAM_H) && !defined(X_HLS_STREAM_SIM_H)

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <string>

namespace hls {

template <typename T> class stream {
public:
  stream() : name_("hls::stream") {}
  explicit stream(const char *name) : name_(name ? name : "hls::stream") {}
  stream(const stream &) = delete;
  stream &operator=(const stream &) = delete;

  /// Pops the oldest element; aborts (the C-simulation view of a deadlock)
  /// if the stream is empty.
  T read() {
    if (q_.empty()) {
      std::fprintf(stderr,
                   "hls::stream '%s': read from an empty stream (in hardware "
                   "this read would block forever: deadlock)\n",
                   name_.c_str());
      std::fflush(stderr);
      std::abort();
    }
    T v = q_.front();
    q_.pop_front();
    return v;
  }
  void read(T &v) { v = read(); }
  /// Non-blocking read: pops into `v` and returns true, or returns false.
  bool read_nb(T &v) {
    if (q_.empty())
      return false;
    v = read();
    return true;
  }
  void write(const T &v) { q_.push_back(v); }
  /// Non-blocking write: never full here, so it always succeeds.
  bool write_nb(const T &v) {
    write(v);
    return true;
  }
  void operator>>(T &v) { read(v); }
  void operator<<(const T &v) { write(v); }

  bool empty() const { return q_.empty(); }
  bool full() const { return false; }
  std::size_t size() const { return q_.size(); }
  const char *name() const { return name_.c_str(); }

private:
  std::deque<T> q_;
  std::string name_;
};

} // namespace hls

#endif // vendor header not already included
#endif // QOPT_HLS_STREAM_H
