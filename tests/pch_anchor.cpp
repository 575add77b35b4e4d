// The translation unit that builds the tests' shared precompiled header
// (tests/CMakeLists.txt, cmake/Pch.cmake); it has no code of its own.
