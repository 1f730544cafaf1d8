#include "host/output/hdf5_handle.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "common/error.hpp"
#include "tests/host/output/output_fixtures.hpp"

namespace levrisk {
namespace {

bool is_open(hid_t id) {
  return H5Iis_valid(id) > 0;
}

TEST(Hdf5Handle, ClosesOnDestruction) {
  hid_t id = H5I_INVALID_HID;
  {
    const hdf5::dataspace_handle space(H5Screate(H5S_SCALAR));
    id = space.get();
    EXPECT_TRUE(is_open(id));
  }
  EXPECT_FALSE(is_open(id));
}

TEST(Hdf5Handle, MoveTransfersOwnership) {
  hdf5::datatype_handle first(H5Tcopy(H5T_NATIVE_DOUBLE));
  const hid_t id = first.get();
  hdf5::datatype_handle second(std::move(first));
  EXPECT_FALSE(first.valid());  // NOLINT(bugprone-use-after-move): moved-from state is defined
  EXPECT_EQ(second.get(), id);
  EXPECT_TRUE(is_open(id));
  hdf5::datatype_handle third;
  third = std::move(second);
  EXPECT_EQ(third.get(), id);
  EXPECT_TRUE(is_open(id));
  third = hdf5::datatype_handle(H5Tcopy(H5T_NATIVE_INT));
  EXPECT_FALSE(is_open(id));
}

TEST(Hdf5Handle, ExplicitCloseReportsStatusOnce) {
  hdf5::property_list_handle list(H5Pcreate(H5P_DATASET_CREATE));
  const hid_t id = list.get();
  EXPECT_GE(list.close(), 0);
  EXPECT_FALSE(list.valid());
  EXPECT_FALSE(is_open(id));
  EXPECT_GE(list.close(), 0);
}

TEST(Hdf5Handle, SilencesAutomaticErrorPrinting) {
  hdf5::silence_automatic_error_printing();
  H5E_auto2_t function = nullptr;
  void* data = nullptr;
  ASSERT_GE(H5Eget_auto2(H5E_DEFAULT, &function, &data), 0);
  EXPECT_EQ(function, nullptr);
}

TEST(Hdf5ErrorContext, FailedCallNamesPrefixActionAndHdf5Reason) {
  hdf5::silence_automatic_error_printing();
  test::scratch_directory dir;
  const std::string path = (dir / "missing.h5").string();
  const hdf5::error_context context("cannot read results from '" + path + "'",
                                    hdf5::failure_kind::input);
  try {
    context.check_id(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "opening the file");
    FAIL() << "no error";
  } catch (const input_error& error) {
    const std::string message = error.what();
    EXPECT_EQ(
        message.rfind(
            "cannot read results from '" + path + "': opening the file failed (HDF5: H5Fopen: ", 0),
        0u)
        << message;
  }
}

// The sec2 driver's write errors embed ctime() text, newline included.
TEST(Hdf5ErrorStack, SummaryIsOneLine) {
  H5Eclear2(H5E_DEFAULT);
  H5Epush2(H5E_DEFAULT, __FILE__, "H5FD_write", __LINE__, H5E_ERR_CLS, H5E_VFL, H5E_WRITEERROR,
           "%s", "file write failed: time = Tue Dec  1 16:56:45 2026\n, errno = 28");
  EXPECT_EQ(hdf5::error_stack_summary(),
            "H5FD_write: file write failed: time = Tue Dec  1 16:56:45 2026 , errno = 28");
  H5Eclear2(H5E_DEFAULT);
}

TEST(Hdf5ErrorContext, RuntimeKindThrowsRuntimeFailure) {
  hdf5::silence_automatic_error_printing();
  const hdf5::error_context context("cannot write results to 'x.h5'", hdf5::failure_kind::runtime);
  EXPECT_THROW(context.check_status(H5Sclose(H5I_INVALID_HID), "closing a dataspace"),
               runtime_failure);
}

TEST(Hdf5ErrorContext, FailWithoutHdf5Call) {
  const hdf5::error_context context("cannot write results to 'x.h5'", hdf5::failure_kind::runtime);
  try {
    context.fail("the disk is full");
    FAIL() << "no error";
  } catch (const runtime_failure& error) {
    EXPECT_STREQ(error.what(), "cannot write results to 'x.h5': the disk is full");
  }
}

TEST(Hdf5ErrorContext, PassesValidIdentifiersThrough) {
  const hdf5::error_context context("x", hdf5::failure_kind::runtime);
  const hdf5::dataspace_handle space(context.check_id(H5Screate(H5S_SCALAR), "creating"));
  EXPECT_TRUE(space.valid());
  EXPECT_NO_THROW(context.check_status(0, "anything"));
}

TEST(Hdf5Utf8StringType, IsVariableLengthUtf8) {
  const hdf5::error_context context("x", hdf5::failure_kind::runtime);
  const hdf5::datatype_handle type = hdf5::make_utf8_string_type(context);
  EXPECT_GT(H5Tis_variable_str(type.get()), 0);
  EXPECT_EQ(H5Tget_cset(type.get()), H5T_CSET_UTF8);
}

}  // namespace
}  // namespace levrisk
