#include "host/cli/progress_reporter.hpp"

#include <unistd.h>

#include <cstdio>

namespace levrisk {

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
  const bool done = paths_done >= paths_total;
  if (!done && now - last_draw_ < std::chrono::milliseconds(200)) return;
  last_draw_ = now;
  const double elapsed_s = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed_s > 0.0 ? static_cast<double>(paths_done) / elapsed_s : 0.0;
  const double eta_s = rate > 0.0 ? static_cast<double>(paths_total - paths_done) / rate : 0.0;
  std::fprintf(stderr,
               "\r  paths %lld / %lld (%3.0f%%)  %.3g paths/s  elapsed %.1f s  ETA %.1f s   ",
               static_cast<long long>(paths_done), static_cast<long long>(paths_total),
               100.0 * static_cast<double>(paths_done) / static_cast<double>(paths_total), rate,
               elapsed_s, eta_s);
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
