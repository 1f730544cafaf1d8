#pragma once
// Integers as people write them, read exactly: a count or a seed that does not
// fit its range is refused where it is read, never saturated or truncated into
// another value that would run (docs/configuration.md, "Integers").

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace levrisk {

// The paths of one run, at most: about 10^12 (a day of the fastest GPU), so that
// a count nothing could run is refused before it starts.
constexpr std::int64_t max_run_paths = 1'000'000'000'000;
// CPU threads: more than any machine's cores; OpenMP runtimes fail well before
// 10,000.
constexpr std::int64_t max_run_threads = 1024;

// A TOML integer literal (decimal with an optional sign and '_' between digits,
// or 0x / 0o / 0b), exactly; nothing when it does not fit in 64 bits or is not
// an integer literal.
std::optional<std::int64_t> exact_int64(std::string_view literal);

// A command-line integer for `flag`: decimal digits with an optional sign, or a
// number in scientific notation that is an exact integer (1e6, 2.5e5); it must
// lie in [min, max]. Anything else is an input_error naming the flag, the range
// and the text as typed.
std::int64_t parse_flag_integer(const std::string& text, const std::string& flag, std::int64_t min,
                                std::int64_t max);

}  // namespace levrisk
