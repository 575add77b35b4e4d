#pragma once
/// A prepared SQLite statement that finalizes itself (the store's only way
/// to run SQL with values).

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <sqlite3.h>

#include "messages/ids.hpp"

namespace mlt::store {

class stmt {
public:
  stmt(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("store: cannot prepare statement: ") + sqlite3_errmsg(db));
  }
  ~stmt() { sqlite3_finalize(s_); }
  stmt(const stmt&) = delete;
  stmt& operator=(const stmt&) = delete;
  stmt& bind(int i, std::int64_t v) { return check(sqlite3_bind_int64(s_, i, v)); }
  /// An id is kept as its integer.
  template <class Tag>
  stmt& bind(int i, msg::record_id<Tag> id) {
    return bind(i, id.value);
  }
  stmt& bind(int i, double v) { return check(sqlite3_bind_double(s_, i, v)); }
  stmt& bind(int i, const std::string& v) {
    return check(sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
  }
  stmt& bind_null(int i) { return check(sqlite3_bind_null(s_, i)); }
  stmt& bind(int i, const std::vector<char>& v) {
    return check(sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
  }
  /// true while there is a row.
  bool step() {
    int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw std::runtime_error(std::string("store: ") + sqlite3_errmsg(db_));
  }
  std::int64_t i64(int c) { return sqlite3_column_int64(s_, c); }
  msg::trial_id trial(int c) { return msg::trial_id{i64(c)}; }
  double f64(int c) { return sqlite3_column_double(s_, c); }
  std::string text(int c) {
    auto p = sqlite3_column_text(s_, c);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(s_, c)))
             : std::string();
  }
  /// Ready to run again with new bindings.
  void reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  std::vector<char> blob(int c) {
    auto p = static_cast<const char*>(sqlite3_column_blob(s_, c));
    return p ? std::vector<char>(p, p + sqlite3_column_bytes(s_, c)) : std::vector<char>();
  }

private:
  stmt& check(int rc) {
    if (rc != SQLITE_OK) throw std::runtime_error(std::string("store: bind failed: ") + sqlite3_errmsg(db_));
    return *this;
  }
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
};

}  // namespace mlt::store
