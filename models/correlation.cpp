#include "models/correlation.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <numeric>
#include <sstream>

#include "common/error.hpp"

namespace levrisk {
namespace {

// Tolerances documented in correlation.hpp.
constexpr double entry_tolerance = 1e-9;
constexpr double psd_tolerance = 1e-10;
// Relative pivot below which cholesky_lower treats a column as singular.
constexpr double pivot_tolerance = 1e-12;
constexpr int max_jacobi_sweeps = 100;
constexpr std::size_t max_listed_eigenvalues = 8;

// Shortest decimal that reads back as the same double, so that two entries that
// differ by 1e-8 do not print as the same number in a message.
std::string format_number(double value) {
  std::ostringstream out;
  for (int precision = 6; precision <= 17; ++precision) {
    out.str("");
    out.precision(precision);
    out << value;
    if (!std::isfinite(value) || std::strtod(out.str().c_str(), nullptr) == value) break;
  }
  return out.str();
}

std::size_t checked_size(const std::vector<double>& matrix, int n, const char* function) {
  LEVRISK_REQUIRE(n >= 0, input_error, function << ": matrix order must be >= 0, got " << n);
  const auto order = static_cast<std::size_t>(n);
  LEVRISK_REQUIRE(
      matrix.size() == order * order, input_error,
      function << ": matrix has " << matrix.size() << " entries, expected " << n << " x " << n);
  for (std::size_t k = 0; k < matrix.size(); ++k) {
    LEVRISK_REQUIRE(std::isfinite(matrix[k]), input_error,
                    function << ": entry [" << k / order << "][" << k % order << "] is "
                             << matrix[k] << ": entries must be finite numbers");
  }
  return order;
}

double frobenius_norm(const std::vector<double>& matrix) {
  double sum = 0.0;
  for (double value : matrix) sum += value * value;
  return std::sqrt(sum);
}

double frobenius_distance(const std::vector<double>& a, const std::vector<double>& b) {
  double sum = 0.0;
  for (std::size_t k = 0; k < a.size(); ++k) sum += (a[k] - b[k]) * (a[k] - b[k]);
  return std::sqrt(sum);
}

struct eigen_decomposition {
  std::vector<double> values;   // ascending
  std::vector<double> vectors;  // n x n row-major; column k belongs to values[k]
};

// Cyclic Jacobi on a symmetric matrix (Golub & Van Loan, Algorithms 8.5.1 and 8.5.3):
// each rotation zeroes one off-diagonal pair; sweeps stop once the off-diagonal mass
// is at rounding level relative to the whole matrix.
eigen_decomposition jacobi_eigen(std::vector<double> a, std::size_t n) {
  std::vector<double> v(n * n, 0.0);
  for (std::size_t i = 0; i < n; ++i) v[i * n + i] = 1.0;
  const double norm = frobenius_norm(a);
  for (int sweep = 0; sweep < max_jacobi_sweeps; ++sweep) {
    double off = 0.0;
    for (std::size_t p = 0; p < n; ++p) {
      for (std::size_t q = p + 1; q < n; ++q) off += 2.0 * a[p * n + q] * a[p * n + q];
    }
    if (std::sqrt(off) <= DBL_EPSILON * norm) break;
    for (std::size_t p = 0; p + 1 < n; ++p) {
      for (std::size_t q = p + 1; q < n; ++q) {
        const double apq = a[p * n + q];
        if (apq == 0.0) continue;
        const double tau = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
        const double t = tau >= 0.0 ? 1.0 / (tau + std::sqrt(1.0 + tau * tau))
                                    : -1.0 / (-tau + std::sqrt(1.0 + tau * tau));
        const double c = 1.0 / std::sqrt(1.0 + t * t);
        const double s = t * c;
        // A <- J^T A J with J the rotation in the (p, q) plane; V <- V J.
        for (std::size_t k = 0; k < n; ++k) {
          const double akp = a[k * n + p];
          const double akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (std::size_t k = 0; k < n; ++k) {
          const double apk = a[p * n + k];
          const double aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        a[p * n + q] = 0.0;
        a[q * n + p] = 0.0;
        for (std::size_t k = 0; k < n; ++k) {
          const double vkp = v[k * n + p];
          const double vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t i, std::size_t j) { return a[i * n + i] < a[j * n + j]; });
  eigen_decomposition result{std::vector<double>(n), std::vector<double>(n * n)};
  for (std::size_t k = 0; k < n; ++k) {
    result.values[k] = a[order[k] * n + order[k]];
    for (std::size_t i = 0; i < n; ++i) result.vectors[i * n + k] = v[i * n + order[k]];
  }
  return result;
}

// Projection onto the PSD cone in the Frobenius norm: negative eigenvalues set to zero.
std::vector<double> psd_projection(const std::vector<double>& matrix, std::size_t n) {
  const eigen_decomposition eigen = jacobi_eigen(matrix, n);
  std::vector<double> result(n * n, 0.0);
  for (std::size_t k = 0; k < n; ++k) {
    const double lambda = eigen.values[k];
    if (lambda <= 0.0) continue;
    for (std::size_t i = 0; i < n; ++i) {
      const double vik = lambda * eigen.vectors[i * n + k];
      for (std::size_t j = 0; j < n; ++j) result[i * n + j] += vik * eigen.vectors[j * n + k];
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      const double mean = 0.5 * (result[i * n + j] + result[j * n + i]);
      result[i * n + j] = mean;
      result[j * n + i] = mean;
    }
  }
  return result;
}

// Cholesky of a symmetric matrix, outer-product form; a pivot <= zero_pivot (negative
// ones included) leaves its column zero, as for perfectly correlated assets. Never fails:
// the caller checks the reconstruction.
std::vector<double> semidefinite_cholesky(const std::vector<double>& a, std::size_t n,
                                          double zero_pivot) {
  std::vector<double> lower(n * n, 0.0);
  for (std::size_t j = 0; j < n; ++j) {
    // Schur complement entries (i, j), i >= j, after the first j columns.
    auto residual = [&](std::size_t i) {
      double sum = a[i * n + j];
      for (std::size_t k = 0; k < j; ++k) sum -= lower[i * n + k] * lower[j * n + k];
      return sum;
    };
    const double pivot = residual(j);
    if (pivot <= zero_pivot) continue;
    const double root = std::sqrt(pivot);
    lower[j * n + j] = root;
    for (std::size_t i = j + 1; i < n; ++i) lower[i * n + j] = residual(i) / root;
  }
  return lower;
}

double max_reconstruction_error(const std::vector<double>& lower, const std::vector<double>& a,
                                std::size_t n) {
  double error = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j <= i; ++j) {
      double sum = 0.0;
      for (std::size_t k = 0; k <= j; ++k) sum += lower[i * n + k] * lower[j * n + k];
      error = std::max(error, std::abs(sum - a[i * n + j]));
    }
  }
  return error;
}

// A lower-triangular factor of V max(Lambda, 0) V^T that is backward stable for any
// rank: with M = V max(Lambda, 0)^{1/2} and the Householder QR M^T = Q R, M M^T = R^T R,
// so L = R^T (Golub & Van Loan, section 5.2), columns signed for a non-negative diagonal.
std::vector<double> lower_factor_from_eigen(const eigen_decomposition& eigen, std::size_t n) {
  std::vector<double> r(n * n);  // M^T, reduced in place to R
  for (std::size_t k = 0; k < n; ++k) {
    const double root = std::sqrt(std::max(eigen.values[k], 0.0));
    for (std::size_t i = 0; i < n; ++i) r[k * n + i] = eigen.vectors[i * n + k] * root;
  }
  std::vector<double> v(n);
  for (std::size_t k = 0; k < n; ++k) {
    double norm_squared = 0.0;
    for (std::size_t i = k; i < n; ++i) norm_squared += r[i * n + k] * r[i * n + k];
    if (norm_squared == 0.0) continue;
    const double x0 = r[k * n + k];
    const double alpha = x0 >= 0.0 ? -std::sqrt(norm_squared) : std::sqrt(norm_squared);
    for (std::size_t i = k; i < n; ++i) v[i] = r[i * n + k];
    v[k] -= alpha;
    // ||v||^2 = ||x||^2 - 2 alpha x0 + alpha^2 = 2 (||x||^2 - alpha x0) > 0.
    const double v_norm_squared = 2.0 * (norm_squared - alpha * x0);
    for (std::size_t j = k; j < n; ++j) {
      double dot = 0.0;
      for (std::size_t i = k; i < n; ++i) dot += v[i] * r[i * n + j];
      const double factor = 2.0 * dot / v_norm_squared;
      for (std::size_t i = k; i < n; ++i) r[i * n + j] -= factor * v[i];
    }
    for (std::size_t i = k + 1; i < n; ++i) r[i * n + k] = 0.0;
  }
  std::vector<double> lower(n * n, 0.0);
  for (std::size_t j = 0; j < n; ++j) {
    const double sign = r[j * n + j] < 0.0 ? -1.0 : 1.0;
    for (std::size_t i = j; i < n; ++i) lower[i * n + j] = sign * r[j * n + i];
  }
  return lower;
}

// D^{-1/2} X D^{-1/2} with D = diag(X): congruent to a PSD X, hence still PSD, and with
// a unit diagonal. A zero row (possible only for an X far from a correlation matrix)
// becomes the identity's.
std::vector<double> unit_diagonal_rescaled(const std::vector<double>& x, std::size_t n) {
  std::vector<double> scale(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double diagonal = x[i * n + i];
    scale[i] = diagonal > 0.0 ? 1.0 / std::sqrt(diagonal) : 0.0;
  }
  std::vector<double> result(n * n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      const double value = i == j ? 1.0 : x[i * n + j] * scale[i] * scale[j];
      result[i * n + j] = std::clamp(value, -1.0, 1.0);
    }
  }
  return result;
}

std::string entry_name(const std::vector<std::string>& ids, std::size_t i, std::size_t j) {
  return "correlation[" + ids[i] + "][" + ids[j] + "]";
}

}  // namespace

std::vector<double> symmetric_eigenvalues(std::vector<double> matrix, int n) {
  const std::size_t order = checked_size(matrix, n, "symmetric_eigenvalues");
  return jacobi_eigen(std::move(matrix), order).values;
}

std::vector<double> nearest_correlation(const std::vector<double>& matrix, int n, double tolerance,
                                        int max_iterations) {
  const std::size_t order = checked_size(matrix, n, "nearest_correlation");
  LEVRISK_REQUIRE(tolerance > 0.0 && max_iterations > 0, input_error,
                  "nearest_correlation: tolerance must be > 0 and max_iterations > 0, got "
                      << tolerance << " and " << max_iterations);
  if (order == 0) return {};
  std::vector<double> y(matrix);
  for (std::size_t i = 0; i < order; ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      const double mean = 0.5 * (y[i * order + j] + y[j * order + i]);
      y[i * order + j] = mean;
      y[j * order + i] = mean;
    }
  }
  // Higham (2002), Algorithm 3.3 with W = I: Dykstra's correction delta_s is carried
  // for the PSD cone only, since the projection onto unit-diagonal matrices is affine.
  std::vector<double> delta_s(order * order, 0.0);
  std::vector<double> x(y);
  std::vector<double> r(order * order);
  for (int iteration = 0; iteration < max_iterations; ++iteration) {
    for (std::size_t k = 0; k < r.size(); ++k) r[k] = y[k] - delta_s[k];
    std::vector<double> x_next = psd_projection(r, order);
    for (std::size_t k = 0; k < r.size(); ++k) delta_s[k] = x_next[k] - r[k];
    std::vector<double> y_next(x_next);
    for (std::size_t i = 0; i < order; ++i) y_next[i * order + i] = 1.0;
    // Higham's stopping rule, every change relative to ||Y|| >= sqrt(n) (X may start at 0).
    const double change = std::max({frobenius_distance(x_next, x), frobenius_distance(y_next, y),
                                    frobenius_distance(y_next, x_next)}) /
                          frobenius_norm(y_next);
    x = std::move(x_next);
    y = std::move(y_next);
    if (change <= tolerance) break;
  }
  return unit_diagonal_rescaled(x, order);
}

std::vector<double> cholesky_lower(const std::vector<double>& matrix, int n) {
  const std::size_t order = checked_size(matrix, n, "cholesky_lower");
  std::vector<double> a(matrix);
  for (std::size_t i = 0; i < order; ++i) {
    for (std::size_t j = 0; j < i; ++j) a[j * order + i] = a[i * order + j];
  }
  double scale = 0.0;
  for (std::size_t i = 0; i < order; ++i) scale = std::max(scale, std::abs(a[i * order + i]));
  std::vector<double> lower = semidefinite_cholesky(a, order, pivot_tolerance * scale);
  if (max_reconstruction_error(lower, a, order) <= psd_tolerance * scale) return lower;
  // Without pivoting, rounding behind a near-zero pivot can leave a pivot of -1e-8 in a
  // matrix that is PSD to 1e-16 (a rank-deficient block of assets). The eigenvalues decide.
  const eigen_decomposition eigen = jacobi_eigen(a, order);
  LEVRISK_REQUIRE(eigen.values.front() >= -psd_tolerance * scale, input_error,
                  "cholesky_lower: matrix is not positive semi-definite: smallest eigenvalue "
                      << eigen.values.front());
  return lower_factor_from_eigen(eigen, order);
}

std::vector<double> validated_correlation(const std::vector<double>& matrix,
                                          const std::vector<std::string>& asset_ids, bool repair,
                                          const std::string& context, double* repair_distance) {
  if (repair_distance != nullptr) *repair_distance = 0.0;
  const std::size_t n = asset_ids.size();
  if (matrix.size() != n * n) {
    std::ostringstream ids;
    for (std::size_t i = 0; i < n; ++i) ids << (i == 0 ? "" : ", ") << asset_ids[i];
    LEVRISK_FAIL(input_error, context << ": correlation matrix has " << matrix.size()
                                      << " entries, expected " << n * n << " (" << n << " x " << n
                                      << " for assets " << ids.str() << ")");
  }
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      const double value = matrix[i * n + j];
      LEVRISK_REQUIRE(std::isfinite(value), input_error,
                      context << ": " << entry_name(asset_ids, i, j) << " = " << value
                              << ": entries must be finite numbers");
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    const double value = matrix[i * n + i];
    LEVRISK_REQUIRE(std::abs(value - 1.0) <= entry_tolerance, input_error,
                    context << ": " << entry_name(asset_ids, i, i) << " = " << format_number(value)
                            << ": diagonal entries must be 1");
  }
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      const double value = matrix[i * n + j];
      LEVRISK_REQUIRE(std::abs(value) <= 1.0 + entry_tolerance, input_error,
                      context << ": " << entry_name(asset_ids, i, j) << " = "
                              << format_number(value) << ": entries must be in [-1, 1]");
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      const double lower = matrix[i * n + j];
      const double upper = matrix[j * n + i];
      LEVRISK_REQUIRE(std::abs(lower - upper) <= entry_tolerance, input_error,
                      context << ": " << entry_name(asset_ids, i, j) << " = "
                              << format_number(lower) << " but " << entry_name(asset_ids, j, i)
                              << " = " << format_number(upper) << ": matrix must be symmetric");
    }
  }
  std::vector<double> cleaned(n * n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      const double mean = 0.5 * (matrix[i * n + j] + matrix[j * n + i]);
      cleaned[i * n + j] = i == j ? 1.0 : std::clamp(mean, -1.0, 1.0);
    }
  }
  const std::vector<double> eigenvalues = jacobi_eigen(cleaned, n).values;
  if (n == 0 || eigenvalues.front() >= -psd_tolerance) return cleaned;
  if (!repair) {
    std::ostringstream listed;
    const std::size_t shown = std::min(n, max_listed_eigenvalues);
    for (std::size_t k = 0; k < shown; ++k) listed << (k == 0 ? "" : ", ") << eigenvalues[k];
    if (shown < n) listed << ", ... (" << n - shown << " more)";
    LEVRISK_FAIL(input_error, context
                                  << ": correlation matrix is not positive semi-definite: smallest "
                                     "eigenvalue "
                                  << eigenvalues.front() << " (eigenvalues: " << listed.str()
                                  << "); set model.repair_correlation = true to use the nearest "
                                     "correlation matrix");
  }
  std::vector<double> repaired = nearest_correlation(cleaned, static_cast<int>(n));
  if (repair_distance != nullptr) *repair_distance = frobenius_distance(repaired, matrix);
  return repaired;
}

}  // namespace levrisk
