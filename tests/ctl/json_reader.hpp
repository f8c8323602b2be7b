#pragma once

// A small strict JSON reader for the ctl tests: enough to check that
// cmm-ctl prints valid JSON and to look into it. Throws
// `std::runtime_error` on anything that is not exactly one JSON document.

#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace cmm::test {

class json_value {
public:
  using array = std::vector<json_value>;
  using object = std::map<std::string, json_value>;

  json_value() = default;

  template <class T> explicit json_value(T x) : data_(std::move(x)) {
    // nop
  }

  bool is_null() const { return std::holds_alternative<std::monostate>(data_); }
  bool is_object() const { return std::holds_alternative<object>(data_); }
  bool is_array() const { return std::holds_alternative<array>(data_); }
  bool is_number() const { return std::holds_alternative<double>(data_); }
  bool is_string() const { return std::holds_alternative<std::string>(data_); }

  /// The member `key` of an object; throws if absent or not an object.
  const json_value& operator[](const std::string& key) const;

  /// The element `i` of an array; throws if out of range or not an array.
  const json_value& operator[](size_t i) const;

  bool contains(const std::string& key) const;

  /// Elements of an array or members of an object.
  size_t size() const;

  double number() const;
  const std::string& string() const;
  bool boolean() const;

private:
  std::variant<std::monostate, bool, double, std::string, array, object> data_;
};

json_value parse_json(const std::string& text);

} // namespace cmm::test
