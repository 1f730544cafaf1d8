#pragma once
// Progress of a long run on a terminal: paths done, rate, ETA, redrawn in place
// on stderr at most a few times a second. Silent when stderr is not a terminal
// (cron, CI, pipes) or when the user asked for --quiet.

#include <chrono>
#include <cstdint>
#include <string>

namespace levrisk {

// 12345678 -> "12,345,678": a rate or a count read at a glance, not as 1.23e+07.
std::string grouped_integer(std::int64_t n);

// Whole seconds as "45 s", "1 min 23 s" or "2 h 05 min" (the seconds dropped
// beyond an hour, where they are noise in an estimate).
std::string duration_text(double seconds);

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
  // When the paths began (the first update, at 0 paths done): the rate and ETA leave
  // out the set-up before it, which the elapsed time counts.
  std::chrono::steady_clock::time_point paths_start_;
  bool paths_started_ = false;
};

}  // namespace levrisk
