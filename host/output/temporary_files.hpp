#pragma once
// The temporary files this process has created beside its outputs and not yet renamed
// or removed, so that an interruption (host/cli/interruption.cpp) can remove them, and
// the clean-up of those that dead processes left behind.
//
// Creating, renaming and removing a registered temporary happen with the registry
// locked. An interruption takes the lock, removes what is registered and exits without
// releasing it: it sees every temporary that exists, and none can appear after it looked.

#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

namespace levrisk::temporary_files {

namespace fs = std::filesystem;

// "<target>.<kind>.<pid of this process>": kind is "tmp" for a result being written,
// "probe" for the file check_output_writable creates.
fs::path name_for(const fs::path& target, const std::string& kind);

// Creates `temporary` for writing (truncating one a dead process with this pid left) and
// registers it. Returns the descriptor, or -1 with errno set.
int create(const fs::path& temporary);

// Renames `temporary` over `target` and forgets it; `target` then counts as written.
std::error_code commit(const fs::path& temporary, const fs::path& target);

// Removes `temporary` (when it exists) and forgets it.
void discard(const fs::path& temporary) noexcept;

struct interrupted_state {
  std::vector<fs::path> removed;  // temporaries that existed
  std::vector<fs::path> written;  // targets renamed into place before the interruption
};

// Removes every registered temporary and leaves the registry locked for good, so that
// no other thread creates or renames one: call it only on the way to _exit.
interrupted_state remove_all_and_hold() noexcept;

// Removes "<target>.tmp.<pid>" and "<target>.probe.<pid>" files whose process is no
// longer running (kill(pid, 0) fails with ESRCH). Those of live processes, including
// this one, are kept. Returns the removed paths.
std::vector<fs::path> remove_stale(const fs::path& target);

}  // namespace levrisk::temporary_files
