#pragma once
// One error path for models/ and host/: typed exceptions carrying a message with
// context (file, line, field), thrown by LEVRISK_REQUIRE; the CLI turns them
// into a message on stderr and a non-zero exit code.

#include <sstream>
#include <stdexcept>
#include <string>

namespace levrisk {

// Input the user supplied is wrong: a snapshot, a configuration, a flag.
class input_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The environment failed: a file cannot be written, a device is missing.
class runtime_failure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace levrisk

// LEVRISK_REQUIRE(price > 0, input_error, path << ":" << line << ": 'spot_usd' must be > 0");
#define LEVRISK_REQUIRE(condition, error_type, message_stream) \
  do {                                                         \
    if (!(condition)) {                                        \
      std::ostringstream levrisk_message_;                     \
      levrisk_message_ << message_stream;                      \
      throw ::levrisk::error_type(levrisk_message_.str());     \
    }                                                          \
  } while (false)

#define LEVRISK_FAIL(error_type, message_stream) LEVRISK_REQUIRE(false, error_type, message_stream)
