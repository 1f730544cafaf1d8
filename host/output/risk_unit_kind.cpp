// to_string(risk_unit_kind) is declared in host/engine/results.hpp; it lives here so
// that the engine's results.cpp, if it appears, does not have to define it.

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
