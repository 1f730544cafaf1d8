#include "host/snapshot/provenance.hpp"

#include <toml.hpp>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "common/csv_reader.hpp"
#include "common/error.hpp"
#include "common/sha256.hpp"
#include "host/snapshot/snapshot_format.hpp"

namespace levrisk {

namespace {

namespace format = snapshot_format;

std::string at(const toml::value& value, const std::string& source) {
  return source + ":" + std::to_string(value.location().line());
}

// A block number is a chain height: a non-negative integer.
std::string block_number(const toml::value& value, const std::string& what,
                         const std::string& source) {
  LEVRISK_REQUIRE(value.is_integer() && value.as_integer() >= 0, input_error,
                  at(value, source) << ": " << what << " must be an integer >= 0");
  return std::to_string(value.as_integer());
}

// One number, or a table of chain name to number ("arbitrum:285000000,ethereum:21525000",
// chains sorted so that the text does not depend on the table's order in the file).
std::string read_block(const toml::value& value, const std::string& source) {
  if (!value.is_table()) return block_number(value, "'block'", source);
  std::vector<std::pair<std::string, std::string>> chains;
  for (const auto& [chain, number] : value.as_table()) {
    LEVRISK_REQUIRE(is_valid_id(chain), input_error,
                    at(number, source) << ": chain name '" << chain
                                       << "' in [block] must be an id without whitespace, "
                                          "control characters, commas or quotes");
    chains.emplace_back(chain, block_number(number, "block of chain '" + chain + "'", source));
  }
  LEVRISK_REQUIRE(!chains.empty(), input_error, at(value, source) << ": [block] names no chain");
  std::sort(chains.begin(), chains.end());
  std::string text;
  for (const auto& [chain, number] : chains) {
    text += (text.empty() ? "" : ",") + chain + ":" + number;
  }
  return text;
}

}  // namespace

snapshot_provenance read_manifest(const std::filesystem::path& directory) {
  snapshot_provenance provenance;
  const std::filesystem::path path = directory / format::manifest_file;
  std::error_code error;
  if (!std::filesystem::exists(path, error)) return provenance;
  const std::string source = path.string();
  toml::value root;
  try {
    root = toml::parse(source);
  } catch (const std::exception& e) {
    LEVRISK_FAIL(input_error, source << ": not valid TOML: " << e.what());
  }
  for (const auto& [key, value] : root.as_table()) {
    if (key == "as_of") {
      // An offset is required: a local time is ambiguous by up to a day.
      LEVRISK_REQUIRE(value.is_offset_datetime(), input_error,
                      at(value, source) << ": 'as_of' must be a TOML date-time with an offset "
                                           "(RFC 3339), e.g. 2025-01-01T00:00:00Z");
      std::ostringstream text;
      text << value.as_offset_datetime();
      provenance.as_of = text.str();
    } else if (key == "block") {
      provenance.block = read_block(value, source);
    } else if (key == "source") {
      LEVRISK_REQUIRE(value.is_string(), input_error,
                      at(value, source) << ": 'source' must be a string");
      provenance.source = value.as_string().str;
    } else {
      LEVRISK_FAIL(input_error, at(value, source) << ": unknown key '" << key
                                                  << "' (known: as_of, block, source)");
    }
  }
  return provenance;
}

std::string snapshot_sha256(const std::filesystem::path& directory) {
  sha256 hash;
  std::vector<char> buffer(1 << 20);
  for (const char* name : format::hashed_files) {
    const std::filesystem::path path = directory / name;
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) continue;
    std::ifstream file(path, std::ios::binary);
    LEVRISK_REQUIRE(file, input_error, path.string() << ": cannot be opened for reading");
    const auto length = std::filesystem::file_size(path);
    hash.update(std::string(name) + "\n" + std::to_string(length) + "\n");
    std::uintmax_t hashed = 0;
    while (file) {
      file.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      const auto got = static_cast<std::size_t>(file.gcount());
      hash.update(std::string_view(buffer.data(), got));
      hashed += got;
    }
    LEVRISK_REQUIRE(hashed == length, input_error,
                    path.string() << ": changed while it was read (" << hashed << " of " << length
                                  << " bytes)");
  }
  return hash.hex_digest();
}

}  // namespace levrisk
