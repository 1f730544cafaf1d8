#pragma once
// SIGINT (Ctrl-C) and SIGTERM during `levrisk run`: the temporary files of the run are
// removed, one line on stderr says whether the result file was written, and the exit
// status is 128 + the signal number (130, 143), as a shell reports a process the signal
// killed.

#include <filesystem>

namespace levrisk::cli {

constexpr int exit_interrupted_base = 128;

// Call before any other thread starts (the backend's, OpenMP's, CUDA's): the signals are
// blocked in the calling thread, and so in every thread it later starts, and one
// dedicated thread waits for them. `output` is the result file the run writes.
void exit_cleanly_when_interrupted(const std::filesystem::path& output);

}  // namespace levrisk::cli
