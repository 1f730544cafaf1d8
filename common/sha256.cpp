#include "common/sha256.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace levrisk {

namespace {

void require(int ok, const char* call) {
  if (ok != 1) throw std::runtime_error(std::string("OpenSSL ") + call + " failed");
}

}  // namespace

sha256::sha256() : context_(EVP_MD_CTX_new()) {
  if (context_ == nullptr) throw std::runtime_error("OpenSSL EVP_MD_CTX_new failed");
  try {
    require(EVP_DigestInit_ex(context_, EVP_sha256(), nullptr), "EVP_DigestInit_ex");
  } catch (...) {
    EVP_MD_CTX_free(context_);
    throw;
  }
}

sha256::~sha256() {
  EVP_MD_CTX_free(context_);
}

void sha256::update(std::string_view bytes) {
  require(EVP_DigestUpdate(context_, bytes.data(), bytes.size()), "EVP_DigestUpdate");
}

std::string sha256::hex_digest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  require(EVP_DigestFinal_ex(context_, digest, &length), "EVP_DigestFinal_ex");
  static const char* const digits = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex += digits[digest[i] >> 4];
    hex += digits[digest[i] & 0xf];
  }
  return hex;
}

std::string sha256_hex(std::string_view bytes) {
  sha256 hash;
  hash.update(bytes);
  return hash.hex_digest();
}

}  // namespace levrisk
