#pragma once
// Standard normal variates from the Philox stream by the Box-Muller transform
// (Box & Muller 1958) over kernels/math/float_math.hpp, bit-identical on both
// backends. Each Philox block of four 32-bit words gives four normals:
// words (x, y) -> (r cos t, r sin t), words (z, w) likewise, with
// r = sqrt(-2 ln u1), t = 2 pi u2 and 24-bit uniforms
// u1 = (hi24(word) + 1) 2^-24 in (0, 1], u2 = hi24(word) 2^-24 in [0, 1).
// The 24-bit grid bounds |z| by sqrt(2 ln 2^24) = 5.77: it truncates the normal
// beyond a tail probability of 8e-9 per draw.

#include "kernels/common.hpp"
#include "kernels/math/float_math.hpp"
#include "kernels/rng/philox.hpp"

namespace levrisk {

constexpr float uniform24_scale = 5.9604644775390625e-8f;  // 2^-24

LEVRISK_HD LEVRISK_FORCEINLINE float uniform_open_closed(std::uint32_t word) {
  return static_cast<float>((word >> 8) + 1u) * uniform24_scale;
}

LEVRISK_HD LEVRISK_FORCEINLINE float uniform_closed_open(std::uint32_t word) {
  return static_cast<float>(word >> 8) * uniform24_scale;
}

struct normal4 {
  float z0, z1, z2, z3;
};

LEVRISK_HD LEVRISK_FORCEINLINE void box_muller(std::uint32_t radius_word, std::uint32_t angle_word,
                                               float* first, float* second) {
  const float radius = std::sqrt(-2.0f * log_float(uniform_open_closed(radius_word)));
  float sin_angle, cos_angle;
  sincos_2pi(uniform_closed_open(angle_word), &sin_angle, &cos_angle);
  *first = radius * cos_angle;
  *second = radius * sin_angle;
}

LEVRISK_HD LEVRISK_FORCEINLINE normal4 normals_from_block(u32x4 block) {
  normal4 n;
  box_muller(block.x, block.y, &n.z0, &n.z1);
  box_muller(block.z, block.w, &n.z2, &n.z3);
  return n;
}

// Draws of a path are addressed by (seed, path, step, draw): draw j of step s is
// normal j % 4 of block s * blocks_per_step + j / 4 of subsequence `path`.
struct normal_stream {
  std::uint64_t seed;
  int blocks_per_step;  // ceil(draws per step / 4)
};

LEVRISK_HD LEVRISK_FORCEINLINE normal4 stream_normals(const normal_stream& stream,
                                                      std::uint64_t path, int step, int block) {
  const std::uint64_t block_index =
      static_cast<std::uint64_t>(step) * static_cast<std::uint64_t>(stream.blocks_per_step) +
      static_cast<std::uint64_t>(block);
  return normals_from_block(philox_block(stream.seed, path, block_index));
}

}  // namespace levrisk
