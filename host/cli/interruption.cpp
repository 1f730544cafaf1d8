#include "host/cli/interruption.hpp"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <string>
#include <thread>

#include "host/output/temporary_files.hpp"

namespace levrisk::cli {

namespace fs = std::filesystem;

namespace {

// A handler would run on whichever thread the signal hit, while the others go on
// creating and renaming files, and could call only async-signal-safe functions. Waiting
// with sigwait on a thread of its own instead, the clean-up is ordinary code: it takes
// the temporary-file registry's lock, which the writer holds while it creates or renames
// a temporary, removes what is registered and exits holding the lock, so no file appears
// or moves between its look and the exit. _exit, not exit: the other threads are still
// running, and HDF5's and the C++ runtime's exit handlers must not run under them.
[[noreturn]] void exit_interrupted(int signal_number, const fs::path& output) {
  const temporary_files::interrupted_state state = temporary_files::remove_all_and_hold();
  const bool written =
      std::find(state.written.begin(), state.written.end(), output) != state.written.end();
  const std::string name = signal_number == SIGINT ? "SIGINT" : "SIGTERM";
  const std::string line =
      "levrisk: interrupted by " + name + ": " +
      (written ? "'" + output.string() + "' was written before the interruption\n"
               : "no result written; '" + output.string() + "' unchanged\n");
  for (std::size_t done = 0; done < line.size();) {
    const ssize_t n = ::write(STDERR_FILENO, line.data() + done, line.size() - done);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  ::_exit(exit_interrupted_base + signal_number);
}

// A signal the process started with ignored (SIGINT of a job that sh started with '&')
// stays ignored.
sigset_t interruption_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  for (const int signal_number : {SIGINT, SIGTERM}) {
    struct sigaction current {};
    if (sigaction(signal_number, nullptr, &current) == 0 && current.sa_handler == SIG_IGN) {
      continue;
    }
    sigaddset(&signals, signal_number);
  }
  return signals;
}

}  // namespace

void exit_cleanly_when_interrupted(const fs::path& output) {
  const sigset_t signals = interruption_signals();
  if (sigismember(&signals, SIGINT) != 1 && sigismember(&signals, SIGTERM) != 1) return;
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::thread([signals, output] {
    int signal_number = 0;
    while (sigwait(&signals, &signal_number) != 0) {
    }
    exit_interrupted(signal_number, output);
  }).detach();
}

}  // namespace levrisk::cli
