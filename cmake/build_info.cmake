# Writes build_info.hpp at build time, so that the revision a result file
# records follows the checkout being built, not the last configure. Run by the
# levrisk_build_info target with -DSOURCE_DIR, -DOUTPUT and -DPROJECT_VERSION;
# configure_file rewrites OUTPUT only when its text changes, so an unchanged
# revision rebuilds nothing.
execute_process(COMMAND git rev-parse --short=12 HEAD WORKING_DIRECTORY ${SOURCE_DIR}
                OUTPUT_VARIABLE LEVRISK_GIT_REVISION OUTPUT_STRIP_TRAILING_WHITESPACE
                ERROR_QUIET)
execute_process(COMMAND git status --porcelain --untracked-files=no WORKING_DIRECTORY ${SOURCE_DIR}
                OUTPUT_VARIABLE LEVRISK_GIT_DIRTY OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT LEVRISK_GIT_REVISION)
  set(LEVRISK_GIT_REVISION "unknown")
elseif(LEVRISK_GIT_DIRTY)
  string(APPEND LEVRISK_GIT_REVISION "-dirty")
endif()
configure_file(${SOURCE_DIR}/host/common/build_info.hpp.in ${OUTPUT} @ONLY)
