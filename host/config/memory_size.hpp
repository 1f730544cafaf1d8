#pragma once
// Sizes of memory in text: parsed from the configuration and the command line
// (memory_budget, --memory-budget) and written in messages.

#include <cstdint>
#include <string>

namespace levrisk {

// Three significant digits in binary units: "512 B", "38.3 KiB", "11.6 GiB".
std::string format_bytes(std::int64_t bytes);

// A size such as "8GiB", "500MB", "1.5 GiB" or "123456789" (bytes): decimal
// units kB/KB, MB, GB, TB (powers of 1000) and binary KiB, MiB, GiB, TiB (powers
// of 1024), case-insensitive, B optional, rounded down to whole bytes; "auto"
// gives 0 (the backend's budget). Throws input_error naming `what` (the field
// or flag) for anything else, for less than one byte and for more than 2^63 - 1.
std::int64_t parse_memory_size(const std::string& text, const std::string& what);

}  // namespace levrisk
