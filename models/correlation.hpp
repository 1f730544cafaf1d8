#pragma once
// Correlation matrices on the host: validation with messages that name the
// offending entry, repair of a matrix that is not positive semi-definite (a
// correlation matrix estimated pairwise, or edited by hand, often is not), and
// the Cholesky factor the path kernels use. Matrices are n x n, row-major, double.

#include <string>
#include <vector>

namespace levrisk {

// Eigenvalues of a symmetric n x n matrix (row-major), ascending. Cyclic Jacobi
// (Golub & Van Loan, Matrix Computations, 4th ed., Algorithm 8.5.3): slow for
// large n, but n is the number of assets (<= ~100) and Jacobi resolves small
// eigenvalues to high relative accuracy, which the PSD test relies on.
std::vector<double> symmetric_eigenvalues(std::vector<double> matrix, int n);

// Nearest correlation matrix in the Frobenius norm: Higham (2002), "Computing the
// nearest correlation matrix - a problem from finance", IMA J. Numer. Anal. 22,
// alternating projections with Dykstra's correction. The input is symmetrized
// first. The result is symmetric, has a unit diagonal and is positive semi-definite
// (the last PSD iterate is rescaled to a unit diagonal, which keeps it PSD), also
// when max_iterations stops the iteration before `tolerance` is met.
std::vector<double> nearest_correlation(const std::vector<double>& matrix, int n,
                                        double tolerance = 1e-12, int max_iterations = 1000);

// Lower-triangular L (row-major, upper part zero) with L L^T = matrix for a
// positive SEMI-definite matrix; reads the lower triangle. A pivot below 1e-12
// relative to the largest diagonal entry makes its column zero, so perfectly
// correlated assets are legal. Where rounding behind near-zero pivots spoils that
// (L L^T off by more than 1e-10 relative), L comes from the eigendecomposition
// instead. Throws input_error if the matrix is not PSD within 1e-10 (relative).
std::vector<double> cholesky_lower(const std::vector<double>& matrix, int n);

// Validates a correlation matrix given with its asset ids (row i and column i
// belong to asset_ids[i]): size n*n, finite, unit diagonal (1e-9), entries in
// [-1, 1] (1e-9), symmetric (|a_ij - a_ji| <= 1e-9), positive semi-definite
// (smallest eigenvalue >= -1e-10). Messages start with `context` and name the
// entry by asset ids. Returns the matrix cleaned of those tolerances (exactly
// symmetric, unit diagonal, entries clamped to [-1, 1]). A matrix that is not PSD
// throws input_error unless `repair` is true; then the nearest correlation matrix
// is returned and *repair_distance (if non-null) receives its Frobenius distance
// from the input (0 when no repair was needed).
std::vector<double> validated_correlation(const std::vector<double>& matrix,
                                          const std::vector<std::string>& asset_ids, bool repair,
                                          const std::string& context,
                                          double* repair_distance = nullptr);

}  // namespace levrisk
