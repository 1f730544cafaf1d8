#pragma once
// The reading half of the HDF5 layer used by the result reader: hdf5_reader opens
// groups and reads attributes and datasets under one error_context, checking each
// one's type and shape, so that a file that is not what the reader expects fails with
// the path of the object in the file. Not thread-safe, like the serial HDF5 library.

#include <hdf5.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "host/output/hdf5_handle.hpp"

namespace levrisk {

template <typename T>
struct memory_type;

template <>
struct memory_type<double> {
  static hid_t get() { return H5T_NATIVE_DOUBLE; }
  static const char* describe() { return "a number"; }
};

template <>
struct memory_type<std::int64_t> {
  static hid_t get() { return H5T_NATIVE_INT64; }
  static const char* describe() { return "an integer"; }
};

template <>
struct memory_type<std::uint64_t> {
  static hid_t get() { return H5T_NATIVE_UINT64; }
  static const char* describe() { return "an integer"; }
};

template <>
struct memory_type<std::uint8_t> {
  static hid_t get() { return H5T_NATIVE_UINT8; }
  static const char* describe() { return "an integer"; }
};

// Strings of variable length are allocated by HDF5 and must be freed by it.
struct hdf5_string_free {
  void operator()(char* text) const noexcept { H5free_memory(text); }
};
using hdf5_string = std::unique_ptr<char, hdf5_string_free>;

// Rows of the 1-D and 2-D datasets a reader reads: `rows`, ascending, of datasets of
// `total` rows, so that a few units of a large file are read without the rest.
struct row_selection {
  std::vector<hsize_t> rows;
  hsize_t total = 0;
};

class hdf5_reader {
 public:
  explicit hdf5_reader(const hdf5::error_context& context,
                       std::optional<row_selection> selection = std::nullopt)
      : context_(context), selection_(std::move(selection)) {}

  // The rows of a 1-D or 2-D dataset, without reading it.
  hsize_t dataset_rows(hid_t group, const std::string& group_path, const std::string& name) const {
    const std::string what = dataset_name(group_path, name);
    const hdf5::dataset_handle dataset = open_dataset(group, group_path, name);
    const std::vector<hsize_t> dims = dimensions(dataset.get(), what);
    if (dims.empty()) context_.fail(what + " must be 1-D, but has rank 0");
    return dims[0];
  }

  hdf5::group_handle open_group(hid_t file, const std::string& name) const {
    const std::string what = "group '/" + name + "'";
    const htri_t exists = H5Lexists(file, name.c_str(), H5P_DEFAULT);
    context_.check_status(exists, "looking for " + what);
    if (exists == 0) context_.fail(what + " is missing");
    return hdf5::group_handle(
        context_.check_id(H5Gopen2(file, name.c_str(), H5P_DEFAULT), "opening " + what));
  }

  bool has_attribute(hid_t object, const std::string& object_path, const std::string& name) const {
    const htri_t exists = H5Aexists(object, name.c_str());
    context_.check_status(exists, "looking for attribute '" + name + "' of '" + object_path + "'");
    return exists > 0;
  }

  bool has_link(hid_t group, const std::string& group_path, const std::string& name) const {
    const htri_t exists = H5Lexists(group, name.c_str(), H5P_DEFAULT);
    context_.check_status(exists, "looking for '" + group_path + "/" + name + "'");
    return exists > 0;
  }

  std::string string_attribute(hid_t object, const std::string& object_path,
                               const std::string& name) const {
    const std::string what = attribute_name(object_path, name);
    const hdf5::attribute_handle attribute = open_attribute(object, object_path, name);
    const hdf5::datatype_handle type(
        context_.check_id(H5Aget_type(attribute.get()), "reading the type of " + what));
    require_string_type(type.get(), what);
    const hdf5::dataspace_handle space(
        context_.check_id(H5Aget_space(attribute.get()), "reading the shape of " + what));
    require_one_element(space.get(), what);
    const std::vector<std::string> values = read_strings(
        type.get(), 1, what,
        [&](hid_t memory, void* buffer) { return H5Aread(attribute.get(), memory, buffer); });
    return values.front();
  }

  template <typename T>
  T scalar_attribute(hid_t object, const std::string& object_path, const std::string& name) const {
    const std::string what = attribute_name(object_path, name);
    const hdf5::attribute_handle attribute = open_attribute(object, object_path, name);
    require_numeric_attribute<T>(attribute.get(), what);
    const hdf5::dataspace_handle space(
        context_.check_id(H5Aget_space(attribute.get()), "reading the shape of " + what));
    require_one_element(space.get(), what);
    T value{};
    context_.check_status(H5Aread(attribute.get(), memory_type<T>::get(), &value),
                          "reading " + what);
    return value;
  }

  std::vector<double> double_array_attribute(hid_t object, const std::string& object_path,
                                             const std::string& name) const {
    const std::string what = attribute_name(object_path, name);
    const hdf5::attribute_handle attribute = open_attribute(object, object_path, name);
    require_numeric_attribute<double>(attribute.get(), what);
    const hdf5::dataspace_handle space(
        context_.check_id(H5Aget_space(attribute.get()), "reading the shape of " + what));
    const hssize_t count = H5Sget_simple_extent_npoints(space.get());
    context_.check_status(count < 0 ? -1 : 0, "reading the size of " + what);
    std::vector<double> values(static_cast<std::size_t>(count));
    if (!values.empty()) {
      context_.check_status(H5Aread(attribute.get(), H5T_NATIVE_DOUBLE, values.data()),
                            "reading " + what);
    }
    return values;
  }

  std::vector<std::string> string_dataset(hid_t group, const std::string& group_path,
                                          const std::string& name) const {
    const std::string what = dataset_name(group_path, name);
    const hdf5::dataset_handle dataset = open_dataset(group, group_path, name);
    const hdf5::datatype_handle type(
        context_.check_id(H5Dget_type(dataset.get()), "reading the type of " + what));
    require_string_type(type.get(), what);
    const std::vector<hsize_t> dims = dimensions(dataset.get(), what);
    if (dims.size() != 1) context_.fail(what + " must be 1-D, but has rank " + rank(dims));
    const std::size_t count =
        selection_ ? selection_->rows.size() : static_cast<std::size_t>(dims[0]);
    return read_strings(type.get(), count, what, [&](hid_t memory, void* buffer) {
      return read_rows(dataset.get(), memory, buffer, 0, what);
    });
  }

  // expected_columns == 0: a 1-D dataset of expected_rows. With a row_selection, the
  // dataset has the selection's total rows and the values are those of its rows.
  template <typename T>
  std::vector<T> numeric_dataset(hid_t group, const std::string& group_path,
                                 const std::string& name, hsize_t expected_rows,
                                 hsize_t expected_columns, const std::string& rows_meaning) const {
    const std::string what = dataset_name(group_path, name);
    const hdf5::dataset_handle dataset = open_dataset(group, group_path, name);
    const hdf5::datatype_handle type(
        context_.check_id(H5Dget_type(dataset.get()), "reading the type of " + what));
    require_numeric_type<T>(type.get(), what);
    const std::vector<hsize_t> dims = dimensions(dataset.get(), what);
    const std::size_t expected_rank = expected_columns == 0 ? 1 : 2;
    if (dims.size() != expected_rank) {
      context_.fail(what + " must have rank " + std::to_string(expected_rank) + ", but has rank " +
                    rank(dims));
    }
    const hsize_t file_rows = selection_ ? selection_->total : expected_rows;
    if (dims[0] != file_rows) {
      context_.fail(what + " has " + std::to_string(dims[0]) + " rows, expected " +
                    std::to_string(file_rows) + " (" + rows_meaning + ")");
    }
    if (expected_rank == 2 && dims[1] != expected_columns) {
      context_.fail(what + " has " + std::to_string(dims[1]) + " columns, expected " +
                    std::to_string(expected_columns));
    }
    const std::size_t rows =
        selection_ ? selection_->rows.size() : static_cast<std::size_t>(expected_rows);
    std::vector<T> values(rows *
                          (expected_rank == 2 ? static_cast<std::size_t>(expected_columns) : 1));
    if (!values.empty()) {
      context_.check_status(
          read_rows(dataset.get(), memory_type<T>::get(), values.data(), expected_columns, what),
          "reading " + what);
    }
    return values;
  }

  const hdf5::error_context& context() const noexcept { return context_; }

 private:
  static std::string attribute_name(const std::string& object_path, const std::string& name) {
    return "attribute '" + name + "' of '" + object_path + "'";
  }
  static std::string dataset_name(const std::string& group_path, const std::string& name) {
    return "dataset '" + group_path + "/" + name + "'";
  }
  static std::string rank(const std::vector<hsize_t>& dims) { return std::to_string(dims.size()); }

  hdf5::attribute_handle open_attribute(hid_t object, const std::string& object_path,
                                        const std::string& name) const {
    const std::string what = attribute_name(object_path, name);
    if (!has_attribute(object, object_path, name)) context_.fail(what + " is missing");
    return hdf5::attribute_handle(
        context_.check_id(H5Aopen(object, name.c_str(), H5P_DEFAULT), "opening " + what));
  }

  hdf5::dataset_handle open_dataset(hid_t group, const std::string& group_path,
                                    const std::string& name) const {
    const std::string what = dataset_name(group_path, name);
    if (!has_link(group, group_path, name)) context_.fail(what + " is missing");
    return hdf5::dataset_handle(
        context_.check_id(H5Dopen2(group, name.c_str(), H5P_DEFAULT), "opening " + what));
  }

  // All of the dataset, or the selection's rows (each with its `columns`; 0: 1-D).
  herr_t read_rows(hid_t dataset, hid_t memory, void* buffer, hsize_t columns,
                   const std::string& what) const {
    if (!selection_) return H5Dread(dataset, memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer);
    const std::size_t width = columns == 0 ? 1 : static_cast<std::size_t>(columns);
    const std::size_t rank = columns == 0 ? 1 : 2;
    std::vector<hsize_t> coordinates;
    coordinates.reserve(selection_->rows.size() * width * rank);
    for (const hsize_t row : selection_->rows) {
      for (hsize_t c = 0; c < width; ++c) {
        coordinates.push_back(row);
        if (rank == 2) coordinates.push_back(c);
      }
    }
    const hsize_t points = selection_->rows.size() * width;
    const hdf5::dataspace_handle file_space(
        context_.check_id(H5Dget_space(dataset), "reading the shape of " + what));
    context_.check_status(
        H5Sselect_elements(file_space.get(), H5S_SELECT_SET, points, coordinates.data()),
        "selecting rows of " + what);
    const hdf5::dataspace_handle memory_space(
        context_.check_id(H5Screate_simple(1, &points, nullptr), "sizing the rows of " + what));
    return H5Dread(dataset, memory, memory_space.get(), file_space.get(), H5P_DEFAULT, buffer);
  }

  std::vector<hsize_t> dimensions(hid_t dataset, const std::string& what) const {
    const hdf5::dataspace_handle space(
        context_.check_id(H5Dget_space(dataset), "reading the shape of " + what));
    const int rank = H5Sget_simple_extent_ndims(space.get());
    context_.check_status(rank, "reading the rank of " + what);
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    if (rank > 0) {
      context_.check_status(H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr),
                            "reading the dimensions of " + what);
    }
    return dims;
  }

  void require_one_element(hid_t space, const std::string& what) const {
    const hssize_t count = H5Sget_simple_extent_npoints(space);
    context_.check_status(count < 0 ? -1 : 0, "reading the size of " + what);
    if (count != 1) {
      context_.fail(what + " must hold one value, but holds " + std::to_string(count));
    }
  }

  void require_string_type(hid_t type, const std::string& what) const {
    const H5T_class_t type_class = H5Tget_class(type);
    context_.check_status(type_class == H5T_NO_CLASS ? -1 : 0, "reading the type of " + what);
    if (type_class != H5T_STRING) context_.fail(what + " must be a string");
  }

  template <typename T>
  void require_numeric_type(hid_t type, const std::string& what) const {
    const H5T_class_t type_class = H5Tget_class(type);
    context_.check_status(type_class == H5T_NO_CLASS ? -1 : 0, "reading the type of " + what);
    const bool accepted = std::is_floating_point<T>::value
                              ? (type_class == H5T_FLOAT || type_class == H5T_INTEGER)
                              : type_class == H5T_INTEGER;
    if (!accepted) context_.fail(what + " must be " + memory_type<T>::describe());
  }

  template <typename T>
  void require_numeric_attribute(hid_t attribute, const std::string& what) const {
    const hdf5::datatype_handle type(
        context_.check_id(H5Aget_type(attribute), "reading the type of " + what));
    require_numeric_type<T>(type.get(), what);
  }

  // Reads `count` strings stored with `file_type` (variable or fixed length) through
  // `read(memory_type, buffer)`.
  template <typename Read>
  std::vector<std::string> read_strings(hid_t file_type, std::size_t count, const std::string& what,
                                        Read read) const {
    std::vector<std::string> values;
    values.reserve(count);
    if (count == 0) return values;
    const hdf5::datatype_handle memory(
        context_.check_id(H5Tcopy(file_type), "copying the type of " + what));
    const htri_t variable = H5Tis_variable_str(file_type);
    context_.check_status(variable, "reading the type of " + what);
    if (variable > 0) {
      std::vector<char*> buffer(count, nullptr);
      const herr_t status = read(memory.get(), buffer.data());
      std::vector<hdf5_string> owned;
      owned.reserve(count);
      for (char* text : buffer) owned.emplace_back(text);
      context_.check_status(status, "reading " + what);
      for (const hdf5_string& text : owned) values.emplace_back(text ? text.get() : "");
      return values;
    }
    const std::size_t size = H5Tget_size(file_type);
    if (size == 0) context_.fail("reading the string size of " + what + " failed");
    const H5T_str_t padding = H5Tget_strpad(file_type);
    std::vector<char> buffer(count * size);
    context_.check_status(read(memory.get(), buffer.data()), "reading " + what);
    for (std::size_t i = 0; i < count; ++i) {
      std::string value(buffer.data() + i * size, size);
      const char pad = padding == H5T_STR_SPACEPAD ? ' ' : '\0';
      const std::size_t end = value.find_last_not_of(pad);
      value.erase(end == std::string::npos ? 0 : end + 1);
      if (pad == '\0') value.erase(std::min(value.size(), value.find('\0')));
      values.push_back(std::move(value));
    }
    return values;
  }

  const hdf5::error_context& context_;
  std::optional<row_selection> selection_;
};

}  // namespace levrisk
