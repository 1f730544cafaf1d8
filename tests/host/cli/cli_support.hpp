#pragma once
// Helpers for the end-to-end tests of the levrisk executable: a fresh directory
// per test, running the binary with its output captured, and copies of the
// sample snapshot with one line changed.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace levrisk::cli_testing {

namespace fs = std::filesystem;

inline const fs::path source_dir = LEVRISK_SOURCE_DIR;
inline const fs::path sample_dir = source_dir / "data" / "sample";
inline const fs::path nightly_config = source_dir / "configs" / "nightly.toml";

// Unique per process and test: other people run the same tests on the same machine.
inline fs::path fresh_test_directory() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const fs::path directory =
      fs::path(::testing::TempDir()) / ("levrisk_cli_" + std::to_string(::getpid()) + "_" +
                                        info->test_suite_name() + "_" + info->name());
  fs::remove_all(directory);
  fs::create_directories(directory);
  return directory;
}

inline std::string read_text(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

inline void write_text(const fs::path& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
}

// Single quotes for /bin/sh; the test paths hold no single quote.
inline std::string quoted(const fs::path& path) {
  return "'" + path.string() + "'";
}

struct command_result {
  int exit_code;  // 124: killed by the time limit
  std::string out;
  std::string err;
  double seconds;
};

// Runs `levrisk <arguments>` with stdout and stderr captured in `directory`,
// killed after `limit_s` so that a regression cannot hang the suite.
inline command_result run_levrisk(const std::string& arguments, const fs::path& directory,
                                  int limit_s = 120) {
  const fs::path out = directory / "stdout.txt";
  const fs::path err = directory / "stderr.txt";
  const std::string command = "timeout " + std::to_string(limit_s) + " " + quoted(LEVRISK_BINARY) +
                              " " + arguments + " >" + quoted(out) + " 2>" + quoted(err);
  const auto start = std::chrono::steady_clock::now();
  const int status = std::system(command.c_str());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const int exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  command_result result{exit_code, read_text(out), read_text(err), seconds};
  fs::remove(out);
  fs::remove(err);
  return result;
}

// Starts `levrisk <arguments>` (after `environment`, "NAME=value ..." or "") in the
// background, stdout and stderr to stdout.txt and stderr.txt in `directory`, and returns
// its pid (the shell runs `shell_prefix`, then execs it). With a `file_size_limit`, files it writes
// cannot grow beyond that many bytes (write fails with EFBIG, SIGXFSZ ignored), as on a full disk.
inline pid_t start_levrisk(const std::string& arguments, const fs::path& directory,
                           const std::string& environment = "",
                           rlim_t file_size_limit = RLIM_INFINITY,
                           const std::string& shell_prefix = "") {
  const std::string command =
      shell_prefix + "exec env " + environment + " " + quoted(LEVRISK_BINARY) + " " + arguments +
      " >" + quoted(directory / "stdout.txt") + " 2>" + quoted(directory / "stderr.txt");
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  // The test runner may have been started with SIGINT ignored (a background job).
  ::signal(SIGINT, SIG_DFL);
  ::signal(SIGTERM, SIG_DFL);
  if (file_size_limit != RLIM_INFINITY) {
    ::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{file_size_limit, file_size_limit};
    ::setrlimit(RLIMIT_FSIZE, &limit);
  }
  ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
  ::_exit(127);
}

struct finished_run {
  int exit_code;      // -1 when a signal ended it
  int signal_number;  // 0 when it exited
  std::string out;
  std::string err;
};

// Waits for a process start_levrisk started, killed after `limit_s` so that a
// regression cannot hang the suite.
inline finished_run wait_for_levrisk(pid_t pid, const fs::path& directory, int limit_s = 120) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(limit_s);
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      ADD_FAILURE() << "levrisk ran past " << limit_s << " s and was killed";
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  finished_run run{WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                   WIFSIGNALED(status) ? WTERMSIG(status) : 0, read_text(directory / "stdout.txt"),
                   read_text(directory / "stderr.txt")};
  fs::remove(directory / "stdout.txt");
  fs::remove(directory / "stderr.txt");
  return run;
}

// Whether a child has exited, leaving it to be reaped by wait_for_levrisk.
inline bool has_exited(pid_t pid) {
  siginfo_t info{};
  return ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
         info.si_pid == pid;
}

// Polls until `ready` holds, for at most `limit_s`; false when it never did.
inline bool wait_until(const std::function<bool()>& ready, int limit_s = 60) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(limit_s);
  while (!ready()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

// A pid that no process has: a child's, once it has exited and been reaped.
inline pid_t dead_pid() {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  ::waitpid(pid, nullptr, 0);
  return pid;
}

// `levrisk run` on the nightly configuration, small enough for a test.
inline std::string small_run(const fs::path& output_dir, const std::string& name, int paths = 2000,
                             int steps = 48) {
  return "run --config " + quoted(nightly_config) + " --paths " + std::to_string(paths) +
         " --steps " + std::to_string(steps) + " --output-dir " + quoted(output_dir) + " --name " +
         name + " --quiet";
}

inline fs::path copy_sample(const fs::path& destination) {
  fs::create_directories(destination);
  fs::copy(sample_dir, destination, fs::copy_options::recursive);
  return destination;
}

inline std::vector<std::string> read_lines(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::vector<std::string> lines;
  for (std::string line; std::getline(file, line);) lines.push_back(line);
  return lines;
}

// 1-based number of the first line after the header (comments and blank lines
// may precede the header).
inline int first_data_line(const fs::path& csv) {
  const std::vector<std::string> lines = read_lines(csv);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (!lines[i].empty() && lines[i][0] != '#') return static_cast<int>(i) + 2;
  }
  ADD_FAILURE() << csv << " has no header";
  return 0;
}

inline std::string line_at(const fs::path& csv, int line_number) {
  return read_lines(csv).at(static_cast<std::size_t>(line_number - 1));
}

inline void replace_line(const fs::path& csv, int line_number, const std::string& text) {
  std::vector<std::string> lines = read_lines(csv);
  lines.at(static_cast<std::size_t>(line_number - 1)) = text;
  std::string joined;
  for (const std::string& line : lines) joined += line + "\n";
  write_text(csv, joined);
}

// The line with field `column` replaced by `value`.
inline std::string with_field(const std::string& line, std::size_t column,
                              const std::string& value) {
  std::vector<std::string> fields;
  std::stringstream stream(line);
  for (std::string field; std::getline(stream, field, ',');) fields.push_back(field);
  fields.at(column) = value;
  std::string joined;
  for (std::size_t i = 0; i < fields.size(); ++i) joined += (i ? "," : "") + fields[i];
  return joined;
}

// Sorted.
inline std::vector<std::string> file_names(const fs::path& directory) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(directory)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace levrisk::cli_testing
