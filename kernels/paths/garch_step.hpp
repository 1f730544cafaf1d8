#pragma once
// GARCH(1,1) with standardized Student-t innovations (Bollerslev 1986, 1987),
// per asset, one step per period of the parameters:
//   r = sqrt(h) eps,   h' = omega + alpha r^2 + beta h,
//   eps_k = g_k sqrt((nu_k - 2) / W_k),  W_k ~ chi^2(nu_k) independent,
// with g = L z correlated standard normals. Each eps_k is exactly a unit-variance
// t(nu_k); the independent mixing scales the correlation of eps by
// c_j c_k, c = E[sqrt((nu - 2) / W)], which models/garch.hpp divides out of
// the normals' correlation beforehand, so eps has the configured correlation.
//
// W = 2 Gamma(nu / 2) by Marsaglia & Tsang (2000): for shape a >= 1, with
// d = a - 1/3, c = 1 / sqrt(9 d): draw z, u; v = (1 + c z)^3; accept d v when
// v > 0 and ln u < z^2 / 2 + d - d v + d ln v. Each try reads its own Philox
// block (normal from words x, y; uniform from word z), so draws stay addressed
// by (path, step, asset, try). Acceptance exceeds 0.95; after gamma_tries
// rejections (probability below 1e-10) the last candidate is kept.

#include "kernels/common.hpp"
#include "kernels/math/float_math.hpp"
#include "kernels/rng/normal.hpp"

namespace levrisk {

constexpr int gamma_tries = 8;
// Gamma draws of step s, asset k, try i: block gamma_block_base + (s n + k) gamma_tries + i.
constexpr std::uint64_t gamma_block_base = (1ull << 62) + (1ull << 61);

struct garch_view {
  int enabled;
  const float* omega;  // per period
  const float* alpha;
  const float* beta;
  const float* variance_now;  // h at the snapshot, per period
  const float* nu_minus_2;    // nu - 2
  const float* gamma_d;       // nu / 2 - 1 / 3
  const float* gamma_c;       // 1 / sqrt(9 d)
};

struct gamma_attempt {
  float candidate;  // d v, meaningful when valid
  int valid;        // 1 + c z > 0
  int accepted;
};

// One Marsaglia-Tsang try; branch-free so that a lane loop of first tries vectorizes.
LEVRISK_HD LEVRISK_FORCEINLINE gamma_attempt gamma_try(std::uint64_t seed, std::uint64_t path,
                                                       std::uint64_t block, float d, float c) {
  const u32x4 w = philox_block(seed, path, block);
  const float z = box_muller(w.x, w.y).first;
  const float u = uniform_open_closed(w.z);
  const float root = 1.0f + c * z;
  const int valid = root > 0.0f ? 1 : 0;
  const float v = valid ? root * root * root : 1.0f;
  const float candidate = d * v;
  const int accepted =
      valid && log_float(u) < 0.5f * z * z + d - candidate + d * log_float(v) ? 1 : 0;
  return gamma_attempt{candidate, valid, accepted};
}

// chi^2(nu) = 2 Gamma(nu / 2) for one (path, step, asset): the first accepted try.
LEVRISK_HD inline float chi_square_draw(std::uint64_t seed, std::uint64_t path,
                                        std::uint64_t first_block, float d, float c) {
  float candidate = d;
  for (int attempt = 0; attempt < gamma_tries; ++attempt) {
    const gamma_attempt a =
        gamma_try(seed, path, first_block + static_cast<std::uint64_t>(attempt), d, c);
    if (a.valid) candidate = a.candidate;
    if (a.accepted) break;
  }
  return 2.0f * candidate;
}

}  // namespace levrisk
