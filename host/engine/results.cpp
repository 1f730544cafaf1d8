// Names of the result types, as written to result files and summaries.

#include "host/engine/results.hpp"

namespace levrisk {

const char* to_string(risk_unit_kind kind) {
  switch (kind) {
    case risk_unit_kind::lending_account:
      return "lending_account";
    case risk_unit_kind::perp_isolated:
      return "perp_isolated";
    case risk_unit_kind::perp_cross:
      return "perp_cross";
  }
  return "unknown";
}

}  // namespace levrisk
