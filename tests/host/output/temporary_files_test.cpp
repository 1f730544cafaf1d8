#include "host/output/temporary_files.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/host/output/output_fixtures.hpp"

namespace levrisk {
namespace {

namespace fs = std::filesystem;
using test::scratch_directory;

// A pid that no process has: a child's, once it has exited and been reaped.
pid_t dead_pid() {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  ::waitpid(pid, nullptr, 0);
  return pid;
}

std::vector<std::string> sorted_entries(const scratch_directory& dir) {
  std::vector<std::string> names = dir.entries();
  std::sort(names.begin(), names.end());
  return names;
}

TEST(TemporaryFiles, NameEndsWithKindAndPid) {
  EXPECT_EQ(temporary_files::name_for("results/run.h5", "tmp"),
            fs::path("results/run.h5.tmp." + std::to_string(::getpid())));
}

TEST(TemporaryFiles, CommitRenamesOverTheTarget) {
  scratch_directory dir;
  test::write_text(dir / "run.h5", "old");
  const fs::path temporary = temporary_files::name_for(dir / "run.h5", "tmp");
  const int fd = temporary_files::create(temporary);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, "new", 3), 3);
  ::close(fd);
  EXPECT_FALSE(temporary_files::commit(temporary, dir / "run.h5"));
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"run.h5"});
  EXPECT_EQ(fs::file_size(dir / "run.h5"), 3u);
}

TEST(TemporaryFiles, DiscardRemovesTheFile) {
  scratch_directory dir;
  const fs::path temporary = temporary_files::name_for(dir / "run.h5", "probe");
  const int fd = temporary_files::create(temporary);
  ASSERT_GE(fd, 0);
  ::close(fd);
  temporary_files::discard(temporary);
  EXPECT_TRUE(dir.entries().empty());
}

TEST(TemporaryFiles, CreateInAMissingFolderFails) {
  scratch_directory dir;
  EXPECT_LT(temporary_files::create(dir / "missing" / "run.h5.tmp.1"), 0);
}

TEST(TemporaryFiles, RemoveStaleKeepsLiveProcessesAndOtherNames) {
  scratch_directory dir;
  const std::string dead = std::to_string(dead_pid());
  const std::string self = std::to_string(::getpid());
  const std::string parent = std::to_string(::getppid());
  const std::vector<std::string> names = {"run.h5",
                                          "run.h5.tmp." + dead,
                                          "run.h5.probe." + dead,
                                          "run.h5.tmp." + self,
                                          "run.h5.probe." + parent,
                                          "run.h5.tmp.",
                                          "run.h5.tmp.0",
                                          "run.h5.tmp.-" + dead,
                                          "run.h5.tmp." + dead + ".bak",
                                          "other.h5.tmp." + dead,
                                          "xrun.h5.tmp." + dead};
  for (const std::string& name : names) {
    test::write_text(dir / name, "x");
  }
  fs::create_directories(dir / ("run.h5.tmp.1" + dead));  // a folder is never removed
  const std::vector<fs::path> removed = temporary_files::remove_stale(dir / "run.h5");
  std::vector<std::string> removed_names;
  for (const fs::path& path : removed) removed_names.push_back(path.filename().string());
  std::sort(removed_names.begin(), removed_names.end());
  EXPECT_EQ(removed_names,
            (std::vector<std::string>{"run.h5.probe." + dead, "run.h5.tmp." + dead}));
  std::vector<std::string> kept = {"run.h5",
                                   "run.h5.tmp." + self,
                                   "run.h5.probe." + parent,
                                   "run.h5.tmp.",
                                   "run.h5.tmp.0",
                                   "run.h5.tmp.-" + dead,
                                   "run.h5.tmp." + dead + ".bak",
                                   "other.h5.tmp." + dead,
                                   "xrun.h5.tmp." + dead,
                                   "run.h5.tmp.1" + dead};
  std::sort(kept.begin(), kept.end());
  EXPECT_EQ(sorted_entries(dir), kept);
}

TEST(TemporaryFiles, RemoveStaleInAMissingFolderRemovesNothing) {
  scratch_directory dir;
  EXPECT_TRUE(temporary_files::remove_stale(dir / "missing" / "run.h5").empty());
}

// remove_all_and_hold keeps the registry locked for good, so it runs in a child.
TEST(TemporaryFiles, InterruptionRemovesWhatIsRegisteredAndReportsWhatWasWritten) {
  scratch_directory dir;
  const pid_t child = ::fork();
  if (child == 0) {
    const fs::path written = temporary_files::name_for(dir / "a.h5", "tmp");
    const fs::path pending = temporary_files::name_for(dir / "b.h5", "tmp");
    ::close(temporary_files::create(written));
    ::close(temporary_files::create(pending));
    if (temporary_files::commit(written, dir / "a.h5")) ::_exit(10);
    const temporary_files::interrupted_state state = temporary_files::remove_all_and_hold();
    if (state.removed != std::vector<fs::path>{pending}) ::_exit(11);
    // Every target this process wrote, the parent's earlier tests' included.
    const auto was_written = [&](const fs::path& target) {
      return std::find(state.written.begin(), state.written.end(), target) != state.written.end();
    };
    if (!was_written(dir / "a.h5") || was_written(dir / "b.h5")) ::_exit(12);
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"a.h5"});
}

}  // namespace
}  // namespace levrisk
