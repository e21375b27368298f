# Checks over the sources themselves (no build needed).
CHECK_SUITES += tests/tools/include-cycles.sh
