//===- ap_int.h - C-simulation model of ap_int / ap_uint --------*- C++ -*-===//
//
// Part of qopt (issue #13, the FPGA/HLS target).
//
// A clean-room, header-only implementation of the Vitis HLS arbitrary
// precision integer types ap_int<W> (signed) and ap_uint<W> (unsigned),
// written from the documented semantics (UG1399) so that the HLS C++ projects
// qopt generates can be C-simulated with a stock g++/clang++. Generated code
// says `#include "ap_int.h"`: under Vitis the vendor's header is used, and the
// qopt C-simulation build puts this directory on the include path instead.
//
// Model: a value of ap_[u]int<W> is an integer modulo 2^W (two's complement
// for ap_int), held in ceil(W/64) 64-bit words. Any width W >= 1 works; every
// operation is exact (no 64-bit shortcut). Binary + - * / % & | ^ between ap
// types return a type wide enough to hold the exact result (see `rtype`);
// assigning it to a narrower type wraps. A native integer operand counts as
// an ap type of its own width and signedness. See docs/Backends/HLS.md for
// what is and is not implemented.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_HLS_AP_INT_H
#define QOPT_HLS_AP_INT_H

#include <cassert>
#include <cmath>
#include <cstdint>
#include <ostream>
#include <string>
#include <type_traits>

template <int W, bool S> struct ap_int_base;
template <int W> struct ap_int;
template <int W> struct ap_uint;
template <int W, bool S> struct ap_bit_ref;
template <int W, bool S> struct ap_range_ref;
template <int W1, bool S1, int W2, bool S2> struct ap_concat_ref;

namespace qopt_ap_detail {

using u64 = std::uint64_t;
__extension__ typedef unsigned __int128 u128;

constexpr int imax(int a, int b) { return a > b ? a : b; }
constexpr int imin(int a, int b) { return a < b ? a : b; }
constexpr int nwords(int w) { return (w + 63) / 64; }

template <int W, bool S> struct select_int { using type = ap_int<W>; };
template <int W> struct select_int<W, false> { using type = ap_uint<W>; };
/// ap_int<W> when S, else ap_uint<W>.
template <int W, bool S> using int_t = typename select_int<W, S>::type;

//===-- Word-array arithmetic: N little-endian words, modulo 2^(64N). -----===//
// The result pointer may alias an operand.

template <int N> inline void w_add(u64 *r, const u64 *a, const u64 *b) {
  u64 carry = 0;
  for (int i = 0; i < N; ++i) {
    u64 ai = a[i], bi = b[i];
    u64 s = ai + bi;
    u64 c1 = s < ai;
    u64 s2 = s + carry;
    u64 c2 = s2 < s;
    r[i] = s2;
    carry = c1 | c2;
  }
}

template <int N> inline void w_sub(u64 *r, const u64 *a, const u64 *b) {
  u64 borrow = 0;
  for (int i = 0; i < N; ++i) {
    u64 ai = a[i], bi = b[i];
    u64 d = ai - bi;
    u64 b1 = ai < bi;
    u64 d2 = d - borrow;
    u64 b2 = d < borrow;
    r[i] = d2;
    borrow = b1 | b2;
  }
}

template <int N> inline void w_neg(u64 *r, const u64 *a) {
  u64 carry = 1;
  for (int i = 0; i < N; ++i) {
    u64 x = ~a[i] + carry;
    carry = (carry != 0 && x == 0) ? 1 : 0;
    r[i] = x;
  }
}

template <int N> inline void w_mul(u64 *r, const u64 *a, const u64 *b) {
  u64 t[N] = {};
  for (int i = 0; i < N; ++i) {
    if (a[i] == 0)
      continue;
    u64 carry = 0;
    for (int j = 0; i + j < N; ++j) {
      u128 p = static_cast<u128>(a[i]) * b[j] + t[i + j] + carry;
      t[i + j] = static_cast<u64>(p);
      carry = static_cast<u64>(p >> 64);
    }
  }
  for (int i = 0; i < N; ++i)
    r[i] = t[i];
}

template <int N> inline void w_shl(u64 *r, const u64 *a, unsigned sh) {
  if (sh >= 64u * N) {
    for (int i = 0; i < N; ++i)
      r[i] = 0;
    return;
  }
  int ws = static_cast<int>(sh / 64), bs = static_cast<int>(sh % 64);
  for (int i = N - 1; i >= 0; --i) {
    int s = i - ws;
    u64 v = s >= 0 ? a[s] << bs : 0;
    if (bs != 0 && s - 1 >= 0)
      v |= a[s - 1] >> (64 - bs);
    r[i] = v;
  }
}

/// Right shift filling with `fill` (0 for logical, ~0 for a negative value).
template <int N>
inline void w_shr(u64 *r, const u64 *a, unsigned sh, u64 fill) {
  if (sh >= 64u * N) {
    for (int i = 0; i < N; ++i)
      r[i] = fill;
    return;
  }
  int ws = static_cast<int>(sh / 64), bs = static_cast<int>(sh % 64);
  for (int i = 0; i < N; ++i) {
    int s = i + ws;
    u64 lo = s < N ? a[s] : fill;
    u64 hi = s + 1 < N ? a[s + 1] : fill;
    r[i] = bs != 0 ? (lo >> bs) | (hi << (64 - bs)) : lo;
  }
}

template <int N> inline int w_ucmp(const u64 *a, const u64 *b) {
  for (int i = N - 1; i >= 0; --i)
    if (a[i] != b[i])
      return a[i] < b[i] ? -1 : 1;
  return 0;
}

template <int N> constexpr bool w_zero(const u64 *a) {
  for (int i = 0; i < N; ++i)
    if (a[i] != 0)
      return false;
  return true;
}

/// Index of the highest set bit, -1 for zero.
template <int N> inline int w_top_bit(const u64 *a) {
  for (int i = N - 1; i >= 0; --i)
    if (a[i] != 0)
      return i * 64 + 63 - __builtin_clzll(a[i]);
  return -1;
}

/// Unsigned division; a zero divisor gives quotient 0 and remainder a.
template <int N>
inline void w_udivmod(u64 *q, u64 *rem, const u64 *a, const u64 *b) {
  if constexpr (N == 1) {
    u64 x = a[0], y = b[0];
    if (y == 0) {
      q[0] = 0;
      rem[0] = x;
      return;
    }
    q[0] = x / y;
    rem[0] = x % y;
  } else {
    u64 qq[N] = {}, r[N] = {};
    if (w_zero<N>(b)) {
      for (int i = 0; i < N; ++i)
        r[i] = a[i];
    } else {
      for (int bit = w_top_bit<N>(a); bit >= 0; --bit) {
        u64 carry_out = r[N - 1] >> 63;
        w_shl<N>(r, r, 1);
        r[0] |= (a[bit / 64] >> (bit % 64)) & 1;
        if (carry_out != 0 || w_ucmp<N>(r, b) >= 0) {
          w_sub<N>(r, r, b);
          qq[bit / 64] |= u64(1) << (bit % 64);
        }
      }
    }
    for (int i = 0; i < N; ++i) {
      q[i] = qq[i];
      rem[i] = r[i];
    }
  }
}

//===-- Traits
//-------------------------------------------------------------===//

template <typename T, typename = void> struct is_ap_int : std::false_type {};
template <typename T>
struct is_ap_int<T, std::void_t<decltype(T::qopt_ap_int_tag)>>
    : std::true_type {};

template <typename T, typename = void> struct is_fixed : std::false_type {};
template <typename T>
struct is_fixed<T, std::void_t<decltype(T::qopt_ap_fixed_tag)>>
    : std::true_type {};

/// Range and concatenation references: have get() returning an ap_uint.
template <typename T, typename = void> struct is_ref_like : std::false_type {};
template <typename T>
struct is_ref_like<T, std::void_t<decltype(T::qopt_ap_ref_tag)>>
    : std::true_type {};

template <typename T>
struct is_native_int
    : std::integral_constant<bool, std::is_integral<T>::value ||
                                       std::is_enum<T>::value> {};

template <typename T, bool = std::is_enum<T>::value> struct native_underlying {
  using type = T;
};
template <typename T> struct native_underlying<T, true> {
  using type = typename std::underlying_type<T>::type;
};

/// The ap type a native integer operand counts as: its own width and
/// signedness (bool is ap_uint<1>).
template <typename T> struct native_ap {
  using U = typename native_underlying<T>::type;
  static_assert(sizeof(U) <= 8, "128-bit native integers are not supported; "
                                "use ap_int<128> / ap_uint<128>");
  static constexpr bool sign = std::is_signed<U>::value;
  static constexpr int width =
      std::is_same<U, bool>::value ? 1 : static_cast<int>(sizeof(U) * 8);
  using type = int_t<width, sign>;
};

/// Result widths of binary operators (UG1399): a native operand counts as an
/// ap type of its own width. Mixing an unsigned operand into a signed result
/// costs it one more bit.
template <int W1, bool S1, int W2, bool S2> struct rtype {
  static constexpr int xw1 = W1 + ((S2 && !S1) ? 1 : 0);
  static constexpr int xw2 = W2 + ((S1 && !S2) ? 1 : 0);
  static constexpr int plus_w = imax(xw1, xw2) + 1;
  static constexpr bool plus_s = S1 || S2;
  static constexpr int minus_w = plus_w;
  static constexpr bool minus_s = true; // a difference may be negative
  static constexpr int mult_w = W1 + W2;
  static constexpr bool mult_s = S1 || S2;
  static constexpr int div_w = W1 + (S2 ? 1 : 0); // MIN / -1
  static constexpr bool div_s = S1 || S2;
  static constexpr int mod_w = imin(W1, W2 + ((S1 && !S2) ? 1 : 0));
  static constexpr bool mod_s = S1; // the remainder has the dividend's sign
  static constexpr int logic_w = imax(xw1, xw2);
  static constexpr bool logic_s = S1 || S2;
};

/// The native type an ap_[u]int<W> converts to implicitly: the smallest one
/// holding W bits, 64-bit for anything wider (wider values are truncated to
/// their low 64 bits, as documented for the real types).
template <int W, bool S> struct ret_type {
  using type = typename std::conditional<
      (W <= 8), typename std::conditional<S, signed char, unsigned char>::type,
      typename std::conditional<
          (W <= 16), typename std::conditional<S, short, unsigned short>::type,
          typename std::conditional<
              (W <= 32), typename std::conditional<S, int, unsigned>::type,
              typename std::conditional<
                  S, long long, unsigned long long>::type>::type>::type>::type;
};

} // namespace qopt_ap_detail

//===----------------------------------------------------------------------===//
// ap_int_base<W, S>: the value and every operation. ap_int / ap_uint derive
// from it and add nothing but their names.
//===----------------------------------------------------------------------===//

template <int W, bool S> struct ap_int_base {
  static_assert(W >= 1, "ap_int/ap_uint width must be at least 1");
  using u64 = qopt_ap_detail::u64;
  static constexpr bool qopt_ap_int_tag = true;
  static constexpr int width = W;
  static constexpr bool sign_flag = S;
  static constexpr int NW = qopt_ap_detail::nwords(W);

  /// Little-endian words. Invariant: the bits of the top word above W hold
  /// the sign (ap_int) or zero (ap_uint), so every word reads as the value
  /// sign- or zero-extended.
  u64 bits_[NW];

  //===-- Construction: always modulo 2^W.
  //---------------------------------===//

  constexpr ap_int_base() : bits_() {}

  template <int W2, bool S2>
  constexpr ap_int_base(const ap_int_base<W2, S2> &o) : bits_() {
    for (int i = 0; i < NW; ++i)
      bits_[i] = o.word(i);
    norm();
  }

  template <typename T,
            typename std::enable_if<qopt_ap_detail::is_native_int<T>::value,
                                    int>::type = 0>
  constexpr ap_int_base(T v) : bits_() {
    set_native(v);
  }

  /// From a floating value: truncated toward zero, then wrapped. NaN and
  /// infinities give 0.
  template <typename T, typename std::enable_if<
                            std::is_floating_point<T>::value, int>::type = 0>
  ap_int_base(T v) {
    set_double(static_cast<double>(v));
  }

  template <int W2, bool S2> ap_int_base(const ap_bit_ref<W2, S2> &b) {
    set_native(static_cast<bool>(b));
  }

  template <typename R,
            typename std::enable_if<qopt_ap_detail::is_ref_like<R>::value,
                                    int>::type = 0>
  ap_int_base(const R &r) : ap_int_base(r.get()) {}

  /// From ap_[u]fixed: the integer part, truncated toward zero (ap_fixed.h).
  template <typename F, typename std::enable_if<
                            qopt_ap_detail::is_fixed<F>::value, int>::type = 0>
  ap_int_base(const F &f) : ap_int_base(f.to_ap_int_base()) {}

  //===-- Internal helpers (public: the free operators use them).
  //----------===//

  /// Re-establishes the invariant after the words were written.
  constexpr void norm() {
    constexpr int top = W - 64 * (NW - 1);
    if constexpr (top < 64) {
      constexpr u64 mask = (u64(1) << top) - 1;
      u64 x = bits_[NW - 1] & mask;
      if constexpr (S) {
        constexpr u64 sb = u64(1) << (top - 1);
        x = (x ^ sb) - sb;
      }
      bits_[NW - 1] = x;
    }
  }

  template <typename T> constexpr void set_native(T v) {
    using U = typename qopt_ap_detail::native_underlying<T>::type;
    static_assert(sizeof(U) <= 8, "128-bit native integers are not supported");
    U u = static_cast<U>(v);
    u64 fill = 0;
    if constexpr (std::is_signed<U>::value) {
      long long s = static_cast<long long>(u);
      bits_[0] = static_cast<u64>(s);
      fill = s < 0 ? ~u64(0) : u64(0);
    } else {
      bits_[0] = static_cast<u64>(u);
    }
    for (int i = 1; i < NW; ++i)
      bits_[i] = fill;
    norm();
  }

  void set_double(double d) {
    for (int i = 0; i < NW; ++i)
      bits_[i] = 0;
    if (!std::isfinite(d))
      return;
    int e = 0;
    double m = std::frexp(d, &e); // d = m * 2^e, 0.5 <= |m| < 1
    long long M = static_cast<long long>(std::ldexp(m, 53)); // exact
    int sh = e - 53;
    if (sh >= 0) {
      set_native(M); // (M mod 2^W) * 2^sh == M * 2^sh modulo 2^W
      shl_assign(static_cast<u64>(sh));
      return;
    }
    bool neg = M < 0;
    u64 mag = neg ? u64(0) - static_cast<u64>(M) : static_cast<u64>(M);
    mag = -sh >= 64 ? 0 : mag >> -sh; // truncation toward zero
    set_native(neg ? -static_cast<long long>(mag)
                   : static_cast<long long>(mag));
  }

  constexpr u64 fill_word() const {
    return (S && (bits_[NW - 1] >> 63) != 0) ? ~u64(0) : u64(0);
  }
  /// Word i of the value sign-/zero-extended to any width.
  constexpr u64 word(int i) const { return i < NW ? bits_[i] : fill_word(); }
  constexpr bool is_neg() const { return S && (bits_[NW - 1] >> 63) != 0; }
  constexpr bool iszero() const { return qopt_ap_detail::w_zero<NW>(bits_); }

  /// Bit i; bits at and above W read as the sign (ap_int) or zero (ap_uint).
  bool get_bit(int i) const {
    if (i < 0)
      return false;
    if (i >= W)
      return is_neg();
    return ((bits_[i / 64] >> (i % 64)) & 1) != 0;
  }
  void set_bit(int i, bool v) {
    assert(i >= 0 && i < W && "ap_int bit index out of range");
    if (i < 0 || i >= W)
      return;
    u64 m = u64(1) << (i % 64);
    if (v)
      bits_[i / 64] |= m;
    else
      bits_[i / 64] &= ~m;
    norm();
  }
  /// Whether any of the bits [0, n) is set (n may exceed W).
  bool any_low_bits(int n) const {
    if (n <= 0)
      return false;
    if (n > W) {
      if (is_neg())
        return true;
      n = W;
    }
    int full = n / 64;
    for (int i = 0; i < full; ++i)
      if (bits_[i] != 0)
        return true;
    int rem = n % 64;
    return rem != 0 && (bits_[full] & ((u64(1) << rem) - 1)) != 0;
  }
  /// Clears the bits [n, W).
  void keep_low_bits(int n) {
    if (n >= W)
      return;
    if (n <= 0) {
      for (int i = 0; i < NW; ++i)
        bits_[i] = 0;
      return;
    }
    int w = n / 64, b = n % 64;
    if (b != 0)
      bits_[w] &= (u64(1) << b) - 1;
    else
      bits_[w] = 0;
    for (int i = w + 1; i < NW; ++i)
      bits_[i] = 0;
    norm();
  }
  void shl_assign(u64 n) {
    if (n >= static_cast<u64>(W)) {
      for (int i = 0; i < NW; ++i)
        bits_[i] = 0;
      return;
    }
    qopt_ap_detail::w_shl<NW>(bits_, bits_, static_cast<unsigned>(n));
    norm();
  }
  /// Arithmetic for ap_int, logical for ap_uint.
  void shr_assign(u64 n) {
    u64 f = fill_word();
    if (n >= static_cast<u64>(W)) {
      for (int i = 0; i < NW; ++i)
        bits_[i] = f;
      return;
    }
    qopt_ap_detail::w_shr<NW>(bits_, bits_, static_cast<unsigned>(n), f);
    norm();
  }
  void inc() {
    for (int i = 0; i < NW; ++i)
      if (++bits_[i] != 0)
        break;
    norm();
  }
  void dec() {
    for (int i = 0; i < NW; ++i)
      if (bits_[i]-- != 0)
        break;
    norm();
  }
  void neg_assign() {
    qopt_ap_detail::w_neg<NW>(bits_, bits_);
    norm();
  }
  void invert_assign() {
    for (int i = 0; i < NW; ++i)
      bits_[i] = ~bits_[i];
    norm();
  }

  //===-- Conversions to native types.
  //-------------------------------------===//
  // The low bits of the value, as a cast of the same integer would give.

  constexpr int to_int() const {
    return static_cast<int>(static_cast<unsigned>(bits_[0]));
  }
  constexpr unsigned to_uint() const { return static_cast<unsigned>(bits_[0]); }
  constexpr long to_long() const { return static_cast<long>(bits_[0]); }
  constexpr unsigned long to_ulong() const {
    return static_cast<unsigned long>(bits_[0]);
  }
  constexpr long long to_int64() const {
    return static_cast<long long>(bits_[0]);
  }
  constexpr unsigned long long to_uint64() const {
    return static_cast<unsigned long long>(bits_[0]);
  }
  char to_char() const { return static_cast<char>(bits_[0]); }
  short to_short() const { return static_cast<short>(bits_[0]); }
  constexpr bool to_bool() const { return !iszero(); }
  /// Correctly rounded (to nearest, ties to even) for any width.
  double to_double() const {
    bool neg = is_neg();
    u64 m[NW];
    for (int i = 0; i < NW; ++i)
      m[i] = bits_[i];
    if (neg)
      qopt_ap_detail::w_neg<NW>(m, m);
    int top = qopt_ap_detail::w_top_bit<NW>(m);
    if (top < 0)
      return 0.0;
    double r;
    if (top < 64) {
      r = static_cast<double>(m[0]);
    } else {
      int sh = top - 63, w = sh / 64, b = sh % 64;
      u64 hi = b == 0 ? m[w] : (m[w] >> b) | (m[w + 1] << (64 - b));
      bool sticky = b != 0 && (m[w] & ((u64(1) << b) - 1)) != 0;
      for (int i = 0; i < w && !sticky; ++i)
        sticky = m[i] != 0;
      if (sticky)
        hi |= 1; // below the rounding bit: keeps round-to-nearest exact
      r = std::ldexp(static_cast<double>(hi), sh);
    }
    return neg ? -r : r;
  }
  float to_float() const { return static_cast<float>(to_double()); }

  using qopt_ret_type = typename qopt_ap_detail::ret_type<W, S>::type;
  /// Implicit conversion to the smallest native integer holding W bits.
  constexpr operator qopt_ret_type() const {
    return static_cast<qopt_ret_type>(bits_[0]);
  }

  static constexpr int length() { return W; }

  //===-- Bit-level access.
  //------------------------------------------------===//

  ap_bit_ref<W, S> operator[](int i) { return ap_bit_ref<W, S>(this, i); }
  bool operator[](int i) const { return get_bit(i); }
  bool test(int i) const { return get_bit(i); }
  void set(int i) { set_bit(i, true); }
  void set(int i, bool v) { set_bit(i, v); }
  void clear(int i) { set_bit(i, false); }
  void invert(int i) { set_bit(i, !get_bit(i)); }
  bool sign() const { return is_neg(); }
  /// Inverts every bit in place.
  void b_not() { invert_assign(); }
  /// Reverses the order of the W bits in place.
  void reverse() {
    ap_int_base r;
    for (int i = 0; i < W; ++i)
      if (get_bit(i))
        r.bits_[(W - 1 - i) / 64] |= u64(1) << ((W - 1 - i) % 64);
    r.norm();
    *this = r;
  }
  void lrotate(int n) {
    n %= W;
    if (n < 0)
      n += W;
    ap_int_base r;
    for (int i = 0; i < W; ++i)
      if (get_bit(i))
        r.bits_[((i + n) % W) / 64] |= u64(1) << (((i + n) % W) % 64);
    r.norm();
    *this = r;
  }
  void rrotate(int n) { lrotate(-(n % W)); }
  int countLeadingZeros() const {
    for (int i = W - 1; i >= 0; --i)
      if (get_bit(i))
        return W - 1 - i;
    return W;
  }

  /// Bits hi..lo (hi >= lo; hi < lo reads/writes them in reverse order).
  ap_range_ref<W, S> range(int hi, int lo) {
    return ap_range_ref<W, S>(this, hi, lo);
  }
  ap_uint<W> range(int hi, int lo) const;
  ap_range_ref<W, S> range() { return range(W - 1, 0); }
  ap_uint<W> range() const { return range(W - 1, 0); }
  ap_range_ref<W, S> operator()(int hi, int lo) { return range(hi, lo); }
  ap_uint<W> operator()(int hi, int lo) const { return range(hi, lo); }

  /// This value in the high bits, `lo` in the low bits.
  template <int W2, bool S2>
  ap_uint<W + W2> concat(const ap_int_base<W2, S2> &lo) const {
    ap_uint<W + W2> r{ap_uint<W>(*this)};
    r.shl_assign(W2);
    ap_uint<W + W2> l{ap_uint<W2>(lo)};
    for (int i = 0; i < ap_uint<W + W2>::NW; ++i)
      r.bits_[i] |= l.bits_[i];
    return r;
  }

  //===-- Reductions over the W bits.
  //--------------------------------------===//

  bool or_reduce() const { return !iszero(); }
  bool and_reduce() const {
    constexpr int top = W - 64 * (NW - 1);
    for (int i = 0; i + 1 < NW; ++i)
      if (bits_[i] != ~u64(0))
        return false;
    u64 mask = top == 64 ? ~u64(0) : (u64(1) << (top % 64)) - 1;
    return (bits_[NW - 1] & mask) == mask;
  }
  bool xor_reduce() const {
    constexpr int top = W - 64 * (NW - 1);
    int p = 0;
    for (int i = 0; i + 1 < NW; ++i)
      p ^= __builtin_popcountll(bits_[i]) & 1;
    u64 mask = top == 64 ? ~u64(0) : (u64(1) << (top % 64)) - 1;
    p ^= __builtin_popcountll(bits_[NW - 1] & mask) & 1;
    return p != 0;
  }
  bool nand_reduce() const { return !and_reduce(); }
  bool nor_reduce() const { return !or_reduce(); }
  bool xnor_reduce() const { return !xor_reduce(); }

  /// The decimal digits of the value (with '-' when negative).
  std::string qopt_dec_string() const {
    bool neg = is_neg();
    u64 m[NW];
    for (int i = 0; i < NW; ++i)
      m[i] = bits_[i];
    if (neg)
      qopt_ap_detail::w_neg<NW>(m, m);
    if (qopt_ap_detail::w_zero<NW>(m))
      return "0";
    constexpr u64 chunk = 1000000000000000000ull; // 10^18
    std::string digits;
    while (!qopt_ap_detail::w_zero<NW>(m)) {
      u64 rem = 0;
      for (int i = NW - 1; i >= 0; --i) {
        qopt_ap_detail::u128 cur =
            (static_cast<qopt_ap_detail::u128>(rem) << 64) | m[i];
        m[i] = static_cast<u64>(cur / chunk);
        rem = static_cast<u64>(cur % chunk);
      }
      bool last = qopt_ap_detail::w_zero<NW>(m);
      for (int k = 0; k < 18 && (!last || rem != 0); ++k) {
        digits.push_back(static_cast<char>('0' + rem % 10));
        rem /= 10;
      }
    }
    if (neg)
      digits.push_back('-');
    return std::string(digits.rbegin(), digits.rend());
  }
  /// The W bits in base 16 (or 8), most significant digit first.
  std::string qopt_raw_string(int bits_per_digit) const {
    std::string s;
    int ndig = (W + bits_per_digit - 1) / bits_per_digit;
    for (int d = ndig - 1; d >= 0; --d) {
      int v = 0;
      for (int k = bits_per_digit - 1; k >= 0; --k) {
        int i = d * bits_per_digit + k;
        v = v * 2 + ((i < W && get_bit(i)) ? 1 : 0);
      }
      s.push_back("0123456789abcdef"[v]);
    }
    return s;
  }
};

template <int W> struct ap_int : ap_int_base<W, true> {
  using Base = ap_int_base<W, true>;
  using Base::Base;
  ap_int() = default;
  constexpr ap_int(const Base &b) : Base(b) {}
};

template <int W> struct ap_uint : ap_int_base<W, false> {
  using Base = ap_int_base<W, false>;
  using Base::Base;
  ap_uint() = default;
  constexpr ap_uint(const Base &b) : Base(b) {}
};

//===----------------------------------------------------------------------===//
// Proxies: one bit, a range of bits, a concatenation of two lvalues.
//===----------------------------------------------------------------------===//

template <int W, bool S> struct ap_bit_ref {
  ap_int_base<W, S> *p_;
  int i_;
  ap_bit_ref(ap_int_base<W, S> *p, int i) : p_(p), i_(i) {
    assert(i >= 0 && i < W && "ap_int bit index out of range");
  }
  ap_bit_ref(const ap_bit_ref &) = default;

  operator bool() const { return p_->get_bit(i_); }
  bool to_bool() const { return p_->get_bit(i_); }
  bool get() const { return p_->get_bit(i_); }
  static constexpr int length() { return 1; }
  bool operator~() const { return !to_bool(); }

  ap_bit_ref &operator=(bool v) {
    p_->set_bit(i_, v);
    return *this;
  }
  ap_bit_ref &operator=(const ap_bit_ref &o) { return *this = o.to_bool(); }
  template <int W2, bool S2>
  ap_bit_ref &operator=(const ap_bit_ref<W2, S2> &o) {
    return *this = o.to_bool();
  }
  /// A wide value sets the bit when nonzero, as a conversion to bool would.
  template <int W2, bool S2>
  ap_bit_ref &operator=(const ap_int_base<W2, S2> &v) {
    return *this = !v.iszero();
  }
};

template <int W, bool S> struct ap_range_ref {
  static constexpr bool qopt_ap_ref_tag = true;
  ap_int_base<W, S> *p_;
  int hi_, lo_;
  ap_range_ref(ap_int_base<W, S> *p, int hi, int lo) : p_(p), hi_(hi), lo_(lo) {
    assert(hi >= 0 && lo >= 0 && hi < W && lo < W &&
           "ap_int range index out of range");
  }
  ap_range_ref(const ap_range_ref &) = default;

  int length() const { return (hi_ >= lo_ ? hi_ - lo_ : lo_ - hi_) + 1; }

  /// The selected bits, zero-extended to W bits.
  ap_uint<W> get() const {
    ap_uint<W> u(*p_);
    if (hi_ >= lo_) {
      u.shr_assign(static_cast<qopt_ap_detail::u64>(lo_));
      u.keep_low_bits(hi_ - lo_ + 1);
      return u;
    }
    ap_uint<W> r;
    for (int k = 0; k <= lo_ - hi_; ++k)
      r.set_bit(k, u.get_bit(lo_ - k));
    return r;
  }
  operator ap_uint<W>() const { return get(); }
  operator unsigned long long() const { return get().to_uint64(); }

  int to_int() const { return get().to_int(); }
  unsigned to_uint() const { return get().to_uint(); }
  long to_long() const { return get().to_long(); }
  unsigned long to_ulong() const { return get().to_ulong(); }
  long long to_int64() const { return get().to_int64(); }
  unsigned long long to_uint64() const { return get().to_uint64(); }
  double to_double() const { return get().to_double(); }
  bool to_bool() const { return get().to_bool(); }
  bool or_reduce() const { return get().or_reduce(); }
  bool xor_reduce() const { return get().xor_reduce(); }
  bool and_reduce() const {
    ap_uint<W> ones;
    ones.invert_assign();
    ones.keep_low_bits(length());
    return get() == ones;
  }

  /// Writes the low length() bits of v into the range.
  void assign_bits(const ap_uint<W> &v) {
    ap_uint<W> u(*p_);
    if (hi_ >= lo_) {
      int len = hi_ - lo_ + 1;
      ap_uint<W> mask;
      mask.invert_assign();
      mask.keep_low_bits(len);
      mask.shl_assign(static_cast<qopt_ap_detail::u64>(lo_));
      ap_uint<W> val(v);
      val.keep_low_bits(len);
      val.shl_assign(static_cast<qopt_ap_detail::u64>(lo_));
      for (int i = 0; i < ap_uint<W>::NW; ++i)
        u.bits_[i] = (u.bits_[i] & ~mask.bits_[i]) | val.bits_[i];
    } else {
      for (int k = 0; k <= lo_ - hi_; ++k)
        u.set_bit(lo_ - k, v.get_bit(k));
    }
    *p_ = ap_int_base<W, S>(u);
  }

  ap_range_ref &operator=(const ap_range_ref &o) {
    assign_bits(o.get());
    return *this;
  }
  template <int W2, bool S2>
  ap_range_ref &operator=(const ap_int_base<W2, S2> &v) {
    assign_bits(ap_uint<W>(v));
    return *this;
  }
  template <typename T,
            typename std::enable_if<qopt_ap_detail::is_native_int<T>::value,
                                    int>::type = 0>
  ap_range_ref &operator=(T v) {
    assign_bits(ap_uint<W>(v));
    return *this;
  }
  template <typename R,
            typename std::enable_if<qopt_ap_detail::is_ref_like<R>::value,
                                    int>::type = 0>
  ap_range_ref &operator=(const R &r) {
    assign_bits(ap_uint<W>(r.get()));
    return *this;
  }
  template <int W2, bool S2>
  ap_range_ref &operator=(const ap_bit_ref<W2, S2> &b) {
    assign_bits(ap_uint<W>(b.to_bool()));
    return *this;
  }
};

template <int W, bool S>
inline ap_uint<W> ap_int_base<W, S>::range(int hi, int lo) const {
  ap_int_base copy(*this);
  return ap_range_ref<W, S>(&copy, hi, lo).get();
}

/// (hi, lo) of two ap lvalues: readable, and assignable (splitting the bits).
template <int W1, bool S1, int W2, bool S2> struct ap_concat_ref {
  static constexpr bool qopt_ap_ref_tag = true;
  ap_int_base<W1, S1> *hi_;
  ap_int_base<W2, S2> *lo_;
  ap_concat_ref(ap_int_base<W1, S1> *hi, ap_int_base<W2, S2> *lo)
      : hi_(hi), lo_(lo) {}
  ap_concat_ref(const ap_concat_ref &) = default;

  static constexpr int length() { return W1 + W2; }
  ap_uint<W1 + W2> get() const { return hi_->concat(*lo_); }
  operator ap_uint<W1 + W2>() const { return get(); }
  operator unsigned long long() const { return get().to_uint64(); }
  int to_int() const { return get().to_int(); }
  unsigned to_uint() const { return get().to_uint(); }
  long long to_int64() const { return get().to_int64(); }
  unsigned long long to_uint64() const { return get().to_uint64(); }

  void assign_bits(const ap_uint<W1 + W2> &v) {
    *lo_ = ap_int_base<W2, S2>(ap_uint<W2>(v));
    ap_uint<W1 + W2> h(v);
    h.shr_assign(W2);
    *hi_ = ap_int_base<W1, S1>(ap_uint<W1>(h));
  }
  ap_concat_ref &operator=(const ap_concat_ref &o) {
    assign_bits(o.get());
    return *this;
  }
  template <typename T> ap_concat_ref &operator=(const T &v) {
    assign_bits(ap_uint<W1 + W2>(v));
    return *this;
  }
};

//===----------------------------------------------------------------------===//
// Operators.
//===----------------------------------------------------------------------===//

namespace qopt_ap_detail {

/// Three-way comparison of the exact values.
template <int W1, bool S1, int W2, bool S2>
inline int cmp(const ap_int_base<W1, S1> &a, const ap_int_base<W2, S2> &b) {
  // Both extended to N words, where the top bit is the sign of either value.
  constexpr int N = nwords(imax(W1, W2) + 1);
  constexpr u64 flip = u64(1) << 63;
  u64 ta = a.word(N - 1) ^ flip, tb = b.word(N - 1) ^ flip;
  if (ta != tb)
    return ta < tb ? -1 : 1;
  for (int i = N - 2; i >= 0; --i) {
    u64 x = a.word(i), y = b.word(i);
    if (x != y)
      return x < y ? -1 : 1;
  }
  return 0;
}

template <class R, int W1, bool S1, int W2, bool S2>
inline R add(const ap_int_base<W1, S1> &a, const ap_int_base<W2, S2> &b) {
  R r(a), y(b);
  w_add<R::NW>(r.bits_, r.bits_, y.bits_);
  r.norm();
  return r;
}
template <class R, int W1, bool S1, int W2, bool S2>
inline R sub(const ap_int_base<W1, S1> &a, const ap_int_base<W2, S2> &b) {
  R r(a), y(b);
  w_sub<R::NW>(r.bits_, r.bits_, y.bits_);
  r.norm();
  return r;
}
template <class R, int W1, bool S1, int W2, bool S2>
inline R mul(const ap_int_base<W1, S1> &a, const ap_int_base<W2, S2> &b) {
  R r(a), y(b);
  w_mul<R::NW>(r.bits_, r.bits_, y.bits_);
  r.norm();
  return r;
}
template <class R, int W1, bool S1, int W2, bool S2>
inline R band(const ap_int_base<W1, S1> &a, const ap_int_base<W2, S2> &b) {
  R r(a), y(b);
  for (int i = 0; i < R::NW; ++i)
    r.bits_[i] &= y.bits_[i];
  r.norm();
  return r;
}
template <class R, int W1, bool S1, int W2, bool S2>
inline R bor(const ap_int_base<W1, S1> &a, const ap_int_base<W2, S2> &b) {
  R r(a), y(b);
  for (int i = 0; i < R::NW; ++i)
    r.bits_[i] |= y.bits_[i];
  r.norm();
  return r;
}
template <class R, int W1, bool S1, int W2, bool S2>
inline R bxor(const ap_int_base<W1, S1> &a, const ap_int_base<W2, S2> &b) {
  R r(a), y(b);
  for (int i = 0; i < R::NW; ++i)
    r.bits_[i] ^= y.bits_[i];
  r.norm();
  return r;
}

/// Truncating (C) division and remainder of the exact values.
template <int W1, bool S1, int W2, bool S2>
inline void divmod(const ap_int_base<W1, S1> &a, const ap_int_base<W2, S2> &b,
                   ap_int_base<imax(W1, W2) + 1, true> &q,
                   ap_int_base<imax(W1, W2) + 1, true> &r) {
  using C = ap_int_base<imax(W1, W2) + 1, true>;
  C x(a), y(b);
  bool nx = x.is_neg(), ny = y.is_neg();
  if (nx)
    x.neg_assign();
  if (ny)
    y.neg_assign();
  w_udivmod<C::NW>(q.bits_, r.bits_, x.bits_, y.bits_);
  q.norm();
  r.norm();
  if (nx != ny)
    q.neg_assign();
  if (nx)
    r.neg_assign();
}

/// Magnitude of a shift amount; sets `neg` when the amount is negative.
template <typename T> inline u64 shift_amount(T n, bool &neg) {
  using U = typename native_underlying<T>::type;
  U u = static_cast<U>(n);
  neg = false;
  if constexpr (std::is_signed<U>::value) {
    if (u < 0) {
      neg = true;
      return u64(0) - static_cast<u64>(static_cast<long long>(u));
    }
  }
  return static_cast<u64>(u);
}
template <int W, bool S>
inline u64 shift_amount(const ap_int_base<W, S> &n, bool &neg) {
  neg = n.is_neg();
  ap_int_base<W + 1, true> m(n);
  if (neg)
    m.neg_assign();
  for (int i = 1; i < ap_int_base<W + 1, true>::NW; ++i)
    if (m.bits_[i] != 0)
      return ~u64(0);
  return m.bits_[0];
}

} // namespace qopt_ap_detail

#define QOPT_AP_RTYPE(KIND)                                                    \
  qopt_ap_detail::int_t<qopt_ap_detail::rtype<W1, S1, W2, S2>::KIND##_w,       \
                        qopt_ap_detail::rtype<W1, S1, W2, S2>::KIND##_s>

#define QOPT_AP_NATIVE_ENABLE(T)                                               \
  typename std::enable_if<qopt_ap_detail::is_native_int<T>::value,             \
                          int>::type = 0
#define QOPT_AP_FLOAT_ENABLE(T)                                                \
  typename std::enable_if<std::is_floating_point<T>::value, int>::type = 0

// An ap operand and a native integer: the integer counts as an ap type of its
// own width. An ap operand and a floating value: computed in floating point.
#define QOPT_AP_BINARY_MIXED(OP)                                               \
  template <int W, bool S, typename T, QOPT_AP_NATIVE_ENABLE(T)>               \
  inline auto operator OP(const ap_int_base<W, S> &a, T b) {                   \
    return a OP typename qopt_ap_detail::native_ap<T>::type(b);                \
  }                                                                            \
  template <typename T, int W, bool S, QOPT_AP_NATIVE_ENABLE(T)>               \
  inline auto operator OP(T a, const ap_int_base<W, S> &b) {                   \
    return typename qopt_ap_detail::native_ap<T>::type(a) OP b;                \
  }
#define QOPT_AP_BINARY_FLOAT(OP)                                               \
  template <int W, bool S, typename T, QOPT_AP_FLOAT_ENABLE(T)>                \
  inline T operator OP(const ap_int_base<W, S> &a, T b) {                      \
    return static_cast<T>(a.to_double()) OP b;                                 \
  }                                                                            \
  template <typename T, int W, bool S, QOPT_AP_FLOAT_ENABLE(T)>                \
  inline T operator OP(T a, const ap_int_base<W, S> &b) {                      \
    return a OP static_cast<T>(b.to_double());                                 \
  }

#define QOPT_AP_BINARY(OP, KIND, FN)                                           \
  template <int W1, bool S1, int W2, bool S2>                                  \
  inline QOPT_AP_RTYPE(KIND) operator OP(const ap_int_base<W1, S1> &a,         \
                                         const ap_int_base<W2, S2> &b) {       \
    return qopt_ap_detail::FN<QOPT_AP_RTYPE(KIND)>(a, b);                      \
  }                                                                            \
  QOPT_AP_BINARY_MIXED(OP)

QOPT_AP_BINARY(+, plus, add)
QOPT_AP_BINARY(-, minus, sub)
QOPT_AP_BINARY(*, mult, mul)
QOPT_AP_BINARY(&, logic, band)
QOPT_AP_BINARY(|, logic, bor)
QOPT_AP_BINARY(^, logic, bxor)
QOPT_AP_BINARY_FLOAT(+)
QOPT_AP_BINARY_FLOAT(-)
QOPT_AP_BINARY_FLOAT(*)
QOPT_AP_BINARY_FLOAT(/)

/// Truncating division, as in C; a zero divisor gives 0 (C leaves it
/// undefined).
template <int W1, bool S1, int W2, bool S2>
inline QOPT_AP_RTYPE(div) operator/(const ap_int_base<W1, S1> &a,
                                    const ap_int_base<W2, S2> &b) {
  ap_int_base<qopt_ap_detail::imax(W1, W2) + 1, true> q, r;
  qopt_ap_detail::divmod(a, b, q, r);
  return QOPT_AP_RTYPE(div)(q);
}
/// Remainder with the sign of the dividend, as in C; a zero divisor gives
/// the dividend.
template <int W1, bool S1, int W2, bool S2>
inline QOPT_AP_RTYPE(mod) operator%(const ap_int_base<W1, S1> &a,
                                    const ap_int_base<W2, S2> &b) {
  ap_int_base<qopt_ap_detail::imax(W1, W2) + 1, true> q, r;
  qopt_ap_detail::divmod(a, b, q, r);
  return QOPT_AP_RTYPE(mod)(r);
}
QOPT_AP_BINARY_MIXED(/)
QOPT_AP_BINARY_MIXED(%)

#define QOPT_AP_COMPARE(OP)                                                    \
  template <int W1, bool S1, int W2, bool S2>                                  \
  inline bool operator OP(const ap_int_base<W1, S1> &a,                        \
                          const ap_int_base<W2, S2> &b) {                      \
    return qopt_ap_detail::cmp(a, b) OP 0;                                     \
  }                                                                            \
  template <int W, bool S, typename T, QOPT_AP_NATIVE_ENABLE(T)>               \
  inline bool operator OP(const ap_int_base<W, S> &a, T b) {                   \
    return a OP typename qopt_ap_detail::native_ap<T>::type(b);                \
  }                                                                            \
  template <typename T, int W, bool S, QOPT_AP_NATIVE_ENABLE(T)>               \
  inline bool operator OP(T a, const ap_int_base<W, S> &b) {                   \
    return typename qopt_ap_detail::native_ap<T>::type(a) OP b;                \
  }                                                                            \
  template <int W, bool S, typename T, QOPT_AP_FLOAT_ENABLE(T)>                \
  inline bool operator OP(const ap_int_base<W, S> &a, T b) {                   \
    return a.to_double() OP static_cast<double>(b);                            \
  }                                                                            \
  template <typename T, int W, bool S, QOPT_AP_FLOAT_ENABLE(T)>                \
  inline bool operator OP(T a, const ap_int_base<W, S> &b) {                   \
    return static_cast<double>(a) OP b.to_double();                            \
  }

QOPT_AP_COMPARE(==)
QOPT_AP_COMPARE(!=)
QOPT_AP_COMPARE(<)
QOPT_AP_COMPARE(<=)
QOPT_AP_COMPARE(>)
QOPT_AP_COMPARE(>=)

// Shifts keep the type of the left operand (bits shifted out are lost); >>
// is arithmetic for ap_int, logical for ap_uint. A negative (signed) shift
// amount shifts the other way.
template <int W, bool S, typename T, QOPT_AP_NATIVE_ENABLE(T)>
inline qopt_ap_detail::int_t<W, S> operator<<(const ap_int_base<W, S> &a, T n) {
  bool neg = false;
  qopt_ap_detail::u64 k = qopt_ap_detail::shift_amount(n, neg);
  qopt_ap_detail::int_t<W, S> r(a);
  if (neg)
    r.shr_assign(k);
  else
    r.shl_assign(k);
  return r;
}
template <int W, bool S, typename T, QOPT_AP_NATIVE_ENABLE(T)>
inline qopt_ap_detail::int_t<W, S> operator>>(const ap_int_base<W, S> &a, T n) {
  bool neg = false;
  qopt_ap_detail::u64 k = qopt_ap_detail::shift_amount(n, neg);
  qopt_ap_detail::int_t<W, S> r(a);
  if (neg)
    r.shl_assign(k);
  else
    r.shr_assign(k);
  return r;
}
template <int W, bool S, int W2, bool S2>
inline qopt_ap_detail::int_t<W, S> operator<<(const ap_int_base<W, S> &a,
                                              const ap_int_base<W2, S2> &n) {
  bool neg = false;
  qopt_ap_detail::u64 k = qopt_ap_detail::shift_amount(n, neg);
  qopt_ap_detail::int_t<W, S> r(a);
  if (neg)
    r.shr_assign(k);
  else
    r.shl_assign(k);
  return r;
}
template <int W, bool S, int W2, bool S2>
inline qopt_ap_detail::int_t<W, S> operator>>(const ap_int_base<W, S> &a,
                                              const ap_int_base<W2, S2> &n) {
  bool neg = false;
  qopt_ap_detail::u64 k = qopt_ap_detail::shift_amount(n, neg);
  qopt_ap_detail::int_t<W, S> r(a);
  if (neg)
    r.shl_assign(k);
  else
    r.shr_assign(k);
  return r;
}

// Unary operators. Negation widens by one bit and is signed (so that
// -ap_int<8>(-128) is 128); ~ keeps the type.
template <int W, bool S>
inline qopt_ap_detail::int_t<W + 1, true>
operator-(const ap_int_base<W, S> &a) {
  qopt_ap_detail::int_t<W + 1, true> r(a);
  r.neg_assign();
  return r;
}
template <int W, bool S>
inline qopt_ap_detail::int_t<W, S> operator+(const ap_int_base<W, S> &a) {
  return qopt_ap_detail::int_t<W, S>(a);
}
template <int W, bool S>
inline qopt_ap_detail::int_t<W, S> operator~(const ap_int_base<W, S> &a) {
  qopt_ap_detail::int_t<W, S> r(a);
  r.invert_assign();
  return r;
}
template <int W, bool S> inline bool operator!(const ap_int_base<W, S> &a) {
  return a.iszero();
}

// Compound assignments: the full-width result wraps into the left operand.
#define QOPT_AP_COMPOUND(OPEQ, OP)                                             \
  template <typename A, typename T,                                            \
            typename std::enable_if<qopt_ap_detail::is_ap_int<A>::value,       \
                                    int>::type = 0>                            \
  inline A &operator OPEQ(A &a, const T &t) {                                  \
    a = A(a OP t);                                                             \
    return a;                                                                  \
  }
QOPT_AP_COMPOUND(+=, +)
QOPT_AP_COMPOUND(-=, -)
QOPT_AP_COMPOUND(*=, *)
QOPT_AP_COMPOUND(/=, /)
QOPT_AP_COMPOUND(%=, %)
QOPT_AP_COMPOUND(&=, &)
QOPT_AP_COMPOUND(|=, |)
QOPT_AP_COMPOUND(^=, ^)
QOPT_AP_COMPOUND(<<=, <<)
QOPT_AP_COMPOUND(>>=, >>)

template <typename A, typename std::enable_if<
                          qopt_ap_detail::is_ap_int<A>::value, int>::type = 0>
inline A &operator++(A &a) {
  a.inc();
  return a;
}
template <typename A, typename std::enable_if<
                          qopt_ap_detail::is_ap_int<A>::value, int>::type = 0>
inline A &operator--(A &a) {
  a.dec();
  return a;
}
template <typename A, typename std::enable_if<
                          qopt_ap_detail::is_ap_int<A>::value, int>::type = 0>
inline A operator++(A &a, int) {
  A old(a);
  a.inc();
  return old;
}
template <typename A, typename std::enable_if<
                          qopt_ap_detail::is_ap_int<A>::value, int>::type = 0>
inline A operator--(A &a, int) {
  A old(a);
  a.dec();
  return old;
}

// Concatenation: (hi, lo). Of two lvalues it is also assignable.
template <int W1, bool S1, int W2, bool S2>
inline ap_concat_ref<W1, S1, W2, S2> operator,(ap_int_base<W1, S1> &hi,
                                               ap_int_base<W2, S2> &lo) {
  return ap_concat_ref<W1, S1, W2, S2>(&hi, &lo);
}
template <int W1, bool S1, int W2, bool S2>
inline ap_uint<W1 + W2> operator,(const ap_int_base<W1, S1> &hi,
                                  const ap_int_base<W2, S2> &lo) {
  return hi.concat(lo);
}
template <typename R, int W2, bool S2,
          typename std::enable_if<qopt_ap_detail::is_ref_like<R>::value,
                                  int>::type = 0>
inline auto operator,(const R &hi, const ap_int_base<W2, S2> &lo) {
  return hi.get().concat(lo);
}
template <int W1, bool S1, typename R,
          typename std::enable_if<qopt_ap_detail::is_ref_like<R>::value,
                                  int>::type = 0>
inline auto operator,(const ap_int_base<W1, S1> &hi, const R &lo) {
  return hi.concat(lo.get());
}

// Range and concatenation references in expressions: their value.
#define QOPT_AP_REF_BINARY(OP)                                                 \
  template <                                                                   \
      typename R, typename T,                                                  \
      typename std::enable_if<qopt_ap_detail::is_ref_like<R>::value &&         \
                                  !qopt_ap_detail::is_ref_like<T>::value,      \
                              int>::type = 0>                                  \
  inline auto operator OP(const R &r, const T &t)->decltype(r.get() OP t) {    \
    return r.get() OP t;                                                       \
  }                                                                            \
  template <typename T, typename R,                                            \
            typename std::enable_if<!qopt_ap_detail::is_ref_like<T>::value &&  \
                                        qopt_ap_detail::is_ref_like<R>::value, \
                                    int>::type = 0>                            \
  inline auto operator OP(const T &t, const R &r)->decltype(t OP r.get()) {    \
    return t OP r.get();                                                       \
  }                                                                            \
  template <                                                                   \
      typename R1, typename R2,                                                \
      typename std::enable_if<qopt_ap_detail::is_ref_like<R1>::value &&        \
                                  qopt_ap_detail::is_ref_like<R2>::value,      \
                              int>::type = 0>                                  \
  inline auto operator OP(const R1 &a, const R2 &b)                            \
      ->decltype(a.get() OP b.get()) {                                         \
    return a.get() OP b.get();                                                 \
  }
QOPT_AP_REF_BINARY(+)
QOPT_AP_REF_BINARY(-)
QOPT_AP_REF_BINARY(*)
QOPT_AP_REF_BINARY(/)
QOPT_AP_REF_BINARY(%)
QOPT_AP_REF_BINARY(&)
QOPT_AP_REF_BINARY(|)
QOPT_AP_REF_BINARY(^)
QOPT_AP_REF_BINARY(<<)
QOPT_AP_REF_BINARY(>>)
QOPT_AP_REF_BINARY(==)
QOPT_AP_REF_BINARY(!=)
QOPT_AP_REF_BINARY(<)
QOPT_AP_REF_BINARY(<=)
QOPT_AP_REF_BINARY(>)
QOPT_AP_REF_BINARY(>=)

/// Prints the decimal value (std::hex / std::oct print the W raw bits).
template <int W, bool S>
inline std::ostream &operator<<(std::ostream &os, const ap_int_base<W, S> &v) {
  std::ios_base::fmtflags base = os.flags() & std::ios_base::basefield;
  if (base == std::ios_base::hex)
    return os << v.qopt_raw_string(4);
  if (base == std::ios_base::oct)
    return os << v.qopt_raw_string(3);
  return os << v.qopt_dec_string();
}
template <typename R, typename std::enable_if<
                          qopt_ap_detail::is_ref_like<R>::value, int>::type = 0>
inline std::ostream &operator<<(std::ostream &os, const R &r) {
  return os << r.get();
}
template <int W, bool S>
inline std::ostream &operator<<(std::ostream &os, const ap_bit_ref<W, S> &b) {
  return os << (b.to_bool() ? 1 : 0);
}

#undef QOPT_AP_REF_BINARY
#undef QOPT_AP_COMPOUND
#undef QOPT_AP_COMPARE
#undef QOPT_AP_BINARY
#undef QOPT_AP_BINARY_FLOAT
#undef QOPT_AP_BINARY_MIXED
#undef QOPT_AP_FLOAT_ENABLE
#undef QOPT_AP_NATIVE_ENABLE
#undef QOPT_AP_RTYPE

#endif // QOPT_HLS_AP_INT_H
