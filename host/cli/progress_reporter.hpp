#pragma once
// Progress of a long run on a terminal: paths done, rate, ETA, redrawn in place
// on stderr at most a few times a second. Silent when stderr is not a terminal
// (cron, CI, pipes) or when the user asked for --quiet.

#include <chrono>
#include <cstdint>

namespace levrisk {

class progress_reporter {
 public:
  explicit progress_reporter(bool enabled);
  ~progress_reporter();
  progress_reporter(const progress_reporter&) = delete;
  progress_reporter& operator=(const progress_reporter&) = delete;

  void update(std::int64_t paths_done, std::int64_t paths_total);
  void finish();  // ends the line

  static bool stderr_is_terminal();

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace levrisk
