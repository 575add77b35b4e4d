#include "ml/market/bar_cache.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "ml/market/calendar.hpp"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the bar cache format is little-endian; add byte swapping for this target"
#endif

namespace mlt::ml {

namespace fs = std::filesystem;

namespace {

constexpr char magic[8] = {'M', 'L', 'T', 'B', 'A', 'R', 'S', '1'};
constexpr std::size_t header_size = 8 + 8 + 8 + 8;
constexpr std::size_t record_size = 48;

bool safe_name(const std::string& s) {
  if (s.empty() || s.size() > 40 || s == "." || s == "..") return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
           c == '_' || c == ':';
  });
}

std::uint64_t fnv1a(const char* data, std::size_t n, std::uint64_t h = 0xcbf29ce484222325ULL) {
  for (std::size_t i = 0; i < n; ++i) {
    h ^= static_cast<unsigned char>(data[i]);
    h *= 0x100000001b3ULL;
  }
  return h;
}

template <class T>
void put(std::string& out, const T& v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

template <class T>
T get(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

std::optional<cached_bars> decode(const std::string& data) {
  if (data.size() < header_size + 8 || std::memcmp(data.data(), magic, 8) != 0) return std::nullopt;
  std::uint64_t count = get<std::uint64_t>(data.data() + 24);
  if (count > (data.size() - header_size - 8) / record_size ||
      data.size() != header_size + count * record_size + 8)
    return std::nullopt;
  std::size_t body = data.size() - 8;
  if (fnv1a(data.data(), body) != get<std::uint64_t>(data.data() + body)) return std::nullopt;
  cached_bars c;
  c.covered_from = get<std::int64_t>(data.data() + 8);
  c.covered_to = get<std::int64_t>(data.data() + 16);
  c.bars.resize(count);
  const char* p = data.data() + header_size;
  for (std::size_t i = 0; i < count; ++i, p += record_size) {
    bar& b = c.bars[i];
    b.time = get<std::int64_t>(p);
    b.open = get<double>(p + 8);
    b.high = get<double>(p + 16);
    b.low = get<double>(p + 24);
    b.close = get<double>(p + 32);
    b.volume = get<double>(p + 40);
  }
  return c;
}

std::string encode(const cached_bars& c) {
  std::string out;
  out.reserve(header_size + c.bars.size() * record_size + 8);
  out.append(magic, 8);
  put(out, c.covered_from);
  put(out, c.covered_to);
  put(out, static_cast<std::uint64_t>(c.bars.size()));
  for (const bar& b : c.bars) {
    put(out, b.time);
    put(out, b.open);
    put(out, b.high);
    put(out, b.low);
    put(out, b.close);
    put(out, b.volume);
  }
  put(out, fnv1a(out.data(), out.size()));
  return out;
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return {};
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

[[noreturn]] void io_fail(const std::string& what, const fs::path& p) {
  throw data_error("bar cache: cannot " + what + " " + p.string() + ": " + std::strerror(errno));
}

void write_atomically(const fs::path& target, const std::string& bytes) {
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) throw data_error("bar cache: cannot create " + target.parent_path().string() + ": " + ec.message());
  // Unique per write: loads run in parallel, and two may cache the same symbol.
  static std::atomic<std::uint64_t> writes{0};
  fs::path tmp = target;
  tmp += ".tmp." + std::to_string(::getpid()) + "." + std::to_string(++writes);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) io_fail("create", tmp);
  const char* p = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    ssize_t w = ::write(fd, p, left);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      int saved = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      errno = saved;
      io_fail("write", tmp);
    }
    p += w;
    left -= static_cast<std::size_t>(w);
  }
  // Data must be on disk before the rename makes it visible.
  if (::fsync(fd) != 0) {
    int saved = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    errno = saved;
    io_fail("fsync", tmp);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), target.c_str()) != 0) {
    int saved = errno;
    ::unlink(tmp.c_str());
    errno = saved;
    io_fail("rename into", target);
  }
  // And the rename itself must survive a crash.
  int dfd = ::open(target.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

void merge_into(std::vector<bar>& base, const std::vector<bar>& fresh) {
  // Fresh bars win over cached ones with the same timestamp (a day's bar may be revised).
  std::vector<bar> out;
  out.reserve(base.size() + fresh.size());
  std::size_t i = 0, j = 0;
  while (i < base.size() || j < fresh.size()) {
    if (j == fresh.size() || (i < base.size() && base[i].time < fresh[j].time)) {
      out.push_back(base[i++]);
    } else {
      if (i < base.size() && base[i].time == fresh[j].time) ++i;
      out.push_back(fresh[j++]);
    }
  }
  base.swap(out);
}

bool has_business_day(std::int64_t from_day, std::int64_t to_day) {
  for (std::int64_t d = from_day; d <= to_day; ++d)
    if (is_business_day(d)) return true;
  return false;
}

}  // namespace

std::string cache_dir_for_state(const std::string& state_dir) { return (fs::path(state_dir) / "cache").string(); }

bar_cache::bar_cache(std::string cache_dir) : root_(fs::path(std::move(cache_dir)) / "bars") {}

fs::path bar_cache::path_for(const std::string& source, const std::string& symbol, const std::string& timespan) const {
  for (const std::string* part : {&source, &symbol, &timespan})
    if (!safe_name(*part)) throw data_error("bar cache: '" + *part + "' is not a safe cache name");
  return root_ / source / symbol / (timespan + ".bars");
}

std::optional<cached_bars> bar_cache::load(const std::string& source, const std::string& symbol,
                                           const std::string& timespan) const {
  fs::path p = path_for(source, symbol, timespan);
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) return std::nullopt;
  return decode(read_all(p));
}

void bar_cache::store(const std::string& source, const std::string& symbol, const std::string& timespan,
                      const cached_bars& data) const {
  write_atomically(path_for(source, symbol, timespan), encode(data));
}

std::vector<cache_entry> bar_cache::list() const {
  std::vector<cache_entry> out;
  std::error_code ec;
  if (!fs::is_directory(root_, ec)) return out;
  for (auto it = fs::recursive_directory_iterator(root_, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const fs::path& p = it->path();
    if (!it->is_regular_file() || p.extension() != ".bars") continue;
    cache_entry e;
    e.path = p.string();
    e.timespan = p.stem().string();
    e.symbol = p.parent_path().filename().string();
    e.source = p.parent_path().parent_path().filename().string();
    e.bytes = it->file_size();
    auto c = decode(read_all(p));
    e.valid = c.has_value();
    if (c) {
      e.covered_from = c->covered_from;
      e.covered_to = c->covered_to;
      e.bars = c->bars.size();
    }
    out.push_back(e);
  }
  std::sort(out.begin(), out.end(), [](const cache_entry& a, const cache_entry& b) { return a.path < b.path; });
  return out;
}

std::size_t bar_cache::clear(const std::string& symbol) const {
  if (!symbol.empty() && !safe_name(symbol)) throw data_error("bar cache: '" + symbol + "' is not a safe cache name");
  std::size_t removed = 0;
  for (const cache_entry& e : list()) {
    if (!symbol.empty() && e.symbol != symbol) continue;
    std::error_code ec;
    if (fs::remove(e.path, ec)) ++removed;
  }
  // Leftover temporaries from a crash and now-empty folders go too.
  std::error_code ec;
  if (symbol.empty() && fs::is_directory(root_, ec)) fs::remove_all(root_, ec);
  return removed;
}

std::vector<bar> fetch_through_cache(const bar_cache& cache, const std::string& source, const remote_range& range,
                                     const remote_fetch& fetch, const data_progress& progress, std::int64_t today,
                                     std::vector<std::string>& notes) {
  const std::int64_t day = seconds_per_day;
  const std::int64_t want_from = day_of(range.from) * day, want_to = day_of(range.to) * day;
  const std::int64_t last_final_day = day_of(today) * day - day;  // today's bar may still change
  std::optional<cached_bars> cached = cache.load(source, range.symbol, range.timespan);
  cached_bars merged;
  std::vector<std::pair<std::int64_t, std::int64_t>> missing;
  const bool overlaps = cached && !cached->bars.empty() && cached->covered_from <= want_to + day &&
                        cached->covered_to + day >= want_from;
  if (overlaps) {
    merged = *cached;
    if (want_from < merged.covered_from) missing.emplace_back(want_from, merged.covered_from - day);
    if (want_to > merged.covered_to) missing.emplace_back(merged.covered_to + day, want_to);
  } else {
    missing.emplace_back(want_from, want_to);
  }

  std::size_t fetched = 0;
  for (const auto& seg : missing) {
    // A segment of weekends or holidays only has no bars to fetch.
    if (!has_business_day(day_of(seg.first), day_of(seg.second))) {
      if (overlaps) {
        merged.covered_from = std::min(merged.covered_from, seg.first);
        merged.covered_to = std::max(merged.covered_to, std::min(seg.second, last_final_day));
      }
      continue;
    }
    remote_range part = range;
    part.from = seg.first;
    part.to = seg.second;
    std::vector<bar> fresh;
    try {
      fresh = fetch(part, progress);
    } catch (const data_error& e) {
      if (!overlaps) throw;
      // Cached bars still serve the request; say plainly what is missing.
      notes.push_back("cache: could not fetch " + format_date(seg.first) + " .. " + format_date(seg.second) +
                      " (" + e.what() + "); using cached bars only for that part");
      continue;
    }
    fetched += fresh.size();
    if (!overlaps && merged.bars.empty()) {
      merged.covered_from = seg.first;
      merged.covered_to = std::min(seg.second, last_final_day);
      merged.bars = std::move(fresh);
    } else {
      merge_into(merged.bars, fresh);
      merged.covered_from = std::min(merged.covered_from, seg.first);
      merged.covered_to = std::max(merged.covered_to, std::min(seg.second, last_final_day));
    }
  }
  if (fetched > 0 || (overlaps && !missing.empty())) {
    if (merged.covered_to < merged.covered_from) merged.covered_to = merged.covered_from - day;
    cache.store(source, range.symbol, range.timespan, merged);
  }

  std::vector<bar> out;
  for (const bar& b : merged.bars)
    if (b.time >= want_from && b.time < want_to + day) out.push_back(b);
  if (overlaps)
    notes.push_back("cache: " + std::to_string(out.size() >= fetched ? out.size() - fetched : 0) +
                    " bars from the cache, " + std::to_string(fetched) + " fetched");
  return out;
}

}  // namespace mlt::ml
