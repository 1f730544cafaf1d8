#pragma once
// SHA-256 (FIPS 180-4) through OpenSSL's libcrypto, for content hashes that
// anyone can recompute with `sha256sum`.

#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace levrisk {

class sha256 {
 public:
  sha256();
  ~sha256();
  sha256(const sha256&) = delete;
  sha256& operator=(const sha256&) = delete;

  void update(std::string_view bytes);
  // The digest as 64 lower-case hex digits; the object is spent afterwards.
  std::string hex_digest();

 private:
  evp_md_ctx_st* context_;
};

std::string sha256_hex(std::string_view bytes);

}  // namespace levrisk
