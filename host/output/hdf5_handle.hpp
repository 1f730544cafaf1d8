#pragma once
// Owning wrappers over HDF5 identifiers and one way to check HDF5 calls.
//
// Every identifier the C API hands out must be closed with the H5?close of its own
// kind; a handle<close> does that on destruction and cannot be copied. Library-owned
// identifiers (H5T_NATIVE_DOUBLE, H5P_DEFAULT, ...) must never be wrapped.
//
// HDF5 prints its error stack to stderr by default. The result writer and reader
// switch that off and report failures through error_context instead, which reads the
// stack and turns it into one exception with the file and the object that failed.

#include <hdf5.h>

#include <string>
#include <utility>

namespace levrisk::hdf5 {

using close_function = herr_t (*)(hid_t);

template <close_function Close>
class handle {
 public:
  handle() noexcept = default;
  explicit handle(hid_t id) noexcept : id_(id) {}
  handle(const handle&) = delete;
  handle& operator=(const handle&) = delete;
  handle(handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}
  handle& operator=(handle&& other) noexcept {
    if (this != &other) {
      close();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  ~handle() { close(); }

  hid_t get() const noexcept { return id_; }
  bool valid() const noexcept { return id_ >= 0; }

  // Closing a file is where HDF5 writes its metadata, so a writer closes explicitly and
  // checks the status; the destructor closes whatever is left and cannot report. A file
  // whose H5Fclose failed must not be touched again (HDF5 1.10 has freed it while its id
  // stays registered); the result writer avoids failing closes (result_writer.cpp).
  herr_t close() noexcept {
    if (id_ < 0) return 0;
    const herr_t status = Close(id_);
    id_ = H5I_INVALID_HID;
    return status;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

using file_handle = handle<H5Fclose>;
using group_handle = handle<H5Gclose>;
using dataset_handle = handle<H5Dclose>;
using dataspace_handle = handle<H5Sclose>;
using datatype_handle = handle<H5Tclose>;
using attribute_handle = handle<H5Aclose>;
using property_list_handle = handle<H5Pclose>;

// Writing fails because of the environment (disk, permissions); reading fails because
// the file the user named is not a valid result file.
enum class failure_kind { runtime, input };

// Turns HDF5's automatic error printing off for the calling thread (the setting is
// per thread in thread-safe builds of the library, global otherwise).
void silence_automatic_error_printing() noexcept;

// The HDF5 error stack of the calling thread in one line ("H5Fopen: unable to open
// file; file signature not found"), or "" when it is empty. Read it before the next
// HDF5 call: every API call clears the stack.
std::string error_stack_summary();

// Checks the result of HDF5 calls for one file. Messages read
// "<prefix>: <action> failed (HDF5: <stack summary>)", for example
// "cannot write results to 'results/x.h5': creating dataset '/assets/id' failed (HDF5: ...)".
class error_context {
 public:
  error_context(std::string prefix, failure_kind kind) : prefix_(std::move(prefix)), kind_(kind) {}

  // For calls returning an identifier (hid_t, negative on failure).
  hid_t check_id(hid_t id, const std::string& action) const;
  // For calls returning a status (herr_t or htri_t, negative on failure).
  void check_status(herr_t status, const std::string& action) const;
  // Throws runtime_failure or input_error with "<prefix>: <reason>".
  [[noreturn]] void fail(const std::string& reason) const;

  const std::string& prefix() const noexcept { return prefix_; }
  failure_kind kind() const noexcept { return kind_; }

 private:
  [[noreturn]] void fail_call(const std::string& action) const;

  std::string prefix_;
  failure_kind kind_;
};

// A UTF-8 string type of variable length, owned by the caller.
datatype_handle make_utf8_string_type(const error_context& context);

}  // namespace levrisk::hdf5
