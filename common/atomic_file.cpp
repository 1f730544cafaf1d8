#include "common/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "common/error.hpp"

namespace levrisk {
namespace {

namespace fs = std::filesystem;

fs::path directory_of(const fs::path& path) {
  return path.has_parent_path() ? path.parent_path() : fs::path(".");
}

// Closes the descriptor on every path out of write_temporary.
class file_descriptor {
 public:
  explicit file_descriptor(int fd) : fd_(fd) {}
  file_descriptor(const file_descriptor&) = delete;
  file_descriptor& operator=(const file_descriptor&) = delete;
  ~file_descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  // close(2) can report a deferred write error (NFS), so its result counts.
  int close() {
    const int status = ::close(fd_);
    fd_ = -1;
    return status;
  }

 private:
  int fd_;
};

struct write_context {
  const fs::path& path;
  std::string_view what;

  [[noreturn]] void fail(const std::string& step, int error_number) const {
    LEVRISK_FAIL(runtime_failure, "cannot write the "
                                      << what << " '" << path.string() << "': " << step
                                      << " failed: " << std::strerror(error_number));
  }
};

void write_temporary(const fs::path& temporary, std::string_view text,
                     const write_context& context) {
  const std::string name = "'" + temporary.string() + "'";
  file_descriptor file(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666));
  if (file.get() < 0) context.fail("creating " + name, errno);
  for (std::size_t written = 0; written < text.size();) {
    const ssize_t count = ::write(file.get(), text.data() + written, text.size() - written);
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) context.fail("writing " + name, errno);
    written += static_cast<std::size_t>(count);
  }
  // The bytes must be on disk before the rename makes them the file; otherwise a
  // crash shortly after could leave an empty file where the previous one was whole.
  if (::fsync(file.get()) != 0) context.fail("syncing " + name, errno);
  if (file.close() != 0) context.fail("closing " + name, errno);
}

// Best effort: some file systems refuse to sync a folder, and the file is whole either way.
void sync_directory(const fs::path& directory) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  static_cast<void>(::fsync(fd));
  ::close(fd);
}

}  // namespace

fs::path temporary_path_for(const fs::path& path) {
  fs::path temporary = path;
  temporary += ".tmp." + std::to_string(::getpid());
  return temporary;
}

void write_text_file_atomically(const fs::path& path, std::string_view text,
                                std::string_view what) {
  const write_context context{path, what};
  const fs::path temporary = temporary_path_for(path);
  try {
    write_temporary(temporary, text, context);
    if (::rename(temporary.c_str(), path.c_str()) != 0) {
      context.fail("renaming '" + temporary.string() + "' over it", errno);
    }
  } catch (...) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw;
  }
  sync_directory(directory_of(path));
}

}  // namespace levrisk
