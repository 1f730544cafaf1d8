#include "host/config/memory_size.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "common/error.hpp"

namespace levrisk {

std::string format_bytes(std::int64_t bytes) {
  static const char* const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (std::fabs(value) >= 1024.0 && unit < 6) {
    value /= 1024.0;
    ++unit;
  }
  char buffer[48];
  if (unit == 0 || std::fabs(value) >= 100.0) {
    std::snprintf(buffer, sizeof buffer, "%.0f %s", value, units[unit]);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.3g %s", value, units[unit]);
  }
  return buffer;
}

std::int64_t parse_memory_size(const std::string& text, const std::string& what) {
  const std::string shape = what + " must be a size such as 8GiB, 500MB or a number of bytes";
  std::string lowered;
  for (const char c : text)
    lowered += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lowered == "auto") return 0;
  std::size_t i = 0;
  std::string number;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) {
    number += text[i++];
  }
  const bool digits = std::any_of(number.begin(), number.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
  LEVRISK_REQUIRE(digits && std::count(number.begin(), number.end(), '.') <= 1, input_error,
                  shape << ", got '" << text << "'");
  while (i < text.size() && text[i] == ' ') ++i;
  const std::string unit = lowered.substr(i);
  struct named_unit {
    const char* name;
    double bytes;
  };
  static const named_unit known[] = {{"", 1.0},
                                     {"b", 1.0},
                                     {"k", 1e3},
                                     {"kb", 1e3},
                                     {"m", 1e6},
                                     {"mb", 1e6},
                                     {"g", 1e9},
                                     {"gb", 1e9},
                                     {"t", 1e12},
                                     {"tb", 1e12},
                                     {"kib", 1024.0},
                                     {"mib", 1048576.0},
                                     {"gib", 1073741824.0},
                                     {"tib", 1099511627776.0}};
  const named_unit* found = nullptr;
  for (const named_unit& u : known) {
    if (unit == u.name) found = &u;
  }
  LEVRISK_REQUIRE(found, input_error,
                  what << ": unknown unit '" << text.substr(i) << "' in '" << text
                       << "' (B, kB, MB, GB, TB, KiB, MiB, GiB or TiB)");
  const double bytes = std::floor(std::stod(number) * found->bytes);
  LEVRISK_REQUIRE(bytes >= 1.0, input_error,
                  what << " must be at least 1 byte, got '" << text << "'");
  // 2^63 is the first double above the int64 range.
  LEVRISK_REQUIRE(bytes < 9223372036854775808.0, input_error,
                  what << " must be below 8 EiB (2^63 bytes), got '" << text << "'");
  return static_cast<std::int64_t>(bytes);
}

}  // namespace levrisk
