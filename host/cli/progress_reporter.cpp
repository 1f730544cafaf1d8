#include "host/cli/progress_reporter.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <string>

namespace levrisk {

std::string grouped_integer(std::int64_t n) {
  const std::string digits = std::to_string(n < 0 ? -n : n);
  std::string grouped;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  return n < 0 ? "-" + grouped : grouped;
}

std::string duration_text(double seconds) {
  const long long total = std::isfinite(seconds) && seconds > 0 ? std::llround(seconds) : 0;
  char text[48];
  if (total < 60) {
    std::snprintf(text, sizeof text, "%lld s", total);
  } else if (total < 3600) {
    std::snprintf(text, sizeof text, "%lld min %02lld s", total / 60, total % 60);
  } else {
    const long long minutes = (total + 30) / 60;  // to the nearest minute
    std::snprintf(text, sizeof text, "%lld h %02lld min", minutes / 60, minutes % 60);
  }
  return text;
}

progress_reporter::progress_reporter(bool enabled)
    : enabled_(enabled), start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

progress_reporter::~progress_reporter() {
  finish();
}

bool progress_reporter::stderr_is_terminal() {
  return isatty(STDERR_FILENO) == 1;
}

void progress_reporter::update(std::int64_t paths_done, std::int64_t paths_total) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (!paths_started_) {
    paths_start_ = paths_done == 0 ? now : start_;
    paths_started_ = true;
  }
  const bool done = paths_done >= paths_total;
  if (!done && now - last_draw_ < std::chrono::milliseconds(200)) return;
  last_draw_ = now;
  const double elapsed_s = std::chrono::duration<double>(now - start_).count();
  const double paths_s = std::chrono::duration<double>(now - paths_start_).count();
  const double rate = paths_s > 0.0 ? static_cast<double>(paths_done) / paths_s : 0.0;
  const std::string eta =
      rate > 0.0 ? duration_text(static_cast<double>(paths_total - paths_done) / rate) : "-";
  // Trailing spaces clear what a longer earlier line left after the carriage return.
  std::fprintf(stderr, "\r  paths %s / %s (%3.0f%%)  %s paths/s  elapsed %s  ETA %s   ",
               grouped_integer(paths_done).c_str(), grouped_integer(paths_total).c_str(),
               100.0 * static_cast<double>(paths_done) / static_cast<double>(paths_total),
               grouped_integer(std::llround(rate)).c_str(), duration_text(elapsed_s).c_str(),
               eta.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void progress_reporter::finish() {
  if (drawn_) {
    std::fputc('\n', stderr);
    drawn_ = false;
  }
}

}  // namespace levrisk
