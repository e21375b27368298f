# make install into a staging directory, and the GRUB helper script.
CHECK_SUITES += tests/install/install.sh
