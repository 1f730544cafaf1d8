#pragma once
// A model parameter outside its domain, named by its field (the configuration
// key that sets it), so that host/config can point at the line that set it.

#include <string>

#include "common/error.hpp"

namespace levrisk {

class parameter_error : public input_error {
 public:
  // what(): "FIELD PROBLEM", e.g. "jump_stdev must be a finite number >= 0, got -0.1".
  parameter_error(const std::string& field, const std::string& problem)
      : input_error(field + " " + problem), field_(field) {}
  const std::string& field() const noexcept { return field_; }

 private:
  std::string field_;
};

}  // namespace levrisk
