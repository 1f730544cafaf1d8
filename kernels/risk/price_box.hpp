#pragma once
// The screen stage's state: each asset's lowest and highest log-return along a
// block of paths. At the path's end they become the price box [e^min, e^max]
// that the screen (kernels/risk/screen.hpp) tests the multi-asset units against.

#include "kernels/common.hpp"
#include "kernels/math/float_math.hpp"

namespace levrisk {

template <int Lanes, int MaxAssets>
struct price_box {
  // Log-returns while the path runs; growth factors e^x after box_close.
  float low[MaxAssets][Lanes];
  float high[MaxAssets][Lanes];
};

template <int Lanes, int MaxAssets>
LEVRISK_HD LEVRISK_FORCEINLINE void box_begin(int n_assets, price_box<Lanes, MaxAssets>& box) {
  for (int k = 0; k < n_assets; ++k) {
    for (int lane = 0; lane < Lanes; ++lane) box.low[k][lane] = box.high[k][lane] = 0.0f;
  }
}

template <int Lanes, int MaxAssets>
LEVRISK_HD LEVRISK_FORCEINLINE void box_update(int n_assets,
                                               const float (&log_return)[MaxAssets][Lanes],
                                               price_box<Lanes, MaxAssets>& box) {
  for (int k = 0; k < n_assets; ++k) {
    LEVRISK_SIMD
    for (int lane = 0; lane < Lanes; ++lane) {
      const float x = log_return[k][lane];
      box.low[k][lane] = x < box.low[k][lane] ? x : box.low[k][lane];
      box.high[k][lane] = x > box.high[k][lane] ? x : box.high[k][lane];
    }
  }
}

// Log-returns to growth factors, in place: the box's prices over the snapshot's.
template <int Lanes, int MaxAssets>
LEVRISK_HD LEVRISK_FORCEINLINE void box_close(int n_assets, price_box<Lanes, MaxAssets>& box) {
  for (int k = 0; k < n_assets; ++k) {
    for (int lane = 0; lane < Lanes; ++lane) {
      box.low[k][lane] = exp_float(box.low[k][lane]);
      box.high[k][lane] = exp_float(box.high[k][lane]);
    }
  }
}

}  // namespace levrisk
