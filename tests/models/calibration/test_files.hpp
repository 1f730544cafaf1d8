#pragma once
// Small CSV files written by the calibration tests, one folder per test.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace levrisk::calibration::testing {

// Writes `text` to <temp>/levrisk_calibration/<suite>_<test>/<name>; returns the path.
inline std::string write_test_file(const std::string& name, const std::string& text) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "levrisk_calibration" /
                                    (std::string(info->test_suite_name()) + "_" + info->name());
  std::filesystem::create_directories(dir);
  const std::filesystem::path path = dir / name;
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

// Calls `body`, expects an exception of type Error whose message is exactly `message`.
template <typename Error, typename Body>
void expect_error(Body body, const std::string& message) {
  try {
    body();
    ADD_FAILURE() << "no exception; expected: " << message;
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()), message);
  }
}

inline std::string shared_data_dir() {
  return LEVRISK_SOURCE_DIR "/../shared/data";
}

}  // namespace levrisk::calibration::testing
