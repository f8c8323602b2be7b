#include "cmm/warmup_spec.hpp"

#include <string>

namespace cmm {

namespace {

std::optional<int64_t> parse_positive(std::string_view str) {
  if (str.empty() || str.size() > 9)
    return std::nullopt;
  int64_t value = 0;
  for (auto c : str) {
    if (c < '0' || c > '9')
      return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value == 0)
    return std::nullopt;
  return value;
}

} // namespace

std::optional<warmup_spec> parse_warmup_spec(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos)
    return std::nullopt;
  warmup_spec spec;
  auto type = parse_dtype(text.substr(0, colon));
  if (!type)
    return std::nullopt;
  spec.type = *type;
  auto rest = text.substr(colon + 1);
  if (auto star = rest.find('*'); star != std::string_view::npos) {
    auto runs = parse_positive(rest.substr(star + 1));
    if (!runs)
      return std::nullopt;
    spec.runs = static_cast<uint32_t>(*runs);
    rest = rest.substr(0, star);
  }
  while (true) {
    auto x = rest.find('x');
    auto dim = parse_positive(rest.substr(0, x));
    if (!dim)
      return std::nullopt;
    spec.shape.push_back(*dim);
    if (x == std::string_view::npos)
      break;
    rest = rest.substr(x + 1);
  }
  return spec;
}

tensor warmup_input(const warmup_spec& spec) {
  int64_t count = 1;
  for (auto d : spec.shape)
    count *= d;
  return make_tensor_from_floats(spec.type, spec.shape,
                                 std::vector<float>(count, 1.0f));
}

} // namespace cmm
