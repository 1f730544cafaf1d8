#pragma once
// Where each draw of a path lives in its Philox subsequence. Every path owns
// subsequence `path` (kernels/rng/philox.hpp); within it the 64-bit block index
// is split into four regions, one per kind of draw, so that no two draws of a
// path ever share a block whatever the model, asset count or step count:
//
//   region                first block          blocks used (n assets, S steps)
//   diffusion normals     0                    ceil(S / 4) (n + 1)
//   first jump waits      2^62                 n + 1 (one per jump slot)
//   jumps                 2^63                 S (n + 1): block of (step, slot)
//   bootstrap dates       3 2^62               S: block of the step
//   oracle feed noise     3 2^62 + 2^61        G S n 2: block of (oracle, step, asset, feed / 4)
//
// docs/methodology.md has the same table. The static_asserts below check that
// each region ends before the next begins for the largest supported shape.

#include "kernels/common.hpp"

namespace levrisk {

// Supported shapes: the configuration refuses anything larger.
constexpr int max_assets = 32;
constexpr int max_steps = 1000000;

constexpr std::uint64_t normal_block_base = 0;
constexpr std::uint64_t jump_start_block_base = 1ull << 62;
constexpr std::uint64_t jump_block_base = 1ull << 63;
constexpr std::uint64_t history_block_base = 3ull << 62;
constexpr std::uint64_t oracle_block_base = (3ull << 62) + (1ull << 61);

// Jump slots: one per asset, then the systemic one.
constexpr std::uint64_t max_jump_slots = max_assets + 1;
// Oracle feeds per asset, and Philox blocks of their noise per (step, asset).
constexpr int max_oracle_feeds = 8;
constexpr std::uint64_t oracle_blocks_per_asset = (max_oracle_feeds + 3) / 4;
// Oracles a run may hold: the default one, and one per venue that reads its own
// ([oracle.venues.ID]), numbered from 0 (the default).
constexpr int max_oracle_groups = 4;
// Normals per step: one per asset, plus the GARCH mixing normal.
constexpr std::uint64_t max_normals_per_step = max_assets + 1;

// One past the last block each region can use.
constexpr std::uint64_t normal_blocks_end =
    normal_block_base + (static_cast<std::uint64_t>(max_steps) + 3) / 4 * max_normals_per_step;
constexpr std::uint64_t jump_start_blocks_end = jump_start_block_base + max_jump_slots;
constexpr std::uint64_t jump_blocks_end =
    jump_block_base + static_cast<std::uint64_t>(max_steps) * max_jump_slots;
constexpr std::uint64_t history_blocks_end =
    history_block_base + static_cast<std::uint64_t>(max_steps);

static_assert(normal_blocks_end <= jump_start_block_base, "normals overlap the first jump waits");
static_assert(jump_start_blocks_end <= jump_block_base, "first jump waits overlap the jumps");
static_assert(jump_blocks_end <= history_block_base, "jumps overlap the bootstrap dates");
constexpr std::uint64_t oracle_blocks_end =
    oracle_block_base +
    static_cast<std::uint64_t>(max_oracle_groups) * (max_steps + 1) * max_assets *
        oracle_blocks_per_asset;

static_assert(history_blocks_end <= oracle_block_base, "bootstrap dates overlap the oracle noise");
static_assert(oracle_blocks_end > oracle_block_base, "oracle noise wraps past 2^64");

}  // namespace levrisk
