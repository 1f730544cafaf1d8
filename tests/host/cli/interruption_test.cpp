// SIGINT and SIGTERM sent to `levrisk run` while it simulates and while it writes the
// result: exit 128 + the signal number, one line on stderr, no temporary file left,
// and the earlier result file byte for byte as it was.

#include "host/cli/interruption.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "tests/host/cli/cli_support.hpp"

namespace levrisk {
namespace {

using namespace cli_testing;

class Interruption : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fresh_test_directory();
    out = dir / "out";
    ASSERT_EQ(run_levrisk(small_run(out, "night", 400, 8), dir).exit_code, 0);
    before = read_text(out / "night.h5");
  }
  void TearDown() override {
    std::error_code ignored;
    if (!HasFailure()) fs::remove_all(dir, ignored);
  }

  // Sends `signal_number` once stderr shows `ready`, and checks what is left.
  void interrupt_when(pid_t pid, const std::string& ready, int signal_number,
                      const std::string& signal_name) {
    const bool reached = wait_until([&] {
      return has_exited(pid) || read_text(dir / "stderr.txt").find(ready) != std::string::npos;
    });
    EXPECT_TRUE(reached) << "never printed '" << ready << "'";
    const auto sent = std::chrono::steady_clock::now();
    ::kill(pid, signal_number);
    const finished_run run = wait_for_levrisk(pid, dir);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - sent).count();
    EXPECT_EQ(run.signal_number, 0) << run.err;
    EXPECT_EQ(run.exit_code, cli::exit_interrupted_base + signal_number) << run.err;
    EXPECT_THAT(run.err, ::testing::EndsWith("levrisk: interrupted by " + signal_name +
                                             ": no result written; '" +
                                             (out / "night.h5").string() + "' unchanged\n"));
    EXPECT_LT(seconds, 5.0);
    EXPECT_EQ(file_names(out), std::vector<std::string>{"night.h5"});
    EXPECT_EQ(read_text(out / "night.h5"), before);
  }

  // Minutes of work on one thread (the machine is shared), interrupted within seconds;
  // not so many paths that their per-path totals exceed the memory budget.
  std::string long_run() const {
    return "run --config " + quoted(nightly_config) + " --paths 1000000 --threads 1" +
           " --output-dir " + quoted(out) + " --name night";
  }

  fs::path dir, out;
  std::string before;
};

TEST_F(Interruption, SigintWhileSimulatingExits130) {
  const pid_t pid = start_levrisk(long_run(), dir);
  interrupt_when(pid, "batch: ", SIGINT, "SIGINT");
}

TEST_F(Interruption, SigtermWhileSimulatingExits143) {
  const pid_t pid = start_levrisk(long_run(), dir);
  interrupt_when(pid, "batch: ", SIGTERM, "SIGTERM");
}

// The write is held after its 'assets' stage, the temporary file then existing.
TEST_F(Interruption, SigintWhileWritingRemovesTheTemporary) {
  const pid_t pid =
      start_levrisk(small_run(out, "night", 400, 8), dir, "LEVRISK_TEST_HOLD_WRITE_AFTER=assets");
  const fs::path temporary = (out / "night.h5").string() + ".tmp." + std::to_string(pid);
  EXPECT_TRUE(wait_until([&] { return fs::exists(temporary); }));
  interrupt_when(pid, "holding the write after stage 'assets'", SIGINT, "SIGINT");
}

TEST_F(Interruption, SigtermWhileWritingRemovesTheTemporary) {
  const pid_t pid = start_levrisk(small_run(out, "night", 400, 8), dir,
                                  "LEVRISK_TEST_HOLD_WRITE_AFTER=perp_cross_accounts");
  interrupt_when(pid, "holding the write after stage 'perp_cross_accounts'", SIGTERM, "SIGTERM");
}

// A run started with SIGINT ignored (nohup, a job sh starts with '&') goes on ignoring it.
TEST_F(Interruption, IgnoredSigintStaysIgnored) {
  const pid_t pid =
      start_levrisk(small_run(out, "night", 400, 8), dir, "LEVRISK_TEST_HOLD_WRITE_AFTER=assets",
                    RLIM_INFINITY, "trap '' INT; ");
  const std::string held = "holding the write after stage 'assets'";
  ASSERT_TRUE(
      wait_until([&] { return read_text(dir / "stderr.txt").find(held) != std::string::npos; }));
  ::kill(pid, SIGINT);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_FALSE(has_exited(pid));
  interrupt_when(pid, held, SIGTERM, "SIGTERM");
}

}  // namespace
}  // namespace levrisk
