#pragma once
/// mltrainerd's flags parsed from a list of strings, for the config tests.

#include <string>
#include <vector>

#include "config/daemon_options.hpp"

namespace mlt::test {

inline bool parse_flags(std::vector<std::string> args, config::daemon_options& o, std::string& err) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  bool help = false;
  return config::parse_daemon_args(static_cast<int>(argv.size()), argv.data(), o, err, help);
}

}  // namespace mlt::test
