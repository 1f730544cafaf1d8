// The atomic text-file writer: a reader sees the old file or the new one, whole;
// a failed write leaves the old file byte-identical, no temporary behind, and an
// error naming the file.

#include "common/atomic_file.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "tests/host/snapshot/snapshot_fixtures.hpp"

namespace levrisk {
namespace {

namespace fs = std::filesystem;
using snapshot_testing::test_directory;

std::string read_text(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

std::vector<std::string> file_names(const fs::path& directory) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(directory)) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

std::string write_error(const fs::path& path, const std::string& text) {
  try {
    write_text_file_atomically(path, text, "model file");
  } catch (const runtime_failure& error) {
    return error.what();
  }
  ADD_FAILURE() << "no runtime_failure writing " << path;
  return {};
}

TEST(AtomicFile, TemporaryIsBesideTheFileAndNamesTheProcess) {
  EXPECT_EQ(temporary_path_for("out/model.toml"),
            fs::path("out/model.toml.tmp." + std::to_string(::getpid())));
}

TEST(AtomicFile, WritesANewFileAndReplacesAnOldOne) {
  const test_directory dir;
  const fs::path path = dir.path() / "model.toml";
  write_text_file_atomically(path, "old = 1\n", "model file");
  EXPECT_EQ(read_text(path), "old = 1\n");
  write_text_file_atomically(path, "new = 2\n", "model file");
  EXPECT_EQ(read_text(path), "new = 2\n");
  EXPECT_EQ(file_names(dir.path()), std::vector<std::string>{"model.toml"});
}

// A child process rewrites the file over and over with two texts of different
// lengths while this one reads it: every read is one text or the other, whole.
TEST(AtomicFile, AConcurrentReaderSeesTheOldOrTheNewFileWhole) {
  const test_directory dir;
  const fs::path path = dir.path() / "model.toml";
  const std::string a(10000, 'a');
  const std::string b(30000, 'b');
  write_text_file_atomically(path, a, "model file");
  const pid_t child = ::fork();
  ASSERT_GE(child, 0) << std::strerror(errno);
  if (child == 0) {
    for (int i = 0; i < 200; ++i) write_text_file_atomically(path, i % 2 ? a : b, "model file");
    ::_exit(0);
  }
  int reads = 0;
  int status = 0;
  while (::waitpid(child, &status, WNOHANG) == 0) {
    const std::string seen = read_text(path);
    ASSERT_TRUE(seen == a || seen == b) << "read " << seen.size() << " bytes";
    ++reads;
  }
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_GT(reads, 0);
  EXPECT_EQ(read_text(path), a);
  EXPECT_EQ(file_names(dir.path()), std::vector<std::string>{"model.toml"});
}

// A full disk, simulated: a child process limits the size of the files it may
// write (RLIMIT_FSIZE) and ignores SIGXFSZ, so that write(2) fails with EFBIG
// instead of the signal ending the process. It sends the error's message back.
TEST(AtomicFile, AFailedWriteLeavesTheOldFileAndNoTemporary) {
  const test_directory dir;
  const fs::path path = dir.path() / "model.toml";
  const std::string old_text = "[model]\ntype = \"gbm\"\n";
  write_text_file_atomically(path, old_text, "model file");
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0) << std::strerror(errno);
  if (child == 0) {
    ::close(pipe_fds[0]);
    ::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{4096, 4096};
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(2);
    std::string message = "no error";
    try {
      write_text_file_atomically(path, std::string(100000, 'x'), "model file");
    } catch (const runtime_failure& error) {
      message = error.what();
    }
    const ssize_t written = ::write(pipe_fds[1], message.data(), message.size());
    ::_exit(written == static_cast<ssize_t>(message.size()) ? 0 : 3);
  }
  ::close(pipe_fds[1]);
  std::string message;
  char buffer[512];
  for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;) message.append(buffer, n);
  ::close(pipe_fds[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  fs::path temporary = path;
  temporary += ".tmp." + std::to_string(child);
  EXPECT_EQ(message, "cannot write the model file '" + path.string() + "': writing '" +
                         temporary.string() + "' failed: " + std::strerror(EFBIG));
  EXPECT_EQ(read_text(path), old_text);
  EXPECT_EQ(file_names(dir.path()), std::vector<std::string>{"model.toml"});
}

TEST(AtomicFile, AReadOnlyFolderLeavesTheOldFileAndNamesIt) {
  // root may create files in a folder without write permission, so the failure
  // cannot be provoked this way when the tests run as root.
  if (::geteuid() == 0) GTEST_SKIP() << "running as root, which ignores permissions";
  const test_directory dir;
  const fs::path folder = dir.path() / "locked";
  fs::create_directories(folder);
  const fs::path path = folder / "model.toml";
  write_text_file_atomically(path, "old = 1\n", "model file");
  fs::permissions(folder, fs::perms::owner_read | fs::perms::owner_exec);
  const std::string message = write_error(path, "new = 2\n");
  fs::permissions(folder, fs::perms::owner_all);
  EXPECT_EQ(message, "cannot write the model file '" + path.string() + "': creating '" +
                         temporary_path_for(path).string() + "' failed: " + std::strerror(EACCES));
  EXPECT_EQ(read_text(path), "old = 1\n");
  EXPECT_EQ(file_names(folder), std::vector<std::string>{"model.toml"});
}

TEST(AtomicFile, AMissingFolderIsAnErrorNamingTheFile) {
  const test_directory dir;
  const fs::path path = dir.path() / "no-such-folder" / "model.toml";
  EXPECT_EQ(write_error(path, "x = 1\n"), "cannot write the model file '" + path.string() +
                                              "': creating '" + temporary_path_for(path).string() +
                                              "' failed: " + std::strerror(ENOENT));
}

// Renaming over a folder fails; the folder and no temporary remain.
TEST(AtomicFile, APathThatIsAFolderIsAnError) {
  const test_directory dir;
  const fs::path path = dir.path() / "model.toml";
  fs::create_directories(path / "inside");
  const std::string message = write_error(path, "x = 1\n");
  EXPECT_EQ(message.rfind("cannot write the model file '" + path.string() + "': renaming '" +
                              temporary_path_for(path).string() + "' over it failed: ",
                          0),
            0u)
      << message;
  EXPECT_EQ(file_names(dir.path()), std::vector<std::string>{"model.toml"});
}

}  // namespace
}  // namespace levrisk
