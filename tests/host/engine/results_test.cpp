#include <gtest/gtest.h>

#include <string>

#include "host/engine/results.hpp"

namespace levrisk {
namespace {

TEST(RiskUnitKind, NamesEveryKind) {
  EXPECT_EQ(std::string(to_string(risk_unit_kind::lending_account)), "lending_account");
  EXPECT_EQ(std::string(to_string(risk_unit_kind::perp_isolated)), "perp_isolated");
  EXPECT_EQ(std::string(to_string(risk_unit_kind::perp_cross)), "perp_cross");
}

}  // namespace
}  // namespace levrisk
