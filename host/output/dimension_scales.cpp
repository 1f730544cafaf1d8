#include "host/output/dimension_scales.hpp"

#include <hdf5_hl.h>

#include <algorithm>
#include <array>

namespace levrisk {
namespace {

std::vector<std::string> dataset_names(const hdf5::error_context& context, hid_t group,
                                       const std::string& group_path) {
  H5G_info_t info{};
  context.check_status(H5Gget_info(group, &info), "listing '" + group_path + "'");
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t length = context.check_id(
        H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT),
        "listing '" + group_path + "'");
    std::string name(static_cast<std::size_t>(length), '\0');
    context.check_id(H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(),
                                        name.size() + 1, H5P_DEFAULT),
                     "listing '" + group_path + "'");
    H5O_info_t object{};
    context.check_status(
        H5Oget_info_by_name2(group, name.c_str(), &object, H5O_INFO_BASIC, H5P_DEFAULT),
        "reading '" + group_path + "/" + name + "'");
    if (object.type == H5O_TYPE_DATASET) names.push_back(std::move(name));
  }
  return names;
}

// The dataset's extents, at most 2 (the result tables are 1-D or 2-D).
std::vector<hsize_t> extents(const hdf5::error_context& context, hid_t dataset,
                             const std::string& what) {
  const hdf5::dataspace_handle space(context.check_id(H5Dget_space(dataset), "reading " + what));
  const int rank = H5Sget_simple_extent_ndims(space.get());
  context.check_status(rank, "reading the rank of " + what);
  std::array<hsize_t, H5S_MAX_RANK> dims{};
  context.check_status(H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr),
                       "reading the extent of " + what);
  return std::vector<hsize_t>(dims.begin(), dims.begin() + rank);
}

}  // namespace

void attach_dimension_scales(const hdf5::error_context& context, hid_t group,
                             const std::string& group_path,
                             const std::vector<dimension_scale>& scales) {
  const auto open = [&](const std::string& name) {
    return hdf5::dataset_handle(context.check_id(H5Dopen2(group, name.c_str(), H5P_DEFAULT),
                                                 "opening '" + group_path + "/" + name + "'"));
  };
  std::vector<hdf5::dataset_handle> scale_sets;
  std::vector<hsize_t> scale_lengths;
  for (const dimension_scale& scale : scales) {
    scale_sets.push_back(open(scale.dataset));
    const std::string what = "'" + group_path + "/" + scale.dataset + "'";
    context.check_status(H5DSset_scale(scale_sets.back().get(), scale.dataset.c_str()),
                         "making " + what + " a dimension scale");
    scale_lengths.push_back(extents(context, scale_sets.back().get(), what).at(0));
  }
  for (const std::string& name : dataset_names(context, group, group_path)) {
    const bool is_scale = std::any_of(scales.begin(), scales.end(),
                                      [&](const dimension_scale& s) { return s.dataset == name; });
    if (is_scale) continue;
    const hdf5::dataset_handle dataset = open(name);
    const std::string what = "'" + group_path + "/" + name + "'";
    const std::vector<hsize_t> dims = extents(context, dataset.get(), what);
    for (std::size_t s = 0; s < scales.size(); ++s) {
      const auto axis = static_cast<std::size_t>(scales[s].axis);
      if (axis >= dims.size() || dims[axis] != scale_lengths[s]) continue;
      context.check_status(H5DSattach_scale(dataset.get(), scale_sets[s].get(), scales[s].axis),
                           "attaching '" + scales[s].dataset + "' to " + what);
    }
  }
}

}  // namespace levrisk
