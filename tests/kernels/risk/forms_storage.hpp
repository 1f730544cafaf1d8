#pragma once
// Health forms (tests/reference/health_box_reference.hpp linear_health) laid out
// as the kernels read them, in std::vector memory: the storage behind a
// health_forms_view, shared by the tests of kernels/risk/.

#include <vector>

#include "kernels/risk/health_form.hpp"
#include "tests/reference/health_box_reference.hpp"

namespace levrisk::risk_test {

using reference::linear_health;
using reference::linear_term;

struct forms_storage {
  std::vector<int> term_offset{0};
  std::vector<health_term> terms;
  std::vector<double> numerator_const, denominator_const;

  explicit forms_storage(const std::vector<linear_health>& units) {
    for (const linear_health& u : units) {
      for (const linear_term& t : u.terms) {
        terms.push_back({t.asset, t.numerator_usd, t.denominator_usd});
      }
      term_offset.push_back(static_cast<int>(terms.size()));
      numerator_const.push_back(u.numerator_const_usd);
      denominator_const.push_back(u.denominator_const_usd);
    }
  }

  int n_units() const { return static_cast<int>(numerator_const.size()); }

  health_forms_view view() const {
    return health_forms_view{n_units(), term_offset.data(), terms.data(), numerator_const.data(),
                             denominator_const.data()};
  }
};

}  // namespace levrisk::risk_test
