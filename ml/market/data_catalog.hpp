#pragma once
/// What data a daemon can serve: the CSV folder's files, read for their
/// symbol, range and bar size, and the sentence that tells a person which
/// source a request will use. The data loader (data_source.hpp) makes the
/// same choice; both ask find_symbol_csv() (data_source.hpp).

#include <cstddef>
#include <string>
#include <vector>

namespace mlt::ml {

/// One SYMBOL.csv of the data folder.
struct csv_entry {
  std::string symbol;    ///< file name without ".csv", as the file is named
  std::string path;      ///< full path
  std::string first;     ///< first bar, "YYYY-MM-DD" (or date and time for intraday)
  std::string last;      ///< last bar
  std::string timespan;  ///< minute | hour | day | week | month, from the bar spacing
  std::size_t bars = 0;
  std::string problem;   ///< why the file cannot be used; "" when it can
};

/// Reads one CSV file for its entry; a file that does not parse gets `problem`.
csv_entry describe_csv(const std::string& data_dir, const std::string& path);

/// Every *.csv directly in `data_dir`, sorted by symbol; at most `limit`
/// files are read (the rest are left out). Empty when data_dir is "" or missing.
std::vector<csv_entry> list_csv_folder(const std::string& data_dir, std::size_t limit = 200);

/// The answer to "what data do you have?": every source, with symbols,
/// periods and bar sizes.
std::string describe_available_data(const std::string& data_dir, bool polygon_key_set);

/// One line naming the data a plan will load: "TSLA.csv in DIR: 754 day bars,
/// 2015-01-02 .. 2017-12-29 (real prices)" or "the synthetic market (...)".
/// `source` is the plan's data_source (auto | csv | synthetic | polygon).
std::string describe_data_choice(const std::string& symbol, const std::string& source, const std::string& data_dir,
                                 bool polygon_key_set);

}  // namespace mlt::ml
