// Filtered historical simulation in the market step: whole dates resampled
// (the cross-section stays together), the marginal quantiles of the rescaled
// residuals reproduced, and blocks of consecutive dates.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "kernels/paths/market_step.hpp"

namespace levrisk {
namespace {

struct history_market {
  std::vector<float> residual;  // [date * 2 + k]
  std::vector<float> drift{0.001f, -0.002f};
  std::vector<float> vol{0.5f, 2.0f};
  std::vector<float> cholesky{1.0f, 0.0f, 0.0f, 1.0f};
  market_view view(int block_length) const {
    market_view m{};
    m.kind = market_kind::historical;
    m.diffusion = gbm_view{2, drift.data(), vol.data(), cholesky.data()};
    m.history = fhs_view{residual.data(), static_cast<int>(residual.size() / 2), block_length};
    return m;
  }
};

// Heavy-tailed, skewed residuals, as a crypto history's would be.
history_market make_market(int dates) {
  history_market h;
  std::mt19937_64 engine(7);
  std::student_t_distribution<double> t(3.0);
  for (int d = 0; d < dates; ++d) {
    const double a = t(engine);
    h.residual.push_back(static_cast<float>(a < 0 ? 1.5 * a : a));
    h.residual.push_back(static_cast<float>(0.8 * a + 0.2 * t(engine)));
  }
  return h;
}

// x after `steps` steps for paths [0, paths), asset k.
template <int Lanes>
std::vector<float> simulate(const market_view& m, int steps, std::int64_t paths, int k) {
  const normal_stream stream{99u, normals_per_step(m)};
  std::vector<float> out;
  for (std::int64_t first = 0; first < paths; first += Lanes) {
    market_state<Lanes, 2> state{};
    market_begin(m, stream, static_cast<std::uint64_t>(first), state);
    for (int s = 0; s < steps; ++s) {
      market_step(m, stream, static_cast<std::uint64_t>(first), s, state);
    }
    for (int lane = 0; lane < Lanes; ++lane) out.push_back(state.log_return[k][lane]);
  }
  return out;
}

TEST(HistoryStep, EachStepIsOneWholeDateOfTheTable) {
  const history_market h = make_market(50);
  const market_view m = h.view(1);
  const std::vector<float> a = simulate<16>(m, 1, 4096, 0);
  const std::vector<float> b = simulate<16>(m, 1, 4096, 1);
  for (std::size_t p = 0; p < a.size(); ++p) {
    bool found = false;
    for (int d = 0; d < 50 && !found; ++d) {
      found = a[p] == h.drift[0] + h.vol[0] * h.residual[2 * d] &&
              b[p] == h.drift[1] + h.vol[1] * h.residual[2 * d + 1];
    }
    ASSERT_TRUE(found) << "path " << p << " mixes dates across assets";
  }
}

// Quantiles q of the simulated one-step returns, rescaled, against the table's:
// the fraction of simulated values below the table's q-quantile is binomial
// with mean q (up to the table's discreteness, 1/dates). Tolerance 4 se.
TEST(HistoryStep, ReproducesTheMarginalQuantilesOfTheHistory) {
  const int dates = 2000;
  const history_market h = make_market(dates);
  const std::int64_t paths = 160000;
  const std::vector<float> x = simulate<16>(h.view(1), 1, paths, 0);
  std::vector<float> table;
  for (int d = 0; d < dates; ++d) table.push_back(h.drift[0] + h.vol[0] * h.residual[2 * d]);
  std::sort(table.begin(), table.end());
  for (const double q : {0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99}) {
    const float level = table[static_cast<std::size_t>(q * dates)];
    const double expected = static_cast<double>(static_cast<std::size_t>(q * dates)) / dates;
    const double below =
        static_cast<double>(std::count_if(x.begin(), x.end(), [&](float v) { return v < level; })) /
        static_cast<double>(paths);
    const double se = std::sqrt(expected * (1 - expected) / static_cast<double>(paths));
    EXPECT_NEAR(below, expected, 4.0 * se + 1e-12) << "q = " << q;
  }
}

TEST(HistoryStep, BlocksAreConsecutiveDatesAndWrap) {
  const history_market h = make_market(7);
  const market_view m = h.view(3);
  const normal_stream stream{5u, normals_per_step(m)};
  for (std::uint64_t path = 0; path < 64; ++path) {
    market_state<1, 2> state{};
    market_begin(m, stream, path, state);
    int previous = -1;
    for (int s = 0; s < 9; ++s) {
      market_step(m, stream, path, s, state);
      if (s % 3 != 0) {
        EXPECT_EQ(state.date[0], (previous + 1) % 7) << "path " << path;
      }
      previous = state.date[0];
    }
  }
}

TEST(HistoryStep, SameBitsForOneLaneAndSixteen) {
  const history_market h = make_market(300);
  const market_view m = h.view(4);
  EXPECT_EQ(simulate<16>(m, 37, 64, 1), simulate<1>(m, 37, 64, 1));
}

}  // namespace
}  // namespace levrisk
