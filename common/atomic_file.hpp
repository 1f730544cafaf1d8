#pragma once
// Replacing a file so that a reader, or a crash, sees the old file or the new one
// whole, never a fragment: the text goes to a temporary "<path>.tmp.<pid>" in the
// same folder, is synced to disk, and is renamed over `path` (rename(2) is atomic
// within a file system); the folder is then synced so the rename itself lasts.
// The pattern of host/output/result_writer.cpp.

#include <filesystem>
#include <string>
#include <string_view>

namespace levrisk {

// "<path>.tmp.<pid>": beside `path`, so that the rename stays on one file system.
std::filesystem::path temporary_path_for(const std::filesystem::path& path);

// Writes `text` to `path` atomically. On any failure the temporary is removed,
// `path` is left as it was, and a runtime_failure says
// "cannot write the <what> '<path>': <step> failed: <reason>".
void write_text_file_atomically(const std::filesystem::path& path, std::string_view text,
                                std::string_view what);

}  // namespace levrisk
