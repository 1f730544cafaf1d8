// Philox4x32-10: Random123's known-answer vectors, and bit-equality with
// cuRAND's own Philox (host generator, runs without a GPU) when libcurand is present.

#include "kernels/rng/philox.hpp"

#include <gtest/gtest.h>

#include <vector>

#if defined(LEVRISK_HAVE_CURAND)
#include <curand.h>
#endif

namespace levrisk {
namespace {

// Random123 1.14, examples/kat_vectors: philox4x32_10 lines.
TEST(Philox, RandomKnownAnswerZero) {
  const u32x4 r = philox4x32_10(u32x4{0, 0, 0, 0}, philox_key{0, 0});
  EXPECT_EQ(r.x, 0x6627e8d5u);
  EXPECT_EQ(r.y, 0xe169c58du);
  EXPECT_EQ(r.z, 0xbc57ac4cu);
  EXPECT_EQ(r.w, 0x9b00dbd8u);
}

TEST(Philox, RandomKnownAnswerOnes) {
  const u32x4 r = philox4x32_10(u32x4{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu},
                                philox_key{0xffffffffu, 0xffffffffu});
  EXPECT_EQ(r.x, 0x408f276du);
  EXPECT_EQ(r.y, 0x41c83b0eu);
  EXPECT_EQ(r.z, 0xa20bc7c6u);
  EXPECT_EQ(r.w, 0x6d5451fdu);
}

TEST(Philox, RandomKnownAnswerPi) {
  const u32x4 r = philox4x32_10(u32x4{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u},
                                philox_key{0xa4093822u, 0x299f31d0u});
  EXPECT_EQ(r.x, 0xd16cfe09u);
  EXPECT_EQ(r.y, 0x94fdccebu);
  EXPECT_EQ(r.z, 0x5001e420u);
  EXPECT_EQ(r.w, 0x24126ea1u);
}

TEST(Philox, BlockAddressingPutsSeedInKeyAndPathInHighCounterWords) {
  const std::uint64_t seed = 0x0123456789abcdefull;
  const std::uint64_t path = 0x00000007fffffff5ull;
  const std::uint64_t block = 0x0000000300000002ull;
  const u32x4 expected =
      philox4x32_10(u32x4{2u, 3u, 0xfffffff5u, 7u}, philox_key{0x89abcdefu, 0x01234567u});
  const u32x4 r = philox_block(seed, path, block);
  EXPECT_EQ(r.x, expected.x);
  EXPECT_EQ(r.y, expected.y);
  EXPECT_EQ(r.z, expected.z);
  EXPECT_EQ(r.w, expected.w);
}

#if defined(LEVRISK_HAVE_CURAND)
// cuRAND's host generator (CUDA 13, default ordering) emits block b of its
// output from subsequence b mod 65536 at block index b div 65536 (docs/methodology.md,
// random stream); this test is what establishes it, block by block.
TEST(Philox, BitIdenticalToCurandHostGenerator) {
  const std::uint64_t seed = 20261124ull;
  const std::size_t blocks = 3 * 65536 + 17;
  curandGenerator_t generator = nullptr;
  const curandStatus_t created =
      curandCreateGeneratorHost(&generator, CURAND_RNG_PSEUDO_PHILOX4_32_10);
  if (created != CURAND_STATUS_SUCCESS) {
    GTEST_SKIP() << "cuRAND host generator unavailable (status " << created << ")";
  }
  ASSERT_EQ(curandSetPseudoRandomGeneratorSeed(generator, seed), CURAND_STATUS_SUCCESS);
  std::vector<unsigned int> words(4 * blocks);
  ASSERT_EQ(curandGenerate(generator, words.data(), words.size()), CURAND_STATUS_SUCCESS);
  curandDestroyGenerator(generator);
  std::size_t mismatches = 0;
  for (std::size_t b = 0; b < blocks; ++b) {
    const u32x4 r = philox_block(seed, b % 65536, b / 65536);
    mismatches += (r.x != words[4 * b]) + (r.y != words[4 * b + 1]) + (r.z != words[4 * b + 2]) +
                  (r.w != words[4 * b + 3]);
  }
  EXPECT_EQ(mismatches, 0u);
}
#endif

}  // namespace
}  // namespace levrisk
