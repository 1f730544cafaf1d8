#include "models/correlation.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace levrisk {
namespace {

// A context as the config loader passes it: file, line, table.
const std::string context = "configs/nightly.toml:12: model";
const std::vector<std::string> btc_eth_sol = {"BTC", "ETH", "SOL"};

// Higham (2002), section 4: the nearest correlation matrix to this one is known.
const std::vector<double> higham_matrix = {1, 1, 0, 1, 1, 1, 0, 1, 1};
const std::vector<double> higham_nearest = {1,      0.7607, 0.1573, 0.7607, 1,
                                            0.7607, 0.1573, 0.7607, 1};

std::size_t entries(int n) {
  return static_cast<std::size_t>(n) * static_cast<std::size_t>(n);
}

std::string message_of(const std::vector<double>& matrix, const std::vector<std::string>& ids,
                       bool repair = false) {
  try {
    validated_correlation(matrix, ids, repair, context);
  } catch (const input_error& error) {
    return error.what();
  }
  return "(no error)";
}

std::vector<double> multiply_transpose(const std::vector<double>& lower, int n) {
  std::vector<double> product(entries(n), 0.0);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      for (int k = 0; k < n; ++k) product[i * n + j] += lower[i * n + k] * lower[j * n + k];
    }
  }
  return product;
}

double max_abs_difference(const std::vector<double>& a, const std::vector<double>& b) {
  double result = 0.0;
  for (std::size_t k = 0; k < a.size(); ++k) result = std::max(result, std::abs(a[k] - b[k]));
  return result;
}

double frobenius_distance(const std::vector<double>& a, const std::vector<double>& b) {
  double sum = 0.0;
  for (std::size_t k = 0; k < a.size(); ++k) sum += (a[k] - b[k]) * (a[k] - b[k]);
  return std::sqrt(sum);
}

// B B^T + n I: symmetric positive definite, entries of order one.
std::vector<double> random_spd(int n, std::mt19937_64& rng) {
  std::normal_distribution<double> normal;
  std::vector<double> b(entries(n));
  for (double& value : b) value = normal(rng);
  std::vector<double> a = multiply_transpose(b, n);
  for (int i = 0; i < n; ++i) a[i * n + i] += n;
  return a;
}

TEST(SymmetricEigenvalues, TwoByTwoCorrelationIsOneMinusAndPlusRho) {
  for (double rho : {-0.9, -0.3, 0.0, 0.5, 0.99}) {
    const std::vector<double> eigenvalues = symmetric_eigenvalues({1, rho, rho, 1}, 2);
    ASSERT_EQ(eigenvalues.size(), 2u);
    EXPECT_NEAR(eigenvalues[0], 1 - std::abs(rho), 1e-15) << "rho " << rho;
    EXPECT_NEAR(eigenvalues[1], 1 + std::abs(rho), 1e-15) << "rho " << rho;
  }
}

TEST(SymmetricEigenvalues, SecondDifferenceMatrixHasCosineSpectrum) {
  // tridiag(-1, 2, -1) of order n: eigenvalues 2 - 2 cos(k pi / (n + 1)), k = 1..n.
  for (int n : {3, 10, 40}) {
    std::vector<double> a(entries(n), 0.0);
    for (int i = 0; i < n; ++i) {
      a[i * n + i] = 2.0;
      if (i + 1 < n) a[i * n + i + 1] = a[(i + 1) * n + i] = -1.0;
    }
    const std::vector<double> eigenvalues = symmetric_eigenvalues(a, n);
    ASSERT_EQ(eigenvalues.size(), static_cast<std::size_t>(n));
    for (int k = 1; k <= n; ++k) {
      EXPECT_NEAR(eigenvalues[k - 1], 2.0 - 2.0 * std::cos(k * std::acos(-1.0) / (n + 1)), 1e-13)
          << "n " << n << ", k " << k;
    }
  }
}

TEST(SymmetricEigenvalues, HighamMatrixHasEigenvaluesOneAndOnePlusMinusRootTwo) {
  const std::vector<double> eigenvalues = symmetric_eigenvalues(higham_matrix, 3);
  EXPECT_NEAR(eigenvalues[0], 1 - std::sqrt(2.0), 1e-14);
  EXPECT_NEAR(eigenvalues[1], 1.0, 1e-14);
  EXPECT_NEAR(eigenvalues[2], 1 + std::sqrt(2.0), 1e-14);
}

TEST(SymmetricEigenvalues, RandomMatrixKeepsTraceAndFrobeniusNorm) {
  std::mt19937_64 rng(20240611);
  std::normal_distribution<double> normal;
  const int n = 25;
  std::vector<double> a(entries(n));
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j <= i; ++j) a[i * n + j] = a[j * n + i] = normal(rng);
  }
  const std::vector<double> eigenvalues = symmetric_eigenvalues(a, n);
  EXPECT_TRUE(std::is_sorted(eigenvalues.begin(), eigenvalues.end()));
  double trace = 0.0, frobenius_squared = 0.0, sum = 0.0, sum_squares = 0.0;
  for (int i = 0; i < n; ++i) trace += a[i * n + i];
  for (double value : a) frobenius_squared += value * value;
  for (double lambda : eigenvalues) {
    sum += lambda;
    sum_squares += lambda * lambda;
  }
  EXPECT_NEAR(sum, trace, 1e-12);
  EXPECT_NEAR(sum_squares, frobenius_squared, 1e-10);
}

TEST(SymmetricEigenvalues, RejectsWrongSize) {
  EXPECT_THROW(symmetric_eigenvalues({1, 0, 0}, 2), input_error);
}

TEST(CholeskyLower, ReconstructsRandomPositiveDefiniteMatrices) {
  std::mt19937_64 rng(7);
  for (int n : {1, 2, 5, 20}) {
    const std::vector<double> a = random_spd(n, rng);
    const std::vector<double> lower = cholesky_lower(a, n);
    for (int i = 0; i < n; ++i) {
      EXPECT_GT(lower[i * n + i], 0.0);
      for (int j = i + 1; j < n; ++j) EXPECT_EQ(lower[i * n + j], 0.0);
    }
    EXPECT_LT(max_abs_difference(multiply_transpose(lower, n), a), 1e-12 * n) << "n " << n;
  }
}

TEST(CholeskyLower, PerfectlyCorrelatedAssetsGiveAZeroColumn) {
  // BTC and WBTC move together; SOL is correlated 0.3 with both.
  const std::vector<double> a = {1, 1, 0.3, 1, 1, 0.3, 0.3, 0.3, 1};
  const std::vector<double> lower = cholesky_lower(a, 3);
  EXPECT_EQ(lower[1 * 3 + 1], 0.0);
  EXPECT_EQ(lower[2 * 3 + 1], 0.0);
  EXPECT_NEAR(lower[2 * 3 + 2], std::sqrt(1 - 0.09), 1e-15);
  EXPECT_LT(max_abs_difference(multiply_transpose(lower, 3), a), 1e-15);
}

TEST(CholeskyLower, HandlesRankOneMatrixWithNegativeCorrelation) {
  // Asset 1 is the mirror of asset 0, asset 2 equals asset 0: rank one.
  const std::vector<double> a = {1, -1, 1, -1, 1, -1, 1, -1, 1};
  const std::vector<double> lower = cholesky_lower(a, 3);
  EXPECT_LT(max_abs_difference(multiply_transpose(lower, 3), a), 1e-15);
}

TEST(CholeskyLower, FactorsRandomRankDeficientCorrelationMatrices) {
  // Rows of a random n x rank matrix, normalized: a correlation matrix of rank `rank`.
  // With this seed, rounding behind near-zero pivots spoils the plain factor of two of
  // them beyond 1e-10, so the eigendecomposition path is exercised too.
  std::mt19937_64 rng(5);
  std::normal_distribution<double> normal;
  for (int trial = 0; trial < 1000; ++trial) {
    const int n = 2 + trial % 29;
    const int rank = 1 + trial % (n - 1);
    std::vector<double> b(static_cast<std::size_t>(n) * rank);
    for (double& value : b) value = normal(rng);
    for (int i = 0; i < n; ++i) {
      double norm_squared = 0.0;
      for (int k = 0; k < rank; ++k) norm_squared += b[i * rank + k] * b[i * rank + k];
      for (int k = 0; k < rank; ++k) b[i * rank + k] /= std::sqrt(norm_squared);
    }
    std::vector<double> a(entries(n));
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < n; ++j) {
        double sum = 0.0;
        for (int k = 0; k < rank; ++k) sum += b[i * rank + k] * b[j * rank + k];
        a[i * n + j] = i == j ? 1.0 : sum;
      }
    }
    const std::vector<double> lower = cholesky_lower(a, n);
    for (int i = 0; i < n; ++i) {
      EXPECT_GE(lower[i * n + i], 0.0);
      for (int j = i + 1; j < n; ++j) EXPECT_EQ(lower[i * n + j], 0.0);
    }
    EXPECT_LE(max_abs_difference(multiply_transpose(lower, n), a), 1e-10)
        << "trial " << trial << ", n " << n << ", rank " << rank;
  }
}

TEST(CholeskyLower, RejectsMatrixThatIsNotPositiveSemiDefinite) {
  try {
    cholesky_lower(higham_matrix, 3);
    FAIL() << "no error";
  } catch (const input_error& error) {
    EXPECT_STREQ(error.what(),
                 "cholesky_lower: matrix is not positive semi-definite: smallest eigenvalue "
                 "-0.414214");
  }
  EXPECT_THROW(cholesky_lower({1, 0.5, 0.5, -1}, 2), input_error);
}

TEST(NearestCorrelation, HighamExampleMatchesPublishedResult) {
  const std::vector<double> x = nearest_correlation(higham_matrix, 3);
  EXPECT_LT(max_abs_difference(x, higham_nearest), 1e-4);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(x[i * 3 + i], 1.0);
    for (int j = 0; j < 3; ++j) EXPECT_EQ(x[i * 3 + j], x[j * 3 + i]);
  }
  EXPECT_GE(symmetric_eigenvalues(x, 3).front(), -1e-14);
  EXPECT_NO_THROW(cholesky_lower(x, 3));
}

TEST(NearestCorrelation, NoFeasiblePointNearbyIsCloser) {
  // The feasible set is convex: X' = (1 - t) X + t C, with C a correlation matrix, is
  // feasible, and X is the nearest only if no such X' is closer to A.
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  const int n = 6;
  std::vector<double> a(entries(n), 1.0);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < i; ++j) a[i * n + j] = a[j * n + i] = uniform(rng);
  }
  ASSERT_LT(symmetric_eigenvalues(a, n).front(), -0.1);
  const std::vector<double> x = nearest_correlation(a, n);
  const double distance = frobenius_distance(x, a);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<double> b(entries(n));
    for (double& value : b) value = uniform(rng);
    std::vector<double> c = multiply_transpose(b, n);
    std::vector<double> scale(n);
    for (int i = 0; i < n; ++i) scale[i] = 1.0 / std::sqrt(c[i * n + i]);
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < n; ++j) c[i * n + j] *= scale[i] * scale[j];
    }
    for (double t : {1e-3, 1e-2, 0.1}) {
      std::vector<double> mixed(entries(n));
      for (int k = 0; k < n * n; ++k) mixed[k] = (1 - t) * x[k] + t * c[k];
      EXPECT_LE(distance, frobenius_distance(mixed, a) + 1e-9) << "trial " << trial << ", t " << t;
    }
  }
}

TEST(NearestCorrelation, CorrelationMatrixIsItsOwnNearest) {
  const std::vector<double> a = {1, 0.8, -0.2, 0.8, 1, 0.1, -0.2, 0.1, 1};
  EXPECT_LT(max_abs_difference(nearest_correlation(a, 3), a), 1e-12);
}

TEST(ValidatedCorrelation, AcceptsValidMatrixAndCleansRounding) {
  const std::vector<double> a = {1 + 1e-12, 0.5, 0.1, 0.5 + 1e-12, 1, 0.2, 0.1, 0.2, 1};
  double distance = -1.0;
  const std::vector<double> result =
      validated_correlation(a, btc_eth_sol, false, context, &distance);
  EXPECT_EQ(distance, 0.0);
  EXPECT_EQ(result[0], 1.0);
  EXPECT_EQ(result[1], result[3]);
  EXPECT_NEAR(result[1], 0.5, 1e-12);
}

TEST(ValidatedCorrelation, AcceptsPerfectlyCorrelatedAssets) {
  EXPECT_NO_THROW(validated_correlation({1, 1, 1, 1}, {"BTC", "WBTC"}, false, context));
}

TEST(ValidatedCorrelation, RejectsNonSymmetricMatrix) {
  EXPECT_EQ(message_of({1, 0.4, 0.5, 1}, {"BTC", "ETH"}),
            "configs/nightly.toml:12: model: correlation[ETH][BTC] = 0.5 but "
            "correlation[BTC][ETH] = 0.4: matrix must be symmetric");
}

TEST(ValidatedCorrelation, NonSymmetricMessageShowsDigitsThatDiffer) {
  EXPECT_EQ(message_of({1, 0.4, 0.40000001, 1}, {"BTC", "ETH"}),
            "configs/nightly.toml:12: model: correlation[ETH][BTC] = 0.40000001 but "
            "correlation[BTC][ETH] = 0.4: matrix must be symmetric");
}

TEST(ValidatedCorrelation, RejectsDiagonalOtherThanOne) {
  EXPECT_EQ(message_of({1, 0.5, 0.5, 0.9}, {"BTC", "ETH"}),
            "configs/nightly.toml:12: model: correlation[ETH][ETH] = 0.9: diagonal entries must "
            "be 1");
}

TEST(ValidatedCorrelation, RejectsEntryAboveOne) {
  EXPECT_EQ(message_of({1, 1.2, 1.2, 1}, {"BTC", "ETH"}),
            "configs/nightly.toml:12: model: correlation[BTC][ETH] = 1.2: entries must be in "
            "[-1, 1]");
}

TEST(ValidatedCorrelation, RejectsEntryBelowMinusOne) {
  EXPECT_EQ(message_of({1, -1.5, -1.5, 1}, {"BTC", "ETH"}),
            "configs/nightly.toml:12: model: correlation[BTC][ETH] = -1.5: entries must be in "
            "[-1, 1]");
}

TEST(ValidatedCorrelation, RejectsNaN) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(message_of({1, 0.5, 0.1, 0.5, 1, nan, 0.1, 0.2, 1}, btc_eth_sol),
            "configs/nightly.toml:12: model: correlation[ETH][SOL] = nan: entries must be finite "
            "numbers");
}

TEST(ValidatedCorrelation, RejectsWrongSize) {
  EXPECT_EQ(message_of({1, 0.5, 0.5, 1}, btc_eth_sol),
            "configs/nightly.toml:12: model: correlation matrix has 4 entries, expected 9 (3 x 3 "
            "for assets BTC, ETH, SOL)");
}

TEST(ValidatedCorrelation, RejectsNonPsdNamingSmallestEigenvalue) {
  // Eigenvalues 1 - sqrt(2), 1, 1 + sqrt(2), printed to 6 significant digits.
  EXPECT_EQ(message_of(higham_matrix, btc_eth_sol),
            "configs/nightly.toml:12: model: correlation matrix is not positive semi-definite: "
            "smallest eigenvalue -0.414214 (eigenvalues: -0.414214, 1, 2.41421); set "
            "model.repair_correlation = true to use the nearest correlation matrix");
}

TEST(ValidatedCorrelation, RepairReturnsNearestCorrelationAndDistance) {
  double distance = -1.0;
  const std::vector<double> result =
      validated_correlation(higham_matrix, btc_eth_sol, true, context, &distance);
  EXPECT_LT(max_abs_difference(result, higham_nearest), 1e-4);
  EXPECT_NEAR(distance, frobenius_distance(result, higham_matrix), 1e-15);
  EXPECT_NEAR(distance, frobenius_distance(higham_nearest, higham_matrix), 1e-3);
}

TEST(ValidatedCorrelation, RepairDoesNotHideOtherErrors) {
  EXPECT_EQ(message_of({1, 0.4, 0.5, 1}, {"BTC", "ETH"}, true),
            "configs/nightly.toml:12: model: correlation[ETH][BTC] = 0.5 but "
            "correlation[BTC][ETH] = 0.4: matrix must be symmetric");
}

}  // namespace
}  // namespace levrisk
