#pragma once
// An in-place ascending sort of ints for one thread's own scratch: heapsort
// (Williams 1964, with Floyd's bottom-up heap construction), O(n log n) with
// no allocation and no recursion, so it runs inside a kernel, where the
// block-wide sorts of CUB would need the whole block.

#include "kernels/common.hpp"

namespace levrisk {

// Moves a[root] down the max-heap a[0, n) until neither child is larger.
LEVRISK_HD inline void sift_down(int* a, int root, int n) {
  const int value = a[root];
  int hole = root;
  for (int child = 2 * hole + 1; child < n; child = 2 * hole + 1) {
    if (child + 1 < n && a[child + 1] > a[child]) ++child;
    if (a[child] <= value) break;
    a[hole] = a[child];
    hole = child;
  }
  a[hole] = value;
}

LEVRISK_HD inline void sort_ints(int* a, int n) {
  for (int root = n / 2 - 1; root >= 0; --root) sift_down(a, root, n);
  for (int end = n - 1; end > 0; --end) {
    const int largest = a[0];
    a[0] = a[end];
    a[end] = largest;
    sift_down(a, 0, end);
  }
}

}  // namespace levrisk
