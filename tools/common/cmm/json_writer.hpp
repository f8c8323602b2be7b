#pragma once

// A minimal streaming JSON writer, shared by cmm-ctl's `--json` output and
// cmm-bench's report: compact, one document per writer, strings escaped per
// RFC 8259. It does not check nesting: callers open and close what they
// write.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cmm {

class json_writer {
public:
  json_writer& begin_object();
  json_writer& end_object();
  json_writer& begin_array();
  json_writer& end_array();

  /// Writes a member name; the next value or container is its value.
  json_writer& key(std::string_view name);

  json_writer& value(std::string_view x);
  json_writer& value(const char* x) { return value(std::string_view{x}); }
  json_writer& value(const std::string& x) {
    return value(std::string_view{x});
  }
  json_writer& value(bool x);
  json_writer& value(uint64_t x);
  json_writer& value(int64_t x);
  json_writer& value(uint32_t x) { return value(uint64_t{x}); }
  json_writer& value(int x) { return value(int64_t{x}); }
  /// Non-finite numbers have no JSON form: they are written as `null`.
  json_writer& value(double x);
  json_writer& null();

  /// Shorthand for `key(name).value(x)`.
  template <class T> json_writer& field(std::string_view name, const T& x) {
    return key(name).value(x);
  }

  const std::string& str() const noexcept { return out_; }

private:
  /// Writes the comma that separates this item from the previous one.
  void separate();

  std::string out_;
  /// Per open container: whether it holds an item yet.
  std::vector<bool> has_items_;
  bool after_key_ = false;
};

/// Quotes and escapes a string for JSON.
std::string json_quote(std::string_view x);

} // namespace cmm
