#pragma once
// HDF5 dimension scales (the HDF5 High Level DS API) on a result group's tables, so
// that netCDF-style readers see named dimensions: xarray with h5netcdf opens a unit
// group with the unit ids along the rows and the health-factor levels along the
// columns, instead of anonymous "phony" dimensions.

#include <hdf5.h>

#include <string>
#include <vector>

#include "host/output/hdf5_handle.hpp"

namespace levrisk {

struct dimension_scale {
  std::string dataset;  // a 1-D dataset of the group: its values label the dimension
  int axis;             // the axis of the other datasets it labels
};

// Makes each scale's dataset a dimension scale named after it, and attaches it to
// `axis` of every other dataset of `group` whose rank is above `axis` and whose extent
// there is the scale's length. Datasets of other shapes are left as they are.
void attach_dimension_scales(const hdf5::error_context& context, hid_t group,
                             const std::string& group_path,
                             const std::vector<dimension_scale>& scales);

}  // namespace levrisk
