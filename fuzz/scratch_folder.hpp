#pragma once
// The loaders read files, not buffers: each fuzz process writes its inputs into
// a folder of its own (libFuzzer's -fork and -jobs run several processes).

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

namespace levrisk::fuzz {

class scratch_folder {
 public:
  scratch_folder() {
    const char* tmpdir = std::getenv("TMPDIR");
    path_ = std::filesystem::path(tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp") /
            ("levrisk-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(path_);
  }
  ~scratch_folder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  scratch_folder(const scratch_folder&) = delete;
  scratch_folder& operator=(const scratch_folder&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // Writes `size` bytes as `name`, replacing what the previous input left there.
  std::filesystem::path write(const std::string& name, const std::uint8_t* data,
                              std::size_t size) const {
    const std::filesystem::path file = path_ / name;
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out) std::abort();  // the harness, not the loader, failed
    return file;
  }

  void remove(const std::string& name) const {
    std::error_code ignored;
    std::filesystem::remove(path_ / name, ignored);
  }

 private:
  std::filesystem::path path_;
};

// A harness check failed: the loader accepted input into a state it documents
// as impossible. abort() makes libFuzzer record the input.
[[noreturn]] inline void invariant_broken(const char* what) {
  std::fprintf(stderr, "levrisk fuzz: invariant broken: %s\n", what);
  std::abort();
}

}  // namespace levrisk::fuzz
