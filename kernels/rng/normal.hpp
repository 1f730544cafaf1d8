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
#include "kernels/rng/stream_layout.hpp"

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

struct normal_pair {
  float first, second;
};

LEVRISK_HD LEVRISK_FORCEINLINE normal_pair box_muller(std::uint32_t radius_word,
                                                      std::uint32_t angle_word) {
  const float radius = std::sqrt(-2.0f * log_float(uniform_open_closed(radius_word)));
  const sin_cos angle = sincos_2pi(uniform_closed_open(angle_word));
  return normal_pair{radius * angle.cos, radius * angle.sin};
}

LEVRISK_HD LEVRISK_FORCEINLINE normal4 normals_from_block(u32x4 block) {
  const normal_pair a = box_muller(block.x, block.y);
  const normal_pair b = box_muller(block.z, block.w);
  return normal4{a.first, a.second, b.first, b.second};
}

// Draws of a path are addressed by (seed, path, chunk, block): block b of chunk c
// is Philox block normal_block_base + c * blocks_per_chunk + b of subsequence
// `path` (kernels/rng/stream_layout.hpp). A model decides what a chunk holds
// (kernels/paths/innovations.hpp: four steps).
struct normal_stream {
  std::uint64_t seed;
  int blocks_per_chunk;
};

LEVRISK_HD LEVRISK_FORCEINLINE normal4 stream_normals(const normal_stream& stream,
                                                      std::uint64_t path, int chunk, int block) {
  const std::uint64_t block_index =
      normal_block_base +
      static_cast<std::uint64_t>(chunk) * static_cast<std::uint64_t>(stream.blocks_per_chunk) +
      static_cast<std::uint64_t>(block);
  return normals_from_block(philox_block(stream.seed, path, block_index));
}

}  // namespace levrisk
