#include "host/output/hdf5_handle.hpp"

#include <string>
#include <vector>

#include "common/error.hpp"

namespace levrisk::hdf5 {

void silence_automatic_error_printing() noexcept {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

namespace {

herr_t collect_error_description(unsigned /*depth*/, const H5E_error2_t* entry, void* data) {
  auto& descriptions = *static_cast<std::vector<std::string>*>(data);
  std::string text;
  if (entry->func_name != nullptr) text += entry->func_name;
  if (entry->desc != nullptr && entry->desc[0] != '\0') {
    if (!text.empty()) text += ": ";
    text += entry->desc;
  }
  if (!text.empty()) descriptions.push_back(std::move(text));
  return 0;
}

}  // namespace

std::string error_stack_summary() {
  std::vector<std::string> descriptions;
  // Downward: from the API function the caller called to the function that detected
  // the error. The first says what was attempted, the last why it failed.
  if (H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect_error_description, &descriptions) < 0) {
    return "";
  }
  if (descriptions.empty()) return "";
  std::string summary = descriptions.front();
  if (descriptions.size() > 1) summary += "; " + descriptions.back();
  // The file drivers' descriptions embed ctime() text, newline included; the summary
  // goes into a one-line message.
  for (char& c : summary) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return summary;
}

hid_t error_context::check_id(hid_t id, const std::string& action) const {
  if (id < 0) fail_call(action);
  return id;
}

void error_context::check_status(herr_t status, const std::string& action) const {
  if (status < 0) fail_call(action);
}

void error_context::fail_call(const std::string& action) const {
  const std::string stack = error_stack_summary();
  std::string reason = action + " failed";
  if (!stack.empty()) reason += " (HDF5: " + stack + ")";
  fail(reason);
}

void error_context::fail(const std::string& reason) const {
  if (kind_ == failure_kind::input) LEVRISK_FAIL(input_error, prefix_ << ": " << reason);
  LEVRISK_FAIL(runtime_failure, prefix_ << ": " << reason);
}

datatype_handle make_utf8_string_type(const error_context& context) {
  datatype_handle type(context.check_id(H5Tcopy(H5T_C_S1), "copying the string type"));
  context.check_status(H5Tset_size(type.get(), H5T_VARIABLE), "making the string type variable");
  context.check_status(H5Tset_cset(type.get(), H5T_CSET_UTF8), "setting the UTF-8 character set");
  return type;
}

}  // namespace levrisk::hdf5
