// CAF's unit-test runner (main, engine, watchdog) for the actor tests on the
// deterministic test coordinator; it must be compiled in exactly one file.
#include <caf/test/unit_test_impl.hpp>
