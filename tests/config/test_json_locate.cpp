#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <string>

#include <simdjson.h>

#include "config/json_locate.hpp"

using namespace mlt::config;

TEST_CASE("the position scan agrees with simdjson on mutated config files") {
  std::ifstream in(std::string(MLT_SOURCE_DIR) + "/config/mltrainer.example.json");
  const std::string base((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(base.size() > 100);
  std::mt19937 rng(12345);
  const std::string alphabet = "{}[]\",:0123456789-+.eEtruefalsn \n\\/x";
  simdjson::dom::parser parser;
  int rejected = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    std::string text = base;
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = rng() % text.size();
      switch (rng() % 3) {
        case 0: text.erase(at, 1); break;
        case 1: text.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
        default: text[at] = alphabet[rng() % alphabet.size()]; break;
      }
    }
    std::map<std::string, json_position> where;
    json_syntax_error err;
    const bool scan_ok = locate_json(text, where, err);
    simdjson::dom::element root;
    const bool simd_ok = parser.parse(simdjson::padded_string(text)).get(root) == simdjson::SUCCESS;
    INFO(text);
    INFO(err.message << " at " << err.at.line << ":" << err.at.column);
    CHECK(scan_ok == simd_ok);
    if (!scan_ok) {
      ++rejected;
      CHECK(err.at.line >= 1);
      CHECK(err.at.column >= 1);
    }
  }
  CHECK(rejected > 1000);  // the mutations do break the syntax often
}

TEST_CASE("paths name members and elements; odd keys are quoted") {
  std::map<std::string, json_position> where;
  json_syntax_error err;
  REQUIRE(locate_json("{\"a\": {\"b c\": [1, {\"d\": 2}]},\n \"e\": 3}", where, err));
  CHECK(where.count("$.a"));
  CHECK(where.count("$.a[\"b c\"]"));
  CHECK(where.count("$.a[\"b c\"][1].d"));
  CHECK(where.at("$.e").line == 2);
  CHECK(where.at("$.e").column == 2);
  CHECK(member_path("$", "x_1") == "$.x_1");
  CHECK(member_path("$", "1x") == "$[\"1x\"]");
  CHECK(element_path("$.s", 3) == "$.s[3]");
}
