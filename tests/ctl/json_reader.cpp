#include "json_reader.hpp"

#include <cstdlib>
#include <stdexcept>

namespace cmm::test {

namespace {

class reader {
public:
  explicit reader(const std::string& text) : text_(text) {
    // nop
  }

  json_value document() {
    auto result = value();
    skip_space();
    if (pos_ != text_.size())
      fail("trailing characters");
    return result;
  }

private:
  [[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error("invalid JSON at " + std::to_string(pos_) + ": " +
                             what + " in: " + text_);
  }

  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                   text_[pos_] == '\t' || text_[pos_] == '\r'))
      ++pos_;
  }

  bool take(char ch) {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == ch) {
      ++pos_;
      return true;
    }
    return false;
  }

  void expect(char ch) {
    if (!take(ch))
      fail(std::string{"expected '"} + ch + "'");
  }

  bool take_word(const char* word) {
    auto n = std::char_traits<char>::length(word);
    if (text_.compare(pos_, n, word) != 0)
      return false;
    pos_ += n;
    return true;
  }

  json_value value() {
    skip_space();
    if (pos_ == text_.size())
      fail("unexpected end");
    char ch = text_[pos_];
    if (ch == '{')
      return object();
    if (ch == '[')
      return array();
    if (ch == '"')
      return json_value{string()};
    if (take_word("true"))
      return json_value{true};
    if (take_word("false"))
      return json_value{false};
    if (take_word("null"))
      return json_value{};
    return json_value{number()};
  }

  json_value object() {
    expect('{');
    json_value::object members;
    if (take('}'))
      return json_value{std::move(members)};
    do {
      skip_space();
      auto key = string();
      expect(':');
      members[key] = value();
    } while (take(','));
    expect('}');
    return json_value{std::move(members)};
  }

  json_value array() {
    expect('[');
    json_value::array items;
    if (take(']'))
      return json_value{std::move(items)};
    do
      items.push_back(value());
    while (take(','));
    expect(']');
    return json_value{std::move(items)};
  }

  std::string string() {
    if (pos_ >= text_.size() || text_[pos_] != '"')
      fail("expected a string");
    ++pos_;
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      char ch = text_[pos_++];
      if (static_cast<unsigned char>(ch) < 0x20)
        fail("control character in string");
      if (ch != '\\') {
        out += ch;
        continue;
      }
      if (pos_ >= text_.size())
        fail("unfinished escape");
      char esc = text_[pos_++];
      switch (esc) {
      case '"':
      case '\\':
      case '/':
        out += esc;
        break;
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'u': {
        if (pos_ + 4 > text_.size())
          fail("short \\u escape");
        auto code = std::stoul(text_.substr(pos_, 4), nullptr, 16);
        pos_ += 4;
        out += code < 0x80 ? static_cast<char>(code) : '?';
        break;
      }
      default:
        fail("bad escape");
      }
    }
    if (pos_ >= text_.size())
      fail("unterminated string");
    ++pos_;
    return out;
  }

  double number() {
    auto start = pos_;
    if (pos_ < text_.size() && text_[pos_] == '-')
      ++pos_;
    auto digits = [&] {
      auto from = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9')
        ++pos_;
      return pos_ > from;
    };
    if (!digits())
      fail("expected a value");
    if (pos_ < text_.size() && text_[pos_] == '.' && (++pos_, !digits()))
      fail("digits expected after '.'");
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-'))
        ++pos_;
      if (!digits())
        fail("digits expected in exponent");
    }
    return std::strtod(text_.substr(start, pos_ - start).c_str(), nullptr);
  }

  const std::string& text_;
  size_t pos_ = 0;
};

} // namespace

const json_value& json_value::operator[](const std::string& key) const {
  auto& members = std::get<object>(data_);
  auto i = members.find(key);
  if (i == members.end())
    throw std::runtime_error("JSON object has no member '" + key + "'");
  return i->second;
}

const json_value& json_value::operator[](size_t i) const {
  return std::get<array>(data_).at(i);
}

bool json_value::contains(const std::string& key) const {
  return is_object() && std::get<object>(data_).count(key) > 0;
}

size_t json_value::size() const {
  if (is_array())
    return std::get<array>(data_).size();
  return std::get<object>(data_).size();
}

double json_value::number() const {
  return std::get<double>(data_);
}

const std::string& json_value::string() const {
  return std::get<std::string>(data_);
}

bool json_value::boolean() const {
  return std::get<bool>(data_);
}

json_value parse_json(const std::string& text) {
  return reader{text}.document();
}

} // namespace cmm::test
