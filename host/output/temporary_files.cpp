#include "host/output/temporary_files.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <mutex>
#include <string>
#include <system_error>
#include <vector>

namespace levrisk::temporary_files {

namespace {

struct registry {
  std::mutex lock;
  std::vector<fs::path> temporaries;
  std::vector<fs::path> written;
};

// Never destroyed: an interruption may arrive while static objects are being destroyed.
registry& the_registry() {
  static registry* const instance = new registry;
  return *instance;
}

void forget(registry& r, const fs::path& temporary) {
  r.temporaries.erase(std::remove(r.temporaries.begin(), r.temporaries.end(), temporary),
                      r.temporaries.end());
}

// The pid of "<target filename>.<kind>.<digits>", or 0 when `name` is not such a name.
pid_t pid_in_name(const std::string& name, const std::string& target_name,
                  const std::string& kind) {
  const std::string prefix = target_name + "." + kind + ".";
  if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) return 0;
  const char* first = name.data() + prefix.size();
  const char* last = name.data() + name.size();
  pid_t pid = 0;
  const auto [end, error] = std::from_chars(first, last, pid);
  if (error != std::errc() || end != last || pid <= 0) return 0;
  return pid;
}

// EPERM (another user's live process) counts as running: only ESRCH proves it gone.
bool process_is_gone(pid_t pid) {
  return ::kill(pid, 0) != 0 && errno == ESRCH;
}

}  // namespace

fs::path name_for(const fs::path& target, const std::string& kind) {
  fs::path temporary = target;
  temporary += "." + kind + "." + std::to_string(::getpid());
  return temporary;
}

int create(const fs::path& temporary) {
  registry& r = the_registry();
  const std::lock_guard<std::mutex> held(r.lock);
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd >= 0) r.temporaries.push_back(temporary);
  return fd;
}

std::error_code commit(const fs::path& temporary, const fs::path& target) {
  registry& r = the_registry();
  const std::lock_guard<std::mutex> held(r.lock);
  std::error_code error;
  fs::rename(temporary, target, error);
  if (!error) {
    forget(r, temporary);
    r.written.push_back(target);
  }
  return error;
}

void discard(const fs::path& temporary) noexcept {
  registry& r = the_registry();
  const std::lock_guard<std::mutex> held(r.lock);
  std::error_code ignored;
  fs::remove(temporary, ignored);
  forget(r, temporary);
}

interrupted_state remove_all_and_hold() noexcept {
  registry& r = the_registry();
  r.lock.lock();
  interrupted_state state;
  for (const fs::path& temporary : r.temporaries) {
    if (::unlink(temporary.c_str()) == 0) state.removed.push_back(temporary);
  }
  r.temporaries.clear();
  state.written = r.written;
  return state;
}

std::vector<fs::path> remove_stale(const fs::path& target) {
  std::vector<fs::path> removed;
  const fs::path directory = target.has_parent_path() ? target.parent_path() : fs::path(".");
  const std::string target_name = target.filename().string();
  // Best effort: a folder that cannot be listed fails the write later, with its reason.
  std::error_code error;
  for (fs::directory_iterator entry(directory, error), end; !error && entry != end;
       entry.increment(error)) {
    const std::string name = entry->path().filename().string();
    pid_t pid = pid_in_name(name, target_name, "tmp");
    if (pid == 0) pid = pid_in_name(name, target_name, "probe");
    std::error_code ignored;
    if (pid == 0 || pid == ::getpid() || !entry->is_regular_file(ignored)) continue;
    if (process_is_gone(pid) && fs::remove(entry->path(), ignored)) {
      removed.push_back(entry->path());
    }
  }
  return removed;
}

}  // namespace levrisk::temporary_files
