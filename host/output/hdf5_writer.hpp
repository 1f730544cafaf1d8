#pragma once
// The writing half of the HDF5 layer used by the result writer: the file and memory
// types of the numbers it stores, and hdf5_writer, which creates groups, attributes
// and datasets under one error_context (so every failure names the file and object).
// Not thread-safe, like the serial HDF5 library beneath it.

#include <hdf5.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "host/output/hdf5_handle.hpp"

namespace levrisk {

template <typename T>
struct hdf5_types;

template <>
struct hdf5_types<double> {
  static hid_t file() { return H5T_IEEE_F64LE; }
  static hid_t memory() { return H5T_NATIVE_DOUBLE; }
};

template <>
struct hdf5_types<std::int64_t> {
  static hid_t file() { return H5T_STD_I64LE; }
  static hid_t memory() { return H5T_NATIVE_INT64; }
};

template <>
struct hdf5_types<std::uint64_t> {
  static hid_t file() { return H5T_STD_U64LE; }
  static hid_t memory() { return H5T_NATIVE_UINT64; }
};

template <>
struct hdf5_types<std::uint8_t> {
  static hid_t file() { return H5T_STD_U8LE; }
  static hid_t memory() { return H5T_NATIVE_UINT8; }
};

class hdf5_writer {
 public:
  // 16384 doubles = 128 KiB per chunk: well inside HDF5's default 1 MiB chunk cache, and
  // large enough for deflate to find the repetition that shuffle exposes.
  static constexpr hsize_t chunk_bytes_target = hsize_t{128} * 1024;
  static constexpr unsigned deflate_level = 4;

  explicit hdf5_writer(const hdf5::error_context& context) : context_(context) {}

  const hdf5::error_context& context() const noexcept { return context_; }

  hdf5::group_handle create_group(hid_t parent, const std::string& name) const {
    return hdf5::group_handle(
        context_.check_id(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                          "creating group '/" + name + "'"));
  }

  void string_attribute(hid_t object, const std::string& object_path, const std::string& name,
                        const std::string& value) const {
    const std::string what = "attribute '" + name + "' of '" + object_path + "'";
    require_no_nul(value, what);
    const hdf5::datatype_handle type = hdf5::make_utf8_string_type(context_);
    const hdf5::dataspace_handle space(
        context_.check_id(H5Screate(H5S_SCALAR), "creating the dataspace of " + what));
    const hdf5::attribute_handle attribute(context_.check_id(
        H5Acreate2(object, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
        "creating " + what));
    const char* text = value.c_str();
    context_.check_status(H5Awrite(attribute.get(), type.get(), &text), "writing " + what);
  }

  template <typename T>
  void scalar_attribute(hid_t object, const std::string& object_path, const std::string& name,
                        T value) const {
    const hdf5::dataspace_handle space(context_.check_id(
        H5Screate(H5S_SCALAR), "creating the dataspace of attribute '" + name + "'"));
    write_attribute(object, object_path, name, hdf5_types<T>::file(), hdf5_types<T>::memory(),
                    space.get(), &value);
  }

  void double_array_attribute(hid_t object, const std::string& object_path, const std::string& name,
                              const std::vector<double>& values) const {
    const hsize_t size = values.size();
    const hdf5::dataspace_handle space(context_.check_id(
        H5Screate_simple(1, &size, nullptr), "creating the dataspace of attribute '" + name + "'"));
    write_attribute(object, object_path, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, space.get(),
                    values.data());
  }

  void string_dataset(hid_t group, const std::string& group_path, const std::string& name,
                      const std::vector<std::string>& values) const {
    const std::string what = "dataset '" + group_path + "/" + name + "'";
    std::vector<const char*> pointers;
    pointers.reserve(values.size());
    for (const std::string& value : values) {
      require_no_nul(value, "a value of " + what);
      pointers.push_back(value.c_str());
    }
    const hdf5::datatype_handle type = hdf5::make_utf8_string_type(context_);
    const hsize_t size = values.size();
    const hdf5::dataspace_handle space(context_.check_id(H5Screate_simple(1, &size, nullptr),
                                                         "creating the dataspace of " + what));
    const hdf5::dataset_handle dataset(
        context_.check_id(H5Dcreate2(group, name.c_str(), type.get(), space.get(), H5P_DEFAULT,
                                     H5P_DEFAULT, H5P_DEFAULT),
                          "creating " + what));
    if (size > 0) {
      context_.check_status(
          H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()),
          "writing " + what);
    }
  }

  // rows x columns, row-major; columns == 0 means a 1-D dataset of `rows`.
  template <typename T>
  void numeric_dataset(hid_t group, const std::string& group_path, const std::string& name,
                       const std::vector<T>& values, hsize_t rows, hsize_t columns = 0) const {
    const std::string what = "dataset '" + group_path + "/" + name + "'";
    const int rank = columns == 0 ? 1 : 2;
    const hsize_t dims[2] = {rows, columns};
    const hdf5::dataspace_handle space(context_.check_id(H5Screate_simple(rank, dims, nullptr),
                                                         "creating the dataspace of " + what));
    const hdf5::property_list_handle create = creation_properties(rank, dims, sizeof(T), what);
    const hdf5::dataset_handle dataset(
        context_.check_id(H5Dcreate2(group, name.c_str(), hdf5_types<T>::file(), space.get(),
                                     H5P_DEFAULT, create.get(), H5P_DEFAULT),
                          "creating " + what));
    if (!values.empty()) {
      context_.check_status(H5Dwrite(dataset.get(), hdf5_types<T>::memory(), H5S_ALL, H5S_ALL,
                                     H5P_DEFAULT, values.data()),
                            "writing " + what);
    }
  }

 private:
  void write_attribute(hid_t object, const std::string& object_path, const std::string& name,
                       hid_t file_type, hid_t memory_type, hid_t space, const void* data) const {
    const std::string what = "attribute '" + name + "' of '" + object_path + "'";
    const hdf5::attribute_handle attribute(context_.check_id(
        H5Acreate2(object, name.c_str(), file_type, space, H5P_DEFAULT, H5P_DEFAULT),
        "creating " + what));
    context_.check_status(H5Awrite(attribute.get(), memory_type, data), "writing " + what);
  }

  // Chunked, shuffled and deflated when there is data (HDF5 cannot chunk an empty
  // extent); contiguous otherwise.
  hdf5::property_list_handle creation_properties(int rank, const hsize_t* dims,
                                                 std::size_t element_bytes,
                                                 const std::string& what) const {
    hdf5::property_list_handle create(context_.check_id(
        H5Pcreate(H5P_DATASET_CREATE), "creating the creation properties of " + what));
    hsize_t elements = 1;
    for (int d = 0; d < rank; ++d) elements *= dims[d];
    if (elements == 0 || H5Zfilter_avail(H5Z_FILTER_DEFLATE) <= 0) return create;
    const hsize_t target_elements = std::max<hsize_t>(1, chunk_bytes_target / element_bytes);
    hsize_t chunk[2] = {0, 0};
    if (rank == 1) {
      chunk[0] = std::min(dims[0], target_elements);
    } else {
      chunk[1] = dims[1];
      chunk[0] = std::min(dims[0], std::max<hsize_t>(1, target_elements / dims[1]));
    }
    context_.check_status(H5Pset_chunk(create.get(), rank, chunk), "chunking " + what);
    context_.check_status(H5Pset_shuffle(create.get()), "setting the shuffle filter on " + what);
    context_.check_status(H5Pset_deflate(create.get(), deflate_level),
                          "setting deflate compression on " + what);
    return create;
  }

  // HDF5 C strings end at the first NUL: such a string would not read back as written.
  void require_no_nul(const std::string& value, const std::string& what) const {
    if (value.find('\0') != std::string::npos) {
      context_.fail(what + " contains a NUL character, which HDF5 strings cannot hold");
    }
  }

  const hdf5::error_context& context_;
};

}  // namespace levrisk
