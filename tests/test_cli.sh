# The CLI's own contract: help, version, unknown commands and options.
. "$(dirname "$0")/testlib.sh"
expect_exit 0 "$P3D_BIN" --help
expect_out "^usage: photo3d COMMAND"
expect_exit 0 "$P3D_BIN" --version
expect_out "^photo3d [0-9]+\.[0-9]+\.[0-9]+$"
expect_exit 2 "$P3D_BIN"
expect_exit 2 "$P3D_BIN" frobnicate
expect_err "unknown command 'frobnicate'"
finish
